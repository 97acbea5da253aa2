// The HTTP server as a client sees it: the SDK's StreamableHTTPClientTransport with bearer tokens.
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callErr, callOk } from '../helpers/client.js';
import { type HttpServer, httpClient, initializeBody, MCP_HEADERS, makeToken, openSession, rawRequest, resourceUpdates, startHttpServer } from '../helpers/http.js';
import { assertBuilt, EMPTY_HOME, runCli, SERVER } from '../helpers/spawn.js';
import { flagInput } from '../helpers/tmp.js';

beforeAll(assertBuilt);

const dirs: string[] = [];
const newDb = () => {
  const dir = mkdtempSync(join(tmpdir(), 'coordinator-http-'));
  dirs.push(dir);
  return join(dir, 'http.db');
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('the built server over Streamable HTTP', () => {
  let server: HttpServer;
  let db: string;
  let backend: { token: string; id: string };
  let frontend: { token: string; id: string };
  let admin: { token: string; id: string };

  beforeAll(async () => {
    db = newDb();
    backend = makeToken(db, ['--agent', '@backend.api']);
    frontend = makeToken(db, ['--agent', '@frontend.react', '--name', 'laptop of F']);
    admin = makeToken(db, ['--admin', '--name', 'ops']);
    server = await startHttpServer(db);
  }, 30_000);
  afterAll(async () => {
    expect(await server?.stop()).toBe(0);
  });

  it('lists the same tools, resources and prompts as stdio', async () => {
    const client = await httpClient(server.url, backend.token);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['create_flag', 'lock_flag', 'complete_flag', 'search_agents']));
      expect(tools.length).toBeGreaterThanOrEqual(20);
      const { resources } = await client.listResources();
      expect(resources.some((r) => r.uri === 'database://postgresql')).toBe(true);
      const read = await client.readResource({ uri: 'database://postgresql' });
      expect(JSON.parse((read.contents[0] as { text: string }).text).id).toBe('postgresql');
      const { resourceTemplates } = await client.listResourceTemplates();
      expect(resourceTemplates.map((t) => t.uriTemplate).sort()).toEqual(['agent://{name}', 'database://{id}', 'flags://queue/{agent}']);
      const { prompts } = await client.listPrompts();
      expect(prompts.map((p) => p.name).sort()).toEqual(['handoff', 'inbox', 'route']);
      const inbox = await client.getPrompt({ name: 'inbox', arguments: { agent: '@backend.api' } });
      expect(inbox.messages[0]!.role).toBe('user');
    } finally {
      await client.close();
    }
  });

  it('creates, locks and completes a flag with agent tokens, each acting as itself', async () => {
    const b = await httpClient(server.url, backend.token);
    const f = await httpClient(server.url, frontend.token);
    try {
      const created = await callOk(b, 'create_flag', flagInput());
      expect(created.from).toBe('@backend.api');
      const id = created.flag_id as number;
      // The frontend's token may not lock as the backend...
      const refused = JSON.parse(await callErr(f, 'lock_flag', { id, agent: '@backend.api' }));
      expect(refused).toMatchObject({ code: 'forbidden', rule: 'own_handles_only', field: 'agent' });
      // ...but locks and completes as itself.
      const locked = await callOk(f, 'lock_flag', { id, agent: '@frontend.react' });
      expect(locked.lock.holder).toBe('@frontend.react');
      const done = await callOk(f, 'complete_flag', { id, agent: '@frontend.react', notes: 'paginated list shipped' });
      expect(done.completed_by).toBe('@frontend.react');
      const { history } = await callOk(b, 'get_flag', { id });
      expect(history.map((h: { action: string }) => h.action)).toEqual(['created', 'locked', 'completed']);
      expect(history[0].details).toMatchObject({ via: `token ${backend.id} of @backend.api` });
      expect(history[2].details).toMatchObject({ via: `token ${frontend.id} of @frontend.react` });
    } finally {
      await b.close();
      await f.close();
    }
  });

  it('lets an admin token act for anyone, and records it in the history', async () => {
    const a = await httpClient(server.url, admin.token);
    try {
      const created = await callOk(a, 'create_flag', flagInput({ source_agent: '@database.postgres' }));
      const locked = await callOk(a, 'lock_flag', { id: created.flag_id, agent: '@frontend.react' });
      expect(locked.lock.holder).toBe('@frontend.react');
      const { history } = await callOk(a, 'get_flag', { id: created.flag_id });
      expect(history[0]).toMatchObject({ action: 'created', agent: '@database.postgres', details: { via: `admin token ${admin.id} as @database.postgres` } });
      expect(history[1]).toMatchObject({ action: 'locked', agent: '@frontend.react', details: { via: `admin token ${admin.id} as @frontend.react` } });
    } finally {
      await a.close();
    }
    const raw = new Database(db, { readonly: true });
    const vias = raw.prepare(`SELECT json_extract(details, '$.via') FROM flag_history WHERE details LIKE '%admin token%'`).pluck().all();
    raw.close();
    expect(vias).toEqual([`admin token ${admin.id} as @database.postgres`, `admin token ${admin.id} as @frontend.react`]);
  });

  it('lists tokens without their secrets', () => {
    const out = runCli(['token', 'list', '--db', db]);
    expect(out.code).toBe(0);
    expect(out.json.tokens.map((t: { id: string }) => t.id)).toEqual(expect.arrayContaining([backend.id, frontend.id, admin.id]));
    expect(out.json.tokens.find((t: { id: string }) => t.id === frontend.id)).toMatchObject({ role: 'agent', agents: ['@frontend.react'], name: 'laptop of F', revoked: false });
    expect(out.stdout).not.toContain(backend.token.slice(18));
    expect(out.stdout).not.toContain('hash');
  });

  it('answers GET /healthz without a token', async () => {
    const r = await rawRequest(server.port, { method: 'GET', path: '/healthz' });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ status: 'ok' });
  });
});

describe('tools/call answered directly, everything else by the SDK transport', () => {
  let server: HttpServer;
  let db: string;
  let backend: { token: string; id: string };
  let frontend: { token: string; id: string };
  const flagCount = () => {
    const raw = new Database(db, { readonly: true });
    try {
      return raw.prepare('SELECT count(*) FROM flags').pluck().get() as number;
    } finally {
      raw.close();
    }
  };

  beforeAll(async () => {
    db = newDb();
    backend = makeToken(db, ['--agent', '@backend.api']);
    frontend = makeToken(db, ['--agent', '@frontend.react']);
    server = await startHttpServer(db);
  }, 30_000);
  afterAll(async () => {
    expect(await server?.stop()).toBe(0);
  });

  const post = (session: string, body: unknown, headers: Record<string, string> = {}) => rawRequest(server.port, {
    headers: { ...MCP_HEADERS, authorization: `Bearer ${backend.token}`, 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18', ...headers },
    body: JSON.stringify(body),
  });
  const getDatabase = (id: number) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'get_database', arguments: { name: 'postgresql' } } });

  it('answers a tools/call with the same JSON, status and headers as the SDK answers that call sent as a batch of one', async () => {
    const session = await openSession(server.port, backend.token);
    const direct = await post(session, getDatabase(2));
    const viaSdk = await post(session, [getDatabase(3)]);
    for (const r of [direct, viaSdk]) {
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['mcp-session-id']).toBe(session);
      expect(r.headers['content-length']).toBe(String(Buffer.byteLength(r.text)));
    }
    expect(direct.json.id).toBe(2);
    expect(viaSdk.json.id).toBe(3);
    expect(direct.json.result.structuredContent.database.id).toBe('postgresql');
    expect({ ...direct.json, id: 0 }).toEqual({ ...viaSdk.json, id: 0 });
  });

  it("leaves refusals to the SDK (wrong Accept, Content-Type or protocol version, not JSON-RPC, a second initialize), writes nothing, and the session keeps working", async () => {
    const session = await openSession(server.port, backend.token);
    const create = { jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'create_flag', arguments: flagInput() } };
    const before = flagCount();
    const cases: [Record<string, string>, unknown, number, RegExp][] = [
      [{ accept: 'application/json' }, create, 406, /Not Acceptable: Client must accept both application\/json and text\/event-stream/],
      [{ 'content-type': 'text/plain' }, create, 415, /Unsupported Media Type/],
      [{ 'mcp-protocol-version': '1999-01-01' }, create, 400, /Unsupported protocol version: 1999-01-01/],
      [{}, { ...create, jsonrpc: '1.0' }, 400, /Invalid JSON-RPC message/],
      [{}, JSON.parse(initializeBody(5)), 400, /Server already initialized/],
    ];
    for (const [headers, body, status, message] of cases) {
      const r = await post(session, body, headers);
      expect(r.status, JSON.stringify(headers)).toBe(status);
      expect(r.json.error.message).toMatch(message);
    }
    expect(flagCount()).toBe(before);
    const ok = await post(session, { ...create, id: 6 });
    expect(ok.status).toBe(200);
    expect(ok.json.result.structuredContent.flag_id).toBeGreaterThan(0);
    expect(flagCount()).toBe(before + 1);
  });

  it('still sends resources/updated on the GET stream of a session whose calls are answered as JSON', async () => {
    const watcher = await httpClient(server.url, frontend.token);
    const writer = await httpClient(server.url, backend.token);
    try {
      const { updates, firstUpdate } = resourceUpdates(watcher);
      await watcher.subscribeResource({ uri: 'flags://queue/@frontend.react' });
      const created = await callOk(writer, 'create_flag', flagInput({ change_description: 'The orders API paginates now: page and per_page query parameters, 50 per page' }));
      await firstUpdate();
      expect(updates).toContain('flags://queue/@frontend.react');
      const queue = JSON.parse((await watcher.readResource({ uri: 'flags://queue/@frontend.react' })).contents[0]!.text as string);
      expect(queue.flags.map((f: { id: number }) => f.id)).toContain(created.flag_id);
    } finally {
      await watcher.close();
      await writer.close();
    }
  });

  it('runs a call whose client left before the answer to its end, and keeps serving', async () => {
    const session = await openSession(server.port, backend.token);
    const before = flagCount();
    const body = JSON.stringify({ jsonrpc: '2.0', id: 8, method: 'tools/call', params: { name: 'create_flag', arguments: flagInput() } });
    await new Promise<void>((resolve) => {
      const req = request({
        host: '127.0.0.1', port: server.port, method: 'POST', path: '/mcp',
        headers: { ...MCP_HEADERS, authorization: `Bearer ${backend.token}`, 'mcp-session-id': session, 'content-length': Buffer.byteLength(body) },
      });
      req.on('error', () => resolve());
      req.end(body, () => {
        req.destroy();
        resolve();
      });
    });
    for (let i = 0; i < 50 && flagCount() === before; i++) await new Promise((r) => setTimeout(r, 100));
    expect(flagCount()).toBe(before + 1);
    const next = await post(session, getDatabase(8));
    expect(next.status).toBe(200);
    expect(next.json.result.structuredContent.database.id).toBe('postgresql');
    expect(server.stderr()).not.toMatch(/uncaught|unhandled/);
  });
});

describe('shutdown', () => {
  it('SIGTERM during an in-flight call lets it finish, then closes the store and exits 0', async () => {
    const db = newDb();
    const { token } = makeToken(db, ['--agent', '@backend.api']);
    const server = await startHttpServer(db);
    const session = await openSession(server.port, token);
    // A call whose body is still arriving when SIGTERM comes: it is in flight.
    const body = JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'create_flag', arguments: flagInput() } });
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request({
        host: '127.0.0.1', port: server.port, method: 'POST', path: '/mcp',
        headers: { ...MCP_HEADERS, authorization: `Bearer ${token}`, 'mcp-session-id': session, 'content-length': Buffer.byteLength(body) },
      }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.write(body.slice(0, 40));
      setTimeout(() => {
        server.child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(40)), 400);
      }, 200);
    });
    const r = await answer;
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text).result.structuredContent.flag_id).toBe(1);
    expect(await server.exited).toBe(0);
    expect(server.stderr()).toContain('SIGTERM: no new requests; waiting for 1 in flight');
    expect(server.stderr()).toContain('stopped: store closed');
    const raw = new Database(db, { readonly: true });
    expect(raw.prepare('SELECT count(*) FROM flags').pluck().get()).toBe(1);
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    raw.close();
  });

  it('refuses to start with bad HTTP options, naming the option', () => {
    for (const [args, message] of [
      [['--http', '0.0.0.0:0'], '--allowed-hosts'],
      [['--http', '0.0.0.0:0', '--allowed-hosts', 'x', '--no-auth'], '--no-auth is allowed only on a loopback bind'],
      [['--http', 'nope'], '--http must be [HOST:]PORT'],
      [['--http', '0', '--tls-cert', '/nonexistent'], '--tls-cert and --tls-key go together'],
      [['--tls-key', 'k.pem'], '--tls-key goes with --http'],
      [['--http', '0', '--request-timeout-ms', '0'], '--request-timeout-ms must be a whole number from 1 to 3600000 (got "0")'],
      [['--http', '0', '--request-timeout-ms', '2.5s'], '--request-timeout-ms must be a whole number from 1 to 3600000 (got "2.5s")'],
      [['--http', '0', '--request-timeout-ms', '7200000'], '--request-timeout-ms must be a whole number from 1 to 3600000'],
      [['--http', '0', '--request-timeout-ms', '2000', '--headers-timeout-ms', '5000'], '--headers-timeout-ms (5000) must not exceed --request-timeout-ms (2000)'],
      [['--http', '0', '--max-body-bytes=-1'], '--max-body-bytes must be a whole number above 0 (got "-1")'],
      [['--request-timeout-ms', '500'], '--request-timeout-ms goes with --http'],
    ] as const) {
      const r = runServer([...args]);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(message);
    }
  });
});

function runServer(args: string[]) {
  return spawnSync(process.execPath, [SERVER, '--db', ':memory:', ...args], { encoding: 'utf8', timeout: 15_000, env: { PATH: process.env.PATH ?? '', HOME: EMPTY_HOME } });
}

describe('--no-auth on loopback (for local tests such as the conformance suite)', () => {
  it('serves without a token and warns loudly', async () => {
    const server = await startHttpServer(newDb(), ['--no-auth']);
    try {
      expect(server.stderr()).toContain('!!! --no-auth');
      const r = await rawRequest(server.port, { headers: MCP_HEADERS, body: initializeBody() });
      expect(r.status).toBe(200);
      expect(r.json.result.serverInfo.name).toBe('coordinator-mcp');
    } finally {
      await server.stop();
    }
  });
});

describe('TLS', () => {
  it('serves https with --tls-cert and --tls-key', async (ctx) => {
    const dir = mkdtempSync(join(tmpdir(), 'coordinator-tls-'));
    dirs.push(dir);
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=localhost', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { encoding: 'utf8' });
    if (made.error) ctx.skip(); // no openssl on this machine
    const db = join(dir, 'tls.db');
    const { token } = makeToken(db, ['--agent', '@backend.api']);
    const server = await startHttpServer(db, ['--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem')]);
    try {
      expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/mcp$/);
      const { request: httpsRequest } = await import('node:https');
      const answer = await new Promise<{ status: number; json: any }>((resolve, reject) => {
        const req = httpsRequest({
          host: '127.0.0.1', port: server.port, path: '/mcp', method: 'POST', ca: readFileSync(join(dir, 'cert.pem')), servername: 'localhost',
          headers: { ...MCP_HEADERS, host: `localhost:${server.port}`, authorization: `Bearer ${token}` },
        }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
        });
        req.on('error', reject);
        req.end(initializeBody());
      });
      expect(answer.status).toBe(200);
      expect(answer.json.result.serverInfo.name).toBe('coordinator-mcp');
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
