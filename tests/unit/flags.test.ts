import { beforeEach, describe, expect, it } from 'vitest';
import { FlagService } from '../../src/flags/service.js';
import { type DB, openStore } from '../../src/store/db.js';
import { ACTION, DESC, flagInput } from '../helpers/tmp.js';
import { refusalAsync as refusal } from '../helpers/refusal.js';
import { STORE_KINDS, type TestStore, openTestStore } from '../helpers/stores.js';

describe.each(STORE_KINDS)('flags on %s', (kind) => {
let t: TestStore;
let db: DB;
let clock: number;
let flags: FlagService;
// Tests of the SQLite summary cache exist only for SQLite (not registered, rather than skipped, on PostgreSQL:
// CI counts a skipped test as a failure).
const sqliteOnly: typeof it = kind === 'sqlite' ? it : ((() => undefined) as unknown as typeof it);

beforeEach(async () => {
  t = await openTestStore(kind);
  db = t.db!;
  clock = Date.parse('2026-11-27T10:00:00.000Z');
  flags = t.service({ now: () => clock });
  return () => t.close();
});

/** Every row of both flag tables, in order: what a refusal must leave exactly as it was. */
const contents = async () => ({
  flags: await t.query('SELECT * FROM flags ORDER BY id'),
  history: await t.query('SELECT * FROM flag_history ORDER BY id'),
});

/** Runs fn, which must refuse, and checks that the refusal changed neither flags nor flag_history. */
async function refused(fn: () => unknown) {
  const before = await contents();
  const err = await refusal(fn);
  expect(await contents(), `${err.details.rule}: ${err.message}`).toEqual(before);
  return err;
}

const count = async (sql = 'SELECT count(*) AS n FROM flags') => Number((await t.query(sql))[0]!.n);

describe('create', () => {
  it('stores every field, normalised, with ISO timestamps and a history entry', async () => {
    const f = await flags.create(flagInput({
      source_agent: 'Backend.API', target_agent: 'frontend.react', impact_level: 'high',
      related_files: 'src/a.ts, src/b.ts', code_location: 'src/a.ts:12', example_usage: 'fetch(...)', context: '{"pr": 42}',
    }));
    expect(f).toMatchObject({
      id: 1, source_agent: '@backend.api', target_agent: '@frontend.react', impact_level: 'high', status: 'pending',
      related_files: ['src/a.ts', 'src/b.ts'], code_location: 'src/a.ts:12', example_usage: 'fetch(...)', context: { pr: 42 },
      created_at: '2026-11-27T10:00:00.000Z', locked: false, lock: null, change_description: DESC, action_required: ACTION,
    });
    expect(await flags.history(1)).toEqual([
      expect.objectContaining({ action: 'created', agent: '@backend.api', at: '2026-11-27T10:00:00.000Z' }),
    ]);
  });

  it('refuses a NUL character (U+0000) in any text, file or context, alike on both stores, storing nothing', async () => {
    const nul = 'bad\u0000byte';
    for (const [field, input] of [
      ['change_description', flagInput({ change_description: `${DESC} ${nul}` })],
      ['action_required', flagInput({ action_required: `${ACTION} ${nul}` })],
      ['code_location', flagInput({ code_location: nul })],
      ['related_files', flagInput({ related_files: ['src/a.ts', nul] })],
      ['context', flagInput({ context: { note: nul } })],
      ['context', flagInput({ context: '{"k\\u0000ey": 1}' })], // escaped in the JSON text
    ] as const) {
      const err = await refused(() => flags.create(input));
      expect(err.details, field).toMatchObject({ field, rule: 'no_nul' });
    }
    const { id } = await flags.create(flagInput());
    await flags.lock(id, '@frontend.react');
    expect((await refused(() => flags.complete(id, '@frontend.react', nul))).details).toMatchObject({ field: 'notes', rule: 'no_nul' });
    expect((await refusal(() => flags.list({ text: nul }))).details).toMatchObject({ field: 'text', rule: 'no_nul' });
  });

  it('finds text ignoring the case of ASCII letters only, alike on both stores', async () => {
    await flags.create(flagInput({ change_description: `${DESC} ÉCOLE-ZZQ and Users-ZZQ` }));
    expect((await flags.list({ text: 'users-zzq' })).total).toBe(1);
    expect((await flags.list({ text: 'école-zzq' })).total).toBe(0);
    expect((await flags.list({ text: 'ÉCOLE-zzq' })).total).toBe(1);
  });

  it('defaults impact to medium and accepts a null target as a broadcast', async () => {
    const f = await flags.create(flagInput({ target_agent: null }));
    expect(f.impact_level).toBe('medium');
    expect(f.target_agent).toBeNull();
  });

  it('takes "@all" as the handle it is, and still edits a flag whose stored target is such a word', async () => {
    const f = await flags.create(flagInput({ target_agent: '@all' }));
    expect(f.target_agent).toBe('@all');
    const edited = await flags.update(f.id, f.source_agent, { impact_level: 'high' });
    expect(edited.flag).toMatchObject({ target_agent: '@all', impact_level: 'high' });
  });

  it.each(['null', 'None', 'all', 'broadcast', ' everyone '])('refuses the word %j as a target instead of taking it for an agent, and says how to broadcast', async (word) => {
    const err = await refused(() => flags.create(flagInput({ target_agent: word })));
    expect(err.details).toMatchObject({ field: 'target_agent', rule: 'broadcast_word' });
    expect(err.message).toMatch(/pass null \(JSON null, not the string\) or "\*"/);
    expect((await flags.list({ status: 'all' })).total).toBe(0);
  });

  it('requires target_agent to be given, even if null', async () => {
    const { target_agent: _t, ...rest } = flagInput();
    expect((await refused(() => flags.create(rest))).details).toMatchObject({ field: 'target_agent', rule: 'required' });
  });

  it.each([
    [{ flag_type: 'bogus' }, 'flag_type', 'enum'],
    [{ impact_level: 'urgent' }, 'impact_level', 'enum'],
    [{ change_description: 'x'.repeat(49) }, 'change_description', 'min_length'],
    [{ action_required: 'y'.repeat(99) }, 'action_required', 'min_length'],
    [{ flag_type: 'security', impact_level: 'high' }, 'impact_level', 'type_requires_critical'],
    [{ impact_level: 'critical' }, 'impact_level', 'critical_reserved'],
    [{ flag_type: 'breaking_change', impact_level: 'low' }, 'impact_level', 'low_not_allowed'],
    [{ impact_level: 'high', target_agent: null }, 'target_agent', 'target_required'],
    [{ chain_origin_id: 999 }, 'chain_origin_id', 'exists'],
    [{ source_agent: 'not a handle' }, 'source_agent', 'handle_pattern'],
    [{ context: '[1]' }, 'context', 'type'],
  ])('refuses %j and stores nothing', async (overrides, field, rule) => {
    const err = await refused(() => flags.create(flagInput(overrides)));
    expect(err.details).toMatchObject({ field, rule });
    expect(await count()).toBe(0);
    expect(await count('SELECT count(*) AS n FROM flag_history')).toBe(0);
  });

  it('gives the lengths in a length refusal', async () => {
    const err = await refused(() => flags.create(flagInput({ action_required: 'Fix it.' })));
    expect(err.details).toMatchObject({ current_length: 7, required_length: 100 });
  });
});

describe('agent queue', () => {
  it('orders by impact rank, then oldest first, and includes broadcasts', async () => {
    const make = async (impact: string, target: string | null, type = 'breaking_change') => {
      clock += 1000;
      return (await flags.create(flagInput({ impact_level: impact, target_agent: target, flag_type: type }))).id;
    };
    const medium1 = await make('medium', '@frontend.react');
    const low = await make('low', '@frontend.react', 'change');
    const critical = await make('critical', '@frontend.react');
    const broadcast = await make('medium', null);
    const high = await make('high', '@frontend.react');
    await make('critical', '@backend.api');
    const medium2 = await make('medium', '@frontend.react');
    const queue = await flags.agentQueue('frontend.react');
    expect(queue.flags.map((f) => f.id)).toEqual([critical, high, medium1, broadcast, medium2, low]);
    expect(queue).toMatchObject({ agent: '@frontend.react', total_pending: 6, returned: 6, truncated: false });
  });

  it('leaves out completed flags, caps the count, and can skip flags others hold', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 4; i++) ids.push((await flags.create(flagInput())).id);
    await flags.complete(ids[0], '@frontend.react', 'done');
    await flags.lock(ids[1], '@qa.testing');
    await flags.lock(ids[2], '@frontend.react');
    expect((await flags.agentQueue('@frontend.react')).flags.map((f) => f.id)).toEqual([ids[1], ids[2], ids[3]]);
    const skipping = await flags.agentQueue('@frontend.react', { exclude_locked_by_others: true });
    expect(skipping.flags.map((f) => f.id)).toEqual([ids[2], ids[3]]);
    expect(skipping).toMatchObject({ total_pending: 2, held_by_others: 1 });
    const capped = await flags.agentQueue('@frontend.react', { limit: 1 });
    expect(capped).toMatchObject({ returned: 1, total_pending: 3, truncated: true });
    expect(capped.flags[0]!.lock).toMatchObject({ holder: '@qa.testing' });
  });
});

describe('locks', () => {
  it('is a lease: exclusive, renewable by the holder, free to take once expired', async () => {
    const { id } = await flags.create(flagInput());
    expect(await flags.lock(id, '@a.one', 60)).toMatchObject({ action: 'locked', lock: { holder: '@a.one', expires_at: '2026-11-27T10:01:00.000Z' } });
    const err = await refused(() => flags.lock(id, '@b.two'));
    expect(err.code).toBe('conflict');
    expect(err.details).toMatchObject({ rule: 'locked_by_other', holder: '@a.one', expires_at: '2026-11-27T10:01:00.000Z' });
    expect(err.message).toContain('@a.one');
    clock += 30_000;
    expect(await flags.lock(id, '@a.one', 60)).toMatchObject({ action: 'renewed', lock: { expires_at: '2026-11-27T10:01:30.000Z' } });
    clock += 60_000;
    expect((await flags.get(id)).flag.locked).toBe(false);
    expect(await flags.lock(id, '@b.two')).toMatchObject({ action: 'lock_taken_over', lock: { holder: '@b.two' } });
    expect((await flags.history(id)).map((h) => h.action)).toEqual(['created', 'locked', 'renewed', 'lock_taken_over']);
    expect((await flags.history(id))[3]!.details).toMatchObject({ previous_holder: '@a.one' });
  });

  it('refuses a lease out of range and a completed flag', async () => {
    const { id } = await flags.create(flagInput());
    expect((await refused(() => flags.lock(id, '@a.one', 5))).details).toMatchObject({ field: 'lease_seconds', rule: 'range' });
    expect((await refused(() => flags.lock(id, '@a.one', 1.5))).details.field).toBe('lease_seconds');
    await flags.complete(id, '@frontend.react');
    expect((await refused(() => flags.lock(id, '@a.one'))).details.rule).toBe('pending_only');
    expect((await refused(() => flags.lock(99, '@a.one'))).code).toBe('not_found');
  });

  it('leases for 900 s by default, and takes 10 to 86,400 s as the README says', async () => {
    const { id } = await flags.create(flagInput());
    expect((await flags.lock(id, '@a.one')).lock.expires_at).toBe('2026-11-27T10:15:00.000Z');
    expect((await refused(() => flags.lock(id, '@a.one', 9))).details).toMatchObject({ field: 'lease_seconds', rule: 'range' });
    expect((await flags.lock(id, '@a.one', 10)).lock.expires_at).toBe('2026-11-27T10:00:10.000Z');
    expect((await flags.lock(id, '@a.one', 86_400)).lock.expires_at).toBe('2026-11-28T10:00:00.000Z');
    expect((await refused(() => flags.lock(id, '@a.one', 86_401))).details).toMatchObject({ field: 'lease_seconds', rule: 'range' });
    expect((await refused(() => flags.lock(id, '@a.one', 9))).message).toMatch(/from 10 to 86400 \(default 900\)/);
  });

  it('changes nothing when a lock, unlock, completion, edit or withdrawal is refused', async () => {
    const { id } = await flags.create(flagInput());
    await flags.lock(id, '@a.one', 60);
    await refused(() => flags.lock(id, '@b.two'));
    await refused(() => flags.unlock(id, '@b.two'));
    await refused(() => flags.complete(id, '@b.two', 'done'));
    await refused(() => flags.update(id, '@backend.api', { impact_level: 'high' }));
    await refused(() => flags.update(id, '@b.two', { impact_level: 'high' }));
    await refused(() => flags.delete(id, '@backend.api'));
    await refused(() => flags.delete(id, '@b.two'));
    await refused(() => flags.lock(id + 1, '@b.two'));
    await refused(() => flags.unlock(id + 1, '@b.two'));
    await refused(() => flags.complete(id + 1, '@b.two'));
    await refused(() => flags.delete(id + 1, '@b.two'));
    expect((await flags.history(id)).map((h) => h.action)).toEqual(['created', 'locked']);
  });

  it('lets only the holder unlock, unless forced, and records the force', async () => {
    const { id } = await flags.create(flagInput());
    await flags.lock(id, '@a.one');
    expect((await refused(() => flags.unlock(id, '@b.two'))).details).toMatchObject({ rule: 'holder_only', holder: '@a.one' });
    expect(await flags.unlock(id, '@b.two', true)).toMatchObject({ was_locked: true, forced: true, previous_holder: '@a.one' });
    expect(await flags.unlock(id, '@b.two')).toMatchObject({ was_locked: false, locked: false });
    await flags.lock(id, '@c.three');
    expect(await flags.unlock(id, '@c.three')).toMatchObject({ was_locked: true, forced: false });
    const actions = (await flags.history(id)).map((h) => [h.action, h.agent]);
    expect(actions).toEqual([['created', '@backend.api'], ['locked', '@a.one'], ['force_unlocked', '@b.two'], ['locked', '@c.three'], ['unlocked', '@c.three']]);
  });
});

describe('complete', () => {
  it('stores the notes, releases the lock, and a second completion changes nothing', async () => {
    const { id } = await flags.create(flagInput());
    await flags.lock(id, '@frontend.react');
    clock += 5000;
    const first = await flags.complete(id, '@frontend.react', 'Updated the list page and tests');
    expect(first).toMatchObject({ already_completed: false, completed_by: '@frontend.react', completed_at: '2026-11-27T10:00:05.000Z', notes: 'Updated the list page and tests' });
    expect(first.flag).toMatchObject({ status: 'completed', locked: false, lock: null });
    clock += 5000;
    // The same call again (its answer was lost), or one without notes: the first completion.
    for (const [agent, notes] of [['@frontend.react', 'Updated the list page and tests'], ['@someone.else', undefined]] as const) {
      const again = await flags.complete(id, agent, notes);
      expect(again).toMatchObject({ already_completed: true, completed_by: '@frontend.react', completed_at: '2026-11-27T10:00:05.000Z', notes: 'Updated the list page and tests' });
    }
    expect((await flags.history(id)).filter((h) => h.action === 'completed')).toHaveLength(1);
  });

  it('refuses other notes for a completed flag rather than drop them, and changes nothing', async () => {
    const { id } = await flags.create(flagInput());
    await flags.complete(id, '@frontend.react', 'Updated the list page');
    const before = await flags.get(id);
    const err = await refused(() => flags.complete(id, '@someone.else', 'overwrite?'));
    expect(err.code).toBe('conflict');
    expect(err.details).toMatchObject({ field: 'notes', rule: 'already_completed', completed_by: '@frontend.react' });
    expect(err.message).toContain(`with other notes; yours were not stored`);
    expect(err.message).toContain(`chain_origin_id ${id}`);
    expect(await flags.get(id)).toEqual(before);
    // A flag completed without notes refuses notes given later, in the same words.
    const { id: bare } = await flags.create(flagInput());
    await flags.complete(bare, '@frontend.react');
    expect((await refused(() => flags.complete(bare, '@frontend.react', 'forgot to say'))).message).toContain('without notes');
    expect((await flags.get(bare)).flag.notes).toBeNull();
  });

  it('refuses while another agent holds the flag, allows after its lease ends', async () => {
    const { id } = await flags.create(flagInput());
    await flags.lock(id, '@a.one', 60);
    expect((await refused(() => flags.complete(id, '@b.two', 'x'))).details).toMatchObject({ rule: 'locked_by_other', holder: '@a.one' });
    expect((await flags.get(id)).flag.status).toBe('pending');
    clock += 61_000;
    expect((await flags.complete(id, '@b.two', 'x')).completed_by).toBe('@b.two');
  });
});

describe('update and delete', () => {
  it('lets the source edit a pending flag under the create rules, recording the diff', async () => {
    const { id } = await flags.create(flagInput());
    clock += 1000;
    const out = await flags.update(id, '@backend.api', { impact_level: 'high', related_files: ['x.ts'] });
    expect(out.changed.sort()).toEqual(['impact_level', 'related_files']);
    expect(out.flag).toMatchObject({ impact_level: 'high', related_files: ['x.ts'], updated_at: '2026-11-27T10:00:01.000Z' });
    expect((await flags.history(id)).at(-1)).toMatchObject({ action: 'updated', details: { impact_level: { from: 'medium', to: 'high' } } });
    expect((await refused(() => flags.update(id, '@backend.api', { target_agent: null }))).details.rule).toBe('target_required');
    expect((await refused(() => flags.update(id, '@backend.api', { change_description: 'short' }))).details.rule).toBe('min_length');
    expect((await flags.get(id)).flag).toMatchObject({ impact_level: 'high', target_agent: '@frontend.react', change_description: DESC });
    expect((await flags.update(id, '@backend.api', { impact_level: 'high' })).changed).toEqual([]);
  });

  it('refuses other agents, held flags, completed flags and chain loops', async () => {
    const a = (await flags.create(flagInput())).id;
    const b = (await flags.create(flagInput({ chain_origin_id: a }))).id;
    expect((await refused(() => flags.update(a, '@frontend.react', { impact_level: 'low' }))).details.rule).toBe('source_only');
    expect((await refused(() => flags.update(a, '@backend.api', { chain_origin_id: b }))).details.rule).toBe('no_cycle');
    expect((await refused(() => flags.update(a, '@backend.api', { chain_origin_id: a }))).details.rule).toBe('no_cycle');
    await flags.lock(a, '@frontend.react');
    expect((await refused(() => flags.update(a, '@backend.api', { impact_level: 'low' }))).details.rule).toBe('locked_by_other');
    await flags.complete(b, '@frontend.react');
    expect((await refused(() => flags.update(b, '@backend.api', { impact_level: 'low' }))).details.rule).toBe('pending_only');
  });

  it('withdraws a flag, keeping a full copy in the history', async () => {
    const f = await flags.create(flagInput({ context: { pr: 7 } }));
    expect((await refused(() => flags.delete(f.id, '@frontend.react'))).details.rule).toBe('source_only');
    const out = await flags.delete(f.id, 'backend.api');
    expect(out).toMatchObject({ deleted: true, flag_id: f.id });
    expect(await count()).toBe(0);
    const entry = (await flags.history(f.id)).at(-1)!;
    expect(entry).toMatchObject({ action: 'deleted', agent: '@backend.api' });
    expect(entry.details!.flag).toEqual(f);
    expect((await refused(() => flags.get(f.id))).code).toBe('not_found');
    expect((await flags.create(flagInput())).id).toBe(f.id + 1);
  });

  it('will not withdraw a flag while another agent holds it, and withdraws it once the lease has ended', async () => {
    const { id } = await flags.create(flagInput());
    await flags.lock(id, '@frontend.react', 60);
    const err = await refused(() => flags.delete(id, '@backend.api'));
    expect(err.code).toBe('conflict');
    expect(err.details).toMatchObject({ field: 'id', rule: 'locked_by_other', holder: '@frontend.react' });
    expect(err.message).toContain('withdraw it');
    expect((await flags.get(id)).flag).toMatchObject({ status: 'pending', locked: true });
    clock += 61_000;
    expect(await flags.delete(id, '@backend.api')).toMatchObject({ deleted: true, flag_id: id });
    expect(await count()).toBe(0);
  });

  it('lets the source withdraw a flag it holds itself', async () => {
    const { id } = await flags.create(flagInput());
    await flags.lock(id, '@backend.api', 60);
    expect(await flags.delete(id, '@backend.api')).toMatchObject({ deleted: true });
  });

  it('will not delete the origin of a chain', async () => {
    const a = (await flags.create(flagInput())).id;
    await flags.create(flagInput({ chain_origin_id: a }));
    expect((await refused(() => flags.delete(a, '@backend.api'))).details).toMatchObject({ rule: 'has_chain_children', children: [2] });
  });
});

describe('chains, lists and workable counts', () => {
  it('shows the whole chain from its origin, whichever member is asked for', async () => {
    const root = (await flags.create(flagInput())).id;
    const child = (await flags.create(flagInput({ chain_origin_id: root, target_agent: '@backend.api' }))).id;
    const grandchild = (await flags.create(flagInput({ chain_origin_id: child, target_agent: '@qa.testing' }))).id;
    const sibling = (await flags.create(flagInput({ chain_origin_id: root }))).id;
    await flags.create(flagInput());
    const chain = (await flags.get(grandchild)).chain;
    expect(chain.map((c) => [c.id, c.depth])).toEqual([[root, 0], [child, 1], [sibling, 1], [grandchild, 2]]);
    expect((await flags.list({ chain_id: sibling })).flags.map((f) => f.id).sort()).toEqual([root, child, grandchild, sibling]);
    expect((await flags.get(5)).chain).toEqual([]);
  });

  it('filters by status, agents, type, impact, text and date, with paging', async () => {
    for (let i = 0; i < 7; i++) {
      clock += 60_000;
      await flags.create(flagInput({ target_agent: i % 2 ? '@backend.api' : '@frontend.react', flag_type: i < 2 ? 'refactor' : 'change',
        change_description: `${DESC} ${i === 3 ? 'mentions 100%_literal' : ''}` }));
    }
    await flags.complete(1, '@frontend.react', 'nothing to do for the pagination');
    expect((await flags.list()).total).toBe(6);
    expect((await flags.list({ status: 'all' })).total).toBe(7);
    expect((await flags.list({ status: 'completed' })).flags.map((f) => f.id)).toEqual([1]);
    expect((await flags.list({ status: 'all', target_agent: 'backend.api' })).total).toBe(3);
    expect((await flags.list({ status: 'all', flag_type: 'refactor' })).total).toBe(2);
    expect((await flags.list({ text: '100%_lit' })).flags.map((f) => f.id)).toEqual([4]);
    expect((await flags.list({ text: '100%x' })).total).toBe(0);
    expect((await flags.list({ status: 'all', text: 'pagination' })).flags.map((f) => f.id)).toEqual([1]);
    expect((await flags.list({ status: 'all', since: '2026-11-27T10:05:00Z' })).flags.map((f) => f.id)).toEqual([7, 6, 5]);
    const page = await flags.list({ status: 'all', limit: 3, offset: 3 });
    expect(page).toMatchObject({ total: 7, returned: 3, has_more: true });
    expect(page.flags.map((f) => f.id)).toEqual([4, 3, 2]);
    expect((await refused(() => flags.list({ since: 'yesterday' }))).details.field).toBe('since');
    expect((await refused(() => flags.list({ limit: 0 }))).details.field).toBe('limit');
  });

  it('ranks workable impact by rank, not by text, and counts held flags apart', async () => {
    await flags.create(flagInput({ impact_level: 'medium' }));
    await flags.create(flagInput({ impact_level: 'critical', flag_type: 'security' }));
    await flags.create(flagInput({ impact_level: 'low', target_agent: '@qa.testing' }));
    await flags.create(flagInput({ target_agent: null }));
    await flags.create(flagInput({ impact_level: 'high', target_agent: '@ops.cicd' }));
    await flags.lock(5, '@ops.cicd');
    expect(await flags.workable(3)).toMatchObject({ total_agents: 4, returned: 3 });
    expect((await flags.workable()).agents).toEqual([
      { target_agent: '@frontend.react', workable: 2, held: 0, highest_impact: 'critical', oldest_workable_at: '2026-11-27T10:00:00.000Z' },
      { target_agent: null, workable: 1, held: 0, highest_impact: 'medium', oldest_workable_at: '2026-11-27T10:00:00.000Z' },
      { target_agent: '@qa.testing', workable: 1, held: 0, highest_impact: 'low', oldest_workable_at: '2026-11-27T10:00:00.000Z' },
      { target_agent: '@ops.cicd', workable: 0, held: 1, highest_impact: null, oldest_workable_at: null },
    ]);
  });

  // The summary cache is SQLite's (its change mark); PostgreSQL reads the summary every time.
  sqliteOnly('answers the workable summary from memory only while nothing changed: own writes, other processes, leases running out', async () => {
    const path = db.name;
    await flags.create(flagInput({ impact_level: 'high', target_agent: '@ops.cicd' }));
    await flags.lock(1, '@ops.cicd', 600);
    const ops = async () => (await flags.workable()).agents.find((a) => a.target_agent === '@ops.cicd');
    expect(await ops()).toMatchObject({ workable: 0, held: 1 });
    expect(await ops()).toMatchObject({ workable: 0, held: 1 }); // unchanged: from memory
    // A write through this service.
    await flags.create(flagInput({ impact_level: 'low', target_agent: '@ops.cicd' }));
    expect(await ops()).toMatchObject({ workable: 1, held: 1, highest_impact: 'low' });
    // A write by another connection, as another server process would make.
    const other = openStore(path);
    try {
      await new FlagService(other, { now: () => clock }).create(flagInput({ impact_level: 'medium', target_agent: '@ops.cicd' }));
    } finally {
      other.close();
    }
    expect(await ops()).toMatchObject({ workable: 2, held: 1, highest_impact: 'medium' });
    // The lease of flag 1 runs out: nothing was written, yet the flag is workable again.
    clock += 599_000;
    expect(await ops()).toMatchObject({ workable: 2, held: 1 });
    clock += 2_000;
    expect(await ops()).toMatchObject({ workable: 3, held: 0, highest_impact: 'high' });
  });

  sqliteOnly('never keeps a workable summary read inside a transaction that is rolled back, nor one from a later clock', async () => {
    await flags.create(flagInput({ target_agent: '@ops.cicd' }));
    const ops = async () => (await flags.workable()).agents.find((a) => a.target_agent === '@ops.cicd')?.workable;
    expect(await ops()).toBe(1);
    db.exec('BEGIN');
    await flags.create(flagInput({ target_agent: '@ops.cicd' }));
    expect(await ops()).toBe(2); // sees its own uncommitted flag
    db.exec('ROLLBACK');
    expect(await ops()).toBe(1);
    // A summary made at a later time is not reused when the clock steps back before it.
    await flags.create(flagInput({ target_agent: '@ops.cicd' }));
    await flags.lock(2, '@ops.cicd', 60);
    clock += 120_000; // the lease is over: workable
    expect(await ops()).toBe(2);
    clock -= 90_000; // back inside the lease
    expect(await ops()).toBe(1);
  });
});

describe('broadcasts, acknowledged per agent (schema 6)', () => {
  const broadcast = async (overrides: Record<string, unknown> = {}) => (await flags.create(flagInput({ target_agent: null, source_agent: '@lead', ...overrides }))).id;

  it('stays in every other agent\'s queue when one agent completes it: that completion is its acknowledgement, with notes, in the history', async () => {
    const id = await broadcast();
    clock += 1000;
    const ack = await flags.complete(id, '@frontend.react', 'Checked the list page');
    expect(ack).toMatchObject({
      success: true, flag_id: id, already_acknowledged: false, acknowledged_at: '2026-11-27T10:00:01.000Z',
      already_completed: false, completed_by: null, completed_at: null, notes: 'Checked the list page', flag: { status: 'pending' },
    });
    expect(await flags.agentQueue('@frontend.react')).toMatchObject({ total_pending: 0, flags: [] });
    expect((await flags.agentQueue('@backend.api')).flags.map((f) => f.id)).toEqual([id]);
    expect(await flags.agentQueue('@backend.api')).toMatchObject({ total_pending: 1 });
    expect((await flags.history(id)).at(-1)).toMatchObject({ action: 'acknowledged', agent: '@frontend.react', details: { notes: 'Checked the list page' } });
    expect((await flags.get(id)).acknowledged_by).toEqual([{ agent: '@frontend.react', at: '2026-11-27T10:00:01.000Z', notes: 'Checked the list page' }]);
    // Still pending for list_flags and the workable summary: open until closed for all.
    expect((await flags.list({ status: 'pending' })).flags.map((f) => f.id)).toEqual([id]);
    expect((await flags.workable()).agents).toEqual([expect.objectContaining({ target_agent: null, workable: 1 })]);
  });

  it('answers the same acknowledgement again with the first one, and refuses other notes without storing them', async () => {
    const id = await broadcast();
    await flags.complete(id, '@frontend.react', 'first');
    clock += 5000;
    expect(await flags.complete(id, '@frontend.react', 'first')).toMatchObject({ already_acknowledged: true, acknowledged_at: '2026-11-27T10:00:00.000Z', notes: 'first' });
    expect(await flags.complete(id, '@frontend.react')).toMatchObject({ already_acknowledged: true, notes: 'first' });
    const err = await refused(() => flags.complete(id, '@frontend.react', 'second'));
    expect(err.details).toMatchObject({ field: 'notes', rule: 'already_acknowledged', acknowledged_by: '@frontend.react' });
    expect((await flags.history(id)).filter((h) => h.action === 'acknowledged')).toHaveLength(1);
  });

  it('is closed for everyone by its sender with close_for_all, or by another agent only with force; both recorded', async () => {
    const id = await broadcast();
    await flags.complete(id, '@frontend.react', 'ok');
    const err = await refused(() => flags.complete(id, '@qa.testing', 'closing', { close_for_all: true }));
    expect(err.details).toMatchObject({ field: 'agent', rule: 'source_only' });
    expect((await refused(() => flags.complete(id, '@qa.testing', 'x', { force: true }))).details).toMatchObject({ field: 'force', rule: 'with_close_for_all' });
    const closed = await flags.complete(id, '@lead', 'Everyone has moved', { close_for_all: true });
    expect(closed).toMatchObject({ already_completed: false, completed_by: '@lead', notes: 'Everyone has moved', flag: { status: 'completed' } });
    expect((await flags.history(id)).at(-1)).toMatchObject({ action: 'completed', agent: '@lead', details: { notes: 'Everyone has moved', closed_for_all: true, acknowledged: 1 } });
    expect((await flags.agentQueue('@backend.api')).total_pending).toBe(0);
    expect((await flags.workable()).agents).toEqual([]);
    // Acknowledging after the close (an agent that raced it) is still recorded; closing again returns the close.
    expect(await flags.complete(id, '@backend.api', 'late')).toMatchObject({ already_acknowledged: false, already_completed: true, completed_by: '@lead', notes: 'late' });
    expect(await flags.complete(id, '@frontend.react', 'ok')).toMatchObject({ already_acknowledged: true, already_completed: true });
    expect(await flags.complete(id, '@lead', 'Everyone has moved', { close_for_all: true })).toMatchObject({ already_completed: true, completed_by: '@lead' });
    expect((await refused(() => flags.complete(id, '@lead', 'other words', { close_for_all: true }))).details).toMatchObject({ rule: 'already_completed' });

    const other = await broadcast();
    const forced = await flags.complete(other, '@qa.testing', 'the sender is gone', { close_for_all: true, force: true });
    expect(forced).toMatchObject({ completed_by: '@qa.testing', flag: { status: 'completed' } });
    expect((await flags.history(other)).at(-1)).toMatchObject({ details: { closed_for_all: true, forced: true, acknowledged: 0 } });
  });

  it('lets the sender acknowledge its own broadcast without closing it', async () => {
    const id = await broadcast();
    expect(await flags.complete(id, '@lead')).toMatchObject({ already_acknowledged: false, flag: { status: 'pending' } });
    expect((await flags.agentQueue('@lead')).total_pending).toBe(0);
    expect((await flags.agentQueue('@qa.testing')).total_pending).toBe(1);
  });

  it('is not locked: a lock is refused with the reason, and a flag made a broadcast loses its sender\'s lease', async () => {
    const id = await broadcast();
    const err = await refused(() => flags.lock(id, '@frontend.react'));
    expect(err.details).toMatchObject({ field: 'id', rule: 'broadcast_not_locked' });
    expect(err.message).toMatch(/complete_flag/);
    const direct = (await flags.create(flagInput({ source_agent: '@lead', target_agent: '@qa.testing' }))).id;
    await flags.lock(direct, '@lead');
    await flags.update(direct, '@lead', { target_agent: null });
    expect((await flags.get(direct)).flag).toMatchObject({ target_agent: null, locked: false, lock: null });
    expect((await flags.history(direct)).at(-1)).toMatchObject({ action: 'unlocked', details: { reason: expect.stringContaining('broadcast') } });
    expect(await flags.agentQueue('@frontend.react', { exclude_locked_by_others: true })).toMatchObject({ total_pending: 2, held_by_others: 0 });
  });

  it('leaves out of list_flags the broadcasts an agent (or an alias) acknowledged, with not_acknowledged_by', async () => {
    const aliased = t.service({ now: () => clock, identity: { canonical: (h) => (h === '@fe' ? '@frontend.react' : h), handlesOf: (h) => (h === '@frontend.react' ? [h, '@fe'] : [h]) } });
    const seen = await broadcast();
    const seenByAlias = await broadcast();
    const open = await broadcast();
    const direct = (await flags.create(flagInput({ source_agent: '@lead', target_agent: '@frontend.react' }))).id;
    await flags.complete(seen, '@frontend.react', 'ok');
    await flags.complete(seenByAlias, '@fe', 'ok');
    await flags.complete(open, '@qa.testing', 'ok');
    const ids = async (service: FlagService, input: Parameters<FlagService['list']>[0]) => (await service.list(input)).flags.map((f) => f.id).sort((a, b) => a - b);
    expect(await ids(aliased, { not_acknowledged_by: '@frontend.react' })).toEqual([open, direct]);
    expect(await ids(flags, { not_acknowledged_by: 'frontend.react' })).toEqual([seenByAlias, open, direct]);
    expect(await ids(flags, { not_acknowledged_by: '@qa.testing', broadcast_only: true })).toEqual([seen, seenByAlias]);
    expect((await flags.list({ not_acknowledged_by: '@qa.testing' })).total).toBe(3);
    expect((await refused(() => flags.list({ not_acknowledged_by: 'not a handle!' }))).details.field).toBe('not_acknowledged_by');
  });

  it('completes a flag with a target as before, whatever close_for_all says', async () => {
    const id = (await flags.create(flagInput())).id;
    expect(await flags.complete(id, '@frontend.react', 'done', { close_for_all: true })).toMatchObject({ completed_by: '@frontend.react', flag: { status: 'completed' } });
    expect((await flags.get(id)).acknowledged_by).toBeUndefined();
  });

  it('withdraws a broadcast with its acknowledgements (the history keeps both)', async () => {
    const id = await broadcast();
    await flags.complete(id, '@frontend.react', 'seen');
    await flags.delete(id, '@lead');
    expect(await count('SELECT count(*) AS n FROM flag_acks')).toBe(0);
    expect((await flags.history(id)).map((h) => h.action)).toEqual(['created', 'acknowledged', 'deleted']);
  });

  it('counts and pages queues by what each agent has acknowledged, using the queue index and the acknowledgement key', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 30; i++) { clock += 1000; ids.push(await broadcast({ impact_level: i % 2 ? 'low' : 'medium' })); }
    for (const id of ids.slice(0, 20)) await flags.complete(id, '@frontend.react');
    const queue = await flags.agentQueue('@frontend.react', { limit: 5 });
    expect(queue).toMatchObject({ total_pending: 10, returned: 5, truncated: true });
    expect(queue.flags.map((f) => f.id)).toEqual(ids.slice(20).filter((_, i) => i % 2 === 0));
    expect(await flags.agentQueue('@qa.testing')).toMatchObject({ total_pending: 30 });
    if (kind !== 'sqlite') return; // the query plan below is SQLite's
    const plan = (db.prepare(`EXPLAIN QUERY PLAN SELECT count(*) FROM flags WHERE status = 'pending' AND target_agent IS NULL
      AND NOT EXISTS (SELECT 1 FROM flag_acks a WHERE a.flag_id = flags.id AND a.agent IN ('@frontend.react'))`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');
    expect(plan).toMatch(/USING COVERING INDEX flags_(queue|target)/);
    expect(plan).toMatch(/flag_acks.*PRIMARY KEY|PRIMARY KEY.*flag_acks|SEARCH a USING PRIMARY KEY/);
  });
});
});
