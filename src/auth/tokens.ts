// Bearer tokens of the HTTP transport: the rules (format, roles, hashing, verification) live here;
// a TokenStore per database dialect only stores and finds rows, so the SQLite and PostgreSQL stores
// differ by their SQL alone.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { CoordinatorError, invalid } from '../errors.js';
import { normalizeHandle } from '../flags/rules.js';

export const TOKEN_ROLES = ['agent', 'admin', 'read-only'] as const;
export type TokenRole = (typeof TOKEN_ROLES)[number];

/** A stored token: never the token itself, only its SHA-256 (hex). */
export interface TokenRow {
  id: string;
  hash: string;
  role: TokenRole;
  /** The handles an agent token may act as (empty for the other roles). */
  agents: string[];
  name: string | null;
  created_at: string;
  revoked_at: string | null;
}

/** What each store implements (src/store/sqlite/tokens.ts; the PostgreSQL store the same, in its SQL). */
export interface TokenStore {
  insert(row: TokenRow): Promise<void>;
  byId(id: string): Promise<TokenRow | undefined>;
  /** Every token, oldest first. */
  list(): Promise<TokenRow[]>;
  /** Sets revoked_at if it is not set yet; false when no token has that id. */
  revoke(id: string, at: string): Promise<boolean>;
}

/** A token as `token list` shows it: no hash. */
export type TokenInfo = Omit<TokenRow, 'hash'> & { revoked: boolean };

export type Verification =
  | { ok: true; token: TokenInfo }
  | { ok: false; status: 401 | 403 | 503; reason: string };

const PREFIX = 'cmcp';
/** 32 random bytes: 256 bits of secret. */
const SECRET_BYTES = 32;
/** The public id: 6 random bytes, 12 hex digits (collisions are retried). */
const ID_BYTES = 6;
const TOKEN_PATTERN = /^cmcp_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;
export const MAX_TOKEN_NAME = 200;

/**
 * SHA-256 of the whole token. A fast hash is enough here (no salt, no bcrypt/scrypt): those slow
 * down guessing a low-entropy password; a 256-bit random secret cannot be guessed at any speed,
 * and the per-request check must stay cheap.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

const info = (row: TokenRow): TokenInfo => {
  const { hash: _h, ...rest } = row;
  return { ...rest, revoked: row.revoked_at !== null };
};

export interface CreateTokenInput {
  role: TokenRole;
  agents?: string[];
  name?: string;
}

export class TokenService {
  constructor(private readonly store: TokenStore, private readonly now: () => Date = () => new Date()) {}

  /** A new token: the secret is in `token`, returned once and stored nowhere. */
  async create(input: CreateTokenInput): Promise<{ token: string; info: TokenInfo }> {
    if (!(TOKEN_ROLES as readonly string[]).includes(input.role)) {
      throw invalid('role', 'enum', `role must be one of ${TOKEN_ROLES.join(', ')}; got ${JSON.stringify(input.role)}`);
    }
    const agents = [...new Set((input.agents ?? []).map((a) => normalizeHandle(a, 'agent')))];
    if (input.role === 'agent' && agents.length === 0) {
      throw invalid('agent', 'required', 'an agent token needs at least one --agent @handle (the agents it may act as); or give --admin or --read-only');
    }
    if (input.role !== 'agent' && agents.length > 0) {
      throw invalid('agent', 'conflict', `--agent goes with agent tokens only; a ${input.role} token ${input.role === 'admin' ? 'acts as anyone' : 'acts as nobody'}: drop --agent or drop --${input.role}`);
    }
    const name = input.name?.trim() || null;
    if (name !== null && name.length > MAX_TOKEN_NAME) {
      throw invalid('name', 'too_big', `--name must be at most ${MAX_TOKEN_NAME} characters, got ${name.length}`);
    }
    for (let attempt = 0; attempt < 5; attempt++) {
      const id = randomBytes(ID_BYTES).toString('hex');
      if (await this.store.byId(id)) continue;
      const token = `${PREFIX}_${id}_${randomBytes(SECRET_BYTES).toString('base64url')}`;
      const row: TokenRow = { id, hash: hashToken(token), role: input.role, agents, name, created_at: this.now().toISOString(), revoked_at: null };
      await this.store.insert(row);
      return { token, info: info(row) };
    }
    throw new CoordinatorError('conflict', 'could not draw an unused token id in 5 tries; try again');
  }

  async list(): Promise<TokenInfo[]> {
    return (await this.store.list()).map(info);
  }

  async revoke(idValue: string): Promise<{ token: TokenInfo; already_revoked: boolean }> {
    const id = idValue.trim().replace(/^cmcp_/, '').split('_')[0]!.toLowerCase();
    const before = /^[0-9a-f]{12}$/.test(id) ? await this.store.byId(id) : undefined;
    if (!before) throw new CoordinatorError('not_found', `no token has the id ${JSON.stringify(idValue)}; coordinator token list shows the ids`, { field: 'id', rule: 'exists' });
    if (before.revoked_at !== null) return { token: info(before), already_revoked: true };
    await this.store.revoke(id, this.now().toISOString());
    return { token: info((await this.store.byId(id))!), already_revoked: false };
  }

  /**
   * The token of an Authorization header value ("Bearer cmcp_..."). The public id finds the row;
   * the secret is then checked by comparing SHA-256 digests with timingSafeEqual, so the time
   * taken says nothing about how much of a guess was right. Unknown or wrong: 401; revoked: 403;
   * the store unreachable: 503.
   */
  async verify(header: string | undefined): Promise<Verification> {
    if (header === undefined || header.trim() === '') return { ok: false, status: 401, reason: 'missing Authorization header: send "Authorization: Bearer <token>" (coordinator token create makes one)' };
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header.trim());
    if (!match) return { ok: false, status: 401, reason: 'the Authorization header must be "Bearer <token>"' };
    const token = match[1]!;
    const parts = TOKEN_PATTERN.exec(token);
    let row: TokenRow | undefined;
    try {
      row = parts ? await this.store.byId(parts[1]!) : undefined;
    } catch (err) {
      // The store (a PostgreSQL server shared by many) is down or unreachable: the token cannot be
      // checked, so nothing runs; the caller may retry, unlike a 401 or 403.
      return { ok: false, status: 503, reason: `the token could not be checked: the token store is unreachable (${(err as Error).message}); nothing was done, try again once the database is back` };
    }
    // An unknown id still costs one hash and one comparison, as a known one does.
    const expected = Buffer.from(row?.hash ?? hashToken(''), 'hex');
    const same = timingSafeEqual(Buffer.from(hashToken(token), 'hex'), expected);
    if (!row || !same) return { ok: false, status: 401, reason: 'unknown token: check COORDINATOR_TOKEN, or make one with coordinator token create' };
    if (row.revoked_at !== null) return { ok: false, status: 403, reason: `token ${row.id} was revoked at ${row.revoked_at}; ask for a new one (coordinator token create)` };
    return { ok: true, token: info(row) };
  }
}
