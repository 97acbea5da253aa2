// The routing benchmark: labelled tasks over three public agent catalogs (tests/fixtures/routing),
// each answered by three rankers: ours (search_agents), a plain minisearch BM25 (name and
// description boosted, prefix, fuzzy 0.2) and the seed's original scoring (substring tags, word
// sets). Reports top-1, recall@5 and MRR per split (dev: tuned on; heldout: never tuned on), and
// per catalog and per batch within each split.
// `node bench/routing.mjs` prints the tables; bench/run.mjs runs it as its [routing] section and
// tests/unit/routing.test.ts keeps ours above a floor.
import MiniSearch from 'minisearch';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const FIXTURES = join(ROOT, 'tests', 'fixtures');
export const ROUTING_DIR = join(FIXTURES, 'routing');
export const CATALOGS = {
  'wshobson-agents': join(FIXTURES, 'agents', 'wshobson-agents'),
  'rshah515-agents': join(FIXTURES, 'agents', 'rshah515-agents'),
  'voltagent-subagents': join(FIXTURES, 'agents', 'voltagent-subagents'),
};

/** The tasks of one split, every batch (tasks.dev.json, tasks-b.dev.json, ...) together. */
export function loadTasks(split) {
  return readdirSync(ROUTING_DIR)
    .filter((f) => f.startsWith('tasks') && f.endsWith(`.${split}.json`))
    .sort()
    .flatMap((f) => JSON.parse(readFileSync(join(ROUTING_DIR, f), 'utf8')));
}

/** Batch a: ids like wsh-001; later batches, by other writers, carry their letter: wsh-b01, wsh-c01. */
export const batchOf = (task) => /-([b-z])\d+$/.exec(task.id)?.[1] ?? 'a';

async function lib(path) {
  return import(join(ROOT, 'dist', 'lib', path));
}

/** Each catalog loaded once through the product's own catalog code (an in-memory store). */
export async function loadCatalogs() {
  const { openStore } = await lib('store/db.js');
  const { AgentCatalog } = await lib('agents/catalog.js');
  const out = {};
  for (const [name, dir] of Object.entries(CATALOGS)) {
    const db = openStore(':memory:');
    const catalog = new AgentCatalog(db, [{ source: 'extra', dir }]);
    catalog.refresh();
    out[name] = { catalog, agents: catalog.all(), bodies: catalog.bodies() };
  }
  return out;
}

/** Rankers: (catalog entry) => (query) => ranked handles. */
export const RANKERS = {
  async ours(entry, params) {
    const { AgentSearch } = await lib('agents/search.js');
    const search = new AgentSearch(entry.catalog, params);
    return (query, limit = 10) => search.search(query, limit).results.map((r) => r.name);
  },
  async bm25(entry) {
    const index = new MiniSearch({ idField: 'name', fields: ['handle', 'description', 'tags', 'capabilities', 'body'], storeFields: [] });
    index.addAll(entry.agents.map((a) => ({
      name: a.name, handle: a.name.slice(1).replace(/[-_.]/g, ' '), description: a.description, tags: a.tags.join(' '),
      capabilities: a.capabilities.join(' '), body: entry.bodies.get(a.name) ?? '',
    })));
    return (query, limit = 10) => index.search(query, { prefix: true, fuzzy: 0.2, boost: { handle: 2, description: 2 } }).slice(0, limit).map((r) => r.id);
  },
  async seed(entry) {
    // The replaced script's documented scoring: a query word inside a tag (substring) 50, inside a
    // capability 30, a description word 20 (word sets, no stemming), +25 when several kinds match.
    const agents = entry.agents.map((a) => ({
      name: a.name, tags: a.tags.map((t) => t.toLowerCase()), caps: a.capabilities.map((c) => c.toLowerCase()),
      desc: new Set(a.description.toLowerCase().split(/\W+/).filter(Boolean)),
    }));
    return (query, limit = 10) => {
      const qWords = [...new Set(query.toLowerCase().split(/\W+/).filter((w) => w.length > 1))];
      const scored = [];
      for (const a of agents) {
        let score = 0;
        let kinds = 0;
        for (const w of qWords) {
          if (a.tags.some((t) => t.includes(w))) { score += 50; kinds |= 1; }
          if (a.caps.some((c) => c.includes(w))) { score += 30; kinds |= 2; }
          if (a.desc.has(w)) { score += 20; kinds |= 4; }
        }
        if (kinds & (kinds - 1)) score += 25;
        if (score > 0) scored.push({ name: a.name, score });
      }
      scored.sort((x, y) => y.score - x.score || (x.name < y.name ? -1 : 1));
      return scored.slice(0, limit).map((s) => s.name);
    };
  },
};

/** top-1, recall@5 (an acceptable agent in the first five) and MRR (over the first ten). */
export function metrics(tasks, answers) {
  let top1 = 0;
  let r5 = 0;
  let mrr = 0;
  const misses = [];
  tasks.forEach((task, i) => {
    const ranked = answers[i];
    const at = ranked.findIndex((name) => task.accept.includes(name));
    if (at === 0) top1++;
    if (at >= 0 && at < 5) r5++;
    if (at >= 0) mrr += 1 / (at + 1);
    if (at !== 0) misses.push({ id: task.id, query: task.query, got: ranked.slice(0, 3), accept: task.accept, at });
  });
  const n = tasks.length || 1;
  return { tasks: tasks.length, top1: top1 / n, recall5: r5 / n, mrr: mrr / n, misses };
}

/** Every ranker on every split: { [ranker]: { [split]: metrics } }. */
export async function evaluateRouting({ splits = ['dev', 'heldout'], rankers = Object.keys(RANKERS), params } = {}) {
  const catalogs = await loadCatalogs();
  const out = {};
  for (const ranker of rankers) {
    const byCatalog = {};
    for (const [name, entry] of Object.entries(catalogs)) byCatalog[name] = await RANKERS[ranker](entry, params);
    out[ranker] = {};
    for (const split of splits) {
      const tasks = loadTasks(split);
      const answers = tasks.map((t) => byCatalog[t.catalog](t.query, 10));
      out[ranker][split] = metrics(tasks, answers);
      const subset = (label, keep) => {
        const idx = tasks.map((t, i) => (keep(t) ? i : -1)).filter((i) => i >= 0);
        if (idx.length) out[ranker][`${split} (${label})`] = metrics(idx.map((i) => tasks[i]), idx.map((i) => answers[i]));
      };
      for (const catalog of Object.keys(CATALOGS)) subset(catalog, (t) => t.catalog === catalog);
      for (const batch of [...new Set(tasks.map(batchOf))].sort()) subset(`batch ${batch}`, (t) => batchOf(t) === batch);
    }
  }
  return out;
}

const SPEED_QUERIES = ['jwt sso for the identity api', 'kafka cdc pipeline', 'postgresql schema migration', 'react state-management rendering',
  'terraform helm kubernetes', 'fraud ledger audit', 'vector embeddings rag', 'subscriptions invoicing email', 'rust grpc', 'flutter push notifications'];

/** In-process index build and search times at 1,000 and 10,000 generated agents. */
export async function searchSpeed(generateAgents, tmp) {
  const { openStore } = await lib('store/db.js');
  const { AgentCatalog } = await lib('agents/catalog.js');
  const { AgentSearch } = await lib('agents/search.js');
  const { mkdtempSync } = await import('node:fs');
  const out = [];
  for (const n of [1000, 10_000]) {
    const dir = mkdtempSync(join(tmp, `speed-${n}-`));
    generateAgents(dir, n);
    const db = openStore(':memory:');
    const catalog = new AgentCatalog(db, [{ source: 'extra', dir }]);
    catalog.refresh();
    const search = new AgentSearch(catalog);
    let t = performance.now();
    search.warm();
    const build = performance.now() - t;
    const times = [];
    for (let i = 0; i < 1000; i++) {
      t = performance.now();
      search.search(SPEED_QUERIES[i % SPEED_QUERIES.length], 5);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const long = 'our postgres replicas lag and vacuum never finishes on the orders table; '.repeat(200).slice(0, 10_000);
    t = performance.now();
    search.search(long, 5);
    const longMs = performance.now() - t;
    db.close();
    const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
    out.push({ agents: n, build_ms: build, p50: at(0.5), p90: at(0.9), p99: at(0.99), long_query_ms: longMs });
  }
  return out;
}

const pct = (x) => `${(x * 100).toFixed(1)}%`;

export function routingTable(results) {
  const rows = [];
  for (const [ranker, bySplit] of Object.entries(results)) {
    for (const [split, m] of Object.entries(bySplit)) rows.push([ranker, split, m.tasks, pct(m.top1), pct(m.recall5), m.mrr.toFixed(3)]);
  }
  return { header: ['ranker', 'split', 'tasks', 'top-1', 'recall@5', 'MRR'], rows };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const splits = (process.env.ROUTING_SPLITS ?? 'dev,heldout').split(',');
  const results = await evaluateRouting({ splits });
  const { header, rows } = routingTable(results);
  console.log([header, ...rows].map((r) => r.join('\t')).join('\n'));
  if (process.env.ROUTING_MISSES) {
    for (const m of results.ours[process.env.ROUTING_MISSES].misses) console.log(`${m.id} @${m.at} ${m.query}\n   got ${m.got.join(' ')}\n   want ${m.accept.join(' ')}`);
  }
}
