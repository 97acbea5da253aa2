import * as z from 'zod';
import { invalid, quoted } from '../errors.js';
import { atMost } from '../mcp/define.js';
import type { DatabaseCatalog } from './catalog.js';
import { ARCHITECTURE_PATTERNS } from './patterns.js';
import { type Database, type QueryNeed, CLOUDS } from './schema.js';

export const QUERY_NEEDS = ['joins', 'aggregations', 'full_text', 'vector_similarity', 'graph_traversal', 'geospatial', 'time_series', 'key_lookup'] as const;
export const WORKLOADS = ['oltp', 'analytics', 'search', 'cache', 'vector', 'graph', 'time-series', 'event-sourcing', 'document'] as const;
const MODELS = ['relational', 'document', 'key-value', 'wide-column', 'graph', 'time-series', 'vector', 'search-index', 'columnar'] as const;

/** data_volume and read_write_ratio: "500GB", "90:10"; far longer is no size. */
export const MAX_VOLUME_INPUT = 32;
/** Reads or writes per second: a billion is beyond any single system in the catalog. */
export const MAX_RATE = 1e12;
/** team_expertise, existing_systems, compliance: items each. */
export const MAX_LIST_INPUT = 50;

export const requirementsShape = {
  data_model: z.enum(MODELS).optional().describe('Shape of the data'),
  data_volume: z.string().superRefine(atMost(MAX_VOLUME_INPUT)).optional().describe('e.g. "500GB", "3TB"'),
  reads_per_second: z.number().min(0).superRefine(atMost(MAX_RATE)).optional().describe('Peak reads/s'),
  writes_per_second: z.number().min(0).superRefine(atMost(MAX_RATE)).optional().describe('Peak writes/s'),
  read_write_ratio: z.string().superRefine(atMost(MAX_VOLUME_INPUT)).optional().describe('"90:10", read-heavy, write-heavy or balanced'),
  consistency: z.enum(['strong', 'eventual']).optional().describe('strong: writes survive failover and reads see them; eventual: stale reads OK'),
  transactions: z.boolean().optional().describe('Multi-record ACID needed'),
  latency_ms: z.number().positive().superRefine(atMost(3_600_000)).optional().describe('Target p99 latency, ms'),
  query_needs: z.array(z.enum(QUERY_NEEDS)).superRefine(atMost(QUERY_NEEDS.length * 2)).optional().describe('What queries must do'),
  workloads: z.array(z.enum(WORKLOADS)).superRefine(atMost(WORKLOADS.length * 2)).optional().describe('Workloads; several give a polyglot design'),
  multi_region: z.enum(['none', 'read-replicas', 'active-active']).optional().describe('active-active: writes in several regions'),
  budget: z.enum(['low', 'medium', 'high']).optional().describe('For licences and hosting'),
  deployment: z.enum(['managed', 'self-hosted', 'embedded', 'any']).optional().describe('managed, self-hosted or embedded'),
  cloud: z.enum([...CLOUDS, 'any']).optional().describe('Cloud it must run on'),
  open_source_only: z.boolean().optional().describe('Only OSI open-source licences'),
  team_expertise: z.array(z.string().max(100)).max(MAX_LIST_INPUT).optional().describe('Systems the team knows'),
  existing_systems: z.array(z.string().max(100)).max(MAX_LIST_INPUT).optional().describe('Systems already in production'),
  compliance: z.array(z.string().max(100)).max(MAX_LIST_INPUT).optional().describe('e.g. pci-dss, hipaa'),
  offline_sync: z.boolean().optional().describe('Clients work offline, sync later'),
  serverless: z.boolean().optional().describe('Pay per request, scale to zero'),
  use_case: z.string().max(500).optional().describe('The application, e.g. "real-time leaderboards"'),
};
export const requirementsSchema = z.strictObject(requirementsShape);
export type Requirements = z.infer<typeof requirementsSchema>;

const LATENCY_MS: Record<Database['latency'], number> = { 'sub-ms': 0.5, ms: 5, 'tens-of-ms': 30, seconds: 1500 };
const SCALE_GB: Record<Database['practical_scale'], number> = { GB: 500, TB: 100_000, PB: Number.POSITIVE_INFINITY };
const WRITE_CAPACITY: Record<Database['write_throughput'], number> = { low: 1_000, medium: 20_000, high: 200_000, 'very-high': 2_000_000 };
/** Systems that ride on another: knowing or running PostgreSQL counts for pgvector and TimescaleDB. */
const FAMILY: Record<string, string[]> = {
  pgvector: ['postgresql', 'aurora-postgresql'], timescaledb: ['postgresql'], 'aurora-postgresql': ['postgresql'], 'aurora-mysql': ['mysql'], elasticache: ['redis', 'valkey', 'memcached'],
  valkey: ['redis'], keydb: ['redis'], opensearch: ['elasticsearch'], mariadb: ['mysql'], scylladb: ['cassandra'], yugabytedb: ['postgresql'],
  cockroachdb: ['postgresql'], tidb: ['mysql'],
};
/** Extensions of another system (their FAMILY): built for their own workloads only; for the rest the host is the answer. */
const EXTENSION: Record<string, (typeof WORKLOADS)[number][]> = { pgvector: ['vector'], timescaledb: ['time-series'] };
/** Of FAMILY, the systems that only speak another's protocol: not variants of it (see confidenceOf). */
const OWN_ENGINE = new Set(['yugabytedb', 'cockroachdb', 'tidb']);
/**
 * One writer, but its storage acknowledges a write only once it is on a quorum of six copies in
 * three Availability Zones (Aurora User Guide, "High availability for Amazon Aurora"): a failover
 * inside the region loses no acknowledged write. Across regions (Global Database) it is asynchronous.
 */
const QUORUM_STORAGE = new Set(['aurora-mysql', 'aurora-postgresql']);
const OFFLINE_SYNC = new Set(['sqlite', 'couchbase', 'couchdb', 'firestore']);
/** Pay per request and scale to zero, with the offering that does it. */
const SERVERLESS: Record<string, string> = {
  dynamodb: 'DynamoDB on-demand capacity', firestore: 'Firestore, billed per operation',
  'aurora-mysql': 'Aurora Serverless v2 (scales to zero)', 'aurora-postgresql': 'Aurora Serverless v2 (scales to zero)',
  bigquery: 'BigQuery on-demand queries', cosmosdb: 'Cosmos DB serverless accounts', pinecone: 'Pinecone serverless indexes',
  snowflake: 'Snowflake warehouses that suspend when idle', postgresql: 'Neon (scales to zero)', sqlite: 'Cloudflare D1 or Turso',
  redis: 'Upstash Redis, billed per request', elasticsearch: 'Elastic Cloud Serverless', cockroachdb: 'CockroachDB Basic',
  tidb: 'TiDB Cloud Starter',
};

/** The query needs a workload implies, and the data model it usually has. */
const WORKLOAD_PROFILE: Record<(typeof WORKLOADS)[number], { needs: QueryNeed[]; model?: (typeof MODELS)[number]; label: string }> = {
  oltp: { needs: ['joins', 'key_lookup'], model: 'relational', label: 'transactions (system of record)' },
  document: { needs: ['key_lookup'], model: 'document', label: 'flexible documents' },
  analytics: { needs: ['aggregations'], model: 'columnar', label: 'analytics' },
  search: { needs: ['full_text'], model: 'search-index', label: 'full-text search' },
  cache: { needs: ['key_lookup'], model: 'key-value', label: 'cache and sessions' },
  vector: { needs: ['vector_similarity'], model: 'vector', label: 'vector similarity' },
  graph: { needs: ['graph_traversal'], model: 'graph', label: 'graph traversal' },
  'time-series': { needs: ['time_series', 'aggregations'], model: 'time-series', label: 'time series' },
  'event-sourcing': { needs: ['key_lookup'], label: 'event log' },
};

/** The catalog categories that are built for each workload. */
const WORKLOAD_CATEGORY: Record<(typeof WORKLOADS)[number], Database['categories'][number][]> = {
  oltp: ['relational', 'distributed-sql'], document: ['document'], analytics: ['columnar-analytics'], search: ['search'], cache: ['cache'],
  vector: ['vector'], graph: ['graph'], 'time-series': ['time-series'], 'event-sourcing': ['event-store'],
};
const INTERACTIVE_MS = 50;

export function parseVolumeGb(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(MB|GB|TB|PB)\s*$/i.exec(value);
  if (!m) throw invalid('data_volume', 'format', `data_volume ${quoted(value)} is not a size; write a number and a unit, e.g. "500GB", "3TB" or "2PB"`);
  const unit = m[2]!.toUpperCase();
  return Number(m[1]) * ({ MB: 1 / 1024, GB: 1, TB: 1024, PB: 1024 * 1024 } as Record<string, number>)[unit]!;
}

function parseRatio(value: string): number {
  const named: Record<string, number> = { 'read-heavy': 0.9, 'write-heavy': 0.2, balanced: 0.5 };
  if (value.trim().toLowerCase() in named) return named[value.trim().toLowerCase()]!;
  const m = /^\s*(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)\s*$/.exec(value);
  if (!m || Number(m[1]) + Number(m[2]) === 0) {
    throw invalid('read_write_ratio', 'format', `read_write_ratio ${quoted(value)} is not a ratio; write reads:writes such as "90:10", or read-heavy, write-heavy, balanced`);
  }
  return Number(m[1]) / (Number(m[1]) + Number(m[2]));
}

interface Ranked {
  id: string;
  name: string;
  score: number;
  why: string[];
  risks: string[];
}
/** A ranked system with, kept out of the answer, its score on the stated requirements alone. */
type Scored = Ranked & { stated: number };

export interface Recommendation {
  requirements: Requirements;
  assumptions: string[];
  ranked: (Ranked & { rank: number })[];
  /** The excluded systems grouped by reason (a system excluded for two reasons is under both). */
  excluded_by_reason: { reason: string; count: number; ids: string[] }[];
  /** Every excluded system with its reasons: only when asked for (include_excluded). */
  excluded?: { id: string; name: string; reasons: string[] }[];
  confidence: { level: 'high' | 'moderate' | 'too-close-to-call' | 'none'; gap_percent: number | null; explanation: string };
  polyglot: null | {
    pattern: string;
    components: { workload: string; system: string; name: string; why: string }[];
    synchronization: string[];
  };
}

export class Recommender {
  constructor(private readonly catalog: DatabaseCatalog) {}

  /** includeExcluded: list every excluded system with its reasons, beside the summary by reason. */
  recommend(input: Requirements, limit = 5, includeExcluded = false): Recommendation {
    const r = this.rank(input, limit, true);
    return includeExcluded ? r : { ...r, excluded: undefined };
  }

  /** withPolyglot false: one component of a polyglot design, which gets no design of its own. */
  private rank(input: Requirements, limit: number, withPolyglot: boolean): Recommendation {
    const req = requirementsSchema.parse(input);
    const assumptions: string[] = [];
    const volumeGb = req.data_volume === undefined ? undefined : parseVolumeGb(req.data_volume);
    const ratio = req.read_write_ratio === undefined ? undefined : parseRatio(req.read_write_ratio);
    this.checkContradictions(req, ratio);
    // A system the catalog does not hold (Kafka, an in-house store) is not weighed, and the
    // answer says so: one unknown name must not refuse the whole request.
    const known = (field: string, names: string[] | undefined) => (names ?? []).flatMap((n) => {
      const db = this.catalog.find(n);
      if (db) return [db.id];
      const near = this.catalog.closest(n);
      assumptions.push(`${field} ${quoted(n)} is not in the database catalog, so it is not weighed${near.length ? ` (closest: ${near.join(', ')})` : ''}`);
      return [];
    });
    const expertise = known('team_expertise', req.team_expertise);
    const existing = known('existing_systems', req.existing_systems);
    if (!req.workloads?.length && req.data_model === undefined && !req.query_needs?.length) {
      // Without these every system scores about the same, and the ranking says nothing.
      throw invalid('workloads', 'required', 'say what the database is for: give workloads (e.g. ["oltp"] or ["analytics", "search"]), data_model or query_needs; '
        + 'use_case is free text kept with the answer, not scored');
    }

    const needs = new Set<QueryNeed>(req.query_needs ?? []);
    for (const w of req.workloads ?? []) for (const n of WORKLOAD_PROFILE[w].needs) needs.add(n);
    const model = req.data_model ?? (req.workloads?.length === 1 ? WORKLOAD_PROFILE[req.workloads[0]!].model : undefined);
    if (req.data_model === undefined && model) assumptions.push(`data_model not given: taken as ${model} from the ${req.workloads![0]} workload`);
    if (req.data_model === undefined && !model) assumptions.push('data_model not given: every model considered');
    if (needs.size === 0) assumptions.push('no query_needs or workloads given: query capabilities not weighed');
    if (volumeGb === undefined) assumptions.push('data_volume not given: scale not weighed');
    if (req.consistency === undefined && req.transactions === undefined) assumptions.push('consistency and transactions not given: neither required');
    if (req.deployment === undefined) assumptions.push('deployment not given: managed, self-hosted and embedded all considered');
    const budget = req.budget ?? 'medium';
    if (req.budget === undefined) assumptions.push('budget not given: assumed medium, so licence costs count against proprietary systems');
    if (req.cloud === undefined && req.deployment !== 'embedded') assumptions.push('cloud not given: systems that run anywhere are preferred to single-cloud services');
    const latency = req.latency_ms ?? (req.transactions || req.workloads?.includes('oltp') ? INTERACTIVE_MS : undefined);
    if (req.latency_ms === undefined && latency !== undefined) assumptions.push(`latency_ms not given: transactional work assumed interactive (${INTERACTIVE_MS} ms)`);
    if (req.deployment === undefined) assumptions.push('deployment not given: a server shared by several application instances assumed, so embedded libraries rank lower');
    const writes = req.writes_per_second ?? (req.reads_per_second !== undefined && ratio !== undefined && ratio > 0 && ratio < 1 ? (req.reads_per_second * (1 - ratio)) / ratio : undefined);
    if (req.writes_per_second === undefined && writes !== undefined) assumptions.push(`writes_per_second derived from reads and ratio: about ${Math.round(writes)}`);

    const ranked: Scored[] = [];
    const excluded: NonNullable<Recommendation['excluded']> = [];
    for (const db of this.catalog.all) {
      const reasons = this.exclusions(db, req, volumeGb);
      if (reasons.length) {
        excluded.push({ id: db.id, name: db.name, reasons });
        continue;
      }
      ranked.push(this.score(db, { ...req, budget, latency_ms: latency }, { needs, model, volumeGb, writes, ratio, expertise, existing, explicitBudget: req.budget !== undefined, assumedLatency: req.latency_ms === undefined }));
    }
    // On equal fit the broader system comes first: it leaves room for needs not stated yet.
    const breadth = new Map(ranked.map((r) => [r.id, Object.values(this.catalog.find(r.id)!.query_support).reduce((sum, v) => sum + v, 0)]));
    ranked.sort((a, b) => b.score - a.score || breadth.get(b.id)! - breadth.get(a.id)! || a.id.localeCompare(b.id));
    const top = ranked.slice(0, limit).map(({ stated: _, ...r }, i) => ({ rank: i + 1, ...r }));
    return {
      requirements: req,
      assumptions,
      ranked: top,
      excluded_by_reason: byReason(excluded),
      excluded,
      confidence: confidenceOf(ranked, (id) => this.catalog.find(id)!), // the runner-up may be past the returned page
      polyglot: withPolyglot ? this.polyglot(req, needs, ranked) : null,
    };
  }

  private checkContradictions(req: Requirements, ratio: number | undefined): void {
    if (req.deployment === 'embedded' && req.multi_region === 'active-active') {
      throw invalid('multi_region', 'contradiction', 'an embedded database cannot accept writes in several regions; choose deployment managed or self-hosted, or multi_region none');
    }
    if ((req.deployment === 'self-hosted' || req.deployment === 'embedded') && req.serverless) {
      throw invalid('serverless', 'contradiction', `serverless (pay per request, scale to zero) means a managed service; it contradicts deployment ${req.deployment}`);
    }
    if (req.reads_per_second !== undefined && req.writes_per_second !== undefined && ratio !== undefined) {
      const actual = req.reads_per_second / Math.max(req.reads_per_second + req.writes_per_second, 1e-9);
      if (Math.abs(actual - ratio) > 0.15) {
        throw invalid('read_write_ratio', 'contradiction', `read_write_ratio says ${Math.round(ratio * 100)}% reads but reads_per_second and writes_per_second give ${Math.round(actual * 100)}%; give either the ratio or both rates`);
      }
    }
    if (req.consistency === 'eventual' && req.transactions) {
      throw invalid('consistency', 'contradiction', 'multi-record ACID transactions need strong consistency; drop transactions or set consistency strong');
    }
  }

  private exclusions(db: Database, req: Requirements, volumeGb: number | undefined): string[] {
    const r: string[] = [];
    const d = db.deployment;
    if (req.deployment === 'self-hosted' && !d.self_hosted) {
      r.push(d.cloud_only ? `cloud-only service (${d.cloud_only}): cannot be self-hosted` : 'an embedded library, not a server to host');
    }
    if (req.deployment === 'embedded' && !d.embedded) r.push('cannot run embedded in the application');
    if (req.deployment === 'managed' && d.managed.length === 0 && d.cloud_only === null) r.push('no managed service offers it');
    if (req.cloud && req.cloud !== 'any' && d.cloud_only && d.cloud_only !== 'vendor' && d.cloud_only !== req.cloud) {
      r.push(`runs only on ${d.cloud_only.toUpperCase()}, not ${req.cloud.toUpperCase()}`);
    }
    if (req.open_source_only && !['permissive', 'copyleft', 'public-domain'].includes(db.license.kind)) r.push(`licence ${db.license.name} is not open source`);
    if (req.multi_region === 'active-active' && db.multi_region !== 'active-active') r.push('no multi-region writes (active-active)');
    if (req.transactions && db.transactions !== 'acid') r.push('no multi-record ACID transactions');
    if (req.consistency === 'strong' && db.consistency === 'eventual') r.push('only eventual consistency');
    if (volumeGb !== undefined && volumeGb > SCALE_GB[db.practical_scale] * 10) r.push(`${formatGb(volumeGb)} is far beyond its practical scale (${db.practical_scale})`);
    if (req.offline_sync && !OFFLINE_SYNC.has(db.id)) r.push('no offline client with later sync');
    if (req.serverless && !Object.hasOwn(SERVERLESS, db.id)) r.push('no serverless (pay-per-request) offering');
    return r;
  }

  private score(db: Database, req: Requirements, ctx: {
    needs: Set<QueryNeed>; model: string | undefined; volumeGb: number | undefined; writes: number | undefined; ratio: number | undefined;
    expertise: string[]; existing: string[]; explicitBudget: boolean; assumedLatency: boolean;
  }): Scored {
    const why: string[] = [];
    const risks: string[] = [];
    let got = 0;
    let max = 0;
    /** Of got, the share earned on what the caller asked for (not on defaults and assumptions): see confidenceOf. */
    let gotStated = 0;
    const part = (weight: number, fraction: number, assumed = false) => {
      max += weight;
      const earned = weight * Math.max(0, Math.min(1, fraction));
      got += earned;
      if (!assumed) gotStated += earned;
    };
    const library = db.deployment.embedded && !db.deployment.self_hosted && db.deployment.managed.length === 0 && db.deployment.cloud_only === null;

    if (ctx.model) {
      const at = db.data_models.indexOf(ctx.model as never);
      part(25, at === 0 ? 1 : at > 0 ? 0.6 : db.categories.includes('multi-model') ? 0.3 : 0);
      if (at === 0) why.push(`${ctx.model} data model`);
      else if (at > 0) why.push(`${ctx.model} model supported beside ${db.data_models[0]}`);
      else risks.push(`not a ${ctx.model} store: the data must be reshaped`);
    }
    for (const w of req.workloads ?? []) {
      const built = builtFor(w, db);
      part(20 / (req.workloads?.length ?? 1), built ? 1 : 0);
      if (built) why.push(`built for ${WORKLOAD_PROFILE[w].label}`);
    }
    if (ctx.needs.size) {
      for (const need of ctx.needs) {
        const s = db.query_support[need];
        part(30 / ctx.needs.size, s / 3);
        if (s === 3) why.push(`${need.replace('_', ' ')} is a strength`);
        else if (s === 0) risks.push(`no ${need.replace('_', ' ')}: another store must serve it`);
        else if (s === 1) risks.push(`${need.replace('_', ' ')} only weakly supported`);
      }
    }
    if (ctx.volumeGb !== undefined) {
      const cap = SCALE_GB[db.practical_scale];
      part(10, ctx.volumeGb <= cap ? 1 : cap / ctx.volumeGb);
      if (ctx.volumeGb > cap) risks.push(`${formatGb(ctx.volumeGb)} is beyond its comfortable scale (${db.practical_scale})`);
      else if (ctx.volumeGb > 50_000 && db.practical_scale === 'PB') why.push('built for petabyte scale');
      if (ctx.volumeGb > 10_240) {
        const shards = db.scaling.includes('sharding');
        part(10, shards ? 1 : 0.2);
        if (shards) why.push('scales out by sharding');
        else risks.push(`scales only vertically: ${formatGb(ctx.volumeGb)} must fit one node`);
      }
    }
    if (ctx.writes !== undefined) {
      const cap = WRITE_CAPACITY[db.write_throughput];
      part(10, ctx.writes <= cap ? 1 : cap / ctx.writes);
      if (ctx.writes > cap) risks.push(`${Math.round(ctx.writes).toLocaleString('en-US')} writes/s exceeds its usual ${db.write_throughput} write throughput`);
      else if (ctx.writes > 50_000 && (db.write_throughput === 'very-high' || db.write_throughput === 'high')) why.push(`${db.write_throughput} write throughput`);
    }
    if (ctx.ratio !== undefined && ctx.ratio >= 0.9) {
      part(3, db.scaling.includes('read-replicas') ? 1 : 0.5);
      if (db.scaling.includes('read-replicas')) why.push('read replicas absorb a read-heavy load');
    }
    if (req.latency_ms !== undefined) {
      const typical = LATENCY_MS[db.latency];
      part(10, typical <= req.latency_ms ? 1 : (req.latency_ms / typical) ** 0.5, ctx.assumedLatency);
      if (typical <= req.latency_ms && db.latency === 'sub-ms') why.push('sub-millisecond reads');
      if (typical > req.latency_ms) risks.push(`typical latency (${db.latency}) above the ${req.latency_ms} ms target`);
    }
    if (req.multi_region === 'read-replicas') part(5, db.multi_region === 'none' ? 0 : 1);
    if (req.multi_region === 'active-active') why.push('accepts writes in several regions');
    if (req.transactions) why.push('multi-record ACID transactions');
    if (req.consistency === 'strong') {
      // A single primary is strongly consistent in one region; across regions only consensus is.
      const acrossRegions = req.multi_region !== undefined && req.multi_region !== 'none';
      const quorum = QUORUM_STORAGE.has(db.id);
      // quorum storage: no acknowledged write lost on an in-region failover, but replica reads lag by milliseconds
      part(10, db.consistency === 'strong' ? 1 : quorum && !acrossRegions ? 0.75 : db.consistency === 'strong-single-node' ? (acrossRegions ? 0.3 : 0.5) : db.consistency === 'tunable' ? 0.5 : 0);
      if (db.consistency === 'strong') why.push(`consensus replication: acknowledged writes survive a failover${acrossRegions ? ', across regions' : ''}`);
      else if (quorum && !acrossRegions) why.push('storage quorum across three Availability Zones: acknowledged writes survive a failover in the region');
      else if (quorum) risks.push('Global Database copies to other regions asynchronously: a regional failover can lose the last second of writes');
      else if (db.consistency === 'strong-single-node') risks.push('strong only on the primary: asynchronous replicas can lose the last writes on failover');
    }
    if (req.deployment === 'managed') {
      const onCloud = req.cloud && req.cloud !== 'any'
        ? db.deployment.cloud_only === req.cloud || db.deployment.managed.some((m) => m.toLowerCase().includes(CLOUD_WORD[req.cloud as keyof typeof CLOUD_WORD]))
        : db.deployment.managed.length > 0 || db.deployment.cloud_only !== null;
      // A vendor's own service (MongoDB Atlas, Elastic Cloud) usually lets you pick the cloud.
      const vendorRun = db.deployment.cloud_only === 'vendor' || db.deployment.managed.some((m) => !PROVIDER.test(m));
      part(10, onCloud ? 1 : vendorRun ? 0.8 : 0.3);
      if (onCloud && req.cloud && req.cloud !== 'any') why.push(`managed service on ${req.cloud.toUpperCase()}`);
    } else if (req.cloud && req.cloud !== 'any' && db.deployment.cloud_only === req.cloud) {
      part(5, 1);
      why.push(`native ${req.cloud.toUpperCase()} service`);
    }
    if (req.cloud === undefined && req.deployment !== 'embedded') {
      part(5, db.deployment.cloud_only && db.deployment.cloud_only !== 'vendor' ? 0.2 : 1, true);
      if (db.deployment.cloud_only && db.deployment.cloud_only !== 'vendor') risks.push(`runs only on ${db.deployment.cloud_only.toUpperCase()}: lock-in`);
    }
    // Breadth of managed offerings: a proxy for a mature ecosystem (drivers, tools, people, support).
    part(6, db.deployment.cloud_only ? 0.8 : Math.min(db.deployment.managed.length, 4) / 4, true);
    if (req.deployment === undefined) {
      part(10, library ? 0.2 : 1, true);
      if (library) risks.push('an embedded library: it serves one application process, not a fleet');
    }
    if (req.deployment === 'self-hosted' || req.deployment === 'embedded' || req.deployment === undefined) {
      part(5, db.operational_complexity === 'low' ? 1 : db.operational_complexity === 'medium' ? 0.7 : 0.3, req.deployment === undefined);
      if (db.operational_complexity === 'high') risks.push('high operational complexity to run it yourself');
    }
    if (req.budget) {
      const costly = db.license.kind === 'proprietary' && db.deployment.cloud_only === null;
      const fraction = req.budget === 'high' ? 1 : req.budget === 'medium' ? (costly ? 0.4 : 1) : costly ? 0 : db.operational_complexity === 'high' ? 0.5 : 1;
      part(8, fraction, !ctx.explicitBudget);
      if (req.budget !== 'high' && costly) risks.push(`licence cost: ${db.cost_profile}`);
    }
    if (req.compliance?.length) {
      part(4, db.transactions === 'acid' && db.consistency !== 'eventual' ? 1 : 0.4);
      if (db.transactions === 'acid') why.push('ACID writes and a consistent audit trail for compliance');
    }
    if (req.offline_sync) {
      if (db.id === 'sqlite') {
        why.push('the usual store on the device for offline work');
        risks.push('no sync of its own: a layer such as PowerSync, ElectricSQL or Turso embedded replicas syncs it with the server');
      } else why.push('offline clients that sync later');
    }
    if (req.serverless) why.push(`serverless: ${SERVERLESS[db.id]}`);

    let bonus = 0;
    const related = [db.id, ...(FAMILY[db.id] ?? [])];
    if (ctx.existing.some((e) => related.includes(e))) {
      bonus += 8;
      const kin = ctx.existing.filter((e) => related.includes(e)).join(', ');
      why.push(ctx.existing.includes(db.id) ? 'already in production: nothing new to run' : `${db.id in EXTENSION ? 'runs inside' : 'compatible with'} ${kin}, already in production`);
    }
    if (ctx.expertise.some((e) => related.includes(e))) {
      bonus += 4;
      why.push('the team knows it');
    } else if (ctx.expertise.length && db.operational_complexity === 'high') {
      risks.push('new to the team, and demanding to operate');
    }
    if (req.use_case) {
      const hit = useCaseMatch(req.use_case, db);
      if (hit) {
        bonus += 3;
        why.push(`made for this: "${hit}"`);
      }
    }
    const base = max === 0 ? 50 : (got / max) * 85;
    for (const l of db.limitations.slice(0, 2)) if (!risks.includes(l)) risks.push(l);
    const stated = (max === 0 ? 50 : (gotStated / max) * 85) + bonus;
    return { id: db.id, name: db.name, score: Math.round(Math.min(100, base + bonus) * 10) / 10, why: why.length ? why : [db.sweet_spot], risks, stated };
  }

  /**
   * Mixed workloads get one store per workload and the way they stay in step. Only what was asked
   * for takes part: the requested workloads, and for a query need stated in query_needs that the
   * leader serves weakly, the workload built for that need. Each component is the best-ranked system
   * built for its workload (builtFor); when the constraints leave none, the component says so
   * instead of handing the workload to a store not made for it.
   */
  private polyglot(req: Requirements, needs: Set<QueryNeed>, ranked: Ranked[]): Recommendation['polyglot'] {
    type Workload = (typeof WORKLOADS)[number];
    const workloads: Workload[] = [...new Set(req.workloads ?? [])];
    const best = ranked[0] ? this.catalog.find(ranked[0].id)! : undefined;
    // the leader serves the request as ranked; a stated need it serves weakly gets a store of its own
    const stated = (req.query_needs ?? []).filter((n) => needs.has(n) && NEED_WORKLOAD[n]);
    const unserved = best ? stated.filter((n) => best.query_support[n] <= 1).map((n) => NEED_WORKLOAD[n]!) : [];
    const extra = [...new Set(unserved)].filter((w) => !workloads.includes(w));
    // two requested workloads or more; or one (or a data model) served by the leader, plus a stated need it serves weakly
    const base = workloads.length >= 2 ? workloads.length : best ? 1 : 0;
    if (base + extra.length < 2) return null;
    const components: { workload: string; system: string; name: string; why: string }[] = [];
    if (workloads.length <= 1 && best) {
      // one workload (or only a data model) asked for: the leader is its component
      const role = workloads[0] ?? req.data_model ?? 'primary store';
      components.push({ workload: role, system: best.id, name: best.name, why: `the first choice above for ${workloads[0] ? WORKLOAD_PROFILE[workloads[0]].label : role}` });
    } else {
      for (const w of workloads) components.push(this.component(req, w));
    }
    for (const w of extra) components.push(this.component(req, w));
    const served = components.filter((c) => c.system !== 'none');
    const source = served.find((c) => c.workload === 'oltp' || c.workload === 'document') ?? served[0];
    const sync: string[] = [];
    for (const c of components) {
      if (c === source || !source) continue;
      const label = WORKLOAD_PROFILE[c.workload as Workload]?.label ?? c.workload;
      if (c.system === 'none') sync.push(`${label}: no store built for it meets the constraints; relax one (see excluded_by_reason) or serve it in ${source.name} with the risks listed`);
      else if (c.system === source.system) sync.push(`${c.name}: the same store serves ${label} too, so nothing to synchronize`);
      else if (EXTENSION[c.system] && (FAMILY[c.system] ?? []).includes(source.system)) {
        sync.push(`${c.name}: an extension inside the same ${source.name} database, so the ${label} data needs no synchronization`);
      } else if (c.workload === 'cache') sync.push(`${c.name}: cache-aside in the service, entries expire by TTL and are evicted on writes to ${source.name}`);
      else if (c.workload === 'event-sourcing') sync.push(`${c.name}: the event log is the source of truth; ${source.name} and the read stores are projections rebuilt from it`);
      else sync.push(`${c.name}: fed from ${source.name} by change data capture (e.g. Debezium to Kafka), eventually consistent; rebuildable from the source`);
    }
    const pattern = workloads.includes('event-sourcing') ? ARCHITECTURE_PATTERNS['cqrs-event-sourcing']!.name : ARCHITECTURE_PATTERNS['database-per-service']!.name;
    return { pattern, components, synchronization: sync };
  }

  /** The best-ranked system built for one workload, under the request's constraints. */
  private component(req: Requirements, w: (typeof WORKLOADS)[number]) {
    const profile = WORKLOAD_PROFILE[w];
    const sub = this.rank({
      ...req,
      workloads: [w],
      data_model: profile.model,
      query_needs: undefined,
      transactions: w === 'oltp' ? req.transactions : undefined,
      consistency: w === 'oltp' ? req.consistency : undefined,
      multi_region: w === 'oltp' ? req.multi_region : undefined,
    } as Requirements, 100, false);
    const pick = sub.ranked.find((r) => builtFor(w, this.catalog.find(r.id)!));
    if (!pick) {
      const why = sub.ranked.length ? `no system built for ${profile.label} meets the constraints` : 'every candidate was excluded by a constraint';
      return { workload: w, system: 'none', name: 'no system fits', why };
    }
    return { workload: w, system: pick.id, name: pick.name, why: `${profile.label}: ${pick.why.slice(0, 2).join('; ')}` };
  }
}

/** The workload built for each query need a polyglot design may add a store for. */
const NEED_WORKLOAD: Partial<Record<QueryNeed, (typeof WORKLOADS)[number]>> = {
  full_text: 'search', vector_similarity: 'vector', graph_traversal: 'graph', time_series: 'time-series', aggregations: 'analytics', joins: 'oltp',
};

const CLOUD_WORD = { aws: 'amazon', gcp: 'google', azure: 'azure' } as const;
/** A managed offering run by a cloud provider, which ties it to that provider's cloud. */
const PROVIDER = /\b(amazon|aws|google|gcp|azure|microsoft|ibm|oracle|alibaba|digitalocean|cloudflare|cloudera)\b/i;
const STOP = new Set(['a', 'an', 'and', 'the', 'for', 'of', 'with', 'to', 'in', 'on', 'our', 'app', 'application', 'data', 'system', 'service']);
/** Words too common in the catalog's use cases to match on alone: "real-time" fits a cache and a stream processor alike. */
const GENERIC = new Set(['real', 'time', 'high', 'low', 'fast', 'large', 'small', 'scale', 'many', 'big', 'simple', 'modern', 'web', 'user', 'store', 'storage', 'database', 'query', 'queri']);

/** The first when_to_use or sweet_spot line that shares two meaningful words with the use case. */
function useCaseMatch(useCase: string, db: Database): string | undefined {
  const stem = (w: string) => w.replace(/(ing|es|s)$/, '');
  const words = new Set(useCase.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 2 && !STOP.has(w)).map(stem));
  for (const line of [...db.when_to_use, db.sweet_spot]) {
    const shared = new Set(line.toLowerCase().split(/[^a-z0-9]+/).map(stem).filter((w) => words.has(w)));
    if (shared.size >= Math.min(2, words.size) && [...shared].some((w) => !GENERIC.has(w))) return line;
  }
  return undefined;
}

/**
 * Whether a system is built for a workload: by its categories, but a SQL warehouse is not built
 * for transactions (HTAP systems, distributed SQL with a columnar side, are), and an extension
 * only for its own workloads.
 */
function builtFor(w: (typeof WORKLOADS)[number], db: Database): boolean {
  const ext = EXTENSION[db.id];
  if (ext) return ext.includes(w);
  if (w === 'oltp' && db.categories.includes('columnar-analytics') && !db.categories.includes('distributed-sql')) return false;
  return WORKLOAD_CATEGORY[w].some((c) => db.categories.includes(c));
}

/** Forks, extensions and managed editions of one system (Valkey and Redis, OpenSearch and Elasticsearch). */
const variantOf = (id: string) => (OWN_ENGINE.has(id) ? [] : FAMILY[id] ?? []);
const variants = (a: string, b: string) => variantOf(a).includes(b) || variantOf(b).includes(a) || variantOf(a).some((x) => variantOf(b).includes(x));

/**
 * Score points (of 100) on the stated requirements by which a lead counts as clear. Calibrated on the
 * recommender's scenario tests (tests/helpers/db-scenarios.ts, each with the systems its author
 * expected, written before the recommender ran): "high" should mean the leader is expected and the
 * runner-up is not. Leads there: 1.4 (Qdrant over Weaviate, both expected) and 2.2 (Neptune over
 * Neo4j, both expected) should stay below high; 1.9 (PostgreSQL over MySQL for orders), 3.4, 4.3
 * and more (runner-up not expected) should reach it. 1.5 gets all of them but Neptune right; no
 * leader outside its expected set is high at any margin from 1 to 5. The kind margin: 3.8 (a
 * warehouse beside PostgreSQL for audited transactions) is the only rival kind within 12 points.
 */
export const CONFIDENCE_MARGIN = { product: 1.5, kind: 5 };

/**
 * How sure the ranking is, judged on what the caller asked for: each system's score is split into
 * what it earned on the stated requirements and what it earned on defaults (ecosystem breadth,
 * assumed deployment, cloud lock-in, an assumed budget), and only the first decides the level.
 * The runner-up is the best system that is not a variant of the leader (Valkey against Redis says
 * nothing); the rival kind is the best system of another primary category (a graph store against a
 * document store).
 * - high: the leader beats the runner-up by at least CONFIDENCE_MARGIN.product points on the stated
 *   requirements: what was asked picks this system.
 * - moderate: the products of the leader's kind tie on what was asked, but the leader beats every
 *   other kind of store by CONFIDENCE_MARGIN.kind points: the kind of database is settled; pick
 *   among its products on team, cost and the risks listed.
 * - too-close-to-call: not even the kind is settled by what was asked: state more requirements.
 * - none: nothing meets the hard constraints.
 */
function confidenceOf(top: Scored[], db: (id: string) => Database): Recommendation['confidence'] {
  if (top.length === 0) return { level: 'none', gap_percent: null, explanation: 'no system meets the hard constraints; relax one of them (see excluded)' };
  if (top.length === 1) return { level: 'high', gap_percent: null, explanation: `only ${top[0]!.name} meets the constraints` };
  const a = top[0]!;
  const b = top.slice(1).find((r) => !variants(a.id, r.id)) ?? top[1]!;
  const gap = a.score === 0 ? 0 : ((a.score - b.score) / a.score) * 100;
  const g = Math.round(gap * 10) / 10;
  const lead = (x: Scored) => Math.round((a.stated - x.stated) * 10) / 10;
  if (lead(b) >= CONFIDENCE_MARGIN.product) {
    return { level: 'high', gap_percent: g, explanation: `${a.name} leads ${b.name} by ${lead(b)} points on the stated requirements (${g}% overall)` };
  }
  const kinds = (id: string) => db(id).categories.filter((c) => c !== 'multi-model' && c !== 'embedded');
  const mine = kinds(a.id);
  const rival = top.find((r) => !kinds(r.id).some((c) => mine.includes(c)));
  const kindName = mine[0]!.replace('-', ' ');
  const tie = lead(b) >= 0
    ? `${a.name} and ${b.name} are within ${lead(b)} points on the stated requirements`
    : `${b.name} does ${-lead(b)} points better than ${a.name} on the stated requirements, ${a.name} leads on defaults`;
  if (!rival || lead(rival) >= CONFIDENCE_MARGIN.kind) {
    return {
      level: 'moderate', gap_percent: g,
      explanation: `a ${kindName} store fits${rival ? ` (${lead(rival)} points ahead of ${rival.name}, the best of another kind)` : ''}, but ${tie}: choose on team expertise, cost and the risks listed`,
    };
  }
  return {
    level: 'too-close-to-call', gap_percent: g,
    explanation: `even the kind of store is open: ${a.name} (${kindName}) and ${rival.name} (${kinds(rival.id)[0]?.replace('-', ' ') ?? db(rival.id).categories[0]}) are within ${Math.max(0, lead(rival))} points on the stated requirements; state more (volume, latency, query needs)`,
  };
}

/** A reason without what is particular to one system (its licence, its cloud, its scale class): the group it falls in. */
export function reasonGroup(reason: string): string {
  return reason
    .replace(/^licence .+ is not open source$/, 'licence is not open source')
    .replace(/^cloud-only service \([a-z]+\): /, 'cloud-only service: ')
    .replace(/^runs only on [A-Z]+, not ([A-Z]+)$/, 'runs only on another cloud, not $1')
    .replace(/ is far beyond its practical scale \([A-Z]+\)$/, ' is far beyond its practical scale');
}

/** The exclusions grouped by reason, the commonest first: a few lines instead of one entry per system. */
function byReason(excluded: NonNullable<Recommendation['excluded']>): Recommendation['excluded_by_reason'] {
  const groups = new Map<string, string[]>();
  for (const e of excluded) {
    for (const r of new Set(e.reasons.map(reasonGroup))) groups.set(r, [...(groups.get(r) ?? []), e.id]);
  }
  return [...groups].map(([reason, ids]) => ({ reason, count: ids.length, ids })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}

function formatGb(gb: number): string {
  return gb >= 1024 * 1024 ? `${Math.round((gb / 1024 / 1024) * 10) / 10} PB` : gb >= 1024 ? `${Math.round((gb / 1024) * 10) / 10} TB` : `${Math.round(gb)} GB`;
}
