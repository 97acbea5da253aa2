// The server program: parses the command line, opens the store and serves MCP over stdio.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { authorizeCall, runVia } from './auth/access.js';
import { type TokenInfo, TokenService, type TokenStore } from './auth/tokens.js';
import { locateDb, resolveAgentRoots, resolveBundledMode } from './config.js';
import { log } from './log.js';
import { StdioLineTransport } from './mcp/stdio.js';
import { createServer, createServices, parseToolsets, type Services, type Toolset } from './server.js';
import { type DB, openStore, StoreOpenError } from './store/db.js';
import { DEFAULT_HEADERS_TIMEOUT_MS, DEFAULT_MAX_BODY_BYTES, DEFAULT_REQUEST_TIMEOUT_MS, isLoopback, KEEP_ALIVE_TIMEOUT_MS, startHttp } from './transports/http.js';
import type { FlagStore } from './flags/store.js';
import { isPostgresUrl, redactUrl } from './store/postgres/url.js';
import { VERSION } from './version.js';

const USAGE = `coordinator-mcp ${VERSION}: the coordinator MCP server, speaking MCP over stdio
(default) or Streamable HTTP (--http).

Usage: coordinator-mcp [--db PATH] [--agents-dir DIR]... [--bundled-agents auto|on|off]
                      [--toolsets flags,agents,databases,migration]
                      [--http [HOST:]PORT [--tls-cert FILE --tls-key FILE]
                       [--allowed-hosts LIST] [--allowed-origins LIST]
                       [--max-body-bytes N] [--headers-timeout-ms N]
                       [--request-timeout-ms N] [--no-auth]]

  --db PATH|URL         SQLite database file, or postgres://user:pass@host:port/db to keep
                        the flags on a PostgreSQL server shared by many servers, over
                        stdio or --http (the tokens of --http are then kept there too,
                        so every server checks the same ones)
                        (default: $COORDINATOR_DB, else
                        <main worktree>/.claude/coordinator.db of the git repository
                        of $CLAUDE_PROJECT_DIR or cwd, shared by all its worktrees and
                        subfolders; outside git <$CLAUDE_PROJECT_DIR or cwd>/.claude/
                        coordinator.db). The server prints the path it opened on stderr;
                        "coordinator where" prints it too.
  --agents-dir DIR      an extra folder of agent files (repeatable; also
                        $COORDINATOR_AGENTS_DIRS, separated by ':')
  --bundled-agents MODE the bundled team of 48 agents (also $COORDINATOR_BUNDLED_AGENTS):
                        auto (default) searches it only while you have no agents of
                        your own; on always; off never. Deprecated: --no-bundled-agents
                        and COORDINATOR_BUNDLED_AGENTS=0/false/no mean off.
  --toolsets LIST       the tools to serve, comma-separated (also $COORDINATOR_TOOLSETS):
                        flags (10 tools), agents (4), databases (6), migration (2),
                        or all (default). A project that only coordinates serves
                        flags,agents and keeps the other definitions out of the
                        model's context.
  --http [HOST:]PORT    serve MCP over Streamable HTTP at http://HOST:PORT/mcp instead
                        of stdio (HOST defaults to 127.0.0.1; PORT 0 picks a free port;
                        the URL is printed on stderr). Every request needs
                        "Authorization: Bearer <token>" (coordinator token create).
                        GET /healthz answers without a token.
  --tls-cert FILE, --tls-key FILE
                        serve HTTPS with this certificate and key (PEM)
  --allowed-hosts LIST  Host header values accepted (comma-separated), besides
                        localhost, 127.0.0.1 and [::1] on a loopback bind; required
                        when binding 0.0.0.0 or ::
  --allowed-origins LIST Origin header values accepted (comma-separated), besides
                        http(s)://localhost... on a loopback bind
  --max-body-bytes N    largest request body (default ${DEFAULT_MAX_BODY_BYTES}); larger: 413
  --headers-timeout-ms N a client must send its request headers within this time
                        (default ${DEFAULT_HEADERS_TIMEOUT_MS}; slow-loris protection): else 408
  --request-timeout-ms N a client must send its whole request (headers and body)
                        within this time (default ${DEFAULT_REQUEST_TIMEOUT_MS}; at least the
                        headers timeout): else 408. An idle connection is kept
                        open ${KEEP_ALIVE_TIMEOUT_MS / 1000} s for the next request (above the idle
                        timeout of common proxies and load balancers)
  --no-auth             serve without tokens: only on a loopback bind, for local tests
                        such as the MCP conformance suite
  --help                this text
  --version             the version

Agents come from the bundled team, the agents of installed and enabled Claude Code
plugins (@plugin:agent), the extra folders, ~/.claude/agents and
<project>/.claude/agents; a name defined in several places is taken from the last.
"coordinator agents install" copies the bundled team into .claude/agents, where
Claude Code can run it.

Every server process of a project can share one database file: each write is
one short SQLite transaction, waiting up to 15 s for another process's write.
For a team on several machines, run coordinator-mcp --http on a postgres:// store
(--db or COORDINATOR_DB): any number of servers share its flags and tokens, and
each tells its subscribed clients of flags written through the others.`;

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        db: { type: 'string' },
        'agents-dir': { type: 'string', multiple: true },
        'bundled-agents': { type: 'string' },
        'no-bundled-agents': { type: 'boolean' },
        toolsets: { type: 'string' },
        http: { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'allowed-hosts': { type: 'string' },
        'allowed-origins': { type: 'string' },
        'max-body-bytes': { type: 'string' },
        'headers-timeout-ms': { type: 'string' },
        'request-timeout-ms': { type: 'string' },
        'no-auth': { type: 'boolean' },
        help: { type: 'boolean' },
        version: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`coordinator-mcp: ${(err as Error).message}; see coordinator-mcp --help\n`);
    process.exit(1);
  }
  if (values.help) {
    process.stderr.write(`${USAGE}\n`);
    return;
  }
  if (values.version) {
    process.stderr.write(`${VERSION}\n`);
    return;
  }
  let bundled;
  try {
    bundled = resolveBundledMode(values['bundled-agents'], values['no-bundled-agents']);
  } catch (err) {
    process.stderr.write(`coordinator-mcp: ${(err as Error).message}; see coordinator-mcp --help\n`);
    process.exit(1);
  }
  let toolsets;
  try {
    toolsets = values.toolsets !== undefined ? parseToolsets(values.toolsets) : parseToolsets(process.env.COORDINATOR_TOOLSETS, 'COORDINATOR_TOOLSETS');
  } catch (err) {
    process.stderr.write(`coordinator-mcp: ${(err as Error).message}\n`);
    process.exit(1);
  }
  let http: HttpSettings | undefined;
  try {
    http = httpSettings(values);
  } catch (err) {
    process.stderr.write(`coordinator-mcp: ${(err as Error).message}; see coordinator-mcp --help\n`);
    process.exit(1);
  }
  // A postgres:// URL (--db, else COORDINATOR_DB) puts the flags on a PostgreSQL server shared by
  // every server on it; the agent catalog stays on this machine (an in-memory SQLite database).
  const pgUrl = [values.db, process.env.COORDINATOR_DB].find((v) => v !== undefined && v.trim() !== '');
  let flagStore: FlagStore | undefined;
  let tokenStore: TokenStore | undefined;
  let dbPath: string;
  let db;
  try {
    if (isPostgresUrl(pgUrl)) {
      // Loaded only here: a server on SQLite does not pay for node-postgres at start. The flags
      // and the tokens share one pool: every server on the store checks the same tokens.
      const [{ PostgresFlagStore }, { PostgresTokenStore }, { poolConnector }] = await Promise.all([
        import('./store/postgres/flags.js'), import('./store/postgres/tokens.js'), import('./store/postgres/connect.js')]);
      const connector = poolConnector(pgUrl.trim());
      flagStore = await PostgresFlagStore.open(connector);
      tokenStore = new PostgresTokenStore(connector);
      dbPath = ':memory:';
      db = openStore(dbPath);
      log.info(`flags${http ? ' and tokens' : ''} on PostgreSQL ${redactUrl(pgUrl.trim())} (${values.db !== undefined ? '--db' : 'COORDINATOR_DB'}); agent catalog in memory`);
    } else {
      const location = locateDb(values.db);
      dbPath = location.path;
      db = openStore(dbPath);
      log.info(`database ${dbPath} (${location.source}: ${location.reason})`);
    }
  } catch (err) {
    const reason = err instanceof StoreOpenError ? err.message : (err as Error).message;
    process.stderr.write(`coordinator-mcp: ${isPostgresUrl(pgUrl) ? `cannot use the PostgreSQL store ${redactUrl(pgUrl.trim())}: ${reason}; check the URL, that the server runs and that the role may create tables` : reason}\n`);
    process.exit(1);
  }
  // No file is read here: the agent folders are read on first use (lazyCatalog), where a failure
  // is that call's error and the next call tries again.
  const services = createServices(db, {
    dbPath,
    flagStore,
    tokenStore,
    agentRoots: resolveAgentRoots({ agentsDirs: values['agents-dir'], bundled }),
    bundledAgents: bundled,
    watchAgents: true,
    lazyCatalog: true,
  });
  const { server, cleanup } = createServer(services, { toolsets });
  if (toolsets.length < 4) log.info(`toolsets ${toolsets.join(', ')}`);
  // The agent folders are read, and the search index built, once the client has had its first
  // answers (or at the first question about agents, whichever comes first).
  setTimeout(() => {
    try {
      services.agents.search.warm();
    } catch (err) {
      log.warn('could not prepare the agent search index (it is built on the first search)', err);
    }
  }, 300).unref();
  if (http) {
    process.on('uncaughtException', (err) => log.error('uncaught exception (still serving)', err));
    process.on('unhandledRejection', (err) => log.error('unhandled rejection (still serving)', err));
    serveHttp(http, services, toolsets, db, async () => {
      cleanup();
      await flagStore?.close(); // PostgreSQL: the writes' last notifications are sent, the pool ends
    });
    return;
  }
  const shutdown = () => {
    try {
      cleanup();
      db.close();
    } finally {
      if (flagStore) void flagStore.close().finally(() => process.exit(0));
      else process.exit(0);
    }
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  process.on('uncaughtException', (err) => log.error('uncaught exception (still serving)', err));
  process.on('unhandledRejection', (err) => log.error('unhandled rejection (still serving)', err));
  // At the end of stdin the transport answers the requests in flight, then closes: the server exits.
  const transport = new StdioLineTransport();
  transport.onclose = shutdown;
  server.connect(transport).catch((err: unknown) => {
    log.error('cannot start the stdio transport', err);
    process.exit(1);
  });
}

interface HttpSettings {
  host: string;
  port: number;
  tls?: { cert: Buffer; key: Buffer };
  allowedHosts: string[];
  allowedOrigins: string[];
  maxBodyBytes: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  noAuth: boolean;
}

const list = (v: string | undefined) => (v ?? '').split(',').map((x) => x.trim()).filter(Boolean);

function positiveInt(value: string | undefined, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  const n = Number(value.trim() === '' ? NaN : value);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new Error(`${name} must be a whole number ${max === Number.MAX_SAFE_INTEGER ? 'above 0' : `from 1 to ${max}`} (got ${JSON.stringify(value)})`);
  }
  return n;
}

/** An hour: a request that takes longer to arrive is no client this server wants to wait for. */
const MAX_TIMEOUT_MS = 3_600_000;

/** The HTTP options of the command line, checked; undefined without --http (stdio). */
function httpSettings(values: Record<string, string | boolean | string[] | undefined>): HttpSettings | undefined {
  const str = (k: string) => values[k] as string | undefined;
  const httpOnly = ['tls-cert', 'tls-key', 'allowed-hosts', 'allowed-origins', 'max-body-bytes', 'headers-timeout-ms', 'request-timeout-ms', 'no-auth'].filter((k) => values[k] !== undefined);
  const spec = str('http');
  if (spec === undefined) {
    if (httpOnly.length) throw new Error(`--${httpOnly[0]} goes with --http [HOST:]PORT`);
    return undefined;
  }
  const m = /^(?:(\[[0-9a-fA-F:.]+\]|[^:\[\]]+):)?(\d{1,5})$/.exec(spec.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) throw new Error(`--http must be [HOST:]PORT, as 8080, 127.0.0.1:8080 or [::1]:8080 (got ${JSON.stringify(spec)})`);
  const host = (m[1] ?? '127.0.0.1').replace(/^\[|\]$/g, '');
  const certFile = str('tls-cert');
  const keyFile = str('tls-key');
  if ((certFile === undefined) !== (keyFile === undefined)) throw new Error('--tls-cert and --tls-key go together: give both files (PEM) or neither');
  let tls: HttpSettings['tls'];
  if (certFile !== undefined && keyFile !== undefined) {
    const read = (file: string, name: string) => {
      try {
        return readFileSync(file);
      } catch (err) {
        throw new Error(`cannot read ${name} ${file}: ${(err as Error).message}`);
      }
    };
    tls = { cert: read(certFile, '--tls-cert'), key: read(keyFile, '--tls-key') };
  }
  const allowedHosts = list(str('allowed-hosts'));
  if ((host === '0.0.0.0' || host === '::') && allowedHosts.length === 0) {
    throw new Error(`binding ${host} (every interface) needs --allowed-hosts naming the host names clients use (e.g. --allowed-hosts coordinator.example.com:${port}): requests with any other Host are refused`);
  }
  const noAuth = values['no-auth'] === true;
  if (noAuth && !isLoopback(host)) throw new Error(`--no-auth is allowed only on a loopback bind (127.0.0.1, ::1, localhost), not ${host}: anyone who reaches the port could act as any agent`);
  const requestTimeoutMs = positiveInt(str('request-timeout-ms'), '--request-timeout-ms', DEFAULT_REQUEST_TIMEOUT_MS, MAX_TIMEOUT_MS);
  // The headers are part of the request: their default shrinks to a shorter request timeout, a
  // longer value given explicitly is a contradiction.
  const headersTimeoutMs = positiveInt(str('headers-timeout-ms'), '--headers-timeout-ms', Math.min(DEFAULT_HEADERS_TIMEOUT_MS, requestTimeoutMs), MAX_TIMEOUT_MS);
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new Error(`--headers-timeout-ms (${headersTimeoutMs}) must not exceed --request-timeout-ms (${requestTimeoutMs}): the headers are part of the request; raise --request-timeout-ms or lower --headers-timeout-ms`);
  }
  return {
    host, port, tls, allowedHosts, allowedOrigins: list(str('allowed-origins')), noAuth,
    maxBodyBytes: positiveInt(str('max-body-bytes'), '--max-body-bytes', DEFAULT_MAX_BODY_BYTES),
    headersTimeoutMs,
    requestTimeoutMs,
  };
}

/** The person an admin token acts as on the board: its name made a valid one, else admin-<id>. */
function boardPerson(token: TokenInfo): string {
  const name = (token.name ?? '').replace(/[^A-Za-z0-9._-]/g, '_').replace(/^[^A-Za-z0-9]+/, '').slice(0, 64);
  return name || `admin-${token.id}`;
}

function serveHttp(settings: HttpSettings, services: Services, toolsets: Toolset[], db: DB, cleanup: () => Promise<void>): void {
  const tokens = settings.noAuth ? null : new TokenService(services.tokenStore);
  if (settings.noAuth) {
    log.warn('!!! --no-auth: every request is served WITHOUT a token, as any agent. Only for local tests on this machine. !!!');
  } else if (!settings.tls && !isLoopback(settings.host)) {
    log.warn(`serving plain HTTP on ${settings.host}: tokens cross the network in clear unless a TLS proxy sits in front (or use --tls-cert/--tls-key)`);
  }
  const access = {
    resolve: (h: string) => String(services.agents.resolveHandle(h)),
    sameAgent: (a: string, b: string) => services.flags.sameAgent(a, b),
  };
  const createSession = (token: TokenInfo | null) => createServer(services, {
    toolsets,
    logging: true,
    wrapCall: token ? (def, args, call) => runVia(authorizeCall(token, def, args, access), call) : undefined,
  }).server;
  // The board under /board, for admin tokens (loaded only in HTTP mode, and only with tokens).
  const board = tokens ? Promise.all([import('./ui/server.js'), import('./ui/board.js')]).then(([ui, { createBoard }]) => ui.createBoardHandler(createBoard(services), {
    base: '/board',
    // One name per port: browsers send a host's cookies to every port on it.
    cookieName: `coordinator_board_${settings.port || process.pid}`,
    // The board's own origin, and the public origins a proxy in front serves it under (--allowed-origins).
    origins: (host) => [`${settings.tls ? 'https' : 'http'}://${host}`, ...(settings.allowedOrigins ?? []).map((o) => o.trim().toLowerCase().replace(/\/$/, ''))],
    secure: Boolean(settings.tls) || (settings.allowedOrigins ?? []).some((o) => o.startsWith('https://')),
    login: async (given) => {
      const verdict = await tokens.verify(`Bearer ${given}`);
      if (!verdict.ok) return { status: verdict.status, message: `${verdict.reason} (the board takes an admin token: /board/?token=cmcp_...)` };
      if (verdict.token.role !== 'admin') return { status: 403, message: `the board needs an admin token; this one is ${verdict.token.role} (coordinator token create --admin)` };
      return { person: boardPerson(verdict.token) };
    },
  })) : Promise.resolve(undefined);
  board.then((boardHandler) => startHttp({
    host: settings.host, port: settings.port, tls: settings.tls, allowedHosts: settings.allowedHosts, allowedOrigins: settings.allowedOrigins,
    maxBodyBytes: settings.maxBodyBytes, headersTimeoutMs: settings.headersTimeoutMs, requestTimeoutMs: settings.requestTimeoutMs, tokens, createSession, board: boardHandler,
    log: (line) => process.stderr.write(`[coordinator-mcp] http ${line}\n`),
  })).then((running) => {
    log.info(`listening on ${running.url}${settings.noAuth ? ' (no auth)' : ''}`);
    if (tokens) log.info(`the board: ${running.url.replace(/\/mcp$/, '/board/')}?token=<an admin token> (coordinator token create --admin)`);
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info(`${signal}: no new requests; waiting for ${running.inFlight()} in flight`);
      running.shutdown().then(async ({ leftUnfinished }) => {
        if (leftUnfinished > 0) log.warn(`${leftUnfinished} request(s) still unfinished after the grace period`);
        // The store gets a few seconds to close (a PostgreSQL that stopped answering does not hold the exit).
        await Promise.race([cleanup().catch((err: unknown) => log.warn('closing the store failed', err)), new Promise((r) => setTimeout(r, 5000))]);
        db.close();
        log.info('stopped: store closed');
        process.exit(0);
      }).catch((err: unknown) => {
        log.error('shutdown failed', err);
        process.exit(1);
      });
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  }, (err: unknown) => {
    log.error(`cannot listen on ${settings.host}:${settings.port}`, err);
    process.exit(1);
  });
}

main();
