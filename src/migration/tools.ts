import * as z from 'zod';
import { defineTool } from '../mcp/define.js';
import { convertSchema } from './convert/index.js';
import { type MigrationPlanner, planOptionsShape } from './plan.js';

export function migrationTools(planner: MigrationPlanner) {
  return [
    defineTool({
      name: 'plan_migration',
      title: 'Plan a database migration',
      description:
        'A phased zero-downtime plan between two catalog systems: tasks, tools, effort and exit criteria per phase, rollback, type/function/syntax mappings, validation queries for both sides, risks, and a LOW/MEDIUM/HIGH assessment with action items. Includes a markdown rendering.',
      kind: 'read',
      input: {
        source: z.string().describe('The system migrated from, e.g. "mysql", "Oracle"'),
        target: z.string().describe('The system migrated to, e.g. "postgresql"'),
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
      handle: ({ source, target, ...options }) => planner.plan(source, target, options),
    }),
    defineTool({
      name: 'convert_schema',
      title: 'Convert DDL to PostgreSQL',
      description:
        'Converts MySQL/MariaDB, SQL Server or Oracle DDL to PostgreSQL DDL: types, identity columns, enums, keys, indexes, constraints, comments, triggers for ON UPDATE. Lists every change and every item that needs a person (procedural code, spatial types, partitioning), and never drops a statement silently.',
      kind: 'read',
      input: {
        ddl: z.string().max(2_000_000).describe('The source DDL script'),
        from: z.string().describe('mysql, mariadb, sqlserver or oracle'),
        to: z.literal('postgresql').optional().describe('Only postgresql for now'),
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
      },
      handle: (a) => convertSchema(a.ddl, a.from),
    }),
  ];
}
