// Issue 17, part 1: the Oracle schema grammar, clause by clause (checklist: docs/grammar/oracle.md).
// Each case converts a small script holding one clause, asserts what the clause became (a value read
// back from PostgreSQL, a change, an action item or a skipped note), and loads the output in PGlite.
// Expected values come from the Oracle SQL Language Reference (CREATE TABLE, CREATE SEQUENCE, data
// types), the SQL*Plus reference and the PostgreSQL docs.
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertSchema, type ConversionResult } from '../../src/migration/convert/index.js';
import { ddl as fixture } from '../helpers/fixtures.js';

let pg: PGlite;
let n = 0;

beforeAll(async () => {
  pg = new PGlite();
  await pg.waitReady;
});

afterAll(async () => {
  await pg.close();
});

type Q = <T = Record<string, unknown>>(sql: string) => Promise<T[]>;

/** Converts, checks nothing went unparsed, and loads the output into a schema of its own. */
async function convertAndLoad(sql: string): Promise<{ r: ConversionResult; q: Q; schema: string }> {
  const r = convertSchema(sql, 'oracle');
  expect(r.unparsed, r.ddl).toEqual([]);
  const schema = `ora${++n}`;
  await pg.exec(`CREATE SCHEMA ${schema}; SET search_path TO ${schema};`);
  await pg.exec(r.ddl); // throws on the first error PostgreSQL reports
  const q: Q = async <T,>(s: string) => {
    await pg.exec(`SET search_path TO ${schema}`);
    const res = await pg.exec(s);
    return (res[res.length - 1]?.rows ?? []) as T[];
  };
  return { r, q, schema };
}

const rule = (r: ConversionResult, text: string) => r.changes.some((c) => `${c.from} ${c.to} ${c.rule}`.includes(text));
const action = (r: ConversionResult, category: string) => r.action_items.find((a) => a.category === category);
const skippedFor = (r: ConversionResult, start: string) => r.skipped.find((s) => s.statement.startsWith(start));

async function colType(q: Q, table: string, column: string): Promise<string> {
  const [row] = await q<{ t: string }>(`SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = '${table}'::regclass AND attname = '${column}'`);
  return row?.t ?? '(missing)';
}

async function rejects(q: Q, sql: string, msg: RegExp): Promise<void> {
  await expect(q(sql)).rejects.toThrow(msg);
}

interface Case {
  clause: string;
  sql: string;
  check: (r: ConversionResult, q: Q) => Promise<void> | void;
}

const cases: Case[] = [
  {
    // physical attributes and storage: PostgreSQL manages storage itself; every word is noted, none kept
    clause: 'TABLESPACE, PCTFREE, INITRANS, STORAGE (...), LOGGING, COMPRESS, SEGMENT CREATION',
    sql: `CREATE TABLE t (id NUMBER(6) PRIMARY KEY) SEGMENT CREATION IMMEDIATE PCTFREE 10 PCTUSED 40 INITRANS 1 MAXTRANS 255
  NOCOMPRESS LOGGING STORAGE (INITIAL 65536 NEXT 1048576 MINEXTENTS 1 MAXEXTENTS 2147483645 BUFFER_POOL DEFAULT) TABLESPACE users;`,
    check: (r) => {
      const c = r.changes.find((x) => x.object === 't' && x.rule.startsWith('table options dropped'));
      for (const w of ['SEGMENT CREATION IMMEDIATE', 'PCTFREE 10', 'INITRANS 1', 'NOCOMPRESS', 'LOGGING', 'STORAGE (INITIAL', 'TABLESPACE users']) expect(c?.from).toContain(w);
    },
  },
  {
    clause: 'NOLOGGING COMPRESS FOR OLTP',
    sql: 'CREATE TABLE t (id NUMBER(6)) NOLOGGING COMPRESS FOR OLTP;',
    check: (r) => {
      expect(rule(r, 'NOLOGGING COMPRESS FOR OLTP')).toBe(true);
    },
  },
  {
    // virtual column: computed on read in Oracle, a STORED generated column in PostgreSQL 15
    clause: 'GENERATED ALWAYS AS (expr) VIRTUAL',
    sql: 'CREATE TABLE t (salary NUMBER(8,2), annual NUMBER(10,2) GENERATED ALWAYS AS (salary * 12) VIRTUAL);',
    check: async (r, q) => {
      expect(rule(r, 'virtual computed column -> STORED')).toBe(true);
      await q('INSERT INTO t (salary) VALUES (1000.50)');
      expect(await q('SELECT annual FROM t')).toEqual([{ annual: '12006.00' }]);
    },
  },
  {
    // the short form: column [type] AS (expr)
    clause: 'virtual column short form AS (expr)',
    sql: "CREATE TABLE t (first_name VARCHAR2(20), last_name VARCHAR2(20), full_name AS (first_name || ' ' || last_name));",
    check: async (_r, q) => {
      await q("INSERT INTO t (first_name, last_name) VALUES ('Ada', 'King')");
      expect(await q('SELECT full_name FROM t')).toEqual([{ full_name: 'Ada King' }]);
    },
  },
  {
    // GENERATED ALWAYS AS IDENTITY: an explicit value is refused, in Oracle and in PostgreSQL
    clause: 'GENERATED ALWAYS AS IDENTITY',
    sql: 'CREATE TABLE t (id NUMBER(10) GENERATED ALWAYS AS IDENTITY, v VARCHAR2(5));',
    check: async (_r, q) => {
      await q("INSERT INTO t (v) VALUES ('a')");
      expect(await q('SELECT id::int AS id FROM t')).toEqual([{ id: 1 }]);
      await rejects(q, "INSERT INTO t (id, v) VALUES (5, 'b')", /non-DEFAULT value/);
    },
  },
  {
    // BY DEFAULT ON NULL ... (START WITH s INCREMENT BY i): values s, s + i; ON NULL has no equivalent (noted)
    clause: 'GENERATED BY DEFAULT ON NULL AS IDENTITY (START WITH ... INCREMENT BY ...)',
    sql: 'CREATE TABLE t (id NUMBER(6) GENERATED BY DEFAULT ON NULL AS IDENTITY (START WITH 207 INCREMENT BY 3 MAXVALUE 999999 NOCYCLE CACHE 20), v VARCHAR2(5));',
    check: async (r, q) => {
      expect(rule(r, 'ON NULL dropped')).toBe(true);
      expect(rule(r, 'identity options dropped: MAXVALUE 999999, NOCYCLE, CACHE 20')).toBe(true);
      await q("INSERT INTO t (v) VALUES ('a'), ('b')");
      expect(await q('SELECT id FROM t ORDER BY id')).toEqual([{ id: 207 }, { id: 210 }]);
    },
  },
  {
    // DEFAULT ON NULL also replaces an explicit NULL in Oracle; PostgreSQL's DEFAULT covers omitted columns only
    clause: 'DEFAULT ON NULL',
    sql: "CREATE TABLE t (id NUMBER(6), status VARCHAR2(10) DEFAULT ON NULL 'new' NOT NULL);",
    check: async (r, q) => {
      expect(rule(r, 'DEFAULT ON NULL -> DEFAULT')).toBe(true);
      await q('INSERT INTO t (id) VALUES (1)');
      expect(await q('SELECT status FROM t')).toEqual([{ status: 'new' }]);
    },
  },
  {
    // Oracle 23: DEFAULT ON NULL FOR INSERT ONLY; INVISIBLE columns are still columns (hidden from SELECT *)
    clause: 'DEFAULT ON NULL FOR INSERT ONLY, INVISIBLE, PARALLEL, ENABLE ROW MOVEMENT',
    sql: "CREATE TABLE t (id NUMBER(6) INVISIBLE, v VARCHAR2(5) DEFAULT ON NULL FOR INSERT ONLY 'x') ROW STORE COMPRESS ADVANCED PARALLEL 4 ENABLE ROW MOVEMENT;",
    check: async (r, q) => {
      expect(rule(r, 'FOR INSERT ONLY')).toBe(true);
      expect(rule(r, 'INVISIBLE')).toBe(true);
      expect(rule(r, 'PARALLEL 4')).toBe(true);
      await q('INSERT INTO t (id) VALUES (1)');
      expect(await q('SELECT v FROM t')).toEqual([{ v: 'x' }]);
    },
  },
  {
    // ENABLE VALIDATE is the default state: the constraint is kept and the words are noted
    clause: 'constraint state ENABLE VALIDATE',
    sql: 'CREATE TABLE t (id NUMBER(6), CONSTRAINT t_pk PRIMARY KEY (id) ENABLE VALIDATE);',
    check: async (r, q) => {
      expect(rule(r, 'ENABLE VALIDATE')).toBe(true);
      await q('INSERT INTO t VALUES (1)');
      await rejects(q, 'INSERT INTO t VALUES (1)', /t_pk/);
    },
  },
  {
    // DISABLE: the source does not enforce it, so data may violate it: not created, an action item
    clause: 'constraint state DISABLE',
    sql: 'CREATE TABLE t (id NUMBER(6), q NUMBER(3), CONSTRAINT t_q_ck CHECK (q > 0) DISABLE);',
    check: async (r, q) => {
      expect(action(r, 'check')?.reason).toContain('disabled');
      await q('INSERT INTO t VALUES (1, -5)');
    },
  },
  {
    // ENABLE NOVALIDATE on a foreign key: old rows unchecked -> NOT VALID; on a CHECK: noted
    clause: 'constraint state ENABLE NOVALIDATE (foreign key, check)',
    sql: `CREATE TABLE p (id NUMBER(6) PRIMARY KEY);
CREATE TABLE c (pid NUMBER(6), q NUMBER(3), CONSTRAINT c_p_fk FOREIGN KEY (pid) REFERENCES p (id) ENABLE NOVALIDATE, CONSTRAINT c_q_ck CHECK (q > 0) ENABLE NOVALIDATE);`,
    check: async (r, q) => {
      expect(await q("SELECT conname, convalidated FROM pg_constraint WHERE conname = 'c_p_fk' AND connamespace = current_schema()::regnamespace")).toEqual([{ conname: 'c_p_fk', convalidated: false }]);
      expect(rule(r, 'NOVALIDATE dropped')).toBe(true);
    },
  },
  {
    // DEFERRABLE INITIALLY DEFERRED: same words, same meaning in PostgreSQL
    clause: 'DEFERRABLE INITIALLY DEFERRED',
    sql: 'CREATE TABLE t (id NUMBER(6), code VARCHAR2(5), CONSTRAINT t_code_uk UNIQUE (code) DEFERRABLE INITIALLY DEFERRED);',
    check: async (_r, q) => {
      expect(await q("SELECT condeferrable, condeferred FROM pg_constraint WHERE conname = 't_code_uk' AND connamespace = current_schema()::regnamespace")).toEqual([{ condeferrable: true, condeferred: true }]);
    },
  },
  {
    // USING INDEX names or describes the key's index; PostgreSQL creates its own
    clause: 'USING INDEX (CREATE UNIQUE INDEX ...) / USING INDEX TABLESPACE',
    sql: `CREATE TABLE t (id NUMBER(6), email VARCHAR2(40),
  CONSTRAINT t_pk PRIMARY KEY (id) USING INDEX PCTFREE 10 TABLESPACE idx ENABLE,
  CONSTRAINT t_email_uk UNIQUE (email) USING INDEX (CREATE UNIQUE INDEX t_email_ix ON t (email)));`,
    check: async (r, q) => {
      expect(rule(r, 'USING INDEX PCTFREE 10 TABLESPACE idx')).toBe(true);
      expect(rule(r, 'USING INDEX (CREATE UNIQUE INDEX t_email_ix')).toBe(true);
      await q("INSERT INTO t VALUES (1, 'a@x')");
      await rejects(q, "INSERT INTO t VALUES (2, 'a@x')", /t_email_uk/);
    },
  },
  {
    // Oracle has ON DELETE CASCADE and ON DELETE SET NULL (no ON UPDATE)
    clause: 'ON DELETE CASCADE / ON DELETE SET NULL',
    sql: `CREATE TABLE p (id NUMBER(6) PRIMARY KEY);
CREATE TABLE c1 (id NUMBER(6) PRIMARY KEY, pid NUMBER(6) REFERENCES p (id) ON DELETE CASCADE);
CREATE TABLE c2 (id NUMBER(6) PRIMARY KEY, pid NUMBER(6), CONSTRAINT c2_fk FOREIGN KEY (pid) REFERENCES p ON DELETE SET NULL);`,
    check: async (_r, q) => {
      await q('INSERT INTO p VALUES (1); INSERT INTO c1 VALUES (1, 1); INSERT INTO c2 VALUES (1, 1); DELETE FROM p');
      expect(await q('SELECT (SELECT count(*)::int FROM c1) AS n1, (SELECT pid FROM c2) AS pid')).toEqual([{ n1: 0, pid: null }]);
    },
  },
  {
    clause: 'CHECK (column and table level)',
    sql: "CREATE TABLE t (q NUMBER(3) CHECK (q BETWEEN 1 AND 10), s CHAR(1), CONSTRAINT t_s_ck CHECK (s IN ('Y', 'N')));",
    check: async (_r, q) => {
      await q("INSERT INTO t VALUES (1, 'Y')");
      await rejects(q, "INSERT INTO t VALUES (11, 'Y')", /check constraint/);
      await rejects(q, "INSERT INTO t VALUES (1, 'y')", /t_s_ck/); // Oracle compares text case-sensitively
    },
  },
  {
    // index-organized table: a heap with its primary key in PostgreSQL (noted)
    clause: 'ORGANIZATION INDEX',
    sql: 'CREATE TABLE t (code VARCHAR2(10) PRIMARY KEY, label VARCHAR2(40)) ORGANIZATION INDEX OVERFLOW TABLESPACE users;',
    check: async (r, q) => {
      expect(rule(r, 'index-organized table dropped')).toBe(true);
      await q("INSERT INTO t VALUES ('a', 'A')");
      await rejects(q, "INSERT INTO t VALUES ('a', 'B')", /t_pkey/);
    },
  },
  {
    clause: 'PARTITION BY RANGE ... INTERVAL (...)',
    sql: `CREATE TABLE t (id NUMBER(10), sold DATE) PARTITION BY RANGE (sold) INTERVAL (NUMTOYMINTERVAL(1, 'MONTH'))
  (PARTITION p0 VALUES LESS THAN (TO_DATE('2020-01-01', 'YYYY-MM-DD')));`,
    check: (r) => {
      expect(action(r, 'partitioning')?.reason).toContain('PARTITION BY RANGE (sold) INTERVAL');
    },
  },
  {
    clause: 'PARTITION BY LIST',
    sql: "CREATE TABLE t (id NUMBER, r VARCHAR2(2)) PARTITION BY LIST (r) (PARTITION pe VALUES ('EU'), PARTITION pd VALUES (DEFAULT));",
    check: (r) => {
      expect(action(r, 'partitioning')?.reason).toContain('PARTITION BY LIST (r)');
    },
  },
  {
    clause: 'PARTITION BY HASH',
    sql: 'CREATE TABLE t (id NUMBER) PARTITION BY HASH (id) PARTITIONS 4 STORE IN (users, users2);',
    check: (r) => {
      expect(action(r, 'partitioning')?.reason).toContain('PARTITION BY HASH (id) PARTITIONS 4');
    },
  },
  {
    // LOB storage: text/bytea are stored out of line by TOAST automatically
    clause: 'LOB (...) STORE AS',
    sql: `CREATE TABLE t (id NUMBER(6), c CLOB, b BLOB) TABLESPACE users
  LOB (c) STORE AS SECUREFILE t_c_lob (TABLESPACE users ENABLE STORAGE IN ROW CHUNK 8192 NOCACHE LOGGING)
  LOB (b) STORE AS BASICFILE (TABLESPACE users);`,
    check: async (r, q) => {
      expect(rule(r, 'LOB (c) STORE AS SECUREFILE t_c_lob')).toBe(true);
      expect(rule(r, 'LOB (b) STORE AS BASICFILE')).toBe(true);
      expect(await colType(q, 't', 'c')).toBe('text');
    },
  },
  {
    // CREATE SEQUENCE: START WITH, INCREMENT BY, MINVALUE/NOMAXVALUE, CACHE, NOCYCLE kept; ORDER noted
    clause: 'CREATE SEQUENCE (START WITH, INCREMENT BY, MINVALUE, NOMAXVALUE, CACHE, NOCYCLE, ORDER)',
    sql: 'CREATE SEQUENCE s START WITH 10 INCREMENT BY 10 MINVALUE 1 NOMAXVALUE CACHE 20 NOCYCLE ORDER;',
    check: async (r, q) => {
      expect(rule(r, 'ORDER')).toBe(true);
      expect(await q("SELECT nextval('s')::int AS a, nextval('s')::int AS b")).toEqual([{ a: 10, b: 20 }]);
    },
  },
  {
    // CYCLE with MAXVALUE: after the maximum the sequence starts again at MINVALUE; NOCACHE = cache 1
    clause: 'CREATE SEQUENCE ... MAXVALUE CYCLE NOCACHE',
    sql: 'CREATE SEQUENCE s START WITH 1 INCREMENT BY 1 MINVALUE 1 MAXVALUE 2 CYCLE NOCACHE;',
    check: async (_r, q) => {
      expect(await q("SELECT nextval('s')::int AS a, nextval('s')::int AS b, nextval('s')::int AS c")).toEqual([{ a: 1, b: 2, c: 1 }]);
    },
  },
  {
    // the pre-12c identity pattern: a sequence and a BEFORE INSERT trigger that fills the key
    clause: 'sequence + BEFORE INSERT trigger identity pattern',
    sql: `CREATE SEQUENCE items_seq START WITH 500 INCREMENT BY 1;
CREATE TABLE items (id NUMBER(10) NOT NULL, name VARCHAR2(40), CONSTRAINT items_pk PRIMARY KEY (id));
CREATE OR REPLACE TRIGGER items_bi BEFORE INSERT ON items FOR EACH ROW
BEGIN
  IF :NEW.id IS NULL THEN
    SELECT items_seq.NEXTVAL INTO :NEW.id FROM dual;
  END IF;
END;
/`,
    check: async (r, q) => {
      expect(rule(r, 'sequence + trigger -> identity column')).toBe(true);
      await q("INSERT INTO items (name) VALUES ('a')");
      expect(await q('SELECT id::int AS id FROM items')).toEqual([{ id: 500 }]);
    },
  },
  {
    clause: 'COMMENT ON TABLE / COLUMN',
    sql: "CREATE TABLE t (id NUMBER(6));\nCOMMENT ON TABLE t IS 'Things';\nCOMMENT ON COLUMN t.id IS 'It''s the key';",
    check: async (_r, q) => {
      expect(await q("SELECT obj_description('t'::regclass, 'pg_class') AS d, col_description('t'::regclass, 1) AS c")).toEqual([{ d: 'Things', c: "It's the key" }]);
    },
  },
  {
    clause: 'CREATE UNIQUE INDEX',
    sql: 'CREATE TABLE t (a NUMBER(6), b NUMBER(6));\nCREATE UNIQUE INDEX t_ab_ux ON t (a, b) TABLESPACE idx PCTFREE 10 COMPUTE STATISTICS;',
    check: async (_r, q) => {
      await q('INSERT INTO t VALUES (1, 1)');
      await rejects(q, 'INSERT INTO t VALUES (1, 1)', /t_ab_ux/);
    },
  },
  {
    // bitmap indexes have no PostgreSQL counterpart (it builds bitmaps at query time): a btree, noted
    clause: 'CREATE BITMAP INDEX',
    sql: 'CREATE TABLE t (id NUMBER(6), status CHAR(1));\nCREATE BITMAP INDEX t_status_bix ON t (status) LOCAL NOLOGGING;',
    check: async (r, q) => {
      expect(rule(r, 'bitmap index -> btree')).toBe(true);
      const [ix] = await q<{ d: string }>("SELECT indexdef AS d FROM pg_indexes WHERE schemaname = current_schema() AND indexname = 't_status_bix'");
      expect(ix!.d).toContain('USING btree (status)');
    },
  },
  {
    // function-based index -> expression index; the unique one stops 'A@X' next to 'a@x'
    clause: 'function-based index',
    sql: 'CREATE TABLE t (email VARCHAR2(40));\nCREATE UNIQUE INDEX t_email_ux ON t (UPPER(email));',
    check: async (_r, q) => {
      await q("INSERT INTO t VALUES ('a@x')");
      await rejects(q, "INSERT INTO t VALUES ('A@X')", /t_email_ux/);
    },
  },
  {
    clause: 'CREATE [PUBLIC] SYNONYM',
    sql: 'CREATE TABLE t (id NUMBER);\nCREATE OR REPLACE PUBLIC SYNONYM things FOR t;\nCREATE SYNONYM t2 FOR t;',
    check: (r) => {
      expect(r.action_items.filter((a) => a.category === 'synonym').map((a) => a.object)).toEqual(['things', 't2']);
    },
  },
  {
    clause: 'GRANT',
    sql: 'CREATE TABLE t (id NUMBER);\nGRANT SELECT, INSERT ON t TO app_role;',
    check: (r) => {
      expect(skippedFor(r, 'GRANT')?.reason).toContain('privileges');
    },
  },
  {
    // SQL*Plus reference: REM, SET, PROMPT, SPOOL, WHENEVER, DEFINE, @script and EXIT are client commands
    clause: 'SQL*Plus commands (REM, SET, PROMPT, SPOOL, WHENEVER SQLERROR, DEFINE, @script, exit)',
    sql: `REM creates the shop
SET ECHO OFF
SET DEFINE OFF
WHENEVER SQLERROR EXIT SQL.SQLCODE
SPOOL shop.log
PROMPT creating t
DEFINE owner = SHOP
@@more.sql
CREATE TABLE t (id NUMBER);
SPOOL OFF
exit`,
    check: async (r, q) => {
      expect(r.skipped.map((s) => s.reason)).toEqual(Array(2).fill('SQL*Plus client commands (REM, PROMPT, SET ...), not SQL'));
      expect(r.skipped[0]!.statement).toContain('@@more.sql');
      expect(await q("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = current_schema()")).toEqual([{ n: 1 }]);
    },
  },
  {
    // "/" alone on a line runs the block before it
    clause: '/ terminators and anonymous PL/SQL blocks',
    sql: "CREATE TABLE t (id NUMBER)\n/\nBEGIN\n  DBMS_OUTPUT.PUT_LINE('x;y');\nEND;\n/\nCREATE TABLE u (id NUMBER)\n/",
    check: async (r, q) => {
      expect(r.action_items.find((a) => a.category === 'procedure')?.statement).toContain("DBMS_OUTPUT.PUT_LINE('x;y')");
      expect(await q("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = current_schema()")).toEqual([{ n: 2 }]);
    },
  },
  {
    clause: 'CREATE OR REPLACE PACKAGE / PROCEDURE / FUNCTION / TRIGGER',
    sql: `CREATE TABLE t (id NUMBER, v NUMBER);
CREATE OR REPLACE PACKAGE pkg AS
  PROCEDURE p;
END pkg;
/
CREATE OR REPLACE PROCEDURE bump (x IN NUMBER) AS
BEGIN
  UPDATE t SET v = v + x;
END;
/
CREATE OR REPLACE FUNCTION twice (x NUMBER) RETURN NUMBER IS BEGIN RETURN x * 2; END;
/
CREATE OR REPLACE TRIGGER t_audit AFTER UPDATE ON t FOR EACH ROW
BEGIN
  DBMS_OUTPUT.PUT_LINE(:OLD.v);
END;
/`,
    check: (r) => {
      const byCat = (c: string) => r.action_items.find((a) => a.category === c);
      expect(byCat('package')?.object).toBe('pkg');
      expect(byCat('procedure')?.statement).toContain('UPDATE t SET v = v + x');
      expect(byCat('function')?.statement).toContain('RETURN x * 2');
      expect(byCat('trigger')?.statement).toContain('DBMS_OUTPUT.PUT_LINE(:OLD.v)');
    },
  },
];

describe('Oracle CREATE TABLE and script clauses', () => {
  it.each(cases.map((c) => [c.clause, c] as const))('%s', async (_name, c) => {
    const { r, q } = await convertAndLoad(c.sql);
    await c.check(r, q);
  });
});

// Oracle SQL Language Reference, "Data Types" (built-in and ANSI-supported types); PostgreSQL format_type() spelling.
// NUMBER(p) holds whole numbers of p digits: p < 5 fits smallint (max 32767), p <= 9 integer, p <= 18 bigint
// (9223372036854775807 has 19 digits), wider stays numeric. INTEGER, INT and SMALLINT are NUMBER(38), the same
// type as NUMBER(*,0): numeric(38,0) for all four.
const types: [string, string, string?][] = [
  ['NUMBER', 'numeric'],
  ['NUMBER(4)', 'smallint'],
  ['NUMBER(9)', 'integer'],
  ['NUMBER(18)', 'bigint'],
  ['NUMBER(19)', 'numeric(19,0)'],
  ['NUMBER(38)', 'numeric(38,0)'],
  ['NUMBER(8,2)', 'numeric(8,2)'],
  ['NUMBER(*,0)', 'numeric(38,0)'],
  ['INTEGER', 'numeric(38,0)'],
  ['INT', 'numeric(38,0)'],
  ['SMALLINT', 'numeric(38,0)'],
  ['FLOAT', 'double precision'],
  ['FLOAT(63)', 'double precision'],
  ['BINARY_FLOAT', 'real'], // 32-bit IEEE 754
  ['BINARY_DOUBLE', 'double precision'], // 64-bit IEEE 754
  ['VARCHAR2(10 BYTE)', 'character varying(10)'],
  ['VARCHAR2(10 CHAR)', 'character varying(10)'],
  ['NVARCHAR2(5)', 'character varying(5)'],
  ['CHAR(2)', 'character(2)'],
  ['NCHAR(2)', 'character(2)'],
  ['DATE', 'timestamp(0) without time zone'], // Oracle DATE has year to second, no fraction, no zone
  ['TIMESTAMP', 'timestamp without time zone'], // default fractional precision 6, PostgreSQL's too
  ['TIMESTAMP(3)', 'timestamp(3) without time zone'],
  ['TIMESTAMP(9) WITH TIME ZONE', 'timestamp(6) with time zone'], // PostgreSQL keeps at most 6 digits
  ['TIMESTAMP WITH LOCAL TIME ZONE', 'timestamp with time zone'],
  ['INTERVAL YEAR TO MONTH', 'interval year to month'],
  ['INTERVAL DAY(3) TO SECOND(2)', 'interval day to second(2)'],
  ['CLOB', 'text'],
  ['NCLOB', 'text'],
  ['BLOB', 'bytea'],
  ['BFILE', 'bytea', 'data_type'],
  ['LONG', 'text'],
  ['LONG RAW', 'bytea'],
  ['RAW(2000)', 'bytea'],
  ['ROWID', 'text'],
  ['UROWID', 'text'],
  ['XMLTYPE', 'xml'],
  ['JSON', 'jsonb'],
  ['SDO_GEOMETRY', 'bytea', 'spatial'],
  ['MDSYS.SDO_GEOMETRY', 'bytea', 'spatial'],
];

describe('Oracle data types', () => {
  it.each(types)('%s -> %s', async (src, pgType, category) => {
    const { r, q } = await convertAndLoad(`CREATE TABLE t (id NUMBER(6), c ${src});`);
    expect(await colType(q, 't', 'c')).toBe(pgType);
    if (category) expect(r.action_items.find((a) => a.object === 't.c')?.category).toBe(category);
    else expect(r.action_items).toEqual([]);
  });

  it('stores 38-digit whole numbers in INTEGER and NUMBER(*,0) alike, and rounds fractions away', async () => {
    const { q } = await convertAndLoad('CREATE TABLE t (i INTEGER, n NUMBER(*,0));');
    const big = '9'.repeat(38);
    await q(`INSERT INTO t VALUES (${big}, ${big}), (2.4, 2.6)`);
    expect(await q('SELECT i::text AS i, n::text AS n FROM t ORDER BY i')).toEqual([{ i: '2', n: '3' }, { i: big, n: big }]);
  });

  it('keeps Oracle DATE times of day (DATE has hours, minutes and seconds)', async () => {
    const { q } = await convertAndLoad('CREATE TABLE t (d DATE);');
    await q("INSERT INTO t VALUES ('2024-03-01 10:30:15')");
    expect(await q('SELECT d::text AS d FROM t')).toEqual([{ d: '2024-03-01 10:30:15' }]);
  });
});

/** Tables with their columns and the foreign keys (table -> referenced table) of a loaded schema. */
async function catalog(q: Q): Promise<{ tables: Record<string, string[]>; fks: string[] }> {
  const cols = await q<{ t: string; c: string }>(`SELECT c.relname AS t, a.attname AS c FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped ORDER BY c.relname, a.attnum`);
  const tables: Record<string, string[]> = {};
  for (const { t, c } of cols) (tables[t] ??= []).push(c);
  const fks = await q<{ f: string }>(`SELECT conrelid::regclass::text || ' -> ' || confrelid::regclass::text AS f FROM pg_constraint
    WHERE contype = 'f' AND connamespace = current_schema()::regnamespace ORDER BY 1`);
  return { tables, fks: fks.map((x) => x.f) };
}

describe('a realistic Oracle script (tests/fixtures/ddl/grammar-library.oracle.sql, written for these tests)', () => {
  it('converts with every table, column and foreign key of the script present in PostgreSQL', async () => {
    const { r, q } = await convertAndLoad(fixture('grammar-library.oracle.sql'));
    // read off the script by hand: seven CREATE TABLE statements' columns and seven foreign keys
    const { tables, fks } = await catalog(q);
    expect(tables).toEqual({
      authors: ['author_id', 'author_name', 'born', 'biography'],
      branch_hours: ['branch_id', 'weekday', 'opens', 'closes'],
      branches: ['branch_id', 'branch_name', 'city', 'opened_on'],
      copies: ['copy_id', 'isbn', 'branch_id', 'acquired', 'condition'],
      loans: ['loan_id', 'copy_id', 'member_id', 'loaned_at', 'due_on', 'returned_on', 'loan_period', 'fine'],
      members: ['member_id', 'first_name', 'last_name', 'email', 'phone', 'joined_on', 'home_branch_id', 'fine_total', 'status', 'full_name'],
      titles: ['isbn', 'title', 'author_id', 'published', 'pages', 'list_price', 'rating', 'cover', 'added_at'],
    });
    expect(fks).toEqual([
      'branch_hours -> branches', 'copies -> branches', 'copies -> titles', 'loans -> copies', 'loans -> members', 'members -> branches', 'titles -> authors',
    ]);
    // SQL*Plus lines skipped; PL/SQL procedure, synonym and partitioning are action items
    expect(r.skipped.filter((s) => s.reason.startsWith('SQL*Plus')).length).toBeGreaterThanOrEqual(5);
    expect(r.action_items.map((a) => a.category)).toEqual(expect.arrayContaining(['procedure', 'synonym', 'partitioning']));
    await q(`INSERT INTO branches (branch_id, branch_name) VALUES (10, 'Central');
      INSERT INTO members (first_name, last_name, email, home_branch_id) VALUES ('Ada', 'King', 'ada@example.org', 10);
      INSERT INTO authors (author_name) VALUES ('M. Shelley');
      INSERT INTO titles (isbn, title, author_id, pages) VALUES ('9780000000001', 'Frankenstein', 1, 280);
      INSERT INTO copies (isbn, branch_id) VALUES ('9780000000001', 10);
      INSERT INTO loans (copy_id, member_id, due_on) VALUES (1, 1000, DATE '2030-01-01')`);
    // identity START WITH 1000; trigger-filled keys start at their sequences' START WITH 1; virtual column; defaults
    expect(await q('SELECT m.member_id::int AS m, a.author_id::int AS a, c.copy_id::int AS c, m.full_name, m.status, c.condition FROM members m, authors a, copies c'))
      .toEqual([{ m: 1000, a: 1, c: 1, full_name: 'Ada King', status: 'A', condition: 'GOOD' }]);
    expect(await q('SELECT loan_id::int AS id FROM overdue_loans')).toEqual([{ id: 1 }]);
    await rejects(q, "INSERT INTO copies (isbn, branch_id, condition) VALUES ('9780000000001', 10, 'torn')", /copy_cond_ck/);
    expect(await q("SELECT nextval('branches_seq')::int AS n")).toEqual([{ n: 10 }]);
    expect(await q("SELECT col_description('branches'::regclass, 4) AS d")).toEqual([{ d: 'Day the branch first opened its doors.' }]);
  });
});
