import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeAgent } from '../helpers/agents.js';
import { callOk } from '../helpers/client.js';
import { assertBuilt, runCli, spawnServer } from '../helpers/spawn.js';
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
