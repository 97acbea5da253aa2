// The Claude Code hooks when the flags are shared beyond this machine: a coordinator served over
// HTTP (`coordinator hook EVENT --remote URL`, written by `coordinator init --remote URL`), read
// through the server's tools with the token of $COORDINATOR_TOKEN; or a PostgreSQL store
// (`--db postgres://...` or COORDINATOR_DB), read through the flag service. The texts are those of
// the project's SQLite file (texts.ts), so a team whose flags live on a shared server still hears of
// them when a subagent starts and at each prompt. What a session has been told (hook_sessions on
// SQLite) is kept on this machine, one small file per session and agent under the user's cache
// folder: the shared store keeps no state for hooks.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Flag, FlagService } from '../flags/service.js';
import { redactUrl } from '../store/postgres/url.js';
import { IMPACT_LEVELS } from '../flags/rules.js';
import { type HookEvent, TOKEN_ENV } from './events.js';
import type { HookOptions, HookOutput } from './hooks.js';
import type { Caller } from './hook-store.js';
import { context, MAX_LISTED_FLAGS, newFlagsContext, type QueueSource, queueContext, workableSummary } from './texts.js';

/** The whole exchange of one hook, from the first request to the session's DELETE (Claude Code's hook timeout is 10 s). */
const REMOTE_TIMEOUT_MS = 8_000;
/** The protocol version the hook asks for; the server answers with the one it speaks. */
const PROTOCOL_VERSION = '2025-06-18';
/** Flags created on other servers may carry a clock a little behind ours: look back this far before the mark. */
const CLOCK_SLACK_MS = 5 * 60_000;
const PRUNE_AFTER_MS = 30 * 24 * 3600 * 1000;
/** The most flags one prompt looks through for news (the rest are counted by the server's totals). */
const SCAN_LIMIT = 500;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export class RemoteError extends Error {}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * A short MCP session over Streamable HTTP: initialize, the calls, then DELETE of the session so the
 * server does not keep it. JSON answers and SSE-framed answers are both read. node:http(s) with one
 * kept-alive connection rather than fetch: a hook is a fresh process, and fetch's first request
 * costs some 50 ms more to set up.
 */
export class RemoteSession {
  private sessionId: string | undefined;
  private protocol = PROTOCOL_VERSION;
  private nextId = 1;
  private readonly deadline: number;
  private readonly target: URL;
  private readonly agent: Agent;

  constructor(url: string, private readonly token: string, private readonly timeoutMs = REMOTE_TIMEOUT_MS) {
    this.target = new URL(url);
    this.deadline = Date.now() + timeoutMs;
    this.agent = new (this.target.protocol === 'https:' ? HttpsAgent : Agent)({ keepAlive: true, maxSockets: 2 });
  }

  private headers(): Record<string, string> {
    const h: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      authorization: `Bearer ${this.token}`,
    };
    if (this.sessionId) {
      h['mcp-session-id'] = this.sessionId;
      h['mcp-protocol-version'] = this.protocol;
    }
    return h;
  }

  private send(method: 'POST' | 'DELETE', body?: string): Promise<Answer> {
    const left = this.deadline - Date.now();
    const url = this.target.href;
    if (left <= 0) return Promise.reject(new RemoteError(`cannot reach ${url}: no answer within ${this.timeoutMs / 1000} s`));
    return new Promise<Answer>((resolve, reject) => {
      const req = (this.target.protocol === 'https:' ? httpsRequest : httpRequest)(this.target, { method, headers: this.headers(), agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (e) => reject(new RemoteError(`${url}: the answer broke off (${e.message})`)));
      });
      req.setTimeout(left, () => req.destroy(new RemoteError(`cannot reach ${url}: no answer within ${this.timeoutMs / 1000} s`)));
      req.on('error', (e) => reject(e instanceof RemoteError ? e : new RemoteError(`cannot reach ${url}: ${e.message}`)));
      req.end(body);
    });
  }

  private async post(body: Json): Promise<Json | undefined> {
    const res = await this.send('POST', JSON.stringify(body));
    const url = this.target.href;
    if (res.status === 401 || res.status === 403) {
      throw new RemoteError(`${url} refused the token of $${TOKEN_ENV} (HTTP ${res.status}${res.text ? `: ${oneLine(res.text)}` : ''})`);
    }
    if (res.status < 200 || res.status > 299) throw new RemoteError(`${url} answered HTTP ${res.status}${res.text ? `: ${oneLine(res.text)}` : ''}`);
    const sid = res.headers['mcp-session-id'];
    if (typeof sid === 'string' && !this.sessionId) this.sessionId = sid;
    if (!('id' in body)) return undefined;
    const contentType = res.headers['content-type'];
    const message = parseAnswer(res.text, typeof contentType === 'string' ? contentType : '', body.id as number);
    if (!message) throw new RemoteError(`${url} gave no JSON-RPC answer to ${String(body.method)}`);
    if (isObject(message.error)) throw new RemoteError(`${String(body.method)} failed: ${oneLine(String(message.error.message ?? 'error'))}`);
    return isObject(message.result) ? message.result : {};
  }

  async open(): Promise<void> {
    const result = await this.post({
      jsonrpc: '2.0', id: this.nextId++, method: 'initialize',
      params: { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'coordinator-mcp-hook', version: '1' } },
    });
    if (typeof result?.protocolVersion === 'string') this.protocol = result.protocolVersion;
    await this.post({ jsonrpc: '2.0', method: 'notifications/initialized' });
  }

  /** A tool's structured answer; a tool error is thrown with its text. */
  async call<T>(name: string, args: Json): Promise<T> {
    const result = await this.post({ jsonrpc: '2.0', id: this.nextId++, method: 'tools/call', params: { name, arguments: args } });
    const textOf = () => {
      const first = Array.isArray(result?.content) ? (result!.content as unknown[])[0] : undefined;
      return isObject(first) && typeof first.text === 'string' ? first.text : '';
    };
    if (result?.isError === true) throw new RemoteError(`${name} failed: ${oneLine(textOf())}`);
    if (isObject(result?.structuredContent)) return result!.structuredContent as T;
    try {
      return JSON.parse(textOf()) as T;
    } catch {
      throw new RemoteError(`${name} answered no JSON`);
    }
  }

  /** Ends the session on the server (a failure here changes nothing for the hook), and the connection. */
  async close(): Promise<void> {
    try {
      if (this.sessionId) await this.send('DELETE');
    } catch {
      // the server closes idle sessions itself
    } finally {
      this.agent.destroy();
    }
  }
}

const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim().slice(0, 300);

/** The JSON-RPC answer with this id, from a JSON body or from the data lines of an SSE body. */
function parseAnswer(text: string, contentType: string, id: number): Json | undefined {
  const candidates: unknown[] = [];
  try {
    if (contentType.includes('text/event-stream')) {
      for (const line of text.split(/\r?\n/)) if (line.startsWith('data:')) candidates.push(JSON.parse(line.slice(5)));
    } else {
      const parsed: unknown = JSON.parse(text);
      candidates.push(...(Array.isArray(parsed) ? parsed : [parsed]));
    }
  } catch {
    return undefined;
  }
  return candidates.find((m): m is Json => isObject(m) && m.id === id);
}

interface Mark {
  /** Every flag up to this id has been told (or was already there when the session started). */
  id: number;
  /** The server's created_at of that flag: where the next look for news starts (less the clock slack). */
  created_at: string | null;
}

/** Where a remote session's marks are kept: $COORDINATOR_HOOK_STATE, else the user's cache folder. */
export function markDir(env: NodeJS.ProcessEnv): string {
  return env.COORDINATOR_HOOK_STATE ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'coordinator-mcp', 'hook-sessions');
}

function markPath(env: NodeJS.ProcessEnv, url: string, session: string, agent: string): string {
  return join(markDir(env), `${createHash('sha256').update(`${url}\0${session}\0${agent}`).digest('hex').slice(0, 40)}.json`);
}

function readMark(path: string): Mark | undefined {
  try {
    const data: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (isObject(data) && Number.isSafeInteger(data.id)) return { id: data.id as number, created_at: typeof data.created_at === 'string' ? data.created_at : null };
  } catch {
    // none yet, or unreadable: the session is told as at its start
  }
  return undefined;
}

/** Written whole or not at all (a file beside it, then a rename), never moved back. */
function writeMark(path: string, mark: Mark): void {
  const before = readMark(path);
  if (before && before.id > mark.id) return;
  mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(mark), { mode: 0o600 });
  renameSync(tmp, path);
}

function pruneMarks(env: NodeJS.ProcessEnv, nowMs: number): void {
  const dir = markDir(env);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const path = join(dir, name);
    try {
      if (nowMs - statSync(path).mtimeMs > PRUNE_AFTER_MS) rmSync(path, { force: true });
    } catch {
      // another hook pruned it
    }
  }
}

/** What the hooks read from a shared store: the start texts' source, the newest flag, and news. */
interface SharedReader {
  /** Names the store in the marks' file names (a URL, its password left out). */
  key: string;
  source: QueueSource;
  /** The newest flag of the store, whatever its state: the mark a session starts from. */
  newest(): Promise<Mark>;
  /** Candidates for news: a subagent's own queue, or every pending flag created since `since`. */
  news(me: string, subagent: boolean, since: string | undefined): Promise<Flag[]>;
}

const markOf = (flags: Flag[]): Mark => (flags[0] ? { id: flags[0].id, created_at: flags[0].created_at } : { id: 0, created_at: null });

function tokenOf(options: HookOptions): string {
  const token = (options.env ?? process.env)[TOKEN_ENV]?.trim();
  if (!token) throw new Error(`$${TOKEN_ENV} is not set: the hooks of a remote coordinator send it as the bearer token (coordinator token create on the server makes one)`);
  return token;
}

/** Through the tools of a coordinator served over HTTP: one short MCP session, closed at the end. */
async function withRemote<T>(url: string, options: HookOptions, fn: (reader: SharedReader) => Promise<T>): Promise<T> {
  const session = new RemoteSession(url, tokenOf(options));
  try {
    await session.open();
    return await fn({
      key: url,
      source: {
        agentQueue: (agent, o) => session.call('get_agent_flags', { agent, limit: o.limit }),
        workable: (limit) => session.call('get_workable_flags', { limit }),
      },
      newest: async () => markOf((await session.call<{ flags: Flag[] }>('list_flags', { status: 'all', limit: 1 })).flags),
      news: async (me, subagent, since) => (subagent
        ? await session.call<{ flags: Flag[] }>('get_agent_flags', { agent: me, limit: SCAN_LIMIT })
        : await session.call<{ flags: Flag[] }>('list_flags', { status: 'pending', limit: SCAN_LIMIT, ...(since ? { since } : {}) })).flags,
    });
  } finally {
    await session.close();
  }
}

/** Through the flag service on a PostgreSQL store (node-postgres, loaded only here; one connection). */
async function withPostgres<T>(url: string, options: HookOptions, fn: (reader: SharedReader) => Promise<T>): Promise<T> {
  const [{ PostgresFlagStore }, { poolConnector }, { FlagService: Service }] = await Promise.all([
    import('../store/postgres/flags.js'), import('../store/postgres/connect.js'), import('../flags/service.js'),
  ]);
  const store = await PostgresFlagStore.open(poolConnector(url, { max: 1 }));
  try {
    const flags: FlagService = new Service(store, { now: options.now });
    return await fn({
      key: redactUrl(url),
      source: { agentQueue: (agent, o) => flags.agentQueue(agent, o), workable: (limit) => flags.workable(limit) },
      newest: async () => markOf((await flags.list({ status: 'all', limit: 1 })).flags),
      news: async (me, subagent, since) => (subagent
        ? await flags.agentQueue(me, { limit: SCAN_LIMIT })
        : await flags.list({ status: 'pending', limit: SCAN_LIMIT, ...(since ? { since } : {}) })).flags,
    });
  } finally {
    await store.close();
  }
}

function withShared<T>(options: HookOptions, fn: (reader: SharedReader) => Promise<T>): Promise<T> {
  if (options.remote !== undefined) return withRemote(options.remote, options, fn);
  const url = (options.dbPath ?? (options.env ?? process.env).COORDINATOR_DB ?? '').trim();
  return withPostgres(url, options, fn);
}

export async function sharedStartContext(event: HookEvent, caller: Caller, options: HookOptions): Promise<HookOutput> {
  const env = options.env ?? process.env;
  const now = options.now ?? Date.now;
  return withShared(options, async (reader) => {
    const [mark, text] = await Promise.all([
      reader.newest(),
      caller.subagent ? queueContext(reader.source, caller.me) : workableSummary(reader.source, caller.me),
    ]);
    writeMark(markPath(env, reader.key, caller.session, caller.me), mark);
    if (event === 'SessionStart') pruneMarks(env, now());
    return context(event, text);
  });
}

export async function sharedUserPrompt(caller: Caller, options: HookOptions): Promise<HookOutput> {
  const env = options.env ?? process.env;
  const { me, subagent } = caller;
  return withShared(options, async (reader) => {
    const path = markPath(env, reader.key, caller.session, me);
    const seen = readMark(path);
    const newest = await reader.newest();
    if (seen === undefined) {
      // The first prompt of a session whose start the hooks did not see: the start's text.
      const text = subagent ? await queueContext(reader.source, me) : await workableSummary(reader.source, me);
      writeMark(path, newest);
      return context('UserPromptSubmit', text);
    }
    if (newest.id <= seen.id) return null;
    const since = seen.created_at === null ? undefined : new Date(Date.parse(seen.created_at) - CLOCK_SLACK_MS).toISOString();
    // A subagent: its own queue (broadcasts it acknowledged are left out by the service); the main session: every queue.
    const fresh = (await reader.news(me, subagent, since))
      .filter((f) => f.id > seen.id && f.id <= newest.id && f.status === 'pending' && f.source_agent !== me)
      .sort((a, b) => IMPACT_LEVELS.indexOf(a.impact_level) - IMPACT_LEVELS.indexOf(b.impact_level) || a.id - b.id);
    writeMark(path, newest);
    return context('UserPromptSubmit', newFlagsContext({ rows: fresh.slice(0, MAX_LISTED_FLAGS), total: fresh.length }, me, subagent));
  });
}
