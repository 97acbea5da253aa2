// The harness of the clause-by-clause grammar tests (tests/unit/grammar-*.test.ts): one PGlite for
// the file, each case converted and loaded into a schema of its own, and small readers of the result.
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, expect } from 'vitest';
import { convertSchema, type ConversionResult } from '../../src/migration/convert/index.js';

export type Q = <T = Record<string, unknown>>(sql: string) => Promise<T[]>;

/** Opens one PGlite for the test file (closed after it) and returns the converter-and-loader for a dialect. */
export function grammarHarness(dialect: 'oracle' | 'sqlserver', prefix: string): (sql: string) => Promise<{ r: ConversionResult; q: Q; schema: string }> {
  let pg: PGlite;
  let n = 0;
  beforeAll(async () => {
    pg = new PGlite();
    await pg.waitReady;
  });
  afterAll(async () => {
    await pg.close();
  });
  /** Converts, checks nothing went unparsed, and loads the output into a schema of its own. */
  return async (sql: string) => {
    const r = convertSchema(sql, dialect);
    expect(r.unparsed, r.ddl).toEqual([]);
    const schema = `${prefix}${++n}`;
    await pg.exec(`CREATE SCHEMA ${schema}; SET search_path TO ${schema};`);
    await pg.exec(r.ddl); // throws on the first error PostgreSQL reports
    const q: Q = async <T,>(s: string) => {
      await pg.exec(`SET search_path TO ${schema}`);
      const res = await pg.exec(s);
      return (res[res.length - 1]?.rows ?? []) as T[];
    };
    return { r, q, schema };
  };
}

export const rule = (r: ConversionResult, text: string): boolean => r.changes.some((c) => `${c.from} ${c.to} ${c.rule}`.includes(text));
export const action = (r: ConversionResult, category: string) => r.action_items.find((a) => a.category === category);
export const skippedFor = (r: ConversionResult, start: string) => r.skipped.find((s) => s.statement.startsWith(start));

export async function colType(q: Q, table: string, column: string): Promise<string> {
  const [row] = await q<{ t: string }>(`SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = '${table}'::regclass AND attname = '${column}'`);
  return row?.t ?? '(missing)';
}

export async function rejects(q: Q, sql: string, msg: RegExp): Promise<void> {
  await expect(q(sql)).rejects.toThrow(msg);
}

export interface Case {
  clause: string;
  sql: string;
  check: (r: ConversionResult, q: Q) => Promise<void> | void;
}
