import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import * as z from 'zod';
import { beforeEach, describe, expect, it } from 'vitest';
import { toolRegistry, type Services } from '../../src/server.js';
import { openStore, type DB } from '../../src/store/db.js';
import { callErr, callOk, connectInProcess, useInProcessServer } from '../helpers/client.js';
import { STORE_KINDS, openTestStore } from '../helpers/stores.js';
import { ACTION, DESC, flagInput } from '../helpers/tmp.js';

let db: DB;
let client: Client;
let services: Services;
useInProcessServer((s) => ({ db, client, services } = s));

const rows = () => db.prepare('SELECT count(*) FROM flags').pluck().get();

describe('tools/list', () => {
  it('describes every tool fully, with annotations true to what it does', async () => {
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toEqual([
      'create_flag', 'get_agent_flags', 'list_flags', 'get_flag', 'update_flag', 'delete_flag', 'lock_flag', 'unlock_flag',
      'complete_flag', 'get_workable_flags', 'search_agents', 'get_agent', 'list_agents', 'query_catalog',
      'list_databases', 'get_database', 'compare_databases', 'recommend_databases', 'get_architecture_pattern', 'size_database_memory',
      ...(names.includes('plan_migration') ? ['plan_migration', 'convert_schema'] : []),
    ]);
    for (const tool of tools) {
      expect(`mcp__coordinator__${tool.name}`).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
      expect(tool.title).toBeTruthy();
      expect(tool.description!.length).toBeGreaterThan(40);
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.inputSchema).not.toHaveProperty('$schema');
      expect(tool.inputSchema).not.toHaveProperty('additionalProperties');
      expect(tool.outputSchema).toMatchObject({ type: 'object' });
      expect(tool.outputSchema).not.toHaveProperty('$schema');
      expect(tool.outputSchema).not.toHaveProperty('anyOf');
      for (const [prop, schema] of Object.entries(tool.inputSchema.properties ?? {})) {
        expect((schema as { description?: string }).description, `${tool.name}.${prop} has a description`).toBeTruthy();
      }
    }
    const ann = Object.fromEntries(tools.map((t) => [t.name, t.annotations]));
    expect(ann.get_agent_flags).toEqual({ readOnlyHint: true, openWorldHint: false });
    // Hints equal to the spec's defaults (readOnlyHint false, idempotentHint false) are left out.
    expect(ann.create_flag).toEqual({ destructiveHint: false, openWorldHint: false });
    expect(ann.delete_flag).toEqual({ destructiveHint: true, openWorldHint: false });
    expect(ann.complete_flag).toEqual({ destructiveHint: false, idempotentHint: true, openWorldHint: false });
    expect(ann.lock_flag).toEqual({ destructiveHint: false, openWorldHint: false });
    expect(ann.query_catalog).toMatchObject({ readOnlyHint: true });
  });

  it('fits in 24 KB of the model\'s context (issue 6), output schemas included', async () => {
    const result = await client.listTools();
    const bytes = Buffer.byteLength(JSON.stringify(result));
    expect(result.tools).toHaveLength(22);
    expect(result.tools.every((t) => t.outputSchema)).toBe(true);
    expect(bytes, `tools/list is ${bytes} bytes: shorten descriptions before adding more`).toBeLessThan(24 * 1024);
  });
});

describe.each(STORE_KINDS)('tool calls on %s', (kind) => {
  let pgRows: (() => Promise<number>) | undefined;
  beforeEach(async () => {
    if (kind !== 'postgres') return;
    // The flags on PostgreSQL (PGlite), the agent catalog in memory: the server of a team.
    const t = await openTestStore('postgres');
    const memory = openStore(':memory:');
    const connected = await connectInProcess(memory, { flagStore: t.store });
    ({ client, services } = connected);
    pgRows = async () => Number((await t.query('SELECT count(*) AS n FROM flags'))[0]!.n);
    return async () => {
      await connected.close();
      memory.close();
    };
  });
  const count = async () => (kind === 'postgres' ? pgRows!() : rows());
  it('runs a flag through its whole life, every answer matching its declared output schema', async () => {
    const outputs = Object.fromEntries(toolRegistry(services).map((t) => [t.name, z.object(t.output)]));
    const call = async (name: string, args: Record<string, unknown>) => {
      const out = await callOk(client, name, args);
      outputs[name]!.parse(out);
      return out;
    };
    const created = await call('create_flag', flagInput({ impact_level: 'high', related_files: ['src/users.ts'], context: { pr: 12 } }));
    expect(created).toMatchObject({ success: true, flag_id: 1, from: '@backend.api', to: '@frontend.react', priority: 'high' });
    expect(created.message).toBe('FLAG #1 created: change for @frontend.react');
    const chained = await call('create_flag', flagInput({ source_agent: 'frontend.react', target_agent: '@qa.testing', chain_origin_id: 1 }));
    expect((await call('get_agent_flags', { agent: 'frontend.react' })).flags.map((f: { id: number }) => f.id)).toEqual([1]);
    expect(await call('lock_flag', { id: 1, agent: '@frontend.react', lease_seconds: 120 })).toMatchObject({ action: 'locked', lock: { holder: '@frontend.react' } });
    await call('update_flag', { id: chained.flag_id, agent: '@frontend.react', impact_level: 'low' });
    expect((await call('list_flags', { source_agent: '@frontend.react' })).flags[0]).toMatchObject({ impact_level: 'low' });
    expect((await call('get_workable_flags', {})).agents).toEqual([
      expect.objectContaining({ target_agent: '@qa.testing', workable: 1, highest_impact: 'low' }),
      expect.objectContaining({ target_agent: '@frontend.react', workable: 0, held: 1, highest_impact: null }),
    ]);
    expect(await call('complete_flag', { id: 1, agent: '@frontend.react', notes: 'List page paginates now' })).toMatchObject({
      already_completed: false, notes: 'List page paginates now',
    });
    const full = await call('get_flag', { id: 2 });
    expect(full.chain.map((c: { id: number }) => c.id)).toEqual([1, 2]);
    expect(full.history.map((h: { action: string }) => h.action)).toEqual(['created', 'updated']);
    expect(await call('unlock_flag', { id: 1, agent: '@frontend.react' })).toMatchObject({ was_locked: false });
    expect(await call('delete_flag', { id: 2, agent: '@frontend.react' })).toMatchObject({ deleted: true, flag_id: 2 });
    expect(await count()).toBe(1);
  });

  it('names the argument and the rule when the input does not fit the schema, and changes nothing', async () => {
    const err = async (name: string, args: Record<string, unknown>) => JSON.parse(await callErr(client, name, args));
    const missing = await err('create_flag', { source_agent: '@a.b', flag_type: 'change', change_description: DESC, action_required: ACTION });
    expect(missing).toMatchObject({ code: 'invalid_argument', field: 'target_agent', rule: 'required' });
    // A missing target says what null does (issue 16): the model retries with a handle or null, not a word.
    expect(missing.error).toMatch(/target_agent is missing: give the handle of the agent who must act.*or null \(JSON null.*\) to broadcast to every agent at target_agent$/);
    const wrongType = await err('lock_flag', { id: 'one', agent: '@a.b' });
    expect(wrongType).toMatchObject({ field: 'id', rule: 'invalid_type' });
    expect(wrongType.error).toMatch(/expected number, got string.* at id/);
    const unknown = await err('create_flag', { ...flagInput(), impact: 'high' });
    expect(unknown).toMatchObject({ field: 'impact', rule: 'unrecognized_keys' });
    expect(unknown.error).toMatch(/unknown argument\(s\) "impact"; the accepted arguments are .*impact_level/);
    expect(await err('create_flag', flagInput({ flag_type: 'urgent' }))).toMatchObject({ field: 'flag_type', rule: 'invalid_value' });
    const slip = await err('create_flag', flagInput({ flag_type: 'breaking' }));
    expect(slip.error).toMatch(/must be one of breaking_change, .*; got "breaking": did you mean breaking_change\? at flag_type/);
    const short = await err('lock_flag', { id: 1, agent: '@a.b', lease_seconds: 5 });
    expect(short).toMatchObject({ field: 'lease_seconds', rule: 'too_small' });
    expect(short.error).toMatch(/must be at least \d+, got 5/);
    const fraction = await err('lock_flag', { id: 1.5, agent: '@a.b' });
    expect(fraction.error).toMatch(/expected a whole number, got number 1.5.* at id/);
    expect(await count()).toBe(0);
  });

  it('returns rule refusals as isError JSON with the field, rule and lengths', async () => {
    const text = await callErr(client, 'create_flag', flagInput({ change_description: 'too short' }));
    expect(JSON.parse(text)).toMatchObject({ code: 'invalid_argument', field: 'change_description', rule: 'min_length', current_length: 9, required_length: 50 });
    await callOk(client, 'create_flag', flagInput());
    await callOk(client, 'lock_flag', { id: 1, agent: '@a.one' });
    const held = JSON.parse(await callErr(client, 'lock_flag', { id: 1, agent: '@b.two' }));
    expect(held).toMatchObject({ code: 'conflict', rule: 'locked_by_other', holder: '@a.one' });
    expect(JSON.parse(await callErr(client, 'get_flag', { id: 42 }))).toMatchObject({ code: 'not_found', field: 'id' });
    expect(await count()).toBe(1);
  });

  it('accepts related_files as a comma-separated string', async () => {
    const out = await callOk(client, 'create_flag', flagInput({ related_files: 'a.ts,b.ts' }));
    expect(out.flag.related_files).toEqual(['a.ts', 'b.ts']);
  });
});

describe('a full disk', () => {
  it('refuses every flag write with the one code "store" (rule disk_full), stores nothing, and serves reads', async () => {
    const first = await callOk(client, 'create_flag', flagInput());
    // SQLite's own size limit stands in for a full disk: a write that needs a new page fails with SQLITE_FULL.
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true })}`);
    const contents = () => JSON.stringify([db.prepare('SELECT * FROM flags ORDER BY id').all(), db.prepare('SELECT * FROM flag_history ORDER BY id').all()]);
    const big = 'x'.repeat(9000);
    let before = contents();
    const refusals: Record<string, unknown>[] = [];
    for (let i = 0; i < 200 && refusals.length < 3; i++) {
      const result = (await client.callTool({ name: 'create_flag', arguments: flagInput({ example_usage: big, context: { i } }) })) as { isError?: boolean; content: { text: string }[] };
      if (!result.isError) {
        before = contents();
        continue;
      }
      refusals.push(JSON.parse(result.content[0]!.text));
      expect(contents()).toBe(before);
    }
    expect(refusals.length).toBe(3);
    for (const r of refusals) {
      expect(r).toMatchObject({ code: 'store', rule: 'disk_full', sqlite_code: 'SQLITE_FULL' });
      expect(String(r.error)).toMatch(/disk .*full.*nothing was stored/);
    }
    // The other writes that need room fail the same way, through the same path.
    const edit = JSON.parse(await callErr(client, 'update_flag', { id: first.flag_id, agent: '@backend.api', example_usage: 'y'.repeat(19_000), code_location: 'z'.repeat(400) }));
    expect(edit).toMatchObject({ code: 'store', rule: 'disk_full' });
    expect(contents()).toBe(before);
    expect((await callOk(client, 'get_flag', { id: first.flag_id })).flag.example_usage).toBeNull();
  });
});
