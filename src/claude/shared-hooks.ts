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
/**
 * Each look for news starts this long before the last one: a flag whose INSERT came before that
 * look but whose COMMIT came after (PostgreSQL numbers a flag at INSERT, shows it at COMMIT), or
 * whose writer's clock runs a little behind the reference clock, is still found. The flags of this
 * window already told are kept in the mark, so none is told twice.
 */
const LOOK_BACK_MS = 10_000;
const PRUNE_AFTER_MS = 30 * 24 * 3600 * 1000;
/** A page of list_flags (its maximum), and the most pages one look reads; past them the news is counted as "N+". */
const PAGE = 500;
const MAX_PAGES = 4;

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
  /** The server's clock (its Date header) at its first answer, in milliseconds. */
  private serverTime: number | undefined;

  constructor(url: string, private readonly token: string, private readonly timeoutMs = REMOTE_TIMEOUT_MS) {
    this.target = new URL(url);
    this.deadline = Date.now() + timeoutMs;
    this.agent = new (this.target.protocol === 'https:' ? HttpsAgent : Agent)({ keepAlive: true, maxSockets: 2 });
  }

  private noteServerTime(date: string | undefined): void {
    const t = date === undefined ? Number.NaN : Date.parse(date);
    if (this.serverTime === undefined && Number.isFinite(t)) this.serverTime = t;
  }

  /**
   * The server's clock when the session opened (whole seconds, so never ahead of it), which stamps
   * the flags it creates; ours when it sends no Date header.
   */
  clock(): number {
    return this.serverTime ?? Date.now();
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
        res.on('end', () => {
          clearTimeout(timer);
          this.noteServerTime(res.headers.date);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', (e) => reject(new RemoteError(`${url}: the answer broke off (${e.message})`)));
      });
      // The whole exchange, not only silence: a server that trickles its answer is cut off too.
      const timer = setTimeout(() => req.destroy(new RemoteError(`cannot reach ${url}: no answer within ${this.timeoutMs / 1000} s`)), left);
      req.on('error', (e) => {
        clearTimeout(timer);
        reject(e instanceof RemoteError ? e : new RemoteError(`cannot reach ${url}: ${e.message}`));
      });
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

/**
 * The messages of an SSE body: each event's data lines joined by newlines (the one space after
 * "data:" dropped). Events without data (a priming event's empty "data:", comments, pings) and
 * data that is not JSON are skipped.
 */
function sseMessages(text: string): unknown[] {
  const messages: unknown[] = [];
  let data: string[] = [];
  const dispatch = () => {
    const joined = data.join('\n');
    data = [];
    if (joined.trim() === '') return;
    try {
      messages.push(JSON.parse(joined));
    } catch {
      // not a JSON-RPC message
    }
  };
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === '') dispatch();
    else if (line.startsWith('data:')) data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
  }
  dispatch();
  return messages;
}

/** The JSON-RPC answer with this id, from a JSON body or from the data lines of an SSE body. */
export function parseAnswer(text: string, contentType: string, id: number): Json | undefined {
  let candidates: unknown[];
  if (contentType.includes('text/event-stream')) candidates = sseMessages(text);
  else {
    try {
      const parsed: unknown = JSON.parse(text);
      candidates = Array.isArray(parsed) ? parsed : [parsed];
    } catch {
      return undefined;
    }
  }
  return candidates.find((m): m is Json => isObject(m) && m.id === id);
}

/**
 * What a session has been told. Not the highest id: on PostgreSQL a lower id can become visible
 * after a higher one, and not the newest created_at: one writer whose clock runs ahead would hide
 * every flag after it.
 */
interface Mark {
  /** The reference clock (the server's) at the last look: the next one asks for flags created from LOOK_BACK_MS before it. */
  since: string;
  /** The flags of that window already told (or there when the session started), which the next look sees again. */
  told: number[];
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
    if (isObject(data) && typeof data.since === 'string' && !Number.isNaN(Date.parse(data.since)) && Array.isArray(data.told)) {
      return { since: data.since, told: data.told.filter((id): id is number => Number.isSafeInteger(id)) };
    }
  } catch {
    // none yet, or unreadable: the session is told as at its start
  }
  return undefined;
}

/** Written whole or not at all (a file beside it, then a rename). */
function writeMark(path: string, mark: Mark): void {
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

type ListArgs = Record<string, unknown>;
interface Page { flags: Flag[]; has_more: boolean }

/** What the hooks read from a shared store: the start texts' source, its clock, and pages of list_flags. */
interface SharedReader {
  /** Names the store in the marks' file names (a URL, its password left out). */
  key: string;
  source: QueueSource;
  /** Milliseconds on the clock that stamps created_at, read before any look (never ahead of the store's answers). */
  clock(): number;
  list(args: ListArgs): Promise<Page>;
  /** Past the hook's deadline: its answer is no longer awaited, and no mark may be written. */
  expired(): boolean;
}

interface Recent {
  /** Pending flags created since the look's start that concern this session. */
  flags: Flag[];
  /** More than MAX_PAGES pages: some were not read. */
  more: boolean;
}

/**
 * The pending flags created since `since` that concern this session, asked for directly (not a
 * queue ordered by impact, which a busy agent's older flags fill): a subagent's own (to it or an
 * alias) and the broadcasts it has not acknowledged; for the main session every queue's, less the
 * broadcasts it acknowledged.
 */
async function recent(reader: SharedReader, me: string, subagent: boolean, since: string): Promise<Recent> {
  const all = async (args: ListArgs): Promise<Recent> => {
    const flags: Flag[] = [];
    for (let page = 0; page < MAX_PAGES; page++) {
      const answer = await reader.list({ ...args, status: 'pending', since, limit: PAGE, offset: page * PAGE });
      flags.push(...answer.flags);
      if (!answer.has_more) return { flags, more: false };
    }
    return { flags, more: true };
  };
  const parts = await Promise.all(subagent
    ? [all({ target_agent: me }), all({ broadcast_only: true, not_acknowledged_by: me })]
    : [all({ not_acknowledged_by: me })]);
  return { flags: parts.flatMap((p) => p.flags), more: parts.some((p) => p.more) };
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The mark after a look at `at` that saw `flags`: those the next look (from at - LOOK_BACK_MS) will see again. */
function markAfter(at: number, flags: Flag[]): Mark {
  const from = iso(at - LOOK_BACK_MS);
  return { since: iso(at), told: [...new Set(flags.filter((f) => f.created_at >= from).map((f) => f.id))].sort((a, b) => a - b) };
}

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
      clock: () => session.clock(),
      list: (args) => session.call<Page>('list_flags', args),
      // Every call ends (answered or failed) before the session's deadline: nothing is left running.
      expired: () => false,
    });
  } finally {
    await session.close();
  }
}

/** Through the flag service on a PostgreSQL store (node-postgres, loaded only here; one connection). */
async function withPostgres<T>(url: string, options: HookOptions, fn: (reader: SharedReader) => Promise<T>): Promise<T> {
  // One deadline for the whole hook: node-postgres bounds the connection, not a query that waits on
  // a lock or a server that stops answering. Past it the hook gives up (the process's exit closes
  // the connection; see cli-entry.ts) and writes no mark, so nothing counts as told.
  let expired = false;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      expired = true;
      reject(new Error(`no answer from PostgreSQL (${redactUrl(url)}) within ${REMOTE_TIMEOUT_MS / 1000} s`));
    }, REMOTE_TIMEOUT_MS);
  });
  const work = async () => {
    const [{ PostgresFlagStore }, { poolConnector }, { FlagService: Service }] = await Promise.all([
      import('../store/postgres/flags.js'), import('../store/postgres/connect.js'), import('../flags/service.js'),
    ]);
    const store = await PostgresFlagStore.open(poolConnector(url, { max: 1 }));
    try {
      const flags: FlagService = new Service(store, { now: options.now });
      return await fn({
        key: redactUrl(url),
        source: { agentQueue: (agent, o) => flags.agentQueue(agent, o), workable: (limit) => flags.workable(limit) },
        clock: options.now ?? Date.now,
        list: async (args) => {
          const page = await flags.list(args);
          if (expired) throw new Error('past the deadline');
          return page;
        },
        expired: () => expired,
      });
    } finally {
      if (!expired) await store.close();
    }
  };
  try {
    return await Promise.race([work(), deadline]);
  } finally {
    clearTimeout(timer);
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
    const at = reader.clock();
    // The flags of the last moments are marked as told: the start's text covers them.
    const [window, text] = await Promise.all([
      recent(reader, caller.me, caller.subagent, iso(at - LOOK_BACK_MS)),
      caller.subagent ? queueContext(reader.source, caller.me) : workableSummary(reader.source, caller.me),
    ]);
    if (reader.expired()) throw new Error('past the deadline');
    writeMark(markPath(env, reader.key, caller.session, caller.me), markAfter(at, window.flags));
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
    const clock = reader.clock();
    if (seen === undefined) {
      // The first prompt of a session whose start the hooks did not see: the start's text.
      const [window, text] = await Promise.all([
        recent(reader, me, subagent, iso(clock - LOOK_BACK_MS)),
        subagent ? queueContext(reader.source, me) : workableSummary(reader.source, me),
      ]);
      if (reader.expired()) throw new Error('past the deadline');
      writeMark(path, markAfter(clock, window.flags));
      return context('UserPromptSubmit', text);
    }
    // The reference clock never moves back (another server of a group may run a little behind).
    const last = Date.parse(seen.since);
    const at = Math.max(last, clock);
    const found = await recent(reader, me, subagent, iso(last - LOOK_BACK_MS));
    const told = new Set(seen.told);
    const fresh = [...new Map(found.flags.map((f) => [f.id, f])).values()]
      .filter((f) => !told.has(f.id) && f.source_agent !== me)
      .sort((a, b) => IMPACT_LEVELS.indexOf(a.impact_level) - IMPACT_LEVELS.indexOf(b.impact_level) || a.id - b.id);
    if (reader.expired()) throw new Error('past the deadline');
    writeMark(path, markAfter(at, found.flags));
    return context('UserPromptSubmit', newFlagsContext({ rows: fresh.slice(0, MAX_LISTED_FLAGS), total: fresh.length, more: found.more }, me, subagent));
  });
}
