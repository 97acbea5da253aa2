#!/usr/bin/env node
// One client of the throughput benchmark, in its own process (forked by bench/run.mjs with an IPC
// channel), so that N clients do not share the bench process's single thread. It spawns its own
// server over stdio, warms it up, and waits; on "go" it makes create_flag calls one after the
// other for duration_ms (at most max_calls), and reports every latency, the returned flag ids and
// the CPU time of both processes. A fixed duration keeps every worker busy for the whole window,
// so the rate is not diluted by a tail where only the slowest workers are still running.
//
// parent -> worker: { type: 'init', server, db, cwd, name, seed, warmup, duration_ms, max_calls, agents, echo }
//   (echo: the server is the one-tool server, called with echo instead of create_flag; db unused)
// worker -> parent: { type: 'ready', server_pid, warm_ok, warm_failed, warm_ids, errors }
// parent -> worker: { type: 'go' }
// worker -> parent: { type: 'done', calls, start_ns, end_ns, times, failed, errors, ids, client_cpu_s, client_sys_s,
//                    server_cpu_s, server_sys_s, stderr }
// then the worker closes its client (the server exits on the end of its stdin) and exits.
// Any failure before 'done': { type: 'error', message }, and exit code 1.
import { createArgs } from './content.mjs';
import { Recorder, childCpuTimes, closeAll, connect, rng, timedCall } from './lib.mjs';

if (!process.send) {
  process.stderr.write('throughput-worker: start me from bench/run.mjs (child_process.fork)\n');
  process.exit(2);
}

const send = (msg) => new Promise((resolve) => {
  if (!process.connected) resolve();
  else process.send(msg, undefined, {}, () => resolve());
});

let handle;
let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  await closeAll();
  process.exit(code);
}
// The bench process went away (or wants us gone): close the server and leave.
process.on('disconnect', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
process.on('SIGINT', () => void stop(0));

function waitFor(type) {
  return new Promise((resolve) => {
    const on = (msg) => {
      if (msg?.type === type) {
        process.off('message', on);
        resolve(msg);
      }
    };
    process.on('message', on);
  });
}

async function main() {
  const init = await waitFor('init');
  const agents = init.agents;
  handle = await connect(init.echo ? [init.server] : [init.server, '--db', init.db], { cwd: init.cwd, name: init.name });
  const { client } = handle;
  const call = init.echo
    ? (args, rec) => timedCall(client, 'echo', { text: args.change_description }, rec)
    : (args, rec) => timedCall(client, 'create_flag', args, rec);

  // Untimed warm-up: JIT of both processes, the statement caches, the page cache.
  const warmRng = rng(init.seed);
  const warm = new Recorder('warm-up');
  const warmIds = [];
  for (let i = 0; i < init.warmup; i++) {
    const res = await call(createArgs(warmRng, agents), warm);
    if (res?.flag_id) warmIds.push(res.flag_id);
  }
  // A pool of argument objects built before the clock starts, so that the timed loop only calls
  // (every call creates a new flag, whatever its content).
  const r = rng(init.seed + 1);
  const pool = Array.from({ length: 1024 }, () => createArgs(r, agents));
  const rec = new Recorder('timed');
  const ids = [];

  const go = waitFor('go');
  await send({ type: 'ready', server_pid: handle.pid, warm_ok: warm.times.length, warm_failed: warm.failures, warm_ids: warmIds, errors: warm.errors });
  await go;

  const serverCpu0 = childCpuTimes(handle.pid);
  const cpu0 = process.cpuUsage();
  const start = process.hrtime.bigint(); // CLOCK_MONOTONIC: comparable across processes
  const deadline = start + BigInt(Math.round(init.duration_ms * 1e6));
  let calls = 0;
  while (calls < init.max_calls && process.hrtime.bigint() < deadline) {
    const res = await call(pool[calls % pool.length], rec);
    calls++;
    if (res?.flag_id) ids.push(res.flag_id);
  }
  const end = process.hrtime.bigint();
  const cpu = process.cpuUsage(cpu0);
  const serverCpu1 = childCpuTimes(handle.pid);

  await send({
    type: 'done',
    calls,
    start_ns: String(start),
    end_ns: String(end),
    times: rec.times,
    failed: rec.failures,
    errors: rec.errors,
    ids,
    client_cpu_s: (cpu.user + cpu.system) / 1e6,
    client_sys_s: cpu.system / 1e6,
    server_cpu_s: serverCpu1.user + serverCpu1.system - serverCpu0.user - serverCpu0.system,
    server_sys_s: serverCpu1.system - serverCpu0.system,
    stderr: handle.stderr().trim().slice(-500),
  });
}

main().then(
  () => stop(0),
  async (err) => {
    await send({ type: 'error', message: String(err?.stack ?? err).slice(0, 2000) });
    await stop(1);
  },
);
