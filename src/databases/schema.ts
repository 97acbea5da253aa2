import * as z from 'zod';

/** DB-Engines style categories (a system may have several). */
export const CATEGORIES = [
  'relational', 'distributed-sql', 'document', 'key-value', 'cache', 'wide-column', 'columnar-analytics', 'graph', 'time-series',
  'vector', 'search', 'embedded', 'multi-model', 'event-store',
] as const;

/** CMU Database of Databases data models. */
export const DATA_MODELS = ['relational', 'document', 'key-value', 'wide-column', 'graph', 'time-series', 'vector', 'search-index', 'columnar', 'event-log'] as const;

export const SCALING = ['vertical', 'read-replicas', 'sharding', 'multi-master'] as const;
export const STORAGE = ['row', 'columnar', 'in-memory', 'lsm-tree', 'b-tree', 'inverted-index', 'vector-index', 'hybrid'] as const;
export const LEVEL = ['low', 'medium', 'high'] as const;
/** Typical point-read latency in production: sub-ms (in-memory), ms (OLTP), tens-of-ms, seconds (analytics scans). */
export const LATENCY = ['sub-ms', 'ms', 'tens-of-ms', 'seconds'] as const;
export const SCALE = ['GB', 'TB', 'PB'] as const;
export const CLOUDS = ['aws', 'gcp', 'azure'] as const;

/** How well a system serves one kind of query: 0 not at all, 1 possible but weak, 2 good, 3 a strength. */
const strength = z.number().int().min(0).max(3);

export const databaseSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+$/),
  name: z.string().min(2),
  aliases: z.array(z.string()),
  categories: z.array(z.enum(CATEGORIES)).min(1),
  data_models: z.array(z.enum(DATA_MODELS)).min(1),
  query_languages: z.array(z.string()).min(1),
  transactions: z.enum(['acid', 'acid-single-partition', 'single-record', 'none']),
  consistency: z.enum(['strong', 'tunable', 'eventual', 'strong-single-node']),
  scaling: z.array(z.enum(SCALING)).min(1),
  storage: z.array(z.enum(STORAGE)).min(1),
  deployment: z.strictObject({
    /** Runs inside the application process as a library. */
    embedded: z.boolean(),
    /** Runs as a server (or cluster) that we operate ourselves; false for libraries and cloud-only services. */
    self_hosted: z.boolean(),
    /** Managed offerings by name, e.g. "Amazon RDS", "Azure Database for PostgreSQL", the vendor's cloud. */
    managed: z.array(z.string()),
    /** Set when the system exists only as a cloud service: which cloud, or 'vendor' for a vendor's own cloud on several clouds. */
    cloud_only: z.enum([...CLOUDS, 'vendor']).nullable(),
  }),
  license: z.strictObject({
    name: z.string(),
    kind: z.enum(['permissive', 'copyleft', 'source-available', 'proprietary', 'public-domain']),
  }),
  operational_complexity: z.enum(LEVEL),
  latency: z.enum(LATENCY),
  practical_scale: z.enum(SCALE),
  write_throughput: z.enum(['low', 'medium', 'high', 'very-high']),
  multi_region: z.enum(['none', 'async-replicas', 'active-active']),
  query_support: z.strictObject({
    joins: strength,
    aggregations: strength,
    full_text: strength,
    vector_similarity: strength,
    graph_traversal: strength,
    geospatial: strength,
    time_series: strength,
    key_lookup: strength,
  }),
  when_to_use: z.array(z.string()).min(2),
  strengths: z.array(z.string()).min(2),
  limitations: z.array(z.string()).min(2),
  sweet_spot: z.string().min(10),
  cost_profile: z.string().min(5),
});

export type Database = z.infer<typeof databaseSchema>;
export type QueryNeed = keyof Database['query_support'];
