import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BoardSession, type BoardProcess, startBoard } from '../helpers/board.js';
import { makeToken, rawRequest, startHttpServer } from '../helpers/http.js';
import { assertBuilt, runCli } from '../helpers/spawn.js';
import { ACTION, DESC, tempDir } from '../helpers/tmp.js';

assertBuilt();

const create = (db: string, extra: string[] = []) => runCli(['create-flag', '--db', db, '--source_agent', '@backend.api', '--target_agent', '@frontend.react',
  '--flag_type', 'change', '--change_description', DESC, '--action_required', ACTION, ...extra]).json;

describe('coordinator ui (the built CLI)', () => {
  let db: string;
  let board: BoardProcess;

  beforeEach(async () => {
    db = join(tempDir(), 'c.db');
    const flag = create(db);
    expect(runCli(['lock-flag', String(flag.flag_id), '@frontend.react', '--db', db]).code).toBe(0);
    board = await startBoard(db);
  });
  afterEach(async () => {
    expect(await board.stop()).toBe(0);
  });

  it('prints a loopback URL with a token and refuses requests without it, with another token or another Host', async () => {
    expect(board.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
    const none = await rawRequest(board.port, { method: 'GET', path: '/' });
    expect(none.status).toBe(401);
    expect(none.text).toContain('the board needs its token');
    expect((await rawRequest(board.port, { method: 'GET', path: '/flags/1' })).status).toBe(401);
    expect((await rawRequest(board.port, { method: 'GET', path: '/events' })).status).toBe(401);
    expect((await rawRequest(board.port, { method: 'GET', path: '/static/board.js' })).status).toBe(401);
    expect((await rawRequest(board.port, { method: 'GET', path: '/?token=wrong' })).status).toBe(403);
    const rebinding = await rawRequest(board.port, { method: 'GET', path: `/?token=${board.token}`, headers: { host: `evil.example:${board.port}` } });
    expect(rebinding.status).toBe(403);
    expect(rebinding.text).toContain('DNS rebinding');
    const s = new BoardSession(board.port);
    await s.login(board.token);
    expect((await s.get('/', { host: `evil.example:${board.port}` })).status).toBe(403);
    expect((await s.get('/', { cookie: 'coordinator_board_1=forged' })).status).toBe(401);
  });

  it('trades the token for a session cookie and serves the pages with a strict policy', async () => {
    const s = new BoardSession(board.port);
    const login = await s.login(board.token);
    expect(login.status).toBe(303);
    expect(login.headers.location).toBe('/');
    expect(s.cookie).toMatch(new RegExp(`^coordinator_board_${board.port}=`));
    expect(String(login.headers['set-cookie'])).toContain('HttpOnly; SameSite=Strict');
    const queues = await s.get('/');
    expect(queues.status).toBe(200);
    expect(queues.headers['content-security-policy']).toContain("script-src 'self'");
    expect(queues.headers['content-security-policy']).toContain("default-src 'none'");
    expect(queues.text).toContain('locked by <span class="agent">@frontend.react</span>');
    expect((await s.get('/flags/1')).text).toContain('<h1>Flag #1 change');
    expect((await s.get('/activity?days=2')).text).toContain('<svg class="plot"');
    const search = await s.get('/search?agent=%40frontend.react&status=pending');
    expect(search.text).toContain('1 matching flag(s)');
    expect((await s.get('/search?impact=huge')).status).toBe(400);
    expect((await s.get('/flags/77')).status).toBe(404);
    expect((await s.get('/static/board.css')).headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('refuses cross-site and token-less actions, runs a same-origin one, records it as done by the person', async () => {
    const s = new BoardSession(board.port);
    await s.login(board.token);
    const csrf = BoardSession.csrf((await s.get('/flags/1')).text);
    const crossOrigin = await s.post('/flags/1/unlock', { csrf }, { origin: 'http://evil.example' });
    expect(crossOrigin.status).toBe(403);
    expect((await s.post('/flags/1/unlock', { csrf }, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await s.post('/flags/1/unlock', {})).status).toBe(403);
    expect((await s.post('/flags/1/unlock', { csrf: 'x'.repeat(csrf.length) })).status).toBe(403);
    expect((await rawRequest(board.port, { method: 'POST', path: '/flags/1/unlock', body: `csrf=${csrf}` })).status).toBe(401);
    expect(runCli(['get-flag', '1', '--db', db]).json.flag.locked).toBe(true);

    const done = await s.post('/flags/1/unlock', { csrf });
    expect(done.status).toBe(303);
    expect(decodeURIComponent(String(done.headers.location))).toContain('Unlocked flag #1 (was held by @frontend.react)');
    const got = runCli(['get-flag', '1', '--db', db]).json;
    expect(got.flag.locked).toBe(false);
    expect(got.history.at(-1)).toMatchObject({ action: 'force_unlocked', agent: 'person:tester', details: { by: 'person' } });
    const again = await s.post('/flags/1/unlock', { csrf });
    expect(again.status).toBe(409);
    expect(again.text).toContain('flag #1 is not locked');
  });

  // How fast is the bench's business (section 11 times it); here only that the change is told at all.
  it('tells an open page of a flag another process created', async () => {
    const s = new BoardSession(board.port);
    await s.login(board.token);
    const events = s.events();
    expect(await events.opened).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    create(db, ['--impact_level', 'high']);
    while (!events.names.includes('change') && Date.now() - started < 15_000) await new Promise((r) => setTimeout(r, 50));
    events.close();
    expect(events.names).toContain('change');
  });
});

describe('coordinator ui at its edges', () => {
  it('collapses a login path to one leading slash, answers HEAD on the event stream, and drops an oversized form', async () => {
    const db = join(tempDir(), 'c.db');
    const flag = create(db);
    const board = await startBoard(db);
    try {
      const twisted = await rawRequest(board.port, { method: 'GET', path: `/.//evil.example/?token=${board.token}` });
      expect(twisted.status).toBe(303);
      expect(twisted.headers.location).toBe('/evil.example/'); // on the board, never another site
      const s = new BoardSession(board.port);
      await s.login(board.token);
      const head = await rawRequest(board.port, { method: 'HEAD', path: '/events', headers: { cookie: s.cookie } });
      expect(head.status).toBe(200);
      expect(head.headers['content-type']).toBe('text/event-stream');
      const csrf = BoardSession.csrf((await s.get(`/flags/${flag.flag_id}`)).text);
      const big = await s.post(`/flags/${flag.flag_id}/withdraw`, { csrf, pad: 'x'.repeat(100_000) });
      expect(big.status).toBe(413);
      expect(runCli(['get-flag', String(flag.flag_id), '--db', db]).json.flag.status).toBe('pending');
      expect((await s.get('/')).status).toBe(200);
    } finally {
      expect(await board.stop()).toBe(0);
    }
  });
});

describe('the board on the HTTP transport (coordinator-mcp --http), for admin tokens', () => {
  it('serves /board after the Host check to an admin token only, with its links under /board, and records actions as the token\'s person', async () => {
    const db = join(tempDir(), 'c.db');
    const flag = create(db);
    runCli(['lock-flag', String(flag.flag_id), '@frontend.react', '--db', db]);
    const admin = makeToken(db, ['--admin', '--name', 'alice']);
    const agent = makeToken(db, ['--agent', '@frontend.react']);
    const server = await startHttpServer(db, ['--allowed-origins', 'https://team.example.com']);
    try {
      // Printed just after "listening on" (which startHttpServer waits for), maybe in a later chunk.
      for (let i = 0; i < 40 && !server.stderr().includes('the board: '); i++) await new Promise((r) => setTimeout(r, 50));
      expect(server.stderr()).toContain(`the board: http://127.0.0.1:${server.port}/board/?token=<an admin token>`);
      expect((await rawRequest(server.port, { method: 'GET', path: '/board/' })).status).toBe(401);
      const wrongRole = await rawRequest(server.port, { method: 'GET', path: `/board/?token=${agent.token}` });
      expect(wrongRole.status).toBe(403);
      expect(wrongRole.text).toContain('the board needs an admin token; this one is agent');
      expect((await rawRequest(server.port, { method: 'GET', path: '/board/?token=cmcp_000000000000_xxx' })).status).toBe(401);
      expect((await rawRequest(server.port, { method: 'GET', path: `/board/?token=${admin.token}`, headers: { host: 'evil.example' } })).status).toBe(403);
      const s = new BoardSession(server.port);
      const login = await rawRequest(server.port, { method: 'GET', path: `/board/?token=${admin.token}` });
      expect(login.status).toBe(303);
      expect(login.headers.location).toBe('/board/');
      expect(String(login.headers['set-cookie'])).toContain('HttpOnly; SameSite=Strict; Path=/board');
      expect(String(login.headers['set-cookie'])).toMatch(/^coordinator_board_\d+=/); // one name per server: cookies ignore ports
      s.cookie = String(login.headers['set-cookie']).split(';')[0]!;
      const queues = await s.get('/board/');
      expect(queues.status).toBe(200);
      expect(queues.text).toContain(`href="/board/flags/${flag.flag_id}"`);
      expect(queues.text).toContain('src="/board/static/board.js"');
      expect(queues.text).not.toMatch(/ (href|src|action)="\/(?!board\/)/);
      expect((await s.get('/board/static/board.js')).status).toBe(200);
      const csrf = BoardSession.csrf((await s.get(`/board/flags/${flag.flag_id}`)).text);
      expect((await s.post(`/board/flags/${flag.flag_id}/unlock`, { csrf }, { origin: 'http://evil.example' })).status).toBe(403);
      const done = await s.post(`/board/flags/${flag.flag_id}/unlock`, { csrf });
      expect(done.status).toBe(303);
      expect(String(done.headers.location)).toMatch(new RegExp(`^/board/flags/${flag.flag_id}\\?done=`));
      expect(runCli(['get-flag', String(flag.flag_id), '--db', db]).json.history.at(-1)).toMatchObject({ action: 'force_unlocked', agent: 'person:alice' });
      // A form from the public origin a proxy serves the board under (--allowed-origins) may act.
      const proxied = await s.post(`/board/flags/${flag.flag_id}/withdraw`, { csrf }, { origin: 'https://team.example.com' });
      expect(proxied.status).toBe(303);
      // Revoking the admin token ends the session it opened: pages and actions are refused at once.
      expect(runCli(['token', 'revoke', admin.id, '--db', db]).code).toBe(0);
      expect((await s.get('/board/')).status).toBe(401);
      expect((await rawRequest(server.port, { method: 'GET', path: `/board/?token=${admin.token}` })).status).toBe(403);
      expect((await rawRequest(server.port, { method: 'GET', path: '/healthz' })).status).toBe(200);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});

describe('coordinator ui refusals', () => {
  it('refuses a bad port, a taken port and a bad person name by name, and starts nothing', async () => {
    const db = join(tempDir(), 'c.db');
    expect(runCli(['ui', '--port', '99999', '--db', db]).json).toMatchObject({ field: 'port', rule: 'range' });
    expect(runCli(['ui', '--port', 'x', '--db', db]).json).toMatchObject({ field: 'port', rule: 'integer' });
    expect(runCli(['ui', '--person', 'bad name!', '--db', db]).json).toMatchObject({ field: 'person', rule: 'person_name' });
    const first = await startBoard(db);
    try {
      const taken = runCli(['ui', '--port', String(first.port), '--db', db]);
      expect(taken.code).toBe(1);
      expect(taken.json).toMatchObject({ field: 'port', rule: 'free' });
      expect(taken.json.error).toContain(`port ${first.port} on 127.0.0.1 is in use`);
    } finally {
      expect(await first.stop()).toBe(0);
    }
  });
});
