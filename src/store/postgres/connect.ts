import pg from 'pg';

/** One connection for the length of a transaction (a pool's client, or PGlite's only one). */
export interface PgSession {
  /**
   * name: a statement run on every call of a tool, prepared once per connection under that name
   * (parsed and planned once; later calls send only its parameters). One name, one text.
   */
  query<R = Record<string, unknown>>(text: string, params?: unknown[], name?: string): Promise<{ rows: R[] }>;
  release(broken?: boolean): void;
}

/**
 * Where the PostgreSQL store gets its connections: a node-postgres pool on a server, or PGlite in
 * the tests (one in-process connection). listen gets each payload NOTIFY sends on the channel;
 * when its connection was lost and is back, onResumed is called (what was sent meanwhile is lost).
 */
export interface PgConnector {
  connect(): Promise<PgSession>;
  listen(channel: string, fn: (payload: string) => void, onResumed?: () => void): Promise<() => Promise<void>>;
  end(): Promise<void>;
}

/** bigint (int8: ids, counts) as a JS number: ids and counts stay far below 2^53. */
const INT8 = 20;
const parseInt8 = (v: string) => Number(v);

export { isPostgresUrl, redactUrl } from './url.js';

const CONNECT_TIMEOUT_MS = 10_000;
/**
 * How long a call waits for a pooled connection while all of them are busy. Longer than the
 * connect timeout: a burst of hundreds of calls on a loaded machine queues for seconds and must
 * not fail for it (node-postgres times a queued call with the same option as a new connection,
 * so the connection's own timeout is set on the client below).
 */
const QUEUE_TIMEOUT_MS = 60_000;

/** A pooled client that gives up connecting after CONNECT_TIMEOUT_MS, whatever the pool's queue allows. */
class TimedClient extends pg.Client {
  constructor(config: pg.ClientConfig = {}) {
    super({ ...config, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  }
}
/** The listener's waits before each new attempt to reconnect: doubling from the first to the last. */
export const LISTEN_RETRY_MS = { first: 250, max: 30_000 };

export function poolConnector(url: string, options: { max?: number } = {}): PgConnector {
  const types = { getTypeParser: ((oid: number, format?: string) => (oid === INT8 ? parseInt8 : pg.types.getTypeParser(oid, format as 'text'))) as typeof pg.types.getTypeParser };
  // A server that does not answer (a dropped network, not a refused port) fails a call after
  // CONNECT_TIMEOUT_MS instead of holding it forever; a call waiting for a busy pool's next free
  // client waits up to QUEUE_TIMEOUT_MS.
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, types, application_name: 'coordinator-mcp', connectionTimeoutMillis: QUEUE_TIMEOUT_MS, Client: TimedClient });
  // An idle client that loses its server is dropped by the pool; without a listener the error would end the process.
  pool.on('error', (err) => process.stderr.write(`coordinator-mcp: PostgreSQL connection lost (${err.message}); it is replaced on the next call\n`));
  return {
    async connect() {
      const client = await pool.connect();
      return {
        query: async <R>(text: string, params?: unknown[], name?: string) =>
          (name === undefined ? client.query(text, params) : client.query({ name: `coordinator_${name}`, text, values: params })) as unknown as Promise<{ rows: R[] }>,
        release: (broken?: boolean) => client.release(broken),
      };
    },
    async listen(channel, fn, onResumed) {
      // LISTEN needs a session of its own for as long as it listens (not a pooled one: see README on
      // PgBouncer). When that session ends (a restarted server, a terminated backend, a network cut
      // that TCP keepalive finds), a new one is opened after a wait that doubles up to 30 s.
      let client: pg.Client | undefined;
      let stopped = false;
      let timer: NodeJS.Timeout | undefined;
      let wait = 0;
      let attempts = 0;
      const open = async () => {
        const c = new pg.Client({ connectionString: url, types, application_name: 'coordinator-mcp listener', keepAlive: true, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
        let lost: Error | undefined;
        c.on('error', (err) => { lost = err; });
        c.on('notification', (n) => { if (n.channel === channel && n.payload !== undefined) fn(n.payload); });
        try {
          await c.connect();
          await c.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
        } catch (err) {
          await c.end().catch(() => undefined);
          throw err;
        }
        c.once('end', () => {
          if (stopped) return;
          process.stderr.write(`coordinator-mcp: PostgreSQL listener lost (${lost?.message ?? 'the connection ended'}); reconnecting, clients are not told of other servers' flags meanwhile\n`);
          retry();
        });
        return c;
      };
      const retry = () => {
        wait = Math.min(wait === 0 ? LISTEN_RETRY_MS.first : wait * 2, LISTEN_RETRY_MS.max);
        timer = setTimeout(async () => {
          attempts++;
          try {
            client = await open();
          } catch (err) {
            if (stopped) return;
            process.stderr.write(`coordinator-mcp: PostgreSQL listener: reconnection attempt ${attempts} failed (${(err as Error).message}); next in ${Math.min(wait * 2, LISTEN_RETRY_MS.max) / 1000} s\n`);
            retry();
            return;
          }
          if (stopped) {
            await client.end().catch(() => undefined);
            return;
          }
          process.stderr.write(`coordinator-mcp: PostgreSQL listener back after ${attempts} attempt${attempts === 1 ? '' : 's'}; subscribed clients are told to read their queues again\n`);
          wait = 0;
          attempts = 0;
          onResumed?.();
        }, wait);
        timer.unref();
      };
      client = await open();
      return async () => {
        stopped = true;
        clearTimeout(timer);
        await client?.end().catch(() => undefined);
      };
    },
    end: () => pool.end(),
  };
}

/** The part of PGlite the store uses (the package is a devDependency: the tests pass an instance in). */
export interface PGliteLike {
  query<R>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
  listen(channel: string, fn: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** PGlite: one connection, so sessions take turns (a transaction holds it until released). */
export function pgliteConnector(db: PGliteLike): PgConnector {
  let tail: Promise<void> = Promise.resolve();
  return {
    async connect() {
      let free!: () => void;
      const turn = new Promise<void>((resolve) => { free = resolve; });
      const before = tail;
      tail = tail.then(() => turn);
      await before;
      return { query: (text, params) => db.query(text, params), release: () => free() };
    },
    listen: (channel, fn) => db.listen(channel, fn),
    end: () => db.close(),
  };
}
