import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SERVER = join(ROOT, 'dist/index.js');
export const CLI = join(ROOT, 'dist/cli.js');

/** An empty home, so that the developer's own ~/.claude/agents never leaks into a test. */
export const EMPTY_HOME = mkdtempSync(join(tmpdir(), 'coordinator-home-'));

export function assertBuilt(): void {
  if (!existsSync(SERVER) || !existsSync(CLI)) throw new Error('dist/ is missing: run npm run build (npm test does it first)');
}

/** Starts the built server as a client would: node dist/index.js over stdio. */
export async function spawnServer(args: string[], env: Record<string, string> = {}, cwd = ROOT) {
  const transport = new StdioClientTransport({ command: process.execPath, args: [SERVER, ...args], env: { HOME: EMPTY_HOME, ...env }, cwd, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: 'e2e', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport, stderr: () => stderr, close: () => client.close() };
}

export function runCli(args: string[], env: Record<string, string> = {}, cwd = ROOT) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, env: { PATH: process.env.PATH ?? '', HOME: EMPTY_HOME, ...env }, encoding: 'utf8' });
  let json: any;
  try {
    json = JSON.parse(r.stdout);
  } catch {
    json = undefined;
  }
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, json };
}

/**
 * For a file whose tests send hundreds of requests to a server at once: every write waiting for
 * the pipe to drain adds a 'drain' listener to the client's stdin socket, which is expected there,
 * not a leak. Raises Node's listener warning threshold while that file's tests run.
 */
export function allowManyPendingWrites(): void {
  const before = EventEmitter.defaultMaxListeners;
  beforeAll(() => {
    EventEmitter.defaultMaxListeners = 1000;
  });
  afterAll(() => {
    EventEmitter.defaultMaxListeners = before;
  });
}
