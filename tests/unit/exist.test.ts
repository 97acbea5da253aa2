// Issue 15: route only to agents that exist. The bundled team as a starter kit (auto mode),
// plugin agents, aliases, and `coordinator agents install`.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type AgentRoot, type BundledMode, STANDBY_REASON } from '../../src/agents/catalog.js';
import { installBundledAgents, installedName } from '../../src/agents/install.js';
import { normalizeAgentName, parseAgentFile } from '../../src/agents/parse.js';
import { BUNDLED_AGENTS_DIR, pluginAgentRoots, resolveAgentRoots, resolveBundledMode } from '../../src/config.js';
import { normalizeHandle } from '../../src/flags/rules.js';
import type { DB } from '../../src/store/db.js';
import { loadAgents, withStoreAndStderr, writeAgent } from '../helpers/agents.js';
import { tempDir } from '../helpers/tmp.js';

let db: DB;
let stderr: string[];
withStoreAndStderr((d, s) => {
  db = d;
  stderr = s;
});

const load = (roots: AgentRoot[], bundled?: BundledMode) => loadAgents(db, roots, bundled);

const BUNDLED_COUNT = readdirSync(BUNDLED_AGENTS_DIR).filter((f) => f.endsWith('.md')).length;
const statuses = () => Object.fromEntries(
  (db.prepare('SELECT source, status, count(*) AS n FROM agents_catalog GROUP BY source, status').all() as { source: string; status: string; n: number }[])
    .map((r) => [`${r.source}:${r.status}`, r.n]),
);

describe('the bundled team in auto mode', () => {
  it('is searched and listed while the user has no agent of their own, and set aside as soon as one appears', () => {
    const project = tempDir();
    const { catalog, service, search } = load([{ source: 'bundled', dir: BUNDLED_AGENTS_DIR }, { source: 'project', dir: project }]);
    expect(catalog.bundled).toBe('auto'); // the default
    expect(catalog.size).toBe(BUNDLED_COUNT);
    expect(service.list({ limit: 500 }).agents.every((a) => a.source === 'bundled')).toBe(true);
    expect(search.search('React components', 3).results[0]).toMatchObject({ name: '@frontend.react', source: 'bundled' });
    expect(statuses()).toEqual({ 'bundled:active': BUNDLED_COUNT });

    // the user adds their first agent while the server runs: the next refresh decides again
    writeAgent(project, 'fe.md', { name: 'frontend-developer', description: 'Builds our React UI', tags: '[react, frontend]' });
    catalog.refresh();
    expect(catalog.size).toBe(1);
    expect(catalog.has('@frontend.react')).toBe(false);
    expect(service.list({ limit: 500 })).toMatchObject({ total: 1, agents: [{ name: '@frontend-developer', source: 'project' }] });
    expect(search.search('React components', 5).results.map((r) => r.name)).toEqual(['@frontend-developer']);
    expect(statuses()).toEqual({ 'bundled:standby': BUNDLED_COUNT, 'project:active': 1 });
    const row = db.prepare("SELECT status, shadowed_by, error FROM agents_catalog WHERE name = '@frontend.react'").get();
    expect(row).toEqual({ status: 'standby', shadowed_by: null, error: STANDBY_REASON });
    expect(() => service.get('@frontend.react')).toThrow(/no agent named @frontend.react/);

    // and when it is gone again, the starter team is back
    rmSync(join(project, 'fe.md'));
    catalog.refresh();
    expect(catalog.size).toBe(BUNDLED_COUNT);
    expect(statuses()).toEqual({ 'bundled:active': BUNDLED_COUNT, 'project:inactive': 1 });
    catalog.close();
  });

  it('counts user, extra and plugin agents as the user\'s own, but not a broken file', () => {
    for (const source of ['user', 'extra', 'plugin'] as const) {
      const dir = tempDir();
      writeAgent(dir, 'a.md', { name: 'mine', description: 'one of mine' });
      const { catalog } = load([{ source: 'bundled', dir: BUNDLED_AGENTS_DIR }, { source, dir, plugin: source === 'plugin' ? 'kit' : undefined }]);
      expect(catalog.all().map((a) => a.source)).toEqual([source]);
      catalog.close();
      db.exec('DELETE FROM agents_catalog');
    }
    const broken = tempDir();
    writeFileSync(join(broken, 'b.md'), '---\ndescription: no name\n---\n');
    const { catalog } = load([{ source: 'bundled', dir: BUNDLED_AGENTS_DIR }, { source: 'project', dir: broken }]);
    expect(catalog.size).toBe(BUNDLED_COUNT);
    catalog.close();
  });

  it('keeps both when the mode is on, and a user agent of the same name still overrides the bundled one', () => {
    const project = tempDir();
    writeAgent(project, 'pg.md', { name: 'database.postgres', description: 'Our own PostgreSQL owner' });
    writeAgent(project, 'fe.md', { name: 'frontend-developer', description: 'Builds our React UI' });
    const { catalog, service } = load([{ source: 'bundled', dir: BUNDLED_AGENTS_DIR }, { source: 'project', dir: project }], 'on');
    expect(catalog.size).toBe(BUNDLED_COUNT + 1);
    expect(service.get('@database.postgres')).toMatchObject({ source: 'project', shadows: [join(BUNDLED_AGENTS_DIR, 'database.postgres.md')] });
    expect(service.get('@frontend.react').source).toBe('bundled');
    expect(statuses()).toEqual({ 'bundled:active': BUNDLED_COUNT - 1, 'bundled:shadowed': 1, 'project:active': 2 });
    catalog.close();
  });
});

describe('--bundled-agents, COORDINATOR_BUNDLED_AGENTS and the deprecated spellings', () => {
  it('takes the flag, then --no-bundled-agents, then the environment; auto by default', () => {
    expect(resolveBundledMode(undefined, undefined, {})).toBe('auto');
    expect(resolveBundledMode('on', undefined, { COORDINATOR_BUNDLED_AGENTS: 'off' })).toBe('on');
    expect(resolveBundledMode('OFF', undefined, {})).toBe('off');
    expect(resolveBundledMode(undefined, true, { COORDINATOR_BUNDLED_AGENTS: 'on' })).toBe('off');
    expect(resolveBundledMode(undefined, undefined, { COORDINATOR_BUNDLED_AGENTS: 'on' })).toBe('on');
    expect(resolveBundledMode(undefined, undefined, { COORDINATOR_BUNDLED_AGENTS: ' auto ' })).toBe('auto');
    for (const old of ['0', 'false', 'no', 'NO']) expect(resolveBundledMode(undefined, undefined, { COORDINATOR_BUNDLED_AGENTS: old })).toBe('off');
    for (const yes of ['1', 'true', 'yes']) expect(resolveBundledMode(undefined, undefined, { COORDINATOR_BUNDLED_AGENTS: yes })).toBe('on');
    expect(resolveBundledMode('off', true, {})).toBe('off');
  });

  it('refuses an unknown value or a contradiction, naming where it came from', () => {
    expect(() => resolveBundledMode('sometimes', undefined, {})).toThrow('--bundled-agents must be auto, on or off (got "sometimes")');
    expect(() => resolveBundledMode(undefined, undefined, { COORDINATOR_BUNDLED_AGENTS: 'maybe' })).toThrow(/COORDINATOR_BUNDLED_AGENTS must be auto, on or off/);
    expect(() => resolveBundledMode('on', true, {})).toThrow(/--no-bundled-agents contradicts --bundled-agents on/);
  });

  it('leaves the bundled folder out of the roots only when off', () => {
    const sources = (opts: Parameters<typeof resolveAgentRoots>[0]) => resolveAgentRoots({ cwd: '/c', home: '/h', env: {}, ...opts }).map((r) => r.source);
    expect(sources({})).toEqual(['bundled', 'user', 'project']);
    expect(sources({ bundled: 'on' })).toEqual(['bundled', 'user', 'project']);
    expect(sources({ bundled: 'off' })).toEqual(['user', 'project']);
    expect(sources({ noBundled: true })).toEqual(['user', 'project']);
    expect(sources({ env: { COORDINATOR_BUNDLED_AGENTS: 'false' } })).toEqual(['user', 'project']);
  });
});

describe('plugin agents', () => {
  /** A home with one installed plugin (and a second, disabled one) as Claude Code records them. */
  function pluginHome(enabled: Record<string, boolean>, manifestName = 'review-kit') {
    const home = tempDir();
    const project = tempDir();
    const install = (id: string, name: string | null) => {
      const root = join(home, '.claude', 'plugins', 'cache', 'market', id.split('@')[0]!, '1.0.0');
      mkdirSync(join(root, '.claude-plugin'), { recursive: true });
      if (name) writeFileSync(join(root, '.claude-plugin', 'plugin.json'), JSON.stringify({ name, version: '1.0.0' }));
      return root;
    };
    const kit = install('review-kit@market', manifestName);
    const off = install('other@market', null);
    // The docs' own example of a plugin agent has no name: its file name is its name.
    writeAgent(join(kit, 'agents'), 'security-reviewer.md', { description: 'Reviews code for security holes', capabilities: '[threat modelling]' });
    writeAgent(join(kit, 'agents'), 'perf.md', { name: 'performance-tester', description: 'Load tests' });
    writeAgent(join(off, 'agents'), 'x.md', { name: 'x', description: 'from a disabled plugin' });
    mkdirSync(join(home, '.claude'), { recursive: true });
    writeFileSync(join(home, '.claude', 'plugins', 'installed_plugins.json'), JSON.stringify({
      version: 2,
      plugins: {
        'review-kit@market': [{ scope: 'user', installPath: kit, version: '1.0.0', installedAt: '2026-11-01T00:00:00.000Z' }],
        'other@market': [{ scope: 'user', installPath: off, version: '1.0.0' }],
      },
    }));
    writeFileSync(join(home, '.claude', 'settings.json'), JSON.stringify({ enabledPlugins: enabled }));
    return { home, project, kit };
  }

  it('reads the agents of installed, enabled plugins as source plugin, named @plugin:agent', () => {
    const { home, project, kit } = pluginHome({ 'review-kit@market': true, 'other@market': false });
    expect(pluginAgentRoots(home, project)).toEqual([{ source: 'plugin', dir: join(kit, 'agents'), plugin: 'review-kit' }]);
    const roots = resolveAgentRoots({ home, env: { CLAUDE_PROJECT_DIR: project }, bundled: 'off' });
    expect(roots.map((r) => r.source)).toEqual(['plugin', 'user', 'project']);
    const { catalog, service } = load(roots);
    expect(catalog.all().map((a) => a.name).sort()).toEqual(['@review-kit:performance-tester', '@review-kit:security-reviewer']);
    expect(service.get('review-kit:security-reviewer')).toMatchObject({ source: 'plugin', description: 'Reviews code for security holes' });
    expect(service.list({ source: 'plugin' }).total).toBe(2);
    catalog.close();
  });

  it('follows the project settings over the user settings, and reads nothing when the files are missing or malformed', () => {
    const { home, project } = pluginHome({ 'review-kit@market': true });
    mkdirSync(join(project, '.claude'), { recursive: true });
    writeFileSync(join(project, '.claude', 'settings.local.json'), JSON.stringify({ enabledPlugins: { 'review-kit@market': false } }));
    expect(pluginAgentRoots(home, project)).toEqual([]);
    writeFileSync(join(project, '.claude', 'settings.local.json'), '{not json');
    expect(pluginAgentRoots(home, project)).toHaveLength(1);
    writeFileSync(join(home, '.claude', 'plugins', 'installed_plugins.json'), '[]');
    expect(pluginAgentRoots(home, project)).toEqual([]);
    expect(pluginAgentRoots(tempDir(), project)).toEqual([]);
  });

  it('uses the id before "@" when the plugin has no manifest name', () => {
    const { home, project, kit } = pluginHome({ 'review-kit@market': true }, '');
    expect(pluginAgentRoots(home, project)).toEqual([{ source: 'plugin', dir: join(kit, 'agents'), plugin: 'review-kit' }]);
  });

  it('handles carry one plugin: prefix, and round-trip as Claude Code names them', () => {
    expect(normalizeHandle('review-kit:security-reviewer', 'target_agent')).toBe('@review-kit:security-reviewer');
    expect(normalizeHandle('@Review-Kit:Security-Reviewer', 'target_agent')).toBe('@review-kit:security-reviewer');
    expect(normalizeAgentName('review-kit:security-reviewer')).toBe('@review-kit:security-reviewer');
    expect(normalizeAgentName('kit:team.api')).toBe('@kit:team.api');
    for (const bad of ['a:b:c', ':b', 'a:', 'a.b:c', '@a::b']) {
      expect(normalizeAgentName(bad)).toBeNull();
      expect(() => normalizeHandle(bad, 'target_agent')).toThrow(/is not an agent handle/);
    }
  });
});

describe('aliases', () => {
  it('are read from the frontmatter as handles, and resolve to the agent in lookups and get_agent', () => {
    const project = tempDir();
    writeAgent(project, 'pg.md', { name: 'database-postgres', description: 'Postgres', aliases: '["@database.postgres", "pg", "database-postgres"]' });
    const { catalog, service } = load([{ source: 'project', dir: project }]);
    expect(catalog.get('@database-postgres')!.aliases).toEqual(['@database.postgres', '@pg']);
    expect(catalog.lookup('@database.postgres')).toMatchObject({ alias: true, agent: { name: '@database-postgres' } });
    expect(catalog.lookup('@database-postgres')).toMatchObject({ alias: false });
    expect(catalog.has('@database.postgres')).toBe(false); // an alias is no agent of its own
    expect(service.get('database.postgres').name).toBe('@database-postgres');
    expect(service.resolveAlias('@PG')).toEqual({ handle: '@database-postgres', alias: '@pg' });
    expect(service.resolveAlias('@database-postgres')).toBeUndefined();
    expect(service.resolveHandle('@nobody')).toBe('@nobody');
    expect(db.prepare('SELECT aliases FROM agents_catalog').pluck().get()).toBe('["@database.postgres","@pg"]');
    catalog.close();
  });

  it('ignore, with one warning, an alias that is another active agent\'s name or already another\'s alias', () => {
    const user = tempDir();
    const project = tempDir();
    writeAgent(project, 'a.md', { name: 'api', description: 'API', aliases: '[backend.api, shared]' });
    writeAgent(project, 'b.md', { name: 'backend.api', description: 'the real one' });
    writeAgent(user, 'c.md', { name: 'other', description: 'other', aliases: '[shared]' });
    const { catalog, service } = load([{ source: 'user', dir: user }, { source: 'project', dir: project }]);
    expect(catalog.get('@api')!.aliases).toEqual(['@shared']); // the project's folder ranks first
    expect(catalog.get('@other')!.aliases).toEqual([]);
    expect(service.get('@backend.api').description).toBe('the real one');
    expect(service.get('@shared').name).toBe('@api');
    catalog.refresh();
    const warned = stderr.join('').split('\n').filter((l) => l.includes('alias'));
    expect(warned).toHaveLength(2);
    expect(warned[0]).toMatch(/alias @backend.api of @api is ignored: it is the name of the active agent in .*b\.md/);
    expect(warned[1]).toMatch(/alias @shared of @other is ignored: it is already an alias of @api/);
    catalog.close();
  });

  it('are validated like handles and bounded like the other lists', () => {
    const parse = (aliases: string) => parseAgentFile(Buffer.from(`---\nname: x\naliases: ${aliases}\n---\nbody\n`));
    expect(parse('[ok.one]')).toMatchObject({ ok: true, agent: { aliases: ['@ok.one'] } });
    expect(parse('"not a handle!"')).toMatchObject({ ok: false, reason: expect.stringMatching(/^alias "not a handle!" cannot be an agent handle/) });
    expect(parse(`[${Array.from({ length: 101 }, (_, i) => `a${i}`).join(', ')}]`)).toMatchObject({ ok: false, reason: 'aliases has 101 items, over the limit of 100' });
    expect(parse(`["${'a'.repeat(201)}"]`)).toMatchObject({ ok: false, reason: 'an item of aliases is over the 200-character limit' });
  });
});

describe('coordinator agents install', () => {
  it('copies the bundled team into the project with hyphenated names, the dotted handle as alias, and no tools line', () => {
    const project = tempDir();
    const out = installBundledAgents({ env: { CLAUDE_PROJECT_DIR: project }, home: tempDir() });
    const folder = join(project, '.claude', 'agents');
    expect(out).toMatchObject({ scope: 'project', folder, dry_run: false, skipped: [] });
    expect(out.written).toHaveLength(BUNDLED_COUNT);
    expect(out.written).toContainEqual({ file: 'database-postgres.md', name: '@database-postgres', alias: '@database.postgres' });
    expect(readdirSync(folder).sort()).toEqual(out.written.map((w) => w.file).sort());
    for (const file of readdirSync(folder)) {
      const parsed = parseAgentFile(readFileSync(join(folder, file)));
      if (!parsed.ok) throw new Error(`${file}: ${parsed.reason}`);
      expect(parsed.agent.name).toMatch(/^@[a-z0-9-]+$/);
      expect(`${parsed.agent.name.slice(1)}.md`).toBe(file);
      expect(parsed.agent.aliases).toHaveLength(1);
      expect(installedName(parsed.agent.aliases[0]!)).toBe(parsed.agent.name.slice(1));
      expect(parsed.agent.tools).toEqual([]); // inherits every tool, the coordinator's MCP tools included
      expect(parsed.agent.frontmatter.name).toBe(file.slice(0, -3));
    }
    const text = readFileSync(join(folder, 'database-postgres.md'), 'utf8');
    expect(text).toMatch(/^---\nname: database-postgres\naliases: \["@database.postgres"\]\ndescription: /);
    expect(text).not.toMatch(/^tools:/m);
    // the body is the bundled one, unchanged
    expect(text.split('\n---')[1]).toBe(readFileSync(join(BUNDLED_AGENTS_DIR, 'database.postgres.md'), 'utf8').split('\n---')[1]);

    // a second run writes nothing and says so
    const again = installBundledAgents({ env: { CLAUDE_PROJECT_DIR: project }, home: tempDir() });
    expect(again.written).toEqual([]);
    expect(again.skipped).toHaveLength(BUNDLED_COUNT);
    expect(again.message).toMatch(/^nothing to do: all 48 bundled agents are already in /);
  });

  it('installs into ~/.claude/agents with --scope user, and the catalog then resolves the old handles as aliases', () => {
    const home = tempDir();
    const out = installBundledAgents({ scope: 'user', home, env: {} });
    expect(out.folder).toBe(join(home, '.claude', 'agents'));
    expect(out.written).toHaveLength(BUNDLED_COUNT);
    const { catalog, service } = load(resolveAgentRoots({ home, env: { CLAUDE_PROJECT_DIR: tempDir() } }));
    // auto: the installed copies are the user's own, so the bundled originals stand by
    expect(catalog.size).toBe(BUNDLED_COUNT);
    expect(catalog.all().every((a) => a.source === 'user')).toBe(true);
    expect(service.get('@database.postgres')).toMatchObject({ name: '@database-postgres', source: 'user', aliases: ['@database.postgres'] });
    catalog.close();
  });

  it('writes nothing in a dry run, not even the folder', () => {
    const project = tempDir();
    const out = installBundledAgents({ dryRun: true, env: { CLAUDE_PROJECT_DIR: project } });
    expect(out).toMatchObject({ dry_run: true, skipped: [] });
    expect(out.written).toHaveLength(BUNDLED_COUNT);
    expect(out.message).toMatch(/^would write 48 agent file\(s\) to .* \(dry run: nothing was written\)$/);
    expect(existsSync(join(project, '.claude'))).toBe(false);
  });

  it('never overwrites a file, nor adds an agent whose name or handle the folder already defines', () => {
    const project = tempDir();
    const folder = join(project, '.claude', 'agents');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'database-postgres.md'), 'my own notes, not even an agent');
    writeAgent(folder, 'team/fe.md', { name: 'frontend-react', description: 'ours' });
    writeAgent(folder, 'sec.md', { name: 'service.auth', description: 'ours, under the dotted name' });
    const out = installBundledAgents({ env: { CLAUDE_PROJECT_DIR: project } });
    expect(out.written).toHaveLength(BUNDLED_COUNT - 3);
    expect(out.skipped).toEqual([
      { file: 'database-postgres.md', name: 'database-postgres', reason: `${join(folder, 'database-postgres.md')} already exists (never overwritten)` },
      { file: 'frontend-react.md', name: 'frontend-react', reason: '@frontend-react is already defined by team/fe.md' },
      { file: 'service-auth.md', name: 'service-auth', reason: '@service.auth is already defined by sec.md' },
    ]);
    expect(readFileSync(join(folder, 'database-postgres.md'), 'utf8')).toBe('my own notes, not even an agent');
    expect(existsSync(join(folder, 'frontend-react.md'))).toBe(false);
  });

  it('refuses an unknown scope', () => {
    expect(() => installBundledAgents({ scope: 'global', env: {} })).toThrow('--scope must be project or user (got "global")');
  });
});
