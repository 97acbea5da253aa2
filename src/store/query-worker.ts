// A child process that runs one read-only query at a time for query_catalog. It exists so that a
// runaway query (an endless recursive CTE) can be stopped: SQLite cannot be interrupted from
// JavaScript while it runs, but this process can be killed.
import '../memory.js'; // first: the heap settings of the server apply to this process too
import Database from 'better-sqlite3';
import { Worker } from 'node:worker_threads';
import { checkReadOnlyStatement, MAX_RESULT_BYTES, MEMORY_LIMIT_MARK, type QueryRequest, type QueryResponse } from './readonly.js';

const dbPath = process.argv[2];
if (!dbPath) {
  process.stderr.write('query-worker: no database path\n');
  process.exit(2);
}

// The memory watchdog. SQLite runs on this process's only JavaScript thread and cannot be
// interrupted, and this build of SQLite keeps no memory statistics (PRAGMA hard_heap_limit has no
// effect), so a thread of its own samples the process's resident memory and kills the process
// past the cap: zeroblob(4e8) would otherwise take gigabytes before the time limit.
const memoryMb = Number(process.argv[3]) || 256;
const watchdog = new Worker(
  `const { workerData } = require('node:worker_threads');
   const { writeSync } = require('node:fs');
   setInterval(() => {
     if (process.memoryUsage.rss() > workerData.cap) {
       writeSync(2, '\\n' + workerData.mark + '\\n');
       process.kill(process.pid, 'SIGKILL');
     }
     // The server is gone (killed: no disconnect event can run while SQLite holds this
     // process's thread): a query nobody will read must not run on.
     if (process.ppid !== workerData.parent) process.kill(process.pid, 'SIGKILL');
   }, 5);`,
  { eval: true, workerData: { cap: memoryMb * 1024 * 1024, mark: MEMORY_LIMIT_MARK, parent: process.ppid } },
);
watchdog.unref();
const db = new Database(dbPath, { readonly: true, fileMustExist: true });
db.pragma('query_only = ON');
db.pragma('busy_timeout = 2000');
db.pragma('cache_size = -2000'); // as the server's connection: SQLite's default 2 MB

const toJson = (value: unknown): unknown =>
  Buffer.isBuffer(value) ? { base64: value.toString('base64') } : typeof value === 'bigint' ? value.toString() : value;

/** Bytes a value will take in the answer, before it is turned into JSON (base64 makes a blob 4/3 larger). */
const sizeOf = (value: unknown): number =>
  Buffer.isBuffer(value) ? Math.ceil(value.length / 3) * 4 : typeof value === 'string' ? value.length : 24;

function run(req: QueryRequest): QueryResponse {
  let stmt;
  try {
    stmt = db.prepare(req.sql);
  } catch (err) {
    const message = (err as Error).message;
    if (/more than one statement/i.test(message)) {
      return { ok: false, rule: 'single_statement', error: 'sql holds more than one statement; send exactly one SELECT or WITH statement' };
    }
    return { ok: false, rule: 'syntax', error: `SQLite cannot prepare the query: ${message}` };
  }
  const refusal = checkReadOnlyStatement(req.sql, stmt.reader, stmt.readonly);
  if (refusal) return { ok: false, rule: refusal.rule, error: refusal.error };
  const rows: Record<string, unknown>[] = [];
  let truncated = false;
  let bytes = 0;
  try {
    const iterator = (Array.isArray(req.params) ? stmt.iterate(...req.params) : stmt.iterate(req.params ?? {})) as IterableIterator<Record<string, unknown>>;
    for (const row of iterator) {
      if (rows.length >= req.maxRows) {
        truncated = true;
        break;
      }
      for (const [column, value] of Object.entries(row)) {
        const size = sizeOf(value);
        if (size > MAX_RESULT_BYTES) {
          return { ok: false, rule: 'result_size', error: `column ${JSON.stringify(column.slice(0, 60))} holds a value of ${size} bytes; an answer holds at most ${MAX_RESULT_BYTES} bytes: select length() or substr() of it instead` };
        }
      }
      const out = Object.fromEntries(Object.entries(row).map(([k, v]) => [k, toJson(v)]));
      // Rows are capped by size too: an answer must fit a protocol message and a model's context.
      bytes += JSON.stringify(out).length;
      if (bytes > MAX_RESULT_BYTES) {
        if (rows.length === 0) {
          return { ok: false, rule: 'result_size', error: `a single row is over ${MAX_RESULT_BYTES / 1e6} MB of JSON; select fewer or smaller columns (substr, length)` };
        }
        truncated = true;
        break;
      }
      rows.push(out);
    }
  } catch (err) {
    return { ok: false, rule: 'execution', error: `the query failed: ${(err as Error).message}` };
  }
  return { ok: true, columns: stmt.columns().map((c) => c.name), rows, row_count: rows.length, truncated };
}

process.on('message', (req: QueryRequest) => process.send!(run(req)));
process.send!({ ready: true }); // the first message: the database is open, the query clock may start
process.on('disconnect', () => process.exit(0));
