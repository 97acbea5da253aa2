import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { join } from 'node:path';
import * as z from 'zod';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUNDLED_AGENTS_DIR } from '../../src/config.js';
import { toolRegistry, type Services } from '../../src/server.js';
import { openStore, type DB } from '../../src/store/db.js';
import { writeAgent } from '../helpers/agents.js';
import { callErr, callOk, connectInProcess } from '../helpers/client.js';
import { flagInput, tempDir } from '../helpers/tmp.js';

let db: DB;
let dbPath: string;
let client: Client;
let services: Services;
let close: () => Promise<void>;
let projectAgents: string;

beforeEach(async () => {
  dbPath = join(tempDir(), 'c.db');
  db = openStore(dbPath);
  projectAgents = tempDir();
  writeAgent(projectAgents, 'pg.md', { name: 'database.postgres', description: 'Our own PostgreSQL owner', tags: '[postgresql, vacuum]' });
  ({ client, services, close } = await connectInProcess(db, {
    dbPath,
    agentRoots: [{ source: 'bundled', dir: BUNDLED_AGENTS_DIR }, { source: 'project', dir: projectAgents }],
    bundledAgents: 'on', // the bundled team beside a project agent (auto would set it aside)
  }));
});
afterEach(async () => {
  await close();
  db.close();
});

const outputOf = (name: string) => z.object(toolRegistry(services).find((t) => t.name === name)!.output);

describe('agent tools', () => {
  it('search_agents ranks with reasons and tells where each agent comes from', async () => {
    const out = await callOk(client, 'search_agents', { query: 'JWT authentication implementation', limit: 2 });
    outputOf('search_agents').parse(out);
    expect(out.results.map((r: { name: string }) => r.name)).toEqual(['@service.auth', '@backend.nodejs']);
    expect(out.results[0]).toMatchObject({ rank: 1, score: 100, reasons: ['tag: jwt', 'tag: authentication'], source: 'bundled' });
    const pg = await callOk(client, 'search_agents', { query: 'postgresql vacuum', limit: 1, filters: { source: 'project' } });
    expect(pg.results[0]).toMatchObject({ name: '@database.postgres', source: 'project', path: join(projectAgents, 'pg.md') });
  });

  it('get_agent returns the winning file, with what it overrides; unknown names get suggestions', async () => {
    const out = await callOk(client, 'get_agent', { name: 'database.postgres' });
    outputOf('get_agent').parse(out);
    expect(out).toMatchObject({ name: '@database.postgres', source: 'project', description: 'Our own PostgreSQL owner', shadows: [join(BUNDLED_AGENTS_DIR, 'database.postgres.md')] });
    const bundled = await callOk(client, 'get_agent', { name: '@service.auth' });
    expect(bundled.body).toContain('## Owns');
    expect(bundled.frontmatter.name).toBe('service.auth');
    const err = JSON.parse(await callErr(client, 'get_agent', { name: '@frontend.reakt' }));
    expect(err).toMatchObject({ code: 'not_found', field: 'name' });
    expect(err.suggestions).toContain('@frontend.react');
  });

  it('list_agents pages through the catalog with filters', async () => {
    const out = await callOk(client, 'list_agents', { domain: 'database', limit: 3 });
    outputOf('list_agents').parse(out);
    expect(out.total).toBeGreaterThanOrEqual(6);
    expect(out.agents.map((a: { name: string }) => a.name)).toEqual(['@database.elasticsearch', '@database.migration', '@database.mongodb']);
    expect(out.has_more).toBe(true);
  });

  it('create_flag warns about an unknown target, with "did you mean"', async () => {
    const out = await callOk(client, 'create_flag', flagInput({ target_agent: '@backend.nodjs' }));
    expect(out.flag_id).toBe(1);
    expect(out.warnings[0]).toMatch(/@backend.nodjs is not in the agent catalog; did you mean @backend.nodejs/);
    expect((await callOk(client, 'create_flag', flagInput())).warnings).toEqual([]);
  });

  it('update_flag warns about an unknown new target; get_agent_flags warns an agent the catalog does not know', async () => {
    const made = await callOk(client, 'create_flag', flagInput({ target_agent: '@backend.nodejs' }));
    const moved = await callOk(client, 'update_flag', { id: made.flag_id, agent: flagInput().source_agent, target_agent: '@data.pipelinx' });
    outputOf('update_flag').parse(moved);
    expect(moved.changed).toEqual(['target_agent']);
    expect(moved.warnings[0]).toMatch(/^target_agent @data.pipelinx is not in the agent catalog; did you mean @data.pipeline.*\? The flag was updated; update_flag can change its target.$/);
    // the target is still no agent: every edit says so, not only the one that set it
    const kept = await callOk(client, 'update_flag', { id: made.flag_id, agent: flagInput().source_agent, impact_level: 'high' });
    expect(kept.warnings).toEqual([expect.stringMatching(/^target_agent @data.pipelinx is not in the agent catalog; did you mean @data.pipeline/)]);
    const back = await callOk(client, 'update_flag', { id: made.flag_id, agent: flagInput().source_agent, target_agent: '@data.pipeline' });
    expect(back.warnings).toBeUndefined();
    const queue = await callOk(client, 'get_agent_flags', { agent: '@frontend.reac' });
    outputOf('get_agent_flags').parse(queue);
    expect(queue.warnings[0]).toMatch(/^@frontend.reac is not in the agent catalog; did you mean @frontend.react.*\? Only flags sent to exactly @frontend.reac, and broadcasts, are in this queue.$/);
    expect((await callOk(client, 'get_agent_flags', { agent: '@frontend.react' })).warnings).toBeUndefined();
    // a handle like no catalog name is no agent either: its flags reach nobody who reads them
    expect((await callOk(client, 'get_agent_flags', { agent: '@zq.xv' })).warnings).toEqual([
      '@zq.xv is not in the agent catalog; list_agents shows the agents there are. Only flags sent to exactly @zq.xv, and broadcasts, are in this queue.',
    ]);
  });

  it('offers every agent as a resource', async () => {
    const resources = (await client.listResources()).resources.filter((r) => r.uri.startsWith('agent://'));
    expect(resources.length).toBe(services.agents.catalog.size);
    expect(resources.find((r) => r.name === '@service.auth')).toMatchObject({ uri: 'agent://service.auth', mimeType: 'text/markdown' });
    const read = await client.readResource({ uri: 'agent://database.postgres' });
    const text = (read.contents[0] as { text: string }).text;
    expect(text).toMatch(/^---\nname: database.postgres\n/);
    expect(text).toContain('Our own PostgreSQL owner');
    await expect(client.readResource({ uri: 'agent://nobody.here' })).rejects.toThrow(/no agent named @nobody.here/);
  });
});

describe('query_catalog', () => {
  it('answers read-only SQL with columns and capped rows', async () => {
    await callOk(client, 'create_flag', flagInput());
    const out = await callOk(client, 'query_catalog', {
      sql: "SELECT name, source FROM agents_catalog WHERE status = 'active' AND domain = ? ORDER BY name", params: ['database'], max_rows: 2,
    });
    outputOf('query_catalog').parse(out);
    expect(out).toMatchObject({ columns: ['name', 'source'], row_count: 2, truncated: true });
    expect(out.rows[0]).toEqual({ name: '@database.elasticsearch', source: 'bundled' });
    const named = await callOk(client, 'query_catalog', { sql: 'SELECT count(*) AS n FROM flags WHERE target_agent = :t', params: { t: '@frontend.react' } });
    expect(named.rows).toEqual([{ n: 1 }]);
    const seedQuery = await callOk(client, 'query_catalog', {
      sql: "SELECT name, module, description, capabilities FROM agents_catalog WHERE status='active' AND module LIKE '%postgres%'",
    });
    expect(seedQuery.rows.map((r: { name: string }) => r.name)).toEqual(['@database.postgres']);
  });

  it.each([
    ['DELETE FROM flags', 'select_only'],
    ['DROP TABLE flags', 'select_only'],
    ["ATTACH DATABASE 'x.db' AS x", 'select_only'],
    ['PRAGMA journal_mode = DELETE', 'select_only'],
    ['SELECT 1; DELETE FROM flags', 'single_statement'],
    ['WITH t AS (SELECT 1) DELETE FROM flags', 'read_only'],
    ["SELECT load_extension('x')", 'execution'],
    ['SELEC 1', 'select_only'],
    ['SELECT * FROM nowhere', 'syntax'],
  ])('refuses %j and leaves the database unchanged', async (sql, rule) => {
    await callOk(client, 'create_flag', flagInput());
    const err = JSON.parse(await callErr(client, 'query_catalog', { sql }));
    expect(err).toMatchObject({ field: 'sql', rule });
    expect(db.prepare('SELECT count(*) FROM flags').pluck().get()).toBe(1);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('returns 200 rows unless asked, at most 1,000, as the README says', async () => {
    const rows = (n: number) => `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ${n}) SELECT x FROM c`;
    expect(await callOk(client, 'query_catalog', { sql: rows(1500) })).toMatchObject({ row_count: 200, truncated: true });
    expect(await callOk(client, 'query_catalog', { sql: rows(200) })).toMatchObject({ row_count: 200, truncated: false });
    const most = await callOk(client, 'query_catalog', { sql: rows(1500), max_rows: 1000 });
    expect(most).toMatchObject({ row_count: 1000, truncated: true });
    expect(most.rows.at(-1)).toEqual({ x: 1000 });
    expect(JSON.parse(await callErr(client, 'query_catalog', { sql: rows(1500), max_rows: 1001 }))).toMatchObject({ field: 'max_rows' });
    expect(JSON.parse(await callErr(client, 'query_catalog', { sql: rows(1500), max_rows: 0 }))).toMatchObject({ field: 'max_rows' });
  });

  it('stops a runaway query after its 3 s, not before, and keeps serving', async () => {
    const started = Date.now();
    const err = JSON.parse(await callErr(client, 'query_catalog', { sql: 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c' }));
    expect(err).toMatchObject({ rule: 'timeout' });
    // A generous band around the README's 3 s: it detects a changed limit, not a slow machine.
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(2500);
    expect(elapsed).toBeLessThan(6000);
    expect((await callOk(client, 'query_catalog', { sql: 'SELECT 41 + 1 AS answer' })).rows).toEqual([{ answer: 42 }]);
    expect((await callOk(client, 'get_workable_flags', {})).agents).toEqual([]);
  });
});
