import type { AckOfRow, BoardCursor, BoardFilter, BoardStore, HourRow, LockEventRow, QueueHeadRow, TimingRow } from '../../board/store.js';
import { containsPattern, type FlagRow, type FlagStore } from '../../flags/store.js';
import type { PgConnector } from './connect.js';
import { FLAG_COLUMNS, flagRow, num, numOrNull, textMatch } from './flags.js';

/** The board's reads on PostgreSQL: one pooled connection per read; changes come from the flag store's LISTEN. */
export class PostgresBoardStore implements BoardStore {
  readonly dialect = 'postgres' as const;

  constructor(private readonly connector: PgConnector, private readonly flags?: FlagStore) {}

  private async rows<R>(sql: string, params: unknown[] = []): Promise<R[]> {
    const session = await this.connector.connect();
    try {
      return (await session.query<R>(sql, params)).rows;
    } finally {
      session.release();
    }
  }

  async queueHeads(now: string) {
    return (await this.rows<QueueHeadRow>(`SELECT target_agent, count(*) AS pending,
        count(*) FILTER (WHERE lock_expires_at > $1) AS held, count(*) FILTER (WHERE lock_expires_at <= $1) AS expired,
        min(impact_rank) AS top_rank, min(created_at) AS oldest
      FROM flags WHERE status = 'pending' GROUP BY target_agent`, [now]))
      .map((r) => ({ ...r, pending: num(r.pending), held: num(r.held), expired: num(r.expired), top_rank: numOrNull(r.top_rank) }));
  }

  async queueFlags(target: string | null, limit: number) {
    const rows = target === null
      ? await this.rows<FlagRow>(`SELECT ${FLAG_COLUMNS} FROM flags WHERE status = 'pending' AND target_agent IS NULL
          ORDER BY impact_rank, created_at, id LIMIT $1`, [limit])
      : await this.rows<FlagRow>(`SELECT ${FLAG_COLUMNS} FROM flags WHERE status = 'pending' AND target_agent = $1
          ORDER BY impact_rank, created_at, id LIMIT $2`, [target, limit]);
    return rows.map(flagRow);
  }

  async acksOf(flagIds: number[]) {
    if (flagIds.length === 0) return [];
    return (await this.rows<AckOfRow>('SELECT flag_id, agent, at FROM flag_acks WHERE flag_id = ANY($1::bigint[]) ORDER BY flag_id, at, agent', [flagIds]))
      .map((r) => ({ ...r, flag_id: num(r.flag_id) }));
  }

  private async perHour(column: 'created_at' | 'completed_at', since: string) {
    return (await this.rows<HourRow>(`SELECT substr(${column}, 1, 13) AS hour, count(*) AS count FROM flags
      WHERE ${column} >= $1 GROUP BY 1 ORDER BY 1`, [since])).map((r) => ({ hour: r.hour, count: num(r.count) }));
  }

  createdPerHour(since: string) {
    return this.perHour('created_at', since);
  }

  completedPerHour(since: string) {
    return this.perHour('completed_at', since);
  }

  async timings(since: string, limit: number) {
    return (await this.rows<TimingRow>(`SELECT f.id, f.target_agent, f.created_at, f.completed_at, f.completed_by,
        l.at AS first_lock_at, l.agent AS first_lock_by
      FROM flags f LEFT JOIN LATERAL (SELECT h.at, h.agent FROM flag_history h
        WHERE h.flag_id = f.id AND h.action IN ('locked', 'lock_taken_over') ORDER BY h.flag_id, h.id LIMIT 1) l ON true
      WHERE f.created_at >= $1 AND f.target_agent IS NOT NULL ORDER BY f.created_at DESC LIMIT $2`, [since, limit]))
      .map((r) => ({ ...r, id: num(r.id) }));
  }

  async expiredLocks(now: string, limit: number) {
    return (await this.rows<FlagRow>(`SELECT ${FLAG_COLUMNS} FROM flags WHERE status = 'pending' AND lock_expires_at IS NOT NULL AND lock_expires_at <= $1
      ORDER BY lock_expires_at, id LIMIT $2`, [now, limit])).map(flagRow);
  }

  async lockOf(id: number) {
    const [row] = await this.rows<{ locked_by: string | null; lock_expires_at: string | null }>('SELECT locked_by, lock_expires_at FROM flags WHERE id = $1', [id]);
    return row;
  }

  async lockEvents(since: string, limit: number) {
    return (await this.rows<LockEventRow>(`SELECT flag_id, action, agent, at, details FROM flag_history
      WHERE action IN ('lock_taken_over', 'force_unlocked') AND at >= $1 ORDER BY id DESC LIMIT $2`, [since, limit]))
      .map((r) => ({ ...r, flag_id: num(r.flag_id) }));
  }

  /** The conditions of a filter other than its agents (see branches). */
  private where(f: BoardFilter, p: (v: unknown) => string): string[] {
    const where: string[] = [];
    if (f.flagType !== undefined) where.push(`flag_type = ${p(f.flagType)}`);
    if (f.impact !== undefined) where.push(`impact_level = ${p(f.impact)}`);
    if (f.status !== undefined) where.push(`status = ${p(f.status)}`);
    if (f.text !== undefined) {
      where.push(textMatch(p(containsPattern(f.text))));
    }
    return where;
  }

  /** The WHERE clauses whose union is the filter: with agents, one on target_agent and one on source_agent (an index each). */
  private branches(f: BoardFilter, params: unknown[], extra: (p: (v: unknown) => string) => string[] = () => []): string[] {
    const p = (v: unknown) => { params.push(v); return `$${params.length}`; };
    const rest = [...this.where(f, p), ...extra(p)];
    const clause = (w: string[]) => (w.length ? `WHERE ${w.join(' AND ')}` : '');
    if (f.agents === undefined) return [clause(rest)];
    const a = p(f.agents);
    return ['target_agent', 'source_agent'].map((c) => clause([`${c} = ANY(${a}::text[])`, ...rest]));
  }

  async search(f: BoardFilter, after: BoardCursor | undefined, limit: number) {
    const params: unknown[] = [];
    const parts = this.branches(f, params, (p) => (after ? [`(created_at, id) < (${p(after.created_at)}, ${p(after.id)}::bigint)`] : []));
    params.push(limit);
    const order = `ORDER BY created_at DESC, id DESC LIMIT $${params.length}`;
    const sql = parts.length === 1 ? `SELECT ${FLAG_COLUMNS} FROM flags ${parts[0]} ${order}`
      : `${parts.map((w) => `(SELECT ${FLAG_COLUMNS} FROM flags ${w} ${order})`).join(' UNION ')} ${order}`;
    return (await this.rows<FlagRow>(sql, params)).map(flagRow);
  }

  async count(f: BoardFilter, cap: number) {
    const params: unknown[] = [];
    const parts = this.branches(f, params).map((w) => `SELECT id FROM flags ${w}`);
    params.push(cap);
    const [row] = await this.rows<{ n: unknown }>(`SELECT count(*) AS n FROM (${parts.join(' UNION ')} LIMIT $${params.length}) m`, params);
    return num(row!.n);
  }

  /** Every server's writes arrive by NOTIFY on the flag store's channel (src/store/postgres/flags.ts). */
  watch(fn: () => void) {
    return this.flags?.onChange?.(() => fn()) ?? (() => undefined);
  }
}
