import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CLAUDE_MD_BEGIN, CLAUDE_MD_END, GITIGNORE_LINE, hookCommand, initProject, isOurHookCommand, TOOL_MATCHER,
} from '../../src/claude/init.js';
import { tempDir } from '../helpers/tmp.js';

const DIST = '/opt/coordinator-mcp/dist';

/** Every file under dir, by relative path, with its bytes as text. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true }) as string[]) {
    const p = join(dir, entry);
    if (statSync(p).isFile()) out[relative(dir, p)] = readFileSync(p, 'utf8');
  }
  return out;
}

const USER_SETTINGS = {
  model: 'opus',
  permissions: { allow: ['Bash(npm test)'] },
  hooks: {
    PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: './lint.sh' }] }],
    SessionStart: [{ hooks: [{ type: 'command', command: 'echo hello' }] }],
    Stop: [{ hooks: [{ type: 'command', command: 'say done' }] }],
  },
};
const USER_MCP = { mcpServers: { memory: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-memory'] } } };
const USER_CLAUDE_MD = '# My project\n\nUse pnpm. Run the tests before committing.\n';
const USER_GITIGNORE = 'node_modules\ndist\n';

/** A project that already has settings with hooks, another MCP server, a CLAUDE.md and a .gitignore. */
function existingProject(): string {
  const dir = tempDir();
  mkdirSync(join(dir, '.claude'));
  writeFileSync(join(dir, '.claude/settings.json'), `${JSON.stringify(USER_SETTINGS, null, 2)}\n`);
  writeFileSync(join(dir, '.mcp.json'), `${JSON.stringify(USER_MCP, null, 4)}\n`);
  writeFileSync(join(dir, 'CLAUDE.md'), USER_CLAUDE_MD);
  writeFileSync(join(dir, '.gitignore'), USER_GITIGNORE);
  writeFileSync(join(dir, 'README.md'), 'mine\n');
  return dir;
}

const json = (dir: string, file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8'));

describe('coordinator init', () => {
  it('merges into an existing project and keeps everything of the user', () => {
    const dir = existingProject();
    const result = initProject({ project: dir, distDir: DIST });
    expect(result.files.map((f) => [f.file, f.action])).toEqual([
      ['.mcp.json', 'update'], ['.claude/settings.json', 'update'], ['CLAUDE.md', 'update'], ['.gitignore', 'update'],
    ]);
    const mcp = json(dir, '.mcp.json');
    expect(mcp.mcpServers.memory).toEqual(USER_MCP.mcpServers.memory);
    expect(mcp.mcpServers.coordinator).toEqual({ type: 'stdio', command: 'node', args: [`${DIST}/index.js`], env: {} });
    expect(readFileSync(join(dir, '.mcp.json'), 'utf8')).toContain('\n    "mcpServers"'); // its 4-space style kept
    const settings = json(dir, '.claude/settings.json');
    expect(settings.model).toBe('opus');
    expect(settings.permissions).toEqual(USER_SETTINGS.permissions);
    expect(settings.hooks.Stop).toEqual(USER_SETTINGS.hooks.Stop);
    expect(settings.hooks.PreToolUse[0]).toEqual(USER_SETTINGS.hooks.PreToolUse[0]);
    expect(settings.hooks.PreToolUse[1]).toEqual({
      matcher: TOOL_MATCHER, hooks: [{ type: 'command', command: `node ${DIST}/cli.js hook PreToolUse`, timeout: 10 }],
    });
    expect(settings.hooks.SessionStart[0]).toEqual(USER_SETTINGS.hooks.SessionStart[0]);
    expect(settings.hooks.SessionStart[1].hooks[0].command).toBe(`node ${DIST}/cli.js hook SessionStart`);
    expect(settings.hooks.SubagentStart[0].matcher).toBeUndefined();
    expect(settings.hooks.UserPromptSubmit[0].hooks[0].command).toBe(`node ${DIST}/cli.js hook UserPromptSubmit`);
    const md = readFileSync(join(dir, 'CLAUDE.md'), 'utf8');
    expect(md.startsWith(USER_CLAUDE_MD)).toBe(true);
    expect(md).toContain(CLAUDE_MD_BEGIN);
    expect(md).toContain(CLAUDE_MD_END);
    expect(md).toMatch(/search_agents[\s\S]*lock_flag[\s\S]*complete_flag/);
    const gitignore = readFileSync(join(dir, '.gitignore'), 'utf8');
    expect(gitignore.startsWith(USER_GITIGNORE)).toBe(true);
    expect(gitignore.split('\n')).toContain(GITIGNORE_LINE);
  });

  it('is idempotent: init twice is init once', () => {
    const dir = existingProject();
    initProject({ project: dir, distDir: DIST });
    const once = snapshot(dir);
    const again = initProject({ project: dir, distDir: DIST });
    expect(again.files.every((f) => f.action === 'unchanged')).toBe(true);
    expect(snapshot(dir)).toEqual(once);
  });

  it('init then remove gives back the original files byte for byte', () => {
    const dir = existingProject();
    const original = snapshot(dir);
    initProject({ project: dir, distDir: DIST, as: '@lead' });
    initProject({ project: dir, distDir: DIST, npx: true }); // a re-run with other options replaces ours
    const removed = initProject({ project: dir, remove: true });
    expect(removed.files.every((f) => f.action === 'update')).toBe(true);
    expect(snapshot(dir)).toEqual(original);
    expect(initProject({ project: dir, remove: true }).files.every((f) => f.action === 'unchanged')).toBe(true);
  });

  it('in an empty folder creates the files, and remove deletes them again', () => {
    const dir = tempDir();
    const result = initProject({ project: dir, distDir: DIST });
    expect(result.files.map((f) => f.action)).toEqual(['create', 'create', 'create', 'create']);
    expect(existsSync(join(dir, '.claude/settings.json'))).toBe(true);
    initProject({ project: dir, remove: true });
    expect(snapshot(dir)).toEqual({});
  });

  it('--dry-run says what it would change and writes nothing', () => {
    const dir = existingProject();
    const original = snapshot(dir);
    const result = initProject({ project: dir, distDir: DIST, dryRun: true });
    expect(result.dry_run).toBe(true);
    expect(result.files.find((f) => f.file === '.mcp.json')!.changes[0]).toMatch(/add the server "coordinator"/);
    expect(result.files.find((f) => f.file === '.claude/settings.json')!.changes).toHaveLength(4);
    expect(snapshot(dir)).toEqual(original);
    initProject({ project: dir, distDir: DIST });
    const installed = snapshot(dir);
    initProject({ project: dir, remove: true, dryRun: true });
    expect(snapshot(dir)).toEqual(installed);
  });

  it('--as and --npx go into the hook commands and the server entry', () => {
    const dir = tempDir();
    initProject({ project: dir, distDir: DIST, npx: true, as: 'Lead' });
    expect(json(dir, '.mcp.json').mcpServers.coordinator).toEqual({ type: 'stdio', command: 'npx', args: ['-y', 'coordinator-mcp'], env: {} });
    const cmd = json(dir, '.claude/settings.json').hooks.PreToolUse[0].hooks[0].command;
    expect(cmd).toBe('npx -y -p coordinator-mcp coordinator hook PreToolUse --as @lead');
    expect(readFileSync(join(dir, 'CLAUDE.md'), 'utf8')).toContain('`@lead`');
    expect(() => initProject({ project: dir, distDir: DIST, as: 'not a handle!' })).toThrow(/not an agent handle/);
  });

  it('a re-run replaces the CLAUDE.md section in place', () => {
    const dir = existingProject();
    initProject({ project: dir, distDir: DIST });
    const md = join(dir, 'CLAUDE.md');
    writeFileSync(md, `${readFileSync(md, 'utf8')}\n## Later notes of the user\n`);
    initProject({ project: dir, distDir: DIST, as: '@lead' });
    const text = readFileSync(md, 'utf8');
    expect(text.split(CLAUDE_MD_BEGIN)).toHaveLength(2);
    expect(text).toContain('`@lead`');
    expect(text.endsWith('## Later notes of the user\n')).toBe(true);
  });

  it('refuses malformed JSON, naming the file, and changes nothing', () => {
    const dir = existingProject();
    writeFileSync(join(dir, '.claude/settings.json'), '{"hooks": {');
    const original = snapshot(dir);
    expect(() => initProject({ project: dir, distDir: DIST })).toThrow(/settings\.json is not valid JSON/);
    expect(snapshot(dir)).toEqual(original);
    writeFileSync(join(dir, '.claude/settings.json'), '{"hooks": {"PreToolUse": {}}}');
    expect(() => initProject({ project: dir, distDir: DIST })).toThrow(/hooks\.PreToolUse/);
    writeFileSync(join(dir, '.claude/settings.json'), '{}');
    writeFileSync(join(dir, '.mcp.json'), '[1, 2]');
    expect(() => initProject({ project: dir, distDir: DIST })).toThrow(/\.mcp\.json must hold a JSON object/);
    expect(readFileSync(join(dir, 'CLAUDE.md'), 'utf8')).toBe(USER_CLAUDE_MD);
  });

  it('never replaces another server named coordinator', () => {
    const dir = tempDir();
    writeFileSync(join(dir, '.mcp.json'), JSON.stringify({ mcpServers: { coordinator: { command: 'python', args: ['other.py'] } } }));
    expect(() => initProject({ project: dir, distDir: DIST })).toThrow(/does not run coordinator-mcp/);
    // the README's hand-written entry (relative dist/index.js) is ours: replaced
    writeFileSync(join(dir, '.mcp.json'), JSON.stringify({ mcpServers: { coordinator: { command: 'node', args: ['dist/index.js'] } } }));
    initProject({ project: dir, distDir: DIST });
    expect(json(dir, '.mcp.json').mcpServers.coordinator.args).toEqual([`${DIST}/index.js`]);
  });

  it('keeps a user handler that shares a group with ours, and recognises our commands', () => {
    const dir = tempDir();
    initProject({ project: dir, distDir: DIST });
    const path = join(dir, '.claude/settings.json');
    const settings = json(dir, '.claude/settings.json');
    settings.hooks.UserPromptSubmit[0].hooks.push({ type: 'command', command: 'my-logger' });
    writeFileSync(path, JSON.stringify(settings, null, 2));
    initProject({ project: dir, remove: true });
    expect(json(dir, '.claude/settings.json')).toEqual({ hooks: { UserPromptSubmit: [{ hooks: [{ type: 'command', command: 'my-logger' }] }] } });
    expect(isOurHookCommand(hookCommand('SubagentStart', { distDir: '/a b/dist', as: '@x' }))).toBe(true);
    expect(hookCommand('SubagentStart', { distDir: '/a b/dist', as: '@main' })).toBe("node '/a b/dist/cli.js' hook SubagentStart");
    expect(isOurHookCommand('npx -y -p coordinator-mcp coordinator hook UserPromptSubmit')).toBe(true);
    expect(isOurHookCommand('./my-hook.sh SessionStart')).toBe(false);
  });
});

describe('coordinator init, damaged markers', () => {
  it('a stray begin marker without its end does not swallow the user\'s text', () => {
    const dir = tempDir();
    const md = join(dir, 'CLAUDE.md');
    const user = `# Notes\n${CLAUDE_MD_BEGIN}\nkeep this line\n`;
    writeFileSync(md, user);
    initProject({ project: dir, distDir: DIST });
    initProject({ project: dir, distDir: DIST, as: '@lead' });
    expect(readFileSync(md, 'utf8')).toContain('keep this line');
    initProject({ project: dir, remove: true });
    expect(readFileSync(md, 'utf8')).toBe(user);
  });
});
