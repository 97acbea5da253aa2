// The PostgreSQL side of TokenStore: the table api_tokens of the PostgreSQL schema (version 7),
// shared by every server on the store, so a token made once works on all of them.
import type { TokenRole, TokenRow, TokenStore } from '../../auth/tokens.js';
import type { PgConnector } from './connect.js';
import { isConnectionError } from './flags.js';

interface Row {
  id: string;
  hash: string;
  role: TokenRole;
  agents: string;
  name: string | null;
  created_at: string;
  revoked_at: string | null;
}

const toRow = (r: Row): TokenRow => ({ ...r, agents: JSON.parse(r.agents) as string[] });

const COLUMNS = 'id, hash, role, agents, name, created_at, revoked_at';

/** Each call is one statement on a pooled connection (no transaction needed: each is atomic by itself). */
export class PostgresTokenStore implements TokenStore {
  /** The connector is shared with the flag store, which owns it (PostgresFlagStore.open made the schema). */
  constructor(private readonly connector: PgConnector) {}

  private async rows<R>(sql: string, params: unknown[] = []): Promise<R[]> {
    const session = await this.connector.connect();
    let broken = false;
    try {
      return (await session.query<R>(sql, params)).rows;
    } catch (err) {
      broken = isConnectionError(err);
      throw err;
    } finally {
      session.release(broken);
    }
  }

  async insert(row: TokenRow): Promise<void> {
    await this.rows(`INSERT INTO api_tokens (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [row.id, row.hash, row.role, JSON.stringify(row.agents), row.name, row.created_at, row.revoked_at]);
  }

  async byId(id: string): Promise<TokenRow | undefined> {
    const [row] = await this.rows<Row>(`SELECT ${COLUMNS} FROM api_tokens WHERE id = $1`, [id]);
    return row ? toRow(row) : undefined;
  }

  async list(): Promise<TokenRow[]> {
    return (await this.rows<Row>(`SELECT ${COLUMNS} FROM api_tokens ORDER BY created_at, id`)).map(toRow);
  }

  async revoke(id: string, at: string): Promise<boolean> {
    return (await this.rows(`UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL RETURNING id`, [at, id])).length > 0;
  }
}

