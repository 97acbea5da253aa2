#!/usr/bin/env node
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { parseArgs } from 'node:util';
import { resolveDbPath } from './config.js';
import { log } from './log.js';
import { createServer, createServices } from './server.js';
import { openStore, StoreOpenError } from './store/db.js';
import { VERSION } from './version.js';

const USAGE = `coordinator-mcp ${VERSION}: the coordinator MCP server, speaking MCP over stdio.

Usage: coordinator-mcp [--db PATH]

  --db PATH     SQLite database file (default: $COORDINATOR_DB, else
                <$CLAUDE_PROJECT_DIR or cwd>/.claude/coordinator.db)
  --help        this text
  --version     the version

Every server process of a project can share one database file.`;

function main(): void {
  let values;
  try {
    ({ values } = parseArgs({
      options: { db: { type: 'string' }, help: { type: 'boolean' }, version: { type: 'boolean' } },
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
  const dbPath = resolveDbPath(values.db);
  let db;
  try {
    db = openStore(dbPath);
  } catch (err) {
    process.stderr.write(`coordinator-mcp: ${err instanceof StoreOpenError ? err.message : (err as Error).message}\n`);
    process.exit(1);
  }
  const { server } = createServer(createServices(db));
  const shutdown = () => {
    try {
      db.close();
    } finally {
      process.exit(0);
    }
  };
  process.stdin.on('end', shutdown);
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  process.on('uncaughtException', (err) => log.error('uncaught exception (still serving)', err));
  process.on('unhandledRejection', (err) => log.error('unhandled rejection (still serving)', err));
  server.connect(new StdioServerTransport()).catch((err: unknown) => {
    log.error('cannot start the stdio transport', err);
    process.exit(1);
  });
}

main();
