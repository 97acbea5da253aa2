// Issue 15 through the MCP tools: aliases resolve to real handles, and every target or queue
// that is no active agent is said so.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { join } from 'node:path';
import * as z from 'zod';
import { afterEach, describe, expect, it } from 'vitest';
import { installBundledAgents } from '../../src/agents/install.js';
import { BUNDLED_AGENTS_DIR } from '../../src/config.js';
import { toolRegistry, type ServiceOptions, type Services } from '../../src/server.js';
import { openStore, type DB } from '../../src/store/db.js';
import { writeAgent } from '../helpers/agents.js';
import { callErr, callOk, connectInProcess } from '../helpers/client.js';
import { ACTION, DESC, flagInput, tempDir } from '../helpers/tmp.js';

let db: DB | undefined;
let client: Client;
let services: Services;
let close: (() => Promise<void>) | undefined;

async function start(options: ServiceOptions) {
  const dbPath = join(tempDir(), 'c.db');
  db = openStore(dbPath);
  ({ client, services, close } = await connectInProcess(db, { dbPath, ...options }));
}
afterEach(async () => {
  await close?.();
  db?.close();
  close = undefined;
  db = undefined;
});

/** A project of three agents, one answering to the bundled team's dotted handle. */
async function startWithTeam(bundled?: 'auto' | 'on') {
  const project = tempDir();
  writeAgent(project, 'pg.md', { name: 'database-postgres', description: 'Our PostgreSQL owner for schema, migrations and query tuning', tags: '[postgresql, migrations]', aliases: '["@database.postgres"]' });
  writeAgent(project, 'fe.md', { name: 'frontend-developer', description: 'Builds the React user interface and its pages', tags: '[react, frontend, pagination]' });
  writeAgent(project, 'api.md', { name: 'backend-api', description: 'Owns the REST API and its endpoints', tags: '[rest, api, endpoints]' });
  await start({ agentRoots: [{ source: 'bundled', dir: BUNDLED_AGENTS_DIR }, { source: 'project', dir: project }], bundledAgents: bundled });
  services.agents.search.warm();
  return project;
}

const outputOf = (name: string) => z.object(toolRegistry(services).find((t) => t.name === name)!.output);

describe('aliases through the tools', () => {
  it('get_agent, create_flag and get_agent_flags accept an alias; the flag is stored under the real handle and the answer says so', async () => {
    await startWithTeam();
    expect(await callOk(client, 'get_agent', { name: '@database.postgres' })).toMatchObject({ name: '@database-postgres', source: 'project' });
    const made = await callOk(client, 'create_flag', flagInput({ source_agent: '@backend-api', target_agent: '@database.postgres' }));
    outputOf('create_flag').parse(made);
    expect(made).toMatchObject({ to: '@database-postgres', flag: { target_agent: '@database-postgres' } });
    expect(made.warnings).toEqual(['target_agent @database.postgres is an alias of @database-postgres; the flag was sent to @database-postgres.']);
    const stored = db!.prepare('SELECT target_agent FROM flags WHERE id = ?').pluck().get(made.flag_id);
    expect(stored).toBe('@database-postgres');

    const queue = await callOk(client, 'get_agent_flags', { agent: 'database.postgres' });
    outputOf('get_agent_flags').parse(queue);
    expect(queue).toMatchObject({ agent: '@database-postgres', total_pending: 1, flags: [{ id: made.flag_id }] });
    expect(queue.warnings).toEqual(['@database.postgres is an alias of @database-postgres; this is the queue of @database-postgres.']);
    expect((await callOk(client, 'get_agent_flags', { agent: '@database-postgres' })).warnings).toBeUndefined();

    // the acting agent may go by its alias too: the lock is taken, and completed, by the real handle
    expect((await callOk(client, 'lock_flag', { id: made.flag_id, agent: '@database.postgres' })).lock.holder).toBe('@database-postgres');
    expect((await callOk(client, 'complete_flag', { id: made.flag_id, agent: '@database.postgres', notes: 'done' })).completed_by).toBe('@database-postgres');
    expect((await callOk(client, 'list_flags', { status: 'all', target_agent: '@database.postgres' })).total).toBe(1);
  });

  it('update_flag resolves a new target given as an alias, and says so', async () => {
    await startWithTeam();
    const made = await callOk(client, 'create_flag', flagInput({ source_agent: '@backend-api', target_agent: '@frontend-developer' }));
    expect(made.warnings).toEqual([]);
    const moved = await callOk(client, 'update_flag', { id: made.flag_id, agent: '@backend-api', target_agent: '@database.postgres' });
    outputOf('update_flag').parse(moved);
    expect(moved.flag.target_agent).toBe('@database-postgres');
    expect(moved.warnings).toEqual(['target_agent @database.postgres is an alias of @database-postgres; the flag now goes to @database-postgres.']);
  });
});

describe('flags sent before an alias existed (issue 15 review)', () => {
  it('stay in the queue of the agent the alias now names, and their sender and holder keep their rights under the new handles', async () => {
    const project = tempDir();
    const folder = join(project, '.claude', 'agents');
    await start({ agentRoots: [{ source: 'bundled', dir: BUNDLED_AGENTS_DIR }, { source: 'project', dir: folder }] });
    const made = await callOk(client, 'create_flag', flagInput({ source_agent: '@backend.api', target_agent: '@database.postgres' }));
    expect(made).toMatchObject({ from: '@backend.api', to: '@database.postgres', warnings: [] });
    const other = await callOk(client, 'create_flag', flagInput({ source_agent: '@backend.api', target_agent: '@database.postgres', impact_level: 'low' }));
    await callOk(client, 'lock_flag', { id: other.flag_id, agent: '@database.postgres' });

    // the team is installed: the bundled agents stand by, @database.postgres is an alias of @database-postgres
    installBundledAgents({ env: { CLAUDE_PROJECT_DIR: project }, home: tempDir() });
    services.agents.catalog.refresh();
    expect((await callOk(client, 'get_agent', { name: '@database.postgres' })).name).toBe('@database-postgres');
    for (const agent of ['@database.postgres', '@database-postgres']) {
      const queue = await callOk(client, 'get_agent_flags', { agent });
      expect(queue).toMatchObject({ agent: '@database-postgres', total_pending: 2, held_by_others: 0 });
      expect(queue.flags.map((f: { id: number }) => f.id)).toEqual([made.flag_id, other.flag_id]);
    }
    expect((await callOk(client, 'list_flags', { target_agent: '@database-postgres' })).total).toBe(2);
    expect((await callOk(client, 'list_flags', { source_agent: '@backend-api' })).total).toBe(2);
    expect((await callOk(client, 'get_workable_flags', {})).agents).toEqual([
      expect.objectContaining({ target_agent: '@database-postgres', workable: 1, held: 1, agent_exists: true }),
    ]);

    // the sender withdraws and edits under its new handle; a third agent may not
    expect(await callErr(client, 'delete_flag', { id: made.flag_id, agent: '@frontend-react' })).toMatch(/only the source agent @backend.api may withdraw flag/);
    expect(await callOk(client, 'update_flag', { id: made.flag_id, agent: '@backend-api', impact_level: 'high' })).toMatchObject({ changed: ['impact_level'] });
    expect(await callOk(client, 'delete_flag', { id: made.flag_id, agent: '@backend-api' })).toMatchObject({ deleted: true });
    // the holder of the lock taken under the old handle renews, unlocks and completes under the new one
    expect(await callErr(client, 'complete_flag', { id: other.flag_id, agent: '@frontend-react' })).toMatch(/locked by @database.postgres/);
    expect((await callOk(client, 'lock_flag', { id: other.flag_id, agent: '@database-postgres' })).action).toBe('renewed');
    expect((await callOk(client, 'complete_flag', { id: other.flag_id, agent: '@database-postgres', notes: 'done' })).completed_by).toBe('@database-postgres');
  });
});

describe('warnings for targets that are no agent', () => {
  it('never route to the bundled team beside the user\'s own agents (auto), and warn a flag to it with the closest real agents', async () => {
    await startWithTeam();
    const found = await callOk(client, 'search_agents', { query: 'React frontend components', limit: 10 });
    expect(found.results.length).toBeGreaterThan(0);
    expect(found.results.every((r: { source: string }) => r.source === 'project')).toBe(true);
    expect((await callOk(client, 'list_agents', {})).total).toBe(3);
    const made = await callOk(client, 'create_flag', flagInput({ target_agent: '@frontend.react' }));
    expect(made.flag.target_agent).toBe('@frontend.react'); // stored as asked: update_flag can move it
    expect(made.warnings).toHaveLength(1);
    expect(made.warnings[0]).toMatch(/^target_agent @frontend.react is not in the agent catalog; (did you mean|search_agents suggests) .*@frontend-developer.*The flag was created; update_flag can change its target\.$/);
  });

  it('name agents search_agents finds for the flag\'s own text when no name is close', async () => {
    await startWithTeam();
    const made = await callOk(client, 'create_flag', flagInput({
      target_agent: '@zq.xv',
      change_description: 'The React user interface pages must paginate the list of users from now on',
      action_required: `${ACTION} in the frontend`,
    }));
    expect(made.warnings).toEqual([expect.stringMatching(/^target_agent @zq.xv is not in the agent catalog; search_agents suggests @frontend-developer(, @[a-z-]+)* for this flag's text\. The flag was created; update_flag can change its target\.$/)]);
  });

  it('say that no agents are known, and how to add them, when the catalog is empty; broadcasts never warn', async () => {
    await start({ agentRoots: [{ source: 'project', dir: tempDir() }] });
    const made = await callOk(client, 'create_flag', flagInput({ target_agent: '@frontend.react' }));
    expect(made.warnings).toEqual([
      'target_agent @frontend.react is not in the agent catalog: no agents are known: add agent files to <project>/.claude/agents/ or ~/.claude/agents/, or run "coordinator agents install" to copy the bundled team there. The flag was created; update_flag can change its target.',
    ]);
    const broadcast = await callOk(client, 'create_flag', flagInput({ target_agent: null }));
    expect(broadcast.warnings).toEqual([]);
    const edited = await callOk(client, 'update_flag', { id: broadcast.flag_id, agent: flagInput().source_agent, impact_level: 'low' });
    expect(edited.warnings).toBeUndefined();
    services.agents.search.warm();
    const queue = await callOk(client, 'get_agent_flags', { agent: '@frontend.react' });
    expect(queue.warnings).toEqual([expect.stringMatching(/^@frontend.react is not in the agent catalog: no agents are known/)]);
  });

  it('get_workable_flags marks each queue whose agent does not exist, and leaves broadcasts alone', async () => {
    await startWithTeam();
    await callOk(client, 'create_flag', flagInput({ target_agent: '@frontend-developer' }));
    await callOk(client, 'create_flag', flagInput({ target_agent: '@frontend.react' }));
    await callOk(client, 'create_flag', flagInput({ target_agent: null }));
    // a flag stored under an alias before the alias existed (or by an older server) counts in the agent's queue
    db!.prepare("UPDATE flags SET target_agent = '@database.postgres' WHERE id = 2").run();
    await callOk(client, 'create_flag', flagInput({ target_agent: '@frontend.reakt', change_description: DESC }));
    const out = await callOk(client, 'get_workable_flags', {});
    outputOf('get_workable_flags').parse(out);
    const byTarget = Object.fromEntries(out.agents.map((a: { target_agent: string | null }) => [String(a.target_agent), a]));
    expect(byTarget['@frontend-developer']).toMatchObject({ agent_exists: true });
    expect(byTarget['@frontend-developer'].note).toBeUndefined();
    expect(byTarget['@frontend.reakt']).toMatchObject({ agent_exists: false, note: 'no such agent in the catalog: nobody reads these' });
    expect(byTarget['@database.postgres']).toBeUndefined();
    expect(byTarget['@database-postgres']).toMatchObject({ agent_exists: true, workable: 1 });
    expect(out.total_agents).toBe(4);
    expect(byTarget.null).not.toHaveProperty('agent_exists');
    expect(byTarget.null).not.toHaveProperty('note');
  });

  it('keeps the bundled team searchable beside the user\'s agents with --bundled-agents on', async () => {
    await startWithTeam('on');
    const made = await callOk(client, 'create_flag', flagInput({ target_agent: '@frontend.react' }));
    expect(made.warnings).toEqual([]);
    // the project agent's alias wins over the bundled agent of that name, which is shadowed
    expect(await callOk(client, 'get_agent', { name: '@database.postgres' })).toMatchObject({ name: '@database-postgres', source: 'project' });
    expect((await callOk(client, 'create_flag', flagInput({ target_agent: '@database.postgres' }))).to).toBe('@database-postgres');
    expect((await callOk(client, 'list_agents', { source: 'project' })).total).toBe(3);
    expect(await callErr(client, 'list_agents', { source: 'elsewhere' })).toMatch(/source/);
  });
});

describe('resources agree with the catalog', () => {
  it('offer only the active agents (not the bundled team set aside), a plugin agent under an encoded URI, and read an alias', async () => {
    const plugin = tempDir();
    writeAgent(plugin, 'rev.md', { description: 'Reviews code for security holes' });
    const project = await startWithTeam();
    await close?.();
    db?.close();
    await start({
      agentRoots: [{ source: 'bundled', dir: BUNDLED_AGENTS_DIR }, { source: 'plugin', dir: plugin, plugin: 'review-kit' }, { source: 'project', dir: project }],
    });
    const resources = (await client.listResources()).resources.filter((r) => r.uri.startsWith('agent://'));
    expect(resources.map((r) => r.name).sort()).toEqual(['@backend-api', '@database-postgres', '@frontend-developer', '@review-kit:rev']);
    const uri = resources.find((r) => r.name === '@review-kit:rev')!.uri;
    expect(uri).toBe('agent://review-kit%3Arev');
    expect(((await client.readResource({ uri })).contents[0] as { text: string }).text).toContain('Reviews code for security holes');
    const aliased = await client.readResource({ uri: 'agent://database.postgres' });
    expect(aliased.contents[0]!._meta).toEqual({ name: '@database-postgres' });
    expect((await callOk(client, 'search_agents', { query: 'security review', limit: 1 })).results[0]).toMatchObject({ name: '@review-kit:rev', source: 'plugin' });
  });
});
