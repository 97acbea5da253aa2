// Helpers for bench/run.mjs: MCP clients over stdio, timed calls that never throw, statistics,
// tables and a seeded random generator.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { readdirSync, readFileSync } from 'node:fs';

export const CALL_TIMEOUT_MS = 30_000;

/** Every live transport, so that an early exit can still kill the child processes. */
const live = new Set();

export const nowNs = () => process.hrtime.bigint();
export const msSince = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

/**
 * Spawns `node <args>` and connects an SDK client to it (the initialize handshake included).
 * The child's stderr is kept (last 8 KB) for error reports instead of cluttering the table.
 */
export async function connect(args, { cwd, name = 'coordinator-bench', env } = {}) {
  // env: extra variables on top of the SDK's default (HOME, PATH, ...) environment.
  const transport = new StdioClientTransport({
    command: process.execPath, args, cwd, stderr: 'pipe', env: env ? { ...getDefaultEnvironment(), ...env } : undefined,
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk) => {
    stderr = (stderr + chunk.toString()).slice(-8192);
  });
  const client = new Client({ name, version: '1.0.0' });
  live.add(transport);
  const handle = {
    client,
    transport,
    get pid() {
      return transport.pid;
    },
    stderr: () => stderr,
    async close() {
      live.delete(transport);
      try {
        await client.close();
      } catch {
        // already gone
      }
    },
  };
  try {
    await client.connect(transport);
  } catch (err) {
    await handle.close();
    const tail = stderr.trim();
    throw new Error(`${err?.message ?? err}${tail ? `; server stderr: ${tail.slice(-500)}` : ''}`);
  }
  return handle;
}

export async function closeAll() {
  await Promise.all([...live].map(async (t) => {
    live.delete(t);
    try {
      await t.close();
    } catch {
      // ignore
    }
  }));
}

/** Synchronous last resort (process 'exit' handler): SIGKILL every child still known. */
export function killAllSync() {
  for (const t of live) {
    const pid = t.pid;
    if (pid) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  live.clear();
}

/** CPU seconds a child has used so far in user and in kernel mode, from /proc (Linux); NaN elsewhere. */
export function childCpuTimes(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { user: Number(fields[11]) / 100, system: Number(fields[12]) / 100 }; // clock ticks (USER_HZ = 100)
  } catch {
    return { user: NaN, system: NaN };
  }
}

/** CPU seconds (user + system) a child has used so far, from /proc (Linux); NaN elsewhere. */
export function childCpuSeconds(pid) {
  const t = childCpuTimes(pid);
  return t.user + t.system;
}

/** Fields of /proc/<pid>/status in kB (VmHWM, VmRSS, ...) as numbers; {} when unreadable (not Linux, gone). */
export function procStatus(pid) {
  const out = {};
  try {
    for (const line of readFileSync(`/proc/${pid}/status`, 'utf8').split('\n')) {
      const m = /^(\w+):\s+(\d+) kB$/.exec(line);
      if (m) out[m[1]] = Number(m[2]);
    }
  } catch {
    // gone, or no /proc
  }
  return out;
}

/** The direct children of a process (Linux /proc/<pid>/task/<tid>/children); [] elsewhere. */
export function childPids(pid) {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) => {
      try {
        return readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
      } catch {
        return [];
      }
    });
  } catch {
    return [];
  }
}

/** Latencies (ms) of the successful calls of one operation, and its failures. */
export class Recorder {
  constructor(name) {
    this.name = name;
    this.times = [];
    this.failures = 0;
    this.errors = []; // first few messages
    this.bytes = 0;
  }

  ok(ms, bytes = 0) {
    this.times.push(ms);
    this.bytes += bytes;
  }

  fail(message) {
    this.failures++;
    if (this.errors.length < 5) this.errors.push(String(message).slice(0, 300));
  }

  stats() {
    return { name: this.name, ...summarize(this.times), failures: this.failures, mean_response_bytes: this.times.length ? Math.round(this.bytes / this.times.length) : 0 };
  }
}

function resultText(res) {
  return (res?.content ?? []).map((c) => (c.type === 'text' ? c.text : '')).join('');
}

/**
 * One tools/call, timed from the request to the parsed response with hrtime. Never throws:
 * a transport error, a timeout or an isError result is counted as a failure on rec.
 * Returns the structured result (or the parsed text) on success, undefined on failure.
 */
export async function timedCall(client, name, args, rec) {
  const t0 = process.hrtime.bigint();
  let res;
  try {
    res = await client.callTool({ name, arguments: args }, undefined, { timeout: CALL_TIMEOUT_MS });
  } catch (err) {
    rec?.fail(`${name}: ${err?.message ?? err}`);
    return undefined;
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const text = resultText(res);
  if (res.isError) {
    rec?.fail(`${name}: ${text}`);
    return undefined;
  }
  rec?.ok(ms, text.length);
  if (res.structuredContent) return res.structuredContent;
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

export function summarize(values) {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  return {
    n,
    min: n ? s[0] : NaN,
    p50: percentile(s, 50),
    p90: percentile(s, 90),
    p99: percentile(s, 99),
    max: n ? s[n - 1] : NaN,
    mean: n ? s.reduce((a, b) => a + b, 0) / n : NaN,
  };
}

export const median = (values) => percentile([...values].sort((a, b) => a - b), 50);

export function fmt(x, digits = 2) {
  if (typeof x !== 'number' || Number.isNaN(x)) return '-';
  return x.toFixed(digits);
}

/** Which columns hold only numbers (right-aligned in tables). */
export function numericColumns(header, rows) {
  return header.map((_, i) => rows.every((r) => typeof r[i] === 'number' || /^[-\d.,x%<>= ]+$/.test(String(r[i]))));
}

/** A plain text table: rows are arrays of cells; numbers are right-aligned. */
export function table(header, rows) {
  const all = [header, ...rows].map((r) => r.map((c) => String(c)));
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i]?.length ?? 0)));
  const numeric = numericColumns(header, rows);
  const line = (r) => r.map((c, i) => (numeric[i] && i > 0 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(all[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(line)].join('\n');
}

/** mulberry32: a small seeded generator, so every run seeds the same database. */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    /** entries: [[value, weight], ...] */
    weighted(entries) {
      const total = entries.reduce((s, [, w]) => s + w, 0);
      let r = next() * total;
      for (const [v, w] of entries) {
        r -= w;
        if (r < 0) return v;
      }
      return entries[entries.length - 1][0];
    },
  };
}

/** Busy and idle clock ticks of all cores since boot, from /proc/stat (Linux); null elsewhere. */
export function machineCpuTicks() {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1, 9).map(Number);
    const idle = fields[3] + (fields[4] ?? 0); // idle + iowait
    // steal: time the hypervisor gave this VM's vCPUs to someone else
    return { idle, steal: fields[7] ?? 0, total: fields.reduce((a, b) => a + b, 0) };
  } catch {
    return null;
  }
}
