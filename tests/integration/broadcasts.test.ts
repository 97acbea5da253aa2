// Issue 16 part 4 through the MCP tools: a broadcast is acknowledged per agent; its sender sees
// who has and who has not, and closes it for everyone.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import * as z from 'zod';
import { beforeEach, describe, expect, it } from 'vitest';
import { toolRegistry, type Services } from '../../src/server.js';
import { openStore, type DB } from '../../src/store/db.js';
import { writeAgent } from '../helpers/agents.js';
import { callErr, callOk, connectInProcess } from '../helpers/client.js';
import { flagInput, tempDir } from '../helpers/tmp.js';
import { STORE_KINDS, openTestStore } from '../helpers/stores.js';

describe.each(STORE_KINDS)('on %s', (kind) => {
let db: DB;
let client: Client;
let services: Services;
let close: () => Promise<void>;

beforeEach(async () => {
  const store = await openTestStore(kind);
  const project = tempDir();
  writeAgent(project, 'pg.md', { name: 'database-postgres', description: 'Our PostgreSQL owner for schema, migrations and query tuning', aliases: '["@database.postgres"]' });
  writeAgent(project, 'fe.md', { name: 'frontend-developer', description: 'Builds the React user interface and its pages' });
  writeAgent(project, 'api.md', { name: 'backend-api', description: 'Owns the REST API and its endpoints' });
  // SQLite: one file for flags and catalog; PostgreSQL (PGlite): the flags there, the catalog in memory.
  const dbPath = store.db ? store.db.name : ':memory:';
  db = store.db ?? openStore(':memory:');
  ({ client, services, close } = await connectInProcess(db, { dbPath, agentRoots: [{ source: 'project', dir: project }], flagStore: store.store }));
  return async () => {
    await close();
    db.close();
  };
});


describe('broadcasts over MCP', () => {
  it('stay in each agent\'s queue until it acknowledges them; the sender sees who has and who has not, and closes them for all', async () => {
    const outputs = Object.fromEntries(toolRegistry(services).map((t) => [t.name, z.object(t.output)]));
    const call = async (name: string, args: Record<string, unknown>) => {
      const out = await callOk(client, name, args);
      outputs[name]!.parse(out);
      return out;
    };
    const { flag_id: id } = await call('create_flag', flagInput({ source_agent: '@backend-api', target_agent: null }));
    const before = await call('get_flag', { id });
    expect(before).toMatchObject({ acknowledged_by: [], not_acknowledged: ['@database-postgres', '@frontend-developer'] });

    const ack = await call('complete_flag', { id, agent: '@frontend-developer', notes: 'Pages use the new field' });
    expect(ack).toMatchObject({ already_acknowledged: false, already_completed: false, flag: { status: 'pending' } });
    expect((await call('get_agent_flags', { agent: '@frontend-developer' })).total_pending).toBe(0);
    expect((await call('get_agent_flags', { agent: '@database-postgres' })).flags.map((f: { id: number }) => f.id)).toEqual([id]);
    // An alias acknowledges for the agent it names.
    await call('complete_flag', { id, agent: '@database.postgres' });
    expect((await call('get_agent_flags', { agent: '@database-postgres' })).total_pending).toBe(0);
    const seen = await call('get_flag', { id });
    expect(seen.acknowledged_by.map((a: { agent: string }) => a.agent)).toEqual(['@frontend-developer', '@database-postgres']);
    expect(seen.not_acknowledged).toEqual([]);
    expect(seen.history.map((h: { action: string }) => h.action)).toEqual(['created', 'acknowledged', 'acknowledged']);
    expect((await call('list_flags', { broadcast_only: true })).total).toBe(1); // open until closed for all
    // list_flags leaves out what one agent (under its name or an alias) has acknowledged.
    expect((await call('list_flags', { not_acknowledged_by: '@database.postgres' })).total).toBe(0);
    expect((await call('list_flags', { not_acknowledged_by: '@backend-api' })).flags.map((f: { id: number }) => f.id)).toEqual([id]);
    expect(JSON.parse(await callErr(client, 'list_flags', { not_acknowledged_by: 'no handle!' }))).toMatchObject({ field: 'not_acknowledged_by' });

    expect(JSON.parse(await callErr(client, 'lock_flag', { id, agent: '@frontend-developer' }))).toMatchObject({ rule: 'broadcast_not_locked' });
    expect(JSON.parse(await callErr(client, 'complete_flag', { id, agent: '@frontend-developer', close_for_all: true }))).toMatchObject({ rule: 'source_only' });
    const closed = await call('complete_flag', { id, agent: '@backend-api', notes: 'All done', close_for_all: true });
    expect(closed).toMatchObject({ already_completed: false, completed_by: '@backend-api', flag: { status: 'completed' } });
    expect(await call('get_flag', { id })).toMatchObject({ flag: { status: 'completed' }, not_acknowledged: [] });
    expect((await call('list_flags', { status: 'completed' })).total).toBe(1);
    expect((await call('get_workable_flags', {})).agents).toEqual([]);
  });

  it('lets another agent close a broadcast only with force, recorded', async () => {
    const { flag_id: id } = await callOk(client, 'create_flag', flagInput({ source_agent: '@backend-api', target_agent: null }));
    expect(JSON.parse(await callErr(client, 'complete_flag', { id, agent: '@frontend-developer', force: true }))).toMatchObject({ field: 'force', rule: 'with_close_for_all' });
    await callOk(client, 'complete_flag', { id, agent: '@frontend-developer', close_for_all: true, force: true });
    const { history } = await callOk(client, 'get_flag', { id });
    expect(history.at(-1)).toMatchObject({ action: 'completed', agent: '@frontend-developer', details: { closed_for_all: true, forced: true, acknowledged: 0 } });
  });

  it('get_flag of a flag with a target has no acknowledgement fields', async () => {
    const { flag_id: id } = await callOk(client, 'create_flag', flagInput({ source_agent: '@backend-api', target_agent: '@frontend-developer' }));
    const out = await callOk(client, 'get_flag', { id });
    expect(out).not.toHaveProperty('acknowledged_by');
    expect(out).not.toHaveProperty('not_acknowledged');
  });
});
});
