// The Claude Code hooks with the flags on a real PostgreSQL (COORDINATOR_DB=postgres://..., the
// store of stdio servers shared by a team): the hook commands read the flag service on PostgreSQL
// and keep their delivery marks in the user's cache, not in a file named after the URL.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlagService } from '../../src/flags/service.js';
import { poolConnector } from '../../src/store/postgres/connect.js';
import { PostgresFlagStore } from '../../src/store/postgres/flags.js';
import { assertBuilt, CLI, EMPTY_HOME } from '../helpers/spawn.js';
import { flagInput } from '../helpers/tmp.js';

const BASE = process.env.COORDINATOR_TEST_PG;
if (!BASE) throw new Error('COORDINATOR_TEST_PG is not set: run these tests with npm run test:system (it starts a throwaway PostgreSQL)');

const admin = new pg.Client({ connectionString: BASE });
let url: string;
let store: PostgresFlagStore;
let flags: FlagService;
let root: string;

beforeAll(async () => {
  assertBuilt();
  await admin.connect();
  const name = `coord_hooks_${process.pid}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const u = new URL(BASE);
  u.pathname = `/${name}`;
  url = u.toString();
  store = await PostgresFlagStore.open(poolConnector(url));
  flags = new FlagService(store);
  root = mkdtempSync(join(tmpdir(), 'coordinator-pg-hooks-'));
});
afterAll(async () => {
  await store?.close();
  await admin.end();
  rmSync(root, { recursive: true, force: true });
});

function hook(event: string, input: Record<string, unknown>) {
  const r = spawnSync(process.execPath, [CLI, 'hook', event], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: EMPTY_HOME, COORDINATOR_DB: url, COORDINATOR_HOOK_STATE: join(root, 'marks') },
    input: JSON.stringify({ hook_event_name: event, ...input }),
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, context: r.stdout ? (JSON.parse(r.stdout).hookSpecificOutput.additionalContext as string) : undefined };
}

describe('hooks on a PostgreSQL store', () => {
  it('tell a subagent its queue, the lead the workable queues, and each new flag once', async () => {
    const mine = await flags.create(flagInput({ source_agent: '@backend-api', target_agent: '@frontend-react', flag_type: 'breaking_change', impact_level: 'high' }));
    const other = await flags.create(flagInput({ source_agent: '@backend-api', target_agent: '@payments' }));

    const sub = hook('SubagentStart', { session_id: 's1', agent_type: 'frontend-react' });
    expect(sub).toMatchObject({ code: 0, stderr: '' });
    expect(sub.context).toContain(`Flag #${mine.id} (high, breaking_change) from @backend-api, for @frontend-react`);
    expect(sub.context).not.toContain(`Flag #${other.id} `);

    const lead = hook('SessionStart', { session_id: 's1', source: 'startup' });
    expect(lead.context).toMatch(/2 flags are workable .*@frontend-react: 1 \(highest high\)/);

    expect(hook('UserPromptSubmit', { session_id: 's1', agent_type: 'frontend-react', prompt: 'go' }).stdout).toBe('');
    const fresh = await flags.create(flagInput({ source_agent: '@backend-api', target_agent: '@frontend-react' }));
    const told = hook('UserPromptSubmit', { session_id: 's1', agent_type: 'frontend-react', prompt: 'next' });
    expect(told.context).toMatch(/^coordinator-mcp: 1 new flag since your last prompt/);
    expect(told.context).toContain(`Flag #${fresh.id} `);
    expect(hook('UserPromptSubmit', { session_id: 's1', agent_type: 'frontend-react', prompt: 'again' }).stdout).toBe('');

    // No file named after the URL was made; the marks are in the state folder.
    expect(readdirSync(root).sort()).toEqual(['marks']);
    expect(existsSync(join(root, 'marks'))).toBe(true);
  }, 60_000);

  it('a PostgreSQL that cannot be reached: nothing on stdout, one line on stderr, exit 0', () => {
    const r = spawnSync(process.execPath, [CLI, 'hook', 'SubagentStart', '--db', 'postgres://nobody@127.0.0.1:9/none'], {
      env: { PATH: process.env.PATH ?? '', HOME: EMPTY_HOME, COORDINATOR_HOOK_STATE: join(root, 'marks') },
      input: JSON.stringify({ session_id: 's9', agent_type: 'x' }), encoding: 'utf8', timeout: 30_000,
    });
    expect(r).toMatchObject({ status: 0, stdout: '' });
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^coordinator hook SubagentStart: /);
  }, 40_000);
});
