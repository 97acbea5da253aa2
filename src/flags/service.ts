import Database from 'better-sqlite3';
import { currentVia } from '../auth/access.js';
import { CoordinatorError, invalid, quoted, refuseAll } from '../errors.js';
import type { DB } from '../store/db.js';
import { SqliteFlagStore } from '../store/sqlite/flags.js';
import {
  type FlagType, type ImpactLevel, IMPACT_LEVELS, MAX_SHORT_TEXT, MAX_TEXT, MIN_ACTION_REQUIRED,
  MIN_CHANGE_DESCRIPTION, checkImpactRules, normalizeHandle, optionalText, parseContext, parseFlagType, refuseNul,
  parseId, parseImpact, parseRelatedFiles, requireText,
} from './rules.js';
import type { EditableColumns, FlagRow, FlagStore, FlagTx, ListFilter, NewHistory, TxOptions, WorkableRow } from './store.js';

export type FlagStatus = 'pending' | 'completed';

export interface FlagLock {
  holder: string;
  locked_at: string;
  expires_at: string;
}

export interface Flag {
  id: number;
  chain_origin_id: number | null;
  flag_type: FlagType;
  source_agent: string;
  target_agent: string | null;
  change_description: string;
  action_required: string;
  impact_level: ImpactLevel;
  status: FlagStatus;
  related_files: string[];
  code_location: string | null;
  example_usage: string | null;
  context: Record<string, unknown> | null;
  created_at: string;
  updated_at: string;
  locked: boolean;
  lock: FlagLock | null;
  completed_at: string | null;
  completed_by: string | null;
  notes: string | null;
}

export interface HistoryEntry {
  id: number;
  flag_id: number;
  action: string;
  agent: string;
  at: string;
  details: Record<string, unknown> | null;
}

/** One agent's acknowledgement of a broadcast (version 6): its completion of it, for itself. */
export interface Acknowledgement {
  agent: string;
  at: string;
  notes: string | null;
}

export interface CompleteOptions {
  /** Broadcasts: complete it for every agent (its sender, or anyone with force), not only acknowledge it. */
  close_for_all?: boolean;
  /** With close_for_all: let an agent other than the sender close it (recorded in the history). */
  force?: boolean;
}

export interface ChainLink {
  id: number;
  chain_origin_id: number | null;
  depth: number;
  flag_type: FlagType;
  impact_level: ImpactLevel;
  status: FlagStatus;
  source_agent: string;
  target_agent: string | null;
  change_description: string;
}

/** The fields an agent writes; values are unchecked until the service has validated them. */
export interface FlagFields {
  flag_type?: unknown;
  target_agent?: unknown;
  change_description?: unknown;
  action_required?: unknown;
  impact_level?: unknown;
  related_files?: unknown;
  chain_origin_id?: unknown;
  code_location?: unknown;
  example_usage?: unknown;
  context?: unknown;
}

export interface CreateFlagInput extends FlagFields {
  source_agent: unknown;
}

export interface ListFlagsInput {
  status?: FlagStatus | 'all';
  target_agent?: string;
  broadcast_only?: boolean;
  source_agent?: string;
  flag_type?: string;
  impact_level?: string;
  chain_id?: number;
  text?: string;
  since?: string;
  /** Leave out the broadcasts this agent (under any of its handles) has acknowledged. */
  not_acknowledged_by?: string;
  limit?: number;
  offset?: number;
}

export interface Draft {
  flag_type: FlagType;
  target_agent: string | null;
  change_description: string;
  action_required: string;
  impact_level: ImpactLevel;
  related_files: string[];
  chain_origin_id: number | null;
  code_location: string | null;
  example_usage: string | null;
  context: Record<string, unknown> | null;
}

const EDITABLE = [
  'flag_type', 'target_agent', 'change_description', 'action_required', 'impact_level', 'related_files',
  'chain_origin_id', 'code_location', 'example_usage', 'context',
] as const;

export const DEFAULT_LEASE_SECONDS = 900;
export const MIN_LEASE_SECONDS = 10;
export const MAX_LEASE_SECONDS = 86_400;
export const MAX_NOTES = 10_000;
const MAX_CHAIN_DEPTH = 1000;
/** Strings a caller may mean as "everyone" (a client that sends null as text): refused, never taken as an agent named so. */
/** Runs checks, keeping each argument refusal (invalid_argument) instead of stopping at the first. */
function collector() {
  const problems: CoordinatorError[] = [];
  const take = <T>(check: () => T): T | undefined => {
    try {
      return check();
    } catch (err) {
      if (err instanceof CoordinatorError && err.code === 'invalid_argument') {
        problems.push(err);
        return undefined;
      }
      throw err;
    }
  };
  return { problems, take };
}

/** A given target_agent: a handle, or null ("", "*") for a broadcast; a broadcast word is refused. */
function parseTarget(value: unknown): string | null {
  // Only the bare word: "@all" is a handle (an agent may be named so, and stored flags keep theirs).
  if (typeof value === 'string' && value.length < 20 && BROADCAST_WORDS.has(value.trim().toLowerCase())) {
    throw invalid('target_agent', 'broadcast_word', `target_agent ${quoted(value)} is a word, not an agent: to broadcast to every agent pass null (JSON null, not the string) or "*"; to reach one agent, its handle such as "@backend.api"`);
  }
  return value === null || value === '' || value === '*' ? null : normalizeHandle(value, 'target_agent');
}

/** The refusal of a create_flag without target_agent: null is the broadcast, a JSON null and not a word. */
export const MISSING_TARGET =
  'target_agent is missing: give the handle of the agent who must act (e.g. "@backend.api"; search_agents finds it), or null (JSON null, not the string "null") to broadcast to every agent';

export const BROADCAST_WORDS = new Set(['null', 'none', 'nil', 'undefined', 'all', 'everyone', 'broadcast']);
export const DEFAULT_QUEUE_LIMIT = 20;
export const DEFAULT_LIST_LIMIT = 20;
export const DEFAULT_WORKABLE_LIMIT = 50;

/**
 * Which handles name the same agent (an agent and its aliases), as the agent catalog says. The
 * flags layer knows no catalog: it is given this. Stored rows keep the handle they were written
 * under, so a flag sent to, sent by or locked by an alias before the alias existed still belongs
 * to the agent it now names. Without a catalog, a handle names only itself.
 */
export interface AgentIdentity {
  /** The agent's own handle for one of its aliases; any other handle as it is. */
  canonical(handle: string): string;
  /** Every handle of the agent `handle` names: its own handle first, then its aliases. */
  handlesOf(handle: string): string[];
}

export const STRICT_IDENTITY: AgentIdentity = { canonical: (h) => h, handlesOf: (h) => [h] };

export interface FlagServiceOptions {
  /** Milliseconds since the epoch; tests move it to expire leases. */
  now?: () => number;
  /** Aliases: which stored handles name the acting agent (default: only the handle itself). */
  identity?: AgentIdentity;
}

export class FlagService {
  private readonly now: () => number;
  private readonly identity: AgentIdentity;
  readonly store: FlagStore;

  /** On a store, or on an open SQLite database (wrapped in its store). */
  constructor(store: FlagStore | DB, options: FlagServiceOptions = {}) {
    this.now = options.now ?? Date.now;
    this.identity = options.identity ?? STRICT_IDENTITY;
    this.store = store instanceof Database ? new SqliteFlagStore(store) : store;
  }

  private iso(ms = this.now()): string {
    return new Date(ms).toISOString();
  }

  /**
   * Every write of every tool: one short transaction of the store. A refusal thrown inside rolls
   * everything back. When the database itself fails the write (the disk is full, an I/O error, a
   * lock never granted, a read-only or damaged store, a lost connection), the caller gets one
   * 'store' refusal that says nothing was stored, whichever tool wrote.
   */
  private async write<T>(fn: (tx: FlagTx) => Promise<T>, options?: TxOptions): Promise<T> {
    try {
      return await this.store.write(fn, options);
    } catch (err) {
      throw this.store.storeFailure(err) ?? err;
    }
  }

  private async read<T>(fn: (tx: FlagTx) => Promise<T>, options?: TxOptions): Promise<T> {
    try {
      return await this.store.read(fn, options);
    } catch (err) {
      throw this.store.storeFailure(err) ?? err;
    }
  }

  private record(tx: FlagTx, flagId: number, action: string, agent: string, at: string, details?: Record<string, unknown>): Promise<void> {
    const entry = this.entry(action, agent, details);
    return tx.record(flagId, entry.action, entry.agent, at, entry.details);
  }

  /** A history entry as the store writes it: the details with the call's token (over HTTP), as JSON. */
  private entry(action: string, agent: string, details?: Record<string, unknown>): NewHistory {
    const all = this.withVia(details);
    return { action, agent, details: all ? JSON.stringify(all) : null };
  }

  /** A history entry's details with, over HTTP, the token the call came with ("admin token 1a2b... as @x"). */
  private withVia<T extends Record<string, unknown> | undefined>(details: T): T | (T & { via: string }) {
    const via = currentVia();
    return via === undefined ? details : { ...details, via } as T & { via: string };
  }

  /** A stored row as tools (and the board) show it: the lock only while its lease runs. */
  toFlag(row: FlagRow, nowIso = this.iso()): Flag {
    const held = row.locked_by !== null && row.lock_expires_at !== null && row.lock_expires_at > nowIso;
    return {
      id: row.id,
      chain_origin_id: row.chain_origin_id,
      flag_type: row.flag_type,
      source_agent: row.source_agent,
      target_agent: row.target_agent,
      change_description: row.change_description,
      action_required: row.action_required,
      impact_level: row.impact_level,
      status: row.status,
      related_files: JSON.parse(row.related_files) as string[],
      code_location: row.code_location,
      example_usage: row.example_usage,
      context: row.context === null ? null : (JSON.parse(row.context) as Record<string, unknown>),
      created_at: row.created_at,
      updated_at: row.updated_at,
      locked: held,
      lock: held ? { holder: row.locked_by!, locked_at: row.locked_at!, expires_at: row.lock_expires_at! } : null,
      completed_at: row.completed_at,
      completed_by: row.completed_by,
      notes: row.notes,
    };
  }

  private async row(tx: FlagTx, id: number): Promise<FlagRow> {
    const row = await tx.flag(id);
    if (!row) {
      throw new CoordinatorError('not_found', `flag #${id} does not exist; list_flags shows the flags there are`, { field: 'id', rule: 'exists' });
    }
    return row;
  }

  /** Whether a stored handle (source, lock holder) and the acting one name the same agent: equal, or one an alias of the other. */
  sameAgent(stored: string, acting: string): boolean {
    return stored === acting || this.identity.canonical(stored) === this.identity.canonical(acting);
  }

  private heldByOther(row: FlagRow, agent: string, nowIso: string): boolean {
    return row.locked_by !== null && !this.sameAgent(row.locked_by, agent) && row.lock_expires_at !== null && row.lock_expires_at > nowIso;
  }

  private heldError(row: FlagRow, what: string, nowIso: string): CoordinatorError {
    const secondsLeft = Math.ceil((Date.parse(row.lock_expires_at!) - Date.parse(nowIso)) / 1000);
    return new CoordinatorError(
      'conflict',
      `flag #${row.id} is locked by ${row.locked_by} until ${row.lock_expires_at} (${secondsLeft}s left), so you cannot ${what}; work on another flag, wait for the lease to expire, or ask ${row.locked_by} to unlock it`,
      { field: 'id', rule: 'locked_by_other', holder: row.locked_by, expires_at: row.lock_expires_at },
    );
  }

  private async checkOrigin(tx: FlagTx, originId: number | null, selfId?: number): Promise<void> {
    if (originId === null) return;
    if (!(await tx.flag(originId))) throw originMissing(originId);
    if (selfId !== undefined) {
      const ancestors = new Set<number>();
      for (let id: number | null = originId; id !== null && !ancestors.has(id); id = (await tx.flag(id))?.chain_origin_id ?? null) {
        ancestors.add(id);
      }
      if (ancestors.has(selfId)) {
        throw invalid('chain_origin_id', 'no_cycle', `chain_origin_id ${originId} would make flag #${selfId} its own ancestor; chains must not loop`);
      }
    }
  }

  /**
   * The draft of a flag, or every problem of its fields at once (a refusal lists them all, so that
   * a caller fixes them in one retry). Throws only what is no argument problem.
   */
  private collectDraft(fields: FlagFields, targetGiven: boolean): { draft?: Draft; problems: CoordinatorError[] } {
    const { problems, take } = collector();
    if (!targetGiven) {
      problems.push(invalid('target_agent', 'required', MISSING_TARGET));
    }
    const flag_type = take(() => parseFlagType(fields.flag_type));
    const target_agent = !targetGiven ? undefined : take(() => parseTarget(fields.target_agent));
    const change_description = take(() => requireText(fields.change_description, 'change_description', MIN_CHANGE_DESCRIPTION));
    const action_required = take(() => requireText(fields.action_required, 'action_required', MIN_ACTION_REQUIRED));
    const impact_level = take(() => (fields.impact_level === undefined || fields.impact_level === null ? 'medium' as const : parseImpact(fields.impact_level)));
    if (flag_type !== undefined && impact_level !== undefined && target_agent !== undefined) {
      take(() => checkImpactRules(flag_type, impact_level, target_agent));
    }
    const related_files = take(() => parseRelatedFiles(fields.related_files));
    const chain_origin_id = take(() => (fields.chain_origin_id === undefined || fields.chain_origin_id === null || fields.chain_origin_id === ''
      ? null : parseId(fields.chain_origin_id, 'chain_origin_id')));
    const code_location = take(() => optionalText(fields.code_location, 'code_location', MAX_SHORT_TEXT));
    const example_usage = take(() => optionalText(fields.example_usage, 'example_usage', MAX_TEXT));
    const context = take(() => parseContext(fields.context));
    if (problems.length > 0) return { problems };
    return {
      problems,
      draft: {
        flag_type: flag_type!,
        target_agent: target_agent!,
        change_description: change_description!,
        action_required: action_required!,
        impact_level: impact_level!,
        related_files: related_files!,
        chain_origin_id: chain_origin_id!,
        code_location: code_location!,
        example_usage: example_usage!,
        context: context!,
      },
    };
  }

  private buildDraft(fields: FlagFields, targetGiven: boolean): Draft {
    const { draft, problems } = this.collectDraft(fields, targetGiven);
    if (!draft) throw refuseAll(problems);
    return draft;
  }

  /** Every problem of create_flag's arguments that needs no database (none: an empty list). */
  createProblems(input: Record<string, unknown>): CoordinatorError[] {
    const { problems, take } = collector();
    take(() => normalizeHandle(input.source_agent, 'source_agent'));
    return [...problems, ...this.collectDraft(input, 'target_agent' in input && input.target_agent !== undefined).problems];
  }

  /**
   * Every problem of update_flag's arguments that needs neither the database nor the stored flag:
   * the agent's handle and each field given on its own (the rules that tie fields together are
   * checked on the result, by update).
   */
  updateProblems(input: Record<string, unknown>): CoordinatorError[] {
    const { problems, take } = collector();
    const given = (k: string) => input[k] !== undefined;
    take(() => normalizeHandle(input.agent, 'agent'));
    if (given('target_agent')) take(() => parseTarget(input.target_agent));
    if (given('flag_type')) take(() => parseFlagType(input.flag_type));
    if (given('change_description')) take(() => requireText(input.change_description, 'change_description', MIN_CHANGE_DESCRIPTION));
    if (given('action_required')) take(() => requireText(input.action_required, 'action_required', MIN_ACTION_REQUIRED));
    if (given('impact_level') && input.impact_level !== null) take(() => parseImpact(input.impact_level));
    if (given('related_files')) take(() => parseRelatedFiles(input.related_files));
    if (given('chain_origin_id') && input.chain_origin_id !== null && input.chain_origin_id !== '') take(() => parseId(input.chain_origin_id, 'chain_origin_id'));
    if (given('code_location')) take(() => optionalText(input.code_location, 'code_location', MAX_SHORT_TEXT));
    if (given('example_usage')) take(() => optionalText(input.example_usage, 'example_usage', MAX_TEXT));
    if (given('context')) take(() => parseContext(input.context));
    return problems;
  }

  private draftParams(d: Draft) {
    return {
      ...d,
      related_files: JSON.stringify(d.related_files),
      context: d.context === null ? null : JSON.stringify(d.context),
    };
  }

  /** Creates a flag: the checks that need no database first, then one write transaction. */
  async create(input: CreateFlagInput): Promise<Flag> {
    // Every problem at once: the source's handle and each field of the draft.
    const { problems, take } = collector();
    const source = take(() => normalizeHandle(input.source_agent, 'source_agent'));
    const { draft, problems: fieldProblems } = this.collectDraft(input, 'target_agent' in input && input.target_agent !== undefined);
    if (source === undefined || !draft) throw refuseAll([...problems, ...fieldProblems]);
    // One statement on PostgreSQL: the flag, its history entry and the check of its chain origin.
    return this.write(async (tx) => {
      const now = this.iso();
      const row = await tx.insertFlag({ ...this.draftParams(draft), source_agent: source }, now,
        this.entry('created', source, { target_agent: draft.target_agent, impact_level: draft.impact_level }));
      if (!row) throw originMissing(draft.chain_origin_id!);
      return this.toFlag(row, now);
    }, { single: true });
  }

  /**
   * One flag, its chain and history; for a broadcast also acknowledged_by, the agents that have
   * acknowledged it (completed it for themselves), oldest first.
   */
  async get(idValue: unknown): Promise<{ flag: Flag; chain: ChainLink[]; history: HistoryEntry[]; acknowledged_by?: Acknowledgement[] }> {
    const id = parseId(idValue, 'id');
    return this.read(async (tx) => {
      const flag = this.toFlag(await this.row(tx, id));
      const lone = flag.chain_origin_id === null && (await tx.children(id, 1)).length === 0;
      const chain = lone ? [] : await tx.chain((await tx.chainRoot(id, MAX_CHAIN_DEPTH))!, MAX_CHAIN_DEPTH);
      const out = { flag, chain, history: this.historyEntries(await tx.history(id)) };
      return flag.target_agent === null ? { ...out, acknowledged_by: await tx.acks(id) } : out;
    });
  }

  async history(flagId: number): Promise<HistoryEntry[]> {
    return this.read(async (tx) => this.historyEntries(await tx.history(flagId)));
  }

  private historyEntries(rows: { id: number; flag_id: number; action: string; agent: string; at: string; details: string | null }[]): HistoryEntry[] {
    return rows.map((h) => ({ ...h, details: h.details === null ? null : (JSON.parse(h.details) as Record<string, unknown>) }));
  }

  /** The handles of the agent `agent` names (it, its real handle, their aliases), each once; never empty. */
  private handlesOf(agent: string): string[] {
    return [...new Set([agent, ...this.identity.handlesOf(agent)])];
  }

  /**
   * The queue of one agent: its pending flags (sent to its handle or any of its aliases) and the
   * pending broadcasts it has not acknowledged, most urgent first, then oldest.
   */
  async agentQueue(agentValue: unknown, options: { exclude_locked_by_others?: boolean; limit?: number } = {}) {
    const agent = normalizeHandle(agentValue, 'agent');
    const limit = clampLimit(options.limit, DEFAULT_QUEUE_LIMIT, 500);
    const now = this.iso();
    const handles = this.handlesOf(agent);
    const { rows, ...counts } = await this.read((tx) => tx.queue(handles, now, limit, options.exclude_locked_by_others ?? false), { single: true });
    const flags = rows.map((r) => this.toFlag(r, now));
    const total = options.exclude_locked_by_others ? counts.total - counts.held : counts.total;
    return { agent, total_pending: total, held_by_others: counts.held, returned: flags.length, truncated: total > flags.length, flags };
  }

  async list(input: ListFlagsInput = {}) {
    const filter: Omit<ListFilter, 'limit' | 'offset' | 'maxChainDepth'> = {};
    const status = input.status ?? 'pending';
    if (status !== 'all') {
      if (status !== 'pending' && status !== 'completed') throw invalid('status', 'enum', 'status must be pending, completed or all');
      filter.status = status;
    }
    if (input.broadcast_only) filter.broadcastOnly = true;
    // An agent with aliases matches the flags stored under any of its handles.
    if (input.target_agent !== undefined) filter.targets = this.handlesOf(normalizeHandle(input.target_agent, 'target_agent'));
    if (input.source_agent !== undefined) filter.sources = this.handlesOf(normalizeHandle(input.source_agent, 'source_agent'));
    if (input.not_acknowledged_by !== undefined) filter.unackedBy = this.handlesOf(normalizeHandle(input.not_acknowledged_by, 'not_acknowledged_by'));
    if (input.flag_type !== undefined) filter.flagType = parseFlagType(input.flag_type);
    if (input.impact_level !== undefined) filter.impact = parseImpact(input.impact_level);
    const chainId = input.chain_id !== undefined ? parseId(input.chain_id, 'chain_id') : undefined;
    if (input.text !== undefined && input.text.trim() !== '') {
      refuseNul(input.text, 'text');
      filter.text = input.text.trim();
    }
    if (input.since !== undefined) {
      const t = Date.parse(input.since);
      if (Number.isNaN(t)) throw invalid('since', 'iso_date', `since ${quoted(input.since)} is not a date; use ISO 8601 such as 2026-11-27T09:00:00Z`);
      filter.since = new Date(t).toISOString();
    }
    const limit = clampLimit(input.limit, DEFAULT_LIST_LIMIT, 500);
    const offset = input.offset ?? 0;
    if (!Number.isSafeInteger(offset) || offset < 0) throw invalid('offset', 'non_negative_integer', 'offset must be a whole number >= 0');
    const now = this.iso();
    const { total, rows } = await this.read(async (tx) => {
      if (chainId !== undefined) {
        const root = await tx.chainRoot(chainId, MAX_CHAIN_DEPTH);
        if (root === undefined) throw new CoordinatorError('not_found', `chain_id ${chainId} is not an existing flag`, { field: 'chain_id', rule: 'exists' });
        filter.chainRoot = root;
      }
      return tx.list({ ...filter, limit, offset, maxChainDepth: MAX_CHAIN_DEPTH });
    });
    return { total, offset, returned: rows.length, has_more: offset + rows.length < total, flags: rows.map((r) => this.toFlag(r, now)) };
  }

  private workableCache: { mark: string; at: string; validUntil: string | null; rows: WorkableRow[] } | undefined;

  private workableRows(now: string): Promise<WorkableRow[]> {
    // One statement on PostgreSQL (no change mark there); SQLite reads its change mark first.
    return this.read(async (tx) => {
      const mark = await tx.changeMark();
      const cached = this.workableCache;
      if (mark !== null && cached && cached.mark === mark && now >= cached.at && (cached.validUntil === null || now < cached.validUntil)) {
        return cached.rows;
      }
      const rows = await tx.workable(now);
      let validUntil: string | null = null;
      for (const r of rows) if (r.next_expiry !== null && (validUntil === null || r.next_expiry < validUntil)) validUntil = r.next_expiry;
      this.workableCache = mark !== null ? { mark, at: now, validUntil, rows } : undefined;
      return rows;
    }, { single: true });
  }

  /** The summary with the flags sent to an alias counted in the queue of the agent it names (the rows themselves are cached as read). */
  private mergeAliases(rows: WorkableRow[]): WorkableRow[] {
    const merged = new Map<string | null, WorkableRow>();
    let changed = false;
    for (const row of rows) {
      const target = row.target_agent === null ? null : this.identity.canonical(row.target_agent);
      const seen = merged.get(target);
      if (target !== row.target_agent || seen) changed = true;
      if (!seen) {
        merged.set(target, { ...row, target_agent: target });
        continue;
      }
      seen.workable += row.workable;
      seen.held += row.held;
      seen.top_rank = minOf(seen.top_rank, row.top_rank);
      seen.oldest = minOf(seen.oldest, row.oldest);
      seen.next_expiry = minOf(seen.next_expiry, row.next_expiry);
    }
    return changed ? [...merged.values()].sort(byUrgency) : rows;
  }

  async update(idValue: unknown, agentValue: unknown, changes: FlagFields) {
    const id = parseId(idValue, 'id');
    const agent = normalizeHandle(agentValue, 'agent');
    const given = EDITABLE.filter((k) => changes[k] !== undefined);
    if (given.length === 0) {
      throw invalid('changes', 'non_empty', `give at least one field to change: ${EDITABLE.join(', ')}`);
    }
    return this.write(async (tx) => {
      const now = this.iso();
      const row = await this.row(tx, id);
      if (!this.sameAgent(row.source_agent, agent)) {
        throw new CoordinatorError('forbidden', `only the source agent ${row.source_agent} may edit flag #${id}; create a new flag chained to it instead (chain_origin_id: ${id})`, {
          field: 'agent', rule: 'source_only',
        });
      }
      if (row.status !== 'pending') {
        throw new CoordinatorError('conflict', `flag #${id} is completed and can no longer be edited; create a new flag chained to it (chain_origin_id: ${id})`, {
          field: 'id', rule: 'pending_only',
        });
      }
      if (this.heldByOther(row, agent, now)) throw this.heldError(row, 'edit it', now);
      const before = this.toFlag(row, now);
      const merged: FlagFields = {};
      for (const k of EDITABLE) merged[k] = changes[k] !== undefined ? changes[k] : before[k];
      const draft = this.buildDraft(merged, true);
      await this.checkOrigin(tx, draft.chain_origin_id, id);
      const diff: Record<string, { from: unknown; to: unknown }> = {};
      for (const k of EDITABLE) {
        if (JSON.stringify(before[k]) !== JSON.stringify(draft[k])) diff[k] = { from: before[k], to: draft[k] };
      }
      if (Object.keys(diff).length === 0) return { flag: before, changed: [] as string[] };
      const params = this.draftParams(draft);
      const columns: EditableColumns = Object.fromEntries(Object.keys(diff).map((k) => [k, params[k as keyof typeof params]]));
      await tx.updateFlag(id, columns, now);
      await this.record(tx, id, 'updated', agent, now, diff);
      // Broadcasts are not locked: a flag made a broadcast loses the lease its sender held on it.
      if (draft.target_agent === null && row.locked_by !== null) {
        await tx.clearLock(id);
        if (row.lock_expires_at! > now) await this.record(tx, id, 'unlocked', agent, now, { reason: 'made a broadcast: broadcasts are not locked' });
      }
      return { flag: this.toFlag(await this.row(tx, id), now), changed: Object.keys(diff) };
    });
  }

  async delete(idValue: unknown, agentValue: unknown) {
    const id = parseId(idValue, 'id');
    const agent = normalizeHandle(agentValue, 'agent');
    return this.write(async (tx) => {
      const now = this.iso();
      const row = await this.row(tx, id);
      if (!this.sameAgent(row.source_agent, agent)) {
        throw new CoordinatorError('forbidden', `only the source agent ${row.source_agent} may withdraw flag #${id}; if it does not apply to you, complete it with a note instead`, {
          field: 'agent', rule: 'source_only',
        });
      }
      refuseCompleted(row);
      if (this.heldByOther(row, agent, now)) throw this.heldError(row, 'withdraw it', now);
      const snapshot = await this.withdraw(tx, row, agent, now, 'complete it with a note instead of deleting it');
      return { deleted: true as const, flag_id: id, flag: snapshot };
    });
  }

  async lock(idValue: unknown, agentValue: unknown, leaseValue: unknown = DEFAULT_LEASE_SECONDS) {
    const id = parseId(idValue, 'id');
    const agent = normalizeHandle(agentValue, 'agent');
    const lease = leaseValue === undefined || leaseValue === null ? DEFAULT_LEASE_SECONDS : leaseValue;
    if (typeof lease !== 'number' || !Number.isInteger(lease) || lease < MIN_LEASE_SECONDS || lease > MAX_LEASE_SECONDS) {
      throw invalid('lease_seconds', 'range', `lease_seconds must be a whole number from ${MIN_LEASE_SECONDS} to ${MAX_LEASE_SECONDS} (default ${DEFAULT_LEASE_SECONDS}); got ${quoted(leaseValue)}`);
    }
    return this.write(async (tx) => {
      const nowMs = this.now();
      const now = this.iso(nowMs);
      const expires = this.iso(nowMs + lease * 1000);
      const before = await this.row(tx, id);
      if (before.status !== 'pending') {
        throw new CoordinatorError('conflict', `flag #${id} is completed (by ${before.completed_by} at ${before.completed_at}); there is nothing left to lock`, {
          field: 'id', rule: 'pending_only',
        });
      }
      if (before.target_agent === null) {
        throw new CoordinatorError('conflict', `flag #${id} is a broadcast: each agent acknowledges it for itself with complete_flag, `
          + 'so there is nothing to lock and no other agent\'s work on it blocks yours; complete_flag with your notes when you have handled it', {
          field: 'id', rule: 'broadcast_not_locked',
        });
      }
      if (this.heldByOther(before, agent, now)) throw this.heldError(before, 'lock it', now);
      const previous = before.locked_by;
      const mine = previous !== null && this.sameAgent(previous, agent);
      const action: 'locked' | 'renewed' | 'lock_taken_over' = mine && before.lock_expires_at! > now
        ? 'renewed'
        : previous !== null && !mine ? 'lock_taken_over' : 'locked';
      const entry = this.entry(action, agent, {
        lease_seconds: lease, expires_at: expires,
        ...(action === 'lock_taken_over' ? { previous_holder: previous, previous_expired_at: before.lock_expires_at } : {}),
      });
      // The lease itself is one compare-and-set (with its history entry): it is taken only if nobody else holds the flag.
      const handles = mine ? [...this.handlesOf(agent), previous] : this.handlesOf(agent);
      if (!(await tx.lockFlag(id, agent, handles, now, expires, entry))) {
        const fresh = await this.row(tx, id);
        throw fresh.status !== 'pending' || !this.heldByOther(fresh, agent, now)
          ? new CoordinatorError('conflict', `flag #${id} changed while you locked it; read it again with get_flag`, { field: 'id', rule: 'changed' })
          : this.heldError(fresh, 'lock it', now);
      }
      return { success: true as const, flag_id: id, locked: true as const, action, lock: { holder: agent, locked_at: now, expires_at: expires } };
    });
  }

  async unlock(idValue: unknown, agentValue: unknown, force = false) {
    const id = parseId(idValue, 'id');
    const agent = normalizeHandle(agentValue, 'agent');
    return this.write(async (tx) => {
      const now = this.iso();
      const row = await this.row(tx, id);
      const held = row.locked_by !== null && row.lock_expires_at! > now;
      if (!held) {
        if (row.locked_by !== null) await tx.clearLock(id);
        return { success: true as const, flag_id: id, locked: false as const, was_locked: false, message: `flag #${id} was not locked` };
      }
      const forced = !this.sameAgent(row.locked_by!, agent);
      if (forced && !force) {
        throw new CoordinatorError('forbidden', `flag #${id} is locked by ${row.locked_by} until ${row.lock_expires_at}; only the holder may unlock it (pass force: true to break the lock; it is recorded)`, {
          field: 'agent', rule: 'holder_only', holder: row.locked_by, expires_at: row.lock_expires_at,
        });
      }
      await tx.clearLock(id);
      await this.record(tx, id, forced ? 'force_unlocked' : 'unlocked', agent, now, forced ? { previous_holder: row.locked_by, lease_expires_at: row.lock_expires_at } : undefined);
      return { success: true as const, flag_id: id, locked: false as const, was_locked: true, forced, previous_holder: row.locked_by };
    });
  }

  /**
   * Completes a flag. A broadcast is acknowledged instead, for the calling agent alone (it leaves
   * that agent's queue and stays pending for the others; once closed, the acknowledgement is still
   * recorded), unless close_for_all: its sender, or any agent with force, then completes it for
   * everyone.
   */
  async complete(idValue: unknown, agentValue: unknown, notesValue?: unknown, options: CompleteOptions = {}) {
    const id = parseId(idValue, 'id');
    const agent = normalizeHandle(agentValue, 'agent');
    const notes = optionalText(notesValue, 'notes', MAX_NOTES);
    if (options.force && !options.close_for_all) {
      throw invalid('force', 'with_close_for_all', 'force only goes with close_for_all: true (closing a broadcast you did not send for every agent)');
    }
    return this.write(async (tx) => {
      const now = this.iso();
      const row = await this.row(tx, id);
      const broadcast = row.target_agent === null;
      if (broadcast && !options.close_for_all) {
        const mine = await tx.ackOf(id, this.handlesOf(agent));
        if (mine) {
          // The same acknowledgement again is answered with the first; other notes are refused.
          if (notes !== null && notes !== mine.notes) {
            throw new CoordinatorError('conflict', `you (${mine.agent}) already acknowledged broadcast #${id} at ${mine.at} `
              + `${mine.notes === null ? 'without notes' : 'with other notes'}; yours were not stored. To tell its sender more, `
              + `create a flag for them with chain_origin_id ${id}`, {
              field: 'notes', rule: 'already_acknowledged', acknowledged_by: mine.agent, acknowledged_at: mine.at,
            });
          }
          return this.completion(tx, row, now, { already_acknowledged: true, acknowledged_at: mine.at, notes: mine.notes });
        }
        // Acknowledged for this agent alone, even once its sender has closed it for everyone: an
        // agent racing the close keeps its notes.
        await tx.addAck(id, agent, now, notes);
        await this.record(tx, id, 'acknowledged', agent, now, notes === null ? undefined : { notes });
        return this.completion(tx, row, now, { already_acknowledged: false, acknowledged_at: now, notes });
      }
      if (row.status === 'completed') {
        // The same call again (an answer that got lost) is answered with the completion; other
        // notes would be dropped without a word, so they are refused.
        if (notes !== null && notes !== row.notes) {
          throw new CoordinatorError('conflict', `flag #${id} was already completed by ${row.completed_by} at ${row.completed_at} `
            + `${row.notes === null ? 'without notes' : 'with other notes'}; yours were not stored. A completed flag keeps its first notes: `
            + `to tell its sender more, create a flag for them with chain_origin_id ${id}`, {
            field: 'notes', rule: 'already_completed', completed_by: row.completed_by, completed_at: row.completed_at,
          });
        }
        return { success: true as const, flag_id: id, already_completed: true, completed_by: row.completed_by, completed_at: row.completed_at, notes: row.notes, flag: this.toFlag(row, now) };
      }
      let forced = false;
      if (broadcast) {
        forced = !this.sameAgent(row.source_agent, agent);
        if (forced && !options.force) {
          throw new CoordinatorError('forbidden', `only its sender ${row.source_agent} may close broadcast #${id} for every agent (pass force: true to close it anyway; it is recorded); `
            + 'leave out close_for_all to acknowledge it for yourself', { field: 'agent', rule: 'source_only' });
        }
      } else if (this.heldByOther(row, agent, now)) {
        throw this.heldError(row, 'complete it', now);
      }
      const details: Record<string, unknown> = { ...(notes === null ? {} : { notes }) };
      if (broadcast) {
        details.closed_for_all = true;
        details.acknowledged = (await tx.acks(id)).length;
        if (forced) details.forced = true;
      }
      // The row is held since it was read: it is still pending, so the completion is written.
      const done = await tx.completeFlag(id, agent, now, notes, this.entry('completed', agent, Object.keys(details).length ? details : undefined));
      if (!done) throw new CoordinatorError('conflict', `flag #${id} changed while you completed it; read it again with get_flag`, { field: 'id', rule: 'changed' });
      return { success: true as const, flag_id: id, already_completed: false, completed_by: agent, completed_at: now, notes, flag: this.toFlag(done, now) };
    });
  }

  /** The answer to an acknowledgement of a broadcast: the flag as it is (pending for the others, unless closed). */
  private async completion(tx: FlagTx, row: FlagRow, now: string, ack: { already_acknowledged: boolean; acknowledged_at: string; notes: string | null }) {
    const fresh = await this.row(tx, row.id);
    return {
      success: true as const, flag_id: row.id, already_completed: fresh.status === 'completed',
      completed_by: fresh.completed_by, completed_at: fresh.completed_at, ...ack, flag: this.toFlag(fresh, now),
    };
  }

  /**
   * Deletes a pending flag that no other flag is chained to, keeping its copy in the history entry
   * 'deleted' (by an agent or a person); `advice` says what to do instead when others are chained to it.
   */
  private async withdraw(tx: FlagTx, row: FlagRow, by: string, now: string, advice: string, details: Record<string, unknown> = {}): Promise<Flag> {
    const children = await tx.children(row.id, 20);
    if (children.length > 0) {
      throw new CoordinatorError('conflict', `flag #${row.id} is the chain origin of flag(s) ${children.map((c) => `#${c}`).join(', ')}; ${advice}`, {
        field: 'id', rule: 'has_chain_children', children,
      });
    }
    const snapshot = this.toFlag(row, now);
    await tx.deleteFlag(row.id);
    await this.record(tx, row.id, 'deleted', by, now, { ...details, flag: snapshot });
    return snapshot;
  }

  /**
   * A person (the board's user) breaks the lock of a pending flag, whether its lease still runs
   * (a stuck agent) or ran out without a completion. Recorded as force_unlocked by person:<name>.
   */
  async personUnlock(idValue: unknown, personValue: unknown) {
    const id = parseId(idValue, 'id');
    const person = personHandle(personValue);
    return this.write(async (tx) => {
      const now = this.iso();
      const row = await this.row(tx, id);
      if (row.status !== 'pending' || row.locked_by === null) {
        throw new CoordinatorError('conflict', `flag #${id} is ${row.status === 'pending' ? 'not locked' : 'completed'}; there is no lock to break`, { field: 'id', rule: 'locked_only' });
      }
      const expired = row.lock_expires_at! <= now;
      await tx.clearLock(id);
      await this.record(tx, id, 'force_unlocked', person, now, { by: 'person', previous_holder: row.locked_by, lease_expires_at: row.lock_expires_at, lease_had_expired: expired });
      return { flag_id: id, previous_holder: row.locked_by, lease_had_expired: expired };
    });
  }

  /** A person closes a pending broadcast for every agent (completed by person:<name>; the acknowledgements stay). */
  async personCloseBroadcast(idValue: unknown, personValue: unknown, notesValue?: unknown) {
    const id = parseId(idValue, 'id');
    const person = personHandle(personValue);
    const notes = optionalText(notesValue, 'notes', MAX_NOTES);
    return this.write(async (tx) => {
      const now = this.iso();
      const row = await this.row(tx, id);
      if (row.target_agent !== null) {
        throw new CoordinatorError('conflict', `flag #${id} is sent to ${row.target_agent}, not a broadcast; only broadcasts are closed for everyone`, { field: 'id', rule: 'broadcast_only' });
      }
      if (row.status !== 'pending') {
        throw new CoordinatorError('conflict', `broadcast #${id} was already closed by ${row.completed_by} at ${row.completed_at}`, { field: 'id', rule: 'pending_only' });
      }
      const acknowledged = (await tx.acks(id)).length;
      const done = await tx.completeFlag(id, person, now, notes, this.entry('completed', person, { by: 'person', closed_for_all: true, acknowledged, ...(notes === null ? {} : { notes }) }));
      if (!done) throw new CoordinatorError('conflict', `broadcast #${id} changed while you closed it; reload the board`, { field: 'id', rule: 'changed' });
      return { flag_id: id, acknowledged };
    });
  }

  /**
   * A person withdraws a pending flag (deleted, its copy kept in the history), even one an agent
   * holds (the holder is recorded). Like an agent's withdrawal, not a flag others are chained to.
   */
  async personWithdraw(idValue: unknown, personValue: unknown) {
    const id = parseId(idValue, 'id');
    const person = personHandle(personValue);
    return this.write(async (tx) => {
      const now = this.iso();
      const row = await this.row(tx, id);
      refuseCompleted(row);
      await this.withdraw(tx, row, person, now, 'it cannot be withdrawn while others are chained to it', { by: 'person' });
      return { flag_id: id, deleted: true as const };
    });
  }

  /**
   * Per target agent (null: broadcasts), how much pending work nobody holds, and how urgent; most
   * urgent first. On SQLite the summary reads every pending flag, so it is kept until the store
   * changes (a write by any process), the first lease it counts as held runs out, or the clock
   * goes back: agents that poll it while nothing happens get it from memory.
   */
  async workable(limitValue?: unknown) {
    const limit = clampLimit(limitValue, DEFAULT_WORKABLE_LIMIT, 1000);
    const now = this.iso();
    const rows = this.mergeAliases(await this.workableRows(now));
    const agents = rows.slice(0, limit).map((r) => ({
      target_agent: r.target_agent,
      workable: r.workable,
      held: r.held,
      highest_impact: r.top_rank === null ? null : IMPACT_LEVELS[r.top_rank]!,
      oldest_workable_at: r.oldest,
    }));
    return { total_agents: rows.length, returned: agents.length, agents };
  }
}

/** Completed flags stay: they are the record of what was done. */
function refuseCompleted(row: FlagRow): void {
  if (row.status !== 'pending') {
    throw new CoordinatorError('conflict', `flag #${row.id} is already completed; completed flags are kept as the record of what was done`, { field: 'id', rule: 'pending_only' });
  }
}

function originMissing(originId: number): CoordinatorError {
  return new CoordinatorError('not_found', `chain_origin_id ${originId} is not an existing flag; give the id of the flag that caused this one, or leave it out`, {
    field: 'chain_origin_id', rule: 'exists',
  });
}

export const MAX_PERSON_NAME = 64;
const PERSON_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The history's agent for a person: "person:<name>", never an agent handle (those start with @). */
export function personHandle(value: unknown): string {
  const name = typeof value === 'string' ? value.trim() : value;
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_PERSON_NAME || !PERSON_PATTERN.test(name)) {
    throw invalid('person', 'person_name', `the person's name must be 1 to ${MAX_PERSON_NAME} letters, digits, ".", "_" or "-" (e.g. "alice"); got ${quoted(value)}`);
  }
  return `person:${name}`;
}

/** Orders the workable summary: most urgent workable flag first, then most workable, then by name. */
function byUrgency(a: WorkableRow, b: WorkableRow): number {
  if ((a.top_rank === null) !== (b.top_rank === null)) return a.top_rank === null ? 1 : -1;
  if (a.top_rank !== b.top_rank) return a.top_rank! - b.top_rank!;
  if (a.workable !== b.workable) return b.workable - a.workable;
  return a.target_agent === b.target_agent ? 0 : a.target_agent === null ? -1 : b.target_agent === null ? 1 : a.target_agent < b.target_agent ? -1 : 1;
}

const minOf = <T extends string | number>(a: T | null, b: T | null): T | null => (a === null ? b : b === null ? a : a < b ? a : b);


function clampLimit(value: unknown, fallback: number, max: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw invalid('limit', 'range', `limit must be a whole number from 1 to ${max}; got ${quoted(value)}`);
  }
  return value;
}
