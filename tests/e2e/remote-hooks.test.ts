// The hooks of a project set up with `coordinator init --remote URL`: the commands init wrote, run
// the way Claude Code runs them (a shell, the hook JSON on stdin, $COORDINATOR_TOKEN in the
// environment), against the built server serving HTTP with tokens. The flags live on the server;
// the project has no database of its own.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
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

async function create(args: Record<string, unknown>): Promise<number> {
  const r = await admin.callTool({ name: 'create_flag', arguments: { flag_type: 'change', impact_level: 'medium', change_description: DESC, action_required: ACTION, ...args } });
  expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
  return (r.structuredContent as { flag_id: number }).flag_id;
}

function hook(event: string, input: Record<string, unknown>, token: string = frontendToken) {
  const settings = JSON.parse(readFileSync(join(project, '.claude/settings.json'), 'utf8'));
  const command = settings.hooks[event].at(-1).hooks[0].command as string;
  const env = { PATH: process.env.PATH ?? '', HOME: EMPTY_HOME, CLAUDE_PROJECT_DIR: project, COORDINATOR_TOKEN: token, COORDINATOR_HOOK_STATE: state };
  const r = spawnSync('/bin/sh', ['-c', command], { cwd: project, env, input: JSON.stringify({ hook_event_name: event, cwd: project, ...input }), encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, context: r.stdout ? (JSON.parse(r.stdout).hookSpecificOutput.additionalContext as string) : undefined };
}

beforeAll(async () => {
  // Folders that live as long as the file's tests (the helpers' tempDir is emptied after each test).
  root = mkdtempSync(join(tmpdir(), 'coordinator-remote-hooks-'));
  const db = join(root, 'server.db');
  const adminToken = makeToken(db, ['--admin']).token;
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
