import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { authorizeCall, currentVia, runVia } from '../../src/auth/access.js';
import { hashToken, type TokenInfo, TokenService } from '../../src/auth/tokens.js';
import { PGlite } from '@electric-sql/pglite';
import { initProject } from '../../src/claude/init.js';
import { pgliteConnector } from '../../src/store/postgres/connect.js';
import { PostgresFlagStore } from '../../src/store/postgres/flags.js';
import { PG_SCHEMA_VERSION } from '../../src/store/postgres/schema.js';
import { PostgresTokenStore } from '../../src/store/postgres/tokens.js';
import { CoordinatorError } from '../../src/errors.js';
import { flagTools } from '../../src/flags/tools.js';
import type { ToolDefinition } from '../../src/mcp/define.js';
import { createServices } from '../../src/server.js';
import { openStore } from '../../src/store/db.js';
import { writeAgent } from '../helpers/agents.js';
import { STORE_KINDS, type TestStore, openTestStore } from '../helpers/stores.js';
import { tempDir } from '../helpers/tmp.js';

describe.each(STORE_KINDS)('tokens on %s', (kind) => {
  let t: TestStore;
  let tokens: TokenService;
  beforeEach(async () => {
    t = await openTestStore(kind);
    tokens = new TokenService(t.tokens);
  });
  afterEach(async () => t.close());

  it('are 256-bit random secrets, shown once and stored only as their SHA-256', async () => {
    const { token, info } = await tokens.create({ role: 'agent', agents: ['@Backend.API', 'frontend.react'], name: 'ci' });
    expect(token).toMatch(/^cmcp_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token.slice(18), 'base64url').length).toBe(32);
    expect(info).toMatchObject({ role: 'agent', agents: ['@backend.api', '@frontend.react'], name: 'ci', revoked: false });
    const [row] = await t.query('SELECT * FROM api_tokens');
    expect(row!.hash).toBe(hashToken(token));
    expect(JSON.parse(String(row!.agents))).toEqual(['@backend.api', '@frontend.react']);
    expect(JSON.stringify(row)).not.toContain(token.slice(18));
    const other = await tokens.create({ role: 'admin' });
    expect(other.token).not.toBe(token);
    expect((await tokens.list()).map((x) => [x.id, x.role, x.agents])).toEqual([[info.id, 'agent', info.agents], [other.info.id, 'admin', []]]);
  });

  it('verify: unknown and wrong are 401, revoked 403, good ok', async () => {
    const { token, info } = await tokens.create({ role: 'read-only' });
    expect(await tokens.verify(`Bearer ${token}`)).toMatchObject({ ok: true, token: { id: info.id, role: 'read-only' } });
    expect(await tokens.verify(`bearer  ${token} `)).toMatchObject({ ok: true });
    expect(await tokens.verify(undefined)).toMatchObject({ ok: false, status: 401 });
    expect(await tokens.verify(`Basic ${token}`)).toMatchObject({ ok: false, status: 401 });
    expect(await tokens.verify(`Bearer ${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`)).toMatchObject({ ok: false, status: 401 });
    expect(await tokens.verify(`Bearer cmcp_000000000000_${'a'.repeat(43)}`)).toMatchObject({ ok: false, status: 401 });
    const revoked = await tokens.revoke(info.id);
    expect(revoked).toMatchObject({ already_revoked: false, token: { revoked: true } });
    expect(await tokens.revoke(token)).toMatchObject({ already_revoked: true, token: { revoked_at: revoked.token.revoked_at } });
    const verdict = await tokens.verify(`Bearer ${token}`);
    expect(verdict).toMatchObject({ ok: false, status: 403 });
    expect(!verdict.ok && verdict.reason).toContain(`token ${info.id} was revoked`);
    expect(await tokens.list()).toMatchObject([{ id: info.id, revoked: true }]);
  });

  it('create and revoke refuse bad input, naming the argument, and store nothing', async () => {
    const refusal = async (p: Promise<unknown>) => {
      const err = await p.then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(CoordinatorError);
      return (err as CoordinatorError).toJSON();
    };
    expect(await refusal(tokens.create({ role: 'agent' }))).toMatchObject({ field: 'agent', rule: 'required' });
    expect(await refusal(tokens.create({ role: 'admin', agents: ['@a'] }))).toMatchObject({ field: 'agent', rule: 'conflict' });
    expect(await refusal(tokens.create({ role: 'agent', agents: ['not a handle!'] }))).toMatchObject({ field: 'agent', rule: 'handle_pattern' });
    expect(await refusal(tokens.create({ role: 'root' as never }))).toMatchObject({ field: 'role', rule: 'enum' });
    expect(await refusal(tokens.create({ role: 'admin', name: 'x'.repeat(201) }))).toMatchObject({ field: 'name', rule: 'too_big' });
    expect(await refusal(tokens.revoke('abcdef012345'))).toMatchObject({ code: 'not_found', field: 'id' });
    expect(await tokens.list()).toEqual([]);
  });

  it('a store that cannot be reached makes verify answer 503 (retry), not 401', async () => {
    const { token } = await tokens.create({ role: 'admin' });
    const refused = () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
    const down = new TokenService({ insert: refused, byId: refused, list: refused, revoke: refused });
    const verdict = await down.verify(`Bearer ${token}`);
    expect(verdict).toMatchObject({ ok: false, status: 503 });
    expect(!verdict.ok && verdict.reason).toMatch(/token store is unreachable \(connect ECONNREFUSED.*try again/);
  });
});

describe('token storage', () => {
  it('on PostgreSQL: schema version 7 adds api_tokens to a version 6 store, with the same checks as SQLite', async () => {
    const lite = await PGlite.create();
    const connector = pgliteConnector(lite as never);
    // A version 6 store made by an earlier release: only the flag tables (a store of today, taken back).
    await PostgresFlagStore.open(connector);
    await lite.exec('DROP TABLE api_tokens; DROP INDEX flags_created; DROP INDEX flags_completed; DELETE FROM schema_version WHERE version > 6');
    await PostgresFlagStore.open(connector);
    const versions = (await lite.query<{ version: number }>('SELECT version FROM schema_version ORDER BY version')).rows.map((r) => r.version);
    expect(versions).toEqual([6, 7, 8]);
    expect(PG_SCHEMA_VERSION).toBe(8);
    const tokens = new TokenService(new PostgresTokenStore(connector));
    const { info } = await tokens.create({ role: 'agent', agents: ['@a'] });
    expect(await tokens.list()).toMatchObject([{ id: info.id, agents: ['@a'], revoked: false }]);
    const bad = (sql: string) => lite.query(sql).then(() => 'stored', (e: Error) => e.message);
    expect(await bad(`INSERT INTO api_tokens (id, hash, role, created_at) VALUES ('x1', 'h', 'root', 'now')`)).toMatch(/check constraint/);
    expect(await bad(`INSERT INTO api_tokens (id, hash, role, agents, created_at) VALUES ('x2', 'h', 'agent', '{"a":1}', 'now')`)).toMatch(/check constraint/);
    expect(await bad(`INSERT INTO api_tokens (id, hash, role, created_at) VALUES ('${info.id}', 'h', 'admin', 'now')`)).toMatch(/duplicate key/);
    await lite.close();
  });

  it('live in schema version 7 (api_tokens), added to a version 6 database by the migration', () => {
    const file = join(tempDir(), 'v6.db');
    const v6 = openStore(file);
    v6.exec('DROP TABLE api_tokens; PRAGMA user_version = 6');
    v6.close();
    const upgraded = openStore(file);
    expect(upgraded.pragma('user_version', { simple: true })).toBe(8);
    expect(upgraded.prepare(`SELECT name FROM sqlite_master WHERE name = 'api_tokens'`).pluck().get()).toBe('api_tokens');
    upgraded.close();
  });
});

describe('what a token may do', () => {
  const db = openStore(':memory:');
  const services = createServices(db, { agentRoots: [] });
  const tools = new Map(flagTools(services.flags, services.agents).map((t) => [t.name, t as ToolDefinition]));
  const deps = { resolve: (h: string) => h, sameAgent: (a: string, b: string) => a === b || (a === '@api' && b === '@backend.api') || (a === '@backend.api' && b === '@api') };
  const token = (role: TokenInfo['role'], agents: string[] = []): TokenInfo =>
    ({ id: '0123456789ab', role, agents, name: null, created_at: '', revoked_at: null, revoked: false });
  const forbidden = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      return (err as CoordinatorError).toJSON();
    }
    throw new Error('not refused');
  };

  it('an agent token acts as its handles and their aliases, and nobody else', () => {
    const t = token('agent', ['@backend.api']);
    expect(authorizeCall(t, tools.get('lock_flag')!, { id: 1, agent: '@backend.api' }, deps)).toBe('token 0123456789ab of @backend.api');
    expect(authorizeCall(t, tools.get('lock_flag')!, { id: 1, agent: '@api' }, deps)).toBe('token 0123456789ab of @api');
    expect(forbidden(() => authorizeCall(t, tools.get('create_flag')!, { source_agent: '@frontend.react' }, deps)))
      .toMatchObject({ code: 'forbidden', rule: 'own_handles_only', field: 'source_agent' });
    // Reading another agent's queue is no act.
    expect(authorizeCall(t, tools.get('get_agent_flags')!, { agent: '@frontend.react' }, deps)).toBeUndefined();
  });

  it('a read-only token calls no tool that writes; an admin token acts as anyone', () => {
    for (const name of ['create_flag', 'update_flag', 'delete_flag', 'lock_flag', 'unlock_flag', 'complete_flag']) {
      expect(forbidden(() => authorizeCall(token('read-only'), tools.get(name)!, { agent: '@x', source_agent: '@x' }, deps))).toMatchObject({ rule: 'read_only_token' });
    }
    expect(authorizeCall(token('admin'), tools.get('complete_flag')!, { id: 1, agent: '@x' }, deps)).toBe('admin token 0123456789ab as @x');
  });

  it('every write tool of the flags says which argument names who acts', () => {
    for (const t of tools.values()) if (t.kind !== 'read') expect(t.acts?.length, t.name).toBeGreaterThan(0);
  });

  it('runVia makes the note visible to the history writes of that call only', async () => {
    expect(currentVia()).toBeUndefined();
    const seen = await runVia('admin token x as @y', async () => {
      await new Promise((r) => setTimeout(r, 1));
      return currentVia();
    });
    expect(seen).toBe('admin token x as @y');
    expect(currentVia()).toBeUndefined();
  });
});

describe('token access with the real agent catalog', () => {
  it('an alias of the token\'s agent counts as that agent, in both directions', () => {
    const dir = tempDir();
    writeAgent(dir, 'api.md', { name: 'backend-api', description: 'the API', aliases: '["@api.old"]' });
    const db = openStore(join(tempDir(), 'alias.db'));
    const services = createServices(db, { agentRoots: [{ source: 'project', dir }], bundledAgents: 'off' });
    try {
      const lock = flagTools(services.flags, services.agents).find((t) => t.name === 'lock_flag') as ToolDefinition;
      const deps = { resolve: (h: string) => String(services.agents.resolveHandle(h)), sameAgent: (a: string, b: string) => services.flags.sameAgent(a, b) };
      const t = (agents: string[]): TokenInfo => ({ id: 'aaaaaaaaaaaa', role: 'agent', agents, name: null, created_at: '', revoked_at: null, revoked: false });
      expect(authorizeCall(t(['@backend-api']), lock, { id: 1, agent: '@api.old' }, deps)).toBe('token aaaaaaaaaaaa of @backend-api');
      expect(authorizeCall(t(['@api.old']), lock, { id: 1, agent: '@backend-api' }, deps)).toBe('token aaaaaaaaaaaa of @backend-api');
      expect(() => authorizeCall(t(['@api.old']), lock, { id: 1, agent: '@frontend' }, deps)).toThrow(/own handles/);
    } finally {
      services.close();
      db.close();
    }
  });
});

describe('coordinator init --remote', () => {
  it('writes a "type": "http" entry whose token comes from ${COORDINATOR_TOKEN}', () => {
    const project = tempDir();
    const out = initProject({ project, remote: 'https://coord.example.com', distDir: tempDir() });
    const mcp = JSON.parse(readFileSync(join(project, '.mcp.json'), 'utf8'));
    expect(mcp.mcpServers.coordinator).toEqual({
      type: 'http', url: 'https://coord.example.com/mcp', headers: { Authorization: 'Bearer ${COORDINATOR_TOKEN}' },
    });
    expect(out.message).toContain('set COORDINATOR_TOKEN');
    // A re-run changes nothing; --remove takes it out.
    expect(initProject({ project, remote: 'https://coord.example.com/mcp', distDir: tempDir() }).files[0]!.action).toBe('unchanged');
    initProject({ project, remove: true, distDir: tempDir() });
    expect(existsSync(join(project, '.mcp.json'))).toBe(false);
  });

  it('refuses a URL that is not http(s) or carries credentials, changing nothing', () => {
    const project = tempDir();
    for (const [url, rule] of [['ftp://x/mcp', 'url'], ['not a url', 'url'], ['https://u:p@x/mcp', 'no_credentials']]) {
      expect(() => initProject({ project, remote: url, distDir: tempDir() })).toThrow(CoordinatorError);
      try {
        initProject({ project, remote: url, distDir: tempDir() });
      } catch (err) {
        expect((err as CoordinatorError).details.rule).toBe(rule);
      }
    }
    expect(() => readFileSync(join(project, '.mcp.json'))).toThrow();
  });

  it('warns when the token would cross the network in clear', () => {
    const out = initProject({ project: tempDir(), remote: 'http://10.0.0.5:8080/mcp', distDir: tempDir() });
    expect(out.message).toContain('plain http sends the token in clear');
  });
});

