// The server program: parses the command line, opens the store and serves MCP over stdio.
import { parseArgs } from 'node:util';
import { locateDb, resolveAgentRoots, resolveBundledMode } from './config.js';
import { log } from './log.js';
import { StdioLineTransport } from './mcp/stdio.js';
import { createServer, createServices, parseToolsets } from './server.js';
import { openStore, StoreOpenError } from './store/db.js';
import type { FlagStore } from './flags/store.js';
import { isPostgresUrl, redactUrl } from './store/postgres/url.js';
import { VERSION } from './version.js';

const USAGE = `coordinator-mcp ${VERSION}: the coordinator MCP server, speaking MCP over stdio.

Usage: coordinator-mcp [--db PATH] [--agents-dir DIR]... [--bundled-agents auto|on|off]
                      [--toolsets flags,agents,databases,migration]

  --db PATH|URL         SQLite database file, or postgres://user:pass@host:port/db to keep
                        the flags on a PostgreSQL server shared by many servers
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
  --help                this text
  --version             the version

Agents come from the bundled team, the agents of installed and enabled Claude Code
plugins (@plugin:agent), the extra folders, ~/.claude/agents and
<project>/.claude/agents; a name defined in several places is taken from the last.
"coordinator agents install" copies the bundled team into .claude/agents, where
Claude Code can run it.

Every server process of a project can share one database file: each write is
one short SQLite transaction, waiting up to 15 s for another process's write.`;

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
  // A postgres:// URL (--db, else COORDINATOR_DB) puts the flags on a PostgreSQL server shared by
  // every server on it; the agent catalog stays on this machine (an in-memory SQLite database).
  const pgUrl = [values.db, process.env.COORDINATOR_DB].find((v) => v !== undefined && v.trim() !== '');
  let flagStore: FlagStore | undefined;
  let dbPath: string;
  let db;
  try {
    if (isPostgresUrl(pgUrl)) {
      // Loaded only here: a server on SQLite does not pay for node-postgres at start.
      const [{ PostgresFlagStore }, { poolConnector }] = await Promise.all([import('./store/postgres/flags.js'), import('./store/postgres/connect.js')]);
      flagStore = await PostgresFlagStore.open(poolConnector(pgUrl.trim()));
      dbPath = ':memory:';
      db = openStore(dbPath);
      log.info(`flags on PostgreSQL ${redactUrl(pgUrl.trim())} (${values.db !== undefined ? '--db' : 'COORDINATOR_DB'}); agent catalog in memory`);
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

main();
