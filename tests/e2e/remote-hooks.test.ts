// The hooks of a project set up with `coordinator init --remote URL`: the commands init wrote, run
// the way Claude Code runs them (a shell, the hook JSON on stdin, $COORDINATOR_TOKEN in the
// environment), against the built server serving HTTP with tokens. The flags live on the server;
// the project has no database of its own.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import Database from 'better-sqlite3';
import { createServer, type Server } from 'node:http';
import { httpClient, type HttpServer, makeToken, startHttpServer } from '../helpers/http.js';
import { assertBuilt, CLI, EMPTY_HOME } from '../helpers/spawn.js';
import { ACTION, DESC } from '../helpers/tmp.js';

beforeAll(assertBuilt);

let server: HttpServer;
let admin: Client;
let frontendToken: string;
let project: string;
let state: string;
let root: string;
let serverDb: string;
let adminToken: string;

/**
 * A call of the admin client. The server drops a connection idle for 5 s (keepAliveTimeout), and a
 * request sent on it just as it closes fails with "other side closed" before the server reads it:
 * that one is sent again.
 */
async function adminCall(name: string, args: Record<string, unknown>) {
  try {
    return await admin.callTool({ name, arguments: args });
  } catch (e) {
    if ((e as { cause?: { code?: string } }).cause?.code !== 'UND_ERR_SOCKET') throw e;
    return admin.callTool({ name, arguments: args });
  }
}

async function create(args: Record<string, unknown>): Promise<number> {
  const r = await adminCall('create_flag', { flag_type: 'change', impact_level: 'medium', change_description: DESC, action_required: ACTION, ...args });
  expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
  return (r.structuredContent as { flag_id: number }).flag_id;
}

function hook(event: string, input: Record<string, unknown>, token: string = frontendToken, marks: string = state) {
  const settings = JSON.parse(readFileSync(join(project, '.claude/settings.json'), 'utf8'));
  const command = settings.hooks[event].at(-1).hooks[0].command as string;
  const env = { PATH: process.env.PATH ?? '', HOME: EMPTY_HOME, CLAUDE_PROJECT_DIR: project, COORDINATOR_TOKEN: token, COORDINATOR_HOOK_STATE: marks };
  const r = spawnSync('/bin/sh', ['-c', command], { cwd: project, env, input: JSON.stringify({ hook_event_name: event, cwd: project, ...input }), encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, context: r.stdout ? (JSON.parse(r.stdout).hookSpecificOutput.additionalContext as string) : undefined };
}

beforeAll(async () => {
  // Folders that live as long as the file's tests (the helpers' tempDir is emptied after each test).
  root = mkdtempSync(join(tmpdir(), 'coordinator-remote-hooks-'));
  const db = join(root, 'server.db');
  serverDb = db;
  adminToken = makeToken(db, ['--admin']).token;
  frontendToken = makeToken(db, ['--agent', '@frontend-react']).token;
  server = await startHttpServer(db);
  admin = await httpClient(server.url, adminToken);
  project = mkdtempSync(join(root, 'project-'));
  state = join(root, 'marks');
  const init = spawnSync(process.execPath, [CLI, 'init', '--remote', server.url], { cwd: project, env: { PATH: process.env.PATH ?? '', HOME: EMPTY_HOME, CLAUDE_PROJECT_DIR: project }, encoding: 'utf8' });
  expect(init.status, init.stderr).toBe(0);
}, 60_000);

afterAll(async () => {
  await admin?.close();
  expect(await server?.stop()).toBe(0);
  rmSync(root, { recursive: true, force: true });
});

describe('hooks against a remote coordinator (init --remote)', () => {
  it('init writes --remote into the hooks that read flags, not into PreToolUse', () => {
    const settings = JSON.parse(readFileSync(join(project, '.claude/settings.json'), 'utf8'));
    expect(settings.hooks.SubagentStart[0].hooks[0].command).toBe(`node ${CLI} hook SubagentStart --remote ${server.url}`);
    expect(settings.hooks.UserPromptSubmit[0].hooks[0].command).toBe(`node ${CLI} hook UserPromptSubmit --remote ${server.url}`);
    expect(settings.hooks.PreToolUse[0].hooks[0].command).toBe(`node ${CLI} hook PreToolUse`);
  });

  it('tells a subagent its queue at start and each new flag once, the lead the workable queues, with no local database', async () => {
    const mine = await create({ source_agent: '@backend-api', target_agent: '@frontend-react', impact_level: 'high', flag_type: 'breaking_change' });
    const other = await create({ source_agent: '@backend-api', target_agent: '@payments', impact_level: 'critical', flag_type: 'security', change_description: `${DESC} <script>alert(1)</script>` });
    const broadcast = await create({ source_agent: '@platform', target_agent: null, impact_level: 'low' });

    const sub = hook('SubagentStart', { session_id: 'sess-1', agent_id: 'a1', agent_type: 'frontend-react' });
    expect(sub).toMatchObject({ code: 0, stderr: '' });
    expect(sub.context).toContain(`Flag #${mine} (high, breaking_change) from @backend-api, for @frontend-react`);
    expect(sub.context).toContain(`Flag #${broadcast} (low, change) from @platform, broadcast to every agent`);
    expect(sub.context).not.toContain(`Flag #${other} `);
    expect(sub.context).toContain('lock_flag with its id (agent "@frontend-react")');

    const lead = hook('SessionStart', { session_id: 'sess-1', source: 'startup' });
    expect(lead.code).toBe(0);
    expect(lead.context).toMatch(/@payments: 1 \(highest critical\).*@frontend-react: 1 \(highest high\)/);
    expect(lead.context).not.toContain('<script>');

    // Nothing new since the start: the prompts say nothing.
    expect(hook('UserPromptSubmit', { session_id: 'sess-1', agent_type: 'frontend-react', prompt: 'go on' })).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(hook('UserPromptSubmit', { session_id: 'sess-1', prompt: 'go on' })).toMatchObject({ code: 0, stdout: '' });

    const fresh = await create({ source_agent: '@backend-api', target_agent: '@frontend-react', impact_level: 'critical', flag_type: 'data_loss', change_description: `${DESC} "><img src=x onerror=alert(1)>` });
    const notMine = await create({ source_agent: '@backend-api', target_agent: '@payments' });
    const own = await create({ source_agent: '@frontend-react', target_agent: '@backend-api' });
    const told = hook('UserPromptSubmit', { session_id: 'sess-1', agent_type: 'frontend-react', prompt: 'next' });
    expect(told.code).toBe(0);
    expect(told.context).toMatch(new RegExp(`^coordinator-mcp: 1 new flag since your last prompt`));
    expect(told.context).toContain(`Flag #${fresh} (critical, data_loss) from @backend-api, for you (@frontend-react)`);
    expect(told.context).not.toContain(`#${notMine} `);
    expect(told.context).not.toContain(`#${own} `);
    expect(told.context).not.toContain('<img');
    // Told once.
    expect(hook('UserPromptSubmit', { session_id: 'sess-1', agent_type: 'frontend-react', prompt: 'again' }).stdout).toBe('');
    // The main session (@main) hears of every queue's news.
    const leadNews = hook('UserPromptSubmit', { session_id: 'sess-1', prompt: 'status?' });
    expect(leadNews.context).toMatch(/^coordinator-mcp: 3 new flags since your last prompt/);
    expect(leadNews.context).toContain(`Flag #${fresh} `);
    expect(leadNews.context).toContain(`Flag #${notMine} `);
    // A session whose start the hooks missed gets the start's text once.
    const late = hook('UserPromptSubmit', { session_id: 'sess-2', agent_type: 'frontend-react', prompt: 'hi' });
    expect(late.context).toContain(`pending flags (addressed to @frontend-react, or broadcasts)`);
    expect(hook('UserPromptSubmit', { session_id: 'sess-2', agent_type: 'frontend-react', prompt: 'hi' }).stdout).toBe('');

    // No database appeared in the project; the marks are small files in the state folder.
    expect(existsSync(join(project, '.claude/coordinator.db'))).toBe(false);
    expect(readdirSync(state).filter((n) => n.endsWith('.json')).length).toBe(3);
    // Each hook closed its MCP session on the server.
    expect(server.stderr()).toMatch(/DELETE \/mcp 200/);
  }, 120_000);

  it('a refused token, a missing token or a server that is down: nothing on stdout, one line on stderr, exit 0', () => {
    const revokedLike = hook('SubagentStart', { session_id: 'sess-3', agent_type: 'frontend-react' }, 'cmcp_nope_nope');
    expect(revokedLike).toMatchObject({ code: 0, stdout: '' });
    expect(revokedLike.stderr).toMatch(/^coordinator hook SubagentStart: .*refused the token of \$COORDINATOR_TOKEN \(HTTP 401/);
    expect(revokedLike.stderr.trim().split('\n')).toHaveLength(1);

    const none = hook('SessionStart', { session_id: 'sess-3' }, '');
    expect(none).toMatchObject({ code: 0, stdout: '' });
    expect(none.stderr).toMatch(/\$COORDINATOR_TOKEN is not set/);

    const down = spawnSync(process.execPath, [CLI, 'hook', 'SubagentStart', '--remote', 'http://127.0.0.1:9/mcp'], {
      env: { PATH: process.env.PATH ?? '', HOME: EMPTY_HOME, COORDINATOR_TOKEN: frontendToken, COORDINATOR_HOOK_STATE: state },
      input: JSON.stringify({ session_id: 's', agent_type: 'x' }), encoding: 'utf8',
    });
    expect(down).toMatchObject({ status: 0, stdout: '' });
    expect(down.stderr).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9\/mcp/);

    const bad = spawnSync(process.execPath, [CLI, 'hook', 'SubagentStart', '--remote', 'ftp://x'], { env: { PATH: process.env.PATH ?? '', HOME: EMPTY_HOME }, input: '{}', encoding: 'utf8' });
    expect(bad).toMatchObject({ status: 0, stdout: '' });
    expect(bad.stderr).toMatch(/--remote must be an http:\/\/ or https:\/\/ URL/);
  });
});

/**
 * Flags written straight into the server's database, as another writer would: one whose clock
 * runs ahead, or one numbered before a flag that is already visible (on PostgreSQL ids are taken
 * at INSERT and seen at COMMIT, so a lower id can appear after a higher one).
 */
function insertRaw(rows: { id?: number; target_agent: string | null; impact_level?: string; created_at: string }[]): number[] {
  const db = new Database(serverDb);
  try {
    db.pragma('busy_timeout = 5000');
    const insert = db.prepare(`INSERT INTO flags (id, flag_type, source_agent, target_agent, change_description, action_required, impact_level, created_at, updated_at)
      VALUES (@id, 'change', '@backend-api', @target_agent, @desc, @action, @impact_level, @created_at, @created_at)`);
    return db.transaction(() => rows.map((r) => Number(insert.run({ id: null, impact_level: 'medium', desc: DESC, action: ACTION, ...r }).lastInsertRowid)))();
  } finally {
    db.close();
  }
}

const maxId = (): number => {
  const db = new Database(serverDb, { readonly: true });
  try {
    return db.prepare('SELECT max(id) FROM flags').pluck().get() as number;
  } finally {
    db.close();
  }
};

describe('news at each prompt from a shared store: none lost, none told twice', () => {
  let marks: string;
  beforeAll(() => {
    marks = mkdtempSync(join(root, 'marks-news-'));
  });
  const as = (agentType: string | undefined, session: string) => (prompt: string) =>
    hook('UserPromptSubmit', { session_id: session, ...(agentType ? { agent_type: agentType } : {}), prompt }, adminToken, marks);

  it('tells a flag that becomes visible after one with a higher id (a late COMMIT), once', async () => {
    expect(hook('SubagentStart', { session_id: 'late', agent_type: 'late-agent' }, adminToken, marks).code).toBe(0);
    const prompt = as('late-agent', 'late');
    const base = maxId();
    const [high] = insertRaw([{ id: base + 10, target_agent: '@late-agent', created_at: new Date().toISOString() }]);
    expect(prompt('one').context).toContain(`Flag #${high} `);
    // Numbered before #high, created a moment earlier, committed only now.
    const [low] = insertRaw([{ id: base + 5, target_agent: '@late-agent', created_at: new Date(Date.now() - 2000).toISOString() }]);
    const told = prompt('two');
    expect(told.context).toMatch(/^coordinator-mcp: 1 new flag since your last prompt/);
    expect(told.context).toContain(`Flag #${low} `);
    expect(told.context).not.toContain(`Flag #${high} `);
    expect(prompt('three')).toMatchObject({ code: 0, stdout: '', stderr: '' });
  }, 60_000);

  it('leaves out of the main session\'s news the broadcasts it acknowledged', async () => {
    expect(hook('SessionStart', { session_id: 'ack', source: 'startup' }, adminToken, marks).code).toBe(0);
    const seen = await create({ source_agent: '@platform', target_agent: null, impact_level: 'low' });
    const done = await adminCall('complete_flag', { id: seen, agent: '@main', notes: 'Read it, nothing to do here' });
    expect(done.isError, JSON.stringify(done.content)).toBeFalsy();
    const open = await create({ source_agent: '@platform', target_agent: null, impact_level: 'low' });
    const news = as(undefined, 'ack')('status?');
    expect(news.context).toMatch(/^coordinator-mcp: 1 new flag since your last prompt/);
    expect(news.context).toContain(`Flag #${open} `);
    expect(news.context).not.toContain(`Flag #${seen} `);
  }, 60_000);

  // After the others that read the main session's news: the flood below is in every queue's news for a while.
  it('tells a subagent with 500+ pending flags a new low-impact one, and a lower bound (2000+) past what one look reads', async () => {
    // 520 urgent flags waiting from an hour ago fill any queue ordered by impact.
    const hourAgo = new Date(Date.now() - 3600_000).toISOString();
    insertRaw(Array.from({ length: 520 }, () => ({ target_agent: '@busy-agent', impact_level: 'high', created_at: hourAgo })));
    const start = hook('SubagentStart', { session_id: 'busy', agent_type: 'busy-agent' }, adminToken, marks);
    // (and the broadcasts of the tests above)
    expect(start.context).toMatch(/you are @busy-agent in the flags system\. 52\d pending flags \(addressed to @busy-agent, or broadcasts\)/);
    const prompt = as('busy-agent', 'busy');
    expect(prompt('go').stdout).toBe('');
    const low = await create({ source_agent: '@backend-api', target_agent: '@busy-agent', impact_level: 'low' });
    const told = prompt('next');
    expect(told.context).toMatch(/^coordinator-mcp: 1 new flag since your last prompt/);
    expect(told.context).toContain(`Flag #${low} (low, change)`);
    expect(prompt('again').stdout).toBe('');

    // More new flags than the hook reads in one look (4 pages of 500): a lower bound, not a wrong count.
    const now = new Date().toISOString();
    insertRaw(Array.from({ length: 2050 }, () => ({ target_agent: '@busy-agent', impact_level: 'low', created_at: now })));
    const flood = prompt('flood');
    expect(flood.context).toMatch(/^coordinator-mcp: 2000\+ new flags since your last prompt/);
    expect(flood.context).toContain('- and more new flags (list_flags shows them).');
  }, 120_000);

  // Last: its flag stays in the future for the other tests of this file.
  it('a flag whose writer\'s clock runs an hour ahead hides none of the flags after it', async () => {
    expect(hook('SubagentStart', { session_id: 'clock', agent_type: 'clock-agent' }, adminToken, marks).code).toBe(0);
    const prompt = as('clock-agent', 'clock');
    const [ahead] = insertRaw([{ target_agent: '@clock-agent', created_at: new Date(Date.now() + 3600_000).toISOString() }]);
    expect(prompt('one').context).toContain(`Flag #${ahead} `);
    const later = await create({ source_agent: '@backend-api', target_agent: '@clock-agent' });
    const told = prompt('two');
    expect(told.context).toMatch(/^coordinator-mcp: 1 new flag since your last prompt/);
    expect(told.context).toContain(`Flag #${later} `);
    expect(prompt('three').stdout).toBe('');
    const third = await create({ source_agent: '@backend-api', target_agent: '@clock-agent' });
    expect(prompt('four').context).toContain(`Flag #${third} `);
  }, 60_000);
});

describe('a remote coordinator that never finishes its answer', () => {
  let trickle: Server;
  let port: number;
  beforeAll(async () => {
    // Headers at once, then a byte every half second: never silent long enough for an idle timeout.
    trickle = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const tick = setInterval(() => res.write(':\n'), 500);
      res.on('close', () => clearInterval(tick));
    });
    await new Promise<void>((resolve) => trickle.listen(0, '127.0.0.1', resolve));
    port = (trickle.address() as { port: number }).port;
  });
  afterAll(() => {
    trickle?.closeAllConnections();
    trickle?.close();
  });

  it('gives up after 8 s: nothing on stdout, one line on stderr, exit 0', async () => {
    const started = Date.now();
    const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, 'hook', 'UserPromptSubmit', '--remote', `http://127.0.0.1:${port}/mcp`], {
        env: { PATH: process.env.PATH ?? '', HOME: EMPTY_HOME, COORDINATOR_TOKEN: 'cmcp_x_y', COORDINATOR_HOOK_STATE: state },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('close', (status) => resolve({ status, stdout, stderr }));
      child.stdin.end(JSON.stringify({ session_id: 'trickle', prompt: 'hi' }));
    });
    const seconds = (Date.now() - started) / 1000;
    expect(r).toMatchObject({ status: 0, stdout: '' });
    expect(r.stderr).toMatch(/^coordinator hook UserPromptSubmit: cannot reach http:\/\/127\.0\.0\.1:\d+\/mcp: no answer within 8 s\n$/);
    // Claude Code's own timeout for these hooks is 10 s.
    expect(seconds).toBeLessThan(10);
  }, 30_000);
});
