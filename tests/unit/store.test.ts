import Database from 'better-sqlite3';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveDbPath } from '../../src/config.js';
import { FlagService } from '../../src/flags/service.js';
import { loadSchema, openStore, StoreOpenError } from '../../src/store/db.js';
import { tempDir } from '../helpers/tmp.js';

describe('openStore', () => {
  it('creates missing folders and sets WAL, NORMAL sync, foreign keys, a busy timeout and the version', async () => {
    const path = join(tempDir(), 'deep', 'er', 'c.db');
    const db = openStore(path);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(15_000); // the README's 15 s
    expect(db.pragma('user_version', { simple: true })).toBe(loadSchema().version);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all();
    expect(tables).toEqual(['agents_catalog', 'api_tokens', 'flag_acks', 'flag_history', 'flags', 'hook_sessions']);
    db.close();
  });

  it('opens an existing up-to-date database without touching its data', async () => {
    const path = join(tempDir(), 'c.db');
    const first = openStore(path);
    await new FlagService(first).create({ flag_type: 'change', source_agent: '@a.b', target_agent: null, change_description: 'd'.repeat(60), action_required: 'a'.repeat(120) });
    first.close();
    const second = openStore(path);
    expect(second.prepare('SELECT count(*) FROM flags').pluck().get()).toBe(1);
    second.close();
  });

  it('refuses a database from a newer version, naming both versions', async () => {
    const path = join(tempDir(), 'c.db');
    const raw = new Database(path);
    raw.pragma('user_version = 99');
    raw.close();
    expect(() => openStore(path)).toThrow(StoreOpenError);
    expect(() => openStore(path)).toThrow(`version 99 is newer than this coordinator-mcp understands (${loadSchema().version}); upgrade coordinator-mcp`);
  });

  it('refuses a directory, a file that is not SQLite, and an unwritable location with one clear line', async () => {
    const dir = tempDir();
    expect(() => openStore(dir)).toThrow(/is a directory/);
    const junk = join(dir, 'junk.db');
    writeFileSync(junk, 'this is not a database '.repeat(100));
    expect(() => openStore(junk)).toThrow(/not a valid SQLite database/);
    if (process.getuid?.() !== 0) {
      const locked = join(dir, 'ro');
      mkdirSync(locked);
      chmodSync(locked, 0o500);
      expect(() => openStore(join(locked, 'sub', 'c.db'))).toThrow(StoreOpenError);
    }
    expect(() => openStore('/dev/null/sub/c.db')).toThrow(StoreOpenError);
  });

  it('upgrades a version 1 database (flags only) in place, keeping its flags', async () => {
    const path = join(tempDir(), 'v1.db');
    const db = openStore(path);
    await new FlagService(db).create({ flag_type: 'change', source_agent: '@a.b', target_agent: null, change_description: 'd'.repeat(60), action_required: 'a'.repeat(120) });
    db.exec('DROP TABLE agents_catalog; PRAGMA user_version = 1');
    db.close();
    const upgraded = openStore(path);
    expect(upgraded.pragma('user_version', { simple: true })).toBe(loadSchema().version);
    expect(upgraded.prepare('SELECT count(*) FROM agents_catalog').pluck().get()).toBe(0);
    expect(upgraded.prepare('SELECT source_agent FROM flags').pluck().all()).toEqual(['@a.b']);
    upgraded.close();
  });

  it('upgrades a version 2 database: the list_flags indexes gain id and status, the saved search index is emptied, the flags stay', async () => {
    const path = join(tempDir(), 'v2.db');
    const db = openStore(path);
    const flags = new FlagService(db);
    for (let i = 0; i < 3; i++) {
      await flags.create({ flag_type: 'change', source_agent: '@a.b', target_agent: '@c.d', change_description: 'd'.repeat(60), action_required: 'a'.repeat(120) });
    }
    // The version 2 definitions of the three indexes.
    db.exec(`DROP INDEX flags_target; CREATE INDEX flags_target ON flags (target_agent, created_at);
      DROP INDEX flags_source; CREATE INDEX flags_source ON flags (source_agent, created_at);
      DROP INDEX flags_type; CREATE INDEX flags_type ON flags (flag_type, impact_level, created_at);
      CREATE TABLE agent_search_index (id INTEGER PRIMARY KEY CHECK (id = 1), fingerprint TEXT NOT NULL, data TEXT NOT NULL, built_at TEXT NOT NULL);
      INSERT INTO agent_search_index VALUES (1, 'f', '{}', '2026-11-27T10:00:00.000Z');
      PRAGMA user_version = 2`);
    db.close();
    const upgraded = openStore(path);
    const columns = (index: string) => upgraded.prepare('SELECT name FROM pragma_index_info(?) ORDER BY seqno').pluck().all(index);
    expect(upgraded.pragma('user_version', { simple: true })).toBe(loadSchema().version);
    expect(columns('flags_target')).toEqual(['target_agent', 'created_at', 'id', 'status']);
    expect(columns('flags_source')).toEqual(['source_agent', 'created_at', 'id', 'status']);
    expect(columns('flags_type')).toEqual(['flag_type', 'impact_level', 'created_at', 'id', 'status']);
    expect(upgraded.prepare('SELECT count(*) FROM flags').pluck().get()).toBe(3);
    // The saved search index is no longer used: emptied, kept for servers of version 2 still running.
    expect(upgraded.prepare('SELECT count(*) FROM agent_search_index').pluck().get()).toBe(0);
    // Counting one filter's matches reads the index alone; a page of them comes in index order, unsorted.
    const plan = (sql: string) => (upgraded.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');
    for (const [index, filter] of [['flags_source', "source_agent = '@a.b'"], ['flags_target', "target_agent = '@c.d'"], ['flags_type', "flag_type = 'change' AND impact_level = 'medium'"]]) {
      expect(plan(`SELECT count(*) FROM flags WHERE +status = 'pending' AND ${filter}`)).toMatch(new RegExp(`COVERING INDEX ${index}`));
      const page = plan(`SELECT * FROM flags WHERE +status = 'pending' AND ${filter} ORDER BY created_at DESC, id DESC LIMIT 20`);
      expect(page).toMatch(new RegExp(`INDEX ${index}`));
      expect(page).not.toMatch(/TEMP B-TREE/);
    }
    upgraded.close();
  });

  it('upgrades a version 3 database: agents_catalog is made again with source plugin, status standby and aliases; the flags stay', async () => {
    const path = join(tempDir(), 'v3.db');
    const db = openStore(path);
    await new FlagService(db).create({ flag_type: 'change', source_agent: '@a.b', target_agent: '@c.d', change_description: 'd'.repeat(60), action_required: 'a'.repeat(120) });
    // The version 3 table: narrower checks, no aliases column.
    db.exec(`DROP TABLE agents_catalog;
      CREATE TABLE agents_catalog (path TEXT PRIMARY KEY, name TEXT NOT NULL, domain TEXT, module TEXT,
        source TEXT NOT NULL CHECK (source IN ('bundled','extra','user','project')), description TEXT NOT NULL DEFAULT '',
        tags TEXT NOT NULL DEFAULT '[]', capabilities TEXT NOT NULL DEFAULT '[]', model TEXT, color TEXT, tools TEXT NOT NULL DEFAULT '[]',
        frontmatter TEXT NOT NULL DEFAULT '{}', body TEXT NOT NULL DEFAULT '', status TEXT NOT NULL CHECK (status IN ('active','shadowed','inactive','broken')),
        shadowed_by TEXT, error TEXT, content_hash TEXT NOT NULL, mtime_ms REAL NOT NULL, size INTEGER NOT NULL, updated_at TEXT NOT NULL);
      INSERT INTO agents_catalog (path, name, source, status, content_hash, mtime_ms, size, updated_at) VALUES ('/x.md', '@x', 'user', 'active', 'h', 1, 1, 't');
      PRAGMA user_version = 3`);
    db.close();
    const upgraded = openStore(path);
    expect(upgraded.pragma('user_version', { simple: true })).toBe(loadSchema().version);
    expect(upgraded.prepare('SELECT count(*) FROM agents_catalog').pluck().get()).toBe(0); // read again from the files
    upgraded.prepare(`INSERT INTO agents_catalog (path, name, source, status, aliases, content_hash, mtime_ms, size, updated_at)
      VALUES ('/p.md', '@kit:p', 'plugin', 'standby', '["@p"]', 'h', 1, 1, 't')`).run();
    expect(upgraded.prepare('SELECT source, status, aliases FROM agents_catalog').get()).toEqual({ source: 'plugin', status: 'standby', aliases: '["@p"]' });
    expect(upgraded.prepare('SELECT count(*) FROM flags').pluck().get()).toBe(1);
    upgraded.close();
  });

  it('upgrades a version 5 database with broadcasts: pending ones stay open for everyone, completed ones stay closed with their completer as acknowledged, history kept', async () => {
    const path = join(tempDir(), 'v5.db');
    const db = openStore(path);
    let clock = Date.parse('2026-11-27T10:00:00.000Z');
    const flags = new FlagService(db, { now: () => clock });
    const input = (target: string | null) => ({ flag_type: 'change', source_agent: '@lead', target_agent: target, change_description: 'd'.repeat(60), action_required: 'a'.repeat(120) });
    const open = (await flags.create(input(null))).id;
    const lockedOpen = (await flags.create(input(null))).id;
    const closed = (await flags.create(input(null))).id;
    const direct = (await flags.create(input('@fe'))).id;
    await flags.lock(direct, '@fe');
    // What version 5 stored: a lease on a broadcast, and a broadcast completed by its first completer for all.
    clock += 1000;
    db.exec(`UPDATE flags SET locked_by = '@be', locked_at = '2026-11-27T10:00:01.000Z', lock_expires_at = '2026-11-27T10:15:01.000Z' WHERE id = ${lockedOpen};
      INSERT INTO flag_history (flag_id, action, agent, at) VALUES (${lockedOpen}, 'locked', '@be', '2026-11-27T10:00:01.000Z');
      UPDATE flags SET status = 'completed', completed_at = '2026-11-27T10:00:02.000Z', completed_by = '@be', notes = 'migrated the API' WHERE id = ${closed};
      INSERT INTO flag_history (flag_id, action, agent, at, details) VALUES (${closed}, 'completed', '@be', '2026-11-27T10:00:02.000Z', '{"notes":"migrated the API"}');`);
    // The version 5 shape: no flag_acks, and flag_history's narrower CHECK.
    const historyBefore = db.prepare('SELECT * FROM flag_history ORDER BY id').all();
    db.exec(`DROP TABLE flag_acks; ALTER TABLE flag_history RENAME TO h6; DROP INDEX flag_history_flag;
      CREATE TABLE flag_history (id INTEGER PRIMARY KEY AUTOINCREMENT, flag_id INTEGER NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('created','updated','deleted','locked','renewed','unlocked','force_unlocked','lock_taken_over','completed','imported')),
        agent TEXT NOT NULL, at TEXT NOT NULL, details TEXT CHECK (details IS NULL OR json_valid(details)));
      INSERT INTO flag_history SELECT * FROM h6; DROP TABLE h6; CREATE INDEX flag_history_flag ON flag_history (flag_id, id);
      PRAGMA user_version = 5`);
    const flagsBefore = db.prepare('SELECT * FROM flags ORDER BY id').all() as Record<string, unknown>[];
    db.close();

    const upgraded = openStore(path);
    expect(upgraded.pragma('user_version', { simple: true })).toBe(loadSchema().version);
    expect(loadSchema().version).toBe(8);
    const after = new FlagService(upgraded, { now: () => clock });
    // Every history row kept, ids and all; the schema now takes 'acknowledged'; the counter goes on.
    const history = upgraded.prepare('SELECT * FROM flag_history ORDER BY id').all() as { id: number; action: string; agent: string; details: string | null }[];
    expect(history.slice(0, historyBefore.length)).toEqual(historyBefore);
    expect(upgraded.prepare("SELECT sql FROM sqlite_master WHERE name = 'flag_history'").pluck().get()).toContain("'acknowledged'");
    expect(upgraded.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'flag_history_flag'").pluck().get()).toBe(1);
    // Version 8's board indexes, on the rebuilt history too.
    expect(upgraded.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND name IN ('flags_created', 'flags_completed', 'flags_lock_expiry',
      'flags_timing', 'flag_history_first_lock', 'flag_history_lock_events') ORDER BY name`).pluck().all())
      .toEqual(['flag_history_first_lock', 'flag_history_lock_events', 'flags_completed', 'flags_created', 'flags_lock_expiry', 'flags_timing']);
    // The lease on the pending broadcast was released, and the release recorded.
    expect(history.slice(historyBefore.length)).toEqual([
      expect.objectContaining({ action: 'force_unlocked', agent: '@coordinator-mcp', details: expect.stringContaining('no longer locked') }),
    ]);
    // Flags otherwise as they were.
    const rows = upgraded.prepare('SELECT * FROM flags ORDER BY id').all() as Record<string, unknown>[];
    expect(rows.map((r) => (r.id === lockedOpen ? { ...r, locked_by: 'x', locked_at: 'x', lock_expires_at: 'x' } : r)))
      .toEqual(flagsBefore.map((r) => (r.id === lockedOpen ? { ...r, locked_by: 'x', locked_at: 'x', lock_expires_at: 'x' } : r)));
    expect((await after.get(direct)).flag.lock).toMatchObject({ holder: '@fe' }); // locks on direct flags are untouched
    // The completed broadcast stays closed for everyone; its completer counts as having acknowledged it.
    expect(await after.get(closed)).toMatchObject({
      flag: { status: 'completed', completed_by: '@be' },
      acknowledged_by: [{ agent: '@be', at: '2026-11-27T10:00:02.000Z', notes: 'migrated the API' }],
    });
    expect((await after.get(open)).acknowledged_by).toEqual([]);
    expect((await after.agentQueue('@qa')).flags.map((f) => f.id)).toEqual([open, lockedOpen]);
    expect((await after.agentQueue('@be')).flags.map((f) => f.id)).toEqual([open, lockedOpen]);
    // And the new rule works on the upgraded file.
    expect(await after.complete(open, '@be', 'done here')).toMatchObject({ already_acknowledged: false, flag: { status: 'pending' } });
    expect((await after.agentQueue('@be')).flags.map((f) => f.id)).toEqual([lockedOpen]);
    expect((await after.history(open)).at(-1)).toMatchObject({ action: 'acknowledged', agent: '@be', id: history.at(-1)!.id + 1 });
    upgraded.close();
    // Opening it again changes nothing.
    const again = openStore(path);
    expect(again.prepare('SELECT count(*) FROM flag_acks').pluck().get()).toBe(2);
    again.close();
  });

  it('upgrades a database of the agent_db.py script in place, keeping every flag', async () => {
    const path = join(tempDir(), 'legacy.db');
    const raw = new Database(path);
    raw.exec(`CREATE TABLE flags (id INTEGER PRIMARY KEY AUTOINCREMENT, chain_origin_id INTEGER, flag_type TEXT, source_agent TEXT,
      target_agent TEXT, change_description TEXT, action_required TEXT, impact_level TEXT DEFAULT 'medium', status TEXT DEFAULT 'pending',
      locked BOOLEAN DEFAULT 0, related_files TEXT, code_location TEXT, example_usage TEXT, context TEXT,
      created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, completed_at TIMESTAMP, completed_by TEXT, notes TEXT);
      CREATE INDEX idx_flags_target ON flags(target_agent, status);
      CREATE TABLE agents_catalog (name TEXT PRIMARY KEY, module TEXT, description TEXT, capabilities TEXT, status TEXT);
      INSERT INTO agents_catalog VALUES ('@old.agent', 'old', 'seed row', 'x', 'active');`);
    const ins = raw.prepare(`INSERT INTO flags (chain_origin_id, flag_type, source_agent, target_agent, change_description, action_required,
      impact_level, status, locked, related_files, context, created_at, completed_at, completed_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`);
    ins.run(null, 'breaking_change', '@backend.api', '@frontend.react', 'd'.repeat(60), 'a'.repeat(120), 'high', 'pending', 1, 'a.ts,b.ts', '{"k":1}', '2025-03-01 12:30:00', null, null);
    ins.run(1, 'bogus', '@frontend.react', null, 'short', 'short', 'whatever', 'completed', 0, null, 'not json', '2025-03-02 08:00:00', '2025-03-02 09:00:00', '@qa.testing');
    raw.close();

    const db = openStore(path);
    const flags = new FlagService(db);
    const one = await flags.get(1);
    expect(one.flag).toMatchObject({
      flag_type: 'breaking_change', impact_level: 'high', related_files: ['a.ts', 'b.ts'], context: { k: 1 },
      created_at: '2025-03-01T12:30:00.000Z', locked: false, status: 'pending',
    });
    expect(one.history[0]).toMatchObject({ action: 'imported', details: { changes: { locked: expect.stringContaining('dropped') } } });
    const two = await flags.get(2);
    expect(two.flag).toMatchObject({
      flag_type: 'change', impact_level: 'medium', chain_origin_id: 1, status: 'completed', completed_by: '@qa.testing',
      completed_at: '2025-03-02T09:00:00.000Z', context: { text: 'not json' }, change_description: 'short',
    });
    expect(two.history[0]!.details).toMatchObject({ changes: { flag_type: { from: 'bogus', to: 'change' } } });
    expect(db.prepare('SELECT count(*) FROM legacy_flags_v0').pluck().get()).toBe(2);
    expect(db.prepare('SELECT name FROM legacy_agents_catalog_v0').pluck().all()).toEqual(['@old.agent']);
    expect(db.prepare('SELECT count(*) FROM agents_catalog').pluck().get()).toBe(0);
    expect((await flags.create({ flag_type: 'change', source_agent: '@a.b', target_agent: null, change_description: 'd'.repeat(60), action_required: 'a'.repeat(120) })).id).toBe(3);
    db.close();
  });
});

describe('resolveDbPath', () => {
  it('prefers --db, then COORDINATOR_DB, then the project folder', async () => {
    expect(resolveDbPath('x.db', { COORDINATOR_DB: '/e.db' }, '/work')).toBe('/work/x.db');
    expect(resolveDbPath(undefined, { COORDINATOR_DB: '/e.db', CLAUDE_PROJECT_DIR: '/p' }, '/work')).toBe('/e.db');
    expect(resolveDbPath(undefined, { CLAUDE_PROJECT_DIR: '/p' }, '/work')).toBe('/p/.claude/coordinator.db');
    expect(resolveDbPath(undefined, {}, '/work')).toBe('/work/.claude/coordinator.db');
  });
});
