#!/usr/bin/env node
// coordinator-mcp benchmark: `npm run bench` (builds first). Measures
//   1. spawn -> tools/list latency of dist/index.js beside a one-tool server on the same SDK,
//   2. per-tool round trips over stdio on a database of 100,000 flags,
//   3. create_flag throughput of 1, 4 and 8 server processes sharing one database file, each
//      driven by its own client process (bench/throughput-worker.mjs).
// Prints tables to stdout and writes the raw numbers to bench/results.json.
import Database from 'better-sqlite3';
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { agentHandles, createArgs, makeContent, makeShape } from './content.mjs';
import {
  Recorder, closeAll, connect, fmt, killAllSync, machineCpuTicks, msSince, nowNs, rng, summarize, table, timedCall,
} from './lib.mjs';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH_DIR);
const SERVER = join(ROOT, 'dist', 'index.js');
const ONE_TOOL = join(BENCH_DIR, 'one-tool-server.mjs');
const RESULTS = join(BENCH_DIR, 'results.json');
const WORKER = join(BENCH_DIR, 'throughput-worker.mjs');

const CONFIG = {
  spawn_runs: 15, // per server, alternating
  seed_flags: 100_000,
  seed_agents: 200,
  seed_pending_fraction: 0.1, // on average; newer flags are more often pending
  seed_broadcast_fraction: 0.005,
  seed_locked_fraction_of_pending: 0.03,
  warmup_calls: 50,
  create_calls: 2000,
  queue_calls: 2000,
  lock_complete_calls: 300,
  list_calls_per_variant: 150,
  get_flag_calls: 300,
  workable_calls: 100,
  ping_calls: 500,
  echo_calls: 500,
  throughput_seconds: 3, // timed window of each run: every worker calls until it ends
  throughput_max_calls_per_process: 100_000, // a safety cap only
  throughput_warmup_per_process: 100,
  throughput_process_counts: [1, 4, 8], // each a server process driven by its own client process
  throughput_rounds: 5, // every count once per round, order alternated; the median round is reported
  throughput_run_timeout_s: 120,
};

const TARGETS = { spawn_ratio: 1.2, create_p50_ms: 0.5, queue_p50_ms: 1 };

if (!existsSync(SERVER)) {
  console.error(`bench: ${SERVER} is missing; run npm run build first (npm run bench does)`);
  process.exit(1);
}

const tmp = mkdtempSync(join(os.tmpdir(), 'coordinator-bench-'));
let cleaned = false;
const workers = new Set(); // live throughput worker processes (section 3)
// BENCH_KEEP_TMP=1 keeps the databases for inspection; BENCH_ONLY=latency (comma list of
// spawn, latency, throughput) runs only those sections.
const KEEP_TMP = process.env.BENCH_KEEP_TMP === '1';
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map((s) => s.trim())) : null;
function cleanupSync() {
  if (cleaned) return;
  cleaned = true;
  killAllSync();
  // Throughput workers: SIGKILL too; their servers see the end of stdin and exit.
  for (const child of workers) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  if (KEEP_TMP) process.stderr.write(`bench: kept ${tmp}\n`);
  else rmSync(tmp, { recursive: true, force: true });
}
process.on('exit', cleanupSync);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    console.error(`\nbench: ${sig}, cleaning up`);
    cleanupSync();
    process.exit(130);
  });
}

const { openStore } = await import(join(ROOT, 'dist', 'store', 'db.js'));

const log = (s = '') => process.stdout.write(`${s}\n`);
const progress = (s) => process.stderr.write(`  .. ${s}\n`);
const results = { started_at: new Date().toISOString(), machine: {}, config: CONFIG, targets: TARGETS };
const notes = []; // anything surprising, printed at the end

// ---------------------------------------------------------------------------------------------

async function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    total_memory_gb: +(os.totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    sdk: (await import(join(ROOT, 'node_modules', '@modelcontextprotocol', 'sdk', 'package.json'), { with: { type: 'json' } })).default.version,
  };
}

function latencyRow(s) {
  return [s.name, s.n, fmt(s.p50, 3), fmt(s.p90, 3), fmt(s.p99, 3), fmt(s.mean, 3), fmt(s.max, 2), s.failures, s.mean_response_bytes ?? '-'];
}
const LATENCY_HEADER = ['operation', 'calls', 'p50 ms', 'p90 ms', 'p99 ms', 'mean ms', 'max ms', 'failed', 'json chars'];

// ---------------------------------------------------------------------------------------------
// 1. spawn -> tools/list

async function spawnOnce(args) {
  const t0 = nowNs();
  let h;
  try {
    h = await connect(args, { cwd: ROOT });
    const connected = msSince(t0);
    const list = await h.client.listTools(undefined, { timeout: 30_000 });
    const total = msSince(t0);
    return { ok: true, total, initialize: connected, tools_list: total - connected, tools: list.tools.length };
  } catch (err) {
    return { ok: false, error: String(err?.message ?? err).slice(0, 500) };
  } finally {
    await h?.close();
  }
}

async function benchSpawn() {
  log('1. spawn -> tools/list (SDK Client + StdioClientTransport, from spawn to the tools/list response)');
  const dbFile = join(tmp, 'spawn.db');
  const servers = {
    ours: [SERVER, '--db', dbFile],
    one_tool: [ONE_TOOL],
  };
  // Unmeasured warm-up run of each: page cache, and ours creates its database file here.
  const first = {};
  for (const [name, args] of Object.entries(servers)) first[name] = await spawnOnce(args);
  const samples = { ours: [], one_tool: [] };
  const failures = { ours: [], one_tool: [] };
  for (let i = 0; i < CONFIG.spawn_runs; i++) {
    const order = i % 2 === 0 ? ['ours', 'one_tool'] : ['one_tool', 'ours'];
    for (const name of order) {
      const s = await spawnOnce(servers[name]);
      if (s.ok) samples[name].push(s);
      else failures[name].push(s.error);
    }
  }
  progress(`spawn: ${CONFIG.spawn_runs} runs each done`);
  const sum = (name) => ({
    total: summarize(samples[name].map((s) => s.total)),
    initialize: summarize(samples[name].map((s) => s.initialize)),
    tools_list: summarize(samples[name].map((s) => s.tools_list)),
    tools: samples[name][0]?.tools,
    failures: failures[name].length,
    errors: failures[name].slice(0, 3),
    first_run: first[name],
  });
  const ours = sum('ours');
  const one = sum('one_tool');
  const ratio = ours.total.p50 / one.total.p50;
  const rows = [['coordinator-mcp', ours], ['one-tool server', one]].map(([label, s]) => [
    label, s.tools ?? '-', s.total.n, fmt(s.total.p50, 1), fmt(s.total.p90, 1), fmt(s.initialize.p50, 1), fmt(s.tools_list.p50, 2),
    s.failures, s.first_run?.ok ? fmt(s.first_run.total, 1) : 'failed',
  ]);
  log(table(['server', 'tools', 'runs', 'p50 ms', 'p90 ms', 'init p50', 'list p50', 'failed', 'first run ms'], rows));
  log(`ratio of medians (ours / one-tool): ${fmt(ratio, 2)}x   target <= ${TARGETS.spawn_ratio}x: ${ratio <= TARGETS.spawn_ratio ? 'MET' : 'MISSED'}`);
  log('  (init = spawn + initialize handshake; list = the tools/list round trip; first run = unmeasured warm-up, creates the db)');
  for (const [name, s] of Object.entries({ ours, one_tool: one })) {
    if (s.failures) notes.push(`spawn ${name}: ${s.failures} failed runs, e.g. ${s.errors[0]}`);
  }
  if (!(ratio <= TARGETS.spawn_ratio)) {
    notes.push(`spawn ratio ${fmt(ratio, 2)}x misses the ${TARGETS.spawn_ratio}x target by ${fmt(ours.total.p50 - one.total.p50 * TARGETS.spawn_ratio, 1)} ms `
      + `(ours ${fmt(ours.total.p50, 1)} ms vs one-tool ${fmt(one.total.p50, 1)} ms)`);
  }
  results.spawn = { ours, one_tool: one, ratio_of_medians: ratio, samples };
}

// ---------------------------------------------------------------------------------------------
// 2. per-tool latency on 100,000 flags

function seedDatabase(file, agents) {
  const t0 = nowNs();
  openStore(file).close(); // the project's own code creates the schema (WAL, user_version)
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const r = rng(20_240_601);
  const N = CONFIG.seed_flags;
  const insertFlag = db.prepare(`INSERT INTO flags (id, flag_type, source_agent, target_agent, change_description, action_required,
      impact_level, status, related_files, created_at, updated_at, locked_by, locked_at, lock_expires_at, completed_at, completed_by, notes)
    VALUES (@id, @type, @source, @target, @change, @action, @impact, @status, @files, @created, @updated, @locked_by, @locked_at,
      @lock_expires, @completed_at, @completed_by, @notes)`);
  const insertHistory = db.prepare('INSERT INTO flag_history (flag_id, action, agent, at, details) VALUES (?, ?, ?, ?, ?)');
  const now = Date.now();
  const span = 90 * 24 * 3600 * 1000;
  const start = now - span - 3600 * 1000;
  let pending = 0;
  let locked = 0;
  let broadcasts = 0;
  db.transaction(() => {
    for (let i = 1; i <= N; i++) {
      const { type, impact, target, source } = makeShape(r, agents, CONFIG.seed_broadcast_fraction);
      const { change, action } = makeContent(r);
      const createdMs = start + Math.floor((span * (i - 1)) / N) + r.int(1000);
      const created = new Date(createdMs).toISOString();
      // Older flags are more often done: the pending probability grows from 2% to 18% (10% overall).
      const isPending = r.next() < CONFIG.seed_pending_fraction * (0.2 + 1.6 * (i / N));
      const row = {
        id: i, type, source, target, change, action, impact, files: '[]', created, updated: created,
        status: 'pending', locked_by: null, locked_at: null, lock_expires: null, completed_at: null, completed_by: null, notes: null,
      };
      if (target === null) broadcasts++;
      if (isPending) {
        pending++;
        if (target !== null && r.next() < CONFIG.seed_locked_fraction_of_pending) {
          locked++;
          row.locked_by = target;
          row.locked_at = new Date(now - 5 * 60_000).toISOString();
          row.lock_expires = new Date(now + 3600_000).toISOString();
        }
      } else {
        const doneMs = Math.min(now - 60_000, createdMs + 60_000 + r.int(3 * 24 * 3600 * 1000));
        row.status = 'completed';
        row.completed_at = new Date(doneMs).toISOString();
        row.completed_by = target ?? r.pick(agents);
        row.notes = 'Updated the callers and the tests; verified on staging.';
        row.updated = row.completed_at;
      }
      insertFlag.run(row);
      insertHistory.run(i, 'created', source, created, JSON.stringify({ target_agent: target, impact_level: impact }));
      if (row.locked_by) insertHistory.run(i, 'locked', row.locked_by, row.locked_at, JSON.stringify({ lease_seconds: 3900, expires_at: row.lock_expires }));
      if (row.status === 'completed') insertHistory.run(i, 'completed', row.completed_by, row.completed_at, JSON.stringify({ notes: row.notes }));
    }
  }).immediate();
  db.pragma('wal_checkpoint(TRUNCATE)');
  // Flags the lock/complete benchmark may take: pending, not locked, addressed to one agent.
  const workable = db.prepare(`SELECT id, target_agent FROM flags WHERE status = 'pending' AND locked_by IS NULL
    AND target_agent IS NOT NULL ORDER BY id`).all();
  db.close();
  const seconds = msSince(t0) / 1000;
  const info = { flags: N, agents: agents.length, pending, locked, broadcasts, seconds, file_mb: +(statSync(file).size / 2 ** 20).toFixed(1) };
  return { info, workable };
}

async function benchLatency() {
  log('');
  log(`2. round trips over stdio on a database of ${CONFIG.seed_flags.toLocaleString('en-US')} flags (SDK client, hrtime around callTool)`);
  const agents = agentHandles(CONFIG.seed_agents);
  const file = join(tmp, 'big.db');
  const { info, workable } = seedDatabase(file, agents);
  log(`   seeded ${info.flags} flags over ${info.agents} agents in ${fmt(info.seconds, 1)} s: ${info.pending} pending `
    + `(${fmt((100 * info.pending) / info.flags, 1)}%), ${info.locked} of them locked, ${info.broadcasts} broadcasts; file ${info.file_mb} MB`);
  progress('seeded; measuring');
  results.seed = info;

  const r = rng(7);
  const h = await connect([SERVER, '--db', file], { cwd: ROOT });
  const { client } = h;
  // No tools/list on this client: the SDK client would then also validate every structured result
  // against the tool's output schema, which is client work, not server work.
  const recs = [];
  const run = async (name, n, makeCall) => {
    const rec = new Recorder(name);
    for (let i = 0; i < n; i++) await makeCall(rec, i);
    recs.push(rec);
    progress(`${name}: ${rec.times.length} ok, ${rec.failures} failed`);
    return rec;
  };
  const warm = async (n, makeCall) => {
    const sink = new Recorder('warmup');
    for (let i = 0; i < n; i++) await makeCall(sink, i);
    if (sink.failures) notes.push(`warm-up calls failed ${sink.failures} times, e.g. ${sink.errors[0]}`);
  };
  try {
    // The transport floor: a ping round trip (no tool, no validation, no database).
    const pingRec = new Recorder('ping (transport floor)');
    for (let i = 0; i < CONFIG.warmup_calls; i++) await client.ping().catch(() => {});
    for (let i = 0; i < CONFIG.ping_calls; i++) {
      const t0 = nowNs();
      try {
        await client.ping({ timeout: 30_000 });
        pingRec.ok(msSince(t0));
      } catch (err) {
        pingRec.fail(err?.message ?? err);
      }
    }
    recs.push(pingRec);

    const create = (rec) => timedCall(client, 'create_flag', createArgs(r, agents), rec);
    await warm(CONFIG.warmup_calls, create);
    await run('create_flag', CONFIG.create_calls, create);

    const queue = (rec) => timedCall(client, 'get_agent_flags', { agent: r.pick(agents) }, rec);
    await warm(CONFIG.warmup_calls, queue);
    const queueRec = await run('get_agent_flags', CONFIG.queue_calls, queue);

    // lock then complete the same flag, as an agent does: each with its own figures.
    const ids = workable.slice();
    for (let i = ids.length - 1; i > 0; i--) {
      const j = r.int(i + 1);
      [ids[i], ids[j]] = [ids[j], ids[i]];
    }
    const lockRec = new Recorder('lock_flag');
    const completeRec = new Recorder('complete_flag');
    const warmIds = ids.splice(0, Math.min(20, ids.length));
    for (const f of warmIds) {
      await timedCall(client, 'lock_flag', { id: f.id, agent: f.target_agent }, null);
      await timedCall(client, 'complete_flag', { id: f.id, agent: f.target_agent, notes: 'done' }, null);
    }
    for (const f of ids.slice(0, CONFIG.lock_complete_calls)) {
      await timedCall(client, 'lock_flag', { id: f.id, agent: f.target_agent, lease_seconds: 600 }, lockRec);
      await timedCall(client, 'complete_flag', { id: f.id, agent: f.target_agent, notes: 'Updated the callers; tests pass.' }, completeRec);
    }
    recs.push(lockRec, completeRec);
    progress(`lock/complete: ${lockRec.times.length}/${completeRec.times.length} ok`);

    const listDefault = () => ({});
    const listByTarget = () => ({ target_agent: r.pick(agents), status: 'all', limit: 20 });
    await warm(10, (rec) => timedCall(client, 'list_flags', listDefault(), rec));
    await run('list_flags {} (pending, newest 50)', CONFIG.list_calls_per_variant, (rec) => timedCall(client, 'list_flags', listDefault(), rec));
    await warm(10, (rec) => timedCall(client, 'list_flags', listByTarget(), rec));
    await run("list_flags {target_agent, status:'all', limit:20}", CONFIG.list_calls_per_variant, (rec) => timedCall(client, 'list_flags', listByTarget(), rec));

    const getFlag = (rec) => timedCall(client, 'get_flag', { id: 1 + r.int(CONFIG.seed_flags) }, rec);
    await warm(CONFIG.warmup_calls, getFlag);
    await run('get_flag', CONFIG.get_flag_calls, getFlag);

    const workableCall = (rec) => timedCall(client, 'get_workable_flags', {}, rec);
    await warm(10, workableCall);
    await run('get_workable_flags', CONFIG.workable_calls, workableCall);

    // Mean queue size actually returned, for reading the get_agent_flags figure.
    const sample = await timedCall(client, 'get_agent_flags', { agent: agents[0] }, null);
    if (sample) results.queue_sample = { agent: agents[0], total_pending: sample.total_pending, returned: sample.returned };
  } finally {
    const tail = h.stderr().trim();
    if (tail) notes.push(`server stderr during the latency run: ${tail.slice(-400)}`);
    await h.close();
  }

  // The same SDK on a trivial tool: what a tools/call costs before any of our work.
  const echoRec = new Recorder('one-tool server: echo');
  const e = await connect([ONE_TOOL], { cwd: ROOT });
  try {
    for (let i = 0; i < CONFIG.warmup_calls; i++) await timedCall(e.client, 'echo', { text: 'warm' }, null);
    for (let i = 0; i < CONFIG.echo_calls; i++) await timedCall(e.client, 'echo', { text: `hello ${i}` }, echoRec);
  } finally {
    await e.close();
  }
  recs.push(echoRec);

  const stats = recs.map((x) => x.stats());
  log(table(LATENCY_HEADER, stats.map(latencyRow)));
  log('   (json chars: length of the JSON text of one answer; coordinator-mcp also sends it as structuredContent, so the wire carries it twice)');
  if (results.queue_sample) {
    log(`   (a get_agent_flags answer returns up to 50 flags: e.g. ${results.queue_sample.agent} has ${results.queue_sample.total_pending} pending incl. broadcasts, ${results.queue_sample.returned} returned)`);
  }
  const c = stats.find((s) => s.name === 'create_flag');
  const q = stats.find((s) => s.name === 'get_agent_flags');
  log(`create_flag p50 ${fmt(c.p50, 3)} ms   target < ${TARGETS.create_p50_ms} ms: ${c.p50 < TARGETS.create_p50_ms ? 'MET' : 'MISSED'}`);
  log(`get_agent_flags p50 ${fmt(q.p50, 3)} ms   target < ${TARGETS.queue_p50_ms} ms: ${q.p50 < TARGETS.queue_p50_ms ? 'MET' : 'MISSED'}`);
  if (!(c.p50 < TARGETS.create_p50_ms)) notes.push(`create_flag p50 ${fmt(c.p50, 3)} ms misses the ${TARGETS.create_p50_ms} ms target by ${fmt(c.p50 - TARGETS.create_p50_ms, 3)} ms (${fmt(c.p50 / TARGETS.create_p50_ms, 1)}x)`);
  if (!(q.p50 < TARGETS.queue_p50_ms)) notes.push(`get_agent_flags p50 ${fmt(q.p50, 3)} ms misses the ${TARGETS.queue_p50_ms} ms target by ${fmt(q.p50 - TARGETS.queue_p50_ms, 3)} ms (${fmt(q.p50 / TARGETS.queue_p50_ms, 1)}x)`);
  for (const rec of recs) {
    if (rec.failures) notes.push(`${rec.name}: ${rec.failures} failed calls, e.g. ${rec.errors[0]}`);
  }
  results.latency = Object.fromEntries(recs.map((x) => [x.name, { ...x.stats(), errors: x.errors, samples_ms: x.times }]));
}

// ---------------------------------------------------------------------------------------------
// 3. throughput: 1, 4 and 8 server processes on one database file, each driven by its own client
// process (bench/throughput-worker.mjs), so that the clients do not share the bench's one thread.

function startWorker(init, name) {
  const child = fork(WORKER, [], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' });
  workers.add(child);
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk.toString()).slice(-4096);
  });
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      workers.delete(child);
      resolve({ code, signal });
    });
  });
  child.on('error', () => {}); // a send to a dead worker; its exit is reported by expect()
  child.send({ type: 'init', ...init });
  return { name, child, exited, stderr: () => stderr.trim() };
}

/** The worker's next message of this type; rejects on its 'error' message, its exit, or a timeout. */
function expect(w, type, timeoutMs) {
  return new Promise((resolve, reject) => {
    const finish = (err, msg) => {
      clearTimeout(timer);
      w.child.off('message', onMessage);
      w.child.off('exit', onExit);
      if (err) reject(err);
      else resolve(msg);
    };
    const timer = setTimeout(() => finish(new Error(`${w.name}: no '${type}' within ${timeoutMs / 1000} s`)), timeoutMs);
    const onMessage = (msg) => {
      if (msg?.type === type) finish(null, msg);
      else if (msg?.type === 'error') finish(new Error(`${w.name}: ${msg.message}`));
    };
    const onExit = (code, signal) => {
      const tail = w.stderr();
      finish(new Error(`${w.name} exited (${signal ?? code}) before '${type}'${tail ? `; stderr: ${tail.slice(-300)}` : ''}`));
    };
    w.child.on('message', onMessage);
    w.child.on('exit', onExit);
  });
}

async function stopWorkers(ws) {
  const live = ws.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
  for (const w of live) w.child.kill('SIGTERM');
  const timeout = new Promise((resolve) => setTimeout(resolve, 5000).unref());
  await Promise.race([Promise.all(live.map((w) => w.exited)), timeout]);
  for (const w of live) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
}

async function throughputRun(processes, round) {
  const label = `${processes} process${processes === 1 ? '' : 'es'} #${round + 1}`;
  const file = join(tmp, `throughput-${processes}-${round}.db`);
  openStore(file).close(); // the schema exists before the servers start
  const agents = agentHandles(CONFIG.seed_agents);
  const ws = [];
  try {
    for (let p = 0; p < processes; p++) {
      ws.push(startWorker({
        server: SERVER, db: file, cwd: ROOT, name: `bench-${p}`, seed: 100_000 * (round + 1) + 1000 * processes + 10 * p,
        warmup: CONFIG.throughput_warmup_per_process, duration_ms: CONFIG.throughput_seconds * 1000,
        max_calls: CONFIG.throughput_max_calls_per_process, agents,
      }, `${label} worker ${p}`));
    }
    // Spawned, connected, warmed up and idle: then every worker starts at once.
    const ready = await Promise.all(ws.map((w) => expect(w, 'ready', 120_000)));
    const finished = ws.map((w) => expect(w, 'done', CONFIG.throughput_run_timeout_s * 1000));
    const machine0 = machineCpuTicks();
    for (const w of ws) w.child.send({ type: 'go' });
    const done = await Promise.all(finished);
    const machine1 = machineCpuTicks();
    await Promise.all(ws.map((w) => w.exited)); // every worker closed its server
    for (const [p, d] of done.entries()) {
      if (d.stderr) notes.push(`server stderr (${label}, worker ${p}): ${d.stderr.slice(-300)}`);
      const tail = ws[p].stderr();
      if (tail) notes.push(`worker stderr (${label}, worker ${p}): ${tail.slice(-300)}`);
    }

    const start = done.reduce((m, d) => (BigInt(d.start_ns) < m ? BigInt(d.start_ns) : m), BigInt(done[0].start_ns));
    const end = done.reduce((m, d) => (BigInt(d.end_ns) > m ? BigInt(d.end_ns) : m), BigInt(done[0].end_ns));
    const elapsedMs = Number(end - start) / 1e6;
    const ok = done.reduce((s, d) => s + d.times.length, 0);
    const failed = done.reduce((s, d) => s + d.failed, 0) + ready.reduce((s, x) => s + x.warm_failed, 0);
    const warmOk = ready.reduce((s, x) => s + x.warm_ok, 0);
    const serverCpu = done.reduce((s, d) => s + d.server_cpu_s, 0);
    const clientCpu = done.reduce((s, d) => s + d.client_cpu_s, 0);
    const serverSys = done.reduce((s, d) => s + d.server_sys_s, 0);
    const clientSys = done.reduce((s, d) => s + d.client_sys_s, 0);
    const machineBusy = machine0 && machine1
      ? 1 - (machine1.idle - machine0.idle) / Math.max(1, machine1.total - machine0.total) : NaN;
    const machineSteal = machine0 && machine1 ? (machine1.steal - machine0.steal) / Math.max(1, machine1.total - machine0.total) : NaN;

    // Every answered success must be stored, once: rows == answered successes, and every
    // returned flag id is distinct and present.
    const answered = [...ready.flatMap((x) => x.warm_ids), ...done.flatMap((d) => d.ids)];
    const expected = ok + warmOk;
    const db = new Database(file, { readonly: true });
    const rows = db.prepare('SELECT count(*) AS n FROM flags').get().n;
    const created = db.prepare("SELECT count(*) AS n FROM flag_history WHERE action = 'created'").get().n;
    const stored = new Set(db.prepare('SELECT id FROM flags').pluck().all());
    db.close();
    const distinctAnswered = new Set(answered).size;
    const missing = answered.filter((id) => !stored.has(id)).length;
    rmSync(file, { force: true });
    rmSync(`${file}-wal`, { force: true });
    rmSync(`${file}-shm`, { force: true });

    return {
      label,
      processes,
      calls: done.reduce((s, d) => s + d.calls, 0),
      ok,
      failed,
      errors: [...ready.flatMap((x) => x.errors), ...done.flatMap((d) => d.errors)].slice(0, 5),
      elapsed_ms: elapsedMs,
      flags_per_second: (ok / elapsedMs) * 1000,
      start_skew_ms: Number(done.reduce((m, d) => (BigInt(d.start_ns) > m ? BigInt(d.start_ns) : m), start) - start) / 1e6,
      per_process: done.map((d) => ({
        calls: d.calls,
        ok: d.times.length,
        failed: d.failed,
        elapsed_ms: Number(BigInt(d.end_ns) - BigInt(d.start_ns)) / 1e6,
        server_cpu_s: d.server_cpu_s,
        client_cpu_s: d.client_cpu_s,
      })),
      // CPU seconds used during the timed window by the servers and by the client workers
      server_cpu_s: serverCpu,
      client_cpu_s: clientCpu,
      server_cpu_us_per_call: (serverCpu / ok) * 1e6,
      client_cpu_us_per_call: (clientCpu / ok) * 1e6,
      server_kernel_share: serverSys / serverCpu, // of the servers' CPU, the part spent in the kernel
      client_kernel_share: clientSys / clientCpu,
      // share of all cores busy during the window, whoever used them (from /proc/stat)
      machine_busy: machineBusy,
      machine_steal: machineSteal, // part of machine_busy the hypervisor took (VMs)
      // the part of machine_busy not used by this run's workers and servers: other processes on
      // the machine (or the kernel on their behalf); a high figure means a noisy run
      other_busy: machineBusy - (serverCpu + clientCpu) / (elapsedMs / 1000) / os.cpus().length,
      latency: summarize(done.flatMap((d) => d.times)),
      rows,
      history_created: created,
      expected_rows: expected,
      answered_ids_distinct: distinctAnswered,
      answered_ids_missing: missing,
      rows_match: rows === expected && created === expected && distinctAnswered === expected && missing === 0,
    };
  } finally {
    await stopWorkers(ws);
  }
}

async function benchThroughput() {
  const counts = CONFIG.throughput_process_counts;
  log('');
  log(`3. create_flag throughput: ${counts.join(', ')} server processes on one fresh database file per run, each driven by its own `
    + `client process making sequential calls for ${CONFIG.throughput_seconds} s after ${CONFIG.throughput_warmup_per_process} untimed ones; `
    + `${CONFIG.throughput_rounds} rounds, order alternated`);
  const runs = Object.fromEntries(counts.map((n) => [n, []]));
  for (let round = 0; round < CONFIG.throughput_rounds; round++) {
    const order = round % 2 === 0 ? counts : [...counts].reverse();
    const line = [];
    for (const n of order) {
      const x = await throughputRun(n, round);
      runs[n].push(x);
      line.push(`${n}: ${fmt(x.flags_per_second, 0)}`);
    }
    progress(`throughput round ${round + 1}: flags/s by processes ${line.join(', ')}`);
  }
  // The median round, among the rounds that other processes left alone when there are any: this
  // machine may be shared, and a round that competed for the cores measures the competition.
  const QUIET = 0.1;
  const medianRun = (list) => {
    const quiet = list.filter((x) => !(x.other_busy > QUIET));
    const pool = quiet.length ? quiet : list;
    return [...pool].sort((a, b) => a.flags_per_second - b.flags_per_second)[Math.floor(pool.length / 2)];
  };
  const best = Object.fromEntries(counts.map((n) => [n, medianRun(runs[n])]));
  const all = counts.flatMap((n) => runs[n]);
  const spread = (x) => {
    const oks = x.per_process.map((w) => w.ok);
    return x.processes === 1 ? String(oks[0]) : `${Math.min(...oks)}..${Math.max(...oks)}`;
  };
  const rows = all.map((x) => [
    `${x.label}${x === best[x.processes] ? ' *' : ''}`, x.calls, x.ok, x.failed, fmt(x.elapsed_ms / 1000, 2), fmt(x.flags_per_second, 0),
    fmt(x.latency.p50, 3), fmt(x.latency.p99, 3), spread(x), fmt(x.server_cpu_us_per_call, 0), fmt(x.client_cpu_us_per_call, 0),
    `${fmt(100 * x.machine_busy, 0)}%`, `${fmt(Math.max(0, 100 * x.other_busy), 0)}%`, `${x.rows}/${x.expected_rows}`, x.rows_match ? 'yes' : 'NO',
  ]);
  log(table(['run (* = median quiet round)', 'calls', 'ok', 'failed', 'seconds', 'flags/s', 'p50 ms', 'p99 ms', 'ok per worker',
    'server us/call', 'client us/call', 'cpu busy', 'others', 'rows/expected', 'rows match'], rows));
  const base = best[counts[0]];
  const ratios = Object.fromEntries(counts.slice(1).map((n) => [`${n}/${counts[0]}`, best[n].flags_per_second / base.flags_per_second]));
  const totalFailed = all.reduce((s, x) => s + x.failed, 0);
  const mismatched = all.filter((x) => !x.rows_match).length;
  log(`flags/s (median quiet round): ${counts.map((n) => `${n} process${n === 1 ? '' : 'es'} ${fmt(best[n].flags_per_second, 0)}`).join(', ')}; `
    + `ratios ${Object.entries(ratios).map(([k, v]) => `${k}: ${fmt(v, 2)}x`).join(', ')}; failed calls: ${totalFailed}; `
    + `runs whose rows do not match the answered successes: ${mismatched}`);
  const noisy = counts.filter((n) => best[n].other_busy > QUIET);
  if (noisy.length) {
    log(`  (NOISY: no quiet round for ${noisy.join(', ')} process(es), so these figures and ratios measure the competition `
      + 'for the cores as much as the server; run the bench again on an idle machine)');
    notes.push(`throughput: no quiet round for ${noisy.join(', ')} process(es); the flags/s ratios are not reliable`);
  }
  const cores = os.cpus().length;
  const top = best[counts[counts.length - 1]];
  const cpuPerFlag = top.server_cpu_us_per_call + top.client_cpu_us_per_call;
  log(`  (cpu per flag at ${top.processes} processes: server ${fmt(top.server_cpu_us_per_call, 0)} us + client ${fmt(top.client_cpu_us_per_call, 0)} us; `
    + `${cores} cores bound the rate near ${fmt((cores * 1e6) / cpuPerFlag, 0)} flags/s)`);
  log('  (p50/p99: every timed call of the run; ok per worker: fewest..most successful calls of one worker;');
  log('   server/client us/call: CPU time of the server / client processes per successful call;');
  log(`   cpu busy: all ${cores} cores during the timed window (/proc/stat); others: the part of it other processes used (quiet: <= ${fmt(100 * QUIET, 0)}%);`);
  log('   rows/expected: flags stored / successful calls incl. warm-up; rows match also checks that every returned id is stored, once)');
  for (const x of all) {
    if (x.failed) notes.push(`throughput ${x.label}: ${x.failed} failed calls, e.g. ${x.errors[0]}`);
    if (!x.rows_match) {
      notes.push(`throughput ${x.label}: ${x.rows} rows / ${x.history_created} 'created' history entries, expected ${x.expected_rows}; `
        + `${x.answered_ids_distinct} distinct answered ids, ${x.answered_ids_missing} of them not stored`);
    }
  }
  const busyRuns = all.filter((x) => x.other_busy > QUIET);
  if (busyRuns.length) {
    notes.push(`throughput: other processes kept more than ${fmt(100 * QUIET, 0)}% of the cores busy in ${busyRuns.length} of ${all.length} runs `
      + `(${busyRuns.map((x) => `${x.label}: ${fmt(100 * x.other_busy, 0)}%`).join(', ')}); those runs are noisy`);
  }
  results.throughput = { by_processes: best, ratios, failed_calls: totalFailed, rounds: runs };
}

// ---------------------------------------------------------------------------------------------

const benchStart = nowNs();
try {
  results.machine = await machine();
  const m = results.machine;
  log(`coordinator-mcp benchmark   ${results.started_at}`);
  log(`machine: ${m.cpu}, ${m.cores} cores, ${m.total_memory_gb} GB RAM, node ${m.node}, ${m.platform}, MCP SDK ${m.sdk}`);
  log('');
  const sections = [['spawn', benchSpawn], ['latency', benchLatency], ['throughput', benchThroughput]];
  for (const [name, fn] of sections) {
    if (ONLY && !ONLY.has(name)) continue;
    try {
      await fn();
    } catch (err) {
      // One broken section must not hide the others' figures.
      const msg = `section ${name} failed: ${err?.stack ?? err}`;
      log(`\n${msg}`);
      notes.push(msg.split('\n')[0]);
      results[`${name}_error`] = String(err?.stack ?? err);
    }
  }
} finally {
  await closeAll();
  results.total_seconds = msSince(benchStart) / 1000;
  results.notes = notes;
  try {
    writeFileSync(RESULTS, `${JSON.stringify(results, null, 1)}\n`);
  } catch (err) {
    notes.push(`cannot write ${RESULTS}: ${err.message}`);
  }
  log('');
  log(notes.length ? `notes:\n${notes.map((n) => `  - ${n}`).join('\n')}` : 'notes: none (every call succeeded, every target met)');
  log(`total ${fmt(results.total_seconds, 1)} s; raw numbers in ${RESULTS}`);
  cleanupSync();
}
process.exitCode = Object.keys(results).some((k) => k.endsWith('_error')) ? 1 : 0;
