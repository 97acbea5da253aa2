// Side tool for memory work (not part of npm run bench): runs the RSS workload of bench section 6
// against the built server and prints its RSS at start and at the end. Usage:
//   node bench/rss-probe.mjs DB AGENTS_DIR [node flags...]
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createArgs, agentHandles } from './content.mjs';
import { connect, procStatus, Recorder, rng, timedCall } from './lib.mjs';

const [db, agentsDir, ...nodeFlags] = process.argv.slice(2);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const mb = (kb) => (kb / 1024).toFixed(1);
const agents = agentHandles(200);
const h = await connect([...nodeFlags, join(ROOT, 'dist/index.js'), '--db', db, ...(agentsDir && agentsDir !== '-' ? ['--agents-dir', agentsDir] : [])], { cwd: ROOT, env: Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('COORDINATOR_'))) });
const start = procStatus(h.pid);
const r = rng(3);
const rec = new Recorder('probe');
const listed = await timedCall(h.client, 'list_agents', { limit: 500, offset: 20 }, rec);
const names = (listed?.agents ?? []).map((a) => a.name);
const queries = ['jwt sso for the identity api', 'kafka cdc pipeline', 'postgresql schema migration', 'react state-management rendering'];
const { MYSQL_DDL: DDL } = await import('./tools.mjs');
const kinds = {
  search: () => ['search_agents', { query: r.pick(queries), limit: 5 }],
  queue: () => ['get_agent_flags', { agent: r.pick(agents) }],
  list: () => ['list_flags', { target_agent: r.pick(agents), status: 'all', limit: 20 }],
  get_flag: () => ['get_flag', { id: 1 + r.int(100000) }],
  create: () => ['create_flag', createArgs(r, agents)],
  get_agent: () => ['get_agent', { name: r.pick(names) }],
  list_agents: () => ['list_agents', { limit: 50, offset: r.int(40) }],
  workable: () => ['get_workable_flags', {}],
  recommend: () => ['recommend_databases', { workloads: ['oltp', 'search'], data_volume: '1TB', consistency: 'strong' }],
  compare: () => ['compare_databases', { names: ['postgresql', 'mysql', 'mongodb'] }],
  plan: () => ['plan_migration', { source: 'mysql', target: 'postgresql', data_volume: '200GB', tables: 80, source_ddl: DDL }],
  convert: () => ['convert_schema', { ddl: DDL, from: 'mysql' }],
};
const mix = ['search', 'queue', 'search', 'queue', 'list', 'get_flag', 'search', 'queue', 'create', 'get_agent', 'list_agents',
  'search', 'queue', 'workable', 'recommend', 'compare', 'plan', 'convert', 'search'];
const only = process.env.PROBE_ONLY?.split(',');
for (let i = 0; i < 400; i++) {
  const k = mix[i % mix.length];
  if (only && !only.includes(k)) continue;
  const [name, args] = kinds[k]();
  await timedCall(h.client, name, args, rec);
  const now = procStatus(h.pid).VmRSS;
  if (!(now <= (globalThis.maxRss ?? 0))) { globalThis.maxRss = now; globalThis.maxAt = `${i}:${k}`; }
}
console.log(`highest RSS seen after a call: ${mb(globalThis.maxRss)} MB, after call ${globalThis.maxAt}`);
const end = procStatus(h.pid);
console.log(`start rss ${mb(start.VmRSS)} hwm ${mb(start.VmHWM)} | end rss ${mb(end.VmRSS)} anon ${mb(end.RssAnon)} hwm ${mb(end.VmHWM)} | ok ${rec.times.length} failed ${rec.failures} ${rec.errors[0] ?? ''}`);
await h.close();
