import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import type { AgentRoot } from './agents/catalog.js';
import { packagePath } from './paths.js';

export const BUNDLED_AGENTS_DIR = packagePath('agents');

/** The project folder: CLAUDE_PROJECT_DIR (set by Claude Code for stdio servers) or the working folder. */
export function projectDir(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  return resolve(cwd, env.CLAUDE_PROJECT_DIR?.trim() ? env.CLAUDE_PROJECT_DIR : cwd);
}

/**
 * Where the store lives: --db, then COORDINATOR_DB, then <project>/.claude/coordinator.db.
 */
export function resolveDbPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  const explicit = flag ?? env.COORDINATOR_DB;
  if (explicit !== undefined && explicit.trim() !== '') return explicit === ':memory:' ? explicit : resolve(cwd, explicit);
  return join(projectDir(env, cwd), '.claude', 'coordinator.db');
}

export interface AgentRootOptions {
  agentsDirs?: string[];
  noBundled?: boolean;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  home?: string;
}

/**
 * The folders agent files come from, lowest precedence first: the bundled catalog, extra folders
 * (--agents-dir, COORDINATOR_AGENTS_DIRS), the user's ~/.claude/agents, the project's .claude/agents.
 */
export function resolveAgentRoots(options: AgentRootOptions = {}): AgentRoot[] {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const home = options.home ?? env.HOME ?? homedir();
  const noBundled = options.noBundled || ['0', 'false', 'no'].includes((env.COORDINATOR_BUNDLED_AGENTS ?? '').toLowerCase());
  const extra = [
    ...(env.COORDINATOR_AGENTS_DIRS ?? '').split(delimiter).map((d) => d.trim()).filter(Boolean),
    ...(options.agentsDirs ?? []),
  ];
  const roots: AgentRoot[] = [];
  if (!noBundled) roots.push({ source: 'bundled', dir: BUNDLED_AGENTS_DIR });
  for (const dir of extra) roots.push({ source: 'extra', dir: resolve(cwd, dir) });
  roots.push({ source: 'user', dir: join(home, '.claude', 'agents') });
  roots.push({ source: 'project', dir: join(projectDir(env, cwd), '.claude', 'agents') });
  const seen = new Set<string>();
  // The same folder named twice (the project is the home folder, say) counts once, at its highest rank.
  return roots.reverse().filter((r) => !seen.has(r.dir) && seen.add(r.dir)).reverse();
}
