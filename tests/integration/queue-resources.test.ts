import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { PGlite } from '@electric-sql/pglite';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FlagStore } from '../../src/flags/store.js';
import { createServer, createServices } from '../../src/server.js';
import { openStore } from '../../src/store/db.js';
import { pgliteConnector } from '../../src/store/postgres/connect.js';
import { PostgresFlagStore } from '../../src/store/postgres/flags.js';
import { callOk } from '../helpers/client.js';
import { flagInput, tempDir } from '../helpers/tmp.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

/** A server (on the flag store given, or on its own SQLite file) and a client that records resource updates. */
async function serve(flagStore?: FlagStore, dbPath = flagStore ? ':memory:' : join(tempDir(), 'c.db')) {
  const db = openStore(dbPath);
  const services = createServices(db, { flagStore });
  const { server, cleanup } = createServer(services, {});
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'queue-watcher', version: '1.0.0' });
  const updates: string[] = [];
  client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => { updates.push(n.params.uri); });
  await Promise.all([server.connect(serverTransport), client.connect(clientTransport)]);
  closers.push(async () => { await client.close(); cleanup(); db.close(); });
  return { client, updates, db };
}

const queueOf = async (client: Client, agent: string) =>
  JSON.parse((await client.readResource({ uri: `flags://queue/${agent}` })).contents[0]!.text as string) as { agent: string; total_pending: number; flags: { id: number }[] };

describe('flags://queue/{agent} on SQLite', () => {
  it('serves an agent\'s queue and tells its subscriber of each change to it (and to broadcasts), not of other queues', async () => {
    const { client, updates } = await serve();
    expect(client.getServerCapabilities()?.resources).toMatchObject({ subscribe: true });
    await client.subscribeResource({ uri: 'flags://queue/@frontend.react' });
    const mine = await callOk(client, 'create_flag', flagInput({ target_agent: '@frontend.react' }));
    await callOk(client, 'create_flag', flagInput({ target_agent: '@qa.testing' }));
    await callOk(client, 'create_flag', flagInput({ target_agent: null }));
    await callOk(client, 'lock_flag', { id: mine.flag_id, agent: '@frontend.react' });
    await expect.poll(() => updates.length).toBe(3);
    expect(updates).toEqual(Array(3).fill('flags://queue/@frontend.react'));
    expect(await queueOf(client, '@frontend.react')).toMatchObject({ agent: '@frontend.react', total_pending: 2 });
    await client.unsubscribeResource({ uri: 'flags://queue/@frontend.react' });
    await callOk(client, 'create_flag', flagInput({ target_agent: '@frontend.react' }));
    expect(await queueOf(client, '@frontend.react')).toMatchObject({ total_pending: 3 });
    expect(updates).toHaveLength(3);
  });
});

describe('flags://queue/{agent} on PostgreSQL (PGlite)', () => {
  it('tells a client of one server about a flag created through another server on the same database (LISTEN/NOTIFY)', async () => {
    const lite = await PGlite.create();
    closers.push(async () => { await lite.close(); });
    const connector = pgliteConnector(lite as never);
    const storeA = await PostgresFlagStore.open(connector);
    const storeB = await PostgresFlagStore.open({ ...connector, end: async () => {} });
    const a = await serve(storeA);
    const b = await serve(storeB);
    await b.client.subscribeResource({ uri: 'flags://queue/@frontend.react' });
    await storeB.ready();
    const created = await callOk(a.client, 'create_flag', flagInput({ target_agent: '@frontend.react' }));
    await callOk(a.client, 'create_flag', flagInput({ target_agent: '@qa.testing' }));
    await expect.poll(() => b.updates, { timeout: 5000 }).toEqual(['flags://queue/@frontend.react']);
    expect(a.updates).toEqual([]); // a's client subscribed to nothing
    expect((await queueOf(b.client, '@frontend.react')).flags.map((f) => f.id)).toEqual([created.flag_id]);
  });
});
