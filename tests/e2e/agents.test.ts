import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeAgent } from '../helpers/agents.js';
import { callOk } from '../helpers/client.js';
import { assertBuilt, runCli, SERVER, spawnServer } from '../helpers/spawn.js';
import { tempDir } from '../helpers/tmp.js';

beforeAll(assertBuilt);


describe('the agent catalog in a running server', () => {
  it('reads project, user and extra folders, warns once per broken file on stderr, and still serves', async () => {
    const project = tempDir();
    const home = tempDir();
    const extra = tempDir();
    writeAgent(join(project, '.claude', 'agents'), 'team/pay.md', { name: 'acolyte.payment', description: 'Project payment module owner' });
    writeAgent(join(home, '.claude', 'agents'), 'mine.md', { name: 'my-helper', description: 'Personal helper for writing limericks' });
    writeAgent(extra, 'x.md', { name: 'extra.agent', description: 'From an extra folder about flamegraphs' });
    writeFileSync(join(project, '.claude', 'agents', 'broken.md'), '---\nname: [oops\n---\n');
    writeFileSync(join(extra, 'nameless.md'), '---\ndescription: no name\n---\n');
    const s = await spawnServer(['--db', join(project, 'c.db'), '--agents-dir', extra], { CLAUDE_PROJECT_DIR: project, HOME: home });
    try {
      const pay = await callOk(s.client, 'get_agent', { name: '@acolyte.payment' });
      expect(pay).toMatchObject({ source: 'project', description: 'Project payment module owner' });
      expect((await callOk(s.client, 'search_agents', { query: 'limericks', limit: 1 })).results[0].name).toBe('@my-helper');
      expect((await callOk(s.client, 'search_agents', { query: 'flamegraphs', limit: 1 })).results[0].name).toBe('@extra.agent');
      const warnings = s.stderr().split('\n').filter((l) => l.includes('skipped agent file'));
      expect(warnings).toHaveLength(2);
      expect(warnings.some((w) => w.includes('broken.md') && /bad YAML/.test(w))).toBe(true);
      expect(warnings.some((w) => w.includes('nameless.md') && /no name/.test(w))).toBe(true);
    } finally {
      await s.close();
    }
  });

  it('has read the agent folders before query_catalog looks at agents_catalog, even as its first call', async () => {
    const project = tempDir();
    writeAgent(join(project, '.claude', 'agents'), 'q.md', { name: 'query.first', description: 'Read before the first query' });
    const s = await spawnServer(['--db', join(project, 'c.db'), '--no-bundled-agents'], { CLAUDE_PROJECT_DIR: project, HOME: tempDir() });
    try {
      const out = await callOk(s.client, 'query_catalog', { sql: "SELECT name, status FROM agents_catalog WHERE name = '@query.first'" });
      expect(out.rows).toEqual([{ name: '@query.first', status: 'active' }]);
    } finally {
      await s.close();
    }
  });

  it('follows agent files created, edited and removed while it runs', async () => {
    const project = tempDir();
    const dir = join(project, '.claude', 'agents');
    writeAgent(dir, 'a.md', { name: 'live.one', description: 'handles carrots' });
    const s = await spawnServer(['--db', join(project, 'c.db'), '--no-bundled-agents'], { CLAUDE_PROJECT_DIR: project });
    const top = async (q: string) => (await callOk(s.client, 'search_agents', { query: q, limit: 1 })).results[0]?.name;
    const poll = { timeout: 6000, interval: 50 };
    try {
      expect(await top('carrots')).toBe('@live.one');
      writeAgent(dir, 'b.md', { name: 'live.two', description: 'handles turnips' });
      await expect.poll(() => top('turnips'), poll).toBe('@live.two');
      writeAgent(dir, 'a.md', { name: 'live.one', description: 'handles parsnips now' });
      await expect.poll(() => top('parsnips'), poll).toBe('@live.one');
      const { rmSync } = await import('node:fs');
      rmSync(join(dir, 'b.md'));
      await expect.poll(() => top('turnips'), poll).toBeUndefined();
      const rows = await callOk(s.client, 'query_catalog', { sql: 'SELECT name, status FROM agents_catalog ORDER BY name' });
      expect(rows.rows).toEqual([{ name: '@live.one', status: 'active' }, { name: '@live.two', status: 'inactive' }]);
    } finally {
      await s.close();
    }
  });
});

describe('agent verbs of the CLI', () => {
  it('search-agents, list-agents, get-agent and query print JSON', () => {
    const db = join(tempDir(), 'c.db');
    const search = runCli(['search-agents', 'Docker Kubernetes deployment pipeline', '2', '--db', db]);
    expect(search.code).toBe(0);
    expect(search.json).toMatchObject({ query: 'Docker Kubernetes deployment pipeline', results: [{ rank: 1, name: '@ops.containers' }, { rank: 2 }] });
    const list = runCli(['list-agents', '--domain', 'frontend', '--db', db]);
    expect(list.json.agents.map((a: { name: string }) => a.name)).toContain('@frontend.vue');
    expect(runCli(['get-agent', 'service.auth', '--db', db]).json.source).toBe('bundled');
    const q = runCli(['query', 'SELECT count(*) AS n FROM agents_catalog WHERE status = ?', '["active"]', '--db', db]);
    expect(q.json.rows[0].n).toBeGreaterThanOrEqual(40);
    const refused = runCli(['query', 'DROP TABLE flags', '--db', db]);
    expect(refused.code).toBe(1);
    expect(refused.json).toMatchObject({ rule: 'select_only' });
    expect(runCli(['query', 'SELECT count(*) AS n FROM flags', '--db', db]).json.rows).toEqual([{ n: 0 }]);
  });
});

describe('issue 15: only agents that exist', () => {
  /** A project with three agents of its own, one answering to a bundled handle. */
  function teamProject() {
    const project = tempDir();
    const dir = join(project, '.claude', 'agents');
    writeAgent(dir, 'fe.md', { name: 'frontend-developer', description: 'Builds the React user interface', tags: '[react, frontend, components]' });
    writeAgent(dir, 'api.md', { name: 'backend-api', description: 'Owns the REST API', tags: '[rest, api]' });
    writeAgent(dir, 'pg.md', { name: 'database-postgres', description: 'Owns the PostgreSQL schema', tags: '[postgresql]', aliases: '["@database.postgres"]' });
    return project;
  }
  const flag = (target: string) => ({
    flag_type: 'change', source_agent: '@backend-api', target_agent: target,
    change_description: 'The users endpoint now returns paginated results instead of a bare array of rows',
    action_required: 'Update the user list page to read data.items and data.next_cursor, add a load-more button, and adjust users.spec.ts to the new response shape',
  });

  it('a server beside three user agents never returns a bundled agent, and warns a flag sent to one', async () => {
    const project = teamProject();
    const s = await spawnServer(['--db', join(project, 'c.db')], { CLAUDE_PROJECT_DIR: project, HOME: tempDir() });
    try {
      for (const query of ['React components', 'PostgreSQL query tuning', 'Kubernetes deployment', 'JWT authentication', 'REST API endpoints']) {
        const out = await callOk(s.client, 'search_agents', { query, limit: 20 });
        expect(out.results.every((r: { source: string }) => r.source === 'project'), query).toBe(true);
      }
      expect((await callOk(s.client, 'list_agents', { limit: 500 })).total).toBe(3);
      const made = await callOk(s.client, 'create_flag', flag('@frontend.react'));
      expect(made.warnings).toEqual([expect.stringMatching(/^target_agent @frontend.react is not in the agent catalog; .*@frontend-developer/)]);
      const aliased = await callOk(s.client, 'create_flag', flag('@database.postgres'));
      expect(aliased.to).toBe('@database-postgres');
      expect(aliased.warnings).toEqual(['target_agent @database.postgres is an alias of @database-postgres; the flag was sent to @database-postgres.']);
      const rows = await callOk(s.client, 'query_catalog', { sql: "SELECT status, count(*) AS n FROM agents_catalog WHERE source = 'bundled' GROUP BY status" });
      expect(rows.rows).toEqual([{ status: 'standby', n: 48 }]);
    } finally {
      await s.close();
    }
  });

  it('--bundled-agents on, COORDINATOR_BUNDLED_AGENTS and the deprecated spellings choose the bundled team', async () => {
    const total = async (args: string[], env: Record<string, string> = {}) => {
      const project = teamProject();
      const s = await spawnServer(['--db', join(project, 'c.db'), ...args], { CLAUDE_PROJECT_DIR: project, HOME: tempDir(), ...env });
      try {
        return (await callOk(s.client, 'list_agents', { limit: 500 })).total;
      } finally {
        await s.close();
      }
    };
    // 3 of the project's and 47 bundled: the project's alias @database.postgres shadows the bundled agent of that name
    expect(await total(['--bundled-agents', 'on'])).toBe(50);
    expect(await total([], { COORDINATOR_BUNDLED_AGENTS: 'on' })).toBe(50);
    expect(await total(['--bundled-agents', 'auto'], { COORDINATOR_BUNDLED_AGENTS: 'on' })).toBe(3);
    expect(await total(['--no-bundled-agents'], { COORDINATOR_BUNDLED_AGENTS: 'on' })).toBe(3);
    expect(await total([], { COORDINATOR_BUNDLED_AGENTS: 'no' })).toBe(3);
  });

  it('a server in auto mode with no agents of the user\'s own searches the bundled team, and a bad mode stops it with one line', async () => {
    const project = tempDir();
    const s = await spawnServer(['--db', join(project, 'c.db')], { CLAUDE_PROJECT_DIR: project, HOME: tempDir() });
    try {
      expect((await callOk(s.client, 'search_agents', { query: 'React components', limit: 1 })).results[0]).toMatchObject({ name: '@frontend.react', source: 'bundled' });
    } finally {
      await s.close();
    }
    const bad = spawnSync(process.execPath, [SERVER, '--bundled-agents', 'maybe'], { encoding: 'utf8', env: { HOME: tempDir() } });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe('coordinator-mcp: --bundled-agents must be auto, on or off (got "maybe"); see coordinator-mcp --help\n');
  });

  it('coordinator agents install copies the team (project and user scope), dry runs write nothing, and a second run is a no-op', () => {
    const project = tempDir();
    const home = tempDir();
    const env = { CLAUDE_PROJECT_DIR: project, HOME: home };
    const dry = runCli(['agents', 'install', '--dry-run'], env);
    expect(dry.code).toBe(0);
    expect(dry.json).toMatchObject({ scope: 'project', dry_run: true, folder: join(project, '.claude', 'agents') });
    expect(dry.json.written).toHaveLength(48);
    expect(existsSync(join(project, '.claude'))).toBe(false); // not even a database
    const done = runCli(['agents', 'install'], env);
    expect(done.json.written).toContainEqual({ file: 'frontend-react.md', name: '@frontend-react', alias: '@frontend.react' });
    expect(readdirSync(join(project, '.claude', 'agents'))).toHaveLength(48);
    const again = runCli(['agents', 'install'], env);
    expect(again.code).toBe(0);
    expect(again.json.written).toEqual([]);
    expect(again.json.message).toMatch(/^nothing to do/);
    const user = runCli(['agents', 'install', '--scope', 'user'], env);
    expect(user.json).toMatchObject({ scope: 'user', folder: join(home, '.claude', 'agents') });
    expect(readdirSync(join(home, '.claude', 'agents'))).toHaveLength(48);
    // the installed team answers to its old handles
    const db = join(tempDir(), 'c.db');
    expect(runCli(['get-agent', '@frontend.react', '--db', db], env).json).toMatchObject({ name: '@frontend-react', source: 'project' });
    // the CLI takes the same modes: the installed copies are the user's own, so auto sets the bundled team aside
    const count = (...args: string[]) => runCli(['list-agents', '--limit', '500', '--db', db, ...args], env).json.total;
    expect(count()).toBe(48);
    // with the bundled team on, each installed copy's alias (the dotted handle) shadows the bundled original
    expect(count('--bundled-agents', 'on')).toBe(48);
    expect(runCli(['list-agents', '--db', db, '--limit', '500', '--bundled-agents', 'on', '--source', 'bundled'], env).json.total).toBe(0);
    expect(runCli(['get-agent', '@frontend.react', '--db', db, '--bundled-agents', 'on'], env).json).toMatchObject({ name: '@frontend-react', source: 'project' });
    expect(count('--no-bundled-agents')).toBe(48);
    expect(runCli(['list-agents', '--db', db, '--limit', '500'], { ...env, COORDINATOR_BUNDLED_AGENTS: 'on' }).json.total).toBe(48);
    const badMode = runCli(['list-agents', '--db', db, '--bundled-agents', 'maybe'], env);
    expect(badMode.code).toBe(1);
    expect(badMode.json).toMatchObject({ code: 'invalid_argument', field: 'bundled_agents' });
    const wrong = runCli(['agents', 'uninstall'], env);
    expect(wrong.code).toBe(1);
    expect(wrong.json.error).toMatch(/unknown agents command "uninstall"/);
    expect(runCli(['agents', '--help']).stdout).toContain('coordinator agents install [--scope project|user] [--dry-run]');
  });
});
