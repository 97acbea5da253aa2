// Queues at 100,000 flags once broadcasts are acknowledged per agent (issue 16 part 4): the
// plans walk the queue indexes and probe flag_acks by its primary key, the answers match a
// brute-force count, and a queue read stays fast.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FlagService } from '../../src/flags/service.js';
import { openStore } from '../../src/store/db.js';
import { tempDir } from '../helpers/tmp.js';

describe('100,000 flags, 10,000 broadcasts, 200,000 acknowledgements', () => {
  it('keeps get_agent_flags on the indexes, exact and fast', async () => {
    const db = openStore(join(tempDir(), 'scale.db'));
    const start = Date.parse('2026-11-27T10:00:00.000Z');
    const ins = db.prepare(`INSERT INTO flags (flag_type, source_agent, target_agent, change_description, action_required, impact_level, status, created_at, updated_at, completed_at)
      VALUES ('change', '@src', ?, 'd', 'a', ?, ?, ?, ?, ?)`);
    const ack = db.prepare('INSERT INTO flag_acks VALUES (?, ?, ?, NULL)');
    const impacts = ['high', 'medium', 'low'];
    db.transaction(() => {
      for (let i = 0; i < 100_000; i++) {
        const broadcast = i % 10 === 0;
        const done = i % 3 === 0;
        const at = new Date(start + i * 1000).toISOString();
        const id = Number(ins.run(broadcast ? null : `@agent${i % 40}`, broadcast ? 'medium' : impacts[i % 3], done ? 'completed' : 'pending', at, at, done ? at : null).lastInsertRowid);
        if (broadcast) for (let a = 0; a < 40; a++) if ((a + i) % 2 === 0) ack.run(id, `@agent${a}`, at);
      }
    })();
    db.exec('ANALYZE');
    const flags = new FlagService(db, { now: () => start + 200_000_000 });

    const expected = (agent: string) => db.prepare(`SELECT count(*) FROM flags f WHERE f.status = 'pending' AND (f.target_agent = @agent
      OR (f.target_agent IS NULL AND NOT EXISTS (SELECT 1 FROM flag_acks a WHERE a.flag_id = f.id AND a.agent = @agent)))`).pluck().get({ agent });
    for (const agent of ['@agent3', '@agent4', '@nobody']) {
      const queue = await flags.agentQueue(agent, { limit: 20 });
      expect(queue.total_pending).toBe(expected(agent));
      expect(queue.flags.every((f) => f.status === 'pending')).toBe(true);
    }

    const { queue, queueCount } = ((flags.store as unknown as { tx: unknown }).tx as { queueStatements(n: number): { queue: { source: string }; queueCount: { source: string } } }).queueStatements(1);
    const plan = (sql: string, params: Record<string, unknown>) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map((r) => r.detail).join(' | ');
    for (const [sql, params] of [[queue.source, { h0: '@agent3', now: 'x', limit: 20, skipHeld: 0 }], [queueCount.source, { h0: '@agent3', now: 'x' }]] as const) {
      const p = plan(sql, params);
      expect(p).not.toMatch(/SCAN flags|TEMP B-TREE/);
      expect(p).toMatch(/SEARCH a USING PRIMARY KEY \(flag_id=\? AND agent=\?\)/);
    }

    await flags.agentQueue('@agent3');
    const t0 = performance.now();
    for (let i = 0; i < 10; i++) await flags.agentQueue(`@agent${i}`);
    const ms = (performance.now() - t0) / 10;
    expect(ms, `get_agent_flags took ${ms.toFixed(1)} ms`).toBeLessThan(150);
    db.close();
  }, 120_000);
});
