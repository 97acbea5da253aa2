import { execFileSync } from 'node:child_process';
import { mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './tmp.js';

/** git with no user or system configuration, so that the tests do not depend on the machine's. */
const GIT_ENV = {
  PATH: process.env.PATH ?? '',
  HOME: '/nonexistent',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'test', GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'test', GIT_COMMITTER_EMAIL: 'test@example.com',
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'init.defaultBranch=main', '-c', 'protocol.file.allow=always', ...args], { cwd, env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** What git itself says: the absolute common dir and the top of the worktree (null in a git dir). */
export function gitSays(cwd: string): { commonDir: string; toplevel: string | null } {
  const commonDir = realpathSync(git(cwd, 'rev-parse', '--path-format=absolute', '--git-common-dir'));
  let toplevel: string | null = null;
  try {
    toplevel = git(cwd, 'rev-parse', '--show-toplevel') || null;
  } catch {
    toplevel = null; // inside a git dir
  }
  return { commonDir, toplevel };
}

/**
 * A temporary repository with one commit: <root>/main (the main worktree, with a folder
 * src/deep), and <root>/wt, a linked worktree on branch feature (with the same folders).
 */
export function repoWithWorktree(): { root: string; main: string; wt: string } {
  const root = realpathSync(tempDir());
  const main = join(root, 'main');
  mkdirSync(join(main, 'src', 'deep'), { recursive: true });
  git(root, 'init', '-q', main);
  git(main, 'commit', '-q', '--allow-empty', '-m', 'init');
  const wt = join(root, 'wt');
  git(main, 'worktree', 'add', '-q', '-b', 'feature', wt);
  mkdirSync(join(wt, 'src', 'deep'), { recursive: true });
  return { root, main, wt };
}
