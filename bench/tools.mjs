// Section 2 of bench/run.mjs: a round trip for every tool coordinator-mcp lists, with realistic
// arguments, on the seeded 100,000-flag database and the bundled agents. The tools that change
// flags work on flags this section creates itself (create_flag's own calls, plus an untimed batch
// for delete_flag), so that every timed call is one an agent would make and none is refused.
import { createArgs, makeContent } from './content.mjs';
import { Recorder, timedCall } from './lib.mjs';

/** Calls per tool: ~200, fewer for the expensive ones. */
export const TOOL_CALLS = {
  default: 200,
  warmup: 20,
  get_workable_flags: 100,
  plan_migration: 100,
  convert_schema: 100,
  recommend_databases: 100,
  compare_databases: 100,
};

const SEARCHES = ['postgresql query performance tuning', 'react component accessibility', 'kubernetes deployment pipeline',
  'jwt authentication and sessions', 'payment webhook retries', 'vector search for rag', 'terraform aws infrastructure',
  'flaky end-to-end tests', 'graphql schema', 'incident response on-call', 'mongodb schema design', 'redis caching'];
const DB_NAMES = ['postgres', 'MongoDB', 'mssql', 'redis', 'cassandra', 'clickhouse', 'pinecone', 'neo4j', 'dynamodb', 'elasticsearch'];
const COMPARE = [['postgresql', 'mysql'], ['mongodb', 'dynamodb', 'cassandra'], ['clickhouse', 'snowflake', 'bigquery', 'duckdb'], ['redis', 'memcached']];
const REQUIREMENTS = [
  { data_model: 'relational', transactions: true, data_volume: '500GB', reads_per_second: 5000, writes_per_second: 500, consistency: 'strong' },
  { workloads: ['oltp', 'search', 'cache'], data_volume: '2TB', budget: 'medium', deployment: 'managed', cloud: 'aws' },
  { data_model: 'time-series', writes_per_second: 100_000, query_needs: ['aggregations', 'time_series'], open_source_only: true },
  { use_case: 'real-time leaderboards', latency_ms: 5, data_model: 'key-value', read_write_ratio: '90:10' },
];
const PATTERNS = ['database-per-service', 'lambda', 'cqrs-event-sourcing', 'cache-aside', 'change-data-capture', 'database per service'];
const SIZING = [
  { system: 'postgresql', ram_gb: 64, max_connections: 200 },
  { system: 'mysql', ram_gb: 32 },
  { system: 'mongodb', ram_gb: 16 },
  { system: 'redis', ram_gb: 8, persistence: true },
];
const LIST_DATABASES = [{}, { category: 'relational' }, { data_model: 'document' }, { deployment: 'embedded' }, { cloud: 'aws', open_source: true }];
export const MYSQL_DDL = `CREATE TABLE \`orders\` (
  \`id\` bigint unsigned NOT NULL AUTO_INCREMENT,
  \`customer_id\` int NOT NULL,
  \`status\` enum('new','paid','shipped','cancelled') NOT NULL DEFAULT 'new',
  \`total\` decimal(10,2) NOT NULL,
  \`notes\` text,
  \`created_at\` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
  \`updated_at\` timestamp NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (\`id\`),
  KEY \`idx_customer\` (\`customer_id\`),
  UNIQUE KEY \`uq_customer_created\` (\`customer_id\`, \`created_at\`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;`;
const MIGRATION = { source: 'mysql', target: 'postgresql', data_volume: '200GB', tables: 120, write_rate: 300, downtime: 'zero', cdc_available: true };
const QUERY = "SELECT id, flag_type, impact_level, created_at FROM flags WHERE target_agent = ? AND status = 'pending' ORDER BY id DESC LIMIT 20";

/**
 * Times every tool in `tools` (from tools/list, in its order) on `client`. agents: the seeded
 * handles; bundled: names of catalog agents; r: a seeded rng. Returns { recorders, variants, missing }.
 */
export async function runToolBench({ client, tools, agents, bundled, r, progress = () => {} }) {
  const warmN = TOOL_CALLS.warmup;
  const callsFor = (name) => TOOL_CALLS[name] ?? TOOL_CALLS.default;
  const recorders = new Map();
  const cycle = (list, i) => list[i % list.length];

  // Flags created by create_flag (warm-up and timed): update, lock, unlock and complete use them.
  const created = [];
  const remember = (res, args) => {
    if (res?.flag_id) created.push({ id: res.flag_id, source: args.source_agent, target: args.target_agent });
  };
  // An untimed batch for delete_flag (a withdrawn flag cannot be withdrawn again).
  const forDelete = [];
  const holder = (f) => f.target ?? agents.find((a) => a !== f.source);

  /** Simple tools: args(i) for the i-th call; the first warmN calls are untimed. */
  const simple = (argsOf) => async (name, rec) => {
    const n = callsFor(name);
    for (let i = 0; i < warmN; i++) await timedCall(client, name, argsOf(i), null);
    for (let i = 0; i < n; i++) await timedCall(client, name, argsOf(i + warmN), rec);
  };
  // Tools called with several kinds of arguments: each kind also gets figures of its own.
  const variants = new Map(); // tool name -> [Recorder per kind]
  const withVariants = (kinds) => async (name, rec) => {
    const n = callsFor(name);
    const recs = kinds.map(([label]) => new Recorder(`${name} ${label}`));
    variants.set(name, recs);
    for (let i = 0; i < warmN; i++) await timedCall(client, name, cycle(kinds, i)[1](), null);
    for (let i = 0; i < n; i++) {
      const k = (i + warmN) % kinds.length;
      const v = recs[k];
      const tee = { ok: (ms, b) => { rec.ok(ms, b); v.ok(ms, b); }, fail: (m) => { rec.fail(m); v.fail(m); } };
      await timedCall(client, name, kinds[k][1](), tee);
    }
  };

  const plans = {
    create_flag: async (name, rec) => {
      const n = callsFor(name);
      for (let i = 0; i < warmN + n; i++) {
        const args = createArgs(r, agents);
        remember(await timedCall(client, name, args, i < warmN ? null : rec), args);
      }
      for (let i = 0; i < warmN + callsFor('delete_flag'); i++) {
        const args = createArgs(r, agents);
        const res = await timedCall(client, name, args, null);
        if (res?.flag_id) forDelete.push({ id: res.flag_id, source: args.source_agent });
      }
    },
    get_agent_flags: simple(() => ({ agent: r.pick(agents) })),
    list_flags: withVariants([
      ['{} (pending, newest 20)', () => ({})],
      ["{target_agent, status:'all', limit:20}", () => ({ target_agent: r.pick(agents), status: 'all', limit: 20 })],
      ['{source_agent, limit:20}', () => ({ source_agent: r.pick(agents), limit: 20 })],
      ["{flag_type:'breaking_change', impact_level:'critical', limit:20}", () => ({ flag_type: 'breaking_change', impact_level: 'critical', limit: 20 })],
    ]),
    get_flag: simple(() => ({ id: 1 + r.int(100_000) })),
    update_flag: simple((i) => {
      const f = cycle(created, i);
      const { change } = makeContent(r);
      return { id: f.id, agent: f.source, change_description: change, related_files: ['src/api/users.ts', 'docs/api.md'] };
    }),
    // lock_flag and unlock_flag run as pairs on the same flag (see below); complete_flag after them.
    lock_flag: null,
    unlock_flag: null,
    complete_flag: simple((i) => {
      const f = cycle(created, i);
      return { id: f.id, agent: holder(f), notes: 'Updated the callers and their tests; verified on staging.' };
    }),
    delete_flag: simple((i) => ({ id: forDelete[i].id, agent: forDelete[i].source })),
    get_workable_flags: simple(() => ({})),
    search_agents: simple((i) => ({ query: cycle(SEARCHES, i), limit: 5 })),
    get_agent: simple(() => ({ name: r.pick(bundled) })),
    list_agents: simple((i) => cycle([{}, { domain: 'database' }, { domain: 'frontend', limit: 10 }, { limit: 10, offset: 20 }], i)),
    query_catalog: simple(() => ({ sql: QUERY, params: [r.pick(agents)] })),
    list_databases: simple((i) => cycle(LIST_DATABASES, i)),
    get_database: simple((i) => ({ name: cycle(DB_NAMES, i) })),
    compare_databases: simple((i) => ({ names: cycle(COMPARE, i) })),
    recommend_databases: simple((i) => cycle(REQUIREMENTS, i)),
    get_architecture_pattern: simple((i) => ({ name: cycle(PATTERNS, i) })),
    size_database_memory: simple((i) => cycle(SIZING, i)),
    plan_migration: simple(() => MIGRATION),
    convert_schema: simple(() => ({ ddl: MYSQL_DDL, from: 'mysql' })),
  };

  // Order of the runs: create first (the others need its flags), then update, lock/unlock pairs,
  // complete and delete; the read tools after them, in tools/list order.
  const names = tools.map((t) => t.name);
  const stateful = ['create_flag', 'update_flag', 'lock_flag', 'complete_flag', 'delete_flag'].filter((n) => names.includes(n));
  const order = [...stateful, ...names.filter((n) => !stateful.includes(n) && n !== 'unlock_flag')];
  const missing = names.filter((n) => !(n in plans));
  for (const name of order) {
    if (!(name in plans)) continue;
    if (name === 'lock_flag') {
      const lockRec = new Recorder('lock_flag');
      const unlockRec = new Recorder('unlock_flag');
      const n = callsFor('lock_flag');
      // Broadcasts are not locked (each agent acknowledges them for itself): lock flags with a target.
      const lockable = created.filter((f) => f.target !== null && f.target !== undefined);
      for (let i = 0; i < warmN + n; i++) {
        const f = cycle(lockable, i);
        const agent = holder(f);
        await timedCall(client, 'lock_flag', { id: f.id, agent, lease_seconds: 600 }, i < warmN ? null : lockRec);
        await timedCall(client, 'unlock_flag', { id: f.id, agent }, i < warmN ? null : unlockRec);
      }
      recorders.set('lock_flag', lockRec);
      recorders.set('unlock_flag', unlockRec);
      progress(`lock_flag/unlock_flag: ${lockRec.times.length}/${unlockRec.times.length} ok`);
      continue;
    }
    const rec = new Recorder(name);
    await plans[name](name, rec);
    recorders.set(name, rec);
    progress(`${name}: ${rec.times.length} ok, ${rec.failures} failed`);
  }
  return { recorders, variants, missing };
}
