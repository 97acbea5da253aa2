// The built CLI as Claude Code runs it: `coordinator init` in a project, then the hook commands it
// wrote into .claude/settings.json, run through a shell with the hook JSON on stdin.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { callOk } from '../helpers/client.js';
import { repoWithWorktree } from '../helpers/git.js';
import { assertBuilt, CLI, EMPTY_HOME, spawnServer } from '../helpers/spawn.js';
import { ACTION, DESC, tempDir } from '../helpers/tmp.js';

beforeAll(assertBuilt);

function env(project: string) {
  return { PATH: process.env.PATH ?? '', HOME: EMPTY_HOME, CLAUDE_PROJECT_DIR: project, COORDINATOR_BUNDLED_AGENTS: 'off' };
}

function cli(project: string, args: string[], input?: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: project, env: env(project), input, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The command init wrote for an event, run the way Claude Code runs it (a shell, the JSON on stdin). */
function hook(project: string, event: string, input: Record<string, unknown>) {
  const settings = JSON.parse(readFileSync(join(project, '.claude/settings.json'), 'utf8'));
  const command = settings.hooks[event].at(-1).hooks[0].command as string;
  const r = spawnSync('/bin/sh', ['-c', command], { cwd: project, env: env(project), input: JSON.stringify({ hook_event_name: event, cwd: project, ...input }), encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, json: r.stdout ? JSON.parse(r.stdout) : undefined };
}

describe('Claude Code integration, end to end', () => {
  it('init, a flag in the subagent\'s context, stamped lock and completion, never announced twice, remove', () => {
    const project = tempDir();
    const init = cli(project, ['init', '--as', '@lead']);
    expect(init.code).toBe(0);
    expect(JSON.parse(init.stdout).files.map((f: { action: string }) => f.action)).toEqual(['create', 'create', 'create', 'create']);
    const settings = JSON.parse(readFileSync(join(project, '.claude/settings.json'), 'utf8'));
    expect(settings.hooks.PreToolUse[0].matcher).toBe('mcp__coordinator__.*');
    expect(settings.hooks.SubagentStart[0].hooks[0].command).toBe(`node ${CLI} hook SubagentStart --as @lead`);
    expect(JSON.parse(readFileSync(join(project, '.mcp.json'), 'utf8')).mcpServers.coordinator.args[0]).toMatch(/dist\/index\.js$/);

    // No database yet: the hooks say nothing and create none.
    expect(hook(project, 'SessionStart', { session_id: 'main-1', source: 'startup' })).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(existsSync(join(project, '.claude/coordinator.db'))).toBe(false);

    const created = cli(project, ['create-flag', '--flag_type', 'breaking_change', '--impact_level', 'high', '--source_agent', '@backend-api',
      '--target_agent', '@frontend-react', '--change_description', DESC, '--action_required', ACTION]);
    expect(created.code).toBe(0);
    const id = JSON.parse(created.stdout).flag_id as number;

    const start = hook(project, 'SessionStart', { session_id: 'main-1', source: 'startup' });
    expect(start.json.hookSpecificOutput.additionalContext).toMatch(/@frontend-react: 1 \(highest high\).*you act as @lead/);

    const sub = hook(project, 'SubagentStart', { session_id: 'main-1', agent_id: 'agent-7', agent_type: 'frontend-react' });
    expect(sub.code).toBe(0);
    expect(sub.json.hookSpecificOutput.hookEventName).toBe('SubagentStart');
    expect(sub.json.hookSpecificOutput.additionalContext).toContain(`Flag #${id} (high, breaking_change) from @backend-api, for @frontend-react`);

    // The subagent locks without naming itself: the hook stamps it.
    const pre = hook(project, 'PreToolUse', { session_id: 'main-1', agent_id: 'agent-7', agent_type: 'frontend-react', tool_name: 'mcp__coordinator__lock_flag', tool_input: { id, lease_seconds: 600 }, tool_use_id: 'tu1' });
    expect(pre.json.hookSpecificOutput).toMatchObject({ permissionDecision: 'allow', updatedInput: { id, lease_seconds: 600, agent: '@frontend-react' } });
    const stamped = pre.json.hookSpecificOutput.updatedInput;
    expect(JSON.parse(cli(project, ['lock-flag', String(stamped.id), stamped.agent, '--lease_seconds', String(stamped.lease_seconds)]).stdout)).toMatchObject({ success: true, lock: { holder: '@frontend-react' } });
    // ...and may not complete it as someone else.
    const claim = hook(project, 'PreToolUse', { session_id: 'main-1', agent_type: 'frontend-react', tool_name: 'mcp__coordinator__complete_flag', tool_input: { id, agent: '@backend-api' } });
    expect(claim.json.hookSpecificOutput.permissionDecision).toBe('deny');
    expect(JSON.parse(cli(project, ['complete-flag', String(id), '@frontend-react', '--notes', 'UserList paginates']).stdout)).toMatchObject({ success: true });

    // The main session was told at its start: no prompt announces the flag again, nor the next subagent.
    expect(hook(project, 'UserPromptSubmit', { session_id: 'main-1', prompt: 'next' })).toMatchObject({ code: 0, stdout: '' });
    expect(hook(project, 'SubagentStart', { session_id: 'main-1', agent_type: 'frontend-react' }).stdout).toBe('');
    cli(project, ['create-flag', '--flag_type', 'change', '--source_agent', '@backend-api', '--target_agent', '@frontend-react',
      '--change_description', DESC, '--action_required', ACTION]);
    const news = hook(project, 'UserPromptSubmit', { session_id: 'main-1', prompt: 'next' });
    expect(news.json.hookSpecificOutput.additionalContext).toContain(`Flag #${id + 1} (medium, change)`);
    expect(hook(project, 'UserPromptSubmit', { session_id: 'main-1', prompt: 'again' }).stdout).toBe('');

    // Malformed input: nothing on stdout, one line on stderr, exit 0.
    const bad = spawnSync(process.execPath, [CLI, 'hook', 'UserPromptSubmit'], { cwd: project, env: env(project), input: '{not json', encoding: 'utf8' });
    expect(bad.status).toBe(0);
    expect(bad.stdout).toBe('');
    expect(bad.stderr.trimEnd().split('\n')).toHaveLength(1);

    const removed = cli(project, ['init', '--remove']);
    expect(JSON.parse(removed.stdout).files.map((f: { action: string }) => f.action)).toEqual(['delete', 'delete', 'delete', 'delete']);
    expect(existsSync(join(project, '.mcp.json'))).toBe(false);
    expect(existsSync(join(project, '.claude/coordinator.db'))).toBe(true); // the flags stay
  });

  it('init --dry-run writes nothing, a malformed settings file is refused by name, and hook --help explains the events', () => {
    const project = tempDir();
    const dry = cli(project, ['init', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dry_run: true });
    expect(existsSync(join(project, '.mcp.json'))).toBe(false);
    spawnSync('/bin/sh', ['-c', 'mkdir -p .claude && printf "{oops" > .claude/settings.json'], { cwd: project });
    const refused = cli(project, ['init']);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout).error).toMatch(/settings\.json is not valid JSON.*Nothing was changed/);
    expect(existsSync(join(project, '.mcp.json'))).toBe(false);
    const help = cli(project, ['hook', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/SubagentStart[\s\S]*UserPromptSubmit[\s\S]*PreToolUse/);
    expect(cli(project, ['--help']).stdout).toMatch(/\binit\b[\s\S]*\bhook\b/);
  });
});

describe('the loop across git worktrees (issue 16, done when)', () => {
  it('a flag created by the server of a worktree reaches its target in the main checkout: in context, stamped, locked, completed, never announced again', async () => {
    const { main, wt } = repoWithWorktree();
    expect(cli(main, ['init']).code).toBe(0);
    // The worktree's session runs its own server (Claude Code starts one per session, in its folder).
    const server = await spawnServer([], { CLAUDE_PROJECT_DIR: wt, COORDINATOR_BUNDLED_AGENTS: 'off' }, wt);
    try {
      const created = await callOk(server.client, 'create_flag', {
        source_agent: '@backend-api', target_agent: '@frontend-react', flag_type: 'breaking_change', impact_level: 'high',
        change_description: DESC, action_required: ACTION,
      });
      const id = created.flag_id as number;
      expect(server.stderr()).toContain(join(main, '.claude', 'coordinator.db'));

      // In the main checkout, the subagent frontend-react starts: the flag is in its context.
      const sub = hook(main, 'SubagentStart', { session_id: 'lead-1', agent_id: 'a1', agent_type: 'frontend-react' });
      expect(sub.json.hookSpecificOutput.additionalContext).toContain(`Flag #${id} (high, breaking_change) from @backend-api, for @frontend-react`);

      // It locks and completes through the worktree's server without naming itself: the hook stamps it.
      const lock = hook(main, 'PreToolUse', { session_id: 'lead-1', agent_id: 'a1', agent_type: 'frontend-react', tool_name: 'mcp__coordinator__lock_flag', tool_input: { id } });
      expect(lock.json.hookSpecificOutput).toMatchObject({ permissionDecision: 'allow', updatedInput: { id, agent: '@frontend-react' } });
      expect(await callOk(server.client, 'lock_flag', lock.json.hookSpecificOutput.updatedInput)).toMatchObject({ success: true });
      const done = hook(main, 'PreToolUse', { session_id: 'lead-1', agent_id: 'a1', agent_type: 'frontend-react', tool_name: 'mcp__coordinator__complete_flag', tool_input: { id, notes: 'UserList reads data.items' } });
      expect(done.json.hookSpecificOutput.updatedInput).toMatchObject({ id, agent: '@frontend-react' });
      expect(await callOk(server.client, 'complete_flag', done.json.hookSpecificOutput.updatedInput)).toMatchObject({ success: true });
      expect((await callOk(server.client, 'get_flag', { id })).flag).toMatchObject({ status: 'completed', completed_by: '@frontend-react' });

      // Never announced again: not to the next prompt of the session, nor to the next subagent.
      expect(hook(main, 'UserPromptSubmit', { session_id: 'lead-1', prompt: 'next' }).stdout).toBe('');
      expect(hook(main, 'SubagentStart', { session_id: 'lead-1', agent_id: 'a2', agent_type: 'frontend-react' }).stdout).toBe('');
      expect(existsSync(join(wt, '.claude', 'coordinator.db'))).toBe(false);
    } finally {
      await server.close();
    }
  }, 60_000);
});
