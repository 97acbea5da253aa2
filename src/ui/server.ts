import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BoardService } from '../board/service.js';
import { CoordinatorError } from '../errors.js';
import { BOARD_CSS, BOARD_JS } from './assets.js';
import { activityPage, errorPage, flagPage, type PageContext, queuesPage, searchPage } from './pages.js';

export interface BoardServerOptions {
  /** 0: any free port. */
  port: number;
  /** Who acts through the board (its history entries read person:<name>). */
  person: string;
  /** The secret of the printed URL (default: 32 random bytes). */
  token?: string;
  /** How often SQLite's change mark is read, in ms. */
  pollMs?: number;
}

export interface BoardServer {
  port: number;
  /** The URL to open: it carries the token. */
  url: string;
  close(): Promise<void>;
}

/**
 * Only this page's own files may run or style it; nothing may frame it, and forms post only back
 * to it. An agent's text that slipped through as markup could still not run a script.
 */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
const MAX_FORM = 16 * 1024;
const SSE_HEARTBEAT_MS = 15_000;

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export interface BoardHandlerOptions {
  /** Where the board is mounted: '' (its own server) or a path such as '/board'. */
  base: string;
  /** The cookie of the board's sessions (unique per server: cookies ignore ports). */
  cookieName: string;
  /** The Origins a same-origin form of this board may send ("http://127.0.0.1:4280"; behind a TLS proxy, its public origin too). */
  origins: (host: string) => string[];
  /** Mark the cookie Secure (served over TLS, or behind a proxy that is). */
  secure?: boolean;
  /** Checks the token of a first visit: the person who acts in that session, or a refusal. */
  login: (token: string) => Promise<{ person: string } | { status: 401 | 403 | 503; message: string }>;
  /** How often SQLite's change mark is read, in ms. */
  pollMs?: number;
}

export interface BoardHandler {
  /** Answers a request whose path is under base (its Host already checked). */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  close(): void;
}

/** A session ends after this long without a request, and after MAX_SESSION_MS in any case. */
const SESSION_IDLE_MS = 8 * 3600_000;
const MAX_SESSION_MS = 7 * 24 * 3600_000;
/** Sessions kept at most (the oldest go first): a client that logs in over and over cannot fill memory. */
const MAX_SESSIONS = 1000;

interface Session {
  person: string;
  /** The token the session was opened with: checked again on every request, so a revoked token ends it. */
  token: string;
  created: number;
  seen: number;
}

/**
 * The board's requests, wherever it is served. Every request needs a session: the first visit
 * brings the token (?token=...), which is traded for a session cookie (HttpOnly, SameSite=Strict,
 * scoped to the board's path) and the same page without it. A POST needs a same-origin Origin /
 * Sec-Fetch-Site when the browser sends them, and always the session's form token.
 */
export function createBoardHandler(board: BoardService, options: BoardHandlerOptions): BoardHandler {
  const key = randomBytes(32);
  const sessions = new Map<string, Session>();
  const streams = new Map<ServerResponse, string>();
  const base = options.base;
  const cookieName = options.cookieName;
  const csrfOf = (session: string) => createHmac('sha256', key).update(session).digest('base64url');
  /** The board's own absolute paths, moved under its base (agents' texts never reach an attribute unescaped, so only ours start with ="/). */
  const rebase = (page: string) => (base ? page.replace(/ (href|src|action)="\//g, ` $1="${base}/`) : page);

  const send = (res: ServerResponse, status: number, body: string, type = 'text/html; charset=utf-8', extra: Record<string, string> = {}) => {
    const text = type.startsWith('text/html') ? rebase(body) : body;
    res.writeHead(status, {
      'Content-Type': type, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store', 'Content-Security-Policy': CSP,
      'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'same-origin', 'X-Frame-Options': 'DENY', 'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin', ...extra,
    });
    res.end(text);
  };
  const refuse = (res: ServerResponse, status: number, message: string) => send(res, status, errorPage(status, message));

  /** The request's live session: its cookie names one that has not expired and whose token still holds. */
  const sessionOf = async (req: IncomingMessage): Promise<string | undefined> => {
    const cookies = req.headers.cookie?.split(';').map((c) => c.trim()) ?? [];
    const value = cookies.find((c) => c.startsWith(`${cookieName}=`))?.slice(cookieName.length + 1);
    const s = value === undefined ? undefined : sessions.get(value);
    if (!s) return undefined;
    const now = Date.now();
    if (now - s.seen > SESSION_IDLE_MS || now - s.created > MAX_SESSION_MS || 'status' in await options.login(s.token)) {
      endSession(value!);
      return undefined;
    }
    s.seen = now;
    return value;
  };
  const endSession = (id: string) => {
    sessions.delete(id);
    for (const [res, owner] of streams) if (owner === id) res.end();
  };

  const readForm = (req: IncomingMessage) => new Promise<URLSearchParams>((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? 0) > MAX_FORM) {
      req.resume(); // read and dropped, not kept
      reject(new Error('form too large'));
      return;
    }
    let body = '';
    req.setEncoding('utf8');
    const onData = (chunk: string) => {
      body += chunk;
      if (body.length > MAX_FORM) {
        req.off('data', onData);
        body = '';
        req.resume();
        reject(new Error('form too large'));
      }
    };
    req.on('data', onData);
    req.on('end', () => resolve(new URLSearchParams(body)));
    req.on('error', reject);
  });

  const flash = (url: URL): PageContext['flash'] => {
    const done = url.searchParams.get('done');
    return done ? { kind: 'ok', text: done } : undefined;
  };

  async function page(path: string, url: URL, ctx: PageContext): Promise<[number, string]> {
    if (path === '/') return [200, queuesPage(await board.queues(), ctx)];
    if (path === '/activity') return [200, activityPage(await board.activity(url.searchParams.get('days') ?? undefined), ctx)];
    if (path === '/search') {
      const params = Object.fromEntries(['agent', 'type', 'impact', 'status', 'q', 'after'].map((k) => [k, url.searchParams.get(k) ?? undefined]));
      try {
        return [200, searchPage(params, await board.search(params), ctx)];
      } catch (err) {
        if (err instanceof CoordinatorError && err.code === 'invalid_argument') return [400, searchPage(params, { error: err.message }, ctx)];
        throw err;
      }
    }
    const m = /^\/flags\/(\d{1,15})$/.exec(path);
    if (m) return [200, flagPage(await board.flag(Number(m[1])), ctx)];
    return [404, errorPage(404, `there is no page ${base}${path} on the board`)];
  }

  const ACTIONS: Record<string, (id: number, person: string) => Promise<string>> = {
    unlock: async (id, person) => { const r = await board.flags.personUnlock(id, person); return `Unlocked flag #${id} (was held by ${r.previous_holder}).`; },
    close: async (id, person) => { const r = await board.flags.personCloseBroadcast(id, person); return `Closed broadcast #${id} for every agent (${r.acknowledged} had acknowledged it).`; },
    withdraw: async (id, person) => { await board.flags.personWithdraw(id, person); return `Withdrew flag #${id}.`; },
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const host = (req.headers.host ?? '').toLowerCase();
    const url = new URL(req.url ?? '/', 'http://board');
    const path = url.pathname.slice(base.length) || '/';
    const given = url.searchParams.get('token');
    let session = await sessionOf(req);
    if (given !== null) {
      const verdict = await options.login(given);
      if ('status' in verdict) return refuse(res, verdict.status, verdict.message);
      // A token of another person opens a session of its own, rather than acting in the first one's name.
      if (req.method === 'GET' && (!session || sessions.get(session)!.token !== given)) {
        session = randomBytes(24).toString('base64url');
        const now = Date.now();
        sessions.set(session, { person: verdict.person, token: given, created: now, seen: now });
        if (sessions.size > MAX_SESSIONS) endSession(sessions.keys().next().value!);
      }
      // The token leaves the address bar (and the history) at once: the session cookie carries on.
      // The path is collapsed to one leading slash: "//evil.example/" would be another site.
      url.searchParams.delete('token');
      const local = path.replace(/^\/+/, '/');
      return send(res, 303, '', 'text/plain', {
        Location: `${base}${local === '/' && base ? '/' : local}${url.search}`,
        ...(session ? { 'Set-Cookie': `${cookieName}=${session}; HttpOnly; SameSite=Strict; Path=${base || '/'}${options.secure ? '; Secure' : ''}` } : {}),
      });
    }
    if (!session) return refuse(res, 401, `the board needs its token: open the URL with ?token=... (coordinator ui prints it${base ? '; here, an admin token of the server' : ''})`);
    const csrf = csrfOf(session);
    const { person } = sessions.get(session)!;

    if (req.method === 'POST') {
      const origin = req.headers.origin;
      const site = req.headers['sec-fetch-site'];
      if (origin !== undefined && !options.origins(host).includes(origin)) return refuse(res, 403, `a form from ${JSON.stringify(origin)} may not act on the board (cross-site request refused)`);
      if (site !== undefined && site !== 'same-origin') return refuse(res, 403, `a ${site} request may not act on the board (cross-site request refused)`);
      const m = /^\/flags\/(\d{1,15})\/(unlock|close|withdraw)$/.exec(path);
      if (!m) return refuse(res, 404, `there is no action ${url.pathname}`);
      let form: URLSearchParams;
      try {
        form = await readForm(req);
      } catch {
        return refuse(res, 413, 'the form is too large');
      }
      if (!same(form.get('csrf') ?? '', csrf)) return refuse(res, 403, 'the form token is missing or stale: reload the page and try again');
      const id = Number(m[1]);
      try {
        const done = await ACTIONS[m[2]!]!(id, person);
        return send(res, 303, '', 'text/plain', { Location: `${base}/flags/${id}?done=${encodeURIComponent(done)}` });
      } catch (err) {
        if (!(err instanceof CoordinatorError)) throw err;
        if (err.code === 'not_found') return refuse(res, 404, err.message);
        const [, body] = await page(`/flags/${id}`, url, { csrf, flash: { kind: 'error', text: err.message } });
        return send(res, 409, body);
      }
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, `${req.method} is not served here`);
    if (path === '/static/board.css') return send(res, 200, BOARD_CSS, 'text/css; charset=utf-8');
    if (path === '/static/board.js') return send(res, 200, BOARD_JS, 'text/javascript; charset=utf-8');
    if (path === '/events') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', Connection: 'keep-alive' });
      if (req.method === 'HEAD') return void res.end();
      res.write('retry: 2000\n\n');
      streams.set(res, session);
      req.on('close', () => streams.delete(res));
      return;
    }
    try {
      const [status, body] = await page(path, url, { csrf, flash: flash(url) });
      return send(res, status, body);
    } catch (err) {
      if (err instanceof CoordinatorError) return refuse(res, err.code === 'not_found' ? 404 : 400, err.message);
      throw err;
    }
  }

  // Any server's write (or this one's) tells every open page; bursts are folded into one message.
  let pending: NodeJS.Timeout | undefined;
  const stopWatch = board.store.watch(() => {
    pending ??= setTimeout(() => {
      pending = undefined;
      for (const s of streams.keys()) s.write(`event: change\ndata: ${Date.now()}\n\n`);
    }, 100);
  }, options.pollMs);
  // Each heartbeat also checks the sessions that hold streams: a revoked token's streams end.
  const heartbeat = setInterval(() => {
    void (async () => {
      for (const id of new Set(streams.values())) {
        const s = sessions.get(id);
        if (!s || 'status' in await options.login(s.token)) endSession(id);
      }
      for (const s of streams.keys()) s.write(': keep-alive\n\n');
    })().catch(() => undefined);
  }, SSE_HEARTBEAT_MS);
  heartbeat.unref();

  return {
    handle: (req, res) => handle(req, res).catch((err: unknown) => {
      process.stderr.write(`coordinator board: ${(err as Error).stack ?? String(err)}\n`);
      if (!res.headersSent) refuse(res, 500, 'the board failed to answer; see the server\'s log');
      else res.end();
    }),
    close: () => {
      stopWatch();
      clearInterval(heartbeat);
      clearTimeout(pending);
      for (const s of streams.keys()) s.end();
    },
  };
}

/**
 * The board's own HTTP server (coordinator ui), on 127.0.0.1 only, with a random token in the URL
 * it prints. A Host other than 127.0.0.1/localhost on this port is refused (DNS rebinding).
 */
export async function startBoardServer(board: BoardService, options: BoardServerOptions): Promise<BoardServer> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  let port = options.port;
  let handler: BoardHandler | undefined;
  const server = createServer((req, res) => {
    const host = (req.headers.host ?? '').toLowerCase();
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
      const body = errorPage(403, `Host ${JSON.stringify(req.headers.host ?? '')} is not allowed (DNS rebinding protection): open the board at 127.0.0.1:${port}`);
      res.writeHead(403, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': CSP, 'Cache-Control': 'no-store' });
      res.end(body);
      return;
    }
    void handler!.handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => { server.off('error', reject); resolve(); });
  });
  port = (server.address() as AddressInfo).port;
  handler = createBoardHandler(board, {
    base: '', cookieName: `coordinator_board_${port}`, origins: (host) => [`http://${host}`], pollMs: options.pollMs,
    login: async (given) => (same(given, token) ? { person: options.person } : { status: 403, message: 'this token is not the board\'s: open the URL that coordinator ui printed' }),
  });

  return {
    port,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    close: async () => {
      handler!.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
