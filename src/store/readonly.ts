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

export const DEFAULT_MAX_ROWS = 200;
export const MAX_ROWS = 1000;
export const QUERY_TIMEOUT_MS = 3000;
export const MAX_RESULT_BYTES = 4_000_000;
const MAX_SQL = 10_000;

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
  private queue: Promise<unknown> = Promise.resolve();

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
    const result = this.queue.then(() => this.send(request));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private worker(): ChildProcess {
    if (this.child && this.child.exitCode === null && !this.child.killed) return this.child;
    const child = fork(WORKER, [this.dbPath], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' });
    child.stderr?.resume();
    child.unref();
    (child.channel as { unref?: () => void } | undefined)?.unref?.();
    this.child = child;
    return child;
  }

  private send(request: QueryRequest) {
    const child = this.worker();
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
      const onExit = (code: number | null) => {
        done();
        this.child = undefined;
        reject(new CoordinatorError('store', `the query process ended unexpectedly (exit code ${code}); nothing was changed, try again`));
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
