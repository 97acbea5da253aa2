import type Database from 'better-sqlite3';
import { normalizeHandle } from '../flags/rules.js';
import { nowIso } from '../time.js';

type DB = Database.Database;

const FLAG_TYPES = new Set([
  'breaking_change', 'new_feature', 'refactor', 'deprecation', 'enhancement', 'change',
  'information_request', 'security', 'data_loss',
]);
const IMPACTS = new Set(['critical', 'high', 'medium', 'low']);

function tableColumns(db: DB, table: string): string[] {
  return (db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[]).map((r) => r.name);
}

/**
 * Version 0 is either an empty file or the database of the agent_db.py script we replace, whose
 * flags table has a blind `locked` column and minute-resolution text dates. Its flags are kept:
 * the old table is renamed to legacy_flags_v0 and every row is copied into the new shape, with
 * each conversion written to the flag's history.
 */
function importLegacyFlags(db: DB, applySchema: () => void): void {
  db.exec('ALTER TABLE flags RENAME TO legacy_flags_v0');
  for (const idx of db.prepare(`SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='legacy_flags_v0' AND sql IS NOT NULL`).all() as { name: string }[]) {
    db.exec(`DROP INDEX "${idx.name.replaceAll('"', '""')}"`);
  }
  applySchema();
  const cols = new Set(tableColumns(db, 'legacy_flags_v0'));
  const get = (row: Record<string, unknown>, col: string): unknown => (cols.has(col) ? row[col] : null);
  const rows = db.prepare('SELECT * FROM legacy_flags_v0 ORDER BY id').all() as Record<string, unknown>[];
  const insert = db.prepare(`INSERT INTO flags (id, chain_origin_id, flag_type, source_agent, target_agent,
      change_description, action_required, impact_level, status, related_files, code_location, example_usage,
      context, created_at, updated_at, completed_at, completed_by, notes)
    VALUES (@id, @chain_origin_id, @flag_type, @source_agent, @target_agent, @change_description, @action_required,
      @impact_level, @status, @related_files, @code_location, @example_usage, @context, @created_at, @created_at,
      @completed_at, @completed_by, @notes)`);
  const history = db.prepare(`INSERT INTO flag_history (flag_id, action, agent, at, details) VALUES (?, 'imported', '@coordinator-mcp', ?, ?)`);
  const ids = new Set(rows.map((r) => r.id));
  const at = nowIso();
  const toIso = (v: unknown): string | null => {
    if (v == null || v === '') return null;
    const d = new Date(/Z|[+-]\d\d:?\d\d$/.test(String(v)) ? String(v) : `${String(v).replace(' ', 'T')}Z`);
    return Number.isNaN(d.getTime()) ? null : d.toISOString();
  };
  db.pragma('defer_foreign_keys = ON');
  for (const row of rows) {
    const changes: Record<string, unknown> = {};
    let flagType = String(get(row, 'flag_type') ?? 'change');
    if (!FLAG_TYPES.has(flagType)) { changes.flag_type = { from: flagType, to: 'change' }; flagType = 'change'; }
    let impact = String(get(row, 'impact_level') ?? 'medium');
    if (!IMPACTS.has(impact)) { changes.impact_level = { from: impact, to: 'medium' }; impact = 'medium'; }
    const rawFiles = get(row, 'related_files');
    let files: string[] = [];
    if (typeof rawFiles === 'string' && rawFiles.trim()) {
      try {
        const parsed: unknown = JSON.parse(rawFiles);
        files = Array.isArray(parsed) ? parsed.map(String) : [String(parsed)];
      } catch {
        files = rawFiles.split(',').map((s) => s.trim()).filter(Boolean);
      }
    }
    let context = get(row, 'context');
    if (context != null) {
      let value: unknown;
      try { value = JSON.parse(String(context)); } catch { value = undefined; }
      if (value === undefined) { changes.context = 'not JSON: kept as {"text": ...}'; context = JSON.stringify({ text: String(context) }); }
      else if (typeof value !== 'object' || value === null || Array.isArray(value)) { changes.context = 'not a JSON object: kept as {"value": ...}'; context = JSON.stringify({ value }); }
    }
    const handle = (col: string, fallback: string | null): string | null => {
      const raw = get(row, col);
      if (raw == null || String(raw).trim() === '') return fallback;
      try {
        const h = normalizeHandle(String(raw), col);
        if (h !== raw) changes[col] = { from: raw, to: h };
        return h;
      } catch {
        return String(raw);
      }
    };
    const createdAt = toIso(get(row, 'created_at')) ?? at;
    const completed = get(row, 'status') === 'completed';
    const completedAt = completed ? toIso(get(row, 'completed_at')) ?? createdAt : null;
    let origin = get(row, 'chain_origin_id');
    if (origin != null && !ids.has(origin)) { changes.chain_origin_id = { from: origin, to: null }; origin = null; }
    if (get(row, 'locked')) changes.locked = 'the old lock had no owner or expiry and was dropped';
    insert.run({
      id: row.id,
      chain_origin_id: origin,
      flag_type: flagType,
      source_agent: handle('source_agent', '@unknown')!,
      target_agent: handle('target_agent', null),
      change_description: String(get(row, 'change_description') ?? ''),
      action_required: String(get(row, 'action_required') ?? ''),
      impact_level: impact,
      status: completed ? 'completed' : 'pending',
      related_files: JSON.stringify(files),
      code_location: get(row, 'code_location') ?? null,
      example_usage: get(row, 'example_usage') ?? null,
      context: context ?? null,
      created_at: createdAt,
      completed_at: completedAt,
      completed_by: completed ? get(row, 'completed_by') ?? null : null,
      notes: get(row, 'notes') ?? null,
    });
    history.run(row.id, at, JSON.stringify({ from: 'legacy_flags_v0', changes }));
  }
  // The old script never checked chains: break any loop at the flag that closes it.
  const parentOf = db.prepare('SELECT chain_origin_id FROM flags WHERE id = ?').pluck();
  const detach = db.prepare('UPDATE flags SET chain_origin_id = NULL WHERE id = ?');
  for (const row of rows) {
    const seen = new Set<number>([Number(row.id)]);
    for (let id = parentOf.get(row.id) as number | null; id != null; id = parentOf.get(id) as number | null) {
      if (id === Number(row.id)) {
        detach.run(row.id);
        history.run(row.id, at, JSON.stringify({ from: 'legacy_flags_v0', changes: { chain_origin_id: 'it closed a loop of chained flags and was cleared' } }));
        break;
      }
      if (seen.has(id)) break; // a loop further up, broken when one of its own flags is reached
      seen.add(id);
    }
  }
}

/** Brings a database at version `from` to `to`. applySchema creates every current object. */
export function runMigrations(db: DB, from: number, to: number, applySchema: () => void): void {
  // The old script kept its own agents_catalog (seed rows with a module column): keep it aside.
  const catalogColumns = tableColumns(db, 'agents_catalog');
  if (catalogColumns.length > 0 && !catalogColumns.includes('content_hash')) {
    db.exec('ALTER TABLE agents_catalog RENAME TO legacy_agents_catalog_v0');
    for (const idx of db.prepare(`SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='legacy_agents_catalog_v0' AND sql IS NOT NULL`).all() as { name: string }[]) {
      db.exec(`DROP INDEX "${idx.name.replaceAll('"', '""')}"`);
    }
  }
  if (from === 0) {
    const legacy = tableColumns(db, 'flags');
    if (legacy.length > 0 && legacy.includes('locked') && !legacy.includes('locked_by')) {
      importLegacyFlags(db, applySchema);
      settleBroadcasts(db);
    } else {
      applySchema();
    }
    return;
  }
  // Version 2 only adds tables (the agent catalog and its search index): applying the schema
  // creates them. Version 3 adds id and status to three list_flags indexes (dropped here, made
  // again by the schema) and stops saving the search index: its table is emptied but kept, since
  // a server of version 2 may still be running on this file and would write to it. Later
  // versions add their steps here, each ending with applySchema().
  if (from < 3) {
    db.exec('DROP INDEX IF EXISTS flags_target; DROP INDEX IF EXISTS flags_source; DROP INDEX IF EXISTS flags_type;');
    if (tableColumns(db, 'agent_search_index').length > 0) db.exec('DELETE FROM agent_search_index');
  }
  // Version 4 widens agents_catalog's checks (source 'plugin', status 'standby') and adds its
  // aliases column. SQLite cannot change a CHECK in place, and the table only mirrors the agent
  // files: it is dropped and made again, and the next read of the folders fills it.
  if (from >= 2 && from < 4 && tableColumns(db, 'agents_catalog').includes('content_hash')) db.exec('DROP TABLE agents_catalog');
  // Version 5 only adds hook_sessions (delivery tracking of the Claude Code hooks): applying the schema creates it.
  // Version 6 adds flag_acks (broadcasts acknowledged per agent) and the history action
  // 'acknowledged': flag_history's CHECK cannot change in place, so the table is renamed, made
  // again by the schema and its rows copied back, ids and all (AUTOINCREMENT's counter follows).
  let history5 = false;
  if (from < 6 && tableColumns(db, 'flag_history').length > 0 && !historyAllowsAcknowledged(db)) {
    db.exec('ALTER TABLE flag_history RENAME TO flag_history_v5; DROP INDEX IF EXISTS flag_history_flag;');
    history5 = true;
  }
  // Version 7 only adds api_tokens (the bearer tokens of the HTTP transport): applying the schema creates it.
  // Version 8 only adds the board's indexes (flags_created, flags_completed, flags_lock_expiry,
  // flags_timing, flag_history_first_lock, flag_history_lock_events): applying the schema creates them.
  if (from < to) applySchema();
  if (history5) {
    db.exec(`INSERT INTO flag_history (id, flag_id, action, agent, at, details)
      SELECT id, flag_id, action, agent, at, details FROM flag_history_v5 ORDER BY id; DROP TABLE flag_history_v5;`);
  }
  if (from < 6) settleBroadcasts(db);
}

function historyAllowsAcknowledged(db: DB): boolean {
  const sql = db.prepare(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'flag_history'`).pluck().get() as string | undefined;
  return sql?.includes("'acknowledged'") ?? false;
}

/**
 * Broadcasts of a database older than version 6, where the first completion closed a broadcast
 * for every agent. A completed broadcast stays completed (closed for everyone, as its agents were
 * told), and its completer is recorded as having acknowledged it, at the completion's time and
 * with its notes. A pending broadcast stays pending with no acknowledgements. Broadcasts are no
 * longer locked (each agent acknowledges for itself): a lock on a pending broadcast is released
 * and the release written to its history.
 */
function settleBroadcasts(db: DB): void {
  db.exec(`INSERT OR IGNORE INTO flag_acks (flag_id, agent, at, notes)
    SELECT id, completed_by, completed_at, notes FROM flags
    WHERE target_agent IS NULL AND status = 'completed' AND completed_by IS NOT NULL AND completed_at IS NOT NULL`);
  const locked = db.prepare(`SELECT id, locked_by, lock_expires_at FROM flags
    WHERE target_agent IS NULL AND status = 'pending' AND locked_by IS NOT NULL`).all() as { id: number; locked_by: string; lock_expires_at: string }[];
  if (locked.length === 0) return;
  const at = nowIso();
  const unlock = db.prepare('UPDATE flags SET locked_by = NULL, locked_at = NULL, lock_expires_at = NULL WHERE id = ?');
  const history = db.prepare(`INSERT INTO flag_history (flag_id, action, agent, at, details) VALUES (?, 'force_unlocked', '@coordinator-mcp', ?, ?)`);
  for (const row of locked) {
    unlock.run(row.id);
    history.run(row.id, at, JSON.stringify({
      previous_holder: row.locked_by, lease_expires_at: row.lock_expires_at,
      reason: 'schema version 6: broadcasts are acknowledged per agent and no longer locked',
    }));
  }
}
