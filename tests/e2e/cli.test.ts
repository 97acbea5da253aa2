import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli } from '../helpers/spawn.js';
import { ACTION, DESC, tempDir } from '../helpers/tmp.js';

beforeAll(assertBuilt);

describe('coordinator CLI', () => {
  it('runs the old script\'s verbs end to end, printing JSON', () => {
    const db = join(tempDir(), 'cli.db');
    const cli = (...args: string[]) => runCli([...args, '--db', db]);
    const created = cli('create-flag', '--flag_type', 'breaking_change', '--source_agent', 'backend.api', '--target_agent', '@frontend.react',
      '--change_description', DESC, '--action_required', ACTION, '--impact_level', 'high', '--related_files', 'a.ts,b.ts',
      '--context', '{"pr": 9}', '--code_location', 'src/users.ts:40');
    expect(created.code).toBe(0);
    expect(created.json).toMatchObject({ success: true, flag_id: 1, message: 'FLAG #1 created: breaking_change', from: '@backend.api', to: '@frontend.react', priority: 'high' });
    expect(created.json.flag).toMatchObject({ related_files: ['a.ts', 'b.ts'], context: { pr: 9 } });
    const chained = cli('create-flag', '--flag-type', 'change', '--source-agent', '@frontend.react', '--target-agent', 'qa.testing',
      '--change-description', DESC, '--action-required', ACTION, '--chain-origin-id', '1');
    expect(chained.json.flag.chain_origin_id).toBe(1);
    const broadcast = cli('create-flag', '--flag_type', 'refactor', '--source_agent', '@backend.api', '--change_description', DESC, '--action_required', ACTION);
    expect(broadcast.json.to).toBeNull();

    expect(cli('get-agent-flags', '@frontend.react').json.flags.map((f: { id: number }) => f.id)).toEqual([1, 3]);
    expect(cli('lock-flag', '1', '@frontend.react', '--lease_seconds', '60').json).toMatchObject({ locked: true, action: 'locked' });
    const taken = cli('lock-flag', '1', '@qa.testing');
    expect(taken.code).toBe(1);
    expect(taken.json).toMatchObject({ code: 'conflict', holder: '@frontend.react' });
    expect(cli('get-workable-flags').json.agents).toContainEqual(expect.objectContaining({ target_agent: '@frontend.react', held: 1, workable: 0 }));
    // the global options may come before the verb too
    expect(runCli(['--db', db, 'get-agent-flags', '@frontend.react']).json.flags.map((f: { id: number }) => f.id)).toEqual([1, 3]);
    expect(runCli([`--db=${db}`, '--no-bundled-agents', 'get-flag', '2']).json.flag.id).toBe(2);
    const noVerb = runCli(['--db', db]);
    expect(noVerb.code).toBe(1);
    expect(noVerb.json).toMatchObject({ field: 'verb', rule: 'required', error: `no verb after --db ${db}; see coordinator --help` });
    expect(runCli(['--db', db, 'get-flag', '--', '2']).json.flag.id).toBe(2);
    expect(cli('unlock-flag', '1', '@frontend.react').json).toMatchObject({ locked: false, was_locked: true });
    const done = cli('complete-flag', '1', '@frontend.react', '--notes', 'Paginated list shipped');
    expect(done.json).toMatchObject({ success: true, completed_by: '@frontend.react', notes: 'Paginated list shipped' });
    expect(cli('get-pending-flags').json.flags.map((f: { id: number }) => f.id)).toEqual([3, 2]);
    expect(cli('get-flag', '2').json.chain.map((c: { id: number }) => c.id)).toEqual([1, 2]);
    expect(cli('list-flags', '--status', 'completed').json.flags[0].notes).toBe('Paginated list shipped');
    // A broadcast: acknowledged per agent, closed for all by its sender.
    expect(cli('complete-flag', '3', '@frontend.react', '--notes', 'nothing for me').json).toMatchObject({ already_acknowledged: false, flag: { status: 'pending' } });
    expect(cli('get-flag', '3').json.acknowledged_by).toEqual([expect.objectContaining({ agent: '@frontend.react', notes: 'nothing for me' })]);
    expect(cli('get-agent-flags', '@qa.testing').json.flags.map((f: { id: number }) => f.id)).toEqual([2, 3]);
    expect(cli('complete-flag', '3', '@qa.testing', '--close_for_all').json).toMatchObject({ code: 'forbidden', rule: 'source_only' });
    expect(cli('delete-flag', '3', '@backend.api').json).toMatchObject({ deleted: true });
  });

  it('warns about near-miss agents and words refusals for the command line', () => {
    const db = join(tempDir(), 'cli.db');
    const cli = (...args: string[]) => runCli([...args, '--db', db]);
    cli('create-flag', '--flag_type', 'change', '--source_agent', '@backend.api', '--target_agent', '@backend.python',
      '--change_description', DESC, '--action_required', ACTION);
    // a typo reads an almost empty queue: the answer says which agent was probably meant
    const typo = cli('get-agent-flags', '@backend.pythn');
    expect(typo.code).toBe(0);
    expect(typo.json.warnings).toEqual([expect.stringMatching(/^@backend\.pythn is not in the agent catalog; did you mean @backend\.python\b/)]);
    expect(cli('get-agent-flags', '@backend.python').json.warnings).toBeUndefined();
    const moved = cli('update-flag', '1', '@backend.api', '--target_agent', '@backend.pythn');
    expect(moved.json.changed).toEqual(['target_agent']);
    expect(moved.json.warnings).toEqual([expect.stringMatching(/did you mean @backend\.python\b.*The flag was updated; update-flag can change its target\.$/)]);
    // tool names become verbs, and force: true the option
    cli('lock-flag', '1', '@backend.python');
    const held = cli('unlock-flag', '1', '@qa.testing');
    expect(held.code).toBe(1);
    expect(held.json).toMatchObject({ code: 'forbidden', rule: 'holder_only' });
    expect(held.json.error).toContain('(pass --force to break the lock; it is recorded)');
    cli('complete-flag', '1', '@backend.python', '--notes', 'Done');
    const again = cli('complete-flag', '1', '@backend.python', '--notes', 'Other words');
    expect(again.code).toBe(1);
    expect(again.json).toMatchObject({ code: 'conflict', rule: 'already_completed' });
    expect(again.json.error).toContain('yours were not stored');
  });

  it('takes the acting agent from COORDINATOR_AGENT', () => {
    const db = join(tempDir(), 'cli.db');
    runCli(['create-flag', '--flag_type', 'change', '--source_agent', '@a.b', '--target_agent', '@c.d', '--change_description', DESC, '--action_required', ACTION, '--db', db]);
    expect(runCli(['lock-flag', '1', '--db', db], { COORDINATOR_AGENT: '@env.agent' }).json.lock.holder).toBe('@env.agent');
    // create-flag names the sender --source_agent, as the old script did, or --agent, as the other verbs do
    const create = (...args: string[]) => runCli(['create-flag', '--flag_type', 'change', '--change_description', DESC, '--action_required', ACTION, '--db', db, ...args], { COORDINATOR_AGENT: '@env.agent' });
    expect(create().json.from).toBe('@env.agent');
    expect(create('--agent', '@opt.agent').json.from).toBe('@opt.agent');
    const both = create('--agent', '@opt.agent', '--source_agent', '@other.agent');
    expect(both.code).toBe(1);
    expect(both.json).toMatchObject({ field: 'source_agent', rule: 'conflict' });
    expect(runCli(['list-flags', '--db', db]).json.total).toBe(3);
  });

  it.each([
    [['create-flag', '--flag_type', 'bogus', '--source_agent', '@a.b'], /flag_type "bogus" is not a flag type/],
    [['create-flag', '--flag_type', 'change', '--source_agent', '@a.b', '--change_description', 'short', '--action_required', ACTION], /change_description is 5 characters; at least 50/],
    [['lock-flag', '1'], /agent is required/],
    [['lock-flag', 'x', '@a.b'], /id must be a positive whole number/],
    [['complete-flag', '1', '@a.b', '--bogus'], /Unknown option '--bogus'/],
    [['no-such-verb'], /unknown verb "no-such-verb"/],
    [['get-agent-flags', '@a.b', '--limit', 'ten'], /--limit must be a whole number/],
  ])('refuses %j with a JSON error and exit code 1', (args, pattern) => {
    const r = runCli([...args, '--db', join(tempDir(), 'cli.db')]);
    expect(r.code).toBe(1);
    expect(r.json.error).toMatch(pattern);
  });

  it('explains every verb and option', () => {
    const top = runCli(['--help']);
    expect(top.code).toBe(0);
    for (const verb of ['create-flag', 'get-agent-flags', 'get-pending-flags', 'get-workable-flags', 'lock-flag', 'unlock-flag', 'complete-flag']) {
      expect(top.stdout).toContain(verb);
    }
    const create = runCli(['create-flag', '--help']);
    for (const option of ['--flag_type', '--source_agent', '--target_agent', '--change_description', '--action_required', '--impact_level',
      '--related_files', '--chain_origin_id', '--code_location', '--example_usage', '--context', '--db']) {
      expect(create.stdout).toContain(option);
    }
    expect(runCli(['complete-flag', '--help']).stdout).toContain('--notes');
  });
});
