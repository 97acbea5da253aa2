// Issue 17, part 1: property test over the T-SQL CREATE TABLE grammar (checklist: docs/grammar/sqlserver.md).
// fast-check writes scripts of CREATE TABLE statements in GO batches: random types with defaults that fit
// them, IDENTITY, computed columns, ROWGUIDCOL/SPARSE/COLLATE, named defaults, keys with CLUSTERED and
// WITH (...) index options, filegroups, foreign keys to earlier tables (inline, table-level or by ALTER TABLE
// WITH CHECK ADD), indexes with INCLUDE/WHERE, bracketed, quoted and [dbo]-qualified names. Every output
// must load in one PGlite instance with zero errors and keep every generated column and foreign key.
import { PGlite } from '@electric-sql/pglite';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertSchema } from '../../src/migration/convert/index.js';

const RUNS = 30;
const TABLES_PER_SCRIPT = 40; // 30 x 40 = 1,200 tables per run

let pg: PGlite;
beforeAll(async () => {
  pg = new PGlite();
  await pg.waitReady;
});
afterAll(async () => {
  await pg.close();
});

type G = fc.GeneratorValue;
const pick = <T,>(g: G, xs: readonly T[]): T => xs[g(fc.integer, { min: 0, max: xs.length - 1 })]!;
const chance = (g: G, pct: number) => g(fc.integer, { min: 1, max: 100 }) <= pct;

/** A source type and a DEFAULT that fits it (or none). */
function columnType(g: G): { type: string; def?: string; int?: boolean; text?: boolean; noIndex?: boolean } {
  const n = g(fc.integer, { min: 3, max: 200 });
  const p = g(fc.integer, { min: 1, max: 38 });
  const s = g(fc.integer, { min: 0, max: p });
  const fsp = g(fc.integer, { min: 0, max: 7 });
  const choices: (() => { type: string; def?: string; int?: boolean; text?: boolean; noIndex?: boolean })[] = [
    () => ({ type: pick(g, ['int', '[int]', 'INT']), def: pick(g, ['((0))', '(42)', '-1']), int: true }),
    () => ({ type: 'bigint', def: '((0))', int: true }),
    () => ({ type: 'smallint', def: '((7))', int: true }),
    () => ({ type: 'tinyint', def: '((255))' }),
    () => ({ type: 'bit', def: pick(g, ['((0))', '((1))', "('1')"]) }),
    () => ({ type: `decimal(${p}, ${s})`, def: s > 0 && p - s >= 1 ? '((0.5))' : '((0))' }),
    () => ({ type: `numeric(${p})`, def: '((1))' }),
    () => ({ type: pick(g, ['money', 'smallmoney']), def: '((0))' }),
    () => ({ type: pick(g, ['float', `float(${g(fc.integer, { min: 1, max: 53 })})`, 'real']), def: '((1.5))' }),
    () => ({ type: 'date', def: "('2020-01-31')" }),
    () => ({ type: 'datetime', def: pick(g, ['(getdate())', '(CURRENT_TIMESTAMP)', "('2020-01-31T10:00:00')"]) }),
    () => ({ type: `datetime2(${fsp})`, def: '(sysdatetime())' }),
    () => ({ type: 'datetime2', def: '(getutcdate())' }),
    () => ({ type: 'smalldatetime', def: '(getdate())' }),
    () => ({ type: `datetimeoffset(${fsp})`, def: '(sysdatetimeoffset())' }),
    () => ({ type: `time(${fsp})` }),
    () => ({ type: `char(${n})`, def: "('x')", text: true }),
    () => ({ type: `varchar(${n})`, def: "('abc')", text: true }),
    () => ({ type: `[nvarchar](${n})`, def: "(N'abc')", text: true }),
    () => ({ type: pick(g, ['nvarchar(max)', 'varchar(max)', 'text', 'ntext']), text: true, noIndex: true }),
    () => ({ type: pick(g, ['varbinary(max)', 'varbinary(16)', 'binary(8)', 'image']), noIndex: true }),
    () => ({ type: 'uniqueidentifier', def: pick(g, ['(newid())', '(newsequentialid())']) }),
    () => ({ type: 'xml', noIndex: true }),
    () => ({ type: 'sql_variant', noIndex: true }),
    () => ({ type: 'hierarchyid' }),
    () => ({ type: pick(g, ['geography', 'geometry']), noIndex: true }),
  ];
  return pick(g, choices)();
}

/** Quotes a name in one of the T-SQL styles (the converter folds all to lower case). */
const styled = (g: G, name: string) => pick(g, [name, `[${name}]`, `"${name}"`]);

interface Expect {
  tables: Map<string, string[]>;
  fks: Map<string, number>;
}

function script(g: G): { sql: string; expected: Expect } {
  const tables = new Map<string, string[]>();
  const fks = new Map<string, number>();
  const out: string[] = ['SET ANSI_NULLS ON\nGO', 'SET QUOTED_IDENTIFIER ON\nGO'];
  const later: string[] = [];
  const names: string[] = [];
  const idTypes = new Map<string, string>();
  for (let i = 0; i < TABLES_PER_SCRIPT; i++) {
    const tn = `Tab${i}`;
    const qualified = pick(g, [styled(g, tn), `[dbo].[${tn}]`, `dbo.${tn}`]);
    const cols: string[] = [];
    const lines: string[] = [];
    const pkCluster = pick(g, ['', ' CLUSTERED', ' NONCLUSTERED']);
    const idType = pick(g, ['int', 'bigint']);
    const identity = chance(g, 70) ? ` IDENTITY(${g(fc.integer, { min: 1, max: 1000 })},${g(fc.integer, { min: 1, max: 10 })})${chance(g, 20) ? ' NOT FOR REPLICATION' : ''}` : '';
    lines.push(`${styled(g, 'Id')} ${idType}${identity} NOT NULL`);
    cols.push('id');
    const ncols = g(fc.integer, { min: 1, max: 7 });
    let intCol: string | undefined;
    let indexable: string | undefined; // T-SQL index keys cannot be max/LOB, xml or spatial types
    for (let j = 0; j < ncols; j++) {
      const cn = `Col${j}`;
      const t = columnType(g);
      const parts = [styled(g, cn), t.type];
      if (t.text && chance(g, 20)) parts.push(pick(g, ['COLLATE SQL_Latin1_General_CP1_CI_AS', 'COLLATE Latin1_General_CS_AS']));
      const nullable = chance(g, 60);
      if (nullable && chance(g, 10)) parts.push('SPARSE');
      if (t.type === 'uniqueidentifier' && chance(g, 40)) parts.push('ROWGUIDCOL');
      parts.push(nullable ? 'NULL' : 'NOT NULL');
      if (t.def && chance(g, 60)) parts.push(`${chance(g, 50) ? `CONSTRAINT [DF_${tn}_${cn}] ` : ''}DEFAULT ${t.def}`);
      lines.push(parts.join(' '));
      cols.push(cn.toLowerCase());
      if (t.int && !intCol) intCol = cn;
      if (!t.noIndex && !indexable) indexable = cn;
    }
    if (intCol && chance(g, 40)) {
      lines.push(`[Calc] AS ([${intCol}] * 2)${chance(g, 50) ? ' PERSISTED' : ''}`);
      cols.push('calc');
    }
    let nfk = 0;
    if (names.length && chance(g, 70)) {
      const target = pick(g, names);
      const how = pick(g, ['inline', 'table', 'alter'] as const);
      const fkType = idTypes.get(target)!;
      const action = pick(g, ['', ' ON DELETE CASCADE', ' ON DELETE NO ACTION', ' ON UPDATE CASCADE']);
      if (how === 'inline') lines.push(`[RefId] ${fkType} NULL CONSTRAINT [FK_${tn}_${target}] REFERENCES [dbo].[${target}] ([Id])${action}`);
      else {
        lines.push(`[RefId] ${fkType} NULL`);
        const fk = `CONSTRAINT [FK_${tn}_${target}] FOREIGN KEY ([RefId]) REFERENCES [dbo].[${target}] ([Id])${action}${chance(g, 20) ? ' NOT FOR REPLICATION' : ''}`;
        if (how === 'table') lines.push(fk);
        else later.push(`ALTER TABLE [dbo].[${tn}]  WITH ${pick(g, ['CHECK', 'NOCHECK'])} ADD  ${fk}\nGO\nALTER TABLE [dbo].[${tn}] CHECK CONSTRAINT [FK_${tn}_${target}]\nGO`);
      }
      cols.push('refid');
      nfk++;
    }
    const ff = g(fc.integer, { min: 50, max: 100 });
    const ixOpts = pick(g, ['', ` WITH (PAD_INDEX = OFF, STATISTICS_NORECOMPUTE = OFF, FILLFACTOR = ${ff}, ALLOW_ROW_LOCKS = ON)`, ` WITH FILLFACTOR = ${ff}`]);
    const fg = pick(g, ['', ' ON [PRIMARY]', ' ON [INDEXES]']);
    lines.push(`CONSTRAINT [PK_${tn}] PRIMARY KEY${pkCluster} ([Id] ${pick(g, ['ASC', 'DESC', ''])})${ixOpts}${fg}`);
    if (chance(g, 30)) lines.push(`CONSTRAINT [CK_${tn}] CHECK ([Id] >= 0)`);
    const tableOpts = pick(g, ['', ' ON [PRIMARY]', ' ON [PRIMARY] TEXTIMAGE_ON [PRIMARY]', ' ON [DATA]', ' WITH (DATA_COMPRESSION = PAGE)', ' ON [PRIMARY] WITH (DATA_COMPRESSION = ROW)']);
    out.push(`CREATE TABLE ${qualified}(\n  ${lines.join(',\n  ')}\n)${tableOpts}\n${pick(g, ['GO', 'GO', 'go', 'GO 1', ';\nGO'])}`);
    if (indexable && chance(g, 30)) {
      const c = indexable;
      out.push(`CREATE ${pick(g, ['', 'NONCLUSTERED '])}INDEX [IX_${tn}_1] ON [dbo].[${tn}] ([${c}] ASC)${chance(g, 50) ? ' INCLUDE ([Id])' : ''}${chance(g, 30) ? ` WHERE [${c}] IS NOT NULL` : ''}${chance(g, 50) ? ' WITH (FILLFACTOR = 80) ON [PRIMARY]' : ''}\nGO`);
    }
    if (chance(g, 20)) {
      out.push(`EXEC sys.sp_addextendedproperty @name=N'MS_Description', @value=N'Table ${i}', @level0type=N'SCHEMA', @level0name=N'dbo', @level1type=N'TABLE', @level1name=N'${tn}'\nGO`);
    }
    tables.set(tn.toLowerCase(), cols);
    if (nfk) fks.set(tn.toLowerCase(), nfk);
    names.push(tn);
    idTypes.set(tn, idType);
  }
  return { sql: [...out, ...later].join('\n'), expected: { tables, fks } };
}

describe('T-SQL CREATE TABLE property test', () => {
  it(`${RUNS * TABLES_PER_SCRIPT} generated tables load in PGlite with every column and foreign key`, async () => {
    let run = 0;
    let tablesChecked = 0;
    const started = Date.now();
    let convertMs = 0;
    await fc.assert(
      fc.asyncProperty(fc.gen(), async (g) => {
        const { sql, expected } = script(g);
        const t0 = Date.now();
        const r = convertSchema(sql, 'sqlserver');
        convertMs += Date.now() - t0;
        expect(r.unparsed, sql).toEqual([]);
        const schema = `pss${++run}`;
        await pg.exec(`CREATE SCHEMA ${schema}; SET search_path TO ${schema};`);
        await pg.exec(r.ddl);
        const cols = (await pg.query<{ t: string; c: string }>(
          "SELECT c.relname AS t, a.attname AS c FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid WHERE c.relnamespace = $1::regnamespace AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped", [schema])).rows;
        const got = new Map<string, string[]>();
        for (const { t, c } of cols) got.set(t, [...(got.get(t) ?? []), c]);
        for (const [t, want] of expected.tables) expect(new Set(got.get(t)), `${t} in\n${sql}`).toEqual(new Set(want));
        const fkRows = (await pg.query<{ t: string; n: number }>(
          "SELECT conrelid::regclass::text AS t, count(*)::int AS n FROM pg_constraint WHERE contype = 'f' AND connamespace = $1::regnamespace GROUP BY 1", [schema])).rows;
        expect(new Map(fkRows.map((x) => [x.t.replace(/^.*\./, ''), x.n]))).toEqual(expected.fks);
        tablesChecked += expected.tables.size;
        await pg.exec(`DROP SCHEMA ${schema} CASCADE`);
      }),
      { seed: 1717, numRuns: RUNS, endOnFailure: true },
    );
    expect(tablesChecked).toBe(RUNS * TABLES_PER_SCRIPT);
    console.log(`grammar-sqlserver property: ${tablesChecked} tables in ${Date.now() - started} ms (conversion ${convertMs} ms)`);
  }, 300_000);
});
