// The torture suite of processes.test.ts, over Streamable HTTP on SQLite (tests/helpers/http-torture.ts;
// the same suite runs on PostgreSQL in tests/system/http-torture.system.ts). The store is read by
// opening the database file read-only.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeHttpTorture } from '../helpers/http-torture.js';

let dir: string;

function read<T>(db: string, fn: (raw: Database.Database) => T): T {
  const raw = new Database(db, { readonly: true });
  try {
    return fn(raw);
  } finally {
    raw.close();
  }
}

describeHttpTorture('one HTTP server on SQLite, 8 concurrent SDK clients with agent tokens', async () => {
  dir = mkdtempSync(join(tmpdir(), 'coordinator-http-torture-'));
  const db = join(dir, 'storm.db');
  return {
    db,
    probe: {
      flags: async () => read(db, (raw) => raw.prepare('SELECT id, source_agent, context FROM flags').all() as { id: number; source_agent: string; context: string | null }[]),
      lockEntries: async () => read(db, (raw) => raw.prepare("SELECT count(*) FROM flag_history WHERE action = 'locked' GROUP BY flag_id").pluck().all() as number[]),
      createdEntries: async () => read(db, (raw) => raw.prepare("SELECT count(*) FROM flag_history WHERE action = 'created'").pluck().get() as number),
      check: async () => {
        const verdict = read(db, (raw) => raw.pragma('integrity_check', { simple: true }));
        if (verdict !== 'ok') throw new Error(`integrity_check: ${String(verdict)}`);
      },
    },
  };
}, async () => rmSync(dir, { recursive: true, force: true }));
