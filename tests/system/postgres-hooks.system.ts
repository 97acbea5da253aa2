// The Claude Code hooks with the flags on a real PostgreSQL (COORDINATOR_DB=postgres://..., the
// store of stdio servers shared by a team): the hook commands read the flag service on PostgreSQL
// and keep their delivery marks in the user's cache, not in a file named after the URL.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlagService } from '../../src/flags/service.js';
import { poolConnector } from '../../src/store/postgres/connect.js';
import { PostgresFlagStore } from '../../src/store/postgres/flags.js';
import { assertBuilt, CLI, EMPTY_HOME } from '../helpers/spawn.js';
import { ACTION, DESC, flagInput } from '../helpers/tmp.js';

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

  it('tells a flag numbered before one already told but committed after it, once (ids are taken at INSERT, seen at COMMIT)', async () => {
    expect(hook('SubagentStart', { session_id: 's2', agent_type: 'late-agent' }).code).toBe(0);
    const prompt = (p: string) => hook('UserPromptSubmit', { session_id: 's2', agent_type: 'late-agent', prompt: p });
    // A writer that has inserted its flag (and so taken its id) but not committed yet.
    const slow = new pg.Client({ connectionString: url });
    await slow.connect();
    try {
      await slow.query('BEGIN');
      const { rows: [low] } = await slow.query<{ id: string }>(`INSERT INTO flags (flag_type, source_agent, target_agent, change_description, action_required, impact_level, created_at, updated_at)
        VALUES ('change', '@backend-api', '@late-agent', $1, $2, 'medium', $3, $3) RETURNING id`, [DESC, ACTION, new Date().toISOString()]);
      const high = await flags.create(flagInput({ source_agent: '@backend-api', target_agent: '@late-agent' }));
      expect(high.id).toBeGreaterThan(Number(low!.id));
      const first = prompt('one');
      expect(first.context).toMatch(/^coordinator-mcp: 1 new flag since your last prompt/);
      expect(first.context).toContain(`Flag #${high.id} `);
      await slow.query('COMMIT');
      const second = prompt('two');
      expect(second.context).toMatch(/^coordinator-mcp: 1 new flag since your last prompt/);
      expect(second.context).toContain(`Flag #${low!.id} `);
      expect(prompt('three').stdout).toBe('');
    } finally {
      await slow.end();
    }
  }, 60_000);

  it('gives up on a query that waits on a lock after 8 s: nothing on stdout, one line on stderr, exit 0, no mark moved', async () => {
    expect(hook('SubagentStart', { session_id: 's3', agent_type: 'locked-agent' }).code).toBe(0);
    const fresh = await flags.create(flagInput({ source_agent: '@backend-api', target_agent: '@locked-agent' }));
    const locker = new pg.Client({ connectionString: url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE flags IN ACCESS EXCLUSIVE MODE');
      const started = Date.now();
      const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [CLI, 'hook', 'UserPromptSubmit'], {
          cwd: root, env: { PATH: process.env.PATH ?? '', HOME: EMPTY_HOME, COORDINATOR_DB: url, COORDINATOR_HOOK_STATE: join(root, 'marks') },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.on('close', (status) => resolve({ status, stdout, stderr }));
        child.stdin.end(JSON.stringify({ session_id: 's3', agent_type: 'locked-agent', prompt: 'hi' }));
      });
      const seconds = (Date.now() - started) / 1000;
      expect(r).toMatchObject({ status: 0, stdout: '' });
      expect(r.stderr).toMatch(/^coordinator hook UserPromptSubmit: no answer from PostgreSQL \(postgres:\/\/.*\) within 8 s\n$/);
      expect(seconds).toBeLessThan(10);
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
    // Nothing was marked as told: the next prompt tells it.
    expect(hook('UserPromptSubmit', { session_id: 's3', agent_type: 'locked-agent', prompt: 'again' }).context).toContain(`Flag #${fresh.id} `);
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
