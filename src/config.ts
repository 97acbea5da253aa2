import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import type { AgentRoot, BundledMode } from './agents/catalog.js';
import { normalizeAgentName } from './agents/parse.js';
import { ceilingDirectories, findGitRepository } from './git.js';
import { packagePath } from './paths.js';

export const BUNDLED_AGENTS_DIR = packagePath('agents');

/** The project folder: CLAUDE_PROJECT_DIR (set by Claude Code for stdio servers) or the working folder. */
export function projectDir(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  return resolve(cwd, env.CLAUDE_PROJECT_DIR?.trim() ? env.CLAUDE_PROJECT_DIR : cwd);
}

/** How the database path was chosen, in the order tried. */
export type DbSource = 'flag' | 'env' | 'git' | 'project';

export interface DbLocation {
  path: string;
  source: DbSource;
  /** The project folder the search started from (CLAUDE_PROJECT_DIR or the working folder). */
  project_dir: string;
  /** The repository found from the project folder (source git). */
  git?: { common_dir: string; main_worktree: string | null; worktree: string | null; bare: boolean };
  /** One sentence: why this path. */
  reason: string;
}

/**
 * Where the store lives: --db, then COORDINATOR_DB, then the repository of the project folder
 * (CLAUDE_PROJECT_DIR or the working folder): <main worktree>/.claude/coordinator.db, so every
 * linked worktree and subfolder of a repository shares one database; a bare repository (no main
 * worktree) keeps it in its git dir, <common dir>/coordinator.db. A submodule is a repository of
 * its own. Outside git: <project>/.claude/coordinator.db. Only files are read (no git process).
 */
export function locateDb(flag: string | undefined, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): DbLocation {
  const project = projectDir(env, cwd);
  for (const [value, source, name] of [[flag, 'flag', '--db'], [env.COORDINATOR_DB, 'env', 'COORDINATOR_DB']] as const) {
    if (value !== undefined && value.trim() !== '') {
      return { path: value === ':memory:' ? value : resolve(cwd, value), source, project_dir: project, reason: `given by ${name}` };
    }
  }
  const repo = findGitRepository(project, ceilingDirectories(env));
  if (repo) {
    const git = { common_dir: repo.commonDir, main_worktree: repo.mainWorktree, worktree: repo.worktree, bare: repo.bare };
    if (repo.mainWorktree !== null) {
      const linked = repo.worktree !== null && repo.worktree !== repo.mainWorktree;
      return {
        path: join(repo.mainWorktree, '.claude', 'coordinator.db'), source: 'git', project_dir: project, git,
        reason: `${project} is in the git repository whose main worktree is ${repo.mainWorktree}${linked ? `; ${repo.worktree} is a linked worktree of it` : ''}`,
      };
    }
    return {
      path: join(repo.commonDir, 'coordinator.db'), source: 'git', project_dir: project, git,
      reason: `${project} is in the ${repo.bare ? 'bare ' : ''}git repository ${repo.commonDir}, which has no main worktree: the database is kept in its git dir`,
    };
  }
  return { path: join(project, '.claude', 'coordinator.db'), source: 'project', project_dir: project, reason: `${project} is in no git repository` };
}

/** The database path of locateDb. */
export function resolveDbPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  return locateDb(flag, env, cwd).path;
}

export const BUNDLED_MODES = ['auto', 'on', 'off'] as const;

/**
 * The bundled team's mode from --bundled-agents, the deprecated --no-bundled-agents, and
 * COORDINATOR_BUNDLED_AGENTS (auto|on|off; the old 0/false/no mean off, 1/true/yes on), in that
 * order; auto when none is given. An unknown value is an error naming where it came from.
 */
export function resolveBundledMode(flag: string | undefined, noBundled: boolean | undefined, env: NodeJS.ProcessEnv = process.env): BundledMode {
  const parse = (value: string, where: string): BundledMode => {
    const v = value.trim().toLowerCase();
    if ((BUNDLED_MODES as readonly string[]).includes(v)) return v as BundledMode;
    if (['0', 'false', 'no'].includes(v)) return 'off';
    if (['1', 'true', 'yes'].includes(v)) return 'on';
    throw new Error(`${where} must be auto, on or off (got ${JSON.stringify(value)})`);
  };
  if (flag !== undefined) {
    const mode = parse(flag, '--bundled-agents');
    if (noBundled && mode !== 'off') throw new Error(`--no-bundled-agents contradicts --bundled-agents ${mode}; give one`);
    return mode;
  }
  if (noBundled) return 'off';
  const fromEnv = env.COORDINATOR_BUNDLED_AGENTS;
  return fromEnv === undefined || fromEnv.trim() === '' ? 'auto' : parse(fromEnv, 'COORDINATOR_BUNDLED_AGENTS');
}

export interface AgentRootOptions {
  agentsDirs?: string[];
  /** The bundled team's mode; 'off' leaves its folder out (default: from the environment, else auto). */
  bundled?: BundledMode;
  /** Deprecated: the same as bundled: 'off'. */
  noBundled?: boolean;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  home?: string;
}

/**
 * The folders agent files come from, lowest precedence first: the bundled catalog, the agents
 * folders of installed and enabled Claude Code plugins, extra folders (--agents-dir,
 * COORDINATOR_AGENTS_DIRS), the user's ~/.claude/agents, the project's .claude/agents.
 */
export function resolveAgentRoots(options: AgentRootOptions = {}): AgentRoot[] {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const home = options.home ?? env.HOME ?? homedir();
  const bundled = options.bundled ?? resolveBundledMode(undefined, options.noBundled, env);
  const extra = [
    ...(env.COORDINATOR_AGENTS_DIRS ?? '').split(delimiter).map((d) => d.trim()).filter(Boolean),
    ...(options.agentsDirs ?? []),
  ];
  const project = projectDir(env, cwd);
  const roots: AgentRoot[] = [];
  if (bundled !== 'off') roots.push({ source: 'bundled', dir: BUNDLED_AGENTS_DIR });
  roots.push(...pluginAgentRoots(home, project));
  for (const dir of extra) roots.push({ source: 'extra', dir: resolve(cwd, dir) });
  roots.push({ source: 'user', dir: join(home, '.claude', 'agents') });
  roots.push({ source: 'project', dir: join(project, '.claude', 'agents') });
  const seen = new Set<string>();
  // The same folder named twice (the project is the home folder, say) counts once, at its highest rank.
  return roots.reverse().filter((r) => !seen.has(r.dir) && seen.add(r.dir)).reverse();
}

const MAX_PLUGIN_JSON_BYTES = 4 * 1024 * 1024;

function readJson(path: string): unknown {
  try {
    const st = statSync(path);
    if (!st.isFile() || st.size > MAX_PLUGIN_JSON_BYTES) return undefined;
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The agents folders of the Claude Code plugins that are installed and enabled for this project.
 * Claude Code records installs in ~/.claude/plugins/installed_plugins.json
 * ({"version": 2, "plugins": {"name@marketplace": [{"scope", "installPath", "projectPath"?...}]}})
 * and enables them in the enabledPlugins map ({"name@marketplace": true}) of ~/.claude/settings.json,
 * <project>/.claude/settings.json and <project>/.claude/settings.local.json (the later wins). A
 * plugin's agents are in <installPath>/agents/, plus the folders or files its
 * .claude-plugin/plugin.json lists under "agents"; they are named plugin:agent, plugin being
 * plugin.json's name (else the id before "@"). Anything unreadable is skipped: no plugins.
 */
export function pluginAgentRoots(home: string, project: string): AgentRoot[] {
  const installed = readJson(join(home, '.claude', 'plugins', 'installed_plugins.json'));
  if (!isObject(installed) || !isObject(installed.plugins)) return [];
  const enabled = new Map<string, boolean>();
  for (const settings of [join(home, '.claude', 'settings.json'), join(project, '.claude', 'settings.json'), join(project, '.claude', 'settings.local.json')]) {
    const data = readJson(settings);
    if (!isObject(data) || !isObject(data.enabledPlugins)) continue;
    for (const [id, on] of Object.entries(data.enabledPlugins)) if (typeof on === 'boolean') enabled.set(id, on);
  }
  const roots: AgentRoot[] = [];
  for (const [id, entries] of Object.entries(installed.plugins)) {
    if (enabled.get(id) !== true) continue;
    // One entry per install (scope user, or project/local with the project's path): the one for this project.
    const list = (Array.isArray(entries) ? entries : [entries]).filter(isObject);
    const entry = list.find((e) => typeof e.projectPath === 'string' && resolve(e.projectPath) === project)
      ?? list.find((e) => e.scope === undefined || e.scope === 'user');
    if (!entry || typeof entry.installPath !== 'string' || entry.installPath.trim() === '') continue;
    const root = resolve(entry.installPath);
    const manifest = readJson(join(root, '.claude-plugin', 'plugin.json'));
    const declared = isObject(manifest) && typeof manifest.name === 'string' ? manifest.name : id.split('@')[0]!;
    const plugin = normalizeAgentName(declared)?.slice(1);
    if (!plugin || plugin.includes('.') || plugin.includes(':')) continue; // not a name a handle can carry
    const dirs = [join(root, 'agents')];
    const extraPaths = isObject(manifest) ? manifest.agents : undefined;
    for (const p of typeof extraPaths === 'string' ? [extraPaths] : Array.isArray(extraPaths) ? extraPaths : []) {
      if (typeof p !== 'string') continue;
      const dir = resolve(root, p);
      // A path listed as a file: its folder is read (the other files of that folder are agents too, as a rule).
      if (dir === root || !dir.startsWith(`${root}/`)) continue; // stays inside the plugin
      dirs.push(p.endsWith('.md') ? dirname(dir) : dir);
    }
    for (const dir of new Set(dirs)) roots.push({ source: 'plugin', dir, plugin });
  }
  return roots;
}
