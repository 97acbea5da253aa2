import { beforeEach, describe, expect, it } from 'vitest';
import { BoardService, decodeCursor, median } from '../../src/board/service.js';
import type { FlagService } from '../../src/flags/service.js';
import { refusalAsync as refusal } from '../helpers/refusal.js';
import { STORE_KINDS, type TestStore, openTestStore } from '../helpers/stores.js';
import { flagInput } from '../helpers/tmp.js';

describe('board rules', () => {
  it('median of none, odd and even counts', () => {
    expect(median([])).toBeNull();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('refuses a cursor that is not one, by name', () => {
    expect(() => decodeCursor('1 OR 1=1')).toThrow(/after "1 OR 1=1" is not a page cursor/);
    expect(decodeCursor('2026-11-27T10:00:00.000Z_42')).toEqual({ created_at: '2026-11-27T10:00:00.000Z', id: 42 });
  });
});

describe.each(STORE_KINDS)('the board on %s', (kind) => {
  let t: TestStore;
  let clock: number;
  let flags: FlagService;
  let board: BoardService;
  const known = new Set(['@backend.api', '@frontend.react', '@qa.tests']);

  beforeEach(async () => {
    t = await openTestStore(kind);
    clock = Date.parse('2026-11-27T10:00:00.000Z');
    flags = t.service({ now: () => clock });
    board = new BoardService(t.board, flags, (h) => known.has(h), () => clock, () => [...known]);
    return () => t.close();
  });

  const create = async (o: Record<string, unknown> = {}) => (await flags.create(flagInput(o))).id;
  const history = async (id: number) => (await flags.history(id)).map((h) => [h.action, h.agent]);

  it('shows one queue per target: broadcasts first, then the most urgent; held, expired and unknown agents marked', async () => {
    const low = await create({ impact_level: 'low' });
    clock += 60_000;
    const high = await create({ impact_level: 'high' });
    const ghost = await create({ target_agent: '@nobody.here' });
    const crit = await create({ target_agent: '@qa.tests', flag_type: 'security', impact_level: 'critical' });
    const bc = await create({ target_agent: null });
    await flags.complete(bc, '@qa.tests');
    await flags.lock(high, '@frontend.react', 60);
    await flags.lock(low, '@frontend.react', 30);
    clock += 45_000; // low's lease ran out, high's still runs
    const { queues, total_pending } = await board.queues();
    expect(total_pending).toBe(5);
    expect(queues.map((q) => [q.agent, q.known, q.pending, q.held, q.expired, q.top_impact])).toEqual([
      [null, null, 1, 0, 0, 'medium'],
      ['@qa.tests', true, 1, 0, 0, 'critical'],
      ['@frontend.react', true, 2, 1, 1, 'high'],
      ['@nobody.here', false, 1, 0, 0, 'medium'],
    ]);
    const fr = queues[2]!.flags;
    expect(fr.map((f) => f.id)).toEqual([high, low]);
    expect(fr[0]!.lock).toMatchObject({ holder: '@frontend.react' });
    expect(fr[0]!.lock_left_seconds).toBe(15);
    expect(fr[1]!.lock).toBeNull();
    expect(fr[1]!.lock_expired).toEqual({ holder: '@frontend.react', expired_at: '2026-11-27T10:01:30.000Z' });
    expect(fr[1]!.age_seconds).toBe(105);
    expect(queues[3]!.flags[0]).toMatchObject({ id: ghost, target_known: false, source_known: true });
    expect(queues[0]!.flags[0]).toMatchObject({ id: bc, acknowledged_by: ['@qa.tests'] });
    // Who has not acknowledged: the catalog's agents and every queue's agent, less the sender and those who did.
    expect(queues[0]!.flags[0]!.not_acknowledged).toEqual(['@frontend.react', '@nobody.here']);
    expect(queues[1]!.flags[0]!.id).toBe(crit);
  });

  it('shows one flag with its chain and history; a withdrawn flag as its last copy', async () => {
    const root = await create();
    const child = await create({ chain_origin_id: root, source_agent: '@frontend.react', target_agent: '@qa.tests' });
    const got = await board.flag(child);
    expect(got.flag.id).toBe(child);
    expect(got.chain.map((c) => [c.id, c.depth])).toEqual([[root, 0], [child, 1]]);
    expect(got.history.map((h) => h.action)).toEqual(['created']);
    await flags.personWithdraw(child, 'alice');
    const gone = await board.flag(child);
    expect(gone.deleted).toMatchObject({ action: 'deleted', agent: 'person:alice' });
    expect(gone.flag.change_description).toBe(got.flag.change_description);
    await expect(board.flag(999)).rejects.toThrow(/flag #999 does not exist/);
  });

  it('an agent filter matches flags to or from the agent once each (both ways in one flag too), paged by keyset', async () => {
    const to = await create({ target_agent: '@qa.tests' });
    const both = await create({ source_agent: '@qa.tests', target_agent: '@qa.tests' });
    clock += 1000;
    const from = await create({ source_agent: '@qa.tests', target_agent: '@frontend.react' });
    await create({ source_agent: '@frontend.react', target_agent: '@frontend.react' });
    const other = await create({ source_agent: '@frontend.react', target_agent: '@backend.api' });
    const seen: number[] = [];
    let after: string | undefined;
    for (let page = 0; page < 5; page++) {
      const r = await board.search({ agent: '@qa.tests', after }, 2);
      expect(r.total).toBe(3);
      expect(r.total_capped).toBe(false);
      seen.push(...r.flags.map((f) => f.id));
      if (!r.next) break;
      after = r.next;
    }
    expect(seen).toEqual([from, both, to]);
    expect((await t.board.search({ agents: ['@qa.tests', '@backend.api'] }, undefined, 10)).map((f) => f.id)).toEqual([other, from, both, to]);
    expect((await board.search({ agent: '@nobody.here' })).total).toBe(0);
  });

  it('counts the matches of a search up to a cap: the store stops there, the page says so', async () => {
    for (let i = 0; i < 5; i++) await create({ target_agent: i % 2 ? '@qa.tests' : '@frontend.react', source_agent: '@qa.tests' });
    expect(await t.board.count({}, 3)).toBe(3);
    expect(await t.board.count({}, 10)).toBe(5);
    expect(await t.board.count({ agents: ['@qa.tests'] }, 4)).toBe(4);
    expect(await t.board.count({ agents: ['@qa.tests'] }, 10)).toBe(5);
    expect(await t.board.count({ agents: ['@frontend.react'], status: 'pending' }, 10)).toBe(3);
  });

  it('searches with filters and pages by keyset through every match exactly once', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 7; i++) {
      ids.push(await create({ impact_level: i % 2 ? 'high' : 'low', target_agent: i < 5 ? '@frontend.react' : '@qa.tests',
        change_description: `Change number ${i} ${i === 3 ? '100%_literal' : ''} of the users endpoint: now returns paginated results` }));
      if (i % 3 === 0) clock += 1000; // some flags share a created_at: the id breaks the tie
    }
    const seen: number[] = [];
    let after: string | undefined;
    for (let page = 0; page < 10; page++) {
      const r = await board.search({ after }, 3);
      expect(r.total).toBe(7);
      seen.push(...r.flags.map((f) => f.id));
      if (!r.next) break;
      after = r.next;
    }
    expect(seen).toEqual([...ids].reverse());
    expect((await board.search({ agent: 'qa.tests' })).flags.map((f) => f.id)).toEqual([ids[6], ids[5]]);
    expect((await board.search({ agent: '@backend.api', impact: 'high' })).total).toBe(3);
    expect((await board.search({ q: '100%_LITERAL' })).flags.map((f) => f.id)).toEqual([ids[3]]);
    expect((await board.search({ q: '%' })).total).toBe(1);
    await flags.complete(ids[0], '@frontend.react');
    expect((await board.search({ status: 'completed', type: 'change' })).flags.map((f) => f.id)).toEqual([ids[0]]);
    expect((await refusal(() => board.search({ impact: 'huge' }))).details.field).toBe('impact_level');
    expect((await refusal(() => board.search({ agent: '<script>' }))).details.field).toBe('agent');
    expect((await refusal(() => board.search({ status: 'done' }))).message).toMatch(/status must be pending, completed or all/);
  });

  it('counts created and completed per hour, medians per agent, expired locks and broken ones', async () => {
    const a = await create();
    const b = await create();
    clock += 10 * 60_000;
    await flags.lock(a, '@frontend.react', 60);
    clock += 50 * 60_000;
    await flags.complete(a, '@frontend.react'); // 60 min after creation
    await flags.lock(b, '@frontend.react', 30); // 60 min after creation; runs out
    clock += 3_600_000;
    await flags.personUnlock(b, 'alice');
    const act = await board.activity(1);
    expect(act.hours).toHaveLength(24);
    expect(act.hours.find((h) => h.hour === '2026-11-27T10')).toEqual({ hour: '2026-11-27T10', created: 2, completed: 0 });
    expect(act.hours.find((h) => h.hour === '2026-11-27T11')).toEqual({ hour: '2026-11-27T11', created: 0, completed: 1 });
    expect(act.medians).toEqual([{
      agent: '@frontend.react', known: true, locks: 2, median_to_lock_seconds: 2100, completions: 1, median_to_complete_seconds: 3600,
    }]);
    expect(act.lock_events).toMatchObject([{ flag_id: b, action: 'force_unlocked', agent: 'person:alice', details: { by: 'person', lease_had_expired: true } }]);
    const c = await create();
    await flags.lock(c, '@frontend.react', 10);
    clock += 20_000;
    expect((await board.activity(2)).expired_locks.map((f) => [f.id, f.lock_expired?.holder])).toEqual([[c, '@frontend.react']]);
    await expect(board.activity(0)).rejects.toThrow(/days must be a whole number from 1 to 30/);
  });

  it('person actions: force-unlock, close a broadcast, withdraw; each recorded as done by a person, refusals change nothing', async () => {
    const f = await create();
    await flags.lock(f, '@frontend.react', 600);
    await flags.personUnlock(f, 'alice');
    expect(await history(f)).toEqual([['created', '@backend.api'], ['locked', '@frontend.react'], ['force_unlocked', 'person:alice']]);
    expect((await flags.get(f)).flag.locked).toBe(false);
    expect((await flags.history(f)).at(-1)!.details).toMatchObject({ by: 'person', previous_holder: '@frontend.react', lease_had_expired: false });
    await expect(flags.personUnlock(f, 'alice')).rejects.toThrow(/flag #\d+ is not locked/);
    await expect(flags.personUnlock(f, 'not a name!')).rejects.toThrow(/the person's name must be/);

    const bc = await create({ target_agent: null });
    await flags.complete(bc, '@qa.tests');
    await expect(flags.personCloseBroadcast(f, 'alice')).rejects.toThrow(/not a broadcast/);
    await flags.personCloseBroadcast(bc, 'alice');
    const closed = await flags.get(bc);
    expect(closed.flag).toMatchObject({ status: 'completed', completed_by: 'person:alice' });
    expect(closed.history.at(-1)).toMatchObject({ action: 'completed', agent: 'person:alice', details: { by: 'person', closed_for_all: true, acknowledged: 1 } });
    await expect(flags.personCloseBroadcast(bc, 'alice')).rejects.toThrow(/already closed by person:alice/);

    const parent = await create();
    await create({ chain_origin_id: parent });
    await expect(flags.personWithdraw(parent, 'bob')).rejects.toThrow(/chain origin of flag/);
    await flags.lock(f, '@frontend.react', 600);
    await flags.personWithdraw(f, 'bob');
    expect(Number((await t.query(`SELECT count(*) AS n FROM flags WHERE id = ${f}`))[0]!.n)).toBe(0);
    expect((await flags.history(f)).at(-1)).toMatchObject({ action: 'deleted', agent: 'person:bob', details: { by: 'person' } });
  });

  it('tells of a change made through the flag service', async () => {
    let told = 0;
    const stop = t.board.watch(() => { told++; }, 50);
    if (kind === 'postgres') await (t.store as unknown as { ready(): Promise<void> }).ready();
    await create();
    await new Promise((r) => setTimeout(r, 300));
    stop();
    expect(told).toBeGreaterThan(0);
  });
});
