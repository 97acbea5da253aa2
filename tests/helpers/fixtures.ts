import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Third-party inputs the tests use, copied into the repository with their licences
 * (tests/fixtures/README.md says where each came from). Nothing a test reads lives outside the clone.
 */
export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** The wshobson/agents catalog: 202 agent files, MIT. */
export const AGENT_CORPUS = fileURLToPath(new URL('../fixtures/agents/wshobson-agents', import.meta.url));

/** rshah515's Claude Code agents catalog: 165 agent files, MIT. */
export const AGENT_CORPUS_RSHAH = fileURLToPath(new URL('../fixtures/agents/rshah515-agents', import.meta.url));

/** Folder of our routing tasks (tasks.dev.json, tasks.heldout.json, tasks-b.*.json): which agent should handle this? Never tune on the held-out files. */
export const ROUTING_TASKS = fileURLToPath(new URL('../fixtures/routing/', import.meta.url));

/** Folder of the DDL scripts (MySQL from pgloader's tests, Oracle's sample schemas, Chinook in four dialects). */
export const DDL_DIR = fileURLToPath(new URL('../fixtures/ddl/', import.meta.url));

/** Path of one DDL fixture. */
export const ddlPath = (file: string): string => fileURLToPath(new URL(`../fixtures/ddl/${file}`, import.meta.url));

/** Text of one DDL fixture. */
export const ddl = (file: string): string => readFileSync(ddlPath(file), 'utf8');
