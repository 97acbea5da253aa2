import { join, resolve } from 'node:path';

export interface Config {
  dbPath: string;
}

/**
 * Where the store lives: --db, then COORDINATOR_DB, then <project>/.claude/coordinator.db where
 * the project is CLAUDE_PROJECT_DIR (set by Claude Code for stdio servers) or the working folder.
 */
export function resolveDbPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  const explicit = flag ?? env.COORDINATOR_DB;
  if (explicit !== undefined && explicit.trim() !== '') return explicit === ':memory:' ? explicit : resolve(cwd, explicit);
  const project = env.CLAUDE_PROJECT_DIR?.trim() ? env.CLAUDE_PROJECT_DIR : cwd;
  return join(resolve(cwd, project), '.claude', 'coordinator.db');
}
