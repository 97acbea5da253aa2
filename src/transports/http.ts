// The Streamable HTTP transport: one McpServer per MCP session (sessions are the SDK's: an id made
// at initialize, sent back in Mcp-Session-Id), all sharing one set of services and one store.
// Stateful rather than stateless because a stateless server builds a server and transport for
// every request, and a session lets the standalone GET stream carry notifications. Tool calls take
// a direct path to the session's server (SessionTransport); the rest goes through the SDK's
// transport. Before either sees a request, this layer checks Host and Origin (DNS rebinding), the
// bearer token, the body size, and logs one line per request on stderr (never the token).
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { isJsonContentType } from '@modelcontextprotocol/sdk/shared/mediaType.js';
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import { isInitializeRequest, JSONRPCMessageSchema, SUPPORTED_PROTOCOL_VERSIONS, type JSONRPCMessage, type MessageExtraInfo, type RequestId } from '@modelcontextprotocol/sdk/types.js';
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TokenInfo, TokenService } from '../auth/tokens.js';
import { VERSION } from '../version.js';

export const DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024;
export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/**
 * How long an idle kept-alive connection stays open. Above the idle timeouts of the proxies and
 * load balancers that reuse connections to a backend (60 s on AWS ALB and nginx's upstream
 * keepalive, for instance): a backend that closes first can close a connection just as the proxy
 * sends a request on it, which the client sees as a 502. Node's own default is 5 s. Idle connections
 * are not subject to the header and request timeouts: a request's clock starts at its first byte.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;
/** A session nobody has used for this long is closed (its client is gone without a DELETE). */
export const SESSION_IDLE_MS = 60 * 60 * 1000;
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]', '::1'];

export interface HttpOptions {
  host: string;
  port: number;
  tls?: { cert: Buffer; key: Buffer };
  /** Host header values accepted besides the loopback names of a loopback bind ("team.example.com", "10.0.0.5:8080"). */
  allowedHosts?: string[];
  /** Origin header values accepted besides loopback origins of a loopback bind ("https://board.example.com"). */
  allowedOrigins?: string[];
  maxBodyBytes?: number;
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** The token check; null only with --no-auth on a loopback bind. */
  tokens: TokenService | null;
  /** A new MCP server for one session, acting for that session's token (null without auth). */
  createSession: (token: TokenInfo | null) => McpServer;
  /** The board (coordinator ui's pages) under /board, for admin tokens; it checks its own sessions. */
  board?: { handle(req: IncomingMessage, res: ServerResponse): Promise<void>; close(): void };
  log: (line: string) => void;
}

export interface RunningHttp {
  url: string;
  port: number;
  /** Requests being answered now (the SSE streams of GET excluded). */
  inFlight: () => number;
  /** Stops accepting, lets the requests in flight finish (up to graceMs), then closes every session. */
  shutdown: (graceMs?: number) => Promise<{ waitedFor: number; leftUnfinished: number }>;
}

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(?:\.\d{1,3}){3}$/.test(h);
}

/** The host name of a Host header value, lowercased, without its port ("[::1]:8080" -> "[::1]"). */
function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  // A Host header is a host name or address and an optional port, nothing else (RFC 9110 section 7.2):
  // anything with userinfo, a path or other characters matches no allowed name.
  if (!/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/.test(h)) return '\u0000invalid';
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.lastIndexOf(':');
  return colon > 0 ? h.slice(0, colon) : h;
}

/**
 * The SDK's web-standard transport is driven directly rather than through its node:http wrapper:
 * the wrapper builds a request listener per call and streams even a JSON answer in several
 * writes (headers, chunks, the last chunk), each a wake-up of the client, which on a loaded
 * machine cost several ms per call. Here a JSON answer is one write with a Content-Length; only
 * SSE streams (GET) are streamed.
 */
async function forward(transport: WebStandardStreamableHTTPServerTransport, req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    for (const value of Array.isArray(v) ? v : [v]) headers.append(k, value);
  }
  // The transport reads only method, url and headers of the request (the body is passed parsed):
  // a full undici Request, and an AbortSignal per call, cost more CPU than the call itself.
  const request = { method: req.method, url: `http://${req.headers.host ?? 'localhost'}${req.url ?? '/mcp'}`, headers } as unknown as Request;
  const response = await transport.handleRequest(request, body === undefined ? undefined : { parsedBody: body });
  const out: Record<string, string> = {};
  response.headers.forEach((value, key) => (out[key] = value));
  if (!response.body || !(out['content-type'] ?? '').startsWith('text/event-stream')) {
    const bytes = Buffer.from(await response.arrayBuffer());
    delete out['transfer-encoding'];
    out['content-length'] = String(bytes.length);
    res.writeHead(response.status, out);
    res.end(bytes);
    return;
  }
  res.writeHead(response.status, out);
  res.flushHeaders();
  const reader = response.body.getReader();
  res.on('close', () => void reader.cancel().catch(() => undefined));
  for (;;) {
    const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
    if (done) break;
    res.write(value);
  }
  res.end();
}

type Refusal = { status: number; message: string; headers?: Record<string, string> };

/**
 * The transport a session's McpServer is connected to: the SDK's web-standard transport, plus a
 * direct path for the common request, one POST carrying one JSON-RPC request that is not
 * initialize, from a client that accepts JSON (every tools/call). The SDK answers such a POST
 * (in JSON response mode, as here) with the same JSON, but on its way it builds a web Request, a
 * Response with a ReadableStream body that forward() then reads back, and zod-parses each answer
 * again (isJSONRPCResultResponse...) to route it: in an A/B with the raw HTTP client of bench section
 * 10, calls alternating between builds, the direct path took 0.5-0.8 ms of server CPU and 0.3-0.5 ms
 * of p50 off each call. Every
 * other request (initialize, notifications, batches, GET streams, DELETE, and anything the SDK
 * refuses: a wrong Accept, Content-Type or protocol version, a message that is not JSON-RPC) goes
 * to the SDK unchanged, so its answers and refusals are the SDK's own.
 */
export class SessionTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;
  /** Answers awaited by direct calls, by JSON-RPC id. */
  private readonly waiting = new Map<RequestId, (answer: JSONRPCMessage) => void>();
  private closed = false;

  constructor(readonly sdk: WebStandardStreamableHTTPServerTransport) {
    sdk.onmessage = (message, extra) => this.onmessage?.(message, extra);
    sdk.onerror = (error) => this.onerror?.(error);
    sdk.onclose = () => {
      this.closed = true;
      this.onclose?.();
    };
  }

  get sessionId(): string | undefined {
    return this.sdk.sessionId;
  }

  start(): Promise<void> {
    return this.sdk.start();
  }

  close(): Promise<void> {
    return this.sdk.close();
  }

  send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    const id = 'id' in message && !('method' in message) ? message.id : undefined;
    const answer = id === undefined ? undefined : this.waiting.get(id);
    if (answer) {
      this.waiting.delete(id!);
      answer(message);
      return Promise.resolve();
    }
    // A notification or request tied to a direct call: a JSON answer has no stream to carry it, and
    // the SDK in JSON response mode drops it too (the GET stream is for messages tied to no call).
    if (options?.relatedRequestId !== undefined && this.waiting.has(options.relatedRequestId)) return Promise.resolve();
    return this.sdk.send(message, options);
  }

  /**
   * The answer to a POST of the common kind, or undefined when the request is not one (the SDK
   * then handles it). `body` is the parsed JSON body.
   */
  call(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<JSONRPCMessage | Refusal> | undefined {
    if (this.closed || typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
    const accept = req.headers.accept;
    if (!accept?.includes('application/json') || !accept.includes('text/event-stream')) return undefined;
    if (!isJsonContentType(req.headers['content-type'])) return undefined;
    const version = req.headers['mcp-protocol-version'];
    if (version !== undefined && (typeof version !== 'string' || !SUPPORTED_PROTOCOL_VERSIONS.includes(version))) return undefined;
    const parsed = JSONRPCMessageSchema.safeParse(body);
    if (!parsed.success) return undefined;
    const message = parsed.data;
    // The schemas are strict: a request is the one kind with both a method and an id.
    if (!('method' in message) || !('id' in message) || message.method === 'initialize') return undefined;
    if (this.waiting.has(message.id)) {
      return Promise.resolve({
        status: 409,
        message: `request id ${JSON.stringify(message.id)} is already used by a call in progress in this session: give each request its own id`,
      });
    }
    const requestInfo = { headers: req.headers, url: new URL(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/mcp'}`) };
    return new Promise((resolve) => {
      this.waiting.set(message.id, resolve);
      // The client left before the answer: the call still runs; its answer is dropped when it comes.
      res.once('close', () => {
        if (this.waiting.get(message.id) === resolve) this.waiting.set(message.id, () => undefined);
      });
      this.onmessage?.(message, { requestInfo });
    });
  }
}

interface Session {
  transport: SessionTransport;
  server: McpServer;
  tokenId: string | null;
  lastSeen: number;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** A refusal as a JSON-RPC error body (what MCP clients read) that also says what to do. */
function refuse(res: ServerResponse, r: Refusal): void {
  sendJson(res, r.status, { jsonrpc: '2.0', error: { code: -32000, message: r.message }, id: null }, r.headers);
}

export async function startHttp(options: HttpOptions): Promise<RunningHttp> {
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const loopback = isLoopback(options.host);
  const hosts = new Set((options.allowedHosts ?? []).map((h) => h.trim().toLowerCase()).filter(Boolean));
  if (loopback) for (const n of LOOPBACK_NAMES) hosts.add(n);
  else if (options.host !== '0.0.0.0' && options.host !== '::') hosts.add(options.host.includes(':') ? `[${options.host.toLowerCase()}]` : options.host.toLowerCase());
  const origins = new Set((options.allowedOrigins ?? []).map((o) => o.trim().toLowerCase().replace(/\/$/, '')).filter(Boolean));
  const sessions = new Map<string, Session>();
  let inFlight = 0;
  let closing = false;
  const idle: (() => void)[] = [];

  const hostAllowed = (value: string | undefined) => value !== undefined && (hosts.has(value.trim().toLowerCase()) || hosts.has(hostName(value)));
  const originAllowed = (value: string | undefined) => {
    if (value === undefined) return true; // not a browser: Origin is a browser's header
    const o = value.trim().toLowerCase();
    if (origins.has(o)) return true;
    if (!loopback) return false;
    try {
      const url = new URL(o);
      return (url.protocol === 'http:' || url.protocol === 'https:') && LOOPBACK_NAMES.includes(url.hostname);
    } catch {
      return false;
    }
  };

  async function readBody(req: IncomingMessage): Promise<{ body?: unknown; refusal?: Refusal; gone?: true }> {
    const declared = Number(req.headers['content-length']);
    const tooBig: Refusal = { status: 413, message: `request body over ${maxBody} bytes; send smaller calls (the limit is --max-body-bytes)` };
    if (Number.isFinite(declared) && declared > maxBody) return { refusal: tooBig };
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of req) {
        size += (chunk as Buffer).length;
        if (size > maxBody) return { refusal: tooBig };
        chunks.push(chunk as Buffer);
      }
    } catch {
      // The connection ended before the whole body came: the client left, or the request timeout
      // cut a client that was sending too slowly (Node has answered 408 itself). Nothing to do.
      return { gone: true };
    }
    try {
      return { body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown };
    } catch {
      return { refusal: { status: 400, message: 'request body is not JSON: POST /mcp takes a JSON-RPC message' } };
    }
  }

  async function handleMcp(req: IncomingMessage, res: ServerResponse, token: TokenInfo | null): Promise<void> {
    const method = req.method ?? 'GET';
    if (!['GET', 'POST', 'DELETE'].includes(method)) {
      refuse(res, { status: 405, message: `${method} is not served at /mcp: use POST, GET or DELETE`, headers: { allow: 'GET, POST, DELETE' } });
      return;
    }
    let body: unknown;
    if (method === 'POST') {
      const read = await readBody(req);
      if (read.gone) return;
      if (read.refusal) {
        refuse(res, { ...read.refusal, headers: { connection: 'close' } });
        req.resume();
        return;
      }
      body = read.body;
    }
    const sessionId = req.headers['mcp-session-id'];
    if (typeof sessionId === 'string') {
      const session = sessions.get(sessionId);
      if (!session) {
        refuse(res, { status: 404, message: `session ${sessionId} not found (it ended or the server restarted): initialize a new one` });
        return;
      }
      if (session.tokenId !== (token?.id ?? null)) {
        refuse(res, { status: 403, message: 'this session was opened with another token: a session is used with the token that opened it' });
        return;
      }
      session.lastSeen = Date.now();
      const direct = method === 'POST' ? session.transport.call(req, res, body) : undefined;
      if (!direct) {
        await forward(session.transport.sdk, req, res, body);
        return;
      }
      const answer = await direct;
      if ('status' in answer) {
        refuse(res, answer);
        return;
      }
      const text = JSON.stringify(answer);
      res.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': sessionId, 'content-length': Buffer.byteLength(text) });
      res.end(text);
      return;
    }
    if (method !== 'POST' || !(Array.isArray(body) ? body.some((m) => isInitializeRequest(m)) : isInitializeRequest(body))) {
      refuse(res, { status: 400, message: 'no Mcp-Session-Id header: send initialize first, then its session id with every request' });
      return;
    }
    const server = options.createSession(token);
    const sdk = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      enableJsonResponse: true,
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, server, tokenId: token?.id ?? null, lastSeen: Date.now() });
      },
      onsessionclosed: (id) => {
        sessions.delete(id);
        void server.close();
      },
    });
    const transport = new SessionTransport(sdk);
    await server.connect(transport);
    await forward(sdk, req, res, body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const url = new URL(req.url ?? '/', 'http://x');
    let who = '-';
    const isBoard = options.board !== undefined && (url.pathname === '/board' || url.pathname.startsWith('/board/'));
    // Streams (MCP's GET, the board's events) stay open: they are not requests in flight.
    const counted = !(req.method === 'GET' && (url.pathname === '/mcp' || url.pathname === '/board/events'));
    if (counted) inFlight++;
    res.on('close', () => {
      if (counted && --inFlight === 0) for (const done of idle.splice(0)) done();
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // A request cut before its answer: by the request timeout (Node answered 408), or by the client.
      const status = res.headersSent ? String(res.statusCode)
        : (req.socket.errored as NodeJS.ErrnoException | null)?.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408' : '-';
      const cut = res.headersSent ? '' : status === '408' ? ' (request not received within the request timeout)' : ' (connection closed before the answer)';
      options.log(`${req.method} ${url.pathname} ${status} ${ms.toFixed(1)}ms ${who}${cut}`);
    });
    if (closing) {
      refuse(res, { status: 503, message: 'the server is shutting down; retry in a moment', headers: { connection: 'close' } });
      return;
    }
    if (url.pathname === '/healthz') {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        refuse(res, { status: 405, message: 'GET /healthz', headers: { allow: 'GET, HEAD' } });
        return;
      }
      sendJson(res, 200, { status: 'ok', version: VERSION, sessions: sessions.size });
      return;
    }
    if (url.pathname !== '/mcp' && !isBoard) {
      refuse(res, { status: 404, message: `nothing at ${url.pathname}: the MCP endpoint is /mcp, the health check /healthz${options.board ? ', the board /board' : ''}` });
      return;
    }
    if (!hostAllowed(req.headers.host)) {
      refuse(res, { status: 403, message: `Host ${JSON.stringify(req.headers.host ?? '')} is not allowed (DNS rebinding protection): start the server with --allowed-hosts naming the host clients use` });
      return;
    }
    const origin = req.headers.origin;
    if (!originAllowed(origin)) {
      refuse(res, { status: 403, message: `Origin ${JSON.stringify(origin)} is not allowed (DNS rebinding protection): start the server with --allowed-origins naming it` });
      return;
    }
    if (isBoard) {
      // The board's own sessions: an admin token once in its URL, then a cookie and a form token.
      who = 'board';
      await options.board!.handle(req, res);
      return;
    }
    let token: TokenInfo | null = null;
    if (options.tokens) {
      const verdict = await options.tokens.verify(req.headers.authorization);
      if (!verdict.ok) {
        const challenge = verdict.status === 401
          ? `Bearer realm="coordinator-mcp"${req.headers.authorization ? ', error="invalid_token"' : ''}`
          : undefined;
        who = verdict.status === 403 ? 'token=revoked' : verdict.status === 503 ? 'token=unchecked' : 'token=none';
        const headers: Record<string, string> = challenge ? { 'www-authenticate': challenge } : verdict.status === 503 ? { 'retry-after': '5' } : {};
        refuse(res, { status: verdict.status, message: verdict.reason, headers });
        return;
      }
      token = verdict.token;
      who = `token=${token.id} ${token.role === 'agent' ? token.agents.join(',') : token.role}`;
    }
    await handleMcp(req, res, token);
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((err: unknown) => {
      options.log(`error ${req.method} ${req.url}: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) refuse(res, { status: 500, message: 'internal error; nothing was changed, try again or report it' });
      else res.end();
    });
  };
  const requestTimeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  // Node refuses a headers timeout above the request timeout: the headers are part of the request.
  const headersTimeout = Math.min(options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS, requestTimeout);
  const serverOptions = {
    headersTimeout,
    requestTimeout,
    // How often Node looks for connections past those timeouts (default 30 s).
    connectionsCheckingInterval: Math.min(1000, headersTimeout),
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
  };
  const http: Server = options.tls
    ? createHttpsServer({ ...serverOptions, cert: options.tls.cert, key: options.tls.key }, listener)
    : createHttpServer(serverOptions, listener);
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, options.host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [id, s] of sessions) {
      if (now - s.lastSeen > SESSION_IDLE_MS) {
        sessions.delete(id);
        void s.transport.close();
        void s.server.close();
      }
    }
  }, 60_000);
  sweep.unref();
  const port = (http.address() as AddressInfo).port;
  const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `${options.tls ? 'https' : 'http'}://${shownHost}:${port}/mcp`,
    port,
    inFlight: () => inFlight,
    shutdown: async (graceMs = 30_000) => {
      closing = true;
      clearInterval(sweep);
      options.board?.close();
      http.close();
      http.closeIdleConnections();
      const waitedFor = inFlight;
      if (inFlight > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, graceMs);
          timer.unref();
          idle.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      const leftUnfinished = inFlight;
      for (const s of sessions.values()) {
        await s.transport.close().catch(() => undefined);
        await s.server.close().catch(() => undefined);
      }
      sessions.clear();
      http.closeAllConnections();
      return { waitedFor, leftUnfinished };
    },
  };
}
