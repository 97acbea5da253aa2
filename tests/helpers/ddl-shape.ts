// What a source DDL script declares, read with regular expressions (independently of the converter):
// the tables it creates and the foreign keys it declares, for tests that check nothing was lost.
import { readdirSync } from 'node:fs';
import { DDL_DIR } from './fixtures.js';

export type SourceDialect = 'mysql' | 'oracle' | 'sqlserver';

/** The DDL corpora in tests/fixtures/ddl: every *.mysql.sql, *.oracle.sql and *.sqlserver.sql. */
export const DDL_CORPORA: { file: string; dialect: SourceDialect }[] = readdirSync(DDL_DIR).flatMap((file) => {
  const dialect = /\.(mysql|oracle|sqlserver)\.sql$/.exec(file)?.[1] as SourceDialect | undefined;
  return dialect ? [{ file, dialect }] : [];
});

/** A script without its comments (line comments, block comments and SQL*Plus REM lines). */
export const uncommented = (sql: string): string =>
  sql.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/--[^\n]*/g, ' ').replace(/^\s*rem(?:ark)?\b[^\n]*/gim, ' ');

/** Names compared loosely: lower case, letters and digits only (the converter lower-cases and may replace other characters). */
export const loose = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]/g, '');

const PART = '(?:`[^`]+`|"[^"]+"|\\[[^\\]]+\\]|[\\w$#]+)';

/** Table names a source script creates (the last part of a qualified name), compared loosely. */
export function sourceTables(sql: string): string[] {
  const re = new RegExp(`(?<!GRANT\\s)\\bCREATE\\s+(?:GLOBAL\\s+TEMPORARY\\s+|TEMPORARY\\s+)?TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?((?:${PART}\\s*\\.\\s*)*${PART})`, 'gi');
  const out = new Set<string>();
  for (const m of uncommented(sql).matchAll(re)) {
    const parts = m[1]!.match(new RegExp(PART, 'g'))!;
    out.add(loose(parts[parts.length - 1]!));
  }
  return [...out];
}

/** Foreign keys a source script declares: each FOREIGN KEY clause outside comments and strings (inline REFERENCES excluded). */
export const sourceForeignKeys = (sql: string): number =>
  (uncommented(sql).replace(/'(?:[^']|'')*'/g, "''").match(/\bFOREIGN\s+KEY\b/gi) ?? []).length;
