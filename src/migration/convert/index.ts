import { invalid, quoted } from '../../errors.js';
import { Converter, type ConversionResult, type SourceDialect } from './convert.js';
import type { Dialect } from './lexer.js';
import { validateConversion, type PgLoader, type Validation } from './validate.js';

export type { ActionItem, Change, ConversionResult, KindSummary, SourceDialect } from './convert.js';
export { convertedTables, leftOut } from './convert.js';
export type { PgLoader, Validation } from './validate.js';

const ALIASES: Record<string, SourceDialect> = {
  mysql: 'mysql',
  mariadb: 'mariadb',
  maria: 'mariadb',
  sqlserver: 'sqlserver',
  'sql server': 'sqlserver',
  'sql-server': 'sqlserver',
  mssql: 'sqlserver',
  'ms sql': 'sqlserver',
  'microsoft sql server': 'sqlserver',
  tsql: 'sqlserver',
  't-sql': 'sqlserver',
  oracle: 'oracle',
  plsql: 'oracle',
  'pl/sql': 'oracle',
};

/** Resolves a dialect name or alias (case-insensitive); throws invalid_argument for anything else. */
export function resolveDialect(from: string): SourceDialect {
  const key = String(from ?? '').trim().toLowerCase().replace(/\s+/g, ' ');
  const d = ALIASES[key];
  if (!d) {
    throw invalid('from', 'enum', `from must be one of mysql, mariadb, sqlserver, oracle (aliases: mssql, sql server, tsql, plsql); got ${quoted(from)}`, {
      allowed: ['mysql', 'mariadb', 'sqlserver', 'oracle'],
    });
  }
  return d;
}

/**
 * Converts a MySQL/MariaDB, SQL Server or Oracle DDL script to PostgreSQL. Never throws on bad SQL:
 * statements it cannot parse are listed in `unparsed`, deliberate omissions in `skipped`.
 */
export function convertSchema(ddl: string, from: SourceDialect | string, options: { schema?: string } = {}): ConversionResult {
  const source = resolveDialect(from);
  if (typeof ddl !== 'string' || ddl.trim() === '') {
    throw invalid('ddl', 'non_empty', 'ddl must be a non-empty SQL script (CREATE TABLE ... statements)');
  }
  if (options.schema !== undefined && (typeof options.schema !== 'string' || options.schema.trim() === '')) {
    throw invalid('schema', 'non_empty', 'schema, when given, must be a non-empty schema name');
  }
  const dialect: Dialect = source === 'mariadb' ? 'mysql' : source;
  return new Converter(dialect, source, options.schema?.trim()).run(ddl);
}

/**
 * convertSchema, then (unless validate is false) a check of the output in PGlite: statements
 * PostgreSQL rejects move to the action items with its error. The result's validation says whether
 * and with what the output was checked.
 */
export async function convertSchemaChecked(
  ddl: string, from: SourceDialect | string, options: { schema?: string; validate?: boolean; loader?: PgLoader } = {},
): Promise<ConversionResult & { validation: Validation }> {
  const result = convertSchema(ddl, from, options);
  if (options.validate === false) return Object.assign(result, { validation: { checked: false as const, reason: 'not requested (validate: false)' } });
  return validateConversion(result, options.loader);
}
