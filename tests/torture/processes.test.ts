import Database from 'better-sqlite3';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowManyPendingWrites, assertBuilt, EMPTY_HOME, SERVER, spawnServer } from '../helpers/spawn.js';
import { flagInput } from '../helpers/tmp.js';

allowManyPendingWrites();

let dir: string;
beforeAll(() => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'coordinator-torture-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const text = (r: CallToolResult) => (r.content[0] as { text: string }).text;

describe('8 server processes on one file', () => {
  it('store exactly 4,000 flags from 8 x 500 simultaneous create_flag calls, with zero errors', async () => {
    const db = join(dir, 'storm.db');
    const servers = await Promise.all(Array.from({ length: 8 }, () => spawnServer(['--db', db, '--no-bundled-agents'])));
    try {
      const results = await Promise.all(servers.map((s, p) => Promise.all(Array.from({ length: 500 }, (_x, n) =>
        s.client.callTool({ name: 'create_flag', arguments: flagInput({ source_agent: `@proc.p${p}`, context: { p, n } }) }) as Promise<CallToolResult>))));
      const errors = results.flat().filter((r) => r.isError).map(text);
      expect(errors).toEqual([]);
      const raw = new Database(db, { readonly: true });
      expect(raw.prepare('SELECT count(*) FROM flags').pluck().get()).toBe(4000);
      expect(raw.prepare("SELECT count(DISTINCT json_extract(context, '$.p') || ':' || json_extract(context, '$.n')) FROM flags").pluck().get()).toBe(4000);
      expect(raw.prepare("SELECT count(*) FROM flag_history WHERE action = 'created'").pluck().get()).toBe(4000);
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
      raw.close();
    } finally {
      await Promise.all(servers.map((s) => s.close()));
    }
  });

  it('give exactly one winner in each of 200 rounds of 8 agents racing for one lock', async () => {
    const db = join(dir, 'race.db');
    const servers = await Promise.all(Array.from({ length: 8 }, () => spawnServer(['--db', db, '--no-bundled-agents'])));
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
    } finally {
      await Promise.all(servers.map((s) => s.close()));
    }
  });
});

/** A server driven over raw stdio, so that it can be killed mid-stream. */
function rawServer(db: string) {
  const child = spawn(process.execPath, [SERVER, '--db', db, '--no-bundled-agents'], { env: { HOME: EMPTY_HOME, PATH: process.env.PATH ?? '' }, stdio: ['pipe', 'pipe', 'pipe'] });
  const answers = new Map<number, { isError?: boolean; structuredContent?: { flag_id: number } }>();
  createInterface({ input: child.stdout }).on('line', (line) => {
    let msg: { id?: number; result?: { isError?: boolean; structuredContent?: { flag_id: number } } };
    try {
      msg = JSON.parse(line);
    } catch {
      return; // the last line, cut by the kill: that answer never reached the client
    }
    if (typeof msg.id === 'number' && msg.result) answers.set(msg.id, msg.result);
  });
  child.stderr.resume();
  const send = (m: unknown) => child.stdin.write(`${JSON.stringify(m)}\n`);
  send({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'storm', version: '1' } } });
  send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  return { child, answers, send };
}

describe('kill -9 in the middle of a write storm', () => {
  it('record each of 8 agents\' acknowledgement of 50 broadcasts exactly once while they all acknowledge at once (each twice), and the sender\'s close of ten lands once each, keeping every acknowledgement', async () => {
    const db = join(dir, 'acks.db');
    const servers = await Promise.all(Array.from({ length: 8 }, () => spawnServer(['--db', db, '--no-bundled-agents'])));
    try {
      const ids: number[] = [];
      for (let i = 0; i < 50; i++) {
        const created = (await servers[i % 8]!.client.callTool({ name: 'create_flag', arguments: flagInput({ target_agent: null, source_agent: '@lead' }) })) as CallToolResult;
        ids.push((created.structuredContent as { flag_id: number }).flag_id);
      }
      // Every agent acknowledges every broadcast twice (an answer lost and retried), all at once
      // through 8 processes; the sender closes the last ten while they do.
      const acks = servers.flatMap((s, p) => ids.flatMap((id) => [0, 1].map(() =>
        s.client.callTool({ name: 'complete_flag', arguments: { id, agent: `@agent.a${p}`, notes: `seen by a${p}` } }) as Promise<CallToolResult>)));
      const closes = ids.slice(40).map((id, i) => servers[i % 8]!.client.callTool({ name: 'complete_flag', arguments: { id, agent: '@lead', notes: 'closing', close_for_all: true } }) as Promise<CallToolResult>);
      const results = await Promise.all([...acks, ...closes]);
      expect(results.filter((r) => r.isError).map(text)).toEqual([]);
      const raw = new Database(db, { readonly: true });
      // The first 40 are open: 8 acknowledgements each, one history entry per agent.
      const open = ids.slice(0, 40);
      expect(raw.prepare(`SELECT count(*) FROM flag_acks WHERE flag_id IN (${open.join(',')})`).pluck().get()).toBe(40 * 8);
      expect(raw.prepare(`SELECT count(*) FROM flag_history WHERE action = 'acknowledged' AND flag_id IN (${open.join(',')})`).pluck().get()).toBe(40 * 8);
      expect(raw.prepare(`SELECT count(DISTINCT flag_id || agent) FROM flag_history WHERE action = 'acknowledged'`).pluck().get())
        .toBe(raw.prepare(`SELECT count(*) FROM flag_history WHERE action = 'acknowledged'`).pluck().get());
      expect(raw.prepare(`SELECT count(*) FROM flags WHERE status = 'pending' AND id IN (${open.join(',')})`).pluck().get()).toBe(40);
      expect(raw.prepare(`SELECT count(*) FROM flag_acks WHERE notes <> 'seen by a' || substr(agent, 9)`).pluck().get()).toBe(0);
      // The last ten were closed once each; every agent's acknowledgement is kept, before the close or after it.
      expect(raw.prepare(`SELECT count(*) FROM flag_acks WHERE flag_id IN (${ids.slice(40).join(',')})`).pluck().get()).toBe(10 * 8);
      const closed = ids.slice(40);
      expect(raw.prepare(`SELECT count(*) FROM flags WHERE status = 'completed' AND completed_by = '@lead' AND id IN (${closed.join(',')})`).pluck().get()).toBe(10);
      expect(raw.prepare(`SELECT count(*) FROM flag_history WHERE action = 'completed' AND json_extract(details, '$.closed_for_all') AND flag_id IN (${closed.join(',')})`).pluck().get()).toBe(10);
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
      raw.close();
      const queue = (await servers[0]!.client.callTool({ name: 'get_agent_flags', arguments: { agent: '@agent.a0' } })) as CallToolResult;
      expect(queue.structuredContent).toMatchObject({ total_pending: 0 });
      const other = (await servers[0]!.client.callTool({ name: 'get_agent_flags', arguments: { agent: '@agent.z9' } })) as CallToolResult;
      expect(other.structuredContent).toMatchObject({ total_pending: 40 });
    } finally {
      await Promise.all(servers.map((s) => s.close()));
    }
  });

  it('leaves an intact database holding every create that was answered, 10 times over', async () => {
    const db = join(dir, 'killed.db');
    let nextId = 1;
    const acknowledged: { flag: number; tag: string }[] = [];
    for (let run = 0; run < 10; run++) {
      const s = rawServer(db);
      const sent: Record<number, string> = {};
      for (let i = 0; i < 400; i++) {
        const id = nextId++;
        sent[id] = `run${run}-req${i}`;
        s.send({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'create_flag', arguments: flagInput({ context: { tag: sent[id] } }) } });
      }
      const target = 40 + Math.floor(Math.random() * 300);
      await expect.poll(() => [...s.answers.keys()].filter((k) => k > 0).length, { timeout: 15_000, interval: 5 }).toBeGreaterThanOrEqual(target);
      s.child.kill('SIGKILL');
      await new Promise((r) => s.child.once('exit', r));
      for (const [id, result] of s.answers) {
        if (id > 0 && !result.isError && result.structuredContent) acknowledged.push({ flag: result.structuredContent.flag_id, tag: sent[id]! });
      }
      const raw = new Database(db, { readonly: true });
      expect(raw.pragma('integrity_check', { simple: true }), `run ${run}`).toBe('ok');
      const stored = new Map((raw.prepare("SELECT id, json_extract(context, '$.tag') AS tag FROM flags").all() as { id: number; tag: string }[]).map((r) => [r.id, r.tag]));
      raw.close();
      for (const a of acknowledged) expect(stored.get(a.flag), `flag #${a.flag} was acknowledged`).toBe(a.tag);
    }
    expect(acknowledged.length).toBeGreaterThan(400);
  });
});
