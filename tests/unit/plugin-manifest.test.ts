// The Claude Code plugin's manifests (.claude-plugin/) agree with the package and with the hooks'
// code; plugin/launch.mjs runs the hooks from a built copy and fails quietly without one. The real
// CLI's checks (claude plugin validate, install, the build, mcp list) are in tests/system.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { handleOfAgentType, ourToolName } from '../../src/claude/hooks.js';
import { HOOK_EVENTS } from '../../src/claude/events.js';
import { parseAgentFile } from '../../src/agents/parse.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { tempDir } from '../helpers/tmp.js';
// plugin/launch.mjs: plain JavaScript (Node built-ins only), run by Claude Code without a build
import { sourceKey } from '../../plugin/launch.mjs';

const ROOT = join(__dirname, '..', '..');
const read = (path: string) => JSON.parse(readFileSync(join(ROOT, path), 'utf8'));
const pkg = read('package.json');
const plugin = read('.claude-plugin/plugin.json');
const marketplace = read('.claude-plugin/marketplace.json');
const LAUNCH = join(ROOT, 'plugin', 'launch.mjs');

describe('the plugin manifests', () => {
  it('name one plugin, at the repository root, at the package version', () => {
    expect(plugin.version).toBe(pkg.version);
    expect(marketplace.plugins).toHaveLength(1);
    expect(marketplace.plugins[0]).toMatchObject({ name: plugin.name, source: './', version: pkg.version });
    expect(pkg.files).toEqual(expect.arrayContaining(['plugin', '.claude-plugin', 'agents']));
  });

  it('run every hook event through plugin/launch.mjs, after the setup on SessionStart', () => {
    expect(Object.keys(plugin.hooks).sort()).toEqual([...HOOK_EVENTS].sort());
    const [setup, ...sessionStart] = plugin.hooks.SessionStart[0].hooks;
    expect(setup.command).toBe('node "${CLAUDE_PLUGIN_ROOT}/plugin/launch.mjs" setup --data "${CLAUDE_PLUGIN_DATA}"');
    expect(setup.timeout).toBeGreaterThanOrEqual(600);
    for (const event of HOOK_EVENTS) {
      const handlers = event === 'SessionStart' ? sessionStart : plugin.hooks[event][0].hooks;
      expect(handlers.map((h: { command: string }) => h.command)).toEqual([`node "\${CLAUDE_PLUGIN_ROOT}/plugin/launch.mjs" hook ${event} --data "\${CLAUDE_PLUGIN_DATA}"`]);
    }
    expect(plugin.mcpServers.coordinator.args).toEqual(['${CLAUDE_PLUGIN_ROOT}/plugin/launch.mjs', 'server', '--data', '${CLAUDE_PLUGIN_DATA}']);
  });

  it('match every tool under its plugin-scoped name, which stays within 64 characters, and the hooks know it as ours', () => {
    const matcher = new RegExp(`^(?:${plugin.hooks.PreToolUse[0].matcher})$`);
    const tools: { name: string }[] = read('dist/tool-listing.json').tools;
    expect(tools.length).toBeGreaterThan(10);
    for (const { name } of tools) {
      const full = `mcp__plugin_${plugin.name}_coordinator__${name}`;
      expect(full).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
      expect(matcher.test(full)).toBe(true);
      expect(matcher.test(`mcp__coordinator__${name}`)).toBe(false);
      expect(ourToolName(full)).toBe(name);
    }
  });

  it('give every starter agent a handle as a plugin agent (plugin:name)', () => {
    const files = readdirSync(join(ROOT, 'agents')).filter((f) => f.endsWith('.md'));
    expect(files.length).toBe(48);
    for (const file of files) {
      const parsed = parseAgentFile(readFileSync(join(ROOT, 'agents', file)), { namespace: plugin.name });
      if (!parsed.ok) throw new Error(`${file}: ${parsed.reason}`);
      const name = parsed.agent.name.replace(/^@/, '').replace(/^[^:]*:/, '');
      expect(handleOfAgentType(`${plugin.name}:${name}`)).toBe(`@${plugin.name}:${name}`);
    }
  });
});

describe('plugin/launch.mjs', () => {
  const input = JSON.stringify({ session_id: 's', hook_event_name: 'PreToolUse', agent_type: 'coordinator:backend.api', tool_name: 'mcp__plugin_coordinator_coordinator__lock_flag', tool_input: { flag_id: 3 } });

  it('says nothing on stdout, one line on stderr, exit 0, for a hook before the setup has built anything', () => {
    const data = tempDir();
    const r = spawnSync(process.execPath, [LAUNCH, 'hook', 'PreToolUse', '--data', data], { input, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('not built yet');
  });

  it('runs the hook of the copy that current.json names, in its own process', () => {
    const data = tempDir();
    mkdirSync(data, { recursive: true });
    writeFileSync(join(data, 'current.json'), JSON.stringify({ key: 'test', dir: ROOT }));
    const r = spawnSync(process.execPath, [LAUNCH, 'hook', 'PreToolUse', '--data', data], { input, encoding: 'utf8', cwd: data, env: { ...process.env, CLAUDE_PROJECT_DIR: data } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).hookSpecificOutput).toMatchObject({ permissionDecision: 'allow', updatedInput: { flag_id: 3, agent: '@coordinator:backend.api' } });
  });

  it('serves MCP from the copy that current.json names when it was built from these files', async () => {
    const data = tempDir();
    writeFileSync(join(data, 'current.json'), JSON.stringify({ key: sourceKey(ROOT), dir: ROOT }));
    const transport = new StdioClientTransport({ command: process.execPath, args: [LAUNCH, 'server', '--data', data], env: { HOME: data, PATH: process.env.PATH ?? '', CLAUDE_PROJECT_DIR: data }, cwd: data, stderr: 'pipe' });
    const client = new Client({ name: 'plugin-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain('create_flag');
    } finally {
      await client.close();
    }
  });
});
