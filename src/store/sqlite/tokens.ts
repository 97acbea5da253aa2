// The SQLite side of TokenStore: the table api_tokens of schema.sql (version 7).
import type { TokenRole, TokenRow, TokenStore } from '../../auth/tokens.js';
import type { DB } from '../db.js';

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

export class SqliteTokenStore implements TokenStore {
  private readonly stmt;

  constructor(db: DB) {
    this.stmt = {
      insert: db.prepare(`INSERT INTO api_tokens (id, hash, role, agents, name, created_at, revoked_at)
        VALUES (@id, @hash, @role, @agents, @name, @created_at, @revoked_at)`),
      byId: db.prepare<[string], Row>('SELECT * FROM api_tokens WHERE id = ?'),
      list: db.prepare<[], Row>('SELECT * FROM api_tokens ORDER BY created_at, id'),
      revoke: db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
    };
  }

  insert(row: TokenRow): Promise<void> {
    this.stmt.insert.run({ ...row, agents: JSON.stringify(row.agents) });
    return Promise.resolve();
  }

  byId(id: string): Promise<TokenRow | undefined> {
    const row = this.stmt.byId.get(id);
    return Promise.resolve(row ? toRow(row) : undefined);
  }

  list(): Promise<TokenRow[]> {
    return Promise.resolve(this.stmt.list.all().map(toRow));
  }

  revoke(id: string, at: string): Promise<boolean> {
    return Promise.resolve(this.stmt.revoke.run(at, id).changes > 0);
  }
}
