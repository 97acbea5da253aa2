// The PostgreSQL store on a real server (a throwaway cluster that scripts/test-system.mjs makes and
// removes; its URL is in COORDINATOR_TEST_PG): the multi-process torture of tests/torture/processes
// on PostgreSQL, and LISTEN/NOTIFY between servers.
import { type CallToolResult, ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { spawn } from 'node:child_process';
import { createServer, connect as connectTcp, type AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlagService } from '../../src/flags/service.js';
import type { FlagChange } from '../../src/flags/store.js';
import { poolConnector } from '../../src/store/postgres/connect.js';
import { PostgresFlagStore } from '../../src/store/postgres/flags.js';
import { allowManyPendingWrites, assertBuilt, EMPTY_HOME, SERVER, spawnServer } from '../helpers/spawn.js';
import { flagInput } from '../helpers/tmp.js';

allowManyPendingWrites();

const BASE = process.env.COORDINATOR_TEST_PG;
if (!BASE) throw new Error('COORDINATOR_TEST_PG is not set: run these tests with npm run test:system (it starts a throwaway PostgreSQL)');

const admin = new pg.Client({ connectionString: BASE });
let n = 0;
/** A fresh database on the throwaway cluster, and its URL. */
async function freshDb(): Promise<{ url: string; q: (sql: string) => Promise<any[]> }> {
  const name = `coord_${process.pid}_${++n}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const u = new URL(BASE!);
  u.pathname = `/${name}`;
  const url = u.toString();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  clients.push(client);
  return { url, q: async (sql) => (await client.query(sql)).rows };
}
const clients: pg.Client[] = [];

beforeAll(async () => {
  assertBuilt();
  await admin.connect();
});
afterAll(async () => {
  for (const c of clients) await c.end().catch(() => undefined);
  await admin.end();
});

const text = (r: CallToolResult) => (r.content[0] as { text: string }).text;

describe('8 server processes on one PostgreSQL', () => {
  it('store exactly 4,000 flags from 8 x 500 simultaneous create_flag calls, with zero errors', async () => {
    const { url, q } = await freshDb();
    const servers = await Promise.all(Array.from({ length: 8 }, () => spawnServer(['--db', url, '--no-bundled-agents'])));
    try {
      const results = await Promise.all(servers.map((s, p) => Promise.all(Array.from({ length: 500 }, (_x, i) =>
        s.client.callTool({ name: 'create_flag', arguments: flagInput({ source_agent: `@proc.p${p}`, context: { p, n: i } }) }) as Promise<CallToolResult>))));
      const errors = results.flat().filter((r) => r.isError).map(text);
      expect(errors).toEqual([]);
      expect(Number((await q('SELECT count(*) AS n FROM flags'))[0].n)).toBe(4000);
      expect(Number((await q(`SELECT count(DISTINCT (context::jsonb->>'p') || ':' || (context::jsonb->>'n')) AS n FROM flags`))[0].n)).toBe(4000);
      expect(Number((await q(`SELECT count(*) AS n FROM flag_history WHERE action = 'created'`))[0].n)).toBe(4000);
      expect(await q('SELECT version FROM schema_version ORDER BY version')).toEqual([{ version: 6 }, { version: 7 }, { version: 8 }]);
    } finally {
      await Promise.all(servers.map((s) => s.close()));
    }
  });

  it('give exactly one winner in each of 200 rounds of 8 agents racing for one lock', async () => {
    const { url, q } = await freshDb();
    const servers = await Promise.all(Array.from({ length: 8 }, () => spawnServer(['--db', url, '--no-bundled-agents'])));
    try {
      const winners: number[] = [];
      for (let round = 0; round < 200; round++) {
        const created = (await servers[round % 8]!.client.callTool({ name: 'create_flag', arguments: flagInput() })) as CallToolResult;
        const id = (created.structuredContent as { flag_id: number }).flag_id;
        const attempts = (await Promise.all(servers.map((s, p) => s.client.callTool({ name: 'lock_flag', arguments: { id, agent: `@racer.r${p}` } })))) as CallToolResult[];
        const won = attempts.flatMap((r, p) => (r.isError ? [] : [p]));
        expect(won, `round ${round}`).toHaveLength(1);
        for (const lost of attempts.filter((r) => r.isError)) expect(JSON.parse(text(lost))).toMatchObject({ rule: 'locked_by_other', holder: `@racer.r${won[0]}` });
        winners.push(won[0]!);
      }
      expect(new Set(winners).size).toBeGreaterThan(1);
      expect(Number((await q(`SELECT count(*) AS n FROM flag_history WHERE action = 'locked'`))[0].n)).toBe(200);
    } finally {
      await Promise.all(servers.map((s) => s.close()));
    }
  });

  it('record each agent\'s acknowledgement of a broadcast once while 8 agents acknowledge 20 broadcasts at once, each twice', async () => {
    const { url, q } = await freshDb();
    const servers = await Promise.all(Array.from({ length: 8 }, () => spawnServer(['--db', url, '--no-bundled-agents'])));
    try {
      const ids: number[] = [];
      for (let i = 0; i < 20; i++) {
        const created = (await servers[i % 8]!.client.callTool({ name: 'create_flag', arguments: flagInput({ target_agent: null, source_agent: '@lead' }) })) as CallToolResult;
        ids.push((created.structuredContent as { flag_id: number }).flag_id);
      }
      const acks = servers.flatMap((s, p) => ids.flatMap((id) => [0, 1].map(() =>
        s.client.callTool({ name: 'complete_flag', arguments: { id, agent: `@agent.a${p}`, notes: `seen by a${p}` } }) as Promise<CallToolResult>)));
      const results = await Promise.all(acks);
      expect(results.filter((r) => r.isError).map(text)).toEqual([]);
      expect(Number((await q('SELECT count(*) AS n FROM flag_acks'))[0].n)).toBe(20 * 8);
      expect(Number((await q(`SELECT count(*) AS n FROM flag_history WHERE action = 'acknowledged'`))[0].n)).toBe(20 * 8);
    } finally {
      await Promise.all(servers.map((s) => s.close()));
    }
  });
});

/** A server driven over raw stdio, so that it can be killed mid-stream. */
function rawServer(url: string) {
  const child = spawn(process.execPath, [SERVER, '--db', url, '--no-bundled-agents'], { env: { HOME: EMPTY_HOME, PATH: process.env.PATH ?? '' }, stdio: ['pipe', 'pipe', 'pipe'] });
  const answers = new Map<number, { isError?: boolean; structuredContent?: { flag_id: number } }>();
  createInterface({ input: child.stdout }).on('line', (line) => {
    let msg: { id?: number; result?: { isError?: boolean; structuredContent?: { flag_id: number } } };
    try {
      msg = JSON.parse(line);
    } catch {
      return;
    }
    if (typeof msg.id === 'number' && msg.result) answers.set(msg.id, msg.result);
  });
  child.stderr.resume();
  const send = (m: unknown) => child.stdin.write(`${JSON.stringify(m)}\n`);
  send({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'storm', version: '1' } } });
  send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  return { child, answers, send };
}

describe('kill -9 of servers in the middle of a write storm on PostgreSQL', () => {
  it('keeps every create that was answered, 5 times over, with 2 servers writing and one killed each time', async () => {
    const { url, q } = await freshDb();
    let nextId = 1;
    const acknowledged: { flag: number; tag: string }[] = [];
    for (let run = 0; run < 5; run++) {
      const pair = [rawServer(url), rawServer(url)];
      const sent: Record<number, string> = {};
      for (let i = 0; i < 300; i++) {
        const id = nextId++;
        sent[id] = `run${run}-req${i}`;
        pair[i % 2]!.send({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'create_flag', arguments: flagInput({ context: { tag: sent[id] } }) } });
      }
      const victim = pair[0]!;
      const target = 20 + Math.floor(Math.random() * 100);
      await expect.poll(() => [...victim.answers.keys()].filter((k) => k > 0).length, { timeout: 60_000, interval: 5 }).toBeGreaterThanOrEqual(target);
      victim.child.kill('SIGKILL');
      await new Promise((r) => victim.child.once('exit', r));
      // The survivor finishes its half, then ends as a client closing stdin would end it.
      await expect.poll(() => [...pair[1]!.answers.keys()].filter((k) => k > 0).length, { timeout: 60_000, interval: 20 }).toBe(150);
      pair[1]!.child.stdin.end();
      await new Promise((r) => pair[1]!.child.once('exit', r));
      for (const s of pair) {
        for (const [id, result] of s.answers) {
          if (id > 0 && !result.isError && result.structuredContent) acknowledged.push({ flag: result.structuredContent.flag_id, tag: sent[id]! });
        }
      }
      const stored = new Map((await q(`SELECT id, context::jsonb->>'tag' AS tag FROM flags`)).map((r) => [Number(r.id), r.tag as string]));
      for (const a of acknowledged) expect(stored.get(a.flag), `flag #${a.flag} was acknowledged`).toBe(a.tag);
      // Nothing half-made: every flag has its 'created' history entry.
      expect(Number((await q(`SELECT count(*) AS n FROM flags f WHERE NOT EXISTS (SELECT 1 FROM flag_history h WHERE h.flag_id = f.id AND h.action = 'created')`))[0].n)).toBe(0);
    }
    expect(acknowledged.length).toBeGreaterThan(5 * 150);
  });
});

describe('two agents chaining two flags to each other at once on PostgreSQL', () => {
  it('lets one chain stand and refuses the other as no_cycle, as SQLite does, never "busy" (a deadlock is run again), in 15 rounds', async () => {
    const { url, q } = await freshDb();
    const store = await PostgresFlagStore.open(poolConnector(url));
    try {
      const service = new FlagService(store);
      const outcomes: string[] = [];
      for (let round = 0; round < 15; round++) {
        const a = await service.create(flagInput({ source_agent: '@chain.src' }));
        const b = await service.create(flagInput({ source_agent: '@chain.src' }));
        const settled = await Promise.allSettled([
          service.update(a.id, '@chain.src', { chain_origin_id: b.id }),
          service.update(b.id, '@chain.src', { chain_origin_id: a.id }),
        ]);
        const refused = settled.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason);
        expect(settled.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        expect(refused.map((e) => `${e.code}/${e.details?.rule}`)).toEqual(['invalid_argument/no_cycle']);
        outcomes.push(settled[0]!.status);
      }
      // Never a loop in the table: each flag's chain ends.
      const loops = await q(`WITH RECURSIVE walk(start, id, depth) AS (SELECT id, chain_origin_id, 1 FROM flags WHERE chain_origin_id IS NOT NULL
        UNION ALL SELECT w.start, f.chain_origin_id, w.depth + 1 FROM walk w JOIN flags f ON f.id = w.id WHERE f.chain_origin_id IS NOT NULL AND w.depth < 100)
        SELECT count(*) AS n FROM walk WHERE id = start`);
      expect(Number(loops[0].n)).toBe(0);
      expect(Number((await q(`SELECT count(*) AS n FROM flags WHERE chain_origin_id IS NOT NULL`))[0].n)).toBe(15);
    } finally {
      await store.close();
    }
  });
});

describe('LISTEN/NOTIFY between servers', () => {
  it('tells every store on the server of a flag written by another, at commit, and nothing of a refused write', async () => {
    const { url } = await freshDb();
    const a = await PostgresFlagStore.open(poolConnector(url));
    const b = await PostgresFlagStore.open(poolConnector(url));
    try {
      const seen: FlagChange[] = [];
      b.onChange((c) => seen.push(c));
      await b.ready();
      const writer = new FlagService(a);
      const flag = await writer.create(flagInput({ target_agent: '@frontend.react' }));
      await writer.lock(flag.id, '@frontend.react');
      await expect(writer.lock(flag.id, '@someone.else')).rejects.toMatchObject({ code: 'conflict' });
      await expect.poll(() => seen.length, { timeout: 5000 }).toBe(2);
      expect(seen).toEqual([
        { flag_id: flag.id, action: 'created', target_agent: '@frontend.react' },
        { flag_id: flag.id, action: 'locked', target_agent: '@frontend.react' },
      ]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('keeps a server\'s subscribers told of other servers\' flags after its LISTEN connection is killed: it reconnects, logs it, and tells them to read again', async () => {
    const { url, q } = await freshDb();
    const name = new URL(url).pathname.slice(1);
    const writer = await PostgresFlagStore.open(poolConnector(url));
    const server = await spawnServer(['--db', url, '--no-bundled-agents', '--toolsets', 'flags']);
    try {
      const updates: string[] = [];
      server.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => { updates.push(n.params.uri); });
      await server.client.subscribeResource({ uri: 'flags://queue/@frontend.react' });
      const listener = async () => (await q(`SELECT pid FROM pg_stat_activity WHERE datname = '${name}' AND application_name = 'coordinator-mcp listener'`)).map((r) => Number(r.pid));
      await expect.poll(listener, { timeout: 10_000 }).toHaveLength(1);
      const [first] = await listener();
      const flags = new FlagService(writer);
      await flags.create(flagInput({ target_agent: '@frontend.react' }));
      await expect.poll(() => updates.length, { timeout: 10_000 }).toBe(1);

      await q(`SELECT pg_terminate_backend(${first})`);
      await expect.poll(() => server.stderr(), { timeout: 10_000 }).toMatch(/PostgreSQL listener lost \(.*\); reconnecting/);
      await expect.poll(async () => (await listener()).filter((pid) => pid !== first).length, { timeout: 15_000 }).toBe(1);
      expect(await listener()).not.toContain(first);
      expect(server.stderr()).toMatch(/PostgreSQL listener back after 1 attempt; subscribed clients are told to read their queues again/);
      // Told once that anything may have changed while it was cut off, then of the next flag as before.
      await expect.poll(() => updates.length, { timeout: 10_000 }).toBe(2);
      const after = await flags.create(flagInput({ target_agent: '@frontend.react', change_description: 'Created after the listener came back: the orders API paginates' }));
      await expect.poll(() => updates.length, { timeout: 10_000 }).toBe(3);
      expect(new Set(updates)).toEqual(new Set(['flags://queue/@frontend.react']));
      const queue = JSON.parse((await server.client.readResource({ uri: 'flags://queue/@frontend.react' })).contents[0]!.text as string);
      expect(queue.flags.map((f: { id: number }) => f.id)).toEqual([1, after.id]);
      // The server kept answering all along.
      const r = (await server.client.callTool({ name: 'get_agent_flags', arguments: { agent: '@frontend.react' } })) as CallToolResult;
      expect(r.isError).toBeFalsy();
    } finally {
      await server.close();
      await writer.close();
    }
  });
});

describe('the connection pool under a burst', () => {
  it('keeps a call waiting for a busy pool\'s next free client past the 10 s connect timeout, and serves it once one is free', async () => {
    const { url } = await freshDb();
    const connector = poolConnector(url, { max: 1 });
    try {
      const first = await connector.connect();
      const started = Date.now();
      const second = connector.connect();
      let settled: string | undefined;
      second.then(() => { settled = 'served'; }, (err: Error) => { settled = `failed: ${err.message}`; });
      await new Promise((r) => setTimeout(r, 11_000));
      expect(settled).toBeUndefined(); // still waiting, not "timeout exceeded when trying to connect"
      first.release();
      const s = await second;
      expect(settled).toBe('served');
      expect(Date.now() - started).toBeGreaterThanOrEqual(11_000);
      expect((await s.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one).toBe(1);
      s.release();
    } finally {
      await connector.end();
    }
  }, 30_000);

  it('still gives up after 10 s on a server that accepts the connection and never answers', async () => {
    const silent = createServer(() => undefined); // accepts, never speaks
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const u = new URL(BASE!);
    u.hostname = '127.0.0.1';
    u.port = String((silent.address() as AddressInfo).port);
    const connector = poolConnector(u.toString(), { max: 1 });
    const started = Date.now();
    try {
      await expect(connector.connect()).rejects.toThrow(/timeout/i);
      const waited = Date.now() - started;
      expect(waited).toBeGreaterThanOrEqual(9_000);
      expect(waited).toBeLessThan(30_000); // the connection's own timeout, not the queue's 60 s
    } finally {
      await connector.end();
      silent.close();
    }
  }, 45_000);
});

describe('a PostgreSQL store the server may only read', () => {
  /** Every row the flag tables hold, to check that a refused write left them as they were. */
  const contents = async (q: (sql: string) => Promise<any[]>) => ({
    flags: await q('SELECT * FROM flags ORDER BY id'),
    history: await q('SELECT * FROM flag_history ORDER BY id'),
    acks: await q('SELECT * FROM flag_acks ORDER BY flag_id, agent'),
  });

  /** A store made and filled by its owner: one flag for @frontend.react, one broadcast. */
  async function filled() {
    const db = await freshDb();
    const owner = await PostgresFlagStore.open(poolConnector(db.url));
    const flags = new FlagService(owner);
    const flag = await flags.create(flagInput({ target_agent: '@frontend.react' }));
    const broadcast = await flags.create(flagInput({ target_agent: null }));
    await owner.close();
    return { ...db, flag: flag.id, broadcast: broadcast.id };
  }

  /** Every write tool on the store, each refused as a 'store' failure of the given rule, the server still serving. */
  async function refusesEveryWrite(url: string, q: (sql: string) => Promise<any[]>, ids: { flag: number; broadcast: number }, pgCode: string, fix: RegExp) {
    const server = await spawnServer(['--db', url, '--no-bundled-agents', '--toolsets', 'flags']);
    try {
      const before = await contents(q);
      const writes: [string, Record<string, unknown>][] = [
        ['create_flag', flagInput()],
        ['lock_flag', { id: ids.flag, agent: '@frontend.react' }],
        ['complete_flag', { id: ids.flag, agent: '@frontend.react', notes: 'done' }],
        ['complete_flag', { id: ids.broadcast, agent: '@frontend.react' }],
        ['update_flag', { id: ids.flag, agent: '@backend.api', impact_level: 'high' }],
        ['unlock_flag', { id: ids.flag, agent: '@frontend.react' }],
      ];
      for (const [tool, args] of writes) {
        const r = (await server.client.callTool({ name: tool, arguments: args })) as CallToolResult;
        expect(r.isError, `${tool}: ${text(r)}`).toBe(true);
        const refusal = JSON.parse(text(r));
        expect(refusal, tool).toMatchObject({ code: 'store', rule: 'read_only', pg_code: pgCode });
        expect(refusal.error, tool).toMatch(/nothing was stored\. To fix: /);
        expect(refusal.error, tool).toMatch(fix);
      }
      expect(await contents(q)).toEqual(before);
      // Reads still answer, from the same server.
      const queue = (await server.client.callTool({ name: 'get_agent_flags', arguments: { agent: '@frontend.react' } })) as CallToolResult;
      expect(queue.isError, text(queue)).toBeFalsy();
      expect((queue.structuredContent as { flags: { id: number }[] }).flags.map((f) => f.id)).toEqual([ids.flag, ids.broadcast]);
      const workable = (await server.client.callTool({ name: 'get_workable_flags', arguments: {} })) as CallToolResult;
      expect(workable.isError, text(workable)).toBeFalsy();
      expect(server.stderr()).not.toMatch(/uncaught|unhandled/i);
    } finally {
      await server.close();
    }
  }

  it('with a role granted only SELECT: the server starts on the up-to-date schema, every write is refused naming the rule and the GRANT to make, nothing is written', async () => {
    const { url, q, flag, broadcast } = await filled();
    const role = `reader_${process.pid}_${n}`;
    await q(`CREATE ROLE ${role} LOGIN`);
    await q(`GRANT USAGE ON SCHEMA public TO ${role}`);
    await q(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${role}`);
    const u = new URL(url);
    u.username = role;
    await refusesEveryWrite(u.toString(), q, { flag, broadcast }, '42501', /GRANT SELECT, INSERT, UPDATE, DELETE ON flags, flag_history, flag_acks/);
  });

  it('in a database with default_transaction_read_only: every write is refused naming the rule and the setting, nothing is written', async () => {
    const { url, q, flag, broadcast } = await filled();
    await q(`ALTER DATABASE ${new URL(url).pathname.slice(1)} SET default_transaction_read_only = on`);
    await refusesEveryWrite(url, q, { flag, broadcast }, '25006', /default_transaction_read_only off/);
  });
});

describe('a listener behind a network that goes silent', () => {
  it('finds the silent cut by its heartbeat, logs it, and resumes once the network is back', async () => {
    const { url } = await freshDb();
    const target = new URL(url);
    // A TCP proxy that can freeze: it stops passing bytes either way without closing anything.
    let frozen = false;
    const proxy = createServer((inbound) => {
      const outbound = connectTcp(Number(target.port), target.hostname);
      inbound.on('data', (d) => { if (!frozen) outbound.write(d); });
      outbound.on('data', (d) => { if (!frozen) inbound.write(d); });
      const close = () => { inbound.destroy(); outbound.destroy(); };
      inbound.on('error', close); outbound.on('error', close); inbound.on('close', close); outbound.on('close', close);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
    const via = new URL(url);
    via.hostname = '127.0.0.1';
    via.port = String((proxy.address() as AddressInfo).port);
    const stderr: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => { stderr.push(String(chunk)); return true; }) as typeof process.stderr.write;
    const connector = poolConnector(via.toString(), { max: 1, heartbeatMs: 500 });
    let resumed = 0;
    try {
      const stop = await connector.listen('coordinator_test', () => undefined, () => { resumed++; });
      frozen = true;
      const until = async (what: () => boolean, ms: number) => {
        const end = Date.now() + ms;
        while (!what() && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
        return what();
      };
      expect(await until(() => stderr.some((l) => /listener lost \(no answer to a heartbeat query/.test(l)), 20_000)).toBe(true);
      frozen = false;
      expect(await until(() => resumed === 1, 30_000)).toBe(true);
      expect(stderr.some((l) => /listener back after/.test(l))).toBe(true);
      await stop();
    } finally {
      process.stderr.write = write;
      await connector.end();
      proxy.close();
    }
  }, 60_000);
});
