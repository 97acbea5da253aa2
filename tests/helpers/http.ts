import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { type ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import { EMPTY_HOME, runCli, SERVER } from './spawn.js';

export interface HttpServer {
  url: string;
  port: number;
  child: ChildProcess;
  stderr: () => string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  stop: () => Promise<number | null>;
}

/** Starts the built server with --http on a free loopback port; resolves once it prints its URL. */
export async function startHttpServer(db: string, args: string[] = []): Promise<HttpServer> {
  const child = spawn(process.execPath, [SERVER, '--db', db, '--http', '127.0.0.1:0', ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: EMPTY_HOME },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening on" within 15 s; stderr: ${stderr}`)), 15_000);
    child.stderr!.on('data', (c: Buffer) => {
      stderr += c.toString();
      const m = /listening on (\S+)/.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    void exited.then((code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
  });
  return {
    url,
    port: Number(new URL(url).port),
    child,
    stderr: () => stderr + (stdout ? `\n[stdout, which must stay empty] ${stdout}` : ''),
    exited,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

/** One HTTP request to the server, as bytes on the wire (no client library in between). */
export function rawRequest(port: number, options: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: options.method ?? 'POST', path: options.path ?? '/mcp', headers: options.headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => {
        let json: any;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

export const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

export const initializeBody = (id = 1) => JSON.stringify({
  jsonrpc: '2.0', id, method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw-test', version: '1.0.0' } },
});

/** Initializes a session by hand; returns its id. */
export async function openSession(port: number, token?: string): Promise<string> {
  const auth = token ? { authorization: `Bearer ${token}` } : {};
  const r = await rawRequest(port, { headers: { ...MCP_HEADERS, ...auth }, body: initializeBody() });
  if (r.status !== 200) throw new Error(`initialize answered ${r.status}: ${r.text}`);
  const id = r.headers['mcp-session-id'] as string;
  await rawRequest(port, { headers: { ...MCP_HEADERS, ...auth, 'mcp-session-id': id }, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) });
  return id;
}

/** A tools/call in a session, by hand. */
export function callRaw(port: number, session: string, token: string | undefined, name: string, args: Record<string, unknown>, id = 2): Promise<RawResponse> {
  return rawRequest(port, {
    headers: { ...MCP_HEADERS, ...(token ? { authorization: `Bearer ${token}` } : {}), 'mcp-session-id': session },
    body: JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } }),
  });
}

/** An SDK client over Streamable HTTP, sending the token as a bearer header. */
export async function httpClient(url: string, token: string): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } });
  const client = new Client({ name: 'http-e2e', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

/**
 * The resources/updated notifications a client receives (their URIs, in order), and a wait for the
 * first of them that fails after `ms` (counted from the call to firstUpdate).
 */
export function resourceUpdates(client: Client): { updates: string[]; firstUpdate: (ms?: number) => Promise<void> } {
  const updates: string[] = [];
  let arrived!: () => void;
  const first = new Promise<void>((resolve) => { arrived = resolve; });
  client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
    updates.push(n.params.uri);
    arrived();
  });
  const firstUpdate = (ms = 10_000) => Promise.race([first, new Promise<never>((_r, reject) => setTimeout(() => reject(new Error(`no resources/updated within ${ms / 1000} s`)), ms))]);
  return { updates, firstUpdate };
}

/** A token made with the CLI on the server's database; returns the secret and its id. */
export function makeToken(db: string, args: string[]): { token: string; id: string } {
  const r = runCli(['token', 'create', ...args, '--db', db]);
  if (r.code !== 0) throw new Error(`token create failed: ${r.stdout}${r.stderr}`);
  return { token: r.json.token, id: r.json.id };
}
