#!/usr/bin/env node
// coordinator-mcp benchmark: `npm run bench` (builds first). Measures
//   1. spawn -> tools/list latency of dist/index.js beside a one-tool server on the same SDK,
//   2. per-tool round trips over stdio on a database of 100,000 flags,
//   3. create_flag throughput of 1 and of 4 server processes sharing one database file.
// Prints tables to stdout and writes the raw numbers to bench/results.json.
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Recorder, childCpuSeconds, closeAll, connect, fmt, killAllSync, median, msSince, nowNs, rng, summarize, table, timedCall,
} from './lib.mjs';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH_DIR);
const SERVER = join(ROOT, 'dist', 'index.js');
const ONE_TOOL = join(BENCH_DIR, 'one-tool-server.mjs');
const RESULTS = join(BENCH_DIR, 'results.json');

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
  throughput_calls_per_process: 1000,
  throughput_warmup_per_process: 20,
  throughput_processes: 4,
  throughput_rounds: 3, // 1 proc, N procs, alternated; the median round is reported
};

const TARGETS = { spawn_ratio: 1.2, create_p50_ms: 0.5, queue_p50_ms: 1 };

if (!existsSync(SERVER)) {
  console.error(`bench: ${SERVER} is missing; run npm run build first (npm run bench does)`);
  process.exit(1);
}

const tmp = mkdtempSync(join(os.tmpdir(), 'coordinator-bench-'));
let cleaned = false;
// BENCH_KEEP_TMP=1 keeps the databases for inspection; BENCH_ONLY=latency (comma list of
// spawn, latency, throughput) runs only those sections.
const KEEP_TMP = process.env.BENCH_KEEP_TMP === '1';
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map((s) => s.trim())) : null;
function cleanupSync() {
  if (cleaned) return;
  cleaned = true;
  killAllSync();
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
// Realistic flag content, shared by the seeding and by the create_flag calls.

const DOMAINS = ['frontend', 'backend', 'database', 'infra', 'mobile', 'qa', 'security', 'data', 'platform', 'docs'];
const MODULES = ['api', 'auth', 'react', 'vue', 'postgres', 'redis', 'ios', 'android', 'e2e', 'etl', 'search', 'billing',
  'ui', 'gateway', 'queue', 'ml', 'cdn', 'k8s', 'ci', 'schema'];

function agentHandles(n) {
  const out = [];
  for (let i = 0; out.length < n; i++) {
    const d = DOMAINS[i % DOMAINS.length];
    const m = MODULES[Math.floor(i / DOMAINS.length) % MODULES.length];
    const round = Math.floor(i / (DOMAINS.length * MODULES.length));
    out.push(round === 0 ? `@${d}.${m}` : `@${d}.${m}-${round + 1}`);
  }
  return out;
}

const TYPE_WEIGHTS = [['change', 30], ['enhancement', 15], ['new_feature', 15], ['refactor', 12], ['breaking_change', 10],
  ['information_request', 8], ['deprecation', 6], ['security', 2], ['data_loss', 2]];
const SUBJECTS = ['the users endpoint', 'the session token format', 'the orders table', 'the checkout form', 'the search index',
  'the billing webhook', 'the feature flag config', 'the CI pipeline', 'the image upload path', 'the GraphQL schema'];
const VERBS = ['renamed', 'split', 'moved', 'made paginated', 'versioned', 'deprecated', 'reworked', 'cached', 'validated', 'rate limited'];
const FILES = ['src/api/users.ts', 'src/db/schema.sql', 'web/src/components/Checkout.tsx', 'infra/k8s/deploy.yaml',
  'src/auth/session.ts', 'mobile/ios/Api.swift', 'src/search/index.ts', 'docs/api.md'];

function makeContent(r) {
  const subject = r.pick(SUBJECTS);
  const verb = r.pick(VERBS);
  const file = r.pick(FILES);
  const change = `I ${verb} ${subject} in ${file}:${1 + r.int(400)}; every caller that relies on the previous behaviour `
    + `sees different results from now on (ticket ${1000 + r.int(9000)}).`;
  const action = `Update your code that uses ${subject}: search your module for references, switch them to the new `
    + `behaviour described above, run your unit and integration tests, and confirm on the staging environment that `
    + `nothing regressed before you complete this flag.`;
  return { change, action, file };
}

/** A type, target and impact level that satisfy the service's rules. */
function makeShape(r, agents, broadcastFraction) {
  let type = r.weighted(TYPE_WEIGHTS);
  const broadcast = r.next() < broadcastFraction;
  let impact;
  if (broadcast) {
    if (type === 'security' || type === 'data_loss') type = 'change';
    impact = type === 'breaking_change' ? 'medium' : r.weighted([['medium', 60], ['low', 40]]);
  } else if (type === 'security' || type === 'data_loss') {
    impact = 'critical';
  } else if (type === 'breaking_change') {
    impact = r.weighted([['critical', 20], ['high', 50], ['medium', 30]]);
  } else {
    impact = r.weighted([['high', 20], ['medium', 50], ['low', 30]]);
  }
  const target = broadcast ? null : r.pick(agents);
  let source = r.pick(agents);
  while (source === target) source = r.pick(agents);
  return { type, impact, target, source };
}

function createArgs(r, agents) {
  const { type, impact, target, source } = makeShape(r, agents, 0.01);
  const { change, action, file } = makeContent(r);
  return {
    source_agent: source,
    target_agent: target,
    flag_type: type,
    change_description: change,
    action_required: action,
    impact_level: impact,
    related_files: [file],
  };
}

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
// 3. throughput: 1 process, then N processes on one database file

async function throughputRun(processes, label, round) {
  const file = join(tmp, `throughput-${processes}-${round}.db`);
  openStore(file).close();
  const agents = agentHandles(CONFIG.seed_agents);
  const handles = [];
  try {
    for (let p = 0; p < processes; p++) handles.push(await connect([SERVER, '--db', file], { cwd: ROOT, name: `bench-${p}` }));
    const recs = handles.map((_, p) => new Recorder(`${label} client ${p}`));
    const warmRecs = handles.map((_, p) => new Recorder(`${label} warm-up ${p}`));
    await Promise.all(handles.map(async (h, p) => {
      const r = rng(1000 + 10 * round + p);
      for (let i = 0; i < CONFIG.throughput_warmup_per_process; i++) await timedCall(h.client, 'create_flag', createArgs(r, agents), warmRecs[p]);
    }));
    const cpu0 = handles.map((h) => childCpuSeconds(h.pid));
    const self0 = process.cpuUsage();
    const t0 = nowNs();
    const ends = await Promise.all(handles.map(async (h, p) => {
      const r = rng(2000 + 10 * round + p);
      for (let i = 0; i < CONFIG.throughput_calls_per_process; i++) await timedCall(h.client, 'create_flag', createArgs(r, agents), recs[p]);
      return msSince(t0);
    }));
    const elapsedMs = Math.max(...ends);
    const serverCpu = handles.reduce((s, h, p) => s + childCpuSeconds(h.pid) - cpu0[p], 0);
    const self = process.cpuUsage(self0);
    const clientCpu = (self.user + self.system) / 1e6;
    for (const h of handles) {
      const tail = h.stderr().trim();
      if (tail) notes.push(`server stderr (${label}): ${tail.slice(-300)}`);
    }
    await Promise.all(handles.map((h) => h.close()));
    const ok = recs.reduce((s, x) => s + x.times.length, 0);
    const failed = recs.reduce((s, x) => s + x.failures, 0);
    const warmOk = warmRecs.reduce((s, x) => s + x.times.length, 0);
    const warmFailed = warmRecs.reduce((s, x) => s + x.failures, 0);
    const db = new Database(file, { readonly: true });
    const rows = db.prepare('SELECT count(*) AS n FROM flags').get().n;
    const created = db.prepare("SELECT count(*) AS n FROM flag_history WHERE action = 'created'").get().n;
    const distinctIds = db.prepare('SELECT count(DISTINCT id) AS n FROM flags').get().n;
    db.close();
    const expected = ok + warmOk;
    const all = summarize(recs.flatMap((x) => x.times));
    rmSync(file, { force: true });
    rmSync(`${file}-wal`, { force: true });
    rmSync(`${file}-shm`, { force: true });
    return {
      label,
      processes,
      calls: processes * CONFIG.throughput_calls_per_process,
      ok,
      failed: failed + warmFailed,
      errors: recs.concat(warmRecs).flatMap((x) => x.errors).slice(0, 5),
      elapsed_ms: elapsedMs,
      flags_per_second: (ok / elapsedMs) * 1000,
      per_process_ms: ends,
      // CPU seconds used during the timed window, and how busy that kept the machine's cores
      server_cpu_s: serverCpu,
      client_cpu_s: clientCpu,
      cpu_utilization_of_all_cores: (serverCpu + clientCpu) / (elapsedMs / 1000) / os.cpus().length,
      latency: all,
      rows,
      history_created: created,
      expected_rows: expected,
      rows_match: rows === expected && created === expected && distinctIds === expected,
    };
  } finally {
    await Promise.all(handles.map((h) => h.close()));
  }
}

async function benchThroughput() {
  log('');
  log(`3. create_flag throughput (${CONFIG.throughput_calls_per_process} sequential calls per client, one server process per client, `
    + `one fresh database file per run; ${CONFIG.throughput_rounds} rounds, alternated)`);
  const runs = { one: [], many: [] };
  for (let round = 0; round < CONFIG.throughput_rounds; round++) {
    const one = await throughputRun(1, `1 process #${round + 1}`, round);
    runs.one.push(one);
    const many = await throughputRun(CONFIG.throughput_processes, `${CONFIG.throughput_processes} processes #${round + 1}`, round);
    runs.many.push(many);
    progress(`round ${round + 1}: 1 process ${fmt(one.flags_per_second, 0)} flags/s, ${CONFIG.throughput_processes} processes ${fmt(many.flags_per_second, 0)} flags/s`);
  }
  const medianRun = (list) => [...list].sort((a, b) => a.flags_per_second - b.flags_per_second)[Math.floor(list.length / 2)];
  const one = medianRun(runs.one);
  const many = medianRun(runs.many);
  const rows = [...runs.one, ...runs.many].map((x) => [
    `${x.label}${x === one || x === many ? ' *' : ''}`, x.calls, x.ok, x.failed, fmt(x.elapsed_ms / 1000, 2), fmt(x.flags_per_second, 0),
    fmt(x.latency.p50, 3), fmt(x.latency.p99, 3), `${fmt(100 * x.cpu_utilization_of_all_cores, 0)}%`, `${x.rows}/${x.expected_rows}`, x.rows_match ? 'yes' : 'NO',
  ]);
  log(table(['run (* = median round)', 'calls', 'ok', 'failed', 'seconds', 'flags/s', 'p50 ms', 'p99 ms', 'cpu used', 'rows/expected', 'rows match'], rows));
  const ratio = many.flags_per_second / one.flags_per_second;
  const totalFailed = [...runs.one, ...runs.many].reduce((s, x) => s + x.failed, 0);
  log(`flags/s (median round): 1 process ${fmt(one.flags_per_second, 0)}, ${CONFIG.throughput_processes} processes ${fmt(many.flags_per_second, 0)}; `
    + `ratio ${CONFIG.throughput_processes}-proc / 1-proc: ${fmt(ratio, 2)}x; failed calls: ${totalFailed}`);
  log(`  (rows include ${CONFIG.throughput_warmup_per_process} untimed warm-up calls per client; cpu used = servers + bench client CPU time / (wall time x ${os.cpus().length} cores))`);
  for (const x of [...runs.one, ...runs.many]) {
    if (x.failed) notes.push(`throughput ${x.label}: ${x.failed} failed calls, e.g. ${x.errors[0]}`);
    if (!x.rows_match) notes.push(`throughput ${x.label}: ${x.rows} rows / ${x.history_created} 'created' history entries, expected ${x.expected_rows}`);
  }
  results.throughput = { one_process: one, many_processes: many, ratio, rounds: runs };
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
