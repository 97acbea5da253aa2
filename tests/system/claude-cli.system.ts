// The configuration coordinator-mcp gives Claude Code, checked by the real CLI (offline: no model
// calls). `claude mcp list` starts every server and reports whether it connected.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { approveProjectServers, claude, freshDir, listLine, ROOT } from './claude.js';

const SERVER = join(ROOT, 'dist', 'index.js');
const CLI = join(ROOT, 'dist', 'cli.js');

function gitProject(name: string): string {
  const dir = freshDir(name);
  execFileSync('git', ['init', '-q', dir]);
  return dir;
}

describe('the Claude Code CLI', () => {
  it('is the pinned version', () => {
    const r = claude(freshDir('home'), ROOT, ['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(`${process.env.CLAUDE_CODE_VERSION} (Claude Code)`);
  });

  it('connects to the server added in the local scope (claude mcp add -s local), and mcp get shows it', () => {
    const home = freshDir('home');
    const project = gitProject('local');
    const add = claude(home, project, ['mcp', 'add', '-s', 'local', 'coordinator', '--', 'node', SERVER]);
    expect(add.status, add.out).toBe(0);
    const list = claude(home, project, ['mcp', 'list']);
    expect(list.status, list.out).toBe(0);
    expect(listLine(list.stdout, 'coordinator'), list.out).toBe(`coordinator: node ${SERVER} - ✔ Connected`);
    const get = claude(home, project, ['mcp', 'get', 'coordinator']);
    expect(get.status, get.out).toBe(0);
    expect(get.stdout).toMatch(/Scope: Local config/);
    expect(get.stdout).toMatch(/Status: ✔ Connected/);
    expect(get.stdout).toContain(`Args: ${SERVER}`);
    // The server opened the repository's database, where a real session's server would.
    const where = execFileSync(process.execPath, [CLI, 'where'], { cwd: project, encoding: 'utf8', env: { ...process.env, CLAUDE_PROJECT_DIR: project, COORDINATOR_DB: '' } });
    expect(where).toContain(join(project, '.claude', 'coordinator.db'));
  });

  it('reads the .mcp.json that coordinator init writes: pending until approved, then connected', () => {
    const home = freshDir('home');
    const project = gitProject('init');
    execFileSync(process.execPath, [CLI, 'init'], { cwd: project, env: { ...process.env, CLAUDE_PROJECT_DIR: project } });
    const before = claude(home, project, ['mcp', 'list']);
    expect(listLine(before.stdout, 'coordinator'), before.out).toMatch(/^coordinator: node .*dist\/index\.js - ⏸ Pending approval/);
    approveProjectServers(home, project, ['coordinator']);
    const list = claude(home, project, ['mcp', 'list']);
    expect(listLine(list.stdout, 'coordinator'), list.out).toBe(`coordinator: node ${SERVER} - ✔ Connected`);
    const get = claude(home, project, ['mcp', 'get', 'coordinator']);
    expect(get.status, get.out).toBe(0);
    expect(get.stdout).toMatch(/Scope: Project config \(shared via \.mcp\.json\)/);
    expect(get.stdout).toMatch(/Status: ✔ Connected/);
  });

  it('accepts the settings file with our hooks (claude doctor lists invalid settings; a broken hook there is reported)', () => {
    const home = freshDir('home');
    const project = gitProject('settings');
    // A project of the user's own: a setting and a hook of theirs beside ours.
    mkdirSync(join(project, '.claude'));
    writeFileSync(join(project, '.claude', 'settings.json'), JSON.stringify({
      permissions: { allow: ['Bash(npm test)'] },
      hooks: { PostToolUse: [{ matcher: 'Write|Edit', hooks: [{ type: 'command', command: 'echo formatted' }] }] },
    }, null, 2));
    execFileSync(process.execPath, [CLI, 'init', '--as', '@lead'], { cwd: project, env: { ...process.env, CLAUDE_PROJECT_DIR: project } });
    const settings = JSON.parse(readFileSync(join(project, '.claude', 'settings.json'), 'utf8'));
    expect(Object.keys(settings.hooks).sort()).toEqual(['PostToolUse', 'PreToolUse', 'SessionStart', 'SubagentStart', 'UserPromptSubmit']);
    const good = claude(home, project, ['doctor']);
    expect(good.status, good.out).toBe(0);
    expect(good.stdout).toContain('Claude Code doctor');
    expect(good.stdout, good.out).not.toContain('Invalid settings');
    expect(good.stdout).not.toContain(join(project, '.claude', 'settings.json'));

    // The control: the same file with our PreToolUse hook broken is reported, so doctor did read it.
    settings.hooks.PreToolUse[0].hooks[0].command = 42;
    writeFileSync(join(project, '.claude', 'settings.json'), JSON.stringify(settings, null, 2));
    const bad = claude(home, project, ['doctor']);
    expect(bad.stdout).toContain('Invalid settings');
    expect(bad.stdout).toContain(`${join(project, '.claude', 'settings.json')} › hooks.PreToolUse.0.hooks.0`);
  });
});
