// The store side of the Claude Code hooks (src/claude/hooks.ts loads it when an event needs the
// project's SQLite file): delivery tracking in hook_sessions; the texts are in texts.ts.
import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { resolveDbPath } from '../config.js';
import { FlagService } from '../flags/service.js';
import { loadSchema, openStore, type DB } from '../store/db.js';
import { isPostgresUrl } from '../store/postgres/url.js';
import type { HookEvent } from './events.js';
import type { HookOptions, HookOutput } from './hooks.js';
import { context, MAX_LISTED_FLAGS, newFlagsContext, type NewFlagRow, queueContext, workableSummary } from './texts.js';

export { MAX_CONTEXT_CHARS, quoteUntrusted } from './texts.js';

const HOOK_BUSY_TIMEOUT_MS = 2_000;
const PRUNE_AFTER_MS = 30 * 24 * 3600 * 1000;

/** The caller, as hooks.ts works it out: its handle, and whether it is a subagent (or a session run as an agent). */
export interface Caller {
  session: string;
  me: string;
  subagent: boolean;
}

/**
 * Opens the store for a hook: undefined when there is no database yet (nothing to tell; none is
 * created). A database of this version is opened as it is (no schema pass, no optimize); an older
 * one is upgraded once through openStore.
 */
export function openHookStore(path: string, options: { readonly?: boolean } = {}): DB | undefined {
  if (path !== ':memory:' && !statSync(path, { throwIfNoEntry: false })?.isFile()) return undefined;
  let db = new Database(path, { fileMustExist: true, readonly: options.readonly === true });
  try {
    db.pragma(`busy_timeout = ${HOOK_BUSY_TIMEOUT_MS}`);
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version < loadSchema().version && !options.readonly) {
      db.close();
      db = openStore(path);
      db.pragma(`busy_timeout = ${HOOK_BUSY_TIMEOUT_MS}`);
    }
    return db;
  } catch (err) {
    if (db.open) db.close();
    throw err;
  }
}

function hasTable(db: DB, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").pluck().get(name) === 1;
}

/** Delivery tracking: every flag up to the returned id has been told to this session and agent. */
export function seenThrough(db: DB, session: string, agent: string): number | undefined {
  return db.prepare('SELECT seen_through_id FROM hook_sessions WHERE session_id = ? AND agent = ?').pluck().get(session, agent) as number | undefined;
}

function markSeen(db: DB, session: string, agent: string, through: number, nowMs: number): void {
  db.prepare(`INSERT INTO hook_sessions (session_id, agent, seen_through_id, updated_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (session_id, agent) DO UPDATE SET seen_through_id = max(seen_through_id, excluded.seen_through_id), updated_at = excluded.updated_at`)
    .run(session, agent, through, new Date(nowMs).toISOString());
}

function pruneSessions(db: DB, nowMs: number): void {
  db.prepare('DELETE FROM hook_sessions WHERE updated_at < ?').run(new Date(nowMs - PRUNE_AFTER_MS).toISOString());
}

const maxFlagId = (db: DB): number => (db.prepare('SELECT max(id) FROM flags').pluck().get() as number | null) ?? 0;

/** The agent's real handle when the catalog knows it by an alias (no folder is read: the catalog table only). */
export function canonicalHandle(db: DB | undefined, handle: string): string {
  if (!db || !hasTable(db, 'agents_catalog')) return handle;
  try {
    const name = db.prepare(`SELECT name FROM agents_catalog WHERE status = 'active'
        AND (name = @h OR EXISTS (SELECT 1 FROM json_each(agents_catalog.aliases) WHERE value = @h))
      ORDER BY name = @h DESC, name LIMIT 1`).pluck().get({ h: handle }) as string | undefined;
    return name ?? handle;
  } catch {
    return handle; // an older catalog without aliases
  }
}

/**
 * The flags created after `after` (up to `through`) that concern this session: its queue, or every
 * queue for the main session; broadcasts it has acknowledged already are left out.
 */
function newFlags(db: DB, after: number, through: number, me: string, ownQueueOnly: boolean): { rows: NewFlagRow[]; total: number } {
  const acked = hasTable(db, 'flag_acks')
    ? 'AND NOT (target_agent IS NULL AND EXISTS (SELECT 1 FROM flag_acks a WHERE a.flag_id = flags.id AND a.agent = @me))' : '';
  const where = `id > @after AND id <= @through AND status = 'pending' AND source_agent <> @me
    ${ownQueueOnly ? 'AND (target_agent = @me OR target_agent IS NULL)' : ''} ${acked}`;
  const params = { after, through, me };
  const total = db.prepare(`SELECT count(*) FROM flags WHERE ${where}`).pluck().get(params) as number;
  const rows = total === 0 ? [] : db.prepare(`SELECT id, flag_type, impact_level, source_agent, target_agent, change_description, created_at
    FROM flags WHERE ${where} ORDER BY impact_rank, id LIMIT ${MAX_LISTED_FLAGS}`).all(params) as NewFlagRow[];
  return { rows, total };
}

async function withStore<T>(options: HookOptions, fn: (db: DB) => T | Promise<T>, readonly = false): Promise<T | null> {
  // hooks.ts sends a postgres:// store to shared-hooks.ts; this guard keeps a file so named from being made.
  if (isPostgresUrl(options.dbPath ?? (options.env ?? process.env).COORDINATOR_DB)) return null;
  const db = openHookStore(options.dbPath ?? resolveDbPath(undefined, options.env ?? process.env, options.cwd ?? process.cwd()), { readonly });
  if (!db) return null;
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}

/** What a session (or subagent) is told when it starts; the flags it covers are marked as seen. */
export async function startContext(event: HookEvent, caller: Caller, options: HookOptions): Promise<HookOutput> {
  const { session, me: given, subagent } = caller;
  const now = options.now ?? Date.now;
  return withStore(options, async (db) => {
    const me = subagent ? canonicalHandle(db, given) : given;
    const flags = new FlagService(db, { now });
    const through = maxFlagId(db);
    const text = subagent ? await queueContext(flags, me) : await workableSummary(flags, me);
    if (hasTable(db, 'hook_sessions')) {
      db.transaction(() => {
        markSeen(db, session, me, through, now());
        if (event === 'SessionStart') pruneSessions(db, now());
      }).immediate();
    }
    return context(event, text);
  });
}

export async function userPrompt(caller: Caller, options: HookOptions): Promise<HookOutput> {
  const { session, me: given, subagent } = caller;
  const now = options.now ?? Date.now;
  return withStore(options, async (db) => {
    if (!hasTable(db, 'hook_sessions')) return null;
    const me = subagent ? canonicalHandle(db, given) : given;
    // One IMMEDIATE transaction: read what this session has seen, what is new, and move the mark,
    // so that no flag is announced twice even if two hooks of one session overlap.
    const found = db.transaction(() => {
      const through = maxFlagId(db);
      const seen = seenThrough(db, session, me);
      markSeen(db, session, me, through, now());
      if (seen === undefined) return undefined;
      return newFlags(db, seen, through, me, subagent);
    }).immediate();
    if (found === undefined) {
      // The first prompt of a session whose start we did not see (hooks installed mid-session): the start's context.
      const flags = new FlagService(db, { now });
      return context('UserPromptSubmit', subagent ? await queueContext(flags, me) : await workableSummary(flags, me));
    }
    return context('UserPromptSubmit', newFlagsContext(found, me, subagent));
  });
}

/** Whether a claimed handle is the caller under another name (an alias the catalog table records); false when the catalog cannot be read. */
export async function sameAgent(options: HookOptions, claimed: string, me: string): Promise<boolean> {
  try {
    return await withStore(options, (db) => canonicalHandle(db, claimed) === canonicalHandle(db, me), true) ?? false;
  } catch {
    return false; // no alias is proven: the claim is refused
  }
}
