import type { FlagRow } from '../flags/store.js';

/**
 * The read-only queries of the board (`coordinator ui`), as its service needs them. The service
 * (src/board/service.ts) keeps the rules: which filters are valid, the cursor, the medians and the
 * markers; a store only runs SQL in its dialect. Adapters: src/store/sqlite/board.ts and
 * src/store/postgres/board.ts. Each method is one read; none of them writes.
 */

/** One target's pending work (null: broadcasts). */
export interface QueueHeadRow {
  target_agent: string | null;
  pending: number;
  /** Pending flags whose lease runs. */
  held: number;
  /** Pending flags whose lease ran out without a completion (still recorded as locked). */
  expired: number;
  top_rank: number | null;
  oldest: string | null;
}

export interface AckOfRow {
  flag_id: number;
  agent: string;
  at: string;
}

/** Search filters, validated by the service. */
export interface BoardFilter {
  /** The flag was sent to or by one of these handles. */
  agents?: string[];
  flagType?: string;
  impact?: string;
  status?: 'pending' | 'completed';
  /** Substring of change_description, action_required or notes, any case (plain text, no wildcards). */
  text?: string;
}

/** Where a page of search results starts: just after this flag in newest-first order. */
export interface BoardCursor {
  created_at: string;
  id: number;
}

export interface HourRow {
  /** The hour as "YYYY-MM-DDTHH" (UTC). */
  hour: string;
  count: number;
}

/** A directed flag created in the window, with its first lock and its completion. */
export interface TimingRow {
  id: number;
  target_agent: string;
  created_at: string;
  first_lock_at: string | null;
  first_lock_by: string | null;
  completed_at: string | null;
  completed_by: string | null;
}

/** A history entry of another agent's (or a person's) lease being taken over or broken. */
export interface LockEventRow {
  flag_id: number;
  action: string;
  agent: string;
  at: string;
  details: string | null;
}

export interface BoardStore {
  readonly dialect: 'sqlite' | 'postgres';
  queueHeads(now: string): Promise<QueueHeadRow[]>;
  /** The pending flags of one target (null: broadcasts), most urgent first, then oldest, then id. */
  queueFlags(target: string | null, limit: number): Promise<FlagRow[]>;
  acksOf(flagIds: number[]): Promise<AckOfRow[]>;
  createdPerHour(since: string): Promise<HourRow[]>;
  completedPerHour(since: string): Promise<HourRow[]>;
  timings(since: string, limit: number): Promise<TimingRow[]>;
  /** Pending flags whose lease ran out (locked_by still set), oldest expiry first. */
  expiredLocks(now: string, limit: number): Promise<FlagRow[]>;
  /** The recorded lock of one flag, even when its lease ran out (the flag service shows only running leases). */
  lockOf(id: number): Promise<{ locked_by: string | null; lock_expires_at: string | null } | undefined>;
  /** lock_taken_over and force_unlocked entries since a date, newest first. */
  lockEvents(since: string, limit: number): Promise<LockEventRow[]>;
  search(filter: BoardFilter, after: BoardCursor | undefined, limit: number): Promise<FlagRow[]>;
  /** How many flags match, counting no further than cap (a cap of n answers at most n). */
  count(filter: BoardFilter, cap: number): Promise<number>;
  /**
   * Calls fn (at most about every pollMs) when any server may have changed the store; returns the
   * stop. SQLite: PRAGMA data_version on a timer (one cheap read, no query of the flags);
   * PostgreSQL: the flag store's LISTEN/NOTIFY.
   */
  watch(fn: () => void, pollMs?: number): () => void;
}
