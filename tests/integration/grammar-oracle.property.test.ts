// Issue 17, part 1: property test over the Oracle CREATE TABLE grammar (checklist: docs/grammar/oracle.md).
// fast-check writes scripts of CREATE TABLE statements: random types with defaults that fit them, identity
// columns (ALWAYS / BY DEFAULT [ON NULL] with START WITH / INCREMENT BY), sequence + NEXTVAL defaults,
// virtual columns, named NOT NULL and CHECK constraints with ENABLE/VALIDATE states, primary keys with
// USING INDEX, foreign keys to earlier tables (inline, table-level or ALTER TABLE ADD CONSTRAINT) with
// ON DELETE CASCADE / SET NULL, storage clauses, indexes (UNIQUE, BITMAP, function-based), COMMENT ON,
// SQL*Plus lines and "/" or ";" terminators. Every output must load in one PGlite instance with zero errors
// and keep every generated column and foreign key.
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

interface ColType {
  type: string;
  def?: string;
  num?: boolean;
  text?: boolean;
  lob?: boolean;
}

/** A source type and a DEFAULT that fits it (or none). */
function columnType(g: G): ColType {
  const n = g(fc.integer, { min: 3, max: 4000 });
  const p = g(fc.integer, { min: 1, max: 38 });
  const s = g(fc.integer, { min: 0, max: p });
  const fsp = g(fc.integer, { min: 0, max: 9 });
  const choices: (() => ColType)[] = [
    () => ({ type: 'NUMBER', def: pick(g, ['0', '1', '-1', '3.5']), num: true }),
    () => ({ type: `NUMBER(${p})`, def: pick(g, ['0', '7']), num: true }),
    () => ({ type: `NUMBER(${p},${s})`, def: '0', num: true }),
    () => ({ type: 'NUMBER(*,0)', def: '1', num: true }),
    () => ({ type: pick(g, ['INTEGER', 'INT', 'SMALLINT']), def: '0', num: true }),
    () => ({ type: pick(g, ['FLOAT', `FLOAT(${g(fc.integer, { min: 1, max: 126 })})`, 'BINARY_FLOAT', 'BINARY_DOUBLE']), def: '1.5' }),
    () => ({ type: `VARCHAR2(${n}${pick(g, ['', ' BYTE', ' CHAR'])})`, def: pick(g, ["'abc'", "'N/A'", "''"]), text: true }),
    () => ({ type: `NVARCHAR2(${Math.min(n, 2000)})`, def: "N'abc'", text: true }),
    () => ({ type: `CHAR(${Math.min(n, 2000)}${pick(g, ['', ' CHAR'])})`, def: "'Y'", text: true }),
    () => ({ type: `NCHAR(${Math.min(n, 1000)})`, text: true }),
    () => ({ type: 'DATE', def: pick(g, ['SYSDATE', "DATE '2020-01-31'", "TO_DATE('2020-01-31', 'YYYY-MM-DD')"]) }),
    () => ({ type: `TIMESTAMP(${fsp})`, def: pick(g, ['SYSTIMESTAMP', 'CURRENT_TIMESTAMP']) }),
    () => ({ type: `TIMESTAMP(${fsp}) WITH TIME ZONE`, def: 'SYSTIMESTAMP' }),
    () => ({ type: 'TIMESTAMP WITH LOCAL TIME ZONE' }),
    () => ({ type: pick(g, ['INTERVAL YEAR TO MONTH', 'INTERVAL YEAR(3) TO MONTH', 'INTERVAL DAY TO SECOND', 'INTERVAL DAY(2) TO SECOND(3)']) }),
    () => ({ type: pick(g, ['CLOB', 'NCLOB', 'BLOB']), lob: true }),
    () => ({ type: `RAW(${g(fc.integer, { min: 1, max: 2000 })})` }),
    () => ({ type: pick(g, ['ROWID', 'UROWID', 'XMLTYPE', 'JSON', 'BFILE', 'SDO_GEOMETRY']) }),
  ];
  return pick(g, choices)();
}

const STORAGE = [
  'TABLESPACE users', 'PCTFREE 10', 'PCTUSED 40', 'INITRANS 2', 'MAXTRANS 255', 'STORAGE (INITIAL 64K NEXT 1M MINEXTENTS 1 MAXEXTENTS UNLIMITED BUFFER_POOL DEFAULT)',
  'LOGGING', 'NOLOGGING', 'COMPRESS', 'NOCOMPRESS', 'SEGMENT CREATION IMMEDIATE', 'SEGMENT CREATION DEFERRED', 'NOCACHE', 'MONITORING',
];

interface Expect {
  tables: Map<string, string[]>;
  fks: Map<string, number>;
}

function script(g: G): { sql: string; expected: Expect } {
  const tables = new Map<string, string[]>();
  const fks = new Map<string, number>();
  const out: string[] = ['SET DEFINE OFF', 'WHENEVER SQLERROR EXIT SQL.SQLCODE', 'PROMPT creating tables'];
  const later: string[] = [];
  const names: string[] = [];
  for (let i = 0; i < TABLES_PER_SCRIPT; i++) {
    const tn = `tab${i}`;
    const qualified = pick(g, [tn, tn.toUpperCase(), `"${tn.toUpperCase()}"`, `hr.${tn}`]);
    const cols: string[] = ['id'];
    const lines: string[] = [];
    const idKind = pick(g, ['identity', 'sequence', 'plain'] as const);
    if (idKind === 'identity') {
      const how = pick(g, ['ALWAYS', 'BY DEFAULT', 'BY DEFAULT ON NULL']);
      const opts = chance(g, 60) ? ` (START WITH ${g(fc.integer, { min: 1, max: 999 })} INCREMENT BY ${g(fc.integer, { min: 1, max: 9 })}${chance(g, 30) ? ' CACHE 20 NOCYCLE' : ''})` : '';
      lines.push(`id ${pick(g, ['NUMBER', 'NUMBER(10)', 'INTEGER'])} GENERATED ${how} AS IDENTITY${opts}`);
    } else if (idKind === 'sequence') {
      out.push(`CREATE SEQUENCE ${tn}_seq START WITH ${g(fc.integer, { min: 1, max: 999 })} INCREMENT BY 1 ${pick(g, ['NOCACHE', 'CACHE 20'])} ${pick(g, ['NOCYCLE', 'NOORDER', 'ORDER'])};`);
      lines.push(`id NUMBER(10) DEFAULT ${tn}_seq.NEXTVAL NOT NULL`);
    } else lines.push(`id NUMBER(${pick(g, ['6', '10', '19'])}) ${chance(g, 50) ? `CONSTRAINT ${tn}_id_nn ` : ''}NOT NULL`);
    const ncols = g(fc.integer, { min: 1, max: 7 });
    let numCol: string | undefined;
    let textCol: string | undefined;
    for (let j = 0; j < ncols; j++) {
      const cn = `col${j}`;
      const t = columnType(g);
      const parts = [cn, t.type];
      if (t.def && chance(g, 60)) parts.push(`DEFAULT ${chance(g, 20) ? 'ON NULL ' : ''}${t.def}`);
      if (chance(g, 40)) parts.push(`${chance(g, 50) ? `CONSTRAINT ${tn}_${cn}_nn ` : ''}NOT NULL${chance(g, 30) ? ' ENABLE' : ''}`);
      if (t.num && chance(g, 20)) parts.push(`CONSTRAINT ${tn}_${cn}_ck CHECK (${cn} >= 0 OR ${cn} < 0)${pick(g, ['', ' ENABLE', ' ENABLE VALIDATE', ' ENABLE NOVALIDATE'])}`);
      lines.push(parts.join(' '));
      cols.push(cn);
      if (t.num && !numCol) numCol = cn;
      if (t.text && !textCol && !/^N?CHAR\(\d{4}/.test(t.type)) textCol = cn;
    }
    if (numCol && chance(g, 40)) {
      lines.push(chance(g, 50) ? `vcol NUMBER GENERATED ALWAYS AS (${numCol} * 2) VIRTUAL` : `vcol AS (${numCol} + 1)`);
      cols.push('vcol');
    }
    let nfk = 0;
    if (names.length && chance(g, 70)) {
      const target = pick(g, names);
      const how = pick(g, ['inline', 'table', 'alter'] as const);
      const action = pick(g, ['', ' ON DELETE CASCADE', ' ON DELETE SET NULL']);
      const state = pick(g, ['', ' ENABLE', ' ENABLE VALIDATE', ' ENABLE NOVALIDATE', ' DEFERRABLE INITIALLY DEFERRED']);
      if (how === 'inline') lines.push(`ref_id NUMBER(10) CONSTRAINT ${tn}_ref_fk REFERENCES ${target} (id)${action}${state}`);
      else {
        lines.push('ref_id NUMBER(10)');
        const fk = `CONSTRAINT ${tn}_ref_fk FOREIGN KEY (ref_id) REFERENCES ${target}${chance(g, 50) ? ' (id)' : ''}${action}${state}`;
        if (how === 'table') lines.push(fk);
        else later.push(`ALTER TABLE ${tn} ADD ${fk};`);
      }
      cols.push('ref_id');
      nfk++;
    }
    const using = pick(g, ['', ' USING INDEX TABLESPACE idx', ' USING INDEX PCTFREE 10 INITRANS 2 TABLESPACE idx']);
    lines.push(`CONSTRAINT ${tn}_pk PRIMARY KEY (id)${using}${pick(g, ['', ' ENABLE', ' ENABLE VALIDATE'])}`);
    if (textCol && chance(g, 20)) lines.push(`CONSTRAINT ${tn}_uk UNIQUE (${textCol})`);
    const storage = STORAGE.filter(() => chance(g, 25));
    const lob = lines.some((l) => /\b(CLOB|NCLOB|BLOB)\b/.test(l.split(' ')[1] ?? '')) && chance(g, 50)
      ? ` LOB (${lines.find((l) => /\b(CLOB|NCLOB|BLOB)\b/.test(l.split(' ')[1] ?? ''))!.split(' ')[0]}) STORE AS ${pick(g, ['SECUREFILE', 'BASICFILE'])} (TABLESPACE users ENABLE STORAGE IN ROW)`
      : '';
    const body = `CREATE TABLE ${qualified} (\n  ${lines.join(',\n  ')}\n)${storage.length ? `\n${storage.join(' ')}` : ''}${lob}`;
    out.push(chance(g, 70) ? `${body};` : `${body}\n/`);
    if (chance(g, 30)) {
      const target = textCol ?? 'id';
      const kind = pick(g, ['', 'UNIQUE ', 'BITMAP ']);
      const expr = textCol && chance(g, 40) ? `UPPER(${textCol})` : target;
      out.push(`CREATE ${kind === 'UNIQUE ' && expr === 'id' ? '' : kind}INDEX ${tn}_ix ON ${tn} (${expr})${chance(g, 50) ? ' TABLESPACE idx PCTFREE 10' : ''}${chance(g, 30) ? ' NOLOGGING' : ''};`);
    }
    if (chance(g, 30)) out.push(`COMMENT ON TABLE ${tn} IS 'Table ${i}';`);
    if (chance(g, 20)) out.push(`COMMENT ON COLUMN ${tn}.id IS 'Key of table ${i}';`);
    if (chance(g, 10)) out.push(`REM table ${i} done`);
    tables.set(tn, cols);
    if (nfk) fks.set(tn, nfk);
    names.push(tn);
  }
  return { sql: [...out, ...later, 'COMMIT;', 'exit'].join('\n'), expected: { tables, fks } };
}

describe('Oracle CREATE TABLE property test', () => {
  it(`${RUNS * TABLES_PER_SCRIPT} generated tables load in PGlite with every column and foreign key`, async () => {
    let run = 0;
    let tablesChecked = 0;
    const started = Date.now();
    let convertMs = 0;
    await fc.assert(
      fc.asyncProperty(fc.gen(), async (g) => {
        const { sql, expected } = script(g);
        const t0 = Date.now();
        const r = convertSchema(sql, 'oracle');
        convertMs += Date.now() - t0;
        expect(r.unparsed, sql).toEqual([]);
        const schema = `pora${++run}`;
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
    console.log(`grammar-oracle property: ${tablesChecked} tables in ${Date.now() - started} ms (conversion ${convertMs} ms)`);
  }, 300_000);
});
