// One database per repository: servers and CLI runs started in different worktrees and folders
// of one git repository share <main worktree>/.claude/coordinator.db; lookup-only verbs create none.
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { callOk } from '../helpers/client.js';
import { repoWithWorktree } from '../helpers/git.js';
import { assertBuilt, runCli, spawnServer } from '../helpers/spawn.js';
import { DDL_DIR } from '../helpers/fixtures.js';
import { flagInput, tempDir } from '../helpers/tmp.js';

beforeAll(assertBuilt);

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  for (const deadline = Date.now() + ms; !check(); await new Promise((r) => setTimeout(r, 20))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
  }
}

describe('servers in two worktrees of one repository', () => {
  it('share the main worktree\'s database: a flag created in one is read in the other', async () => {
    const { main, wt } = repoWithWorktree();
    const shared = join(main, '.claude', 'coordinator.db');
    const inWorktree = await spawnServer([], {}, join(wt, 'src', 'deep'));
    const inMain = await spawnServer([], {}, main);
    try {
      for (const s of [inWorktree, inMain]) {
        await until(() => s.stderr().includes('database '), 'the start-up line');
        expect(s.stderr()).toContain(`[coordinator-mcp] info database ${shared} (git: `);
        expect(s.stderr().split('\n').filter((l) => l.includes('info database'))).toHaveLength(1);
      }
      const created = await callOk(inWorktree.client, 'create_flag', flagInput({ target_agent: '@frontend.react' }));
      const queue = await callOk(inMain.client, 'get_agent_flags', { agent: '@frontend.react' });
      expect(queue.flags.map((f: { id: number }) => f.id)).toContain(created.flag_id);
      // and back: completed in the main checkout, gone from the worktree's view of the queue
      await callOk(inMain.client, 'complete_flag', { id: created.flag_id, agent: '@frontend.react', notes: 'done' });
      const after = await callOk(inWorktree.client, 'get_agent_flags', { agent: '@frontend.react' });
      expect(after.flags).toHaveLength(0);
    } finally {
      await inWorktree.close();
      await inMain.close();
    }
    expect(existsSync(shared)).toBe(true);
    expect(existsSync(join(wt, '.claude'))).toBe(false);
    expect(existsSync(join(wt, 'src', 'deep', '.claude'))).toBe(false);
  });

  it('a server started with CLAUDE_PROJECT_DIR in a worktree, from elsewhere, opens the main one', async () => {
    const { main, wt } = repoWithWorktree();
    const s = await spawnServer([], { CLAUDE_PROJECT_DIR: wt }, realpathSync(tempDir()));
    try {
      await until(() => s.stderr().includes('database '), 'the start-up line');
      expect(s.stderr()).toContain(`info database ${join(main, '.claude', 'coordinator.db')} (git: `);
    } finally {
      await s.close();
    }
  });
});

describe('coordinator where', () => {
  it('prints the path and how it was chosen, as JSON or plain, creating nothing', () => {
    const { main, wt } = repoWithWorktree();
    const shared = join(main, '.claude', 'coordinator.db');
    const fromWt = runCli(['where'], {}, join(wt, 'src'));
    expect(fromWt.code).toBe(0);
    expect(fromWt.json).toEqual({
      path: shared, source: 'git', reason: `${join(wt, 'src')} is in the git repository whose main worktree is ${main}; ${wt} is a linked worktree of it`,
      exists: false, project_dir: join(wt, 'src'), git: { common_dir: join(main, '.git'), main_worktree: main, worktree: wt, bare: false },
    });
    const plain = runCli(['where', '--format', 'plain'], {}, wt);
    expect(plain).toMatchObject({ code: 0, stdout: `${shared}\n`, stderr: '' });
    expect(existsSync(join(main, '.claude'))).toBe(false);
    // once a verb that needs the store has run, it exists
    expect(runCli(['get-pending-flags'], {}, wt).code).toBe(0);
    expect(runCli(['where'], {}, main).json).toMatchObject({ path: shared, exists: true });

    expect(runCli(['where', '--db', 'x.db'], {}, wt).json).toMatchObject({ path: join(wt, 'x.db'), source: 'flag', reason: 'given by --db', exists: false });
    expect(runCli(['--db', '/tmp/y.db', 'where', '--format=plain'], {}, wt).stdout).toBe('/tmp/y.db\n');
    expect(runCli(['where'], { COORDINATOR_DB: join(main, 'e.db') }, wt).json).toMatchObject({ path: join(main, 'e.db'), source: 'env' });
    const outside = realpathSync(tempDir());
    expect(runCli(['where'], {}, outside).json).toEqual({
      path: join(outside, '.claude', 'coordinator.db'), source: 'project', reason: `${outside} is in no git repository`, exists: false, project_dir: outside,
    });
    expect(runCli(['where', '--format', 'yaml'], {}, wt).json).toMatchObject({ code: 'invalid_argument', field: 'format' });
    expect(runCli(['where', '--help'], {}, wt).stdout).toMatch(/^coordinator where: /);
    expect(runCli(['--help']).stdout).toMatch(/^ {2}where +the database file/m);
  });
});

describe('lookup-only verbs', () => {
  it('create no database file, by default or with --db', () => {
    const { main, wt } = repoWithWorktree();
    const ddl = `${DDL_DIR}pgloader-f1db-circuits.mysql.sql`;
    const given = join(realpathSync(tempDir()), 'given.db');
    const runs: [string[], number][] = [
      [['get-database', 'postgres'], 0],
      [['get-database', 'postgress'], 1], // a miss, with suggestions
      [['recommend-databases', '--workloads', 'cache', '--limit', '2'], 0],
      [['plan-migration', '--from', 'mysql', '--to', 'postgresql', '--ddl', ddl, '--format', 'markdown'], 0],
      [['plan-migration', '--from', 'mysql', '--to', 'postgresql'], 0],
      [['convert-schema', ddl, '--from', 'mysql', '--format', 'sql', '--no-validate'], 0],
      [['convert-schema', ddl, '--from', 'mysql', '--no-validate'], 0],
      [['agents', 'install', '--dry-run'], 0],
      [['where'], 0],
    ];
    for (const [args, code] of runs) {
      expect(runCli(args, {}, wt).code, args.join(' ')).toBe(code);
      expect(runCli([...args, '--db', given], { COORDINATOR_DB: join(main, 'env.db') }, main).code, args.join(' ')).toBe(code);
    }
    expect(existsSync(join(main, '.claude'))).toBe(false);
    expect(existsSync(join(wt, '.claude'))).toBe(false);
    expect(existsSync(given)).toBe(false);
    expect(readdirSync(main).filter((f) => f.endsWith('.db'))).toEqual([]);
  });
});
