// Finds the git repository a folder belongs to by reading .git, commondir and config files, as git
// does, without running git: the server's start-up spawns no process for it.
import { readFileSync, statSync } from 'node:fs';
import { basename, delimiter, dirname, isAbsolute, join, resolve } from 'node:path';

export interface GitRepository {
  /** The folder whose .git was found (the top of the current worktree or submodule); null when started inside a git dir. */
  worktree: string | null;
  /** The git dir of that worktree (.git, .git/worktrees/NAME, .git/modules/NAME, ...). */
  gitDir: string;
  /** The common git dir shared by all worktrees (what `git rev-parse --git-common-dir` prints, absolute). */
  commonDir: string;
  /** The main worktree: the common dir's working tree; null for a bare repository (or one whose working tree is unknown). */
  mainWorktree: string | null;
  /** core.bare is true. */
  bare: boolean;
}

/** Files in .git are tiny; anything larger is not what we look for. */
const MAX_FILE_BYTES = 64 * 1024;

function readSmall(path: string): string | undefined {
  try {
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st?.isFile() || st.size > MAX_FILE_BYTES) return undefined;
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
  } catch {
    return false;
  }
}

/** git's own test for a git dir (setup.c is_git_directory): HEAD, objects/ and refs/ (the last two may live in the common dir). */
function isGitDir(dir: string): boolean {
  if (readSmall(join(dir, 'HEAD')) === undefined) return false;
  const common = commonDirOf(dir);
  return isDir(join(common, 'objects')) && isDir(join(common, 'refs'));
}

/** The common dir of a git dir: the target of its commondir file (linked worktrees), else itself. */
function commonDirOf(gitDir: string): string {
  const pointer = readSmall(join(gitDir, 'commondir'))?.trim();
  return pointer ? resolve(gitDir, pointer) : gitDir;
}

/** The target of a gitfile ("gitdir: PATH", relative to the file's folder), or undefined if it is not one. */
function readGitFile(path: string): string | undefined {
  const match = /^gitdir: (.+?)\s*$/m.exec(readSmall(path) ?? '');
  return match ? resolve(dirname(path), match[1]!) : undefined;
}

/** core.bare and core.worktree of a git config file (no includes: enough for these two keys). */
function coreConfig(commonDir: string): { bare: boolean; worktree?: string } {
  let section = '';
  const core: Record<string, string> = {};
  for (const raw of (readSmall(join(commonDir, 'config')) ?? '').split('\n')) {
    const line = raw.replace(/(^|\s)[#;].*$/, '').trim();
    const header = /^\[\s*([^\]\s"]+)[^\]]*\]/.exec(line);
    if (header) {
      section = header[1]!.toLowerCase();
      continue;
    }
    const kv = /^([A-Za-z][A-Za-z0-9-]*)\s*(?:=\s*(.*))?$/.exec(line);
    if (section === 'core' && kv) core[kv[1]!.toLowerCase()] = (kv[2] ?? 'true').replace(/^"(.*)"$/, '$1');
  }
  return { bare: ['true', 'yes', 'on', '1'].includes((core.bare ?? '').toLowerCase()), worktree: core.worktree || undefined };
}

/**
 * The repository holding folder `start`, found the way git finds it: the nearest .git upwards (a
 * folder, or a gitfile "gitdir: PATH" as linked worktrees and submodules have), or the folder
 * itself when it is a git dir. Null outside git. Like git, the search does not go up into a folder
 * of `ceilings` (GIT_CEILING_DIRECTORIES: absolute paths). GIT_DIR and GIT_COMMON_DIR are not consulted.
 */
export function findGitRepository(start: string, ceilings: readonly string[] = []): GitRepository | null {
  const stops = new Set(ceilings.filter((c) => isAbsolute(c)).map((c) => resolve(c)));
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    const dotGit = join(dir, '.git');
    const gitDir = isDir(dotGit) ? dotGit : readGitFile(dotGit);
    if (gitDir !== undefined && isGitDir(gitDir)) return describe(gitDir, dir);
    if (isGitDir(dir)) return describe(dir, null); // inside a git dir, or a bare repository
    if (dirname(dir) === dir || stops.has(dirname(dir))) return null;
  }
}

function describe(gitDir: string, worktree: string | null): GitRepository {
  const commonDir = commonDirOf(gitDir);
  const { bare, worktree: configured } = coreConfig(commonDir);
  let mainWorktree: string | null = null;
  if (!bare) {
    // core.worktree: a submodule's git dir (.git/modules/NAME) names its working tree so.
    if (configured) mainWorktree = resolve(commonDir, configured);
    else if (basename(commonDir) === '.git') mainWorktree = dirname(commonDir);
    // Not a linked worktree: the folder the .git was found in (a gitfile to a separate git dir).
    else if (commonDir === gitDir && worktree !== null) mainWorktree = worktree;
  }
  return { worktree, gitDir, commonDir, mainWorktree, bare };
}

/** GIT_CEILING_DIRECTORIES as a list (colon-separated; empty entries are ignored). */
export function ceilingDirectories(env: NodeJS.ProcessEnv): string[] {
  return (env.GIT_CEILING_DIRECTORIES ?? '').split(delimiter).filter(Boolean);
}
