// Two HTTP servers on one real PostgreSQL (the throwaway cluster of scripts/test-system.mjs, URL in
// COORDINATOR_TEST_PG): the tokens live on PostgreSQL, so a token made once with the CLI works on
// both servers and a revocation refuses it on both; a flag written through one server reaches a
// subscriber of the other (LISTEN/NOTIFY); a PostgreSQL that cannot be reached is a 503, not a crash.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callErr, callOk } from '../helpers/client.js';
import { type HttpServer, httpClient, initializeBody, MCP_HEADERS, makeToken, openSession, rawRequest, resourceUpdates, startHttpServer } from '../helpers/http.js';
import { assertBuilt, runCli } from '../helpers/spawn.js';
import { flagInput } from '../helpers/tmp.js';

const BASE = process.env.COORDINATOR_TEST_PG;
if (!BASE) throw new Error('COORDINATOR_TEST_PG is not set: run these tests with npm run test:system (it starts a throwaway PostgreSQL)');

const admin = new pg.Client({ connectionString: BASE });
const name = `coord_http_${process.pid}`;
let url: string;
let db: pg.Client;
let a: HttpServer;
let b: HttpServer;
const clients: Client[] = [];

const connect = async (server: HttpServer, token: string) => {
  const client = await httpClient(server.url, token);
  clients.push(client);
  return client;
};
const count = async (sql: string) => Number((await db.query(sql)).rows[0].n);
/** A tools/call with this token in a session it opens itself: the raw HTTP answer. */
const rawCall = async (server: HttpServer, token: string | undefined, tool: string, args: Record<string, unknown>) => {
  const headers = { ...MCP_HEADERS, ...(token ? { authorization: `Bearer ${token}` } : {}) };
  return rawRequest(server.port, { headers, body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: tool, arguments: args } }) });
};

beforeAll(async () => {
  assertBuilt();
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const u = new URL(BASE);
  u.pathname = `/${name}`;
  url = u.toString();
  [a, b] = await Promise.all([startHttpServer(url), startHttpServer(url)]);
  db = new pg.Client({ connectionString: url, application_name: 'postgres-http test' });
  await db.connect();
}, 60_000);

afterAll(async () => {
  for (const c of clients) await c.close().catch(() => undefined);
  const codes = await Promise.all([a?.stop(), b?.stop()]);
  await db?.end();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
  expect(codes).toEqual([0, 0]);
});

describe('two HTTP servers on one PostgreSQL', () => {
  it('start on it (no longer refused), the tokens in its api_tokens table (schema version 7)', async () => {
    expect(a.stderr()).toMatch(/flags and tokens on PostgreSQL postgres:\/\/postgres@127\.0\.0\.1:\d+\/coord_http_/);
    expect(a.port).not.toBe(b.port);
    expect((await db.query('SELECT version FROM schema_version ORDER BY version')).rows).toEqual([{ version: 6 }, { version: 7 }, { version: 8 }]);
  });

  it('accept a token made with the CLI after they started, on both; the database keeps only its hash', async () => {
    const backend = makeToken(url, ['--agent', '@backend.api', '--name', 'ci runner']);
    const onA = await connect(a, backend.token);
    const onB = await connect(b, backend.token);
    const created = await callOk(onA, 'create_flag', flagInput());
    const { flag, history } = await callOk(onB, 'get_flag', { id: created.flag_id });
    expect(flag).toMatchObject({ id: created.flag_id, source_agent: '@backend.api', target_agent: '@frontend.react' });
    expect(history[0]).toMatchObject({ action: 'created', details: { via: `token ${backend.id} of @backend.api` } });
    const [row] = (await db.query('SELECT id, hash, role, agents, name FROM api_tokens WHERE id = $1', [backend.id])).rows;
    expect(row).toMatchObject({ id: backend.id, role: 'agent', agents: '["@backend.api"]', name: 'ci runner' });
    expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(backend.token.slice(18));
    // COORDINATOR_DB names the store as well as --db does.
    const listed = runCli(['token', 'list'], { COORDINATOR_DB: url });
    expect(listed.code).toBe(0);
    expect(listed.json.tokens).toEqual(expect.arrayContaining([expect.objectContaining({ id: backend.id, role: 'agent', revoked: false })]));
    expect(listed.stdout).not.toContain(row.hash);
  });

  it('answer 401 without a token or with an unknown one, and 403 on both once the CLI revoked it', async () => {
    for (const server of [a, b]) {
      const none = await rawRequest(server.port, { headers: MCP_HEADERS, body: initializeBody() });
      expect(none.status).toBe(401);
      expect(none.json.error.message).toMatch(/missing Authorization header/);
      const unknown = await rawRequest(server.port, { headers: { ...MCP_HEADERS, authorization: `Bearer cmcp_000000000000_${'a'.repeat(43)}` }, body: initializeBody() });
      expect(unknown.status).toBe(401);
    }
    const doomed = makeToken(url, ['--agent', '@frontend.react']);
    const sessions = [await openSession(a.port, doomed.token), await openSession(b.port, doomed.token)];
    expect(sessions.every((s) => typeof s === 'string')).toBe(true);
    const revoked = runCli(['token', 'revoke', doomed.id], { COORDINATOR_DB: url });
    expect(revoked.code).toBe(0);
    expect(revoked.json).toMatchObject({ already_revoked: false, token: { id: doomed.id, revoked: true } });
    const before = await count('SELECT count(*) AS n FROM flags');
    for (const server of [a, b]) {
      const r = await rawCall(server, doomed.token, 'create_flag', flagInput({ source_agent: '@frontend.react', target_agent: '@backend.api' }));
      expect(r.status).toBe(403);
      expect(r.json.error.message).toContain(`token ${doomed.id} was revoked`);
    }
    expect(await count('SELECT count(*) AS n FROM flags')).toBe(before);
  });

  it('refuse an agent token acting as another agent, and a read-only token writing, storing nothing', async () => {
    const frontend = makeToken(url, ['--agent', '@frontend.react']);
    const reader = makeToken(url, ['--read-only']);
    const before = await count('SELECT count(*) AS n FROM flag_history');
    const asOther = JSON.parse(await callErr(await connect(b, frontend.token), 'create_flag', flagInput({ source_agent: '@backend.api' })));
    expect(asOther).toMatchObject({ code: 'forbidden', rule: 'own_handles_only', field: 'source_agent' });
    const readOnly = await connect(a, reader.token);
    const write = JSON.parse(await callErr(readOnly, 'create_flag', flagInput()));
    expect(write).toMatchObject({ code: 'forbidden', rule: 'read_only_token' });
    // Reading is what it is for.
    const list = await callOk(readOnly, 'list_flags', {});
    expect(list.total).toBeGreaterThanOrEqual(1);
    expect(await count('SELECT count(*) AS n FROM flag_history')).toBe(before);
  });

  it('tell a subscriber on server B of a flag created through server A (LISTEN/NOTIFY -> resources/updated)', async () => {
    const backend = makeToken(url, ['--agent', '@backend.api']);
    const frontend = makeToken(url, ['--agent', '@frontend.react']);
    const watcher = await connect(b, frontend.token);
    const { updates, firstUpdate } = resourceUpdates(watcher);
    await watcher.subscribeResource({ uri: 'flags://queue/@frontend.react' });
    // B's LISTEN starts at the first subscription; give it a moment to be in place.
    await new Promise((r) => setTimeout(r, 500));
    const created = await callOk(await connect(a, backend.token), 'create_flag', flagInput({ change_description: 'Announced across servers: the orders API paginates' }));
    await firstUpdate();
    expect(updates).toContain('flags://queue/@frontend.react');
    const queue = JSON.parse((await watcher.readResource({ uri: 'flags://queue/@frontend.react' })).contents[0]!.text as string);
    expect(queue.flags.map((f: { id: number }) => f.id)).toContain(created.flag_id);
  });

  it('answer 503 with a JSON-RPC error while PostgreSQL cannot be reached, keep running, and serve again once it is back', async () => {
    const backend = makeToken(url, ['--agent', '@backend.api']);
    const session = await openSession(a.port, backend.token);
    await admin.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS false`);
    // The servers' connections (pool and listener) are cut; new ones are refused until it is allowed again.
    const cut = await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name LIKE 'coordinator-mcp%'`, [name]);
    expect(cut.rows.length).toBeGreaterThanOrEqual(2);
    try {
      for (const server of [a, b]) {
        const r = await rawRequest(server.port, {
          headers: { ...MCP_HEADERS, authorization: `Bearer ${backend.token}`, ...(server === a ? { 'mcp-session-id': session } : {}) },
          body: server === a ? JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'create_flag', arguments: flagInput() } }) : initializeBody(),
        });
        expect(r.status).toBe(503);
        expect(r.headers['retry-after']).toBe('5');
        expect(r.json).toMatchObject({ jsonrpc: '2.0', error: { code: -32000 } });
        expect(r.json.error.message).toMatch(/token could not be checked: the token store is unreachable .*try again/);
      }
      expect(a.child.exitCode).toBeNull();
      expect(b.child.exitCode).toBeNull();
      expect((await rawRequest(a.port, { method: 'GET', path: '/healthz' })).status).toBe(200);
    } finally {
      await admin.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS true`);
    }
    // The pool drops the dead connections and makes new ones: the same session works again.
    const again = await rawRequest(a.port, {
      headers: { ...MCP_HEADERS, authorization: `Bearer ${backend.token}`, 'mcp-session-id': session },
      body: JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'create_flag', arguments: flagInput() } }),
    });
    expect(again.status).toBe(200);
    expect(again.json.result.isError).toBeFalsy();
    expect(a.stderr()).toMatch(/token=unchecked/);
  });
});
