import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { type FlagServiceOptions, FlagService } from '../../src/flags/service.js';
import type { FlagStore } from '../../src/flags/store.js';
import { type DB, openStore } from '../../src/store/db.js';
import { pgliteConnector } from '../../src/store/postgres/connect.js';
import { PostgresFlagStore } from '../../src/store/postgres/flags.js';
import { SqliteFlagStore } from '../../src/store/sqlite/flags.js';
import { tempDir } from './tmp.js';

/** The stores every flags suite runs on: SQLite (a file) and PostgreSQL (PGlite, in process). */
export const STORE_KINDS = ['sqlite', 'postgres'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

export interface TestStore {
  kind: StoreKind;
  store: FlagStore;
  /** The SQLite database (sqlite only). */
  db?: DB;
  /** Rows of a query on the store's own database (plain SQL both dialects read alike). */
  query(sql: string): Promise<Record<string, unknown>[]>;
  service(options?: FlagServiceOptions): FlagService;
  close(): Promise<void>;
}

let pglite: Promise<{ lite: PGlite; store: PostgresFlagStore }> | undefined;

/** One PGlite per test file (starting one takes a second or two), emptied before each test. */
async function sharedPglite() {
  pglite ??= (async () => {
    const lite = await PGlite.create({ parsers: { 20: (v: string) => Number(v) } });
    const store = await PostgresFlagStore.open(pgliteConnector(lite as never));
    return { lite, store };
  })();
  return pglite;
}

export async function openTestStore(kind: StoreKind): Promise<TestStore> {
  if (kind === 'sqlite') {
    const db = openStore(join(tempDir(), 'c.db'));
    const store = new SqliteFlagStore(db);
    return {
      kind, store, db,
      query: async (sql) => db.prepare(sql).all() as Record<string, unknown>[],
      service: (options) => new FlagService(store, options),
      close: async () => { db.close(); },
    };
  }
  const { lite, store } = await sharedPglite();
  await lite.query('TRUNCATE flags, flag_history, flag_acks RESTART IDENTITY CASCADE');
  return {
    kind, store,
    query: async (sql) => (await lite.query<Record<string, unknown>>(sql)).rows,
    service: (options) => new FlagService(store, options),
    close: async () => {},
  };
}
