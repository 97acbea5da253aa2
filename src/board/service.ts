import { CoordinatorError, invalid, quoted } from '../errors.js';
import { FLAG_TYPES, IMPACT_LEVELS, type ImpactLevel, normalizeHandle, parseFlagType, parseImpact } from '../flags/rules.js';
import type { Flag, FlagService, HistoryEntry } from '../flags/service.js';
import type { FlagRow } from '../flags/store.js';
import type { BoardCursor, BoardFilter, BoardStore, TimingRow } from './store.js';

/** How a handle stands in the agent catalog: known (active), or not there at all. */
export type AgentKnown = (handle: string) => boolean;

export const QUEUE_FLAGS = 12;
export const MAX_QUEUES = 40;
export const PAGE_SIZE = 50;
export const MAX_TEXT_FILTER = 200;
export const DEFAULT_DAYS = 3;
export const MAX_DAYS = 30;
/** Flags read for the medians of the activity page (the newest of the window). */
const MAX_TIMED = 50_000;
/** A search counts its matches up to this many, then says "10,000+" (counting every match on each page cost ~30-200 ms at 100,000 flags). */
export const COUNT_CAP = 10_000;

export interface BoardFlag extends Flag {
  age_seconds: number;
  /** Seconds the running lease has left; null when nobody holds it. */
  lock_left_seconds: number | null;
  /** The lease ran out without a completion (the holder is still recorded). */
  lock_expired: { holder: string; expired_at: string } | null;
  target_known: boolean | null;
  source_known: boolean;
}

export interface Queue {
  /** null: broadcasts. */
  agent: string | null;
  known: boolean | null;
  pending: number;
  held: number;
  expired: number;
  top_impact: ImpactLevel | null;
  oldest: string | null;
  flags: (BoardFlag & { acknowledged_by?: string[]; not_acknowledged?: string[] })[];
}

export interface SearchParams {
  agent?: string;
  type?: string;
  impact?: string;
  status?: string;
  q?: string;
  after?: string;
}

export interface Median {
  agent: string;
  known: boolean;
  locks: number;
  median_to_lock_seconds: number | null;
  completions: number;
  median_to_complete_seconds: number | null;
}

/** The middle value (the mean of the two middle ones for an even count); null for none. */
export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A search cursor as it travels in the URL: "<created_at>_<id>", opaque to people. */
export function encodeCursor(c: BoardCursor): string {
  return `${c.created_at}_${c.id}`;
}

export function decodeCursor(value: string): BoardCursor {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)_(\d{1,15})$/.exec(value);
  if (!m) throw invalid('after', 'cursor', `after ${quoted(value)} is not a page cursor; follow the "older" link of a result page, or leave it out for the newest`);
  return { created_at: m[1]!, id: Number(m[2]) };
}

/**
 * What the board shows, on any store: the queues, one flag, the activity and the search. Reads go
 * through the BoardStore, flags (with their history and chain) through the flag service, so a
 * flag reads the same here as through get_flag. The catalog says which handles are known agents.
 */
export class BoardService {
  constructor(
    readonly store: BoardStore,
    readonly flags: FlagService,
    private readonly known: AgentKnown = () => true,
    private readonly now: () => number = Date.now,
    /** The active agents of the catalog, for "who has not acknowledged" a broadcast. */
    private readonly catalogAgents: () => string[] = () => [],
  ) {}

  private boardFlag(flag: Flag, nowMs: number): BoardFlag {
    return {
      ...flag,
      age_seconds: Math.max(0, Math.round((nowMs - Date.parse(flag.created_at)) / 1000)),
      lock_left_seconds: flag.lock ? Math.max(0, Math.round((Date.parse(flag.lock.expires_at) - nowMs) / 1000)) : null,
      lock_expired: null,
      target_known: flag.target_agent === null ? null : this.known(flag.target_agent),
      source_known: this.known(flag.source_agent),
    };
  }

  /** A stored row as the board shows it (mapped by the flag service, as get_flag maps it). */
  fromRow(row: FlagRow, nowMs = this.now()): BoardFlag {
    const flag = this.flags.toFlag(row, new Date(nowMs).toISOString());
    const out = this.boardFlag(flag, nowMs);
    if (!flag.locked && row.status === 'pending' && row.locked_by !== null && row.lock_expires_at !== null) {
      out.lock_expired = { holder: row.locked_by, expired_at: row.lock_expires_at };
    }
    return out;
  }

  /** One column per target with pending flags (broadcasts first), then by urgency and size. */
  async queues(perQueue = QUEUE_FLAGS): Promise<{ queues: Queue[]; more_queues: number; total_pending: number }> {
    const nowMs = this.now();
    const now = new Date(nowMs).toISOString();
    const heads = (await this.store.queueHeads(now)).sort((a, b) => (a.target_agent === null ? -1 : b.target_agent === null ? 1 : 0)
      || (a.top_rank ?? 9) - (b.top_rank ?? 9) || b.pending - a.pending || (a.target_agent! < b.target_agent! ? -1 : 1));
    const shown = heads.slice(0, MAX_QUEUES);
    const queues: Queue[] = [];
    for (const head of shown) {
      const rows = await this.store.queueFlags(head.target_agent, perQueue);
      const flags: Queue['flags'] = rows.map((r) => this.fromRow(r, nowMs));
      if (head.target_agent === null && flags.length > 0) {
        const acks = await this.store.acksOf(flags.map((f) => f.id));
        const everyone = [...new Set([...this.catalogAgents(), ...heads.flatMap((h) => (h.target_agent === null ? [] : [h.target_agent]))])].sort();
        for (const f of flags) {
          f.acknowledged_by = acks.filter((a) => a.flag_id === f.id).map((a) => a.agent);
          f.not_acknowledged = everyone.filter((a) => a !== f.source_agent && !f.acknowledged_by!.includes(a));
        }
      }
      queues.push({
        agent: head.target_agent,
        known: head.target_agent === null ? null : this.known(head.target_agent),
        pending: head.pending, held: head.held, expired: head.expired,
        top_impact: head.top_rank === null ? null : IMPACT_LEVELS[head.top_rank]!,
        oldest: head.oldest, flags,
      });
    }
    return { queues, more_queues: heads.length - shown.length, total_pending: heads.reduce((n, h) => n + h.pending, 0) };
  }

  /**
   * One flag with its chain, history and acknowledgements; a withdrawn (deleted) flag as its
   * history's last copy of it, marked deleted.
   */
  async flag(idValue: unknown): Promise<{ flag: BoardFlag; chain: Awaited<ReturnType<FlagService['get']>>['chain']; history: HistoryEntry[]; acknowledged_by?: { agent: string; at: string; notes: string | null }[]; deleted: HistoryEntry | null }> {
    const nowMs = this.now();
    try {
      const got = await this.flags.get(idValue);
      const out = { ...got, flag: this.boardFlag(got.flag, nowMs), deleted: null };
      if (got.flag.status === 'pending' && !got.flag.locked) {
        const lock = await this.store.lockOf(got.flag.id);
        if (lock?.locked_by && lock.lock_expires_at) out.flag.lock_expired = { holder: lock.locked_by, expired_at: lock.lock_expires_at };
      }
      return out;
    } catch (err) {
      if (!(err instanceof CoordinatorError) || err.code !== 'not_found') throw err;
      const history = await this.flags.history(Number(idValue));
      const deleted = [...history].reverse().find((h) => h.action === 'deleted');
      const snapshot = deleted?.details?.flag as Flag | undefined;
      if (!deleted || !snapshot) throw err;
      return { flag: this.boardFlag(snapshot, nowMs), chain: [], history, deleted };
    }
  }

  /** The filters of a search page, each checked; a bad one is refused by name. */
  parseSearch(params: SearchParams): { filter: BoardFilter; after?: BoardCursor } {
    const filter: BoardFilter = {};
    const given = (v: string | undefined): v is string => v !== undefined && v.trim() !== '';
    if (given(params.agent)) filter.agents = [normalizeHandle(params.agent, 'agent')];
    if (given(params.type)) filter.flagType = parseFlagType(params.type.trim());
    if (given(params.impact)) filter.impact = parseImpact(params.impact.trim());
    if (given(params.status) && params.status !== 'all') {
      if (params.status !== 'pending' && params.status !== 'completed') throw invalid('status', 'enum', 'status must be pending, completed or all');
      filter.status = params.status;
    }
    if (given(params.q)) {
      if (params.q.length > MAX_TEXT_FILTER) throw invalid('q', 'length', `the text to search for is at most ${MAX_TEXT_FILTER} characters`);
      filter.text = params.q.trim();
    }
    return { filter, after: given(params.after) ? decodeCursor(params.after.trim()) : undefined };
  }

  /** One page of matching flags, newest first (keyset paging: each page costs the same, however deep). */
  async search(params: SearchParams, pageSize = PAGE_SIZE) {
    const { filter, after } = this.parseSearch(params);
    const nowMs = this.now();
    const [rows, counted] = await Promise.all([this.store.search(filter, after, pageSize + 1), this.store.count(filter, COUNT_CAP + 1)]);
    const page = rows.slice(0, pageSize).map((r) => this.fromRow(r, nowMs));
    const last = page[page.length - 1];
    return { total: Math.min(counted, COUNT_CAP), total_capped: counted > COUNT_CAP, flags: page, next: rows.length > pageSize && last ? encodeCursor(last) : null };
  }

  /** Created and completed per hour over the last days, the medians per agent, the expired and broken locks. */
  async activity(daysValue: unknown = DEFAULT_DAYS) {
    const days = daysValue === undefined || daysValue === '' ? DEFAULT_DAYS : Number(daysValue);
    if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) throw invalid('days', 'range', `days must be a whole number from 1 to ${MAX_DAYS}; got ${quoted(daysValue)}`);
    const nowMs = this.now();
    const now = new Date(nowMs).toISOString();
    const startMs = Math.floor(nowMs / 3_600_000) * 3_600_000 - (days * 24 - 1) * 3_600_000;
    const since = new Date(startMs).toISOString();
    const [created, completed, timings, expired, lockEvents] = await Promise.all([
      this.store.createdPerHour(since), this.store.completedPerHour(since), this.store.timings(since, MAX_TIMED),
      this.store.expiredLocks(now, 100), this.store.lockEvents(since, 100),
    ]);
    const byHour = (rows: { hour: string; count: number }[]) => new Map(rows.map((r) => [r.hour, r.count]));
    const c = byHour(created);
    const d = byHour(completed);
    const hours = Array.from({ length: days * 24 }, (_, i) => {
      const hour = new Date(startMs + i * 3_600_000).toISOString().slice(0, 13);
      return { hour, created: c.get(hour) ?? 0, completed: d.get(hour) ?? 0 };
    });
    return {
      days, since, hours, medians: this.medians(timings), timed_flags: timings.length, timings_truncated: timings.length >= MAX_TIMED,
      expired_locks: expired.map((r) => this.fromRow(r, nowMs)),
      lock_events: lockEvents.map((e) => ({ ...e, details: safeJson<Record<string, unknown> | null>(e.details ?? 'null', null) })),
    };
  }

  /** Per agent: the median seconds from a flag's creation to its first lock (by that agent) and to its completion (by that agent). */
  private medians(rows: TimingRow[]): Median[] {
    const toLock = new Map<string, number[]>();
    const toComplete = new Map<string, number[]>();
    const push = (m: Map<string, number[]>, agent: string, seconds: number) => {
      const list = m.get(agent) ?? [];
      list.push(seconds);
      m.set(agent, list);
    };
    for (const r of rows) {
      const created = Date.parse(r.created_at);
      if (r.first_lock_at && r.first_lock_by) push(toLock, r.first_lock_by, (Date.parse(r.first_lock_at) - created) / 1000);
      if (r.completed_at && r.completed_by) push(toComplete, r.completed_by, (Date.parse(r.completed_at) - created) / 1000);
    }
    const agents = [...new Set([...toLock.keys(), ...toComplete.keys()])].sort();
    return agents.map((agent) => ({
      agent, known: agent.startsWith('person:') || this.known(agent),
      locks: toLock.get(agent)?.length ?? 0, median_to_lock_seconds: median(toLock.get(agent) ?? []),
      completions: toComplete.get(agent)?.length ?? 0, median_to_complete_seconds: median(toComplete.get(agent) ?? []),
    }));
  }
}

function safeJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export { FLAG_TYPES, IMPACT_LEVELS };
