// Review of issue 15's aliases: an alias names the same agent everywhere (old rows included), a
// plugin cannot take other agents' handles, an alias wins over an active bundled agent's name, and
// `coordinator agents install` never stops halfway.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentRoot, BundledMode } from '../../src/agents/catalog.js';
import { installBundledAgents } from '../../src/agents/install.js';
import { BUNDLED_AGENTS_DIR } from '../../src/config.js';
import { agentQueueWarned, createFlagWarned, workableMarked } from '../../src/flags/tools.js';
import { type AgentIdentity, FlagService } from '../../src/flags/service.js';
import { createServices } from '../../src/server.js';
import { type DB, openStore } from '../../src/store/db.js';
import { loadAgents, withStoreAndStderr, writeAgent } from '../helpers/agents.js';
import { refusalAsync as refusal } from '../helpers/refusal.js';
import { flagInput, tempDir } from '../helpers/tmp.js';

let db: DB;
let stderr: string[];
withStoreAndStderr((d, s) => {
  db = d;
  stderr = s;
});

const load = (roots: AgentRoot[], bundled?: BundledMode) => loadAgents(db, roots, bundled);

/** @pg answers to @pg.old too; @api to @api.old. */
const identity: AgentIdentity = {
  canonical: (h) => ({ '@pg.old': '@pg', '@api.old': '@api' })[h] ?? h,
  handlesOf: (h) => {
    const real = identity.canonical(h);
    return real === '@pg' ? ['@pg', '@pg.old'] : real === '@api' ? ['@api', '@api.old'] : [real];
  },
};

describe('FlagService with aliases: stored handles name the agent they are an alias of', () => {
  let clock = Date.parse('2026-11-27T10:00:00.000Z');
  const make = (id = identity) => new FlagService(db, { now: () => clock, identity: id });

  it('counts and lists flags sent to an alias in the agent\'s queue, and a lock held under its alias is its own', async () => {
    const flags = make();
    const old = await flags.create(flagInput({ source_agent: '@api.old', target_agent: '@pg.old', impact_level: 'high' }));
    const fresh = await flags.create(flagInput({ source_agent: '@api', target_agent: '@pg' }));
    const other = await flags.create(flagInput({ source_agent: '@api', target_agent: '@fe' }));
    const broadcast = await flags.create(flagInput({ source_agent: '@api', target_agent: null, impact_level: 'low' }));
    const queue = await flags.agentQueue('@pg');
    expect(queue).toMatchObject({ agent: '@pg', total_pending: 3, held_by_others: 0, returned: 3 });
    expect(queue.flags.map((f) => f.id)).toEqual([old.id, fresh.id, broadcast.id]); // by impact, then age
    expect(await flags.agentQueue('@pg.old')).toMatchObject({ total_pending: 3 });
    expect(await flags.agentQueue('@pg', { limit: 1 })).toMatchObject({ total_pending: 3, returned: 1, truncated: true });
    expect((await flags.agentQueue('@fe')).flags.map((f) => f.id)).toEqual([other.id, broadcast.id]);

    // locked under the old handle: not held by another; locked by @fe: held by another
    await flags.lock(old.id, '@pg.old');
    await flags.lock(fresh.id, '@fe');
    expect(await flags.agentQueue('@pg')).toMatchObject({ total_pending: 3, held_by_others: 1 });
    expect((await flags.agentQueue('@pg', { exclude_locked_by_others: true })).flags.map((f) => f.id)).toEqual([old.id, broadcast.id]);
    expect(await flags.agentQueue('@pg', { exclude_locked_by_others: true })).toMatchObject({ total_pending: 2 });

    // a broadcast acknowledged under the old handle has left the agent's queue under both
    expect(await flags.complete(broadcast.id, '@pg.old', 'seen')).toMatchObject({ already_acknowledged: false });
    expect(await flags.agentQueue('@pg')).toMatchObject({ total_pending: 2 });
    expect((await flags.agentQueue('@pg.old')).flags.map((f) => f.id)).toEqual([old.id, fresh.id]);
    expect(await flags.complete(broadcast.id, '@pg', 'seen')).toMatchObject({ already_acknowledged: true, acknowledged_at: expect.any(String) });
    expect((await flags.agentQueue('@fe')).flags.map((f) => f.id)).toEqual([other.id, broadcast.id]);
    await flags.unlock(fresh.id, '@fe');

    expect((await flags.list({ target_agent: '@pg' })).flags.map((f) => f.id).sort()).toEqual([old.id, fresh.id]);
    expect((await flags.list({ source_agent: '@api' })).total).toBe(4);
    expect((await flags.list({ source_agent: '@api.old' })).total).toBe(4);
  });

  it('lets the agent withdraw, edit, renew, unlock and complete under either handle, and still refuses every other agent', async () => {
    const flags = make();
    const a = await flags.create(flagInput({ source_agent: '@api.old', target_agent: '@pg.old' }));
    const b = await flags.create(flagInput({ source_agent: '@api.old', target_agent: '@pg.old' }));
    expect((await refusal(() => flags.update(a.id, '@fe', { impact_level: 'low' }))).details.rule).toBe('source_only');
    expect((await flags.update(a.id, '@api', { impact_level: 'low' })).changed).toEqual(['impact_level']);

    expect((await flags.lock(a.id, '@pg.old')).action).toBe('locked');
    expect((await flags.lock(a.id, '@pg')).action).toBe('renewed'); // the same agent: no takeover
    expect((await refusal(() => flags.lock(a.id, '@fe'))).details.rule).toBe('locked_by_other');
    expect((await refusal(() => flags.unlock(a.id, '@fe'))).details.rule).toBe('holder_only');
    expect((await refusal(() => flags.complete(a.id, '@fe'))).details.rule).toBe('locked_by_other');
    await flags.lock(b.id, '@pg.old');
    expect(await flags.unlock(b.id, '@pg')).toMatchObject({ was_locked: true, forced: false });
    await flags.lock(b.id, '@pg.old');
    expect(await flags.complete(b.id, '@pg', 'done')).toMatchObject({ completed_by: '@pg' });
    // the sender withdraws under its new handle, while the target holds it under its old one
    expect((await refusal(() => flags.delete(a.id, '@api'))).details.rule).toBe('locked_by_other');
    await flags.unlock(a.id, '@pg.old');
    expect((await refusal(() => flags.delete(a.id, '@fe'))).details.rule).toBe('source_only');
    expect(await flags.delete(a.id, '@api')).toMatchObject({ deleted: true, flag_id: a.id });
  });

  it('merges an alias\'s row of the workable summary into the agent\'s', async () => {
    const flags = make();
    await flags.create(flagInput({ target_agent: '@pg.old', impact_level: 'high' }));
    await flags.create(flagInput({ target_agent: '@pg' }));
    await flags.create(flagInput({ target_agent: '@fe' }));
    await flags.create(flagInput({ target_agent: '@fe' }));
    await flags.create(flagInput({ target_agent: '@fe', impact_level: 'low' }));
    expect((await flags.workable()).agents).toEqual([
      expect.objectContaining({ target_agent: '@pg', workable: 2, held: 0, highest_impact: 'high' }),
      expect.objectContaining({ target_agent: '@fe', workable: 3, highest_impact: 'medium' }),
    ]);
    expect((await flags.workable()).total_agents).toBe(2);
  });

  it('without an identity, a handle names only itself', async () => {
    const flags = new FlagService(db);
    const a = await flags.create(flagInput({ source_agent: '@api.old', target_agent: '@pg.old' }));
    expect((await flags.agentQueue('@pg')).total_pending).toBe(0);
    expect((await refusal(() => flags.delete(a.id, '@api'))).details.rule).toBe('source_only');
  });
});

describe('a flag sent before "coordinator agents install" is not stranded', () => {
  it('stays in the queue of the installed agent and can be withdrawn by its sender under the new handle', async () => {
    const project = tempDir();
    const roots: AgentRoot[] = [{ source: 'bundled', dir: BUNDLED_AGENTS_DIR }, { source: 'project', dir: join(project, '.claude', 'agents') }];
    const services = createServices(db, { agentRoots: roots });
    const { flags, agents } = services;
    const { flag } = await createFlagWarned(flags, agents, flagInput({ source_agent: '@backend.api', target_agent: '@database.postgres' }));
    expect(flag).toMatchObject({ source_agent: '@backend.api', target_agent: '@database.postgres' });
    expect((await flags.lock(flag.id, '@database.postgres')).action).toBe('locked');

    installBundledAgents({ env: { CLAUDE_PROJECT_DIR: project }, home: tempDir() });
    agents.catalog.refresh();
    expect(agents.resolveHandle('@database.postgres')).toBe('@database-postgres');
    for (const name of ['@database.postgres', '@database-postgres']) {
      expect(await agentQueueWarned(flags, agents, name, {})).toMatchObject({ agent: '@database-postgres', total_pending: 1, held_by_others: 0, flags: [{ id: flag.id }] });
    }
    expect((await workableMarked(flags, agents, undefined)).agents).toEqual([expect.objectContaining({ target_agent: '@database-postgres', agent_exists: true, held: 1 })]);
    // the lock taken under the old handle is the installed agent's own
    expect((await flags.lock(flag.id, agents.resolveHandle('@database-postgres'))).action).toBe('renewed');
    expect(await flags.unlock(flag.id, agents.resolveHandle('@database.postgres'))).toMatchObject({ was_locked: true, forced: false });
    expect(await flags.delete(flag.id, agents.resolveHandle('@backend-api') as string)).toMatchObject({ deleted: true });
    services.close();
  });
});

describe('servers sharing one database agree on aliases without rewriting flags', () => {
  it('a second connection sees the same queue, and the flag rows keep the handles they were stored under', async () => {
    const project = tempDir();
    const roots: AgentRoot[] = [{ source: 'bundled', dir: BUNDLED_AGENTS_DIR }, { source: 'project', dir: join(project, '.claude', 'agents') }];
    const first = createServices(db, { agentRoots: roots });
    const { flag } = await createFlagWarned(first.flags, first.agents, flagInput({ source_agent: '@backend.api', target_agent: '@database.postgres' }));
    installBundledAgents({ env: { CLAUDE_PROJECT_DIR: project }, home: tempDir() });
    const otherDb = openStore(db.name);
    const second = createServices(otherDb, { agentRoots: roots }); // started after the install
    first.agents.catalog.refresh();
    for (const s of [first, second]) {
      expect(await agentQueueWarned(s.flags, s.agents, '@database-postgres', {})).toMatchObject({ total_pending: 1, flags: [{ id: flag.id }] });
    }
    expect(db.prepare('SELECT source_agent, target_agent FROM flags').all()).toEqual([{ source_agent: '@backend.api', target_agent: '@database.postgres' }]);
    expect(db.prepare('SELECT count(*) FROM flag_history').pluck().get()).toBe(1); // created; nothing rewritten
    expect(await second.flags.delete(flag.id, second.agents.resolveHandle('@backend-api') as string)).toMatchObject({ deleted: true });
    expect((await agentQueueWarned(first.flags, first.agents, '@database-postgres', {})).total_pending).toBe(0);
    first.close();
    second.close();
    otherDb.close();
  });
});

describe('plugin agents cannot take other handles', () => {
  it('keeps only aliases in the plugin\'s own namespace, with one warning naming the file', async () => {
    const plugin = tempDir();
    const project = tempDir();
    const path = writeAgent(plugin, 'helper.md', { name: 'helper', description: 'helps', aliases: '["@security.review", "@backend.api", "evil:helper2"]' });
    writeAgent(project, 'api.md', { name: 'backend-api', description: 'our API' });
    const { catalog, service } = load([{ source: 'bundled', dir: BUNDLED_AGENTS_DIR }, { source: 'plugin', dir: plugin, plugin: 'evil' }, { source: 'project', dir: project }], 'on');
    expect(catalog.get('@evil:helper')!.aliases).toEqual(['@evil:helper2']);
    expect(service.resolveAlias('@backend.api')).toBeUndefined();
    expect(service.get('@backend.api').source).toBe('bundled');
    expect(service.get('@security.review').source).toBe('bundled');
    expect(service.get('@evil:helper2').name).toBe('@evil:helper');
    catalog.refresh();
    const warned = stderr.join('').split('\n').filter((l) => l.includes('alias'));
    expect(warned).toEqual([expect.stringContaining(`agent file ${path}: aliases @security.review, @backend.api of @evil:helper are ignored: a plugin's agent may only declare aliases in its own namespace (@evil:...)`)]);
    catalog.close();
  });

  it('cannot take a standby bundled agent\'s handle either (auto mode)', async () => {
    const plugin = tempDir();
    writeAgent(plugin, 'helper.md', { name: 'helper', description: 'helps', aliases: '["@backend.api"]' });
    const { catalog, service } = load([{ source: 'bundled', dir: BUNDLED_AGENTS_DIR }, { source: 'plugin', dir: plugin, plugin: 'evil' }]);
    expect(catalog.get('@evil:helper')!.aliases).toEqual([]);
    expect(service.resolveHandle('@backend.api')).toBe('@backend.api');
    catalog.close();
  });
});

describe('an alias of the user\'s agent wins over an active bundled agent of that name (--bundled-agents on)', () => {
  it('shadows the bundled agent, so flags to the dotted handle go to the agent Claude Code runs', async () => {
    const project = tempDir();
    installBundledAgents({ env: { CLAUDE_PROJECT_DIR: project }, home: tempDir() });
    const folder = join(project, '.claude', 'agents');
    const { catalog, service } = load([{ source: 'bundled', dir: BUNDLED_AGENTS_DIR }, { source: 'project', dir: folder }], 'on');
    expect(service.get('@database.postgres')).toMatchObject({ name: '@database-postgres', source: 'project', shadows: [join(BUNDLED_AGENTS_DIR, 'database.postgres.md')] });
    expect(catalog.has('@database.postgres')).toBe(false);
    expect(catalog.size).toBe(readdirSync(BUNDLED_AGENTS_DIR).filter((f) => f.endsWith('.md')).length);
    expect(catalog.all().every((a) => a.source === 'project')).toBe(true);
    expect(db.prepare('SELECT status, shadowed_by FROM agents_catalog WHERE path = ?').get(join(BUNDLED_AGENTS_DIR, 'database.postgres.md')))
      .toEqual({ status: 'shadowed', shadowed_by: join(folder, 'database-postgres.md') });
    const flags = new FlagService(db, { identity: service.identity() });
    expect((await createFlagWarned(flags, service, flagInput({ target_agent: '@database.postgres' }))).flag.target_agent).toBe('@database-postgres');
    expect(stderr.join('')).not.toMatch(/alias .* is ignored/);
    catalog.close();
  });

  it('still ignores an alias that is the name of an active agent that is not bundled', async () => {
    const project = tempDir();
    const user = tempDir();
    writeAgent(user, 'u.md', { name: 'database.postgres', description: 'the user\'s own' });
    writeAgent(project, 'p.md', { name: 'pg', description: 'ours', aliases: '["@database.postgres"]' });
    const { service } = load([{ source: 'bundled', dir: BUNDLED_AGENTS_DIR }, { source: 'user', dir: user }, { source: 'project', dir: project }], 'on');
    expect(service.get('@database.postgres')).toMatchObject({ source: 'user' });
    expect(service.get('@pg').aliases).toEqual([]);
  });
});

describe('coordinator agents install does not stop halfway', () => {
  const team = () => {
    const from = tempDir();
    for (const name of ['alpha.one', 'beta.two', 'gamma.three']) writeAgent(from, `${name}.md`, { name, description: `the ${name} agent` });
    return from;
  };

  it('reports a file created after the planning under skipped, and writes the rest', async () => {
    const project = tempDir();
    const folder = join(project, '.claude', 'agents');
    const out = installBundledAgents({
      env: { CLAUDE_PROJECT_DIR: project }, from: team(),
      beforeWrite: (path) => { if (path.endsWith('beta-two.md')) writeFileSync(path, 'written by someone else meanwhile'); },
    });
    expect(out.written.map((w) => w.file)).toEqual(['alpha-one.md', 'gamma-three.md']);
    expect(out.skipped).toEqual([{ file: 'beta-two.md', name: 'beta-two', reason: `${join(folder, 'beta-two.md')} appeared while installing (never overwritten)` }]);
    expect(readFileSync(join(folder, 'beta-two.md'), 'utf8')).toBe('written by someone else meanwhile');
    expect(readdirSync(folder).sort()).toEqual(['alpha-one.md', 'beta-two.md', 'gamma-three.md']);
  });

  it('skips the second of two team files that install under one name', async () => {
    const project = tempDir();
    const from = team();
    writeAgent(from, 'alpha-one.md', { name: 'alpha-one', description: 'the same installed name' });
    const out = installBundledAgents({ env: { CLAUDE_PROJECT_DIR: project }, from });
    expect(out.written.map((w) => w.name)).toEqual(['@alpha-one', '@beta-two', '@gamma-three']);
    expect(out.skipped).toEqual([expect.objectContaining({ file: 'alpha-one.md', name: 'alpha-one' })]);
  });

  it('treats a file that differs only in case as taken (a case-insensitive file system would replace it)', async () => {
    const project = tempDir();
    const folder = join(project, '.claude', 'agents');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'Beta-Two.md'), 'mine');
    const out = installBundledAgents({ env: { CLAUDE_PROJECT_DIR: project }, from: team() });
    expect(out.written.map((w) => w.file)).toEqual(['alpha-one.md', 'gamma-three.md']);
    expect(out.skipped).toEqual([expect.objectContaining({ file: 'beta-two.md', reason: expect.stringMatching(/already exists/) })]);
  });
});
