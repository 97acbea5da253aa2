import { fork, type ChildProcess } from 'node:child_process';
import { CoordinatorError, invalid } from '../errors.js';
import { packagePath } from '../paths.js';

export interface QueryRequest {
  sql: string;
  params: unknown[] | Record<string, unknown> | undefined;
  maxRows: number;
}

export type QueryResponse =
  | { ok: true; columns: string[]; rows: Record<string, unknown>[]; row_count: number; truncated: boolean }
  | { ok: false; rule: string; error: string };

/** What the query process writes on stderr, alone on a line, just before its watchdog kills it for using too much memory. */
export const MEMORY_LIMIT_MARK = 'query-worker: memory limit';

export const DEFAULT_MAX_ROWS = 200;
export const MAX_ROWS = 1000;
export const QUERY_TIMEOUT_MS = 3000;
export const MAX_RESULT_BYTES = 4_000_000;
export const MAX_SQL = 10_000;
/** The query process is killed when its resident memory passes this (SQLite's values, the rows and their JSON). */
export const QUERY_MEMORY_MB = 256;
/** Its V8 heap limit, below the memory cap so that a large answer fails as a heap error rather than an OOM kill. */
export const QUERY_HEAP_MB = 128;
/** Queries waiting behind the running one; beyond this a call is refused as busy at once. */
export const MAX_WAITING_QUERIES = 4;
/** How long the query process may take to start (its first message says it is ready), under load included. */
const STARTUP_TIMEOUT_MS = 15_000;

/** The statement's first keyword, after comments and parentheses. */
function firstKeyword(sql: string): string {
  const stripped = sql.replace(/^(\s+|--[^\n]*(\n|$)|\/\*[\s\S]*?\*\/|\()+/, '');
  return (/^[A-Za-z]+/.exec(stripped)?.[0] ?? '').toUpperCase();
}

/**
 * Only a single SELECT or WITH statement that reads: a write, ATTACH, PRAGMA or anything else is
 * refused. reader and readonly come from the prepared statement (sqlite3_stmt_readonly).
 */
export function checkReadOnlyStatement(sql: string, reader: boolean, readonly: boolean): { rule: string; error: string } | null {
  const keyword = firstKeyword(sql);
  if (keyword !== 'SELECT' && keyword !== 'WITH') {
    return { rule: 'select_only', error: `only SELECT or WITH queries are allowed; "${keyword || sql.trim().slice(0, 20)}" statements are refused (the store is read-only here)` };
  }
  if (!reader || !readonly) {
    return { rule: 'read_only', error: 'the statement would change the database; only queries that read are allowed' };
  }
  return null;
}

function checkParams(params: unknown): unknown[] | Record<string, unknown> | undefined {
  if (params === undefined || params === null) return undefined;
  const scalar = (v: unknown) => v === null || ['string', 'number'].includes(typeof v);
  if (Array.isArray(params)) {
    if (!params.every(scalar)) throw invalid('params', 'scalars', 'params must hold only strings, numbers or null');
    return params;
  }
  if (typeof params === 'object') {
    if (!Object.values(params).every(scalar)) throw invalid('params', 'scalars', 'params must hold only strings, numbers or null');
    return params as Record<string, unknown>;
  }
  throw invalid('params', 'type', 'params must be a list (for ? placeholders) or an object (for :name placeholders)');
}

// The built worker (a bundle of query-worker.ts), also when the code runs from the sources (tests).
const WORKER = packagePath('dist', 'query-worker.js');

/**
 * Runs read-only SQL on the store in a child process with its own read-only connection, one query
 * at a time; a query that runs longer than the timeout is stopped by killing the child, which is
 * started again for the next query.
 */
export class ReadOnlyQueries {
  private child: ChildProcess | undefined;
  private readonly stderrOf = new WeakMap<ChildProcess, () => string>();
  /** Resolves when the child has opened the database: the time limit counts the query, not the start-up. */
  private readonly readyOf = new WeakMap<ChildProcess, Promise<void>>();
  private queue: Promise<unknown> = Promise.resolve();
  /** Queries accepted and not yet answered: the running one plus those waiting. */
  private pending = 0;

  constructor(private readonly dbPath: string, private readonly timeoutMs = QUERY_TIMEOUT_MS) {}

  run(sqlValue: unknown, paramsValue?: unknown, maxRowsValue?: unknown) {
    if (typeof sqlValue !== 'string' || sqlValue.trim() === '') throw invalid('sql', 'non_empty', 'sql must be one SELECT or WITH statement');
    if (sqlValue.length > MAX_SQL) throw invalid('sql', 'max_length', `sql is ${sqlValue.length} characters; at most ${MAX_SQL} are allowed`);
    const pre = checkReadOnlyStatement(sqlValue, true, true);
    if (pre) throw invalid('sql', pre.rule, pre.error);
    const maxRows = maxRowsValue ?? DEFAULT_MAX_ROWS;
    if (typeof maxRows !== 'number' || !Number.isInteger(maxRows) || maxRows < 1 || maxRows > MAX_ROWS) {
      throw invalid('max_rows', 'range', `max_rows must be a whole number from 1 to ${MAX_ROWS}`);
    }
    if (this.dbPath === ':memory:') throw new CoordinatorError('store', 'query_catalog needs a database file; this server runs on an in-memory store');
    const request: QueryRequest = { sql: sqlValue, params: checkParams(paramsValue), maxRows };
    if (this.pending > MAX_WAITING_QUERIES) {
      throw new CoordinatorError('busy', `query_catalog is busy: one query is running and ${MAX_WAITING_QUERIES} are waiting (at most ${MAX_WAITING_QUERIES} may wait); nothing was run, retry in a few seconds`, {
        field: 'sql', rule: 'queue_full', max_waiting: MAX_WAITING_QUERIES,
      });
    }
    this.pending++;
    const result = this.queue.then(() => this.send(request)).finally(() => this.pending--);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private worker(): ChildProcess {
    if (this.child && this.child.exitCode === null && !this.child.killed) return this.child;
    const child = fork(WORKER, [this.dbPath, String(QUERY_MEMORY_MB)], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
      execArgv: [`--max-old-space-size=${QUERY_HEAP_MB}`],
    });
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      if (stderr.length < 4096) stderr += chunk;
    });
    this.stderrOf.set(child, () => stderr);
    this.readyOf.set(child, new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new CoordinatorError('store', `the query process did not start within ${STARTUP_TIMEOUT_MS / 1000} s; nothing was run, try again`));
      }, STARTUP_TIMEOUT_MS);
      child.once('message', () => {
        clearTimeout(timer);
        resolve();
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new CoordinatorError('store', `the query process ended while starting (exit code ${code}); nothing was run, try again`));
      });
    }));
    child.unref();
    (child.channel as { unref?: () => void } | undefined)?.unref?.();
    this.child = child;
    return child;
  }

  private async send(request: QueryRequest) {
    const child = this.worker();
    try {
      await this.readyOf.get(child);
    } catch (err) {
      if (this.child === child) this.child = undefined;
      throw err;
    }
    return new Promise<{ columns: string[]; rows: Record<string, unknown>[]; row_count: number; truncated: boolean }>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      const onMessage = (response: QueryResponse) => {
        done();
        if (response.ok) {
          const { ok: _ok, ...rest } = response;
          resolve(rest);
        } else {
          reject(invalid('sql', response.rule, response.error));
        }
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        done();
        this.child = undefined;
        // Its stderr may still be arriving: the mark (or V8's heap message) decides which limit it hit.
        setImmediate(() => {
          const stderr = this.stderrOf.get(child)?.() ?? '';
          if (stderr.includes(MEMORY_LIMIT_MARK) || /heap out of memory|Allocation failed/i.test(stderr)) {
            reject(invalid('sql', 'memory_limit', `the query used more than ${QUERY_MEMORY_MB} MB of memory and was stopped (a huge value such as zeroblob, randomblob, printf padding or a long string_agg); select smaller values (length(), substr()) or fewer rows`, { limit_mb: QUERY_MEMORY_MB }));
          } else {
            reject(new CoordinatorError('store', `the query process ended unexpectedly (exit code ${code}${signal ? `, signal ${signal}` : ''}); nothing was changed, try again`));
          }
        });
      };
      const timer = setTimeout(() => {
        done();
        child.kill('SIGKILL');
        this.child = undefined;
        reject(invalid('sql', 'timeout', `the query ran longer than ${this.timeoutMs / 1000} s and was stopped; add a LIMIT, a tighter WHERE, or a bound on the recursive CTE`));
      }, this.timeoutMs);
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send(request);
    });
  }

  close(): void {
    this.child?.kill('SIGKILL');
    this.child = undefined;
  }
}
