import Database from 'better-sqlite3';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowManyPendingWrites, assertBuilt, spawnServer } from '../helpers/spawn.js';
import { flagInput } from '../helpers/tmp.js';

const PROCESSES = 4;
const FLAGS_PER_PROCESS = 150;
const LOCK_ROUNDS = 100;

allowManyPendingWrites();

let dir: string;
let dbPath: string;
let servers: Awaited<ReturnType<typeof spawnServer>>[] = [];

beforeAll(async () => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'coordinator-mp-'));
  dbPath = join(dir, 'shared.db');
  // Started together: they race to create the schema on the empty file too.
  servers = await Promise.all(Array.from({ length: PROCESSES }, () => spawnServer(['--db', dbPath])));
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

const call = (i: number, name: string, args: Record<string, unknown>) =>
  servers[i]!.client.callTool({ name, arguments: args }) as Promise<CallToolResult>;

describe(`${PROCESSES} server processes on one database file`, () => {
  it('store every flag created at the same time, with none failed', async () => {
    const results = await Promise.all(servers.map((_s, p) =>
      Promise.all(Array.from({ length: FLAGS_PER_PROCESS }, (_x, n) =>
        call(p, 'create_flag', flagInput({ source_agent: `@proc.p${p}`, context: { n } }))))));
    const failures = results.flat().filter((r) => r.isError);
    expect(failures.map((f) => JSON.stringify(f.content))).toEqual([]);
    const ids = results.flat().map((r) => (r.structuredContent as { flag_id: number }).flag_id);
    expect(new Set(ids).size).toBe(PROCESSES * FLAGS_PER_PROCESS);
    const db = new Database(dbPath, { readonly: true });
    const perSource = db.prepare('SELECT source_agent, count(*) AS n FROM flags GROUP BY source_agent ORDER BY source_agent').all();
    expect(perSource).toEqual(Array.from({ length: PROCESSES }, (_x, p) => ({ source_agent: `@proc.p${p}`, n: FLAGS_PER_PROCESS })));
    expect(db.prepare("SELECT count(*) FROM flag_history WHERE action = 'created'").pluck().get()).toBe(PROCESSES * FLAGS_PER_PROCESS);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    // Every server wrote its own creates: no history entry carries anything but what the create said.
    const keys = db.prepare("SELECT DISTINCT j.key FROM flag_history h, json_each(h.details) j WHERE h.action = 'created' ORDER BY j.key").pluck().all();
    expect(keys).toEqual(['impact_level', 'target_agent']);
    db.close();
  });

  it('let exactly one agent win each race for a lock', async () => {
    for (let round = 0; round < LOCK_ROUNDS; round++) {
      const created = await call(round % PROCESSES, 'create_flag', flagInput({ source_agent: '@race.setup' }));
      const id = (created.structuredContent as { flag_id: number }).flag_id;
      const attempts = await Promise.all(servers.map((_s, p) => call(p, 'lock_flag', { id, agent: `@racer.r${p}` })));
      const winners = attempts.flatMap((r, p) => (r.isError ? [] : [p]));
      expect(winners, `round ${round}`).toHaveLength(1);
      const winner = `@racer.r${winners[0]}`;
      for (const loser of attempts.filter((r) => r.isError)) {
        const error = JSON.parse((loser.content[0] as { text: string }).text);
        expect(error).toMatchObject({ rule: 'locked_by_other', holder: winner });
      }
      const db = new Database(dbPath, { readonly: true });
      expect(db.prepare('SELECT locked_by FROM flags WHERE id = ?').pluck().get(id)).toBe(winner);
      db.close();
    }
  });
});
