import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { type FlagServiceOptions, FlagService } from '../../src/flags/service.js';
import type { FlagStore } from '../../src/flags/store.js';
import { type DB, openStore } from '../../src/store/db.js';
import { pgliteConnector } from '../../src/store/postgres/connect.js';
import { PostgresFlagStore } from '../../src/store/postgres/flags.js';
import { SqliteFlagStore } from '../../src/store/sqlite/flags.js';
import type { TokenStore } from '../../src/auth/tokens.js';
import { PostgresTokenStore } from '../../src/store/postgres/tokens.js';
import { SqliteTokenStore } from '../../src/store/sqlite/tokens.js';
import type { BoardStore } from '../../src/board/store.js';
import { SqliteBoardStore } from '../../src/store/sqlite/board.js';
import { PostgresBoardStore } from '../../src/store/postgres/board.js';
import { tempDir } from './tmp.js';

/** The stores every flags suite runs on: SQLite (a file) and PostgreSQL (PGlite, in process). */
export const STORE_KINDS = ['sqlite', 'postgres'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

export interface TestStore {
  kind: StoreKind;
  store: FlagStore;
  /** The SQLite database (sqlite only). */
  db?: DB;
  /** The board's reads on the same database. */
  board: BoardStore;
  /** The tokens on the same database. */
  tokens: TokenStore;
  /** Rows of a query on the store's own database (plain SQL both dialects read alike). */
  query(sql: string): Promise<Record<string, unknown>[]>;
  service(options?: FlagServiceOptions): FlagService;
  close(): Promise<void>;
}

let pglite: Promise<{ lite: PGlite; store: PostgresFlagStore; tokens: PostgresTokenStore }> | undefined;

/** One PGlite per test file (starting one takes a second or two), emptied before each test. */
async function sharedPglite() {
  pglite ??= (async () => {
    const lite = await PGlite.create({ parsers: { 20: (v: string) => Number(v) } });
    const connector = pgliteConnector(lite as never);
    const store = await PostgresFlagStore.open(connector);
    return { lite, store, tokens: new PostgresTokenStore(connector) };
  })();
  return pglite;
}

export async function openTestStore(kind: StoreKind): Promise<TestStore> {
  if (kind === 'sqlite') {
    const db = openStore(join(tempDir(), 'c.db'));
    const store = new SqliteFlagStore(db);
    return {
      kind, store, db, tokens: new SqliteTokenStore(db), board: new SqliteBoardStore(db, store),
      query: async (sql) => db.prepare(sql).all() as Record<string, unknown>[],
      service: (options) => new FlagService(store, options),
      close: async () => { db.close(); },
    };
  }
  const { lite, store, tokens } = await sharedPglite();
  await lite.query('TRUNCATE flags, flag_history, flag_acks, api_tokens RESTART IDENTITY CASCADE');
  return {
    kind, store, tokens, board: new PostgresBoardStore(store.connector, store),
    query: async (sql) => (await lite.query<Record<string, unknown>>(sql)).rows,
    service: (options) => new FlagService(store, options),
    close: async () => {},
  };
}
