import type Database from 'better-sqlite3';
import type { AckOfRow, BoardCursor, BoardFilter, BoardStore, HourRow, LockEventRow, QueueHeadRow, TimingRow } from '../../board/store.js';
import { containsPattern, type FlagRow, type FlagStore } from '../../flags/store.js';
import type { DB } from '../db.js';
import { TEXT_MATCH } from './flags.js';


/** The board's reads on SQLite (the connection the flag store uses: reads never block writers in WAL). */
export class SqliteBoardStore implements BoardStore {
  readonly dialect = 'sqlite' as const;
  private readonly stmt;
  private readonly cache = new Map<string, Database.Statement>();

  constructor(private readonly db: DB, private readonly flags?: FlagStore) {
    this.stmt = {
      heads: db.prepare<{ now: string }, QueueHeadRow>(`SELECT target_agent, count(*) AS pending,
          coalesce(sum(lock_expires_at > @now), 0) AS held, coalesce(sum(lock_expires_at <= @now), 0) AS expired,
          min(impact_rank) AS top_rank, min(created_at) AS oldest
        FROM flags INDEXED BY flags_queue WHERE status = 'pending' GROUP BY target_agent`),
      queue: db.prepare<{ target: string; limit: number }, FlagRow>(`SELECT * FROM flags
        WHERE status = 'pending' AND target_agent = @target ORDER BY impact_rank, created_at, id LIMIT @limit`),
      broadcasts: db.prepare<{ limit: number }, FlagRow>(`SELECT * FROM flags
        WHERE status = 'pending' AND target_agent IS NULL ORDER BY impact_rank, created_at, id LIMIT @limit`),
      acks: db.prepare<[string], AckOfRow>(`SELECT flag_id, agent, at FROM flag_acks
        WHERE flag_id IN (SELECT value FROM json_each(?)) ORDER BY flag_id, at, agent`),
      created: db.prepare<[string], HourRow>(`SELECT substr(created_at, 1, 13) AS hour, count(*) AS count
        FROM flags WHERE created_at >= ? GROUP BY hour ORDER BY hour`),
      completed: db.prepare<[string], HourRow>(`SELECT substr(completed_at, 1, 13) AS hour, count(*) AS count
        FROM flags WHERE completed_at >= ? GROUP BY hour ORDER BY hour`),
      // The flags from flags_timing alone (no read of their wide rows); the first lease of each: one
      // probe a flag of flag_history_first_lock, which holds the lock entries only.
      timings: db.prepare<{ since: string; limit: number }, TimingRow>(`SELECT f.id, f.target_agent, f.created_at, f.completed_at, f.completed_by,
          l.at AS first_lock_at, l.agent AS first_lock_by
        FROM flags f INDEXED BY flags_timing LEFT JOIN flag_history l ON l.id = (SELECT h.id FROM flag_history h INDEXED BY flag_history_first_lock
          WHERE h.flag_id = f.id AND h.action IN ('locked', 'lock_taken_over') ORDER BY h.id LIMIT 1)
        WHERE f.created_at >= @since AND f.target_agent IS NOT NULL ORDER BY f.created_at DESC LIMIT @limit`),
      expired: db.prepare<{ now: string; limit: number }, FlagRow>(`SELECT * FROM flags INDEXED BY flags_lock_expiry
        WHERE status = 'pending' AND lock_expires_at IS NOT NULL AND lock_expires_at <= @now ORDER BY lock_expires_at, id LIMIT @limit`),
      lockEvents: db.prepare<{ since: string; limit: number }, LockEventRow>(`SELECT flag_id, action, agent, at, details FROM flag_history INDEXED BY flag_history_lock_events
        WHERE action IN ('lock_taken_over', 'force_unlocked') AND at >= @since ORDER BY id DESC LIMIT @limit`),
      lockOf: db.prepare<[number], { locked_by: string | null; lock_expires_at: string | null }>('SELECT locked_by, lock_expires_at FROM flags WHERE id = ?'),
      dataVersion: db.prepare<[], number>('PRAGMA data_version').pluck(),
    };
  }

  async queueHeads(now: string) {
    return this.stmt.heads.all({ now });
  }

  async queueFlags(target: string | null, limit: number) {
    return target === null ? this.stmt.broadcasts.all({ limit }) : this.stmt.queue.all({ target, limit });
  }

  async acksOf(flagIds: number[]) {
    return flagIds.length === 0 ? [] : this.stmt.acks.all(JSON.stringify(flagIds));
  }

  async createdPerHour(since: string) {
    return this.stmt.created.all(since);
  }

  async completedPerHour(since: string) {
    return this.stmt.completed.all(since);
  }

  async timings(since: string, limit: number) {
    return this.stmt.timings.all({ since, limit });
  }

  async expiredLocks(now: string, limit: number) {
    return this.stmt.expired.all({ now, limit });
  }

  async lockOf(id: number) {
    return this.stmt.lockOf.get(id);
  }

  async lockEvents(since: string, limit: number) {
    return this.stmt.lockEvents.all({ since, limit });
  }

  /** The conditions of a filter other than its agents (see branches). */
  private where(f: BoardFilter, params: Record<string, unknown>): string[] {
    const where: string[] = [];
    if (f.flagType !== undefined) { where.push('flag_type = @flag_type'); params.flag_type = f.flagType; }
    if (f.impact !== undefined) { where.push('impact_level = @impact'); params.impact = f.impact; }
    if (f.status !== undefined) { where.push('status = @status'); params.status = f.status; }
    if (f.text !== undefined) {
      where.push(TEXT_MATCH);
      params.text = containsPattern(f.text);
    }
    return where;
  }

  /**
   * The WHERE clauses whose union is the filter: one without agents; with agents, one on
   * target_agent and one on source_agent, each read from its own index (flags_target,
   * flags_source), since `target OR source` would scan every flag.
   */
  private branches(f: BoardFilter, params: Record<string, unknown>, extra: string[] = []): string[] {
    const rest = [...this.where(f, params), ...extra];
    const clause = (w: string[]) => (w.length ? `WHERE ${w.join(' AND ')}` : '');
    if (f.agents === undefined) return [clause(rest)];
    params.agents = JSON.stringify(f.agents);
    // INDEXED BY: with a status filter the planner would rather read every flag of that status.
    return [['target_agent', 'flags_target'], ['source_agent', 'flags_source']]
      .map(([c, index]) => `INDEXED BY ${index} ${clause([`${c} IN (SELECT value FROM json_each(@agents))`, ...rest])}`);
  }

  private prepared(sql: string): Database.Statement {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      if (this.cache.size < 200) this.cache.set(sql, s);
    }
    return s;
  }

  async search(f: BoardFilter, after: BoardCursor | undefined, limit: number) {
    const params: Record<string, unknown> = { limit };
    const extra: string[] = [];
    if (after) {
      extra.push('(created_at, id) < (@c_at, @c_id)');
      params.c_at = after.created_at;
      params.c_id = after.id;
    }
    const order = 'ORDER BY created_at DESC, id DESC LIMIT @limit';
    const parts = this.branches(f, params, extra);
    // Each branch's newest `limit` in index order; their union's newest `limit` is the page.
    const sql = parts.length === 1 ? `SELECT * FROM flags ${parts[0]} ${order}`
      : `${parts.map((w) => `SELECT * FROM (SELECT * FROM flags ${w} ${order})`).join(' UNION ')} ${order}`;
    return this.prepared(sql).all(params) as FlagRow[];
  }

  async count(f: BoardFilter, cap: number) {
    const params: Record<string, unknown> = { cap };
    const parts = this.branches(f, params).map((w) => `SELECT id FROM flags ${w}`);
    return this.prepared(`SELECT count(*) FROM (${parts.join(' UNION ')} LIMIT @cap)`).pluck().get(params) as number;
  }

  /**
   * data_version changes when another connection (another server, the CLI) commits; this
   * process's own writes are told by the flag store. One pragma read per tick, no query of the flags.
   */
  watch(fn: () => void, pollMs = 500) {
    let seen = this.stmt.dataVersion.get();
    const timer = setInterval(() => {
      let now: number | undefined;
      try {
        now = this.stmt.dataVersion.get();
      } catch {
        return; // closed or busy: try again on the next tick
      }
      if (now !== seen) {
        seen = now;
        fn();
      }
    }, pollMs);
    timer.unref();
    const own = this.flags?.onChange?.(() => fn());
    return () => {
      clearInterval(timer);
      own?.();
    };
  }
}
