import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import { toolRegistry, type Services } from '../../src/server.js';
import type { DB } from '../../src/store/db.js';
import { callErr, callOk, useInProcessServer } from '../helpers/client.js';
import { ddl as fixtureDdl } from '../helpers/fixtures.js';

let db: DB;
let client: Client;
let services: Services;
useInProcessServer((s) => ({ db, client, services } = s));

async function call(name: string, args: Record<string, unknown>) {
  const out = await callOk(client, name, args);
  z.object(toolRegistry(services).find((t) => t.name === name)!.output).parse(out);
  return out;
}

describe('database tools', () => {
  it('list, get and compare technologies', async () => {
    const vectors = await call('list_databases', { category: 'vector', open_source: true });
    expect(vectors.databases.map((d: { id: string }) => d.id)).toEqual(expect.arrayContaining(['qdrant', 'milvus', 'weaviate', 'pgvector']));
    expect(vectors.databases.map((d: { id: string }) => d.id)).not.toContain('pinecone');
    const selfHosted = await call('list_databases', { deployment: 'cloud-only' });
    expect(selfHosted.databases.map((d: { id: string }) => d.id)).toEqual(expect.arrayContaining(['dynamodb', 'bigquery', 'snowflake', 'cosmosdb']));
    expect((await call('get_database', { name: 'Mongo' })).database).toMatchObject({ id: 'mongodb', license: { kind: 'source-available' } });
    const cmp = await call('compare_databases', { names: ['postgres', 'MongoDB', 'cassandra'] });
    expect(cmp.systems).toEqual(['postgresql', 'mongodb', 'cassandra']);
    // MongoDB has multi-document ACID transactions since 4.0; Cassandra's lightweight transactions cover one partition
    expect(cmp.dimensions.find((d: { dimension: string }) => d.dimension === 'transactions').values).toEqual({ postgresql: 'acid', mongodb: 'acid', cassandra: 'single-record' });
    // every field of the catalog schema but the three that name the entry (id, name, aliases): 23 - 3
    expect(cmp.dimensions.length).toBe(20);
    // the two Aurora engines compare side by side as two systems
    const aurora = await call('compare_databases', { names: ['aurora mysql', 'aurora postgresql'] });
    expect(aurora.systems).toEqual(['aurora-mysql', 'aurora-postgresql']);
  });

  it('refuses bad names and counts with the field named', async () => {
    expect(JSON.parse(await callErr(client, 'get_database', { name: 'postgress' }))).toMatchObject({ field: 'name', rule: 'exists', suggestions: expect.arrayContaining(['postgresql']) });
    expect(JSON.parse(await callErr(client, 'compare_databases', { names: ['postgres'] }))).toMatchObject({ field: 'names', rule: 'count' });
    expect(JSON.parse(await callErr(client, 'compare_databases', { names: ['postgres', 'pg'] }))).toMatchObject({ field: 'names', rule: 'distinct' });
    expect(JSON.parse(await callErr(client, 'compare_databases', { names: ['postgres', 'nosuchdb'] }))).toMatchObject({ field: 'names[1]' });
    expect(JSON.parse(await callErr(client, 'recommend_databases', { data_model: 'spreadsheet' }))).toMatchObject({ field: 'data_model' });
    expect(JSON.parse(await callErr(client, 'recommend_databases', { wishes: 'fast' }))).toMatchObject({ field: 'wishes', rule: 'unrecognized_keys' });
  });

  it('recommends, patterns and sizes through the protocol', async () => {
    const rec = await call('recommend_databases', { workloads: ['oltp', 'search'], transactions: true, limit: 3 });
    expect(rec.ranked).toHaveLength(3);
    expect(rec.polyglot.components.map((c: { workload: string }) => c.workload)).toEqual(['oltp', 'search']);
    expect((await call('get_architecture_pattern', { name: 'CQRS' })).pattern.id).toBe('cqrs-event-sourcing');
    expect(JSON.parse(await callErr(client, 'get_architecture_pattern', { name: 'microkernel' }))).toMatchObject({ field: 'name', rule: 'exists' });
    const mem = await call('size_database_memory', { system: 'postgresql', ram_gb: 64, max_connections: 200 });
    // 25% of the 62 GB left after the OS's 2 GB
    expect(mem.settings.find((s: { name: string }) => s.name === 'shared_buffers').value).toBe('15.5GB');
  });

  it('offers every technology as a database:// resource', async () => {
    const all = (await client.listResources()).resources.filter((r) => r.uri.startsWith('database://'));
    expect(all.length).toBe(services.databases.all.length);
    const pg = await client.readResource({ uri: 'database://postgresql' });
    expect(JSON.parse((pg.contents[0] as { text: string }).text).name).toBe('PostgreSQL');
  });
});

describe('migration tools', () => {
  it('plan_migration returns a plan with markdown; convert_schema converts real DDL', async () => {
    const plan = await call('plan_migration', { source: 'mysql', target: 'postgresql', data_volume: '50GB', downtime: 'minutes' });
    expect(plan.phases).toHaveLength(6);
    expect(plan.markdown).toMatch(/^# Migration plan: MySQL to PostgreSQL/);
    const ddl = fixtureDdl('pgloader-f1db-circuits.mysql.sql');
    const converted = await call('convert_schema', { ddl, from: 'mysql' });
    expect(converted.ddl).toMatch(/CREATE TABLE circuits/);
    expect(converted.summary.objects_found).toBeGreaterThan(0);
    expect(JSON.parse(await callErr(client, 'convert_schema', { ddl, from: 'sybase' }))).toMatchObject({ field: 'from', rule: 'enum' });
    expect(JSON.parse(await callErr(client, 'plan_migration', { source: 'mysql', target: 'nosql9000' }))).toMatchObject({ field: 'target', rule: 'exists' });
    // source_ddl converted on the worker thread: its tables reach the validation queries (a thread's reply
    // once lost them, leaving <table> placeholders), under their schema on both sides
    const withDdl = await call('plan_migration', { source: 'mysql', target: 'postgresql', source_ddl: 'CREATE TABLE sales.orders (id int PRIMARY KEY);' });
    expect(withDdl.validation.source[0].query).toBe('SELECT COUNT(*) FROM `sales`.`orders`;');
    expect(withDdl.validation.target[0].query).toBe('SELECT count(*) FROM sales.orders;');
  });
});
