import * as z from 'zod';
import type { DatabaseCatalog } from '../databases/catalog.js';
import { MAX_RATE, MAX_VOLUME_INPUT, parseVolumeGb } from '../databases/recommend.js';
import type { Database } from '../databases/schema.js';
import { invalid } from '../errors.js';
import { atMost } from '../mcp/define.js';
import { type ConversionResult, convertSchema } from './convert/index.js';
import { quoteIdent } from './convert/names.js';
import { tablesOf } from './heavy.js';
import { type PairKnowledge, pairKnowledge } from './mappings.js';
import { type Dialect, type TableSpec, type ValidationQuery, dialectOf, validationQueries } from './validation.js';

/** A source name as its own dialect needs it quoted (the DDL's spelling, which may be case-sensitive there). */
function quoteFor(dialect: Dialect, name: string): string {
  switch (dialect) {
    case 'mysql':
      return `\`${name.replace(/`/g, '``')}\``;
    case 'sqlserver':
      return `[${name.replace(/]/g, ']]')}]`;
    case 'oracle':
      // an unquoted Oracle name is stored in capitals whatever case the DDL wrote: a plain name
      // goes out as it is (a name the DDL quoted in mixed case would need its quotes)
      return /^[A-Za-z][A-Za-z0-9_$#]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
    case 'postgresql':
      return quoteIdent(name);
    default:
      return name;
  }
}

export const planOptionsShape = {
  data_volume: z.string().superRefine(atMost(MAX_VOLUME_INPUT)).optional().describe('e.g. "200GB", "4TB"'),
  tables: z.number().int().min(1).max(100_000).optional().describe('Tables or collections'),
  write_rate: z.number().min(0).superRefine(atMost(MAX_RATE)).optional().describe('Source writes/s during the move'),
  downtime: z.enum(['zero', 'minutes', 'hours']).optional().describe('Accepted at cutover (default zero)'),
  cdc_available: z.boolean().optional().describe('CDC possible on the source'),
  source_ddl: z.string().max(2_000_000).optional().describe('Source DDL, converted for a PostgreSQL target'),
  procedural_code: z.boolean().optional().describe('Procedures, packages or triggers in use'),
};
const planOptionsSchema = z.strictObject(planOptionsShape);
export type PlanOptions = z.infer<typeof planOptionsSchema>;

type Effort = { low_days: number; high_days: number };
export type Phase = {
  name: string;
  goal: string;
  tasks: string[];
  tools: string[];
  effort: Effort;
  exit_criteria: string[];
  rollback: string | null;
};

export type Bucket = 'under 2h' | '2-6h' | 'over 6h';
const BUCKET: Record<'simple' | 'medium' | 'significant', Bucket> = { simple: 'under 2h', medium: '2-6h', significant: 'over 6h' };
const BUCKET_HOURS: Record<Bucket, number> = { 'under 2h': 1.5, '2-6h': 4, 'over 6h': 12 };

/** The converter's dialect for each source whose DDL it reads (Aurora MySQL speaks MySQL 8.0's). */
const DDL_DIALECT: Record<string, string> = { mysql: 'mysql', mariadb: 'mariadb', sqlserver: 'sqlserver', oracle: 'oracle', 'aurora-mysql': 'mysql' };
const PG_COMPATIBLE = new Set(['postgresql', 'aurora-postgresql', 'yugabytedb', 'cockroachdb', 'timescaledb']);

function modelOf(db: Database): string {
  if (db.data_models.includes('relational')) return 'relational';
  return db.data_models[0]!;
}

const NAME_PART = String.raw`(?:\`[^\`]+\`|"[^"]+"|\[[^\]]+\]|[A-Za-z_][\w$#@]*)`;
const CREATE_TABLE = new RegExp(String.raw`\bCREATE\s+(?:(?:GLOBAL|LOCAL)\s+)?(?:TEMPORARY\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(${NAME_PART}(?:\s*\.\s*${NAME_PART}){0,2})`, 'gi');
const unquote = (part: string) => part.replace(/^[`"[]|[`"\]]$/g, '');

/**
 * The schema each table of a source script is created in, when its CREATE TABLE names one
 * (sales.orders, [Sales].[Orders], "HR"."EMPLOYEES"; of db.schema.table, the schema): by the
 * table's name in lower case. Comments are not skipped; a commented-out CREATE TABLE counts too.
 */
export function sourceSchemas(ddl: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of ddl.matchAll(CREATE_TABLE)) {
    const parts = m[1]!.split(/\s*\.\s*(?=[`"[A-Za-z_])/).map(unquote);
    if (parts.length >= 2) out.set(parts.at(-1)!.toLowerCase(), parts.at(-2)!);
  }
  return out;
}

/** How far apart two systems are, from their profiles: the same engine family is cheap, a new data model is not. */
function complexity(source: Database, target: Database, knowledge: PairKnowledge | undefined): { factor: number; kind: string } {
  const [sm, tm] = [modelOf(source), modelOf(target)];
  if (knowledge?.compatible) return { factor: 0.5, kind: `${sm} to ${tm}, a fork or wire-compatible engine: data and queries move as they are` };
  if (source.id === 'oracle') return { factor: 1.7, kind: 'relational to relational, procedural code to rewrite' };
  if (target.categories.includes('cache')) return { factor: 0.7, kind: `${sm} to cache (a projection)` };
  if (target.categories.includes('search')) return { factor: 0.9, kind: `${sm} to search index (a projection)` };
  if (sm !== tm) return { factor: sm === 'relational' ? 1.8 : 1.6, kind: `${sm} to ${tm}: the data model changes` };
  if (knowledge) return { factor: source.id === 'sqlserver' ? 1.3 : 1.0, kind: `${sm} to ${tm}, a well-trodden path` };
  return { factor: 1.3, kind: `${sm} to ${tm}` };
}

/**
 * How the data volume drives effort. d is the number of tenfolds above 1 GB (0 at 1 GB or less,
 * 2 at 100 GB, 3 at 1 TB, 6 at 1 PB, 7.7 at 50 PB). Each data-bound phase adds weight * d^2
 * person-days, so each tenfold costs more than the one before: at a few GB the copy is a command
 * that runs in minutes; past a TB the backfill runs for days and must be throttled, resumed and
 * checked in parts; past a PB it takes parallel pipelines or physical transfer (AWS Snowball) and
 * weeks of wall-clock time that someone attends, and every rehearsal and checksum pass re-reads it all.
 */
function volumeDecades(gb: number): number {
  return Math.max(0, Math.log10(gb));
}
/** Of d^2, the person-days in the bulk load and catch-up, in validation (checksums re-read every row) and in the cutover (its rehearsal re-times the copy). */
const VOLUME_WEIGHT = { bulk: 1.5, validation: 0.75, cutover: 0.5 } as const;

const round = (n: number) => Math.max(0.5, Math.round(n * 2) / 2);

export class MigrationPlanner {
  constructor(private readonly catalog: DatabaseCatalog) {}

  /** The dialect source_ddl is converted from for this pair, or null when plan() would not convert it. */
  conversionDialect(sourceName: unknown, targetName: unknown): string | null {
    const source = this.catalog.get(sourceName, 'source');
    const target = this.catalog.get(targetName, 'target');
    return PG_COMPATIBLE.has(target.id) ? DDL_DIALECT[source.id] ?? null : null;
  }

  /**
   * The PostgreSQL schema source_ddl's tables go into: the one schema (MySQL database, SQL Server or
   * Oracle schema) that qualifies them, lower-cased as PostgreSQL folds it; undefined when the DDL
   * names none, only SQL Server's default dbo, or several (see sourceSchemas).
   */
  conversionSchema(sourceDdl: string, dialect: string): string | undefined {
    const distinct = [...new Set(sourceSchemas(sourceDdl).values())];
    return distinct.length === 1 && !(dialect === 'sqlserver' && /^dbo$/i.test(distinct[0]!)) ? distinct[0]!.toLowerCase() : undefined;
  }

  /** converted: source_ddl already converted (off the main thread, see heavy.ts); else plan() converts it here. */
  plan(sourceName: unknown, targetName: unknown, input: PlanOptions = {}, converted?: ConversionResult): PlanBody & {
    source: { id: string; name: string }; target: { id: string; name: string }; kind: string;
    assessment: { level: 'LOW' | 'MEDIUM' | 'HIGH'; rationale: string; action_items: { item: string; category: string; effort: Bucket }[] };
    schema_conversion: (Pick<ConversionResult, 'summary' | 'action_items' | 'unparsed' | 'ddl'>) | null;
    markdown: string;
  } {
    const parsed = planOptionsSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw invalid(issue.path.join('.') || 'options', issue.code, `${issue.path.join('.') || 'options'}: ${issue.message}`);
    }
    const options = parsed.data;
    const source = this.catalog.get(sourceName, 'source');
    const target = this.catalog.get(targetName, 'target');
    if (source.id === target.id) throw invalid('target', 'different', `source and target are both ${source.name}; for an upgrade or a move between hosts use the engine's own replication`);
    const assumptions: string[] = [];
    const volumeGb = options.data_volume === undefined ? undefined : parseVolumeGb(options.data_volume);
    if (volumeGb === undefined) assumptions.push('data_volume not given: efforts assume about 100 GB');
    const downtime = options.downtime ?? 'zero';
    if (options.downtime === undefined) assumptions.push('downtime not given: planned for zero downtime');
    // Redis replicates to Valkey (REPLICAOF): a change stream of its own for that move
    const cdc = options.cdc_available ?? (['postgresql', 'mysql', 'mariadb', 'sqlserver', 'oracle', 'mongodb', 'aurora-mysql', 'aurora-postgresql', 'db2', 'cassandra', 'dynamodb', 'cosmosdb'].includes(source.id)
      || `${source.id}->${target.id}` === 'redis->valkey');
    if (options.cdc_available === undefined) assumptions.push(`cdc_available not given: ${cdc ? `assumed possible (${source.name} has a change log)` : `assumed not possible for ${source.name}`}`);
    const tables = options.tables;
    if (tables === undefined && !options.source_ddl) assumptions.push('tables not given: efforts assume about 50 tables');

    const knowledge = pairKnowledge(source.id, target.id);
    const { factor, kind } = complexity(source, target, knowledge);
    let conversion: ConversionResult | null = null;
    if (options.source_ddl !== undefined) {
      const dialect = this.conversionDialect(source.id, target.id);
      const schema = dialect ? this.conversionSchema(options.source_ddl, dialect) : undefined;
      if (dialect) conversion = converted ?? convertSchema(options.source_ddl, dialect, schema === undefined ? {} : { schema });
      const several = [...new Set(sourceSchemas(options.source_ddl).values())];
      if (dialect && several.length > 1) {
        assumptions.push(`source_ddl holds tables in ${several.length} schemas (${several.join(', ')}): the conversion puts them in one PostgreSQL schema; convert one source schema at a time to keep them apart`);
      }
      else assumptions.push(`source_ddl given but schema conversion runs only from MySQL, MariaDB, SQL Server or Oracle to PostgreSQL: it was not converted`);
    }
    if (conversion && conversion.unparsed.length > 0) {
      const n = conversion.unparsed.length;
      assumptions.push(conversion.summary.objects_found === 0
        ? `source_ddl: nothing in it could be converted (${n} unreadable statement${n === 1 ? '' : 's'} in schema_conversion.unparsed), so the assessment ignores it${tables === undefined ? '; efforts assume about 50 tables' : ''}`
        : `source_ddl: ${n} statement${n === 1 ? '' : 's'} could not be read (schema_conversion.unparsed); the assessment counts only what was converted`);
    }
    // procedural code: stated, or found in source_ddl (procedures, functions, packages, triggers, type bodies)
    const routinesFound = PROCEDURAL_KINDS.reduce((n, kind) => n + (conversion?.summary.by_kind[kind]?.found ?? 0), 0);
    const procedural = options.procedural_code ?? (routinesFound > 0 ? true : undefined);
    if (procedural === undefined && source.id === 'oracle') {
      assumptions.push('procedural_code not given: rated as Oracle without PL/SQL; packages, procedures or triggers make the move HIGH');
    }
    const tableCount = tables ?? conversion?.summary.by_kind.table?.found ?? 50;
    const decades = volumeDecades(volumeGb ?? 100);
    const tableFactor = 1 + Math.min(tableCount, 2000) / 200;
    const writeFactor = 1 + Math.min((options.write_rate ?? 0) / 20_000, 1.5);
    const ddlHours = (conversion?.action_items ?? []).reduce((h, a) => h + BUCKET_HOURS[a.effort], 0);
    // volumeWeight: the phase's share of the work that grows with the data (see volumeDecades)
    const effort = (baseDays: number, scale: number, volumeWeight = 0): Effort => {
      const days = baseDays * factor * scale + volumeWeight * decades ** 2;
      return { low_days: round(days * 0.7), high_days: round(days * 1.4) };
    };

    // Schema work grows with the tables, plus the hours of the converter's action items.
    const baseSchema = effort(4, tableFactor);
    const schemaEffort = { low_days: round(baseSchema.low_days + ddlHours / 8), high_days: round(baseSchema.high_days + ddlHours / 8) };

    const strategy = downtime === 'hours'
      ? 'offline: bulk copy in a maintenance window after a full rehearsal'
      : cdc ? 'online: bulk backfill, then change data capture keeps the target in step until cutover'
        : 'online: bulk backfill, then dual writes from the application with a reconciliation job';
    const k = knowledge;
    const toolNames = (k?.tools ?? genericTools(source, target, cdc)).map((t) => t.name);
    const syncTools = cdc ? toolNames.filter((t) => CDC_TOOL.test(t)) : ['dual-write layer in the application', 'reconciliation job'];
    // analysis and schema work use the assessment and copy tools, not the change capture
    const prepTools = toolNames.filter((t) => !CAPTURE_ONLY.test(t));
    const rollbackNote = (what: string) => `${what}; ${source.name} stays the system of record and keeps every write, so switching back is a configuration change`;

    const phases: Phase[] = [
      {
        name: 'Analysis',
        goal: `Know every object, query and dependency of ${source.name} that the move touches`,
        tasks: [
          `Inventory schemas, ${tableCount} tables, sizes, growth and peak write rate`,
          'Collect the queries the applications run (slow log, pg_stat_statements or an APM) and rank them by frequency',
          kind.includes('data model changes') ? `Map the ${modelOf(source)} model to ${modelOf(target)} from the access patterns` : 'List incompatible features (types, functions, procedural code)',
          'Define success criteria: row counts, checksums, latency targets, error budget',
        ],
        tools: conversion ? ['convert_schema (assessment)', ...prepTools.slice(0, 1)] : prepTools.slice(0, 2),
        effort: effort(3, tableFactor),
        exit_criteria: ['Every table and query classified as automatic, rewrite or drop', 'Assessment signed off with effort and risks'],
        rollback: null,
      },
      {
        name: 'Schema conversion',
        goal: `A ${target.name} schema that loads and that the application's queries run against`,
        tasks: [
          conversion ? `Apply the converted DDL (${conversion.summary.converted_automatically} of ${conversion.summary.objects_found} objects converted automatically) and resolve ${conversion.summary.needing_action} action items` : `Convert the schema (types, keys, indexes, constraints) to ${target.name}`,
          ...(k?.action_items.slice(0, 2).map((a) => a.item) ?? []),
          'Load a production-like sample and run the converted queries with EXPLAIN',
        ],
        tools: prepTools.slice(0, 2),
        effort: schemaEffort,
        exit_criteria: ['Schema loads without errors', 'Integration tests pass against the target', 'No open action item of complexity significant'],
        rollback: null,
      },
      {
        name: downtime === 'hours' ? 'Rehearsal load' : cdc ? 'Parallel run with change data capture' : 'Parallel run with dual writes',
        goal: downtime === 'hours' ? 'Prove the full copy fits the window' : `${target.name} holds all data and follows every new write`,
        tasks: downtime === 'hours'
          ? ['Run the full copy on a snapshot and time it', 'Tune batch sizes, parallelism, and drop/recreate indexes around the load', 'Write the cutover runbook with timings']
          : [
            'Backfill a consistent snapshot in batches, throttled to protect the source',
            cdc ? `Start change capture at the snapshot position (${syncTools.join(', ') || 'log-based CDC'}) and apply changes idempotently` : 'Write to both stores from the application (source first), with an outbox for failed target writes',
            'Monitor replication lag and apply errors',
            ...(kind.includes('data model changes') ? ['Transform rows into the target model in the pipeline (denormalise or normalise)'] : []),
          ],
        tools: downtime === 'hours' ? toolNames.slice(0, 1) : syncTools,
        effort: effort(5, writeFactor, VOLUME_WEIGHT.bulk),
        exit_criteria: downtime === 'hours' ? ['Copy time under 60% of the window'] : ['Lag under a few seconds at peak', 'No apply errors for 48 hours'],
        rollback: rollbackNote('Stop the pipeline and drop the target data'),
      },
      {
        name: 'Validation',
        goal: 'Prove the target holds the same data and answers as well',
        tasks: [
          'Compare row counts per table, then column aggregates, then row checksums (queries below)',
          // an offline copy does not follow the source's writes: shadow reads would only find the gap
          downtime === 'hours' ? 'Rehearse the cutover on a full copy, and time the copy against the window' : 'Shadow reads: send a share of production reads to both and compare the answers',
          'Load test the target at 1.5x peak',
        ],
        tools: ['validation queries below', 'data-diff or a custom comparison job'],
        effort: effort(3, tableFactor ** 0.5, VOLUME_WEIGHT.validation),
        exit_criteria: ['Counts and checksums match on every table', downtime === 'hours' ? 'The rehearsed copy fits the window with a margin' : 'Shadow-read mismatch rate 0 after known differences are explained', 'p99 latency within target'],
        rollback: rollbackNote('Fix the differences and re-run; nothing user-facing has moved yet'),
      },
      {
        name: 'Cutover',
        goal: `${target.name} becomes the system of record`,
        tasks: downtime === 'hours'
          ? ['Stop writes, run the final copy, validate counts, switch the application, reopen']
          : [
            'Shift reads gradually (1%, 10%, 50%, 100%) watching errors and latency',
            downtime === 'zero' ? 'Switch writes with a brief pause measured in seconds (drain, wait for zero lag, flip)' : 'Freeze writes for a few minutes, wait for zero lag, switch',
            `Start reverse replication ${target.name} -> ${source.name} so that rollback keeps new writes`,
          ],
        tools: downtime === 'hours' ? ['feature flags or connection routing'] : ['feature flags or connection routing', `reverse change capture from ${target.name}`],
        effort: effort(1, writeFactor, VOLUME_WEIGHT.cutover),
        exit_criteria: ['100% of traffic on the target for a full business cycle', 'Error rate and latency at or better than before'],
        rollback: downtime === 'hours'
          ? `Before reopening: point the application back at ${source.name}, which took no writes during the window. After reopening: writes made on ${target.name} must be copied back first, so decide before reopening`
          : `Route traffic back to ${source.name}; reverse replication has kept it current since the switch`,
      },
      // A cache or search index is a projection: the source stays the system of record.
      kind.includes('(a projection)')
        ? {
          name: 'Decommission',
          goal: `Retire the old read path; ${source.name} stays the system of record`,
          tasks: [`Remove the queries now served by ${target.name} from the ${source.name} read path`, 'Drop indexes that only those queries used', 'Update runbooks: the projection can be rebuilt from the source at any time'],
          tools: [],
          effort: effort(1, 1),
          exit_criteria: [`No read of the projected data from ${source.name} for 30 days`],
          rollback: `Point the reads back at ${source.name}; nothing was removed from it`,
        }
        : {
          name: 'Decommission',
          goal: `Retire ${source.name} safely`,
          tasks: ['Keep the source read-only for an agreed period, then take a final backup', 'Remove dual-write or CDC code and the reverse pipeline', 'Cancel licences and hosting; update runbooks and diagrams'],
          tools: [],
          effort: effort(2, 1),
          exit_criteria: ['No connection to the source for 30 days', 'Final backup restored successfully once'],
          rollback: `Restore from the final backup of ${source.name} (data after the switch must be replayed from the target)`,
        },
    ];

    const [sourceDialect, targetDialect] = [dialectOf(source.id), dialectOf(target.id)];
    const schemaOf = options.source_ddl !== undefined && conversion ? sourceSchemas(options.source_ddl) : new Map<string, string>();
    const targetSchema = options.source_ddl !== undefined && conversion ? this.conversionSchema(options.source_ddl, sourceDialect) : undefined;
    const names = { schemaOf, targetSchema };
    const validation = {
      source: this.tableSpecs(conversion, 'source', sourceDialect, names).flatMap((t) => validationQueries(sourceDialect, t)),
      target: this.tableSpecs(conversion, 'target', targetDialect, names).flatMap((t) => validationQueries(targetDialect, t)),
    } satisfies Record<string, ValidationQuery[]>;
    // each table under its qualified name on both sides (sales.orders stays in sales)
    const tableRows = conversion ? tablesOf(conversion).slice(0, 20).map((t) => {
      const from = schemaOf.get(t.source.toLowerCase());
      return { from: from ? `${from}.${t.source}` : t.source, to: targetSchema ? `${targetSchema}.${t.name}` : t.name };
    }) : [];

    const actionItems = [
      ...(k?.action_items ?? genericActionItems(source, target, kind)).map((a) => ({ item: a.item, category: a.category, effort: BUCKET[a.complexity] })),
      ...(conversion?.action_items ?? []).map((a) => ({ item: `${a.object}: ${a.recommended_action}`, category: a.category, effort: a.effort })),
    ];
    const risks = [...(k?.risks ?? genericRisks(source, target, kind))];
    if (downtime === 'zero' && !cdc) risks.push('Zero downtime without change data capture relies on dual writes, which can diverge on partial failures');
    if ((volumeGb ?? 0) > 10_240) risks.push('Over 10 TB: the backfill takes days; plan throttling and verify on a subset first');
    const assessment = assess(factor, actionItems, volumeGb, downtime, cdc, source, target, kind, procedural ? routinesFound : 0, procedural === true);
    const totalEffort = phases.reduce((t, p) => ({ low_days: t.low_days + p.effort.low_days, high_days: t.high_days + p.effort.high_days }), { low_days: 0, high_days: 0 });

    const plan = {
      source: { id: source.id, name: source.name },
      target: { id: target.id, name: target.name },
      kind,
      strategy,
      assumptions,
      phases,
      total_effort: totalEffort,
      mappings: { ...(k ? { types: k.types, functions: k.functions, syntax: k.syntax } : genericMappings(source, target)), ...(tableRows.length ? { tables: tableRows } : {}) },
      tools: k?.tools ?? genericTools(source, target, cdc),
      validation,
      risks,
      assessment,
      schema_conversion: conversion ? { summary: conversion.summary, action_items: conversion.action_items, unparsed: conversion.unparsed, ddl: conversion.ddl } : null,
    };
    return { ...plan, markdown: renderMarkdown(plan) };
  }

  /**
   * The tables to validate (at most 20, 8 columns each), under each side's own names: the source
   * queries name the tables and columns as the source DDL wrote them, quoted for its dialect;
   * the target ones as the conversion named them.
   */
  private tableSpecs(conversion: ConversionResult | null, side: 'source' | 'target', dialect: Dialect, names: { schemaOf: Map<string, string>; targetSchema?: string }): TableSpec[] {
    const tables = conversion ? tablesOf(conversion).slice(0, 20) : [];
    if (tables.length === 0) return [{ name: '<table>', key: '<primary_key>', columns: ['<column_1>', '<column_2>'] }];
    const q = (name: string) => (side === 'target' ? quoteIdent(name) : quoteFor(dialect, name));
    // the table under its schema: the source's as the DDL wrote it, the target's as converted
    const qualified = (t: { source: string; name: string }) => {
      const schema = side === 'target' ? names.targetSchema : names.schemaOf.get(t.source.toLowerCase());
      return `${schema ? `${q(schema)}.` : ''}${q(side === 'target' ? t.name : t.source)}`;
    };
    return tables.map((t) => {
      const cols = t.columns.slice(0, 8);
      const keyCol = t.columns.find((c) => c.name === t.key) ?? t.columns[0];
      const nameOf = (c: { source: string; name: string }) => q(side === 'target' ? c.name : c.source);
      return {
        name: qualified(t),
        key: keyCol ? nameOf(keyCol) : 'id',
        columns: cols.map(nameOf),
        kinds: cols.map((c) => c.kind),
        keyKind: keyCol?.kind,
      };
    });
  }
}

function genericMappings(source: Database, target: Database) {
  const [sm, tm] = [modelOf(source), modelOf(target)];
  const types = sm === tm
    ? [{ from: `${source.name} column types`, to: `the nearest ${target.name} types`, note: 'check precision of numerics and time zones of timestamps' }]
    : sm === 'relational' && tm === 'document'
      ? [{ from: 'table rows', to: 'documents' }, { from: 'one-to-few children', to: 'embedded arrays' }, { from: 'foreign keys', to: 'references checked by the application' }]
      : sm === 'document' && tm === 'relational'
        ? [{ from: 'documents', to: 'rows' }, { from: 'embedded arrays', to: 'child tables or jsonb' }]
        : [{ from: `${sm} records`, to: `${tm} records`, note: 'design the target model from the queries it must answer' }];
  return {
    types,
    functions: [{ from: `${source.query_languages[0]} queries`, to: `${target.query_languages[0]} queries`, note: 'rewrite from the list of production queries' }],
    syntax: [{ from: `${source.transactions} transactions, ${source.consistency} consistency`, to: `${target.transactions} transactions, ${target.consistency} consistency` }],
  };
}

/** A tool that keeps the target in step while the source takes writes. */
const CDC_TOOL = /debezium|dms|stream|feed|cdc|dcp|replicaof|migrator|dual writes/i;
/** ... and one that does nothing else (AWS SCT + DMS and the migrators also assess and copy). */
const CAPTURE_ONLY = /debezium|stream|feed|cdc|dcp|replicaof|dual writes/i;

/** Sources Debezium or AWS DMS read changes from; others have their own change stream, or none. */
const LOG_CDC = new Set(['mysql', 'mariadb', 'postgresql', 'aurora-mysql', 'aurora-postgresql', 'sqlserver', 'oracle', 'db2', 'mongodb', 'spanner', 'yugabytedb', 'tidb']);
const OWN_CDC: Record<string, string> = {
  dynamodb: 'DynamoDB Streams (or Kinesis Data Streams), with an export to S3 for the backfill',
  cosmosdb: 'the Cosmos DB change feed',
  firestore: 'Firestore change listeners, with a managed export for the backfill',
  cassandra: 'Cassandra CDC (commit-log segments) through the Debezium Cassandra connector',
  scylladb: 'ScyllaDB CDC tables',
  cockroachdb: 'CockroachDB changefeeds',
  couchdb: 'the CouchDB _changes feed',
  couchbase: 'Couchbase DCP (the Kafka connector)',
};

function genericTools(source: Database, target: Database, cdc: boolean) {
  const capture = LOG_CDC.has(source.id)
    ? { name: 'Debezium or AWS DMS', use: `change data capture from ${source.name}` }
    : OWN_CDC[source.id]
      ? { name: OWN_CDC[source.id]!, use: `change data capture from ${source.name} (change streams)` }
      : { name: 'dual writes in the application', use: `${source.name} has no log-based change capture: write to both until cutover` };
  return [
    { name: `${source.name} native export`, use: 'consistent snapshot for the backfill' },
    ...(cdc ? [capture] : []),
    { name: 'custom ETL (Spark, Airbyte or a script)', use: `transform and load into ${target.name}` },
  ];
}

function genericRisks(source: Database, target: Database, kind: string) {
  const risks = [`${target.name}: ${target.limitations[0]}`];
  if (kind.includes('data model changes')) risks.push('Every query and report must be redesigned for the new data model');
  if (source.transactions === 'acid' && target.transactions !== 'acid') risks.push(`${target.name} lacks multi-record ACID transactions that ${source.name} code may rely on`);
  if (source.consistency !== 'eventual' && target.consistency === 'eventual') risks.push('Reads may be stale after writes on the target');
  return risks;
}

function genericActionItems(source: Database, target: Database, kind: string) {
  const items: PairKnowledge['action_items'] = [
    { item: `Rewrite data access from ${source.query_languages[0]} to ${target.query_languages[0]}`, category: 'Application', complexity: 'significant' },
    { item: 'Write and test the transformation of every table or collection', category: 'Data', complexity: 'medium' },
  ];
  if (kind.includes('data model changes')) items.unshift({ item: `Design the ${modelOf(target)} model from the access patterns`, category: 'Data model', complexity: 'significant' });
  return items;
}

/** Kinds of convert_schema's summary that are procedural code. */
const PROCEDURAL_KINDS = ['procedure', 'function', 'package', 'trigger', 'type'];

function assess(factor: number, items: { item: string; category: string; effort: Bucket }[], volumeGb: number | undefined, downtime: string, cdc: boolean, source: Database, target: Database, kind: string, routines: number, procedural: boolean) {
  const significant = items.filter((i) => i.effort === 'over 6h').length;
  let points = factor >= 1.6 ? 2 : factor >= 1.2 ? 1 : 0;
  points += significant >= 4 ? 2 : significant >= 1 ? 1 : 0;
  points += (volumeGb ?? 0) > 10_240 ? 1 : 0;
  points += downtime === 'zero' && !cdc ? 1 : 0;
  points += procedural ? 1 : 0;
  // PL/SQL has no automatic path to PL/pgSQL: packages (state, initialisation), autonomous
  // transactions, BULK COLLECT/FORALL and Oracle-only packages (DBMS_*, UTL_*) are rewritten by
  // hand even after ora2pg or AWS SCT, so Oracle with PL/SQL is HIGH whatever else holds.
  const plsql = procedural && source.id === 'oracle';
  const level: 'LOW' | 'MEDIUM' | 'HIGH' = plsql || points >= 4 ? 'HIGH' : points >= 2 ? 'MEDIUM' : 'LOW';
  const why = [
    kind,
    procedural ? `${source.id === 'oracle' ? 'PL/SQL' : 'procedural code'}${routines ? ` (${routines} object${routines > 1 ? 's' : ''} in source_ddl)` : ''} to rewrite by hand` : null,
    significant ? `${significant} action item${significant > 1 ? 's' : ''} over 6 hours` : 'no action item over 6 hours',
    volumeGb !== undefined ? `${volumeGb >= 1024 ? `${Math.round(volumeGb / 102.4) / 10} TB` : `${Math.round(volumeGb)} GB`} to move` : null,
    downtime === 'zero' ? (cdc ? 'zero downtime through change data capture' : 'zero downtime without change data capture') : `${downtime} of downtime accepted`,
  ].filter(Boolean).join('; ');
  return { level, rationale: `${level} risk moving ${source.name} to ${target.name}: ${why}.`, action_items: items };
}

interface PlanBody {
  source: { name: string };
  target: { name: string };
  strategy: string;
  assumptions: string[];
  phases: Phase[];
  total_effort: Effort;
  mappings: Record<string, { from: string; to: string; note?: string }[]>;
  tools: { name: string; use: string }[];
  validation: { source: ValidationQuery[]; target: ValidationQuery[] };
  risks: string[];
  assessment: { level: string; rationale: string; action_items: { item: string; category: string; effort: Bucket }[] };
  schema_conversion: { summary: ConversionResult['summary'] } | null;
}

export function renderMarkdown(p: PlanBody): string {
  const lines: string[] = [];
  const list = (xs: string[]) => xs.map((x) => `- ${x}`);
  const cell = (s: string) => s.replaceAll('|', '\\|');
  lines.push(`# Migration plan: ${p.source.name} to ${p.target.name}`, '');
  lines.push(`**Assessment: ${p.assessment.level}.** ${p.assessment.rationale}`, '');
  lines.push(`**Strategy:** ${p.strategy}. **Estimated effort:** ${p.total_effort.low_days}-${p.total_effort.high_days} person-days.`, '');
  if (p.assumptions.length) lines.push('**Assumptions:**', ...list(p.assumptions), '');
  lines.push('## Phases', '');
  p.phases.forEach((ph, i) => {
    lines.push(`### ${i + 1}. ${ph.name} (${ph.effort.low_days}-${ph.effort.high_days} days)`, '', ph.goal, '', ...list(ph.tasks), '');
    if (ph.tools.length) lines.push(`Tools: ${ph.tools.join(', ')}`, '');
    lines.push('Exit criteria:', ...list(ph.exit_criteria), '');
    if (ph.rollback) lines.push(`Rollback: ${ph.rollback}`, '');
  });
  lines.push('## Mappings', '', '| Kind | From | To | Note |', '| --- | --- | --- | --- |');
  for (const [kind, rows] of Object.entries(p.mappings)) {
    for (const r of rows as { from: string; to: string; note?: string }[]) lines.push(`| ${kind} | ${cell(r.from)} | ${cell(r.to)} | ${cell(r.note ?? '')} |`);
  }
  lines.push('', '## Tools', '', ...p.tools.map((t) => `- **${t.name}**: ${t.use}`), '');
  lines.push('## Validation queries', '');
  for (const side of ['source', 'target'] as const) {
    lines.push(`### ${side === 'source' ? p.source.name : p.target.name}`, '');
    for (const q of p.validation[side]) lines.push(`- ${q.check} (\`${q.table}\`): \`${q.query}\`${q.note ? ` - ${q.note}` : ''}`);
    lines.push('');
  }
  lines.push('## Risks', '', ...list(p.risks), '');
  lines.push('## Action items', '', '| Item | Category | Effort |', '| --- | --- | --- |');
  for (const a of p.assessment.action_items) lines.push(`| ${cell(a.item)} | ${a.category} | ${a.effort} |`);
  if (p.schema_conversion) {
    const s = p.schema_conversion.summary;
    lines.push('', '## Schema conversion', '', `${s.objects_found} objects found, ${s.converted_automatically} converted automatically, ${s.needing_action} needing action.`);
  }
  return `${lines.join('\n')}\n`;
}
