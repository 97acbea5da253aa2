// The HTTP server refuses what it must, cleanly: each refusal has its status code and a message
// that says what to do, nothing reaches the store, and the server keeps serving afterwards.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
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
  server = await startHttpServer(db, ['--max-body-bytes', '4096', '--headers-timeout-ms', '1500']);
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

  it('a slow-loris client (headers sent slowly): 408 and the connection closed', async () => {
    const before = counts();
    const started = Date.now();
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(server.port, '127.0.0.1');
      let text = '';
      let n = 0;
      const drip = setInterval(() => socket.write(`X-Slow-${n++}: ${'a'.repeat(10)}\r\n`), 300);
      socket.on('connect', () => socket.write('POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n'));
      socket.on('data', (c: Buffer) => (text += c.toString()));
      socket.on('close', () => {
        clearInterval(drip);
        resolve(text);
      });
      socket.on('error', (err) => {
        clearInterval(drip);
        reject(err);
      });
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(Date.now() - started).toBeLessThan(10_000);
    await stillServing(before);
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
