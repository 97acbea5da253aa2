// The default database is one per git repository: found from the project folder by reading
// .git files, checked here against real repositories and against what git itself says.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { locateDb, resolveDbPath } from '../../src/config.js';
import { findGitRepository } from '../../src/git.js';
import { git, gitSays, repoWithWorktree } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const dbOf = (folder: string) => join(folder, '.claude', 'coordinator.db');

describe('the default database of a git repository', () => {
  it('is the main worktree\'s for the main worktree, a linked worktree and their subfolders', () => {
    const { main, wt } = repoWithWorktree();
    for (const cwd of [main, join(main, 'src'), join(main, 'src', 'deep'), wt, join(wt, 'src', 'deep')]) {
      const loc = locateDb(undefined, {}, cwd);
      expect(loc.path, cwd).toBe(dbOf(main));
      expect(loc.source).toBe('git');
      expect(loc.git).toMatchObject({ common_dir: join(main, '.git'), main_worktree: main, bare: false });
      // the same repository git finds
      const repo = findGitRepository(cwd)!;
      expect(repo.commonDir).toBe(gitSays(cwd).commonDir);
      expect(repo.worktree).toBe(gitSays(cwd).toplevel);
    }
    expect(locateDb(undefined, {}, join(wt, 'src')).reason).toBe(`${join(wt, 'src')} is in the git repository whose main worktree is ${main}; ${wt} is a linked worktree of it`);
    expect(locateDb(undefined, {}, main).reason).toBe(`${main} is in the git repository whose main worktree is ${main}`);
  });

  it('follows CLAUDE_PROJECT_DIR into a worktree to the main one, whatever the working folder', () => {
    const { main, wt } = repoWithWorktree();
    const elsewhere = realpathSync(tempDir());
    expect(resolveDbPath(undefined, { CLAUDE_PROJECT_DIR: join(wt, 'src') }, elsewhere)).toBe(dbOf(main));
    expect(resolveDbPath(undefined, { CLAUDE_PROJECT_DIR: '../wt' }, main)).toBe(dbOf(main)); // relative to the working folder
    // and a project folder outside git keeps its own, even when the working folder is in a repository
    expect(locateDb(undefined, { CLAUDE_PROJECT_DIR: elsewhere }, wt)).toMatchObject({ path: dbOf(elsewhere), source: 'project' });
  });

  it('is unchanged outside git: <project>/.claude/coordinator.db', () => {
    const dir = realpathSync(tempDir());
    mkdirSync(join(dir, 'a', 'b'), { recursive: true });
    expect(locateDb(undefined, {}, join(dir, 'a', 'b'))).toEqual({
      path: dbOf(join(dir, 'a', 'b')), source: 'project', project_dir: join(dir, 'a', 'b'), reason: `${join(dir, 'a', 'b')} is in no git repository`,
    });
    // a .git that is not a repository (a stray file, a worktree whose git dir was removed) is ignored
    writeFileSync(join(dir, 'a', '.git'), 'gitdir: /nonexistent/.git/worktrees/gone\n');
    expect(resolveDbPath(undefined, {}, join(dir, 'a', 'b'))).toBe(dbOf(join(dir, 'a', 'b')));
    mkdirSync(join(dir, '.git'));
    expect(resolveDbPath(undefined, {}, join(dir, 'a'))).toBe(dbOf(join(dir, 'a')));
  });

  it('does not go up into a folder of GIT_CEILING_DIRECTORIES, as git does not', () => {
    const { main } = repoWithWorktree();
    const below = join(main, 'src', 'deep');
    expect(locateDb(undefined, { GIT_CEILING_DIRECTORIES: `/nonexistent:${join(main, 'src')}` }, below)).toMatchObject({ path: dbOf(below), source: 'project' });
    expect(resolveDbPath(undefined, { GIT_CEILING_DIRECTORIES: `relative:${main}` }, below)).toBe(dbOf(below));
    // a ceiling is not gone up into, but a start at or beside it still finds its own .git
    expect(resolveDbPath(undefined, { GIT_CEILING_DIRECTORIES: main }, main)).toBe(dbOf(main));
    expect(resolveDbPath(undefined, { GIT_CEILING_DIRECTORIES: join(main, 'src') }, join(main, 'src'))).toBe(dbOf(main));
    // git agrees
    const gitWith = (cwd: string, ceilings: string) => spawnSync('git', ['rev-parse', '--show-toplevel'], { cwd, env: { PATH: process.env.PATH, GIT_CEILING_DIRECTORIES: ceilings }, encoding: 'utf8' });
    expect(gitWith(below, join(main, 'src')).status).toBe(128);
    expect(gitWith(join(main, 'src'), join(main, 'src')).stdout.trim()).toBe(main);
  });

  it('gives way to --db, then COORDINATOR_DB', () => {
    const { main, wt } = repoWithWorktree();
    expect(locateDb('x.db', { COORDINATOR_DB: '/e.db' }, wt)).toMatchObject({ path: join(wt, 'x.db'), source: 'flag', reason: 'given by --db' });
    expect(locateDb(undefined, { COORDINATOR_DB: 'e.db', CLAUDE_PROJECT_DIR: main }, wt)).toMatchObject({ path: join(wt, 'e.db'), source: 'env', reason: 'given by COORDINATOR_DB' });
    expect(locateDb(undefined, { COORDINATOR_DB: '  ' }, wt).source).toBe('git'); // blank is unset
    expect(resolveDbPath(':memory:', {}, wt)).toBe(':memory:');
  });

  it('is in the git dir of a bare repository, which has no main worktree', () => {
    const { root, main } = repoWithWorktree();
    const bare = join(root, 'bare.git');
    git(root, 'clone', '-q', '--bare', main, bare);
    const linked = join(root, 'linked');
    git(bare, 'worktree', 'add', '-q', linked, 'main');
    for (const cwd of [bare, join(bare, 'refs'), linked]) {
      const loc = locateDb(undefined, {}, cwd);
      expect(loc, cwd).toMatchObject({ path: join(bare, 'coordinator.db'), source: 'git', git: { common_dir: bare, main_worktree: null, bare: true } });
      expect(findGitRepository(cwd)!.commonDir).toBe(gitSays(cwd).commonDir);
    }
    expect(locateDb(undefined, {}, linked).reason).toMatch(/is in the bare git repository .*bare\.git, which has no main worktree/);
  });

  it('treats a submodule as a repository of its own', () => {
    const { root, main } = repoWithWorktree();
    const lib = join(root, 'lib');
    git(root, 'init', '-q', lib);
    git(lib, 'commit', '-q', '--allow-empty', '-m', 'lib');
    git(main, 'submodule', 'add', '-q', lib, 'vendor/lib');
    const sub = join(main, 'vendor', 'lib');
    expect(readFileSync(join(sub, '.git'), 'utf8')).toMatch(/^gitdir: \.\.\/\.\.\/\.git\/modules\//); // a gitfile into the superproject
    mkdirSync(join(sub, 'x'));
    for (const cwd of [sub, join(sub, 'x')]) {
      expect(locateDb(undefined, {}, cwd), cwd).toMatchObject({ path: dbOf(sub), git: { common_dir: join(main, '.git', 'modules', 'vendor', 'lib'), main_worktree: sub } });
      expect(findGitRepository(cwd)!.commonDir).toBe(gitSays(cwd).commonDir);
      expect(findGitRepository(cwd)!.mainWorktree).toBe(gitSays(cwd).toplevel);
    }
    // the superproject's folders around it keep the superproject's
    expect(resolveDbPath(undefined, {}, join(main, 'vendor'))).toBe(dbOf(main));
    // from inside the submodule's git dir, core.worktree names its working tree
    expect(resolveDbPath(undefined, {}, join(main, '.git', 'modules', 'vendor', 'lib'))).toBe(dbOf(sub));
  });

  it('finds the main worktree from inside .git, and beside a separate git dir', () => {
    const { root, main } = repoWithWorktree();
    expect(resolveDbPath(undefined, {}, join(main, '.git', 'refs', 'heads'))).toBe(dbOf(main));
    expect(resolveDbPath(undefined, {}, join(main, '.git', 'worktrees', 'wt'))).toBe(dbOf(main));
    const work = join(root, 'work');
    git(root, 'init', '-q', '--separate-git-dir', join(root, 'store.git'), work);
    expect(locateDb(undefined, {}, work)).toMatchObject({ path: dbOf(work), git: { common_dir: join(root, 'store.git'), main_worktree: work } });
    expect(findGitRepository(work)!.commonDir).toBe(gitSays(work).commonDir);
  });

  it('reads a few small files and runs no git: fast enough for every start-up', () => {
    const { wt } = repoWithWorktree();
    const deep = join(wt, 'a', 'b', 'c', 'd', 'e', 'f');
    mkdirSync(deep, { recursive: true });
    locateDb(undefined, {}, deep);
    const runs = 200;
    const start = process.hrtime.bigint();
    for (let i = 0; i < runs; i++) locateDb(undefined, {}, deep);
    const msEach = Number(process.hrtime.bigint() - start) / 1e6 / runs;
    expect(msEach).toBeLessThan(2); // measured 0.1 to 0.5 ms; one git rev-parse takes about 6 ms here
    for (const file of ['../../src/git.ts', '../../src/config.ts']) {
      expect(readFileSync(new URL(file, import.meta.url), 'utf8')).not.toMatch(/child_process/);
    }
  });
});
