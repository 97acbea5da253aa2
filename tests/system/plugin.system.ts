// The repository as a Claude Code plugin and one-plugin marketplace, checked by the real CLI:
// validate, marketplace add + install from a clean copy of the tree (no node_modules, no dist/, as a
// user's clone), the SessionStart setup that builds the program into ${CLAUDE_PLUGIN_DATA}, the
// plugin's server connected in `claude mcp list`, and the plugin's hook commands run as Claude Code
// runs them (plugin-scoped tool names, `plugin:name` agent types).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { approveProjectServers, claude, freshDir, listLine, ROOT } from './claude.js';

const PLUGIN = 'coordinator';
const MARKETPLACE = 'coordinator-mcp';
const ID = `${PLUGIN}@${MARKETPLACE}`;
const BUILD_TIMEOUT_MS = 840_000;

let source: string;
let home: string;
let data: string;
let project: string;
let manifest: any;
let setupSeconds = 0;

/** The tree as a user's clone holds it: tracked and new files, without what .gitignore leaves out (node_modules, dist). */
function cleanCopy(): string {
  const dest = join(freshDir('marketplace'), 'coordinator-mcp');
  mkdirSync(dest);
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
    .split('\0').filter((f) => f && f !== 'node_modules' && !f.startsWith('node_modules/') && existsSync(join(ROOT, f)));
  execFileSync('tar', ['-cf', join(dest, '..', 'tree.tar'), '--null', '-T', '-'], { cwd: ROOT, input: files.join('\0') });
  execFileSync('tar', ['-xf', join(dest, '..', 'tree.tar')], { cwd: dest });
  return dest;
}

/** The built copy that current.json names (its folder is relative to the data folder). */
function currentCopy(): { key: string; dir: string } {
  const current = JSON.parse(readFileSync(join(data, 'current.json'), 'utf8'));
  return { ...current, dir: resolve(data, current.dir) };
}

/**
 * The environment Claude Code gives a plugin's hook, with a throwaway HOME. npm's configuration
 * (~/.npmrc: here, nodedir and the CA file) and cache stay the machine's, as in a user's session:
 * with a bare HOME offline, node-gyp would try to fetch Node's headers from nodejs.org and fail.
 */
function hookEnv(): Record<string, string> {
  const real = homedir();
  return {
    PATH: process.env.PATH ?? '', HOME: home, CLAUDE_PLUGIN_ROOT: source, CLAUDE_PLUGIN_DATA: data, CLAUDE_PROJECT_DIR: project,
    npm_config_cache: process.env.npm_config_cache ?? join(real, '.npm'),
    ...(existsSync(join(real, '.npmrc')) ? { npm_config_userconfig: join(real, '.npmrc') } : {}),
  };
}

/** A hook command of the plugin, run as Claude Code runs it: through the shell, with the plugin's variables set. */
function pluginHook(event: string, input: Record<string, unknown>, index = 0): { stdout: string; stderr: string; status: number | null } {
  const group = manifest.hooks[event][0];
  const command = group.hooks[index].command as string;
  const r = spawnSync('sh', ['-c', command], {
    cwd: project,
    input: JSON.stringify({ session_id: 'system-session', transcript_path: '/dev/null', cwd: project, hook_event_name: event, ...input }),
    encoding: 'utf8',
    timeout: group.hooks[index].timeout * 1000,
    env: hookEnv(),
  });
  return { stdout: r.stdout ?? '', stderr: r.stderr ?? '', status: r.status };
}

beforeAll(() => {
  source = cleanCopy();
  manifest = JSON.parse(readFileSync(join(source, '.claude-plugin', 'plugin.json'), 'utf8'));
  home = freshDir('home');
  project = freshDir('project');
  execFileSync('git', ['init', '-q', project]);
  // Claude Code's data folder for this plugin, kept in the test cache so that the plugin's build
  // reuses an earlier run's better-sqlite3 binary (a compile here takes minutes).
  const cache = join(process.env.COORDINATOR_TEST_CACHE ?? freshDir('cache'), 'plugin-data');
  mkdirSync(cache, { recursive: true });
  mkdirSync(join(home, '.claude', 'plugins', 'data'), { recursive: true });
  data = join(home, '.claude', 'plugins', 'data', `${PLUGIN}-${MARKETPLACE}`);
  symlinkSync(cache, data);
});

describe('the Claude Code plugin', () => {
  it('passes claude plugin validate, as a marketplace and as a plugin', () => {
    for (const target of [source, join(source, '.claude-plugin', 'plugin.json'), join(source, '.claude-plugin', 'marketplace.json')]) {
      const r = claude(home, source, ['plugin', 'validate', target]);
      expect(r.status, r.out).toBe(0);
      expect(r.stdout, r.out).toContain('✔ Validation passed');
      expect(r.stdout).not.toMatch(/Found \d+ error/);
    }
  });

  it('installs from the marketplace, with the server, the four hooks and the 48 starter agents', () => {
    const add = claude(home, project, ['plugin', 'marketplace', 'add', source]);
    expect(add.status, add.out).toBe(0);
    const install = claude(home, project, ['plugin', 'install', ID]);
    expect(install.status, install.out).toBe(0);
    const list = claude(home, project, ['plugin', 'list']);
    expect(list.stdout, list.out).toMatch(new RegExp(`${ID}\\s+Version: 0\\.1\\.0[\\s\\S]*?Status: ✔ enabled`));
    const details = claude(home, project, ['plugin', 'details', ID]);
    expect(details.status, details.out).toBe(0);
    expect(details.stdout).toMatch(/Agents \(48\)/);
    expect(details.stdout).toMatch(/Hooks \(4\)\s+SessionStart, SubagentStart, UserPromptSubmit, PreToolUse/);
    expect(details.stdout).toMatch(/MCP servers \(1\)\s+coordinator/);
  });

  it('builds itself into CLAUDE_PLUGIN_DATA in the SessionStart setup hook, and its server then connects', () => {
    const started = Date.now();
    const setup = spawnSync('sh', ['-c', manifest.hooks.SessionStart[0].hooks[0].command], {
      cwd: project, encoding: 'utf8', timeout: BUILD_TIMEOUT_MS, input: '{}',
      env: hookEnv(),
    });
    setupSeconds = (Date.now() - started) / 1000;
    process.stderr.write(`[test:system] plugin setup: ${setupSeconds.toFixed(1)} s\n${setup.stderr}`);
    expect(setup.status, setup.stderr).toBe(0);
    expect(setup.stdout).toBe('');
    const current = currentCopy();
    expect(existsSync(join(current.dir, 'dist', 'index.js'))).toBe(true);
    expect(existsSync(join(current.dir, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'))).toBe(true);
    // A second setup finds the copy built and returns at once.
    const again = spawnSync('sh', ['-c', manifest.hooks.SessionStart[0].hooks[0].command], {
      cwd: project, encoding: 'utf8', input: '{}',
      env: hookEnv(),
    });
    expect(again.status).toBe(0);
    expect(again.stderr).toBe('');

    approveProjectServers(home, project, []);
    const list = claude(home, project, ['mcp', 'list']);
    const line = listLine(list.stdout, `plugin:${PLUGIN}:coordinator`);
    expect(line, list.out).toBe(`plugin:${PLUGIN}:coordinator: node ${source}/plugin/launch.mjs server --data ${data} - ✔ Connected`);
  }, BUILD_TIMEOUT_MS + 60_000);

  it('stamps identity on the plugin-scoped tool names, with plugin:name agent types as handles', () => {
    const matcher = new RegExp(`^(?:${manifest.hooks.PreToolUse[0].matcher})$`);
    const tool = `mcp__plugin_${PLUGIN}_coordinator__create_flag`;
    expect(matcher.test(tool)).toBe(true);
    const input = { change_description: 'x', action_required: 'y', flag_type: 'change', target_agent: '@coordinator:frontend.react' };
    const stamped = pluginHook('PreToolUse', { agent_type: 'coordinator:backend.api', agent_id: 'a1', tool_name: tool, tool_input: input, tool_use_id: 't1' });
    expect(stamped.stderr).toBe('');
    expect(JSON.parse(stamped.stdout).hookSpecificOutput).toMatchObject({
      hookEventName: 'PreToolUse', permissionDecision: 'allow', updatedInput: { ...input, source_agent: '@coordinator:backend.api' },
    });
    const denied = pluginHook('PreToolUse', { agent_type: 'coordinator:backend.api', agent_id: 'a1', tool_name: tool, tool_input: { ...input, source_agent: '@frontend.react' }, tool_use_id: 't2' });
    expect(JSON.parse(denied.stdout).hookSpecificOutput.permissionDecision).toBe('deny');
  });

  it('delivers a flag to a plugin agent in SubagentStart through the plugin hook, and not again on the next prompt', () => {
    const current = currentCopy();
    const created = JSON.parse(execFileSync(process.execPath, [join(current.dir, 'dist', 'cli.js'), 'create-flag', '--flag_type', 'breaking_change',
      '--source_agent', '@coordinator:backend.api', '--target_agent', '@coordinator:frontend.react', '--impact_level', 'high',
      '--change_description', 'GET /api/users returns {items, next_cursor} instead of a bare array of users',
      '--action_required', 'Read data.items and data.next_cursor in UserList.tsx, add a load-more button, and update users.spec.ts to the new response shape'],
    { cwd: project, encoding: 'utf8', env: { ...process.env, CLAUDE_PROJECT_DIR: project, COORDINATOR_DB: '' } }));
    const id = created.flag_id ?? created.flag?.id ?? created.id;
    expect(typeof id).toBe('number');
    const start = pluginHook('SubagentStart', { agent_type: 'coordinator:frontend.react', agent_id: 'a2' });
    expect(start.stderr).toBe('');
    const context = JSON.parse(start.stdout).hookSpecificOutput;
    expect(context.hookEventName).toBe('SubagentStart');
    expect(context.additionalContext).toContain(`Flag #${id} (high, breaking_change) from @coordinator:backend.api`);
    const prompt = pluginHook('UserPromptSubmit', { agent_type: 'coordinator:frontend.react', agent_id: 'a2', prompt: 'go on' });
    expect(prompt.stdout).not.toContain(`#${id} `);
  });
});
