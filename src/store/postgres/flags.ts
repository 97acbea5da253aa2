import { CoordinatorError } from '../../errors.js';
import type {
  AckRow, ChainLinkRow, EditableColumns, FlagChange, FlagRow, FlagStore, FlagTx, HistoryRow, ListFilter, NewFlagRow, NewHistory, TxOptions, WorkableRow,
} from '../../flags/store.js';
import { containsPattern } from '../../flags/store.js';
import type { PgConnector, PgSession } from './connect.js';
import { applyPgSchema } from './schema.js';

/** The channel every write of a flag is announced on (delivered at commit, to every listening server). */
export const FLAGS_CHANNEL = 'coordinator_flags';

/**
 * A flag whose texts hold the containsPattern in parameter t. SQLite's LIKE ignores the case of
 * ASCII letters only; ILIKE under the "C" collation does the same (under the database's collation
 * it would fold É to é too, and find what SQLite does not).
 */
export const textMatch = (t: string): string =>
  `(change_description COLLATE "C" ILIKE ${t} OR action_required COLLATE "C" ILIKE ${t} OR notes COLLATE "C" ILIKE ${t})`;

/** Every change of a committed transaction, announced in one statement. */
const NOTIFY = 'SELECT pg_notify($1, change) FROM unnest($2::text[]) AS change';

/** Told when the listener is back after a lost connection: any queue may have changed meanwhile. */
const RESUMED: FlagChange = { flag_id: 0, target_agent: null, action: 'resumed' };

export const FLAG_COLUMNS = `id, chain_origin_id, flag_type, source_agent, target_agent, change_description, action_required,
  impact_level, status, related_files, code_location, example_usage, context, created_at, updated_at, locked_by, locked_at,
  lock_expires_at, completed_at, completed_by, notes`;
const EDITABLE = new Set(['flag_type', 'target_agent', 'change_description', 'action_required', 'impact_level', 'related_files',
  'chain_origin_id', 'code_location', 'example_usage', 'context']);

export const num = (v: unknown): number => Number(v);
export const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
export const flagRow = (r: FlagRow): FlagRow => ({ ...r, id: num(r.id), chain_origin_id: numOrNull(r.chain_origin_id) });

/**
 * The flags store on PostgreSQL. A write is one READ COMMITTED transaction on one pooled
 * connection: flag() reads the row FOR UPDATE, so two writers of one flag take turns, as
 * SQLite's single writer makes them; the lock itself is one compare-and-set UPDATE ... WHERE
 * ... RETURNING. Reads run in one REPEATABLE READ READ ONLY transaction (one snapshot for a page
 * and its count). Once a write has committed, its history entries are announced on FLAGS_CHANNEL
 * (see announce).
 *
 * Round trips count on a loaded server (each one a wait for PostgreSQL and a turn of the event
 * loop): a write of one statement (create_flag; the history entry and the chain origin's check in
 * data-modifying CTEs) runs without BEGIN and COMMIT, as do reads of one statement
 * (get_agent_flags, get_workable_flags); lock_flag and complete_flag are BEGIN, the row FOR UPDATE,
 * one UPDATE with its history entry, COMMIT. The hot statements are named (prepared once per connection).
 */
export class PostgresFlagStore implements FlagStore {
  readonly dialect = 'postgres' as const;
  private listeners = new Set<(change: FlagChange) => void>();
  private unlisten: (() => Promise<void>) | undefined;
  private listening: Promise<void> | undefined;

  private constructor(readonly connector: PgConnector) {}

  /** Connects, creates or upgrades the schema, and returns the store. */
  static async open(connector: PgConnector): Promise<PostgresFlagStore> {
    const session = await connector.connect();
    try {
      await applyPgSchema(session);
    } finally {
      session.release();
    }
    return new PostgresFlagStore(connector);
  }

  write<T>(fn: (tx: FlagTx) => Promise<T>, options: TxOptions = {}): Promise<T> {
    return this.run(fn, 'BEGIN', true, options.single ?? false);
  }

  read<T>(fn: (tx: FlagTx) => Promise<T>, options: TxOptions = {}): Promise<T> {
    return this.run(fn, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', false, options.single ?? false);
  }

  /**
   * A transaction that PostgreSQL rolled back to break a deadlock (40P01) or a serialization
   * failure (40001) wrote nothing, so it is run again, from the start, up to RETRIES times: two
   * update_flag calls that chain two flags to each other at once lock the two rows in opposite
   * orders, and the one PostgreSQL picks must then be told no_cycle, as SQLite's single writer
   * tells it, rather than "busy, try again".
   */
  private async run<T>(fn: (tx: FlagTx) => Promise<T>, begin: string, writing: boolean, single: boolean): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(fn, begin, writing, single);
      } catch (err) {
        if (attempt > RETRIES || !isRetryable(err)) throw err;
        await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
      }
    }
  }

  private async once<T>(fn: (tx: FlagTx) => Promise<T>, begin: string, writing: boolean, single: boolean): Promise<T> {
    const session = await this.connector.connect();
    let broken = false;
    let handedOver = false;
    // Once a write's last statement (its COMMIT, or the one statement of a single-statement write)
    // has left, a lost connection no longer says whether it was stored.
    let committing = false;
    try {
      const tx = new PgFlagTx(session, writing, single);
      let out: T;
      if (single) {
        committing = writing;
        out = await fn(tx);
      } else {
        await session.query(begin);
        try {
          out = await fn(tx);
          committing = writing;
          await session.query('COMMIT');
        } catch (err) {
          await session.query('ROLLBACK').catch(() => { broken = true; });
          throw err;
        }
      }
      if (tx.changes.length > 0) {
        handedOver = true;
        this.announce(session, tx.changes);
      }
      return out;
    } catch (err) {
      if (isConnectionError(err)) {
        broken = true;
        if (committing) throw uncertainWrite(err);
      }
      throw err;
    } finally {
      if (!handedOver) session.release(broken);
    }
  }

  private readonly announcing = new Set<Promise<void>>();

  /**
   * Tells every server of a committed write: NOTIFY as a statement of its own once the write has
   * committed, which the caller does not wait for (the session returns to the pool after it). A
   * NOTIFY inside the writing transaction would hold PostgreSQL's one notify lock (for the whole
   * cluster) through the commit's WAL flush, so that every server's writes would commit one at a
   * time: measured on the throwaway cluster, 8 writers made 366 commits/s with it inside, 1,215
   * after. A server that dies between the two loses the notification, never the write.
   */
  private announce(session: PgSession, changes: FlagChange[]): void {
    const sent = session.query(NOTIFY, [FLAGS_CHANNEL, changes.map((c) => JSON.stringify(c))], 'notify').then(
      () => session.release(),
      (err: unknown) => {
        process.stderr.write(`coordinator-mcp: a write was stored, but other servers could not be told of it (NOTIFY failed: ${(err as Error).message})\n`);
        session.release(true);
      },
    );
    this.announcing.add(sent);
    void sent.finally(() => this.announcing.delete(sent));
  }

  /** Resolves once every committed write has been announced (tests, and close). */
  async announced(): Promise<void> {
    await Promise.all([...this.announcing]);
  }

  storeFailure(err: unknown): CoordinatorError | undefined {
    return pgStoreFailure(err);
  }

  onChange(fn: (change: FlagChange) => void): () => void {
    this.listeners.add(fn);
    this.listening ??= this.connector.listen(FLAGS_CHANNEL, (payload) => {
      let change: FlagChange;
      try {
        change = JSON.parse(payload) as FlagChange;
      } catch {
        return;
      }
      for (const l of this.listeners) l(change);
    }, () => {
      for (const l of this.listeners) l(RESUMED);
    }).then((stop) => { this.unlisten = stop; }, (err: unknown) => {
      this.listening = undefined;
      process.stderr.write(`coordinator-mcp: cannot LISTEN for flag changes on PostgreSQL (${(err as Error).message}); clients are not told of other servers' flags\n`);
    });
    return () => { this.listeners.delete(fn); };
  }

  /** Resolves once LISTEN is in place (tests wait for it before writing). */
  async ready(): Promise<void> {
    await this.listening;
  }

  async close(): Promise<void> {
    await this.announced();
    await this.listening;
    await this.unlisten?.();
    await this.connector.end();
  }
}

/** $1 the handles, $2 now: the agent's pending flags and the broadcasts none of its handles acknowledged. */
const MINE = `status = 'pending' AND (target_agent = ANY($1::text[])
  OR (target_agent IS NULL AND NOT EXISTS (SELECT 1 FROM flag_acks a WHERE a.flag_id = flags.id AND a.agent = ANY($1::text[]))))`;
const HELD_BY_OTHERS = 'coalesce(locked_by IS NOT NULL AND NOT (locked_by = ANY($1::text[])) AND lock_expires_at > $2::text, false)';
const FREE = 'NOT coalesce(lock_expires_at > $1, false)';

/** The statements run on every call of their tool: prepared once per connection under these names. */
const STATEMENTS = {
  flag: `SELECT ${FLAG_COLUMNS} FROM flags WHERE id = $1`,
  flagForUpdate: `SELECT ${FLAG_COLUMNS} FROM flags WHERE id = $1 FOR UPDATE`,
  // The flag (when its chain origin exists) and its history entry in one statement.
  // An origin deleted by a concurrent transaction fails the foreign key instead (see insertFlag).
  insert: `WITH f AS (INSERT INTO flags (chain_origin_id, flag_type, source_agent, target_agent,
        change_description, action_required, impact_level, related_files, code_location, example_usage, context, created_at, updated_at)
      SELECT $1::bigint, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, $8::text, $9::text, $10::text, $11::text, $12::text, $12::text
      WHERE $1::bigint IS NULL OR EXISTS (SELECT 1 FROM flags o WHERE o.id = $1::bigint)
      RETURNING ${FLAG_COLUMNS}),
    h AS (INSERT INTO flag_history (flag_id, action, agent, at, details) SELECT id, $13::text, $14::text, $12::text, $15::text FROM f RETURNING flag_id)
    SELECT f.* FROM f JOIN h ON h.flag_id = f.id`,
  // The compare-and-set of a lease with its history entry: nothing is written unless it is taken.
  lock: `WITH l AS (UPDATE flags SET locked_by = $2, locked_at = $3, lock_expires_at = $4
        WHERE id = $1 AND status = 'pending' AND target_agent IS NOT NULL
          AND (locked_by IS NULL OR lock_expires_at <= $3 OR locked_by = ANY($5::text[]))
        RETURNING id, target_agent),
    h AS (INSERT INTO flag_history (flag_id, action, agent, at, details) SELECT id, $6::text, $7::text, $3::text, $8::text FROM l RETURNING flag_id)
    SELECT l.id, l.target_agent FROM l JOIN h ON h.flag_id = l.id`,
  complete: `WITH c AS (UPDATE flags SET status = 'completed', completed_at = $2, completed_by = $3, notes = $4,
        updated_at = $2, locked_by = NULL, locked_at = NULL, lock_expires_at = NULL WHERE id = $1 AND status = 'pending'
        RETURNING ${FLAG_COLUMNS}),
    h AS (INSERT INTO flag_history (flag_id, action, agent, at, details) SELECT id, $5::text, $6::text, $2::text, $7::text FROM c RETURNING flag_id)
    SELECT c.* FROM c JOIN h ON h.flag_id = c.id`,
  // $3 the page's size, $4 whether flags held by others are left out of it. The counts row is
  // there even when the page is empty (its flag columns are then null).
  queue: `WITH mine AS MATERIALIZED (SELECT ${FLAG_COLUMNS}, impact_rank, ${HELD_BY_OTHERS} AS held_by_other FROM flags WHERE ${MINE}),
    counts AS (SELECT count(*) AS queue_total, count(*) FILTER (WHERE held_by_other) AS queue_held FROM mine),
    page AS (SELECT * FROM mine WHERE NOT ($4::boolean AND held_by_other) ORDER BY impact_rank, created_at, id LIMIT $3)
    SELECT counts.queue_total, counts.queue_held, page.* FROM counts LEFT JOIN page ON true ORDER BY page.impact_rank, page.created_at, page.id`,
  workable: `SELECT target_agent, workable, held, top_rank, oldest, next_expiry FROM (
      SELECT target_agent,
        count(*) FILTER (WHERE ${FREE}) AS workable,
        count(*) FILTER (WHERE lock_expires_at > $1) AS held,
        min(impact_rank) FILTER (WHERE ${FREE}) AS top_rank,
        min(created_at) FILTER (WHERE ${FREE}) AS oldest,
        min(lock_expires_at) FILTER (WHERE lock_expires_at > $1) AS next_expiry
      FROM flags WHERE status = 'pending' GROUP BY target_agent) s
    ORDER BY top_rank IS NULL, top_rank, workable DESC, target_agent NULLS FIRST`,
} as const;

class PgFlagTx implements FlagTx {
  private sent = 0;
  /** What this transaction wrote, announced to every server once it has committed. */
  readonly changes: FlagChange[] = [];

  /** single: the session is in no transaction and this is to send one statement, alone (see TxOptions). */
  constructor(private readonly s: PgSession, private readonly writing: boolean, private readonly single: boolean) {}

  private async rows<R>(sql: string, params: unknown[] = [], name?: keyof typeof STATEMENTS): Promise<R[]> {
    if (this.single && this.sent++ > 0) {
      throw new Error('a second statement in a single-statement transaction of the PostgreSQL flag store (a bug: drop the single option of this call)');
    }
    return (await this.s.query<R>(sql, params, name)).rows;
  }

  async flag(id: number) {
    const locking = this.writing && !this.single;
    const [row] = await this.rows<FlagRow>(locking ? STATEMENTS.flagForUpdate : STATEMENTS.flag, [id], locking ? 'flagForUpdate' : 'flag');
    return row ? flagRow(row) : undefined;
  }

  async insertFlag(r: NewFlagRow, now: string, history: NewHistory) {
    let inserted: FlagRow | undefined;
    try {
      [inserted] = await this.rows<FlagRow>(STATEMENTS.insert, [
        r.chain_origin_id, r.flag_type, r.source_agent, r.target_agent, r.change_description, r.action_required, r.impact_level,
        r.related_files, r.code_location, r.example_usage, r.context, now, history.action, history.agent, history.details,
      ], 'insert');
    } catch (err) {
      // The chain origin was deleted between the check and the insert: as if it had not existed.
      if (r.chain_origin_id !== null && (err as { code?: unknown }).code === '23503') return undefined;
      throw err;
    }
    if (!inserted) return undefined;
    const flag = flagRow(inserted);
    this.changes.push({ flag_id: flag.id, action: history.action, target_agent: flag.target_agent });
    return flag;
  }

  async updateFlag(id: number, columns: EditableColumns, now: string) {
    const keys = Object.keys(columns).filter((k) => EDITABLE.has(k));
    if (keys.length === 0) return;
    const sets = keys.map((k, i) => `${k} = $${i + 3}`).join(', ');
    await this.s.query(`UPDATE flags SET ${sets}, updated_at = $2 WHERE id = $1`, [id, now, ...keys.map((k) => columns[k as keyof EditableColumns])]);
  }

  async lockFlag(id: number, agent: string, handles: string[], now: string, expires: string, history: NewHistory) {
    const [taken] = await this.rows<{ target_agent: string | null }>(STATEMENTS.lock, [id, agent, now, expires, handles, history.action, history.agent, history.details], 'lock');
    if (!taken) return false;
    this.changes.push({ flag_id: id, action: history.action, target_agent: taken.target_agent });
    return true;
  }

  async clearLock(id: number) {
    await this.s.query('UPDATE flags SET locked_by = NULL, locked_at = NULL, lock_expires_at = NULL WHERE id = $1', [id]);
  }

  async completeFlag(id: number, agent: string, now: string, notes: string | null, history: NewHistory) {
    const [row] = await this.rows<FlagRow>(STATEMENTS.complete, [id, now, agent, notes, history.action, history.agent, history.details], 'complete');
    if (!row) return undefined;
    this.changes.push({ flag_id: id, action: history.action, target_agent: row.target_agent });
    return flagRow(row);
  }

  async deleteFlag(id: number) {
    await this.s.query('DELETE FROM flags WHERE id = $1', [id]);
  }

  /** The history entry (announced to every server once the transaction has committed). */
  async record(flagId: number, action: string, agent: string, at: string, details: string | null) {
    const [row] = await this.rows<{ target_agent: string | null }>(`WITH h AS (INSERT INTO flag_history (flag_id, action, agent, at, details)
        VALUES ($1, $2, $3, $4, $5) RETURNING flag_id)
      SELECT (SELECT target_agent FROM flags WHERE id = h.flag_id) AS target_agent FROM h`, [flagId, action, agent, at, details]);
    this.changes.push({ flag_id: flagId, action, target_agent: row?.target_agent ?? null });
  }

  async history(flagId: number) {
    return (await this.rows<HistoryRow>('SELECT id, flag_id, action, agent, at, details FROM flag_history WHERE flag_id = $1 ORDER BY id', [flagId]))
      .map((h) => ({ ...h, id: num(h.id), flag_id: num(h.flag_id) }));
  }

  async acks(flagId: number) {
    return this.rows<AckRow>('SELECT agent, at, notes FROM flag_acks WHERE flag_id = $1 ORDER BY at, agent', [flagId]);
  }

  async ackOf(flagId: number, handles: string[]) {
    const [row] = await this.rows<AckRow>('SELECT agent, at, notes FROM flag_acks WHERE flag_id = $1 AND agent = ANY($2::text[]) ORDER BY at LIMIT 1', [flagId, handles]);
    return row;
  }

  async addAck(flagId: number, agent: string, at: string, notes: string | null) {
    await this.s.query('INSERT INTO flag_acks (flag_id, agent, at, notes) VALUES ($1, $2, $3, $4)', [flagId, agent, at, notes]);
  }

  async children(flagId: number, limit: number) {
    return (await this.rows<{ id: unknown }>('SELECT id FROM flags WHERE chain_origin_id = $1 ORDER BY id LIMIT $2', [flagId, limit])).map((r) => num(r.id));
  }

  async chainRoot(flagId: number, maxDepth: number) {
    const [row] = await this.rows<{ id: unknown }>(`WITH RECURSIVE up(id, parent, n) AS (
        SELECT id, chain_origin_id, 0 FROM flags WHERE id = $1
        UNION ALL SELECT f.id, f.chain_origin_id, up.n + 1 FROM flags f JOIN up ON f.id = up.parent WHERE up.n < $2)
      SELECT id FROM up ORDER BY n DESC LIMIT 1`, [flagId, maxDepth]);
    return row ? num(row.id) : undefined;
  }

  async chain(root: number, maxDepth: number) {
    return (await this.rows<ChainLinkRow>(`WITH RECURSIVE down(id, depth) AS (
        SELECT $1::bigint, 0
        UNION ALL SELECT f.id, down.depth + 1 FROM flags f JOIN down ON f.chain_origin_id = down.id WHERE down.depth < $2)
      SELECT f.id, f.chain_origin_id, down.depth, f.flag_type, f.impact_level, f.status, f.source_agent, f.target_agent,
        f.change_description FROM down JOIN flags f ON f.id = down.id ORDER BY down.depth, f.id`, [root, maxDepth]))
      .map((c) => ({ ...c, id: num(c.id), chain_origin_id: numOrNull(c.chain_origin_id), depth: num(c.depth) }));
  }

  /** The page and the counts in one statement (one snapshot, one round trip): a row of counts, joined to each row of the page. */
  async queue(handles: string[], now: string, limit: number, skipHeld: boolean) {
    const found = await this.rows<FlagRow & { queue_total: unknown; queue_held: unknown; held_by_other: unknown; impact_rank: unknown }>(STATEMENTS.queue, [handles, now, limit, skipHeld], 'queue');
    const first = found[0]!;
    const rows = found.filter((r) => r.id !== null).map(({ queue_total: _t, queue_held: _h, held_by_other: _o, impact_rank: _r, ...r }) => flagRow(r as FlagRow));
    return { rows, total: num(first.queue_total), held: num(first.queue_held) };
  }

  async list(f: ListFilter) {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => { params.push(v); return `$${params.length}`; };
    if (f.status !== undefined) where.push(`status = ${p(f.status)}`);
    if (f.broadcastOnly) where.push('target_agent IS NULL');
    if (f.targets !== undefined) where.push(`target_agent = ANY(${p(f.targets)}::text[])`);
    if (f.sources !== undefined) where.push(`source_agent = ANY(${p(f.sources)}::text[])`);
    if (f.flagType !== undefined) where.push(`flag_type = ${p(f.flagType)}`);
    if (f.impact !== undefined) where.push(`impact_level = ${p(f.impact)}`);
    if (f.chainRoot !== undefined) {
      where.push(`id IN (WITH RECURSIVE down(id, depth) AS (SELECT ${p(f.chainRoot)}::bigint, 0 UNION ALL
        SELECT g.id, down.depth + 1 FROM flags g JOIN down ON g.chain_origin_id = down.id WHERE down.depth < ${p(f.maxChainDepth)}) SELECT id FROM down)`);
    }
    if (f.text !== undefined) {
      where.push(textMatch(p(containsPattern(f.text))));
    }
    if (f.since !== undefined) where.push(`created_at >= ${p(f.since)}`);
    if (f.unackedBy !== undefined) {
      where.push(`NOT (target_agent IS NULL AND EXISTS (SELECT 1 FROM flag_acks a WHERE a.flag_id = flags.id AND a.agent = ANY(${p(f.unackedBy)}::text[])))`);
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [count] = await this.rows<{ n: unknown }>(`SELECT count(*) AS n FROM flags ${clause}`, params);
    const rows = await this.rows<FlagRow>(`SELECT ${FLAG_COLUMNS} FROM flags ${clause} ORDER BY created_at DESC, id DESC
      LIMIT ${p(f.limit)} OFFSET ${p(f.offset)}`, params);
    return { total: num(count!.n), rows: rows.map(flagRow) };
  }

  async workable(now: string) {
    return (await this.rows<WorkableRow>(STATEMENTS.workable, [now], 'workable'))
      .map((r) => ({ ...r, workable: num(r.workable), held: num(r.held), top_rank: numOrNull(r.top_rank) }));
  }

  /** No cheap mark of "anything changed" across servers: the workable summary is read each time. */
  async changeMark() {
    return null;
  }
}

/** Times a transaction rolled back by a deadlock or serialization failure is run again before the caller is told 'busy'. */
const RETRIES = 4;

/** A deadlock (40P01) or serialization failure (40001): PostgreSQL rolled the whole transaction back, so running it again is safe. */
const isRetryable = (err: unknown): boolean => ['40P01', '40001'].includes(String((err as { code?: unknown } | null)?.code ?? ''));

/**
 * The refusal for a connection lost after a write's commit was sent: PostgreSQL may have stored it
 * before the answer was lost, so "nothing was stored, try again" could make a second flag.
 */
function uncertainWrite(err: unknown): CoordinatorError {
  const e = err as { code?: unknown; message?: unknown };
  const code = String(e.code ?? '');
  return new CoordinatorError('store', `the connection to PostgreSQL was lost while the write was being committed (${code || String(e.message)}); `
    + 'it may or may not have been stored: read it back (get_flag, list_flags or get_agent_flags) before trying again, or a retry may store it twice', {
    rule: 'connection_uncertain', pg_code: code || null,
  });
}

/** A failure of the connection itself (the session is then discarded rather than returned to the pool). */
export function isConnectionError(err: unknown): boolean {
  const code = String((err as { code?: unknown } | null)?.code ?? '');
  const message = String((err as { message?: unknown } | null)?.message ?? '');
  return code.startsWith('08') || code.startsWith('57P') || ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(code)
    || /Connection terminated|connection.*(closed|ended)|Client has encountered a connection error|^timeout expired$/i.test(message);
}

/** node-postgres's words when a call waited for a pooled client longer than the pool allows (every client busy). */
const isPoolWait = (err: unknown): boolean => /timeout exceeded when trying to connect/i.test(String((err as { message?: unknown } | null)?.message ?? ''));

/** PostgreSQL's SQLSTATE classes for a write the store could not take: what each means, and what to do. */
const PG_FAILURES: [prefix: string, rule: string, says: string, fix: string][] = [
  ['53', 'disk_full', 'the server ran out of a resource (disk, memory or connections)', 'free space or memory on the database server (or raise max_connections), then try again'],
  ['25006', 'read_only', 'the server is read-only (a standby, or default_transaction_read_only)',
    'point --db or COORDINATOR_DB at the primary, or turn default_transaction_read_only off for this database and role, then try again'],
  ['40', 'busy', 'the transaction was rolled back by the server (a deadlock or serialization failure)', 'try again'],
  ['55P03', 'busy', 'a lock was not granted in time', 'try again'],
  ['57014', 'busy', 'the statement timed out', 'try again (and check the server\'s statement_timeout)'],
  ['XX', 'corrupt', 'the server reported an internal error', 'have the database\'s administrator check its log, then try again'],
  ['58', 'io_error', 'the server reported an I/O error', 'have the database\'s administrator check its disks and log, then try again'],
  ['42501', 'read_only', 'the database role may not write these tables',
    'use a role that may write them, or GRANT SELECT, INSERT, UPDATE, DELETE ON flags, flag_history, flag_acks and USAGE ON ALL SEQUENCES IN SCHEMA public to this one'],
];

/** The 'store' refusal for an error PostgreSQL (or the connection to it) raised, or undefined for any other error. */
export function pgStoreFailure(err: unknown): CoordinatorError | undefined {
  if (err instanceof CoordinatorError || !(err instanceof Error)) return undefined;
  const code = String((err as { code?: unknown }).code ?? '');
  if (isPoolWait(err)) {
    return new CoordinatorError('store', 'every connection to PostgreSQL stayed busy for 60 s (other calls, or a lock held by a stuck transaction); nothing was stored, try again (and check pg_stat_activity for long transactions)', {
      rule: 'busy', pg_code: null,
    });
  }
  if (isConnectionError(err)) {
    return new CoordinatorError('store', `the connection to PostgreSQL failed (${code || err.message}); nothing was stored, try again once the server is reachable`, {
      rule: 'connection', pg_code: code || null,
    });
  }
  const hit = PG_FAILURES.find(([prefix]) => code.startsWith(prefix));
  if (!hit) return undefined;
  const [, rule, says, fix] = hit;
  return new CoordinatorError('store', `the database refused the write (${code}: ${says}; PostgreSQL said: ${err.message}); nothing was stored. To fix: ${fix}`, {
    rule, pg_code: code,
  });
}
