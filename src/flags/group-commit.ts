// Group commit of create_flag across the server processes that share one database file.
//
// SQLite lets one connection write at a time. When several servers create flags at once, each
// takes the write lock in turn, re-reads the pages the others changed, writes its own WAL frames,
// and whoever finds the lock taken sleeps in SQLite's busy handler (1, 2, 5... ms). Here the
// servers of one database file elect a leader over a local socket; the others hand their creates
// to it, and it writes every create that arrived in the same turn of its event loop in one
// transaction (one savepoint each, so one refused create does not undo the others).
//
// The leader is only a shortcut: SQLite still guarantees every write. Without a leader (no socket,
// an old server, the election lost twice) a server writes itself, as it always could. If the
// leader dies or stops answering with creates in flight, the sender creates each one again under
// the same request id, "unless already stored": the look-up of the request id in the history and
// the insert share one write transaction, so a create the leader stored is answered from the store
// and never stored twice. A stuck leader cannot store it later either: each request carries a
// deadline, checked by the leader inside its write transaction, that falls before the sender gives
// up. Only creates go through the leader; locks, completions and the other writes stay direct.
import { createHash } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, realpathSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinatorError, type ErrorCode, type ErrorDetails } from '../errors.js';
import { log } from '../log.js';
import { isBusy, type DB } from '../store/db.js';
import { VERSION } from '../version.js';
import type { CreateFlagInput, Flag, FlagService } from './service.js';

/** Bumped when the messages between servers change: servers of another protocol do not meet. */
const PROTOCOL = 2;
/** A refused connect is tried once more after this long before the socket file is taken for stale. */
const STALE_SOCKET_RECHECK_MS = 100;
/** After a failed election, write directly for this long before trying again. */
const RETRY_ELECTION_MS = 1000;
/** A leader that has not answered a create in this long is given up on (it is stuck, not dead). */
const ANSWER_TIMEOUT_MS = 30_000;
/** A create sent again waits this many times for the write lock (15 s each) before its outcome is called unknown. */
const AGAIN_LOCK_ATTEMPTS = 3;
/** The rule of the leader's refusal of a request past its deadline. */
const PAST_DEADLINE = 'past_deadline';
/** A monotonic clock in milliseconds that every process on the machine shares (CLOCK_MONOTONIC). */
const monotonicMs = (): number => Number(process.hrtime.bigint() / 1_000_000n);

type Role = 'none' | 'leader' | 'follower';

interface Request {
  i: number; // the sender's sequence number
  t: string; // request id, stored in the 'created' history entry
  a: CreateFlagInput;
  d?: number; // deadline (monotonicMs): later, the sender may have given up, so the leader must not store it
  w?: number; // a create sent again: store it only if no 'created' entry after this history id has request id t
}

interface Answer {
  i: number;
  h: number; // the newest history id before the batch that held this create began
  f?: Flag;
  e?: { code: ErrorCode; message: string; details: ErrorDetails } | { message: string };
}

interface Again {
  token: string;
  /** History id before which no copy of this create can be: fixed when it is first sent again, never raised. */
  after: number;
}

interface Pending {
  token: string;
  input: CreateFlagInput;
  deadline: number; // the request's d
  after: number | undefined; // set once the create has been sent again (Again.after)
  resolve: (flag: Flag) => void;
  reject: (err: unknown) => void;
  timer: NodeJS.Timeout;
}

interface Queued {
  req: Request;
  reply: (answer: Answer) => void;
  /** false once the sender has gone: its create is then not written (it will send it again or has settled it). */
  live: () => boolean;
}

export interface GroupCommitOptions {
  /** The database file; group commit is off for ':memory:'. */
  dbPath: string;
  /** Where the socket goes (default: a private folder in the system's temporary folder). */
  socketDir?: string;
  /** false: every create is written by this process (also COORDINATOR_GROUP_COMMIT=0). */
  enabled?: boolean;
  /** How long a follower waits for the leader's answer before it writes the create itself (default 30 s). */
  answerTimeoutMs?: number;
}

/** The address the servers of one database file meet at, or undefined when there is none. */
export function meetingAddress(dbPath: string, socketDir?: string): string | undefined {
  if (dbPath === ':memory:' || dbPath === '') return undefined;
  let real: string;
  try {
    real = realpathSync(dbPath);
  } catch {
    return undefined;
  }
  // Servers of another version (another schema, other rules) meet elsewhere and write their own.
  const name = `coordinator-mcp-w${PROTOCOL}-${createHash('sha256').update(`${VERSION}\n${real}`).digest('hex').slice(0, 20)}`;
  if (process.platform === 'win32') return `\\\\.\\pipe\\${name}`;
  // A folder only this user can enter: no other user can reach the leader and write through it.
  const uid = process.getuid?.() ?? 0;
  const dir = socketDir ?? join(tmpdir(), `coordinator-mcp-${uid}`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    if (!st.isDirectory() || st.uid !== uid) return undefined;
    if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700);
  } catch {
    return undefined;
  }
  const path = join(dir, `${name}.sock`);
  return Buffer.byteLength(path) < 100 ? path : undefined; // sun_path holds 104-108 bytes
}

/** Splits a byte stream into newline-ended JSON messages. */
function onLines(socket: net.Socket, handle: (msg: unknown) => void): void {
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    let nl;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      let msg: unknown;
      try {
        msg = JSON.parse(line);
      } catch {
        socket.destroy(); // not one of ours
        return;
      }
      handle(msg);
    }
  });
}

function describeError(err: unknown): Answer['e'] {
  if (err instanceof CoordinatorError) return { code: err.code, message: err.message, details: err.details };
  return { message: (err as Error)?.message ?? String(err) };
}

function rebuildError(e: NonNullable<Answer['e']>): Error {
  if ('code' in e) return new CoordinatorError(e.code, e.message, e.details);
  return new CoordinatorError('store', `the database refused the write: ${e.message}`);
}

export class GroupCommit {
  private role: Role = 'none';
  private readonly address: string | undefined;
  private electing: Promise<void> | undefined;
  private retryAfter = 0;
  private closed = false;
  // leader
  private server: net.Server | undefined;
  private readonly peers = new Set<net.Socket>();
  private queue: Queued[] = [];
  private flushScheduled = false;
  // follower
  private link: net.Socket | undefined;
  private readonly pending = new Map<number, Pending>();
  private seq = 0;
  private readonly tokenPrefix = `${process.pid.toString(36)}.${Math.random().toString(36).slice(2, 8)}`;
  private watermark = 0;
  /** Creates sent again later, once a stuck leader can no longer store them. */
  private readonly waiting = new Map<NodeJS.Timeout, Pending>();
  private readonly answerTimeoutMs: number;

  constructor(
    private readonly db: DB,
    private readonly flags: FlagService,
    options: GroupCommitOptions,
  ) {
    const enabled = (options.enabled ?? true) && process.env.COORDINATOR_GROUP_COMMIT !== '0';
    this.address = enabled ? meetingAddress(options.dbPath, options.socketDir) : undefined;
    this.answerTimeoutMs = options.answerTimeoutMs ?? ANSWER_TIMEOUT_MS;
  }

  /** 'leader', 'follower', or 'none' (this process writes its own creates). */
  get state(): Role {
    return this.role;
  }

  /** Creates a flag: through the leader when there is one, else here. Refusals are those of FlagService.create. */
  create(input: CreateFlagInput): Promise<Flag> {
    return this.submit(input);
  }

  /** again: a create sent before under this request id, whose fate is unknown: stored once at most. */
  private async submit(input: CreateFlagInput, again?: Again): Promise<Flag> {
    if (this.role === 'none' && this.address && !this.closed && Date.now() >= this.retryAfter) await this.elect();
    if (this.role === 'follower' && this.link) {
      if (!again) this.flags.checkCreate(input); // refuse bad arguments here, without a round trip
      return this.send(input, again);
    }
    if (this.role === 'leader' && (this.queue.length > 0 || this.flushScheduled)) {
      return new Promise<Flag>((resolve, reject) => {
        const req: Request = again ? { i: 0, t: again.token, a: input, w: again.after } : { i: 0, t: '', a: input };
        this.enqueue({ req, reply: (a) => (a.f ? resolve(a.f) : reject(rebuildError(a.e!))), live: () => true });
      });
    }
    return again ? this.createOnceHere(input, again) : this.flags.create(input);
  }

  /**
   * Writes a create sent before, unless it is stored. A leader stuck inside its transaction holds
   * the write lock: this waits for it to end (SQLite's busy timeout, a few times over) rather than
   * answer "locked" for a create that leader may yet commit.
   */
  private async createOnceHere(input: CreateFlagInput, again: Again): Promise<Flag> {
    for (let attempt = 1; ; attempt++) {
      try {
        return this.flags.createOnce(input, again.token, again.after);
      } catch (err) {
        if (!isBusy(err)) throw err;
        if (attempt >= AGAIN_LOCK_ATTEMPTS) {
          throw new CoordinatorError('store', `another server process has held the database's write lock through ${attempt} waits, with this create `
            + `(request ${again.token}) handed to it; whether the flag was stored is unknown: look for it with list_flags before creating it again`);
        }
        await new Promise((r) => setImmediate(r));
      }
    }
  }

  /** Leader: answers what is queued, then stops listening. Follower: leaves. Creates after this are written here. */
  close(): void {
    this.closed = true;
    if (this.role === 'leader') {
      this.flush();
      this.server?.close();
      for (const p of this.peers) p.end();
    }
    // A follower's creates in flight may still be stored by a leader that is alive: this process
    // neither waits for them nor writes them again (it is going away, and so is its client).
    const unsettled = [...this.pending.values(), ...this.waiting.values()];
    for (const t of this.waiting.keys()) clearTimeout(t);
    this.waiting.clear();
    this.pending.clear();
    const link = this.link;
    this.link = undefined;
    link?.destroy();
    this.role = 'none';
    for (const p of unsettled) {
      clearTimeout(p.timer);
      p.reject(new CoordinatorError('store', `the server is shutting down; this create (request ${p.token}) was handed to another server process and may or may not be stored`));
    }
  }

  // ------------------------------------------------------------------------------------------
  // Election

  private elect(): Promise<void> {
    this.electing ??= this.runElection().finally(() => {
      this.electing = undefined;
    });
    return this.electing;
  }

  private async runElection(): Promise<void> {
    const address = this.address!;
    for (let attempt = 0; attempt < 2 && !this.closed; attempt++) {
      const server = await this.listen(address);
      if (server) {
        this.lead(server);
        return;
      }
      let link = await this.dial(address);
      // Refused: a leader that died left its socket file behind, or a new one has bound the
      // address and not yet called listen (a process can be descheduled in between): ask again
      // a moment later before taking the file for a dead leader's.
      if (link === 'ECONNREFUSED') {
        await new Promise((r) => setTimeout(r, STALE_SOCKET_RECHECK_MS));
        link = await this.dial(address);
      }
      if (link instanceof net.Socket) {
        this.follow(link);
        return;
      }
      // Still refused: nobody listens. Any other failure (a full backlog, say) leaves the file
      // alone: its leader may be alive.
      if (link === 'ECONNREFUSED' && process.platform !== 'win32') {
        try {
          unlinkSync(address);
        } catch {
          // gone already, or another server removed it
        }
      }
    }
    this.retryAfter = Date.now() + RETRY_ELECTION_MS;
  }

  private listen(address: string): Promise<net.Server | undefined> {
    return new Promise((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(undefined));
      server.listen(address, () => {
        server.removeAllListeners('error');
        resolve(server);
      });
    });
  }

  /** The link, or the error code of the failed connect. */
  private dial(address: string): Promise<net.Socket | string> {
    return new Promise((resolve) => {
      const link = net.connect(address);
      link.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'unknown'));
      link.once('connect', () => {
        link.removeAllListeners('error');
        resolve(link);
      });
    });
  }

  // ------------------------------------------------------------------------------------------
  // Leader

  private lead(server: net.Server): void {
    if (this.closed) {
      server.close();
      return;
    }
    this.role = 'leader';
    this.server = server;
    server.unref();
    server.on('error', (err) => log.warn('group commit: the leader socket failed; writing directly', err));
    server.on('connection', (peer) => {
      peer.unref();
      peer.setNoDelay(true);
      this.peers.add(peer);
      peer.on('error', () => peer.destroy());
      peer.on('close', () => this.peers.delete(peer));
      const reply = (answer: Answer) => {
        if (!peer.destroyed) peer.write(`${JSON.stringify(answer)}\n`);
      };
      onLines(peer, (msg) => {
        const req = msg as Request;
        if (typeof req?.i !== 'number' || typeof req.t !== 'string' || typeof req.a !== 'object' || req.a === null
          || (req.d !== undefined && typeof req.d !== 'number') || (req.w !== undefined && typeof req.w !== 'number')) {
          peer.destroy();
          return;
        }
        this.enqueue({ req, reply, live: () => !peer.destroyed && !peer.readableEnded });
      });
    });
  }

  private enqueue(q: Queued): void {
    this.queue.push(q);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      // Every create that arrives in this turn of the event loop joins the batch.
      setImmediate(() => this.flush());
    }
  }

  /** Writes every queued create in one transaction, one savepoint each, and answers each. */
  private flush(): void {
    this.flushScheduled = false;
    const batch = this.queue.filter((q) => q.live());
    this.queue = [];
    if (batch.length === 0) return;
    let answers: Answer[];
    try {
      answers = this.db.transaction(() => {
        const before = this.flags.lastHistoryId();
        return batch.map(({ req }): Answer => {
          try {
            // Checked while this transaction holds the write lock: a sender writes a create itself
            // only after its deadline, in a transaction that waits for this one to end.
            if (req.d !== undefined && monotonicMs() >= req.d) {
              throw new CoordinatorError('store', 'the create reached the leader after its deadline; it was not stored', { rule: PAST_DEADLINE });
            }
            const f = req.w !== undefined ? this.flags.createOnce(req.a, req.t, req.w) : this.flags.create(req.a, req.t || undefined);
            return { i: req.i, h: before, f };
          } catch (err) {
            return { i: req.i, h: before, e: describeError(err) };
          }
        });
      }).immediate();
    } catch (err) {
      // The transaction itself failed (the disk, the lock timeout): nothing of it was stored.
      answers = batch.map(({ req }) => ({ i: req.i, h: 0, e: describeError(err) }));
    }
    for (const [k, q] of batch.entries()) q.reply(answers[k]!);
  }

  // ------------------------------------------------------------------------------------------
  // Follower

  private follow(link: net.Socket): void {
    if (this.closed) {
      link.destroy();
      return;
    }
    // Creates the leader stores from now on get history ids above this mark.
    this.watermark = this.flags.lastHistoryId();
    this.role = 'follower';
    this.link = link;
    link.unref();
    link.setNoDelay(true);
    onLines(link, (msg) => this.onAnswer(msg as Answer));
    link.on('error', () => link.destroy());
    link.on('close', () => this.onLeaderGone(link));
  }

  private send(input: CreateFlagInput, again?: Again): Promise<Flag> {
    const i = ++this.seq;
    const token = again?.token ?? `${this.tokenPrefix}.${i.toString(36)}`;
    // The leader stores nothing after the deadline; this process gives up a little later (timers
    // are not exact), and only then writes the create itself.
    const d = monotonicMs() + this.answerTimeoutMs - Math.min(1000, this.answerTimeoutMs / 4);
    return new Promise<Flag>((resolve, reject) => {
      const timer = setTimeout(() => this.giveUp(), this.answerTimeoutMs);
      timer.unref();
      this.pending.set(i, { token, input, deadline: d, after: again?.after, resolve, reject, timer });
      const req: Request = again ? { i, t: token, a: input, d, w: again.after } : { i, t: token, a: input, d };
      this.link!.write(`${JSON.stringify(req)}\n`);
    });
  }

  private onAnswer(answer: Answer): void {
    const p = this.pending.get(answer?.i);
    if (!p) return;
    this.pending.delete(answer.i);
    clearTimeout(p.timer);
    // Refused for being late: the leader did not store it and will not, so send it again (with a
    // new deadline); "unless stored", should an earlier leader have stored it.
    const again = this.againOf(p);
    if (answer.h > this.watermark) this.watermark = answer.h;
    if (answer.f) p.resolve(answer.f);
    else if (answer.e && 'details' in answer.e && answer.e.details.rule === PAST_DEADLINE) this.submit(p.input, again).then(p.resolve, p.reject);
    else p.reject(rebuildError(answer.e ?? { message: 'the leader sent an empty answer' }));
  }

  /** A create in flight, to send again: its first watermark is kept for good (a later one may be past its copy). */
  private againOf(p: Pending): Again {
    return { token: p.token, after: p.after ?? this.watermark };
  }

  /** The leader is stuck: leave it. Its creates in flight are sent again once it can no longer store them. */
  private giveUp(): void {
    const link = this.link;
    if (!link) return;
    log.warn(`group commit: the leader has not answered for ${this.answerTimeoutMs / 1000} s; writing directly`);
    this.retryAfter = Date.now() + this.answerTimeoutMs;
    this.leave(true);
    link.destroy();
  }

  /** The link to the leader closed: the leader died or left. */
  private onLeaderGone(link: net.Socket): void {
    if (this.link === link) this.leave(false);
  }

  /**
   * Each create in flight is created again under its request id, "unless already stored" (see
   * FlagService.createOnce), here or by a new leader. A dead leader stores nothing more; a stuck
   * one may, until each request's deadline: those are sent again only after it.
   */
  private leave(stuck: boolean): void {
    this.link = undefined;
    this.role = 'none';
    const unanswered = [...this.pending.values()];
    this.pending.clear();
    for (const p of unanswered) {
      clearTimeout(p.timer);
      const again = this.againOf(p);
      const resend = () => void this.submit(p.input, again).then(p.resolve, p.reject);
      const wait = stuck ? p.deadline - monotonicMs() + 1 : 0;
      if (wait <= 0) {
        resend();
        continue;
      }
      const timer = setTimeout(() => {
        this.waiting.delete(timer);
        resend();
      }, wait);
      this.waiting.set(timer, { ...p, after: again.after });
    }
  }
}
