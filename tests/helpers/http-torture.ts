// The HTTP torture suite, written once and run on each store: tests/torture/http.test.ts on SQLite
// (in npm test), tests/system/http-torture.system.ts on a real PostgreSQL. One --http server, eight
// SDK clients (StreamableHTTPClientTransport), each with its own agent token made with the CLI.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpServer, httpClient, makeToken, startHttpServer } from './http.js';
import { allowManyPendingWrites, assertBuilt } from './spawn.js';
import { flagInput } from './tmp.js';

/** What the suite reads back from the store after each storm, in the store's own SQL. */
export interface StoreProbe {
  /** Every flag: id, source_agent and its context as stored (JSON text or null). */
  flags(): Promise<{ id: number; source_agent: string; context: string | null }[]>;
  /** For each flag that was ever locked: how many 'locked' history entries it has. */
  lockEntries(): Promise<number[]>;
  /** The number of 'created' history entries. */
  createdEntries(): Promise<number>;
  /** Throws when the store is damaged (SQLite: integrity_check). */
  check(): Promise<void>;
}

export interface TortureTarget {
  /** The --db value of the server and of `coordinator token create`: a file or a postgres:// URL. */
  db: string;
  probe: StoreProbe;
}

const CLIENTS = 8;
/** Calls each client keeps in flight: 8 x 25 = 200 requests at once on the server. */
const IN_FLIGHT = 25;
const agent = (p: number) => `@storm.p${p}`;
const text = (r: CallToolResult) => (r.content[0] as { text: string }).text;
const contextOf = (f: { context: string | null }) => (f.context ? JSON.parse(f.context) as Record<string, unknown> : {});

/** Runs count calls, at most IN_FLIGHT at a time, in the order of n. */
async function pool<T>(count: number, call: (n: number) => Promise<T>): Promise<PromiseSettledResult<T>[]> {
  const out: PromiseSettledResult<T>[] = new Array(count);
  let next = 0;
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (next < count) {
      const n = next++;
      out[n] = await call(n).then((value) => ({ status: 'fulfilled' as const, value }), (reason: unknown) => ({ status: 'rejected' as const, reason }));
    }
  }));
  return out;
}

export function describeHttpTorture(title: string, setUp: () => Promise<TortureTarget>, tearDown: () => Promise<void> = async () => undefined): void {
  allowManyPendingWrites();
  let target: TortureTarget;
  let server: HttpServer;
  let tokens: { token: string; id: string }[];

  beforeAll(async () => {
    assertBuilt();
    target = await setUp();
    tokens = Array.from({ length: CLIENTS }, (_x, p) => makeToken(target.db, ['--agent', agent(p)]));
    server = await startHttpServer(target.db, ['--no-bundled-agents']);
  }, 120_000);

  afterAll(async () => {
    const code = await server?.stop();
    await tearDown();
    expect(code).toBe(0);
  });

  const connectAll = () => Promise.all(tokens.map((t) => httpClient(server.url, t.token)));

  describe(title, () => {
    it('stores exactly 4,000 flags from 8 x 500 create_flag calls, with zero errors', async () => {
      const clients = await connectAll();
      try {
        const before = (await target.probe.flags()).length;
        const createdBefore = await target.probe.createdEntries();
        const results = await Promise.all(clients.map((c, p) => pool(500, (n) =>
          c.callTool({ name: 'create_flag', arguments: flagInput({ source_agent: agent(p), context: { p, n } }) }) as Promise<CallToolResult>)));
        const failures = results.flat().flatMap((r) => r.status === 'rejected' ? [String(r.reason)] : r.value.isError ? [text(r.value)] : []);
        expect(failures).toEqual([]);
        const ids = results.flat().map((r) => ((r as PromiseFulfilledResult<CallToolResult>).value.structuredContent as { flag_id: number }).flag_id);
        expect(new Set(ids).size).toBe(4000);
        const flags = await target.probe.flags();
        expect(flags.length).toBe(before + 4000);
        const storm = flags.filter((f) => f.source_agent.startsWith('@storm.p'));
        expect(new Set(storm.map((f) => `${contextOf(f).p}:${contextOf(f).n}`)).size).toBe(4000);
        // each row was written as the agent of the token that sent it
        expect(storm.filter((f) => f.source_agent !== agent(contextOf(f).p as number))).toEqual([]);
        expect(await target.probe.createdEntries()).toBe(createdBefore + 4000);
        await target.probe.check();
      } finally {
        await Promise.all(clients.map((c) => c.close()));
      }
    });

    it('gives exactly one winner in each of 200 rounds of 8 clients racing for one lock', async () => {
      const clients = await connectAll();
      try {
        const lockedBefore = (await target.probe.lockEntries()).length;
        const winners: number[] = [];
        for (let round = 0; round < 200; round++) {
          const creator = round % CLIENTS;
          const created = (await clients[creator]!.callTool({ name: 'create_flag', arguments: flagInput({ source_agent: agent(creator) }) })) as CallToolResult;
          const id = (created.structuredContent as { flag_id: number }).flag_id;
          // One server answers in arrival order, so the order the requests leave in is shuffled each round.
          const order = clients.map((_c, p) => p).sort(() => Math.random() - 0.5);
          const attempts: CallToolResult[] = new Array(CLIENTS);
          await Promise.all(order.map(async (p) => {
            attempts[p] = (await clients[p]!.callTool({ name: 'lock_flag', arguments: { id, agent: agent(p) } })) as CallToolResult;
          }));
          const won = attempts.flatMap((r, p) => (r.isError ? [] : [p]));
          expect(won, `round ${round}`).toHaveLength(1);
          for (const lost of attempts.filter((r) => r.isError)) expect(JSON.parse(text(lost))).toMatchObject({ rule: 'locked_by_other', holder: agent(won[0]!) });
          winners.push(won[0]!);
        }
        expect(new Set(winners).size).toBeGreaterThan(1);
        const locks = await target.probe.lockEntries();
        expect(locks.length).toBe(lockedBefore + 200);
        expect(locks.every((n) => n === 1)).toBe(true);
      } finally {
        await Promise.all(clients.map((c) => c.close()));
      }
    });

    it('keeps every acknowledged create when half the clients disconnect mid-storm, and keeps serving the others', async () => {
      const clients = await connectAll();
      const acknowledged: { flag: number; tag: string }[] = [];
      const sent = new Set<string>();
      const quitters = new Set([1, 3, 5, 7]);
      let closed = 0;
      try {
        await Promise.all(clients.map(async (c, p) => {
          const stopAfter = 30 + Math.floor(Math.random() * 150);
          let answered = 0;
          const results = await pool(300, async (n) => {
            const tag = `p${p}-n${n}`;
            if (quitters.has(p) && answered >= stopAfter) throw new Error('client gone');
            sent.add(tag);
            const r = (await c.callTool({ name: 'create_flag', arguments: flagInput({ source_agent: agent(p), context: { tag } }) })) as CallToolResult;
            answered++;
            if (!r.isError) acknowledged.push({ flag: (r.structuredContent as { flag_id: number }).flag_id, tag });
            // The quitter drops its connections with about IN_FLIGHT calls still in flight (the transport aborts every fetch).
            if (quitters.has(p) && answered === stopAfter) {
              closed++;
              void c.close();
            }
            return r;
          });
          const errors = results.flatMap((r) => r.status === 'fulfilled' && r.value.isError ? [text(r.value)] : []);
          expect(errors, `client ${p}`).toEqual([]);
          if (!quitters.has(p)) expect(results.every((r) => r.status === 'fulfilled'), `client ${p} stayed and got every answer`).toBe(true);
        }));
        expect(closed).toBe(quitters.size);
        await target.probe.check();
        const stored = new Map((await target.probe.flags()).flatMap((f) => {
          const tag = contextOf(f).tag;
          return typeof tag === 'string' ? [[f.id, tag] as const] : [];
        }));
        for (const a of acknowledged) expect(stored.get(a.flag), `flag #${a.flag} was acknowledged`).toBe(a.tag);
        // A call cut off may have been stored or not, but once at most, and only if it was sent.
        const tags = [...stored.values()];
        expect(new Set(tags).size).toBe(tags.length);
        for (const tag of tags) expect(sent.has(tag), tag).toBe(true);
        expect(acknowledged.length).toBeGreaterThanOrEqual(4 * 300 + 4 * 30);
        // The server still serves a new client, and wrote nothing but protocol to stdout.
        const again = await httpClient(server.url, tokens[1]!.token);
        const queue = (await again.callTool({ name: 'get_agent_flags', arguments: { agent: agent(1) } })) as CallToolResult;
        expect(queue.isError).toBeFalsy();
        await again.close();
        expect(server.stderr()).not.toMatch(/uncaught|unhandled|\[stdout/);
      } finally {
        await Promise.all(clients.map((c) => c.close()));
      }
    });
  });
}
