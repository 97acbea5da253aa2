// Checks a conversion's output in a real PostgreSQL (PGlite, PostgreSQL compiled to WebAssembly):
// every emitted statement is run in order in an empty database; a statement PostgreSQL rejects is
// taken out of the DDL and becomes an action item carrying PostgreSQL's own error message. PGlite
// is an optional dependency, imported only here and only when a conversion asks for the check.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import type { ConversionResult } from './convert.js';
import { leftOut, reduceStatement, rejectStatement, statementsOf } from './convert.js';

/** The part of PGlite's API the check uses. */
export interface PgLike {
  waitReady: Promise<void>;
  exec(sql: string): Promise<unknown>;
  query<T>(sql: string): Promise<{ rows: T[] }>;
  close(): Promise<void>;
}
export type PgLoader = () => Promise<{ PGlite: new () => PgLike }>;

export type Validation =
  | { checked: true; validated_with: string; statements: number; rejected: number; ms: number }
  | { checked: false; reason: string };

const PACKAGE = '@electric-sql/pglite';
const defaultLoader: PgLoader = () => import(PACKAGE) as Promise<{ PGlite: new () => PgLike }>;

/** The installed PGlite version, read from its package.json (the package does not export that file). */
function pgliteVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    let dir = dirname(require.resolve(PACKAGE));
    for (let k = 0; k < 5; k++, dir = dirname(dir)) {
      const file = join(dir, 'package.json');
      if (existsSync(file)) {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === PACKAGE) return pkg.version ?? '?';
      }
    }
  } catch {
    // a loader injected by a test, or an unusual layout: the version stays unknown
  }
  return '?';
}

// One database per thread, emptied before each check: starting PGlite costs seconds, emptying it milliseconds.
let shared: { pg: PgLike; label: string; loader: PgLoader } | undefined;

async function database(loader: PgLoader): Promise<{ pg: PgLike; label: string }> {
  if (shared && shared.loader === loader) {
    await shared.pg.exec(`DO $$ DECLARE s text; BEGIN
      FOR s IN SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND nspname NOT LIKE 'pg\\_%' LOOP
        EXECUTE format('DROP SCHEMA %I CASCADE', s);
      END LOOP;
    END $$; CREATE SCHEMA public; SET search_path TO public;`);
    return shared;
  }
  if (shared) await shared.pg.close().catch(() => undefined);
  shared = undefined;
  const mod = await loader();
  const pg = new mod.PGlite();
  await pg.waitReady;
  const version = (await pg.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? '?';
  shared = { pg, loader, label: `PGlite ${loader === defaultLoader ? pgliteVersion() : '?'} (PostgreSQL ${version})` };
  return shared;
}

/** Closes the thread's database (tests, and a thread about to end). */
export async function closeValidator(): Promise<void> {
  const s = shared;
  shared = undefined;
  if (s) await s.pg.close().catch(() => undefined);
}

function pgMessage(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const e = err as Error & { detail?: string; hint?: string };
  return [e.message, e.detail && `DETAIL: ${e.detail}`, e.hint && `HINT: ${e.hint}`].filter(Boolean).join('; ');
}

/**
 * Runs the conversion's statements in an empty PostgreSQL and moves the ones it rejects to the
 * action items (the result is changed in place and returned). Without PGlite the result says so.
 */
/** How long the statements may run (PGlite's start not counted) before the check stops. */
export const VALIDATE_BUDGET_MS = 20_000;

export async function validateConversion(result: ConversionResult, loader: PgLoader = defaultLoader, budgetMs = VALIDATE_BUDGET_MS): Promise<ConversionResult & { validation: Validation }> {
  const out = result as ConversionResult & { validation: Validation };
  const statements = statementsOf(result);
  if (!statements) {
    out.validation = { checked: false, reason: 'the statements of this conversion are not known' };
    return out;
  }
  const started = performance.now();
  let db: { pg: PgLike; label: string };
  try {
    db = await database(loader);
  } catch (err) {
    out.validation = { checked: false, reason: `PGlite (${PACKAGE}, an optional dependency) could not be loaded: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` };
    return out;
  }
  const rejected: { index: number; message: string }[] = [];
  const deadline = performance.now() + budgetMs;
  // objects left out by the conversion (action items) and, below, those PostgreSQL rejects
  const rejectedNames = new Set<string>(leftOut(result).map((x) => x.toLowerCase()));
  for (let k = 0; k < statements.length; k++) {
    const sql = statements[k]!;
    if (performance.now() > deadline) {
      // the database is left half-loaded; the next check empties it
      out.validation = {
        checked: false,
        reason: `stopped after ${Math.round(budgetMs / 1000)} s at statement ${k + 1} of ${statements.length}: the rest is unchecked (${rejected.length} rejected before that, moved to the action items); convert it in parts to check it all`,
      };
      return out;
    }
    try {
      await db.pg.exec(sql);
    } catch (err) {
      // A table refused for one of its CHECK constraints is created without them: the checks alone are reported.
      const lines = sql.split('\n');
      const isCheck = (l: string) => /^\s*(CONSTRAINT\s+\S+\s+)?CHECK\s*\(/.test(l);
      if (/^CREATE TABLE/i.test(sql) && lines.some(isCheck)) {
        const kept = lines.filter((l) => !isCheck(l));
        const reduced = kept.join('\n').replace(/,(\s*\n\)\s*)$/, '$1');
        try {
          await db.pg.exec(reduced);
          const checks = lines.filter(isCheck).map((l) => l.trim().replace(/,$/, ''));
          reduceStatement(result, k, reduced, checks, `${pgMessage(err)} (the table was created without its CHECK constraints)`);
          rejected.push({ index: k, message: pgMessage(err) });
          continue;
        } catch {
          // refused for another reason too: the whole statement is reported below
        }
      }
      let message = pgMessage(err);
      // A statement that names an object PostgreSQL already refused fails for that reason.
      const missing = /(?:relation|type|function) "([^"]+)" does not exist/.exec(message)?.[1];
      if (missing && rejectedNames.has(missing.replace(/^.*\./, ''))) message = `depends on ${missing}, which was left out or rejected (see its action item): ${message}`;
      const name = rejectStatement(result, k, message);
      if (name) rejectedNames.add(name);
      rejected.push({ index: k, message });
    }
  }
  out.validation = { checked: true, validated_with: db.label, statements: statements.length, rejected: rejected.length, ms: Math.round(performance.now() - started) };
  return out;
}
