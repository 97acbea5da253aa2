import type Database from 'better-sqlite3';
import { CoordinatorError } from '../../errors.js';
import type {
  AckRow, ChainLinkRow, EditableColumns, FlagChange, FlagRow, FlagStore, FlagTx, HistoryRow, ListFilter, NewFlagRow, NewHistory, WorkableRow,
} from '../../flags/store.js';
import { containsPattern } from '../../flags/store.js';
import type { DB } from '../db.js';

const FLAG_COLUMNS = `id, chain_origin_id, flag_type, source_agent, target_agent, change_description, action_required,
  impact_level, status, related_files, code_location, example_usage, context, created_at, updated_at, locked_by, locked_at,
  lock_expires_at, completed_at, completed_by, notes`;


/** A flag whose texts hold @text (a containsPattern): LIKE ignores the case of ASCII letters. */
export const TEXT_MATCH = `(change_description LIKE @text ESCAPE '\\' OR action_required LIKE @text ESCAPE '\\' OR notes LIKE @text ESCAPE '\\')`;
/**
 * The flags store on SQLite (better-sqlite3, synchronous). Every write is one short IMMEDIATE
 * transaction: it takes the write lock up front, so it never deadlocks; while another process
 * holds the lock, SQLite's busy handler waits (up to the 15 s busy timeout). The service's
 * functions are async, so transactions on this one connection are run one after the other.
 */
export class SqliteFlagStore implements FlagStore {
  readonly dialect = 'sqlite' as const;
  private readonly tx: SqliteFlagTx;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<(change: FlagChange) => void>();

  constructor(readonly db: DB) {
    this.tx = new SqliteFlagTx(db);
  }

  /**
   * The changes this process commits (SQLite tells nothing of other processes' writes; a
   * PostgreSQL store tells every server of every write).
   */
  onChange(fn: (change: FlagChange) => void): () => void {
    this.listeners.add(fn);
    return () => { this.listeners.delete(fn); };
  }

  write<T>(fn: (tx: FlagTx) => Promise<T>): Promise<T> {
    return this.serial(() => this.run(fn, 'BEGIN IMMEDIATE'));
  }

  read<T>(fn: (tx: FlagTx) => Promise<T>): Promise<T> {
    return this.serial(() => this.run(fn, 'BEGIN'));
  }

  private serial<T>(job: () => Promise<T>): Promise<T> {
    const out = this.tail.then(job, job);
    this.tail = out.catch(() => undefined);
    return out;
  }

  private async run<T>(fn: (tx: FlagTx) => Promise<T>, begin: string): Promise<T> {
    // A caller's own transaction (a test, a migration) is joined rather than nested; what is read
    // there may yet be rolled back, which leaves the change mark as it was: no mark is given.
    if (this.db.inTransaction) {
      this.tx.joined = true;
      try {
        return await fn(this.tx);
      } finally {
        this.tx.joined = false;
      }
    }
    this.db.exec(begin);
    this.tx.changes = [];
    try {
      const out = await fn(this.tx);
      this.db.exec('COMMIT');
      for (const change of this.tx.changes) for (const l of this.listeners) l(change);
      return out;
    } catch (err) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw err;
    } finally {
      this.tx.changes = [];
    }
  }

  storeFailure(err: unknown): CoordinatorError | undefined {
    return sqliteStoreFailure(err);
  }

  async close(): Promise<void> {
    await this.tail;
  }
}

class SqliteFlagTx implements FlagTx {
  /** Whether this transaction is a caller's own (changeMark then says nothing). */
  joined = false;
  /** What this transaction changed, told to the store's listeners once it commits. */
  changes: FlagChange[] = [];
  private readonly stmt;
  /** The queue statements for an agent of n handles (its own and its aliases), by n. */
  private readonly queueCache = new Map<number, { queue: Database.Statement; queueCount: Database.Statement }>();
  private readonly listCache = new Map<string, { count: Database.Statement; page: Database.Statement }>();

  constructor(private readonly db: DB) {
    this.stmt = {
      byId: db.prepare<[number], FlagRow>('SELECT * FROM flags WHERE id = ?'),
      insert: db.prepare(`INSERT INTO flags (chain_origin_id, flag_type, source_agent, target_agent, change_description,
          action_required, impact_level, related_files, code_location, example_usage, context, created_at, updated_at)
        VALUES (@chain_origin_id, @flag_type, @source_agent, @target_agent, @change_description, @action_required,
          @impact_level, @related_files, @code_location, @example_usage, @context, @now, @now)`),
      history: db.prepare('INSERT INTO flag_history (flag_id, action, agent, at, details) VALUES (?, ?, ?, ?, ?)'),
      historyOf: db.prepare<[number], HistoryRow>('SELECT * FROM flag_history WHERE flag_id = ? ORDER BY id'),
      // The compare-and-set of a lock: the lease is taken only while nobody else (under a handle
      // other than the acting agent's) holds an unexpired one.
      lock: db.prepare(`UPDATE flags SET locked_by = @agent, locked_at = @now, lock_expires_at = @expires
        WHERE id = @id AND status = 'pending' AND target_agent IS NOT NULL
          AND (locked_by IS NULL OR lock_expires_at <= @now OR locked_by IN (SELECT value FROM json_each(@handles)))`),
      unlock: db.prepare('UPDATE flags SET locked_by = NULL, locked_at = NULL, lock_expires_at = NULL WHERE id = ?'),
      complete: db.prepare(`UPDATE flags SET status = 'completed', completed_at = @now, completed_by = @agent, notes = @notes,
          updated_at = @now, locked_by = NULL, locked_at = NULL, lock_expires_at = NULL WHERE id = @id AND status = 'pending'`),
      delete: db.prepare('DELETE FROM flags WHERE id = ?'),
      targetOf: db.prepare<[number], string | null>('SELECT target_agent FROM flags WHERE id = ?').pluck(),
      acks: db.prepare<[number], AckRow>('SELECT agent, at, notes FROM flag_acks WHERE flag_id = ? ORDER BY at, agent'),
      ackOf: db.prepare<[number, string], AckRow>(`SELECT agent, at, notes FROM flag_acks
        WHERE flag_id = ? AND agent IN (SELECT value FROM json_each(?)) ORDER BY at LIMIT 1`),
      ack: db.prepare('INSERT INTO flag_acks (flag_id, agent, at, notes) VALUES (?, ?, ?, ?)'),
      children: db.prepare<[number, number], number>('SELECT id FROM flags WHERE chain_origin_id = ? ORDER BY id LIMIT ?').pluck(),
      root: db.prepare<{ id: number; max: number }, { id: number }>(`WITH RECURSIVE up(id, parent, n) AS (
          SELECT id, chain_origin_id, 0 FROM flags WHERE id = @id
          UNION ALL SELECT f.id, f.chain_origin_id, up.n + 1 FROM flags f JOIN up ON f.id = up.parent WHERE up.n < @max)
        SELECT id FROM up ORDER BY n DESC LIMIT 1`),
      chain: db.prepare<{ root: number; max: number }, ChainLinkRow>(`WITH RECURSIVE down(id, depth) AS (
          SELECT @root, 0
          UNION ALL SELECT f.id, down.depth + 1 FROM flags f JOIN down ON f.chain_origin_id = down.id WHERE down.depth < @max)
        SELECT f.id, f.chain_origin_id, down.depth, f.flag_type, f.impact_level, f.status, f.source_agent, f.target_agent,
          f.change_description FROM down JOIN flags f ON f.id = down.id ORDER BY down.depth, f.id`),
      // A flag is held while its lease runs (lock_expires_at is NULL exactly when it is unlocked,
      // so "lock_expires_at > @now" is true for held flags and false or NULL for the others).
      workable: db.prepare<{ now: string }, WorkableRow>(`
        SELECT target_agent, workable, held, top_rank, oldest, next_expiry FROM (
          SELECT target_agent,
            count(*) - coalesce(sum(lock_expires_at > @now), 0) AS workable,
            coalesce(sum(lock_expires_at > @now), 0) AS held,
            min(iif(lock_expires_at > @now, NULL, impact_rank)) AS top_rank,
            min(iif(lock_expires_at > @now, NULL, created_at)) AS oldest,
            min(iif(lock_expires_at > @now, lock_expires_at, NULL)) AS next_expiry
          FROM flags INDEXED BY flags_queue WHERE status = 'pending' GROUP BY target_agent)
        ORDER BY top_rank IS NULL, top_rank, workable DESC, target_agent`),
      // Changes when any connection (this one or another process's) has written to the store.
      changeMark: db.prepare<[], [number, number]>('SELECT (SELECT data_version FROM pragma_data_version), total_changes()').raw(),
    };
  }

  async flag(id: number) {
    return this.stmt.byId.get(id);
  }

  async insertFlag(row: NewFlagRow, now: string, history: NewHistory) {
    if (row.chain_origin_id !== null && !this.stmt.byId.get(row.chain_origin_id)) return undefined;
    const id = Number(this.stmt.insert.run({ ...row, now }).lastInsertRowid);
    await this.record(id, history.action, history.agent, now, history.details);
    return this.stmt.byId.get(id)!;
  }

  async updateFlag(id: number, columns: EditableColumns, now: string) {
    const keys = Object.keys(columns);
    if (keys.length === 0) return;
    const sets = keys.map((k) => `${k} = @${k}`).join(', ');
    this.db.prepare(`UPDATE flags SET ${sets}, updated_at = @now WHERE id = @id`).run({ ...columns, id, now });
  }

  async lockFlag(id: number, agent: string, handles: string[], now: string, expires: string, history: NewHistory) {
    if (this.stmt.lock.run({ id, agent, now, expires, handles: JSON.stringify(handles) }).changes !== 1) return false;
    await this.record(id, history.action, history.agent, now, history.details);
    return true;
  }

  async clearLock(id: number) {
    this.stmt.unlock.run(id);
  }

  async completeFlag(id: number, agent: string, now: string, notes: string | null, history: NewHistory) {
    if (this.stmt.complete.run({ id, agent, now, notes }).changes !== 1) return undefined;
    await this.record(id, history.action, history.agent, now, history.details);
    return this.stmt.byId.get(id);
  }

  async deleteFlag(id: number) {
    this.stmt.delete.run(id);
  }

  async record(flagId: number, action: string, agent: string, at: string, details: string | null) {
    this.stmt.history.run(flagId, action, agent, at, details);
    this.changes.push({ flag_id: flagId, action, target_agent: (this.stmt.targetOf.get(flagId) as string | null | undefined) ?? null });
  }

  async history(flagId: number) {
    return this.stmt.historyOf.all(flagId);
  }

  async acks(flagId: number) {
    return this.stmt.acks.all(flagId);
  }

  async ackOf(flagId: number, handles: string[]) {
    return this.stmt.ackOf.get(flagId, JSON.stringify(handles));
  }

  async addAck(flagId: number, agent: string, at: string, notes: string | null) {
    this.stmt.ack.run(flagId, agent, at, notes);
  }

  async children(flagId: number, limit: number) {
    return this.stmt.children.all(flagId, limit);
  }

  async chainRoot(flagId: number, maxDepth: number) {
    return this.stmt.root.get({ id: flagId, max: maxDepth })?.id;
  }

  async chain(root: number, maxDepth: number) {
    return this.stmt.chain.all({ root, max: maxDepth });
  }

  /**
   * The queue of an agent known by n handles (@h0 its own, then its aliases): one branch per
   * handle and one for broadcasts, so each walks the queue index in order and SQLite merges them
   * instead of sorting every pending flag. A flag held under any of the handles is not held by
   * another agent.
   */
  private queueStatements(n: number) {
    let found = this.queueCache.get(n);
    if (!found) {
      const hs = Array.from({ length: n }, (_, i) => `@h${i}`);
      const mine = `locked_by IN (${hs.join(', ')})`;
      const heldByOthers = `locked_by IS NOT NULL AND NOT ${mine} AND lock_expires_at > @now`;
      // A broadcast leaves the queue of an agent that has acknowledged it (under any of its handles).
      const acked = `EXISTS (SELECT 1 FROM flag_acks a WHERE a.flag_id = flags.id AND a.agent IN (${hs.join(', ')}))`;
      const targets = [...hs.map((h) => `target_agent = ${h}`), `target_agent IS NULL AND NOT ${acked}`];
      found = {
        queue: this.db.prepare(targets.map((t) => `SELECT ${FLAG_COLUMNS}, impact_rank FROM flags WHERE status = 'pending' AND ${t}
            AND NOT (@skipHeld AND ${heldByOthers})`).join('\nUNION ALL\n') + '\nORDER BY impact_rank, created_at, id LIMIT @limit'),
        queueCount: this.db.prepare(`SELECT
            ${targets.map((t) => `(SELECT count(*) FROM flags WHERE status = 'pending' AND ${t})`).join(' + ')} AS total,
            ${targets.map((t) => `(SELECT count(*) FROM flags WHERE status = 'pending' AND ${t} AND ${heldByOthers})`).join(' + ')} AS held`),
      };
      this.queueCache.set(n, found);
    }
    return found;
  }

  async queue(handles: string[], now: string, limit: number, skipHeld: boolean) {
    const named = Object.fromEntries(handles.map((h, i) => [`h${i}`, h]));
    const { queue, queueCount } = this.queueStatements(handles.length);
    const rows = queue.all({ ...named, now, limit, skipHeld: skipHeld ? 1 : 0 }) as FlagRow[];
    return { rows, ...(queueCount.get({ ...named, now }) as { total: number; held: number }) };
  }

  async list(f: ListFilter) {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    // With a target, source, chain or type filter, their own index is far narrower than the status
    // index, but sampled statistics can make the planner think otherwise: "+status" keeps the
    // status term out of index selection.
    const narrow = f.targets !== undefined || f.sources !== undefined || f.chainRoot !== undefined || f.flagType !== undefined;
    if (f.status !== undefined) {
      where.push(narrow ? '+status = @status' : 'status = @status');
      params.status = f.status;
    }
    if (f.broadcastOnly) where.push('target_agent IS NULL');
    if (f.targets !== undefined) {
      where.push(f.targets.length > 1 ? 'target_agent IN (SELECT value FROM json_each(@target))' : 'target_agent = @target');
      params.target = f.targets.length > 1 ? JSON.stringify(f.targets) : f.targets[0];
    }
    if (f.sources !== undefined) {
      where.push(f.sources.length > 1 ? 'source_agent IN (SELECT value FROM json_each(@source))' : 'source_agent = @source');
      params.source = f.sources.length > 1 ? JSON.stringify(f.sources) : f.sources[0];
    }
    if (f.flagType !== undefined) {
      where.push('flag_type = @flag_type');
      params.flag_type = f.flagType;
    }
    if (f.impact !== undefined) {
      where.push('impact_level = @impact');
      params.impact = f.impact;
    }
    if (f.chainRoot !== undefined) {
      where.push(`id IN (WITH RECURSIVE down(id, depth) AS (SELECT @root, 0 UNION ALL
        SELECT f.id, down.depth + 1 FROM flags f JOIN down ON f.chain_origin_id = down.id WHERE down.depth < ${Number(f.maxChainDepth)}) SELECT id FROM down)`);
      params.root = f.chainRoot;
    }
    if (f.text !== undefined) {
      where.push(TEXT_MATCH);
      params.text = containsPattern(f.text);
    }
    if (f.since !== undefined) {
      where.push('created_at >= @since');
      params.since = f.since;
    }
    if (f.unackedBy !== undefined) {
      where.push('NOT (target_agent IS NULL AND EXISTS (SELECT 1 FROM flag_acks a WHERE a.flag_id = flags.id AND a.agent IN (SELECT value FROM json_each(@unacked))))');
      params.unacked = JSON.stringify(f.unackedBy);
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const { count, page } = this.listStatements(clause);
    return {
      total: count.get(params) as number,
      rows: page.all({ ...params, limit: f.limit, offset: f.offset }) as FlagRow[],
    };
  }

  /** The prepared count and page statements of one combination of list_flags filters (at most a few hundred). */
  private listStatements(clause: string) {
    let found = this.listCache.get(clause);
    if (!found) {
      found = {
        count: this.db.prepare(`SELECT count(*) FROM flags ${clause}`).pluck(),
        page: this.db.prepare(`SELECT * FROM flags ${clause} ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset`),
      };
      this.listCache.set(clause, found);
    }
    return found;
  }

  async workable(now: string) {
    return this.stmt.workable.all({ now });
  }

  async changeMark() {
    return this.joined ? null : this.stmt.changeMark.get()!.join(':');
  }
}

/** SQLite's result codes for a write the store could not take, and what each means to the caller. */
const STORE_FAILURES: [prefix: string, rule: string, says: string][] = [
  ['SQLITE_FULL', 'disk_full', 'the disk (or the database\'s size limit) is full'],
  ['SQLITE_IOERR', 'io_error', 'the disk reported an I/O error'],
  ['SQLITE_BUSY', 'busy', 'another process held the write lock for longer than the 15 s busy timeout'],
  ['SQLITE_LOCKED', 'busy', 'another connection held a lock on the table'],
  ['SQLITE_READONLY', 'read_only', 'the database file is read-only'],
  ['SQLITE_CORRUPT', 'corrupt', 'the database file is damaged'],
  ['SQLITE_NOTADB', 'corrupt', 'the file is not an SQLite database'],
  ['SQLITE_CANTOPEN', 'io_error', 'SQLite could not open a file it needs (the WAL or its index)'],
];

/** The 'store' refusal for an error SQLite raised while writing, or undefined for any other error. */
export function sqliteStoreFailure(err: unknown): CoordinatorError | undefined {
  if (err instanceof CoordinatorError) return undefined;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  const hit = STORE_FAILURES.find(([prefix]) => code.startsWith(prefix));
  if (!hit) return undefined;
  const [, rule, says] = hit;
  return new CoordinatorError('store', `the database refused the write (${code}: ${says}); nothing was stored, try again once it is fixed`, {
    rule, sqlite_code: code,
  });
}
