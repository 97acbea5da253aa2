import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { join } from 'node:path';
import { afterEach, beforeEach, expect } from 'vitest';
import { createServer, createServices, type ServerOptions, type ServiceOptions, type Services } from '../../src/server.js';
import { openStore, type DB } from '../../src/store/db.js';
import { tempDir } from './tmp.js';

/**
 * For each test of the file: a fresh store in a temporary folder and an SDK client connected to
 * an in-process server on it, handed to assign; closed after the test.
 */
export function useInProcessServer(assign: (s: { db: DB; client: Client; services: Services }) => void): void {
  let close: (() => Promise<void>) | undefined;
  let db: DB | undefined;
  beforeEach(async () => {
    db = openStore(join(tempDir(), 'c.db'));
    const connected = await connectInProcess(db);
    close = connected.close;
    assign({ db, client: connected.client, services: connected.services });
  });
  afterEach(async () => {
    await close?.();
    db?.close();
  });
}

export async function connectInProcess(
  db: DB, options: ServiceOptions = {}, serverOptions: ServerOptions = {},
): Promise<{ client: Client; services: Services; close: () => Promise<void> }> {
  const services = createServices(db, options);
  const { server } = createServer(services, serverOptions);
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'test-client', version: '1.0.0' });
  await Promise.all([server.connect(serverTransport), client.connect(clientTransport)]);
  return { client, services, close: async () => { await client.close(); await server.close(); services.close(); } };
}

/** Calls a tool that must succeed; returns its structuredContent after checking the text copy. */
export async function callOk(client: Client, name: string, args: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
  const text = (result.content[0] as { type: string; text: string }).text;
  expect(JSON.parse(text)).toEqual(result.structuredContent);
  return result.structuredContent as Record<string, any>;
}

/** Calls a tool that must fail; returns the error text. */
export async function callErr(client: Client, name: string, args: Record<string, unknown>): Promise<string> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  expect(result.isError).toBe(true);
  expect(result.structuredContent).toBeUndefined();
  return (result.content[0] as { text: string }).text;
}
