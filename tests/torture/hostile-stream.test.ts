// Attacks on the protocol stream itself: messages over the size limit, requests before
// initialize, and the end of input with answers still owed. Each talks to the built server
// through raw lines on its stdin, as a misbehaving client would.
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_MESSAGE_BYTES } from '../../src/mcp/stdio.js';
import { toolListing } from '../../src/mcp/define.js';
import { createServices, toolRegistry } from '../../src/server.js';
import { openStore } from '../../src/store/db.js';
import { assertBuilt, EMPTY_HOME, SERVER } from '../helpers/spawn.js';
import { flagInput, tempDir } from '../helpers/tmp.js';

beforeAll(assertBuilt);

type Answer = { jsonrpc: string; id: number | string | null; result?: any; error?: { code: number; message: string; data?: any } };

const INIT = { jsonrpc: '2.0', id: 'init', method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } };
const INITIALIZED = { jsonrpc: '2.0', method: 'notifications/initialized' };

/** The built server with a line-level view of its stdout. */
function rawServer() {
  const db = join(tempDir(), 'raw.db');
  const child = spawn(process.execPath, [SERVER, '--db', db, '--no-bundled-agents'], {
    env: { HOME: EMPTY_HOME, PATH: process.env.PATH ?? '' },
    stdio: ['pipe', 'pipe', 'pipe'],
  }) as ChildProcessWithoutNullStreams;
  const answers: Answer[] = [];
  let pending = '';
  let stderr = '';
  const waiters: (() => void)[] = [];
  child.stdout.on('data', (d: Buffer) => {
    pending += d.toString('utf8');
    let nl;
    while ((nl = pending.indexOf('\n')) !== -1) {
      answers.push(JSON.parse(pending.slice(0, nl)) as Answer);
      pending = pending.slice(nl + 1);
    }
    waiters.splice(0).forEach((w) => w());
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const write = (line: string) =>
    new Promise<void>((resolve, reject) => child.stdin.write(line, (err) => (err ? reject(err) : resolve())));
  /** The answer with this id, or a failure after `ms` (a hang, not a speed target). */
  async function answer(id: number | string | null, ms = 20_000): Promise<Answer> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = answers.find((a) => a.id === id);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no answer with id ${JSON.stringify(id)} within ${ms} ms; stderr: ${stderr.slice(-500)}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }
  const send = (message: object) => write(`${JSON.stringify(message)}\n`);
  const rssMb = () => {
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
  };
  return { child, db, answers, answer, write, send, exited, rssMb, stderr: () => stderr, kill: () => child.kill('SIGKILL') };
}

async function initialized(s: ReturnType<typeof rawServer>) {
  await s.send(INIT);
  expect((await s.answer('init')).result.serverInfo.name).toBe('coordinator-mcp');
  await s.send(INITIALIZED);
}

/** A tools/call line laid out as the SDK's client writes it: method and params first, id last. */
function callLine(id: number, name: string, args: Record<string, unknown>, escapeAll = false): string {
  let json = JSON.stringify({ jsonrpc: '2.0', method: 'tools/call', params: { name, arguments: args }, id });
  // Every character of every string escaped as \uXXXX: legal JSON, six bytes a character.
  if (escapeAll) {
    json = json.replace(/"ddl":"((?:[^"\\]|\\.)*)"/, (_m, body: string) => {
      const text = JSON.parse(`"${body}"`) as string;
      let out = '';
      for (let i = 0; i < text.length; i++) out += `\\u${text.charCodeAt(i).toString(16).padStart(4, '0')}`;
      return `"ddl":"${out}"`;
    });
  }
  return `${json}\n`;
}

describe('the stdio stream under attack', () => {
  it('answers a message over the limit with an error naming the limit and its id, then reads on, with memory bounded', async () => {
    const s = rawServer();
    try {
      await initialized(s);
      const before = s.rssMb();
      // 20 MiB of DDL: over the 16 MiB limit (and over the SDK's 10 MiB buffer, which went deaf)
      const huge = callLine(41, 'convert_schema', { ddl: `-- ${'x'.repeat(20 * 1024 * 1024)}\nCREATE TABLE t (a int);`, from: 'mysql' });
      expect(Buffer.byteLength(huge)).toBeGreaterThan(MAX_MESSAGE_BYTES);
      await s.write(huge);
      const refused = await s.answer(41);
      expect(refused.error!.code).toBe(-32600);
      expect(refused.error!.message).toContain(`at most ${MAX_MESSAGE_BYTES} bytes`);
      expect(refused.error!.data).toEqual({ limit_bytes: MAX_MESSAGE_BYTES, message_bytes: Buffer.byteLength(huge) - 1 });
      // the oversized line was skipped, not held: memory grew by far less than its size
      expect(s.rssMb() - before).toBeLessThan(60);
      await s.send({ jsonrpc: '2.0', id: 42, method: 'ping' });
      expect((await s.answer(42, 5_000)).result).toEqual({});
      await s.write(callLine(43, 'create_flag', flagInput()));
      expect((await s.answer(43)).result.structuredContent.flag_id).toBe(1);
      // an oversized line whose id cannot be read off its ends is answered with id null
      await s.write(`{"params":{"x":"${'y'.repeat(MAX_MESSAGE_BYTES)}"},"method":"ping"}\n`);
      expect((await s.answer(null)).error!.data.limit_bytes).toBe(MAX_MESSAGE_BYTES);
      s.child.stdin.end();
      expect(await s.exited).toBe(0);
      expect(s.stderr()).not.toMatch(/uncaught|unhandled/i);
    } finally {
      s.kill();
    }
  });

  it('accepts the largest legal call: 2,000,000 characters of DDL, each escaped as \\uXXXX (12 MB on the wire)', async () => {
    const s = rawServer();
    try {
      await initialized(s);
      const ddl = `CREATE TABLE t (a int);\n/* ${'z'.repeat(2_000_000 - 30)} */`;
      expect(ddl.length).toBeLessThanOrEqual(2_000_000);
      const line = callLine(7, 'convert_schema', { ddl, from: 'mysql', validate: false }, true);
      expect(Buffer.byteLength(line)).toBeGreaterThan(12_000_000);
      expect(Buffer.byteLength(line)).toBeLessThan(MAX_MESSAGE_BYTES);
      await s.write(line);
      const answer = await s.answer(7, 60_000);
      expect(answer.error).toBeUndefined();
      expect(answer.result.isError).toBeFalsy();
      expect(answer.result.structuredContent.ddl).toMatch(/CREATE TABLE t/);
      await s.send({ jsonrpc: '2.0', id: 8, method: 'ping' });
      expect((await s.answer(8, 5_000)).result).toEqual({});
    } finally {
      s.kill();
    }
  });

  it('serves nothing but ping before initialize, as the MCP lifecycle requires', async () => {
    const s = rawServer();
    try {
      await s.send({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'create_flag', arguments: flagInput() } });
      await s.send({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
      await s.send({ jsonrpc: '2.0', id: 3, method: 'ping' });
      const early = await s.answer(1);
      expect(early.error!.code).toBe(-32600);
      expect(early.error!.message).toMatch(/"tools\/call" before initialize/);
      expect((await s.answer(2)).error!.code).toBe(-32600);
      expect((await s.answer(3)).result).toEqual({});
      await initialized(s);
      // the refused call changed nothing: the first flag created now is #1
      await s.write(callLine(4, 'create_flag', flagInput()));
      expect((await s.answer(4)).result.structuredContent.flag_id).toBe(1);
    } finally {
      s.kill();
    }
  });

  it('answers every request in flight before it exits at the end of its input, even a last line without a newline', async () => {
    const s = rawServer();
    try {
      await initialized(s);
      const tables = Array.from({ length: 3000 }, (_, i) => `CREATE TABLE t${i} (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(40) NOT NULL, at DATETIME);`).join('\n');
      await s.write(callLine(1, 'convert_schema', { ddl: tables, from: 'mysql', validate: false }));
      await s.write(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' }));
      s.child.stdin.end();
      expect(await s.exited).toBe(0);
      expect((await s.answer(1, 1)).result.structuredContent.summary.objects_found).toBeGreaterThanOrEqual(3000);
      expect((await s.answer(2, 1)).result).toEqual({});
    } finally {
      s.kill();
    }
  });

  it('owes no answer for a cancelled request: the end of input still exits at once', async () => {
    const s = rawServer();
    try {
      await initialized(s);
      const started = Date.now();
      await s.write(callLine(5, 'query_catalog', { sql: 'WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT count(*) FROM r' }));
      await s.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 5, reason: 'user' } });
      s.child.stdin.end();
      expect(await s.exited).toBe(0);
      // well under the 30 s wait for answers still owed (the query itself is stopped after 3 s)
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(s.answers.find((a) => a.id === 5)).toBeUndefined();
    } finally {
      s.kill();
    }
  });

  it('a refused initialize does not open the other requests', async () => {
    const s = rawServer();
    try {
      await s.send({ jsonrpc: '2.0', id: 0, method: 'initialize', params: {} });
      expect((await s.answer(0)).error).toBeDefined();
      await s.send({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'list_databases', arguments: {} } });
      expect((await s.answer(1)).error!.message).toMatch(/before initialize/);
      await initialized(s);
      await s.send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'list_databases', arguments: {} } });
      expect((await s.answer(2)).result.isError).toBeFalsy();
    } finally {
      s.kill();
    }
  });

  it('a query process does not outlive a server killed with SIGKILL', async () => {
    const s = rawServer();
    const workers = () =>
      execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
        .split('\n')
        .filter((l) => l.includes('query-worker') && l.includes(s.db));
    try {
      await initialized(s);
      await s.write(callLine(9, 'query_catalog', { sql: 'WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT count(*) FROM r' }));
      await expect.poll(() => workers().length, { timeout: 10_000 }).toBe(1);
      s.kill();
      await s.exited;
      // the query would run on for good (SQLite holds its only thread; no disconnect event runs)
      await expect.poll(() => workers().length, { timeout: 2_000, interval: 100 }).toBe(0);
    } finally {
      s.kill();
      for (const line of workers()) process.kill(Number(line.trim().split(/\s+/)[0]), 'SIGKILL');
    }
  });

  it('the wire limit holds the longest argument any tool accepts, escaped', () => {
    const db = openStore(':memory:');
    const services = createServices(db);
    try {
      const lengths: number[] = [];
      const walk = (schema: any) => {
        if (!schema || typeof schema !== 'object') return;
        if (typeof schema.maxLength === 'number') lengths.push(schema.maxLength);
        Object.values(schema).forEach(walk);
      };
      for (const tool of toolRegistry(services).map(toolListing)) walk(tool.inputSchema);
      const longest = Math.max(...lengths);
      expect(longest).toBeGreaterThanOrEqual(1_000_000);
      // six bytes a character as \uXXXX, plus room for the envelope and the other arguments
      expect(MAX_MESSAGE_BYTES).toBeGreaterThanOrEqual(6 * longest + 1_000_000);
    } finally {
      services.close();
      db.close();
    }
  });
});
