// A connection to PostgreSQL lost in the middle of a write, played on PGlite through the store's
// own sessions: before the commit is sent, the write is refused as not stored (and is not); from
// the commit on (or a write's one statement), the answer says it may have been stored.
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FlagService } from '../../src/flags/service.js';
import { type PgConnector, pgliteConnector } from '../../src/store/postgres/connect.js';
import { PostgresFlagStore } from '../../src/store/postgres/flags.js';
import { flagInput } from '../helpers/tmp.js';

let lite: PGlite;
let store: PostgresFlagStore;
let flags: FlagService;
/** The statement (its prepared name, or its first word) to cut the connection at, and when: before it runs or after. */
let cut: { at: string; when: 'before' | 'after' } | undefined;

const lost = () => Object.assign(new Error('Connection terminated unexpectedly'), { code: undefined });

function faulty(inner: PgConnector): PgConnector {
  return {
    async connect() {
      const session = await inner.connect();
      return {
        query: async (text, params, name) => {
          const what = name ?? text.trim().split(/\s+/)[0]!.toUpperCase();
          if (cut?.at === what && cut.when === 'before') {
            cut = undefined;
            throw lost();
          }
          const out = await session.query(text, params, name);
          if (cut?.at === what && cut.when === 'after') {
            cut = undefined;
            throw lost();
          }
          return out;
        },
        // PGlite has one session: a "broken" one is rolled back here instead of being dropped.
        release: (_broken) => { void session.query('ROLLBACK').catch(() => undefined); session.release(false); },
      };
    },
    listen: (channel, fn) => inner.listen(channel, fn),
    end: () => inner.end(),
  };
}

beforeAll(async () => {
  lite = await PGlite.create({ parsers: { 20: (v: string) => Number(v) } });
  store = await PostgresFlagStore.open(faulty(pgliteConnector(lite as never)));
  flags = new FlagService(store);
});
afterAll(async () => { await store.close(); });
beforeEach(async () => {
  cut = undefined;
  await lite.query('TRUNCATE flags, flag_history, flag_acks RESTART IDENTITY CASCADE');
});

const count = async (sql: string) => Number((await lite.query<{ n: number }>(sql)).rows[0]!.n);

describe('a connection to PostgreSQL lost in the middle of a write', () => {
  it('create_flag, lost after its one statement left: "may or may not have been stored", and it was', async () => {
    cut = { at: 'insert', when: 'after' };
    await expect(flags.create(flagInput())).rejects.toMatchObject({ code: 'store', details: { rule: 'connection_uncertain' }, message: expect.stringMatching(/may or may not have been stored: read it back/) });
    expect(await count('SELECT count(*) AS n FROM flags')).toBe(1);
  });

  it('create_flag, lost while its one statement was being sent: "may or may not" too (a lost connection cannot tell), and here it was not', async () => {
    cut = { at: 'insert', when: 'before' };
    await expect(flags.create(flagInput())).rejects.toMatchObject({ code: 'store', details: { rule: 'connection_uncertain' } });
    expect(await count('SELECT count(*) AS n FROM flags')).toBe(0);
  });

  it('lock_flag, lost before its COMMIT left: "nothing was stored", and nothing was; lost at its COMMIT: "may have been", and it was', async () => {
    const flag = await flags.create(flagInput({ target_agent: '@a' }));
    cut = { at: 'lock', when: 'before' };
    await expect(flags.lock(flag.id, '@a')).rejects.toMatchObject({ code: 'store', details: { rule: 'connection' }, message: expect.stringMatching(/nothing was stored/) });
    expect(await count(`SELECT count(*) AS n FROM flags WHERE locked_by IS NOT NULL`)).toBe(0);
    cut = { at: 'COMMIT', when: 'after' };
    await expect(flags.lock(flag.id, '@a')).rejects.toMatchObject({ code: 'store', details: { rule: 'connection_uncertain' } });
    expect(await count(`SELECT count(*) AS n FROM flags WHERE locked_by = '@a'`)).toBe(1);
  });

  it('a read that loses its connection is refused as a lost connection, never as an uncertain write', async () => {
    await flags.create(flagInput({ target_agent: '@a' }));
    cut = { at: 'queue', when: 'before' };
    const err = await flags.agentQueue('@a').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'store', details: { rule: 'connection' } });
  });
});
