// Group commit (src/flags/group-commit.ts): servers sharing a database file hand their creates to
// one leader. These tests run several members in one process, each with its own connection, and
// play a leader by hand where a leader must fail at a precise moment.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CoordinatorError } from '../../src/errors.js';
import { GroupCommit, meetingAddress } from '../../src/flags/group-commit.js';
import { FlagService } from '../../src/flags/service.js';
import { openStore, type DB } from '../../src/store/db.js';
import { flagInput, tempDir } from '../helpers/tmp.js';

interface Member {
  db: DB;
  flags: FlagService;
  gc: GroupCommit;
}

const members: Member[] = [];
afterEach(() => {
  while (members.length) {
    const m = members.pop()!;
    m.gc.close();
    if (m.db.open) m.db.close();
  }
});

function member(file: string, socketDir: string, enabled = true, answerTimeoutMs?: number): Member {
  const db = openStore(file);
  const flags = new FlagService(db);
  const m = { db, flags, gc: new GroupCommit(db, flags, { dbPath: file, socketDir, enabled, answerTimeoutMs }) };
  members.push(m);
  return m;
}

function setup() {
  const dir = tempDir();
  const sockets = join(dir, 'sockets');
  const file = join(dir, 'flags.db');
  openStore(file).close();
  return { file, sockets };
}

const rows = (db: DB) => db.prepare('SELECT count(*) FROM flags').pluck().get() as number;
const createdDetails = (db: DB, id: number) =>
  JSON.parse(db.prepare("SELECT details FROM flag_history WHERE flag_id = ? AND action = 'created'").pluck().get(id) as string) as Record<string, unknown>;

/** CLOCK_MONOTONIC in milliseconds, the clock of the requests' deadlines. */
const monotonicMs = () => Number(process.hrtime.bigint() / 1_000_000n);

interface WireRequest {
  i: number;
  t: string;
  a: Record<string, unknown>;
  d?: number;
  w?: number;
}

/**
 * A leader in another process that takes the write lock, stores the first create it is handed
 * (with its request id), and stays stuck in the transaction, holding the lock, for holdMs.
 */
async function stuckWriter(file: string, address: string, holdMs: number) {
  const script = `
    const Database = require(${JSON.stringify(createRequire(import.meta.url).resolve('better-sqlite3'))});
    const db = new Database(${JSON.stringify(file)});
    require('node:net').createServer((peer) => {
      peer.once('data', (chunk) => {
        const req = JSON.parse(String(chunk).split('\\n')[0]);
        const now = new Date().toISOString();
        db.exec('BEGIN IMMEDIATE');
        const id = db.prepare("INSERT INTO flags (flag_type, source_agent, target_agent, change_description, action_required, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
          .run(req.a.flag_type, req.a.source_agent, req.a.target_agent, req.a.change_description, req.a.action_required, now, now).lastInsertRowid;
        db.prepare("INSERT INTO flag_history (flag_id, action, agent, at, details) VALUES (?, 'created', ?, ?, ?)")
          .run(id, req.a.source_agent, now, JSON.stringify({ request_id: req.t }));
        process.stdout.write('stored ' + id + '\\n');
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${holdMs}); // stuck
        db.exec('COMMIT');
        process.exit(0);
      });
    }).listen(${JSON.stringify(address)}, () => process.stdout.write('listening\\n'));`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((r) => child.on('exit', r));
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += String(c)));
  await expect.poll(() => out, { timeout: 10_000 }).toContain('listening');
  return { exited, storedId: () => Number(/stored (\d+)/.exec(out)![1]) };
}

/** A stand-in leader at the meeting address: handles each request line with onRequest. */
function fakeLeader(address: string, onRequest: (req: WireRequest, peer: net.Socket, server: net.Server) => void) {
  const server = net.createServer((peer) => {
    let buf = '';
    peer.setEncoding('utf8');
    peer.on('data', (chunk: string) => {
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        onRequest(JSON.parse(line), peer, server);
      }
    });
    peer.on('error', () => {});
  });
  return new Promise<net.Server>((resolve) => server.listen(address, () => resolve(server)));
}

describe('group commit between servers sharing a file', () => {
  it('elects the first member to write as leader; the next one hands its creates over and gets the stored flag back', async () => {
    const { file, sockets } = setup();
    const a = member(file, sockets);
    const b = member(file, sockets);
    const first = await a.gc.create(flagInput({ source_agent: '@team.a' }) as never);
    expect(a.gc.state).toBe('leader');
    const second = await b.gc.create(flagInput({ source_agent: '@team.b', impact_level: 'high', related_files: ['src/users.ts'] }) as never);
    expect(b.gc.state).toBe('follower');
    expect(second.id).toBe(first.id + 1);
    expect(second).toEqual(b.flags.get(second.id).flag);
    expect(second).toMatchObject({ source_agent: '@team.b', impact_level: 'high', related_files: ['src/users.ts'], status: 'pending' });
    // Written by the leader, with the follower's request id kept for recovery.
    expect(createdDetails(a.db, second.id).request_id).toMatch(/^[0-9a-z]+\.[0-9a-z]+\.[0-9a-z]+$/);
    expect(createdDetails(a.db, first.id).request_id).toBeUndefined();
    expect(rows(a.db)).toBe(2);
  });

  it('writes a burst of creates from several followers, with a refused one among them undoing nothing', async () => {
    const { file, sockets } = setup();
    const leader = member(file, sockets);
    await leader.gc.create(flagInput() as never);
    const followers = [member(file, sockets), member(file, sockets), member(file, sockets)];
    await Promise.all(followers.map((f) => f.gc.create(flagInput() as never)));
    expect(followers.map((f) => f.gc.state)).toEqual(['follower', 'follower', 'follower']);
    const calls = followers.flatMap((f, p) => Array.from({ length: 30 }, (_x, n) =>
      f.gc.create(flagInput({ source_agent: `@proc.p${p}`, context: { p, n }, ...(n === 7 ? { chain_origin_id: 999_999 } : {}) }) as never)
        .then((flag) => ({ flag }), (error: unknown) => ({ error }))));
    const results = await Promise.all(calls);
    const refused = results.filter((r) => 'error' in r);
    expect(refused).toHaveLength(3);
    for (const r of refused) {
      const err = (r as { error: CoordinatorError }).error;
      expect(err).toBeInstanceOf(CoordinatorError);
      expect(err.code).toBe('not_found');
      expect(err.details).toMatchObject({ field: 'chain_origin_id', rule: 'exists' });
    }
    const ids = results.flatMap((r) => ('flag' in r ? [r.flag.id] : []));
    expect(new Set(ids).size).toBe(87);
    expect(rows(leader.db)).toBe(1 + 3 + 87);
    expect(leader.db.prepare("SELECT count(*) FROM flags WHERE json_extract(context, '$.n') = 7").pluck().get()).toBe(0);
    expect(leader.db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('refuses bad arguments in the follower with the same error a direct create gives', async () => {
    const { file, sockets } = setup();
    const a = member(file, sockets);
    const b = member(file, sockets);
    await a.gc.create(flagInput() as never);
    await b.gc.create(flagInput() as never);
    const bad = flagInput({ action_required: 'too short' });
    const viaFollower = await b.gc.create(bad as never).catch((e: unknown) => e as CoordinatorError);
    const direct = (() => {
      try {
        a.flags.create(bad as never);
      } catch (e) {
        return e as CoordinatorError;
      }
      return undefined;
    })();
    expect(viaFollower).toBeInstanceOf(CoordinatorError);
    expect((viaFollower as CoordinatorError).toJSON()).toEqual(direct!.toJSON());
    expect((viaFollower as CoordinatorError).details).toMatchObject({ field: 'action_required', rule: 'min_length' });
    expect(rows(a.db)).toBe(2);
  });

  it('takes over when the leader leaves: the follower becomes the leader and goes on writing', async () => {
    const { file, sockets } = setup();
    const a = member(file, sockets);
    const b = member(file, sockets);
    await a.gc.create(flagInput() as never);
    await b.gc.create(flagInput() as never);
    expect(b.gc.state).toBe('follower');
    a.gc.close();
    await new Promise((r) => setTimeout(r, 50)); // the follower sees the link close
    const after = await b.gc.create(flagInput({ source_agent: '@team.after' }) as never);
    expect(b.gc.state).toBe('leader');
    expect(after.source_agent).toBe('@team.after');
    const c = member(file, sockets);
    await c.gc.create(flagInput() as never);
    expect(c.gc.state).toBe('follower');
    expect(rows(b.db)).toBe(4);
  });

  it('answers from the store when the leader wrote the create and died before answering', async () => {
    const { file, sockets } = setup();
    const address = meetingAddress(file, sockets);
    expect(address).toBeDefined();
    const store = member(file, sockets, false); // the fake leader's own connection
    const server = await fakeLeader(address!, (req, peer, srv) => {
      store.flags.create(req.a as never, req.t); // stored, then the "leader" dies
      peer.destroy();
      srv.close();
    });
    const b = member(file, sockets);
    const flag = await b.gc.create(flagInput({ source_agent: '@team.recovered' }) as never);
    expect(flag.source_agent).toBe('@team.recovered');
    expect(rows(b.db)).toBe(1); // not written a second time
    expect(flag).toEqual(b.flags.get(flag.id).flag);
    server.close();
  });

  it('sends the create again when the leader died without writing it, and stores it once', async () => {
    const { file, sockets } = setup();
    const address = meetingAddress(file, sockets)!;
    let seen = 0;
    await fakeLeader(address, (_req, peer, srv) => {
      seen++;
      peer.destroy();
      srv.close();
    });
    const b = member(file, sockets);
    const flag = await b.gc.create(flagInput({ source_agent: '@team.again' }) as never);
    expect(seen).toBe(1);
    expect(flag.source_agent).toBe('@team.again');
    expect(rows(b.db)).toBe(1);
    expect(b.gc.state).toBe('leader'); // the address was free again: it took it
  });

  it('clears the socket a killed leader left behind and leads in its place', async () => {
    const { file, sockets } = setup();
    const address = meetingAddress(file, sockets)!;
    // A process that listens at the address and is killed with SIGKILL, leaving its socket file.
    const child = spawn(process.execPath, ['-e', `require('node:net').createServer().listen(${JSON.stringify(address)}, () => process.kill(process.pid, 'SIGKILL'))`]);
    await new Promise((r) => child.on('exit', r));
    expect(existsSync(address)).toBe(true);
    const b = member(file, sockets);
    await b.gc.create(flagInput() as never);
    expect(b.gc.state).toBe('leader');
    expect(rows(b.db)).toBe(1);
  });

  it('writes directly when group commit is off, or for an in-memory database', async () => {
    const { file, sockets } = setup();
    const off = member(file, sockets, false);
    await off.gc.create(flagInput() as never);
    expect(off.gc.state).toBe('none');
    expect(meetingAddress(':memory:', sockets)).toBeUndefined();
    const db = openStore(':memory:');
    const flags = new FlagService(db);
    const mem = new GroupCommit(db, flags, { dbPath: ':memory:', socketDir: sockets });
    expect((await mem.create(flagInput() as never)).id).toBe(1);
    expect(mem.state).toBe('none');
    db.close();
    const prev = process.env.COORDINATOR_GROUP_COMMIT;
    process.env.COORDINATOR_GROUP_COMMIT = '0';
    try {
      const env = member(file, sockets);
      await env.gc.create(flagInput() as never);
      expect(env.gc.state).toBe('none');
    } finally {
      if (prev === undefined) delete process.env.COORDINATOR_GROUP_COMMIT;
      else process.env.COORDINATOR_GROUP_COMMIT = prev;
    }
  });

  it('meets in a folder only this user can enter, one address per database file', () => {
    const { file, sockets } = setup();
    mkdirSync(sockets, { mode: 0o755 });
    const address = meetingAddress(file, sockets);
    expect(address).toBeDefined();
    if (process.platform !== 'win32') expect(statSync(sockets).mode & 0o777).toBe(0o700);
    expect(meetingAddress(file, sockets)).toBe(address);
    expect(meetingAddress(`${file}.other`, sockets)).toBeUndefined(); // no such file yet
    openStore(`${file}.other`).close();
    expect(meetingAddress(`${file}.other`, sockets)).not.toBe(address);
  });

  it('stores nothing that reaches the leader after its deadline, and answers that it was not stored', async () => {
    const { file, sockets } = setup();
    const a = member(file, sockets);
    await a.gc.create(flagInput() as never);
    expect(a.gc.state).toBe('leader');
    const link = net.connect(meetingAddress(file, sockets)!);
    await new Promise((r) => link.once('connect', r));
    const answers: Record<string, unknown>[] = [];
    let buf = '';
    link.setEncoding('utf8');
    link.on('data', (chunk: string) => {
      buf += chunk;
      for (let nl; (nl = buf.indexOf('\n')) >= 0; buf = buf.slice(nl + 1)) answers.push(JSON.parse(buf.slice(0, nl)) as Record<string, unknown>);
    });
    const late: WireRequest = { i: 1, t: 'test.late', a: flagInput({ source_agent: '@team.late' }), d: monotonicMs() - 1 };
    const timely: WireRequest = { i: 2, t: 'test.timely', a: flagInput({ source_agent: '@team.timely' }), d: monotonicMs() + 60_000 };
    link.write(`${JSON.stringify(late)}\n${JSON.stringify(timely)}\n`);
    await expect.poll(() => answers.length).toBe(2);
    link.destroy();
    const [first, second] = [answers.find((x) => x.i === 1)!, answers.find((x) => x.i === 2)!];
    expect(first.f).toBeUndefined();
    expect(first.e).toMatchObject({ code: 'store', details: { rule: 'past_deadline' } });
    expect((first.e as { message: string }).message).toMatch(/after its deadline; it was not stored/);
    expect((second.f as { source_agent: string }).source_agent).toBe('@team.timely');
    expect(a.db.prepare('SELECT source_agent FROM flags ORDER BY id').pluck().all()).toEqual(['@backend.api', '@team.timely']);
  });

  it('gives up on a leader stuck in its write, and answers with its create once it commits instead of storing it twice', async () => {
    const { file, sockets } = setup();
    const leader = await stuckWriter(file, meetingAddress(file, sockets)!, 1200);
    const b = member(file, sockets, true, 400);
    b.db.pragma('busy_timeout = 600'); // SQLite's wait for the lock, 15 s in the server: the leader outlasts it once
    const flag = await b.gc.create(flagInput({ source_agent: '@team.patient' }) as never);
    await leader.exited;
    expect(flag.id).toBe(leader.storedId());
    expect(flag.source_agent).toBe('@team.patient');
    expect(rows(b.db)).toBe(1);
  });

  it('says the outcome is unknown, not "locked", when a stuck leader holds the lock through every wait', async () => {
    const { file, sockets } = setup();
    const leader = await stuckWriter(file, meetingAddress(file, sockets)!, 2500);
    const b = member(file, sockets, true, 400);
    b.db.pragma('busy_timeout = 300');
    const err = await b.gc.create(flagInput({ source_agent: '@team.unknown' }) as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CoordinatorError);
    expect((err as Error).message).toMatch(/whether the flag was stored is unknown: look for it with list_flags/);
    await leader.exited;
    expect(rows(b.db)).toBe(1); // the leader's, once it committed
  });

  it('sends the later creates of a stuck leader again only after their deadlines, when that leader can no longer store them', async () => {
    const { file, sockets } = setup();
    const address = meetingAddress(file, sockets)!;
    const store = member(file, sockets, false);
    let storedLate: number | undefined;
    let lateDeadline = 0;
    // Never answers while the follower waits. When the follower leaves, it wakes up and stores
    // what it had read, as the real leader would: only what is still within its deadline.
    const server = await fakeLeader(address, (req, peer) => {
      if (req.a.source_agent !== '@team.second') return;
      lateDeadline = req.d!;
      peer.on('close', () => {
        if (monotonicMs() < req.d!) storedLate = store.flags.create(req.a as never, req.t).id;
      });
    });
    const b = member(file, sockets, true, 4000); // deadlines 3 s after sending
    const first = b.gc.create(flagInput({ source_agent: '@team.first' }) as never);
    await new Promise((r) => setTimeout(r, 2000));
    const second = b.gc.create(flagInput({ source_agent: '@team.second' }) as never);
    const firstFlag = await first; // given up on at 4 s: written here, its deadline past
    expect(firstFlag.source_agent).toBe('@team.first');
    const secondFlag = await second; // its deadline (5 s) was still ahead when the follower left
    expect(storedLate).toBeDefined();
    expect(monotonicMs()).toBeGreaterThanOrEqual(lateDeadline);
    expect(secondFlag.id).toBe(storedLate);
    expect(secondFlag.source_agent).toBe('@team.second');
    expect(rows(b.db)).toBe(2);
    server.close();
  });

  it('sends an unanswered create to the new leader, which answers with the flag the old one stored', async () => {
    const { file, sockets } = setup();
    const address = meetingAddress(file, sockets)!;
    const store = member(file, sockets, false);
    let storedId = 0;
    let oldPeer: net.Socket | undefined;
    await fakeLeader(address, (req, peer, srv) => {
      storedId = store.flags.create(req.a as never, req.t).id; // stored; the leader is about to die
      oldPeer = peer;
      srv.close(); // the address is free: another member can lead
    });
    const b = member(file, sockets);
    const pending = b.gc.create(flagInput({ source_agent: '@team.handed' }) as never);
    await expect.poll(() => storedId).toBeGreaterThan(0);
    const c = member(file, sockets);
    await c.gc.create(flagInput({ source_agent: '@team.newleader' }) as never);
    expect(c.gc.state).toBe('leader');
    oldPeer!.destroy(); // the old leader dies without answering
    const flag = await pending;
    expect(b.gc.state).toBe('follower'); // it sent the create again, to c
    expect(flag.id).toBe(storedId);
    expect(rows(b.db)).toBe(2);
  });

  it('keeps the first watermark of a create sent again: losing a second leader does not store it twice', async () => {
    const { file, sockets } = setup();
    const address = meetingAddress(file, sockets)!;
    const store = member(file, sockets, false);
    const seen: WireRequest[] = [];
    await fakeLeader(address, (req, peer, first) => {
      seen.push(req);
      store.flags.create(req.a as never, req.t); // the first leader stores it...
      first.close();
      // ...a second one takes the address, and the first dies before answering
      void fakeLeader(address, (again, peer2, second) => {
        seen.push(again);
        second.close();
        peer2.destroy(); // the second leader dies too, without answering
      }).then(() => peer.destroy());
    });
    const b = member(file, sockets);
    const flag = await b.gc.create(flagInput({ source_agent: '@team.twice' }) as never);
    expect(seen.map((r) => r.t)).toEqual([seen[0]!.t, seen[0]!.t]);
    expect(seen[1]!.w).toBe(0);
    expect(flag.source_agent).toBe('@team.twice');
    expect(rows(b.db)).toBe(1);
  });

  it('sends again a create the leader refused for coming after its deadline, before the follower gave up', async () => {
    const { file, sockets } = setup();
    const a = member(file, sockets);
    await a.gc.create(flagInput() as never);
    const b = member(file, sockets, true, 2000); // deadline 1.5 s after sending; gives up at 2 s
    await b.gc.create(flagInput() as never);
    expect(b.gc.state).toBe('follower');
    const late = b.gc.create(flagInput({ source_agent: '@team.late' }) as never);
    await new Promise((r) => setImmediate(r));
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1750); // the leader (this process) stalls past the deadline
    const flag = await late;
    expect(flag.source_agent).toBe('@team.late');
    expect(a.db.prepare("SELECT count(*) FROM flags WHERE source_agent = '@team.late'").pluck().get()).toBe(1);
  });

  it('writes a create made right after giving up on the leader at once', async () => {
    const { file, sockets } = setup();
    await fakeLeader(meetingAddress(file, sockets)!, () => {}); // never answers
    const b = member(file, sockets, true, 2000);
    const first = b.gc.create(flagInput({ source_agent: '@team.first' }) as never);
    await expect.poll(() => b.gc.state).toBe('follower');
    (b.gc as unknown as { giveUp(): void }).giveUp(); // what the answer timer does
    expect(b.gc.state).toBe('none');
    const t0 = monotonicMs();
    const second = await b.gc.create(flagInput({ source_agent: '@team.second' }) as never);
    expect(second.source_agent).toBe('@team.second');
    expect(monotonicMs() - t0).toBeLessThan(1000); // not after the first create's deadline (1.5 s)
    expect((await first).source_agent).toBe('@team.first');
    expect(rows(b.db)).toBe(2);
  });

  it('on close, refuses its creates in flight instead of writing them again while a live leader may store them', async () => {
    const { file, sockets } = setup();
    const store = member(file, sockets, false);
    let got = false;
    await fakeLeader(meetingAddress(file, sockets)!, (req) => {
      got = true;
      setTimeout(() => store.flags.create(req.a as never, req.t), 300); // a live leader, slow to write
    });
    const b = member(file, sockets);
    const pending = b.gc.create(flagInput({ source_agent: '@team.closing' }) as never).catch((e: unknown) => e);
    await expect.poll(() => got).toBe(true);
    b.gc.close();
    expect(((await pending) as Error).message).toMatch(/shutting down; this create .* may or may not be stored/);
    await new Promise((r) => setTimeout(r, 500));
    expect(rows(b.db)).toBe(1); // the leader's only
  });
});
