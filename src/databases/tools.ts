import * as z from 'zod';
import { CoordinatorError, invalid, quoted } from '../errors.js';
import { atMost, defineTool, nameArg } from '../mcp/define.js';
import type { DatabaseCatalog } from './catalog.js';
import { ARCHITECTURE_PATTERNS, findPattern } from './patterns.js';
import { type Recommender, requirementsShape } from './recommend.js';
import { CATEGORIES, CLOUDS, DATA_MODELS, type Database } from './schema.js';
import { sizeMemory } from './sizing.js';

const summary = (d: Database) => ({
  id: d.id, name: d.name, categories: d.categories, data_models: d.data_models, license: d.license.name,
  deployment: d.deployment.cloud_only ? `cloud-only (${d.deployment.cloud_only})` : [d.deployment.embedded && 'embedded', d.deployment.self_hosted && 'self-hosted', d.deployment.managed.length > 0 && 'managed'].filter(Boolean).join(', '),
  sweet_spot: d.sweet_spot,
});

/** Every dimension compare_databases sets side by side. */
const DIMENSIONS: [string, (d: Database) => unknown][] = [
  ['categories', (d) => d.categories], ['data_models', (d) => d.data_models], ['query_languages', (d) => d.query_languages],
  ['transactions', (d) => d.transactions], ['consistency', (d) => d.consistency], ['scaling', (d) => d.scaling], ['storage', (d) => d.storage],
  ['deployment', (d) => d.deployment], ['license', (d) => d.license], ['operational_complexity', (d) => d.operational_complexity],
  ['latency', (d) => d.latency], ['practical_scale', (d) => d.practical_scale], ['write_throughput', (d) => d.write_throughput],
  ['multi_region', (d) => d.multi_region], ['query_support', (d) => d.query_support], ['when_to_use', (d) => d.when_to_use],
  ['strengths', (d) => d.strengths], ['limitations', (d) => d.limitations], ['sweet_spot', (d) => d.sweet_spot], ['cost_profile', (d) => d.cost_profile],
];

export function databaseTools(catalog: DatabaseCatalog, recommender: Recommender) {
  return [
    defineTool({
      name: 'list_databases',
      title: 'List database technologies',
      description: 'The catalog of 60+ database technologies, filtered by category, data model, deployment, cloud or licence.',
      kind: 'read',
      input: {
        category: z.enum(CATEGORIES).optional().describe('Category'),
        data_model: z.enum(DATA_MODELS).optional().describe('Data model'),
        deployment: z.enum(['embedded', 'self-hosted', 'managed', 'cloud-only']).optional().describe('How it can run'),
        cloud: z.enum(CLOUDS).optional().describe('Runs on this cloud'),
        open_source: z.boolean().optional().describe('true: OSI licences only; false: the others'),
      },
      output: { total: z.number(), databases: z.array(z.object({ id: z.string(), name: z.string() })) },
      handle: (a) => {
        const list = catalog.all.filter((d) =>
          (!a.category || d.categories.includes(a.category)) && (!a.data_model || d.data_models.includes(a.data_model)) &&
          (!a.deployment || (a.deployment === 'embedded' ? d.deployment.embedded : a.deployment === 'self-hosted' ? d.deployment.self_hosted
            : a.deployment === 'managed' ? d.deployment.managed.length > 0 || d.deployment.cloud_only !== null : d.deployment.cloud_only !== null)) &&
          (!a.cloud || d.deployment.cloud_only === null || d.deployment.cloud_only === 'vendor' || d.deployment.cloud_only === a.cloud) &&
          (a.open_source === undefined || a.open_source === ['permissive', 'copyleft', 'public-domain'].includes(d.license.kind)));
        return { total: list.length, databases: list.map(summary) };
      },
    }),
    defineTool({
      name: 'get_database',
      title: 'Get database technology',
      description: 'One technology by id, name or alias: models, consistency, scaling, deployment, licence, fit, strengths, limits, cost.',
      kind: 'read',
      input: { name: nameArg().describe('e.g. "postgres", "MongoDB", "mssql"') },
      output: { database: z.record(z.string(), z.unknown()) },
      handle: (a) => ({ database: catalog.get(a.name) }),
    }),
    defineTool({
      name: 'compare_databases',
      title: 'Compare database technologies',
      description: 'Two to six technologies side by side on every catalog dimension.',
      kind: 'read',
      input: { names: z.array(nameArg()).superRefine(atMost(20)).describe('Two to six ids, names or aliases') },
      output: { systems: z.array(z.string()), dimensions: z.array(z.object({ dimension: z.string(), values: z.record(z.string(), z.unknown()) })) },
      handle: (a) => {
        if (a.names.length < 2 || a.names.length > 6) throw invalid('names', 'count', `names must hold two to six systems; got ${a.names.length}`);
        const systems = a.names.map((n, i) => catalog.get(n, `names[${i}]`));
        const ids = [...new Set(systems.map((s) => s.id))];
        if (ids.length !== systems.length) throw invalid('names', 'distinct', 'names must be different systems (two names point to the same one)');
        return {
          systems: ids,
          dimensions: DIMENSIONS.map(([dimension, get]) => ({ dimension, values: Object.fromEntries(systems.map((s) => [s.id, get(s)])) })),
        };
      },
    }),
    defineTool({
      name: 'recommend_databases',
      title: 'Recommend databases',
      description:
        'Ranks technologies for requirements: score, why, risks, exclusions by reason, and a confidence. Mixed workloads get a polyglot design. Needs workloads, data_model or query_needs; what is not given is stated as an assumption.',
      kind: 'read',
      input: {
        ...requirementsShape,
        limit: z.number().int().min(1).max(20).optional().describe('How many to rank (default 5)'),
        include_excluded: z.boolean().optional().describe('List each excluded system'),
      },
      output: {
        requirements: z.record(z.string(), z.unknown()),
        assumptions: z.array(z.string()),
        ranked: z.array(z.object({ rank: z.number(), id: z.string(), name: z.string(), score: z.number(), why: z.array(z.string()), risks: z.array(z.string()) })),
        excluded_by_reason: z.array(z.object({ reason: z.string(), count: z.number(), ids: z.array(z.string()) })),
        excluded: z.array(z.object({ id: z.string(), name: z.string(), reasons: z.array(z.string()) })).optional(),
        confidence: z.object({ level: z.string(), gap_percent: z.number().nullable(), explanation: z.string() }),
        polyglot: z.object({ pattern: z.string(), components: z.array(z.record(z.string(), z.string())), synchronization: z.array(z.string()) }).nullable(),
      },
      handle: ({ limit, include_excluded, ...requirements }) => recommender.recommend(requirements, limit ?? 5, include_excluded ?? false),
    }),
    defineTool({
      name: 'get_architecture_pattern',
      title: 'Get architecture pattern',
      description: `A polyglot persistence pattern: components and their stores, synchronisation, trade-offs. Patterns: ${Object.keys(ARCHITECTURE_PATTERNS).join(', ')}.`,
      kind: 'read',
      input: { name: nameArg().describe('e.g. "cqrs-event-sourcing", "lambda", "database per service"') },
      output: { pattern: z.record(z.string(), z.unknown()) },
      handle: (a) => {
        const pattern = findPattern(a.name);
        if (!pattern) {
          throw new CoordinatorError('not_found', `no pattern named ${quoted(a.name)}; the patterns are ${Object.keys(ARCHITECTURE_PATTERNS).join(', ')}`, { field: 'name', rule: 'exists' });
        }
        return { pattern };
      },
    }),
    defineTool({
      name: 'size_database_memory',
      title: 'Size database memory',
      description: 'Memory settings for PostgreSQL, MySQL/MariaDB, MongoDB or Redis for a given RAM, each with its rule, plus a config snippet.',
      kind: 'read',
      input: {
        system: nameArg().describe('postgresql, mysql, mariadb, mongodb or redis'),
        ram_gb: z.number().min(0).superRefine(atMost(1_000_000)).describe('Server RAM in GB (0.5 to 24576)'),
        max_connections: z.number().int().min(0).superRefine(atMost(1_000_000)).optional().describe('Expected connections (default 100; MySQL 151)'),
        os_reserved_gb: z.number().min(0).superRefine(atMost(24_576)).optional().describe('PostgreSQL: RAM left to the OS (default 2GB)'),
        persistence: z.boolean().optional().describe('Redis: RDB/AOF on (default true)'),
      },
      output: {
        system: z.string(), ram_gb: z.number(), max_connections: z.number(),
        settings: z.array(z.object({ name: z.string(), value: z.string(), bytes: z.number().nullable(), rule: z.string() })),
        config: z.string(), notes: z.array(z.string()),
      },
      handle: (a) => sizeMemory(a),
    }),
  ];
}
