import type { CoordinatorError } from '../errors.js';
import type { FlagType, ImpactLevel } from './rules.js';

/**
 * The storage of the flags capability (flags, their history and the acknowledgements of
 * broadcasts), as the flag service needs it. The service keeps every rule (who may do what, the
 * refusals, the history it writes); a store only runs SQL in its dialect. Adapters:
 * src/store/sqlite/flags.ts (better-sqlite3, the embedded default) and src/store/postgres/flags.ts
 * (node-postgres, or PGlite in the tests).
 */

/** A flag as stored: JSON columns as text, dates as ISO 8601 UTC text with milliseconds. */
/** A LIKE pattern that finds `text` anywhere, its %, _ and \ taken literally (ESCAPE '\\'). */
export const containsPattern = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export interface FlagRow {
  id: number;
  chain_origin_id: number | null;
  flag_type: FlagType;
  source_agent: string;
  target_agent: string | null;
  change_description: string;
  action_required: string;
  impact_level: ImpactLevel;
  status: 'pending' | 'completed';
  related_files: string;
  code_location: string | null;
  example_usage: string | null;
  context: string | null;
  created_at: string;
  updated_at: string;
  locked_by: string | null;
  locked_at: string | null;
  lock_expires_at: string | null;
  completed_at: string | null;
  completed_by: string | null;
  notes: string | null;
}

export interface HistoryRow {
  id: number;
  flag_id: number;
  action: string;
  agent: string;
  at: string;
  details: string | null;
}

export interface AckRow {
  agent: string;
  at: string;
  notes: string | null;
}

export interface ChainLinkRow {
  id: number;
  chain_origin_id: number | null;
  depth: number;
  flag_type: FlagType;
  impact_level: ImpactLevel;
  status: 'pending' | 'completed';
  source_agent: string;
  target_agent: string | null;
  change_description: string;
}

/** One target's line of get_workable_flags (null: broadcasts). */
export interface WorkableRow {
  target_agent: string | null;
  workable: number;
  held: number;
  top_rank: number | null;
  oldest: string | null;
  next_expiry: string | null;
}

/** The columns a create writes (validated by the service; JSON already serialised). */
export interface NewFlagRow {
  chain_origin_id: number | null;
  flag_type: FlagType;
  source_agent: string;
  target_agent: string | null;
  change_description: string;
  action_required: string;
  impact_level: ImpactLevel;
  related_files: string;
  code_location: string | null;
  example_usage: string | null;
  context: string | null;
}

/** A history entry a write adds (at its time, by the service's decision; details JSON already serialised). */
export interface NewHistory {
  action: string;
  agent: string;
  details: string | null;
}

/** One page of an agent's queue and the counts of the whole queue, read together. */
export interface QueuePage {
  rows: FlagRow[];
  /** Every flag of the queue (held by others included). */
  total: number;
  /** Those held by another agent. */
  held: number;
}

/** The editable columns update_flag may change (JSON already serialised). */
export type EditableColumns = Partial<Omit<NewFlagRow, 'source_agent'>>;

/** list_flags filters, validated by the service. */
export interface ListFilter {
  status?: 'pending' | 'completed';
  broadcastOnly?: boolean;
  /** target_agent is one of these handles (an agent and its aliases). */
  targets?: string[];
  sources?: string[];
  flagType?: string;
  impact?: string;
  /** Only the chain below (and including) this root flag. */
  chainRoot?: number;
  /** Substring of change_description, action_required or notes (plain text, no wildcards). */
  text?: string;
  /** created_at >= since (ISO). */
  since?: string;
  /** Broadcasts acknowledged under any of these handles are left out. */
  unackedBy?: string[];
  limit: number;
  offset: number;
  maxChainDepth: number;
}

/**
 * Reads and writes inside one transaction. In a write transaction, flag() holds the flag's row
 * until the end (SQLite: the whole store is held by BEGIN IMMEDIATE; PostgreSQL: SELECT ... FOR
 * UPDATE), so the checks the service makes on it stay true until it commits.
 */
export interface FlagTx {
  flag(id: number): Promise<FlagRow | undefined>;
  /**
   * Inserts a flag and its first history entry (at now); returns the flag as stored (its id,
   * defaults and dates), or undefined when row.chain_origin_id names no flag (nothing is written).
   */
  insertFlag(row: NewFlagRow, now: string, history: NewHistory): Promise<FlagRow | undefined>;
  updateFlag(id: number, columns: EditableColumns, now: string): Promise<void>;
  /**
   * The lock as one compare-and-set: takes the lease when the flag is pending, not a broadcast,
   * and nobody but `handles` (the agent and its aliases) holds an unexpired lease; the history entry
   * is written with it (at now). False: it was not taken, and nothing was written.
   */
  lockFlag(id: number, agent: string, handles: string[], now: string, expires: string, history: NewHistory): Promise<boolean>;
  clearLock(id: number): Promise<void>;
  /**
   * Completes a pending flag (clearing its lock) with its history entry (at now); returns the flag
   * as completed, or undefined when it was not pending (nothing written).
   */
  completeFlag(id: number, agent: string, now: string, notes: string | null, history: NewHistory): Promise<FlagRow | undefined>;
  deleteFlag(id: number): Promise<void>;
  record(flagId: number, action: string, agent: string, at: string, details: string | null): Promise<void>;
  history(flagId: number): Promise<HistoryRow[]>;
  /** The acknowledgements of a broadcast, oldest first. */
  acks(flagId: number): Promise<AckRow[]>;
  /** The first acknowledgement of the broadcast by any of the handles. */
  ackOf(flagId: number, handles: string[]): Promise<AckRow | undefined>;
  addAck(flagId: number, agent: string, at: string, notes: string | null): Promise<void>;
  /** Ids of the flags chained directly to flagId, lowest first. */
  children(flagId: number, limit: number): Promise<number[]>;
  /** The top of the chain flagId is in (flagId itself when it has no origin); undefined when it does not exist. */
  chainRoot(flagId: number, maxDepth: number): Promise<number | undefined>;
  chain(root: number, maxDepth: number): Promise<ChainLinkRow[]>;
  /**
   * The queue of the agent of `handles`: pending flags sent to any of them and pending broadcasts
   * none of them acknowledged, by impact, then oldest, then id, at most `limit` of them (skipHeld leaves
   * out flags held by others), with the counts of the whole queue.
   */
  queue(handles: string[], now: string, limit: number, skipHeld: boolean): Promise<QueuePage>;
  list(filter: ListFilter): Promise<{ total: number; rows: FlagRow[] }>;
  /** Per target, pending flags nobody holds and those held; most urgent first. */
  workable(now: string): Promise<WorkableRow[]>;
  /** A value that changes whenever any connection wrote to the store; null: the store cannot tell (no caching). */
  changeMark(): Promise<string | null>;
}

/**
 * What a flag store tells about flags written by any server on it (PostgreSQL: LISTEN/NOTIFY).
 * action 'resumed' (flag_id 0, target_agent null): the store was cut off from the others' news and
 * is back, so any queue may have changed meanwhile.
 */
export interface FlagChange {
  flag_id: number;
  /** The flag's target (null: a broadcast, or every queue), as stored. */
  target_agent: string | null;
  action: string;
}

/**
 * single: fn sends at most one statement, which is then the whole transaction: PostgreSQL runs it
 * without BEGIN and COMMIT (one round trip instead of three) and refuses a second statement as the
 * bug it is; SQLite runs fn in its usual transaction. A refusal fn throws after that statement
 * rolls nothing back, so fn may only refuse what the statement left unwritten.
 */
export interface TxOptions {
  single?: boolean;
}

export interface FlagStore {
  readonly dialect: 'sqlite' | 'postgres';
  /** One write transaction; a refusal thrown inside rolls it back. Concurrent writers are serialised. */
  write<T>(fn: (tx: FlagTx) => Promise<T>, options?: TxOptions): Promise<T>;
  /** One consistent read. */
  read<T>(fn: (tx: FlagTx) => Promise<T>, options?: TxOptions): Promise<T>;
  /** The 'store' refusal for an error the database raised while writing, or undefined for any other. */
  storeFailure(err: unknown): CoordinatorError | undefined;
  /** Calls fn for every flag change committed by any server on the store; returns the unsubscribe. */
  onChange?(fn: (change: FlagChange) => void): () => void;
  close(): Promise<void>;
}
