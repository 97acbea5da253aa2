// The HTTP server refuses what it must, cleanly: each refusal has its status code and a message
// that says what to do, nothing reaches the store, and the server keeps serving afterwards.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callOk } from '../helpers/client.js';
import { callRaw, type HttpServer, httpClient, initializeBody, MCP_HEADERS, makeToken, openSession, rawRequest, startHttpServer } from '../helpers/http.js';
import { assertBuilt, runCli } from '../helpers/spawn.js';
import { flagInput } from '../helpers/tmp.js';

beforeAll(assertBuilt);

let server: HttpServer;
let dir: string;
let db: string;
let agentA: { token: string; id: string };
let readOnly: { token: string; id: string };
let revoked: { token: string; id: string };

function counts() {
  const raw = new Database(db, { readonly: true });
  try {
    return {
      flags: raw.prepare('SELECT count(*) FROM flags').pluck().get() as number,
      history: raw.prepare('SELECT count(*) FROM flag_history').pluck().get() as number,
    };
  } finally {
    raw.close();
  }
}

/** After each refusal: the store is unchanged, and a good token is still served. */
async function stillServing(before: { flags: number; history: number }) {
  expect(counts()).toEqual(before);
  const health = await rawRequest(server.port, { method: 'GET', path: '/healthz' });
  expect(health.status).toBe(200);
  expect(health.json.status).toBe('ok');
  const session = await openSession(server.port, agentA.token);
  const r = await callRaw(server.port, session, agentA.token, 'get_agent_flags', { agent: '@a' });
  expect(r.status).toBe(200);
  expect(r.json.result.structuredContent.agent).toBe('@a');
}

beforeAll(async () => {
  // One folder for the whole file (tempDir() is emptied after each test, and the server lives across them).
  dir = mkdtempSync(join(tmpdir(), 'coordinator-http-'));
  db = join(dir, 'http-security.db');
  // The database and its tables exist before the first token (the CLI makes them).
  agentA = makeToken(db, ['--agent', '@a', '--name', 'agent a']);
  readOnly = makeToken(db, ['--read-only']);
  revoked = makeToken(db, ['--agent', '@a']);
  server = await startHttpServer(db, ['--max-body-bytes', '4096', '--headers-timeout-ms', '1500', '--request-timeout-ms', '3000']);
}, 30_000);

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the HTTP server refuses', () => {
  it('a request without a token: 401 with WWW-Authenticate', async () => {
    const before = counts();
    const r = await rawRequest(server.port, { headers: MCP_HEADERS, body: initializeBody() });
    expect(r.status).toBe(401);
    expect(r.headers['www-authenticate']).toBe('Bearer realm="coordinator-mcp"');
    expect(r.json.error.message).toContain('missing Authorization header');
    await stillServing(before);
  });

  it('a wrong token (well-formed, unknown, or a known id with a wrong secret): 401', async () => {
    const before = counts();
    const forged = agentA.token.slice(0, -4) + (agentA.token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    for (const token of ['not-a-token', `cmcp_000000000000_${'x'.repeat(43)}`, forged]) {
      const r = await rawRequest(server.port, { headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` }, body: initializeBody() });
      expect(r.status).toBe(401);
      expect(r.headers['www-authenticate']).toBe('Bearer realm="coordinator-mcp", error="invalid_token"');
      expect(r.json.error.message).toContain('unknown token');
    }
    expect(server.stderr()).not.toContain(agentA.token);
    expect(server.stderr()).not.toContain(forged);
    await stillServing(before);
  });

  it('a revoked token: 403, even inside a session it opened', async () => {
    const session = await openSession(server.port, revoked.token);
    const out = runCli(['token', 'revoke', revoked.id, '--db', db]);
    expect(out.code).toBe(0);
    expect(out.json.token.revoked).toBe(true);
    const before = counts();
    const r = await callRaw(server.port, session, revoked.token, 'create_flag', flagInput({ source_agent: '@a' }));
    expect(r.status).toBe(403);
    expect(r.json.error.message).toMatch(new RegExp(`token ${revoked.id} was revoked`));
    const fresh = await rawRequest(server.port, { headers: { ...MCP_HEADERS, authorization: `Bearer ${revoked.token}` }, body: initializeBody() });
    expect(fresh.status).toBe(403);
    await stillServing(before);
  });

  it('a token for @a acting as @b, for every tool that names who acts', async () => {
    const before = counts();
    const session = await openSession(server.port, agentA.token);
    const calls: [string, Record<string, unknown>][] = [
      ['create_flag', flagInput({ source_agent: '@b' })],
      ['lock_flag', { id: 1, agent: '@b' }],
      ['complete_flag', { id: 1, agent: '@b' }],
      ['unlock_flag', { id: 1, agent: '@b' }],
      ['update_flag', { id: 1, agent: '@b', impact_level: 'low' }],
      ['delete_flag', { id: 1, agent: '@b' }],
    ];
    for (const [name, args] of calls) {
      const r = await callRaw(server.port, session, agentA.token, name, args);
      expect(r.status).toBe(200);
      expect(r.json.result.isError).toBe(true);
      const refusal = JSON.parse(r.json.result.content[0].text);
      expect(refusal.code).toBe('forbidden');
      expect(refusal.rule).toBe('own_handles_only');
      expect(refusal.error).toContain(`token ${agentA.id} acts only as @a`);
      expect(refusal.error).toContain('@b is another agent');
    }
    await stillServing(before);
  });

  it('a read-only token writing', async () => {
    const before = counts();
    const session = await openSession(server.port, readOnly.token);
    const r = await callRaw(server.port, session, readOnly.token, 'create_flag', flagInput({ source_agent: '@a' }));
    expect(r.status).toBe(200);
    const refusal = JSON.parse(r.json.result.content[0].text);
    expect(refusal).toMatchObject({ code: 'forbidden', rule: 'read_only_token' });
    expect(refusal.error).toContain('create_flag writes');
    // It may read.
    const list = await callRaw(server.port, session, readOnly.token, 'list_flags', {}, 3);
    expect(list.json.result.isError).toBeUndefined();
    await stillServing(before);
  });

  it('a forged Host (DNS rebinding): 403', async () => {
    const before = counts();
    const r = await rawRequest(server.port, { headers: { ...MCP_HEADERS, host: 'evil.example.com', authorization: `Bearer ${agentA.token}` }, body: initializeBody() });
    expect(r.status).toBe(403);
    expect(r.json.error.message).toContain('Host "evil.example.com" is not allowed');
    // a Host with userinfo is no host name (RFC 9110: host and port only), whatever it starts with
    const tricky = await rawRequest(server.port, { headers: { ...MCP_HEADERS, host: 'localhost:80@evil.example.com', authorization: `Bearer ${agentA.token}` }, body: initializeBody() });
    expect(tricky.status).toBe(403);
    await stillServing(before);
  });

  it('a forged Origin: 403', async () => {
    const before = counts();
    const r = await rawRequest(server.port, {
      headers: { ...MCP_HEADERS, origin: 'http://evil.example.com', authorization: `Bearer ${agentA.token}` }, body: initializeBody(),
    });
    expect(r.status).toBe(403);
    expect(r.json.error.message).toContain('Origin "http://evil.example.com" is not allowed');
    const local = await rawRequest(server.port, { headers: { ...MCP_HEADERS, origin: `http://localhost:${server.port}`, authorization: `Bearer ${agentA.token}` }, body: initializeBody() });
    expect(local.status).toBe(200);
    await stillServing(before);
  });

  it('an oversized body, declared or streamed without a length: 413', async () => {
    const before = counts();
    const session = await openSession(server.port, agentA.token);
    const big = JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'create_flag', arguments: flagInput({ source_agent: '@a', example_usage: 'x'.repeat(10_000) }) } });
    const headers = { ...MCP_HEADERS, authorization: `Bearer ${agentA.token}`, 'mcp-session-id': session };
    const declared = await rawRequest(server.port, { headers, body: big });
    expect(declared.status).toBe(413);
    expect(declared.json.error.message).toContain('request body over 4096 bytes');
    const chunked = await rawRequest(server.port, { headers: { ...headers, 'transfer-encoding': 'chunked' }, body: big });
    expect(chunked.status).toBe(413);
    await stillServing(before);
  });

  it('20 slow-loris connections (silent, or headers or body one byte at a time): each 408 and closed after its timeout, nothing written, while a normal client is served', async () => {
    const before = counts();
    const session = await openSession(server.port, agentA.token);
    const body = JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'create_flag', arguments: flagInput({ source_agent: '@a' }) } });
    const head = `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\n`
      + `Authorization: Bearer ${agentA.token}\r\nMcp-Session-Id: ${session}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
    type Kind = 'silent' | 'headers' | 'body';
    const loris = (kind: Kind) => new Promise<{ kind: Kind; answer: string; ms: number }>((resolve, reject) => {
      const socket = connect(server.port, '127.0.0.1');
      let answer = '';
      let sent = 0;
      let started = 0;
      let drip: NodeJS.Timeout | undefined;
      socket.on('connect', () => {
        started = Date.now();
        if (kind === 'silent') return;
        const trickled = kind === 'headers' ? head : body;
        if (kind === 'body') socket.write(head);
        drip = setInterval(() => socket.write(trickled[sent++ % trickled.length]!), 50);
      });
      socket.on('data', (c: Buffer) => (answer += c.toString()));
      socket.on('close', () => {
        clearInterval(drip);
        resolve({ kind, answer, ms: Date.now() - started });
      });
      socket.on('error', (err) => {
        clearInterval(drip);
        reject(err);
      });
    });
    const kinds: Kind[] = Array.from({ length: 20 }, (_x, i) => (['silent', 'headers', 'body'] as const)[i % 3]!);
    const storm = Promise.all(kinds.map(loris));
    // A normal client, served call after call while the 20 connections hang on.
    const client = await httpClient(server.url, agentA.token);
    let served = 0;
    let done = false;
    void storm.finally(() => (done = true));
    while (!done) {
      const r = await callOk(client, 'get_agent_flags', { agent: '@a' });
      expect(r.agent).toBe('@a');
      served++;
    }
    await client.close();
    const cut = await storm;
    expect(served).toBeGreaterThanOrEqual(2); // served during the storm (a loaded CI machine serves fewer)
    for (const c of cut) {
      expect(c.answer, c.kind).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
      // silent and slow headers: the headers timeout (1.5 s); a slow body: the request timeout (3 s)
      expect(c.ms, c.kind).toBeGreaterThanOrEqual(c.kind === 'body' ? 2900 : 1400);
      // cut off, not held: the bound leaves room for a loaded machine (the timers are checked each second)
      expect(c.ms, c.kind).toBeLessThan(20_000);
    }
    // The slow bodies passed the token check: the log says how each ended (the server's stderr
    // reaches this process a little after the sockets close, later still on a loaded machine).
    const timedOut = () => server.stderr().split('\n').filter((l) => / POST \/mcp 408 [\d.]+ms token=\w+ @a \(request not received within the request timeout\)$/.test(l));
    await expect.poll(() => timedOut().length, { timeout: 10_000 }).toBe(kinds.filter((k) => k === 'body').length);
    expect(server.stderr()).not.toMatch(/\berror POST/);
    await stillServing(before);
  });

  it('keeps an idle connection open for the next request past the headers timeout (keep-alive 65 s)', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const get = () => new Promise<{ status: number; keepAlive: string | undefined; socket: unknown }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: server.port, path: '/healthz', agent }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, keepAlive: res.headers['keep-alive'], socket: req.socket }));
      });
      req.on('error', reject);
      req.end();
    });
    try {
      const first = await get();
      expect(first).toMatchObject({ status: 200, keepAlive: 'timeout=65' });
      await new Promise((r) => setTimeout(r, 2000)); // longer than this server's 1.5 s headers timeout
      const second = await get();
      expect(second.status).toBe(200);
      expect(second.socket).toBe(first.socket);
    } finally {
      agent.destroy();
    }
  });

  it('a session used with another token: 403', async () => {
    const before = counts();
    const other = makeToken(db, ['--agent', '@c']);
    const session = await openSession(server.port, agentA.token);
    const r = await callRaw(server.port, session, other.token, 'get_agent_flags', { agent: '@c' });
    expect(r.status).toBe(403);
    expect(r.json.error.message).toContain('opened with another token');
    await stillServing(before);
  });

  it('logs one line per request on stderr, with the token id but never the token', async () => {
    const client = await httpClient(server.url, agentA.token);
    await callOk(client, 'get_agent_flags', { agent: '@a' });
    await client.close();
    const lines = server.stderr().split('\n').filter((l) => l.includes('] http '));
    expect(lines.some((l) => new RegExp(`http POST /mcp 200 [\\d.]+ms token=${agentA.id} @a$`).test(l))).toBe(true);
    expect(lines.some((l) => /http POST \/mcp 401 [\d.]+ms token=none$/.test(l))).toBe(true);
    for (const t of [agentA, readOnly, revoked]) expect(server.stderr()).not.toContain(t.token);
  });
});
