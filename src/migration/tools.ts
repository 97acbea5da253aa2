import * as z from 'zod';
import { defineTool, nameArg } from '../mcp/define.js';
import { resolveDialect } from './convert/index.js';
import { ConversionPool } from './heavy.js';
import { type MigrationPlanner, planOptionsShape } from './plan.js';

let sharedPool: ConversionPool | undefined;

/** Conversions run on worker threads (heavy.ts): one pool for every server in the process. */
export function migrationTools(planner: MigrationPlanner, pool: ConversionPool = (sharedPool ??= new ConversionPool())) {
  return [
    defineTool({
      name: 'plan_migration',
      title: 'Plan a database migration',
      description:
        'A phased migration plan between two catalog systems: tasks, tools, effort, exit criteria and rollback per phase; type and function mappings; validation queries for both sides; risks; a LOW/MEDIUM/HIGH assessment; markdown.',
      kind: 'read',
      input: {
        source: nameArg().describe('From, e.g. "mysql"'),
        target: nameArg().describe('To, e.g. "postgresql"'),
        ...planOptionsShape,
      },
      output: {
        source: z.object({ id: z.string(), name: z.string() }),
        target: z.object({ id: z.string(), name: z.string() }),
        kind: z.string(),
        strategy: z.string(),
        assumptions: z.array(z.string()),
        phases: z.array(z.record(z.string(), z.unknown())),
        total_effort: z.object({ low_days: z.number(), high_days: z.number() }),
        mappings: z.record(z.string(), z.unknown()),
        tools: z.array(z.object({ name: z.string(), use: z.string() })),
        validation: z.object({ source: z.array(z.record(z.string(), z.unknown())), target: z.array(z.record(z.string(), z.unknown())) }),
        risks: z.array(z.string()),
        assessment: z.object({ level: z.enum(['LOW', 'MEDIUM', 'HIGH']), rationale: z.string(), action_items: z.array(z.record(z.string(), z.unknown())) }),
        schema_conversion: z.record(z.string(), z.unknown()).nullable(),
        markdown: z.string(),
      },
      handle: async ({ source, target, ...options }) => {
        const dialect = options.source_ddl !== undefined && options.source_ddl.trim() !== '' ? planner.conversionDialect(source, target) : null;
        const converted = dialect && options.source_ddl !== undefined
          ? await pool.convert(options.source_ddl, dialect, 'source_ddl', { schema: planner.conversionSchema(options.source_ddl, dialect) })
          : undefined;
        return planner.plan(source, target, options, converted);
      },
    }),
    defineTool({
      name: 'convert_schema',
      title: 'Convert DDL to PostgreSQL',
      description:
        'MySQL/MariaDB, SQL Server or Oracle DDL to PostgreSQL, run in PGlite: each change, each item for a person (with what PostgreSQL refused), what was not parsed.',
      kind: 'read',
      input: {
        ddl: z.string().max(2_000_000).describe('Source DDL script'),
        from: nameArg().describe('mysql, mariadb, sqlserver or oracle'),
        to: z.literal('postgresql').optional().describe('postgresql only'),
        validate: z.boolean().optional().describe('false: no PGlite run'),
      },
      output: {
        from: z.string(),
        to: z.literal('postgresql'),
        ddl: z.string(),
        changes: z.array(z.record(z.string(), z.unknown())),
        action_items: z.array(z.record(z.string(), z.unknown())),
        unparsed: z.array(z.record(z.string(), z.unknown())),
        skipped: z.array(z.record(z.string(), z.unknown())),
        summary: z.record(z.string(), z.unknown()),
        validation: z.record(z.string(), z.unknown()),
      },
      handle: async (a) => {
        resolveDialect(a.from); // refused here, before the script is copied to a thread
        const r = await pool.convert(a.ddl, a.from, 'ddl', { validate: a.validate !== false });
        return { ...r, validation: r.validation ?? { checked: false, reason: 'not checked' } };
      },
    }),
  ];
}
