import Database from 'better-sqlite3';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { packagePath } from '../paths.js';
import { runMigrations } from './migrations.js';

export type DB = Database.Database;

const SCHEMA_PATH = packagePath('schema.sql');
const BUSY_TIMEOUT_MS = 15_000;

let schemaCache: { sql: string; version: number } | undefined;

export function loadSchema(): { sql: string; version: number } {
  if (!schemaCache) {
    const sql = readFileSync(SCHEMA_PATH, 'utf8');
    const match = /--\s*schema-version:\s*(\d+)/.exec(sql);
    if (!match) throw new Error(`${SCHEMA_PATH} has no "-- schema-version: N" line`);
    schemaCache = { sql, version: Number(match[1]) };
  }
  return schemaCache;
}

/** Raised when the database file cannot be used; the message is one line for stderr. */
export class StoreOpenError extends Error {
  override name = 'StoreOpenError';
}

/** True for SQLite's "database is locked" errors (another connection holds the lock). */
export function isBusy(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code ?? '';
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED');
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Runs fn, retrying while another process holds a lock that SQLite's busy handler does not wait
 * for (switching to WAL, WAL recovery). Writes normally never get here: BEGIN IMMEDIATE waits.
 */
export function withBusyRetry<T>(fn: () => T, deadlineMs = BUSY_TIMEOUT_MS): T {
  const start = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      return fn();
    } catch (err) {
      if (!isBusy(err) || Date.now() - start > deadlineMs) throw err;
      sleepSync(Math.min(2 ** attempt, 50) + Math.random() * 5);
    }
  }
}

export interface OpenOptions {
  readonly?: boolean;
}

/**
 * mkdir -p, top down. Node's recursive mkdir never returns for a path under /proc (mkdir there
 * fails with ENOENT under a parent that exists, and it retries the parent forever).
 */
function makeFolders(dir: string): void {
  const missing: string[] = [];
  for (let d = resolve(dir); ; d = dirname(d)) {
    const st = statSync(d, { throwIfNoEntry: false });
    if (st?.isDirectory() || (!st && dirname(d) === d)) break;
    if (st) throw new Error(`${d} is not a folder`);
    missing.unshift(d);
  }
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/**
 * Opens (creating when needed) the store at path, applies the pragmas every connection needs and
 * brings the schema up to date. Throws StoreOpenError with a one-line reason when the path is
 * unusable.
 */
export function openStore(path: string, options: OpenOptions = {}): DB {
  const file = path === ':memory:' ? path : resolve(path);
  if (file !== ':memory:') {
    let stats;
    try {
      stats = statSync(file);
    } catch {
      stats = undefined;
    }
    if (stats?.isDirectory()) {
      throw new StoreOpenError(`database path ${file} is a directory; give a file path with --db or COORDINATOR_DB`);
    }
    if (!stats && !options.readonly) {
      try {
        makeFolders(dirname(file));
      } catch (err) {
        throw new StoreOpenError(`cannot create the folder for database ${file}: ${(err as Error).message}`);
      }
    }
  }
  let db: DB;
  try {
    db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  } catch (err) {
    throw new StoreOpenError(`cannot open database ${file}: ${(err as Error).message}`);
  }
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // SQLite's own default page cache (2 MB) rather than better-sqlite3's 16 MB: the hot pages (the
    // queue index, the catalog) fit, the rest comes from the OS's file cache at a few µs a page.
    db.pragma('cache_size = -2000');
    if (!options.readonly) {
      withBusyRetry(() => db.pragma('journal_mode = WAL'));
      db.pragma('synchronous = NORMAL');
      // Checkpoint every 4,000 WAL pages (16 MB) rather than 1,000: the hot pages of the flags
      // table and its indexes are copied to the database once per checkpoint however often they
      // changed, so a create costs about 7% less CPU.
      db.pragma('wal_autocheckpoint = 4000');
      db.pragma('foreign_keys = ON');
      withBusyRetry(() => applySchema(db));
      // Fresh planner statistics where they are missing or stale (cheap: analysis is sampled).
      db.pragma('analysis_limit = 400');
      withBusyRetry(() => db.pragma('optimize = 0x10002'));
    } else {
      db.pragma('query_only = ON');
    }
    return db;
  } catch (err) {
    db.close();
    if (err instanceof StoreOpenError) throw err;
    const e = err as { code?: string; message: string };
    if (e.code === 'SQLITE_NOTADB' || e.code === 'SQLITE_CORRUPT') {
      throw new StoreOpenError(`database ${file} is not a valid SQLite database (${e.message}); move it away or point --db elsewhere`);
    }
    if (e.code === 'SQLITE_READONLY' || e.code === 'SQLITE_CANTOPEN' || e.code?.startsWith('SQLITE_IOERR')) {
      throw new StoreOpenError(`database ${file} is not writable (${e.message}); check its permissions or point --db elsewhere`);
    }
    throw new StoreOpenError(`cannot use database ${file}: ${e.message}`);
  }
}

/** Creates missing objects and upgrades older databases, all in one IMMEDIATE transaction. */
export function applySchema(db: DB): void {
  const { sql, version } = loadSchema();
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > version) {
    throw new StoreOpenError(
      `database schema version ${current} is newer than this coordinator-mcp understands (${version}); upgrade coordinator-mcp`,
    );
  }
  if (current === version) {
    // Objects added to schema.sql without a version bump (an index, say) are created too.
    db.exec(sql);
    return;
  }
  db.transaction(() => {
    const again = db.pragma('user_version', { simple: true }) as number;
    if (again >= version) return; // another process upgraded it while we waited
    runMigrations(db, again, version, () => db.exec(sql));
    db.pragma(`user_version = ${version}`);
  }).immediate();
}
