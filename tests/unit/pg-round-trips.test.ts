// The statements (each one a round trip to the server) that each flag operation sends to
// PostgreSQL, counted on PGlite through the store's own sessions: a change that adds one fails here.
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FlagService } from '../../src/flags/service.js';
import { type PgConnector, pgliteConnector } from '../../src/store/postgres/connect.js';
import { PostgresFlagStore } from '../../src/store/postgres/flags.js';
import { flagInput } from '../helpers/tmp.js';

let lite: PGlite;
let store: PostgresFlagStore;
let flags: FlagService;
/** What each statement sent began with (BEGIN, COMMIT...), or its prepared name. */
let sent: string[] = [];

/** The connector of PGlite, each session's statements written down. */
function counting(inner: PgConnector): PgConnector {
  return {
    async connect() {
      const session = await inner.connect();
      return {
        query: (text, params, name) => {
          sent.push(name ?? text.trim().split(/\s+/)[0]!.toUpperCase());
          return session.query(text, params, name);
        },
        release: (broken) => session.release(broken),
      };
    },
    listen: (channel, fn) => inner.listen(channel, fn),
    end: () => inner.end(),
  };
}

beforeAll(async () => {
  lite = await PGlite.create({ parsers: { 20: (v: string) => Number(v) } });
  store = await PostgresFlagStore.open(counting(pgliteConnector(lite as never)));
  flags = new FlagService(store);
});
afterAll(async () => { await store.close(); });
beforeEach(async () => {
  await lite.query('TRUNCATE flags, flag_history, flag_acks RESTART IDENTITY CASCADE');
  sent = [];
});

/** The statements fn sent. */
async function statements(fn: () => Promise<unknown>): Promise<string[]> {
  sent = [];
  await fn();
  return sent;
}

const rows = async (sql: string) => (await lite.query<Record<string, unknown>>(sql)).rows;

describe('round trips to PostgreSQL per operation', () => {
  it('create_flag: one statement (the flag, its history entry, the NOTIFY), with or without a chain origin', async () => {
    expect(await statements(() => flags.create(flagInput()))).toEqual(['insert']);
    expect(await statements(() => flags.create(flagInput({ chain_origin_id: 1 })))).toEqual(['insert']);
    expect(await rows('SELECT id, chain_origin_id FROM flags ORDER BY id')).toEqual([{ id: 1, chain_origin_id: null }, { id: 2, chain_origin_id: 1 }]);
    expect(await rows('SELECT flag_id, action FROM flag_history ORDER BY id')).toEqual([{ flag_id: 1, action: 'created' }, { flag_id: 2, action: 'created' }]);
  });

  it('create_flag with a chain origin that does not exist: the same one statement, refused, nothing written', async () => {
    await flags.create(flagInput());
    sent = [];
    await expect(flags.create(flagInput({ chain_origin_id: 99 }))).rejects.toMatchObject({ code: 'not_found', details: { field: 'chain_origin_id', rule: 'exists' } });
    expect(sent).toEqual(['insert']);
    expect(await rows('SELECT count(*)::int AS n FROM flags')).toEqual([{ n: 1 }]);
    expect(await rows('SELECT count(*)::int AS n FROM flag_history')).toEqual([{ n: 1 }]);
  });

  it('lock_flag and complete_flag: BEGIN, the row FOR UPDATE, one UPDATE with its history entry, COMMIT', async () => {
    const flag = await flags.create(flagInput());
    expect(await statements(() => flags.lock(flag.id, '@frontend.react'))).toEqual(['BEGIN', 'flagForUpdate', 'lock', 'COMMIT']);
    expect(await statements(() => flags.lock(flag.id, '@frontend.react'))).toEqual(['BEGIN', 'flagForUpdate', 'lock', 'COMMIT']);
    const done = await statements(async () => {
      const out = await flags.complete(flag.id, '@frontend.react', 'done and checked');
      expect(out.flag).toMatchObject({ status: 'completed', completed_by: '@frontend.react', notes: 'done and checked', locked: false, lock: null });
    });
    expect(done).toEqual(['BEGIN', 'flagForUpdate', 'complete', 'COMMIT']);
    expect((await rows(`SELECT action FROM flag_history WHERE flag_id = ${flag.id} ORDER BY id`)).map((r) => r.action)).toEqual(['created', 'locked', 'renewed', 'completed']);
  });

  it('a lock refused because another agent holds the flag: BEGIN, the row, ROLLBACK, and no history entry', async () => {
    const flag = await flags.create(flagInput());
    await flags.lock(flag.id, '@frontend.react');
    sent = [];
    await expect(flags.lock(flag.id, '@someone.else')).rejects.toMatchObject({ code: 'conflict', details: { rule: 'locked_by_other' } });
    expect(sent).toEqual(['BEGIN', 'flagForUpdate', 'ROLLBACK']);
    expect(await rows('SELECT count(*)::int AS n FROM flag_history')).toEqual([{ n: 2 }]);
  });

  it('get_agent_flags and get_workable_flags: one statement each (the page and its counts together)', async () => {
    for (let i = 0; i < 3; i++) await flags.create(flagInput({ impact_level: i === 2 ? 'high' : 'medium' }));
    await flags.create(flagInput({ target_agent: null }));
    await flags.lock(1, '@other.agent');
    sent = [];
    const queue = await flags.agentQueue('@frontend.react', { limit: 2 });
    expect(sent).toEqual(['queue']);
    expect(queue).toMatchObject({ total_pending: 4, held_by_others: 1, returned: 2, truncated: true });
    expect(queue.flags.map((f) => f.id)).toEqual([3, 1]);
    const free = await flags.agentQueue('@frontend.react', { exclude_locked_by_others: true });
    expect(free).toMatchObject({ total_pending: 3, held_by_others: 1, returned: 3, truncated: false });
    expect(free.flags.map((f) => f.id)).toEqual([3, 2, 4]);
    const empty = await flags.agentQueue('@nobody.here');
    expect(empty).toMatchObject({ total_pending: 1, returned: 1 }); // the broadcast
    expect(await statements(() => flags.workable())).toEqual(['workable']);
  });

  it('refuses a second statement in a single-statement transaction, as the bug it is', async () => {
    await expect(store.read(async (tx) => { await tx.flag(1); await tx.flag(2); }, { single: true })).rejects.toThrow(/a second statement/);
  });
});
