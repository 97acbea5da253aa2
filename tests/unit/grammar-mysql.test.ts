import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertSchema, type ConversionResult } from '../../src/migration/convert/index.js';

/**
 * One test per clause of docs/grammar/mysql.md. Each converts a small MySQL 8 script, loads the
 * output into PostgreSQL (PGlite, a fresh schema per test) with zero errors, and checks the
 * clause's effect on values: catalog types, constraints that accept or refuse rows, action items.
 * Expected values come from the MySQL 8.0 Reference Manual ("MySQL 8 ref") or the PostgreSQL docs.
 */
let pg: PGlite;

beforeAll(async () => {
  pg = new PGlite();
  await pg.waitReady;
});

afterAll(async () => {
  await pg.close();
});

async function load(ddl: string, from = 'mysql'): Promise<ConversionResult> {
  const r = convertSchema(ddl, from);
  expect(r.unparsed, 'every statement parses').toEqual([]);
  await pg.exec('DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public; SET search_path TO public;');
  await pg.exec(r.ddl);
  return r;
}

async function rows<T = Record<string, unknown>>(sql: string): Promise<T[]> {
  return (await pg.query<T>(sql)).rows;
}

async function one<T = unknown>(sql: string): Promise<T> {
  const r = await rows<Record<string, T>>(sql);
  return Object.values(r[0] ?? {})[0] as T;
}

/** format_type of each column: what PostgreSQL says the type is. */
async function types(table: string): Promise<Record<string, string>> {
  const list = await rows<{ attname: string; t: string }>(
    `SELECT attname, format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = '${table}'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
  );
  return Object.fromEntries(list.map((c) => [c.attname, c.t]));
}

async function refuses(sql: string): Promise<boolean> {
  try {
    await pg.exec(sql);
    return false;
  } catch {
    return true;
  }
}

async function accepts(sql: string): Promise<boolean> {
  return !(await refuses(sql));
}

/** Constraint types on a table (p, u, f, c) with their definitions (NOT NULL, catalogued from PostgreSQL 18, left out). */
async function constraints(table: string): Promise<string[]> {
  const list = await rows<{ contype: string; def: string }>(
    `SELECT contype, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = '${table}'::regclass AND contype <> 'n' ORDER BY contype, def`,
  );
  return list.map((c) => `${c.contype} ${c.def}`);
}

const reasons = (r: ConversionResult) => r.action_items.map((a) => `${a.category}: ${a.reason}`);
const rules = (r: ConversionResult) => r.changes.map((c) => `${c.from} => ${c.rule}`);

// --------------------------------------------------------------------------------- column attributes

describe('column attributes (MySQL 8 ref, CREATE TABLE column_definition)', () => {
  it('NULL / NOT NULL: nullability carries over', async () => {
    await load('CREATE TABLE t (a INT NULL, b INT NOT NULL);');
    expect(await rows('SELECT column_name, is_nullable FROM information_schema.columns WHERE table_name = \'t\' ORDER BY 1')).toEqual([
      { column_name: 'a', is_nullable: 'YES' },
      { column_name: 'b', is_nullable: 'NO' },
    ]);
  });

  it.each([
    // MySQL 8 ref, Data Type Default Values: a literal, or an expression in parentheses (8.0.13+)
    ['literal', "a VARCHAR(5) DEFAULT 'x'", 'x'],
    ['quoted number', "a INT DEFAULT '7'", 7],
    ['expression in parentheses', 'a INT DEFAULT (1 + 2)', 3],
    ['NULL', 'a INT DEFAULT NULL', null],
  ])('DEFAULT %s: a row inserted without the column gets the default', async (_n, col, value) => {
    await load(`CREATE TABLE t (id INT, ${col});`);
    await pg.exec('INSERT INTO t (id) VALUES (1)');
    expect(await one('SELECT a FROM t')).toBe(value);
  });

  it('DEFAULT CURRENT_TIMESTAMP(n) ON UPDATE CURRENT_TIMESTAMP(n): now() on insert, and a trigger sets it on update', async () => {
    const r = await load('CREATE TABLE t (id INT, v INT, ts TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3));');
    await pg.exec("INSERT INTO t (id, v) VALUES (1, 1); UPDATE t SET ts = '2000-01-01' WHERE id = 1;");
    // MySQL 8 ref, Automatic Initialization and Updating for TIMESTAMP and DATETIME: an UPDATE that
    // sets the column keeps that value; one that changes another column sets the current time.
    expect(await one("SELECT ts < '2001-01-01' FROM t")).toBe(true);
    await pg.exec('UPDATE t SET v = 2');
    expect(await one("SELECT ts > '2001-01-01' FROM t")).toBe(true);
    expect((await types('t'))['ts']).toBe('timestamp(3) with time zone');
    expect(rules(r).some((x) => x.includes('on update current_timestamp -> trigger'))).toBe(true);
  });

  it('AUTO_INCREMENT: an identity column numbering from 1, or from the table AUTO_INCREMENT=n', async () => {
    await load('CREATE TABLE t (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, v INT) AUTO_INCREMENT=42;');
    await pg.exec('INSERT INTO t (v) VALUES (1), (2)');
    // MySQL 8 ref, table_options: AUTO_INCREMENT = the initial value for the table
    expect(await rows('SELECT id FROM t ORDER BY id')).toEqual([{ id: 42 }, { id: 43 }]);
    expect(await one("SELECT is_identity FROM information_schema.columns WHERE table_name = 't' AND column_name = 'id'")).toBe('YES');
  });

  it.each([
    ['UNIQUE', 'a INT UNIQUE', 'u UNIQUE (a)'],
    ['UNIQUE KEY', 'a INT UNIQUE KEY', 'u UNIQUE (a)'],
    ['PRIMARY KEY', 'a INT PRIMARY KEY', 'p PRIMARY KEY (a)'],
    // MySQL 8 ref: "KEY ... can also be specified as just KEY when given in a column definition" (= PRIMARY KEY)
    ['KEY', 'a INT KEY', 'p PRIMARY KEY (a)'],
  ])('%s on a column: the matching constraint', async (_n, col, want) => {
    await load(`CREATE TABLE t (${col});`);
    expect(await constraints('t')).toEqual([want]);
    await pg.exec('INSERT INTO t VALUES (1)');
    expect(await refuses('INSERT INTO t VALUES (1)')).toBe(true);
  });

  it('COMMENT: COMMENT ON COLUMN', async () => {
    await load("CREATE TABLE t (a INT COMMENT 'the a');");
    expect(await one("SELECT col_description('t'::regclass, 1)")).toBe('the a');
  });

  it.each([
    ['COLLATE', 'a VARCHAR(10) COLLATE utf8mb4_bin'],
    ['CHARACTER SET', 'a VARCHAR(10) CHARACTER SET latin1'],
    ['CHARSET', 'a VARCHAR(10) CHARSET utf8mb4 COLLATE utf8mb4_unicode_ci'],
    ['ASCII (= CHARACTER SET latin1)', 'a VARCHAR(10) ASCII'],
    ['UNICODE (= CHARACTER SET ucs2)', 'a VARCHAR(10) UNICODE'],
  ])('%s: the type stays, the character set / collation is reported as dropped', async (_n, col) => {
    const r = await load(`CREATE TABLE t (${col});`);
    expect((await types('t'))['a']).toBe('character varying(10)');
    expect(r.changes.find((c) => c.rule === 'column character sets and collations dropped')?.from).toMatch(/^a (CHARACTER SET|COLLATE)/);
  });

  it('BINARY after a character type: parsed as the _bin collation; the table, its keys and the views on it survive', async () => {
    // MySQL 8 ref, String Data Type Syntax: BINARY is shorthand for the binary (_bin) collation of the column's character set.
    const r = await load(`CREATE TABLE staff (id INT PRIMARY KEY, password VARCHAR(40) BINARY DEFAULT NULL, code CHAR(3) BINARY NOT NULL UNIQUE);
CREATE TABLE shift (id INT PRIMARY KEY, staff_id INT, CONSTRAINT fk_shift_staff FOREIGN KEY (staff_id) REFERENCES staff (id));
CREATE VIEW staff_codes AS SELECT s.id, s.code FROM staff s;`);
    expect(await types('staff')).toEqual({ id: 'integer', password: 'character varying(40)', code: 'character(3)' });
    expect(await one("SELECT count(*)::int FROM pg_constraint WHERE conname = 'fk_shift_staff'")).toBe(1);
    expect(await one("SELECT count(*)::int FROM pg_views WHERE viewname = 'staff_codes'")).toBe(1);
    // a _bin collation compares bytes, so 'ABC' and 'abc' are two values: no case-insensitivity action item for the unique key
    await pg.exec("INSERT INTO staff VALUES (1, NULL, 'ABC'), (2, NULL, 'abc')");
    expect(reasons(r).filter((x) => x.startsWith('collation'))).toEqual([]);
    expect(r.changes.filter((c) => c.from === 'BINARY').map((c) => c.object)).toEqual(['staff.password', 'staff.code']);
  });

  it('CHAR BYTE is the BINARY type (MySQL 8 ref, String Data Type Syntax)', async () => {
    await load('CREATE TABLE t (a CHAR(4) BYTE);');
    expect((await types('t'))['a']).toBe('bytea');
  });

  it.each([
    ['VISIBLE', 'VISIBLE'],
    ['INVISIBLE', 'INVISIBLE'],
    ['COLUMN_FORMAT FIXED', 'COLUMN_FORMAT FIXED'],
    ['COLUMN_FORMAT DYNAMIC', 'COLUMN_FORMAT DYNAMIC'],
    ['COLUMN_FORMAT DEFAULT', 'COLUMN_FORMAT DEFAULT'],
    ['STORAGE DISK', 'STORAGE DISK'],
    ['STORAGE MEMORY', 'STORAGE MEMORY'],
    ['SRID 4326', 'SRID 4326'],
  ])('%s: the column is created and the option is reported as dropped', async (_n, attr) => {
    const r = await load(`CREATE TABLE t (id INT, ${attr.startsWith('SRID') ? 'a POINT' : 'a INT'} ${attr} NOT NULL);`);
    expect(Object.keys(await types('t'))).toEqual(['id', 'a']);
    expect(r.changes.find((c) => c.object === 't.a' && c.rule === 'column options without a PostgreSQL equivalent dropped')?.from).toBe(attr);
  });

  it('SRID inside a versioned comment /*!80003 SRID 0 */ (as mysqldump writes it)', async () => {
    const r = await load('CREATE TABLE t (g GEOMETRY NOT NULL /*!80003 SRID 0 */, p POINT NOT NULL /*!80003 SRID 0 */);');
    expect(await types('t')).toEqual({ g: 'bytea', p: 'point' });
    expect(r.changes.filter((c) => c.from === 'SRID 0').map((c) => c.object)).toEqual(['t.g', 't.p']);
  });

  it.each([
    ['GENERATED ALWAYS AS (expr) VIRTUAL', 'b INT GENERATED ALWAYS AS (a * 2) VIRTUAL'],
    ['GENERATED ALWAYS AS (expr) STORED', 'b INT GENERATED ALWAYS AS (a * 2) STORED'],
    ['AS (expr)', 'b INT AS (a * 2)'],
    ['AS (expr) STORED NOT NULL COMMENT', "b INT AS (a * 2) STORED NOT NULL COMMENT 'twice'"],
  ])('%s: a stored generated column computing the value', async (_n, col) => {
    await load(`CREATE TABLE t (a INT, ${col});`);
    await pg.exec('INSERT INTO t (a) VALUES (21)');
    expect(await one('SELECT b FROM t')).toBe(42);
    // PostgreSQL docs, Generated Columns: attgenerated 's' is a stored generated column
    expect(await one("SELECT attgenerated FROM pg_attribute WHERE attrelid = 't'::regclass AND attname = 'b'")).toBe('s');
  });

  it('CHECK (...) [NOT] ENFORCED: enforced checks refuse rows; NOT ENFORCED ones are action items, not created', async () => {
    // MySQL 8 ref, CHECK Constraints: NOT ENFORCED creates the constraint without enforcing it
    const r = await load('CREATE TABLE t (a INT CHECK (a > 0), b INT CHECK (b < 5) NOT ENFORCED, c INT CONSTRAINT c_ne_1 CHECK (c <> 1) ENFORCED);');
    expect(await constraints('t')).toEqual(['c CHECK ((a > 0))', 'c CHECK ((c <> 1))']);
    expect(await refuses('INSERT INTO t (a) VALUES (0)')).toBe(true);
    expect(await accepts('INSERT INTO t (a, b) VALUES (1, 10)')).toBe(true);
    expect(reasons(r)).toContain('check: CHECK constraint is disabled/not enforced in the source; it was not created');
  });

  it('REFERENCES on a column: MySQL parses and ignores it, so it is an action item (MariaDB creates the key)', async () => {
    // MySQL 8 ref, FOREIGN KEY Constraints: inline REFERENCES specifications in a column definition are parsed and ignored
    const ddl = 'CREATE TABLE p (id INT PRIMARY KEY);\nCREATE TABLE c (pid INT REFERENCES p (id));';
    const r = await load(ddl);
    expect(await constraints('c')).toEqual([]);
    expect(reasons(r)).toContain('constraint: inline REFERENCES on column pid: MySQL parses and ignores it, so the source has no such foreign key and its data may violate it; it was not created');
    await load(ddl, 'mariadb');
    expect(await constraints('c')).toEqual(['f FOREIGN KEY (pid) REFERENCES p(id)']);
  });
});

// ------------------------------------------------------------------------------------------ types

describe('data types (MySQL 8 ref, Data Types)', () => {
  it.each([
    // ranges from MySQL 8 ref, Integer Types: the PostgreSQL type is the smallest that holds the range
    ['TINYINT', 'smallint', false],
    ['TINYINT UNSIGNED', 'smallint', true],
    ['SMALLINT', 'smallint', false],
    ['SMALLINT UNSIGNED', 'integer', true],
    ['MEDIUMINT', 'integer', false],
    ['MEDIUMINT UNSIGNED', 'integer', true],
    ['INT', 'integer', false],
    ['INT SIGNED', 'integer', false],
    ['INT(11) UNSIGNED', 'bigint', true],
    ['INTEGER UNSIGNED ZEROFILL', 'bigint', true],
    ['INT ZEROFILL', 'bigint', true], // ZEROFILL implies UNSIGNED
    ['BIGINT', 'bigint', false],
    ['BIGINT(20) UNSIGNED', 'numeric(20,0)', true],
    ['DECIMAL(10,2) UNSIGNED', 'numeric(10,2)', true],
    ['DECIMAL', 'numeric(10,0)', false], // MySQL 8 ref, Fixed-Point Types: M defaults to 10, D to 0
    ['FLOAT UNSIGNED', 'real', true],
    ['DOUBLE(8,2) UNSIGNED ZEROFILL', 'double precision', true],
  ])('%s -> %s; UNSIGNED keeps "never negative" as CHECK (a >= 0): %s', async (type, pgType, unsigned) => {
    const r = await load(`CREATE TABLE t (a ${type});`);
    expect((await types('t'))['a']).toBe(pgType);
    // PostgreSQL prints the 0 with a cast to the column's type when it is not an integer type
    expect((await constraints('t')).map((c) => c.replace(/\(0\)::[a-z ]+/, '0'))).toEqual(unsigned ? ['c CHECK ((a >= 0))'] : []);
    expect(await refuses('INSERT INTO t VALUES (-1)')).toBe(unsigned);
    if (unsigned) expect(rules(r)).toContain('UNSIGNED => UNSIGNED -> CHECK (column >= 0): PostgreSQL has no unsigned types, the check keeps out negative values');
  });

  it('INT UNSIGNED holds its whole range, 0 to 4294967295', async () => {
    await load('CREATE TABLE t (a INT UNSIGNED);');
    expect(await accepts('INSERT INTO t VALUES (4294967295), (0)')).toBe(true);
  });

  it.each([
    ['BIT(1)', 'boolean'],
    ['BIT', 'boolean'], // MySQL 8 ref, Bit-Value Type: M defaults to 1
    ['BIT(8)', 'bit varying(8)'],
    ['BOOL', 'boolean'],
    ['BOOLEAN', 'boolean'],
    ['TINYINT(1)', 'boolean'],
    ['FLOAT', 'real'],
    ['FLOAT(30)', 'double precision'], // FLOAT(p): p > 24 is DOUBLE
    ['DOUBLE', 'double precision'],
    ['REAL', 'double precision'], // REAL is DOUBLE unless REAL_AS_FLOAT
    ['DEC(5,2)', 'numeric(5,2)'],
    ['FIXED(5,2)', 'numeric(5,2)'],
    ['NUMERIC(7,3)', 'numeric(7,3)'],
    ['DATE', 'date'],
    ['TIME(6)', 'time(6) without time zone'],
    ['DATETIME(3)', 'timestamp(3) with time zone'],
    ['TIMESTAMP', 'timestamp with time zone'],
    ['CHAR(3)', 'character(3)'],
    ['NCHAR(3)', 'character(3)'], // NATIONAL CHAR uses utf8: still characters
    ['NATIONAL CHAR(2)', 'character(2)'],
    ['NATIONAL VARCHAR(10)', 'character varying(10)'],
    ['NVARCHAR(10)', 'character varying(10)'],
    ['VARCHAR(255)', 'character varying(255)'],
    ['LONG VARCHAR', 'text'], // MySQL 8 ref: LONG and LONG VARCHAR map to MEDIUMTEXT
    ['LONG', 'text'],
    ['TINYTEXT', 'text'],
    ['TEXT(100)', 'text'],
    ['MEDIUMTEXT', 'text'],
    ['LONGTEXT', 'text'],
    ['BINARY(16)', 'bytea'],
    ['VARBINARY(20)', 'bytea'],
    ['TINYBLOB', 'bytea'],
    ['BLOB', 'bytea'],
    ['MEDIUMBLOB', 'bytea'],
    ['LONGBLOB', 'bytea'],
    ['JSON', 'jsonb'],
    ['POINT', 'point'],
    ['POLYGON', 'polygon'],
    ['LINESTRING', 'path'],
  ])('%s -> %s', async (type, pgType) => {
    await load(`CREATE TABLE t (a ${type});`);
    expect((await types('t'))['a']).toBe(pgType);
  });

  it.each(['GEOMETRY', 'MULTIPOINT', 'MULTILINESTRING', 'MULTIPOLYGON', 'GEOMETRYCOLLECTION', 'GEOMCOLLECTION'])('%s: bytea placeholder and a PostGIS action item', async (type) => {
    const r = await load(`CREATE TABLE t (a ${type});`);
    expect((await types('t'))['a']).toBe('bytea');
    expect(reasons(r)).toContain(`spatial: spatial type ${type} needs PostGIS; the column was created as bytea (WKB) so the script loads`);
  });

  it('SERIAL: BIGINT UNSIGNED NOT NULL AUTO_INCREMENT UNIQUE (MySQL 8 ref, Numeric Data Type Syntax)', async () => {
    await load('CREATE TABLE t (id SERIAL, v INT);');
    expect((await types('t'))['id']).toBe('bigint');
    expect(await constraints('t')).toEqual(['c CHECK ((id >= 0))', 'u UNIQUE (id)']);
    expect(await one("SELECT is_identity || is_nullable FROM information_schema.columns WHERE table_name = 't' AND column_name = 'id'")).toBe('YESNO');
    await pg.exec('INSERT INTO t (v) VALUES (1)');
    expect(await one('SELECT id::int FROM t')).toBe(1);
  });

  it('YEAR: integer kept to 1901..2155 or 0 (MySQL 8 ref, The YEAR Type)', async () => {
    await load('CREATE TABLE t (y YEAR, y4 YEAR(4) DEFAULT 2020);');
    expect((await types('t'))['y']).toBe('integer');
    expect(await accepts('INSERT INTO t (y) VALUES (1901), (2155), (0)')).toBe(true);
    expect(await refuses('INSERT INTO t (y) VALUES (1900)')).toBe(true);
    expect(await refuses('INSERT INTO t (y4) VALUES (2156)')).toBe(true);
  });

  it('ENUM and SET with CHARACTER SET / COLLATE: an enum type and an array of one', async () => {
    await load("CREATE TABLE t (e ENUM('x','y') CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT 'x', s SET('a','b') CHARSET latin1 DEFAULT 'a,b');");
    expect(await types('t')).toEqual({ e: 't_e', s: 't_s[]' });
    expect(await one("SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder) FROM pg_enum WHERE enumtypid = 't_e'::regtype")).toBe('x,y');
    await pg.exec('INSERT INTO t DEFAULT VALUES');
    expect(await rows('SELECT e::text, s::text FROM t')).toEqual([{ e: 'x', s: '{a,b}' }]);
    expect(await refuses("INSERT INTO t (e) VALUES ('z')")).toBe(true);
  });
});

// ----------------------------------------------------------------------------------- table level

describe('table-level definitions (MySQL 8 ref, CREATE TABLE create_definition)', () => {
  it('CONSTRAINT name PRIMARY KEY / UNIQUE / FOREIGN KEY / CHECK keep their names where PostgreSQL scopes them', async () => {
    await load(`CREATE TABLE p (id INT, CONSTRAINT pk_p PRIMARY KEY (id));
CREATE TABLE c (id INT, pid INT, code INT,
  CONSTRAINT uq_code UNIQUE KEY (code),
  CONSTRAINT fk_c_p FOREIGN KEY (pid) REFERENCES p (id) ON DELETE CASCADE ON UPDATE SET NULL,
  CONSTRAINT ck_code CHECK (code > 0));`);
    expect(await rows("SELECT conname, contype FROM pg_constraint WHERE conrelid = 'c'::regclass ORDER BY conname")).toEqual([
      { conname: 'c_uq_code', contype: 'u' }, // index-backed names are per table in MySQL, per schema in PostgreSQL: prefixed
      { conname: 'ck_code', contype: 'c' },
      { conname: 'fk_c_p', contype: 'f' },
    ]);
    expect(await rows("SELECT delete_rule, update_rule FROM information_schema.referential_constraints WHERE constraint_name = 'fk_c_p'")).toEqual([
      { delete_rule: 'CASCADE', update_rule: 'SET NULL' },
    ]);
  });

  it('FOREIGN KEY [index_name] (...) REFERENCES ... MATCH FULL: the key, MATCH reported', async () => {
    const r = await load('CREATE TABLE p (id INT PRIMARY KEY);\nCREATE TABLE c (pid INT, FOREIGN KEY fk_named (pid) REFERENCES p (id) MATCH FULL ON DELETE RESTRICT);');
    expect(await constraints('c')).toEqual(['f FOREIGN KEY (pid) REFERENCES p(id) ON DELETE RESTRICT']);
    expect(r.changes.some((c) => c.from.includes('MATCH FULL'))).toBe(true);
  });

  it.each([
    ['KEY k (a) USING BTREE', 'CREATE INDEX t_k ON public.t USING btree (a)'],
    ['INDEX k USING HASH (a)', 'CREATE INDEX t_k ON public.t USING btree (a)'],
    ['KEY k (a DESC, b ASC)', 'CREATE INDEX t_k ON public.t USING btree (a DESC, b)'],
    ['KEY k (s(10))', 'CREATE INDEX t_k ON public.t USING btree (s)'], // prefix: PostgreSQL indexes the whole value
    ['KEY k ((a + b))', 'CREATE INDEX t_k ON public.t USING btree (((a + b)))'], // functional key part (8.0.13+)
    ["KEY k (a) KEY_BLOCK_SIZE=8 COMMENT 'c' INVISIBLE", 'CREATE INDEX t_k ON public.t USING btree (a)'],
    ['KEY k (a) VISIBLE', 'CREATE INDEX t_k ON public.t USING btree (a)'],
  ])('%s', async (def, want) => {
    const r = await load(`CREATE TABLE t (a INT, b INT, s VARCHAR(100), ${def});`);
    expect(await one("SELECT indexdef FROM pg_indexes WHERE tablename = 't'")).toBe(want);
    if (/HASH|s\(10\)|KEY_BLOCK|VISIBLE/.test(def)) expect(r.changes.filter((c) => c.object.startsWith('t')).length).toBeGreaterThan(0);
  });

  it('FULLTEXT KEY ... WITH PARSER: an action item recommending a GIN index on to_tsvector', async () => {
    const r = await load('CREATE TABLE t (id INT PRIMARY KEY, title VARCHAR(100), body TEXT, FULLTEXT KEY ft (title, body) WITH PARSER ngram);');
    const item = r.action_items.find((a) => a.category === 'full_text_search')!;
    expect(item.recommended_action).toContain("USING GIN (to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(body, '')))");
    // the recommendation runs as written
    await pg.exec(item.recommended_action.split(';')[0]!);
  });

  it('SPATIAL KEY: a GiST index on a built-in geometric column, an action item on a PostGIS placeholder', async () => {
    const r = await load('CREATE TABLE t (p POINT NOT NULL, g GEOMETRY NOT NULL, SPATIAL KEY sp (p), SPATIAL INDEX sg (g));');
    expect(await one("SELECT indexdef FROM pg_indexes WHERE tablename = 't'")).toBe('CREATE INDEX t_sp ON public.t USING gist (p)');
    expect(reasons(r)).toContain('spatial: SPATIAL index on a column without a built-in geometric type');
  });

  it('table options: ENGINE, charset, ROW_FORMAT, STATS_* ... reported as dropped; COMMENT -> COMMENT ON TABLE', async () => {
    const r = await load(`CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY) ENGINE=InnoDB AUTO_INCREMENT=7 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci
 COMMENT='my table' ROW_FORMAT=DYNAMIC STATS_PERSISTENT=1 STATS_AUTO_RECALC=DEFAULT STATS_SAMPLE_PAGES=10 KEY_BLOCK_SIZE=8 PACK_KEYS=0
 CHECKSUM=1 DELAY_KEY_WRITE=1 MAX_ROWS=100 MIN_ROWS=1 AVG_ROW_LENGTH=10 COMPRESSION='zlib' ENCRYPTION='N' TABLESPACE ts1 STORAGE DISK;`);
    expect(await one("SELECT obj_description('t'::regclass, 'pg_class')")).toBe('my table');
    expect(await one("SELECT identity_start FROM information_schema.columns WHERE table_name = 't' AND column_name = 'id'")).toBe('7');
    const dropped = r.changes.find((c) => c.rule.startsWith('table options dropped'))!.from;
    for (const o of ['ENGINE=InnoDB', 'ROW_FORMAT=DYNAMIC', 'STATS_PERSISTENT=1', 'COMPRESSION=\'zlib\'', 'TABLESPACE ts1']) expect(dropped).toContain(o);
  });

  it.each([
    // PostgreSQL docs, Table Partitioning: declarative RANGE / LIST / HASH partitioning
    ['RANGE (a)', '(PARTITION p0 VALUES LESS THAN (10), PARTITION p1 VALUES LESS THAN MAXVALUE)', 'r', ['FOR VALUES FROM (MINVALUE) TO (10)', 'FOR VALUES FROM (10) TO (MAXVALUE)']],
    ['RANGE COLUMNS (a, s)', "(PARTITION p0 VALUES LESS THAN (10, 'm'), PARTITION p1 VALUES LESS THAN (MAXVALUE, MAXVALUE))", 'r', ["FOR VALUES FROM (MINVALUE, MINVALUE) TO (10, 'm')", "FOR VALUES FROM (10, 'm') TO (MAXVALUE, MAXVALUE)"]],
    ['LIST (a)', '(PARTITION p0 VALUES IN (1, 2), PARTITION p1 VALUES IN (3, NULL))', 'l', ['FOR VALUES IN (1, 2)', 'FOR VALUES IN (3, NULL)']],
    ['HASH (a)', 'PARTITIONS 3', 'h', [0, 1, 2].map((i) => `FOR VALUES WITH (modulus 3, remainder ${i})`)],
    ['LINEAR KEY ALGORITHM=2 (a)', 'PARTITIONS 2', 'h', [0, 1].map((i) => `FOR VALUES WITH (modulus 2, remainder ${i})`)],
    ['KEY ()', 'PARTITIONS 2', 'h', [0, 1].map((i) => `FOR VALUES WITH (modulus 2, remainder ${i})`)], // KEY () uses the primary key
  ])('PARTITION BY %s %s -> declarative partitioning', async (by, rest, strategy, bounds) => {
    await load(`CREATE TABLE t (a INT NOT NULL, s VARCHAR(5) NOT NULL, PRIMARY KEY (a, s)) ENGINE=InnoDB PARTITION BY ${by} ${rest};`);
    expect(await one("SELECT partstrat FROM pg_partitioned_table WHERE partrelid = 't'::regclass")).toBe(strategy);
    expect(await rows("SELECT pg_get_expr(c.relpartbound, c.oid) AS b FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 't'::regclass ORDER BY 1"))
      .toEqual([...bounds].sort().map((b) => ({ b })));
  });

  it.each([
    ['an expression key', 'PARTITION BY RANGE (YEAR(d)) (PARTITION p0 VALUES LESS THAN (2000))', 'the partition key is an expression'],
    ['an AUTO_INCREMENT column', 'PARTITION BY HASH (id) PARTITIONS 2', 'identity (AUTO_INCREMENT) columns'],
    ['sub-partitions', 'PARTITION BY RANGE (id) SUBPARTITION BY HASH (id) SUBPARTITIONS 2 (PARTITION p0 VALUES LESS THAN (10))', 'SUBPARTITION BY'],
  ])('PARTITION BY with %s: created unpartitioned, with an action item', async (_n, clause, why) => {
    const r = await load(`CREATE TABLE t (id INT NOT NULL ${why.startsWith('identity') ? 'AUTO_INCREMENT ' : ''}PRIMARY KEY, d DATE NOT NULL) ${clause};`);
    expect(await one("SELECT relkind FROM pg_class WHERE relname = 't'")).toBe('r');
    const item = r.action_items.find((a) => a.category === 'partitioning')!;
    expect(item.reason).toContain('partitioned table: PARTITION BY');
    expect([item.reason, ...rules(r)].join('\n')).toContain(why);
  });

  it('CREATE TABLE ... LIKE, IF NOT EXISTS, TEMPORARY, AS SELECT', async () => {
    const r = await load(`CREATE TABLE a (id INT PRIMARY KEY, x VARCHAR(5));
CREATE TABLE IF NOT EXISTS b LIKE a;
CREATE TABLE c (LIKE a);
CREATE TEMPORARY TABLE tmp (x INT);
CREATE TABLE d AS SELECT * FROM a;`);
    expect(await types('b')).toEqual({ id: 'integer', x: 'character varying(5)' });
    expect(await types('c')).toEqual({ id: 'integer', x: 'character varying(5)' });
    expect(await types('tmp')).toEqual({ x: 'integer' });
    expect(reasons(r)).toContain('table: TEMPORARY table: PostgreSQL temporary tables exist per session and are not part of the schema');
    expect(reasons(r)).toContain('table: CREATE TABLE ... AS SELECT: the query has to be converted and its column types checked');
  });
});

// ----------------------------------------------------------------------------- other statements

describe('other statements', () => {
  it('CREATE [UNIQUE|FULLTEXT] INDEX ... USING ... with ALGORITHM / LOCK options', async () => {
    const r = await load(`CREATE TABLE t (id INT PRIMARY KEY, a VARCHAR(10), b INT);
CREATE INDEX i1 ON t (a(5));
CREATE UNIQUE INDEX i2 USING BTREE ON t (b DESC) COMMENT 'x' ALGORITHM=INPLACE LOCK=NONE;
CREATE FULLTEXT INDEX i3 ON t (a);
CREATE INDEX i4 ON t ((b * 2));`);
    expect(await rows("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 't' AND indexname <> 't_pkey' ORDER BY 1")).toEqual([
      { indexname: 't_i1', indexdef: 'CREATE INDEX t_i1 ON public.t USING btree (a)' },
      { indexname: 't_i2', indexdef: 'CREATE UNIQUE INDEX t_i2 ON public.t USING btree (b DESC)' },
      { indexname: 't_i4', indexdef: 'CREATE INDEX t_i4 ON public.t USING btree (((b * 2)))' },
    ]);
    expect(r.action_items.map((a) => a.category)).toContain('full_text_search');
  });

  it('ALTER TABLE ADD COLUMN / INDEX / CONSTRAINT / FOREIGN KEY, MODIFY, CHANGE, ALTER COLUMN SET DEFAULT, DISABLE/ENABLE KEYS', async () => {
    const r = await load(`CREATE TABLE p (id INT PRIMARY KEY);
CREATE TABLE t (id INT PRIMARY KEY, a VARCHAR(10), b INT);
ALTER TABLE t ADD COLUMN c INT NOT NULL DEFAULT 0 AFTER a, ADD INDEX ix (b), ADD CONSTRAINT fk FOREIGN KEY (b) REFERENCES p (id), ADD UNIQUE KEY u (a);
ALTER TABLE t MODIFY COLUMN a VARCHAR(20) NOT NULL;
ALTER TABLE t CHANGE COLUMN b bb INT NOT NULL;
ALTER TABLE t ALTER COLUMN c SET DEFAULT 5;
ALTER TABLE t DISABLE KEYS;
ALTER TABLE t ENABLE KEYS;`);
    // MySQL 8 ref, ALTER TABLE: ADD COLUMN ... AFTER only places the column; MODIFY and CHANGE restate the whole column
    expect(await types('t')).toEqual({ id: 'integer', a: 'character varying(20)', bb: 'integer', c: 'integer' });
    expect(await rows("SELECT column_name, is_nullable FROM information_schema.columns WHERE table_name = 't' AND column_name IN ('a', 'bb') ORDER BY 1")).toEqual([
      { column_name: 'a', is_nullable: 'NO' },
      { column_name: 'bb', is_nullable: 'NO' },
    ]);
    expect(await one("SELECT column_default FROM information_schema.columns WHERE table_name = 't' AND column_name = 'c'")).toBe('5');
    expect(await constraints('t')).toEqual(['f FOREIGN KEY (bb) REFERENCES p(id)', 'p PRIMARY KEY (id)', 'u UNIQUE (a)']);
    expect(await one("SELECT indexdef FROM pg_indexes WHERE indexname = 't_ix'")).toBe('CREATE INDEX t_ix ON public.t USING btree (bb)');
    // MySQL 8 ref, ALTER TABLE: DISABLE/ENABLE KEYS only affect how nonunique indexes are maintained during a load
    expect(r.skipped.filter((s) => /KEYS/.test(s.statement)).map((s) => s.reason)).toEqual([
      'MySQL DISABLE/ENABLE KEYS only speeds up a data load', 'MySQL DISABLE/ENABLE KEYS only speeds up a data load',
    ]);
  });

  it('ALTER TABLE DROP COLUMN / INDEX / FOREIGN KEY / PRIMARY KEY / CHECK, RENAME COLUMN, RENAME TO and RENAME TABLE: the final shape is created', async () => {
    const r = await load(`CREATE TABLE p (id INT PRIMARY KEY);
CREATE TABLE t (id INT, a VARCHAR(10), b INT, gone INT, CONSTRAINT pk_t PRIMARY KEY (id), KEY ix (b), CONSTRAINT fk FOREIGN KEY (b) REFERENCES p (id), CONSTRAINT ck CHECK (b > 0));
ALTER TABLE t DROP COLUMN gone, DROP INDEX ix, DROP FOREIGN KEY fk;
ALTER TABLE t DROP PRIMARY KEY, DROP CHECK ck;
ALTER TABLE t RENAME COLUMN a TO title;
ALTER TABLE t RENAME TO t2;
RENAME TABLE t2 TO item;
ALTER TABLE item ADD INDEX ix2 (title);`);
    expect(await types('item')).toEqual({ id: 'integer', title: 'character varying(10)', b: 'integer' });
    expect(await constraints('item')).toEqual([]);
    expect(await one("SELECT string_agg(indexdef, '; ') FROM pg_indexes WHERE tablename = 'item'")).toBe('CREATE INDEX item_ix2 ON public.item USING btree (title)');
    expect(await one("SELECT count(*)::int FROM pg_class WHERE relname IN ('t', 't2')")).toBe(0);
    expect(r.action_items).toEqual([]);
  });

  it('ALTER TABLE ALGORITHM= / LOCK= / ALTER INDEX ... INVISIBLE are notes; ADD PARTITION, DROP PARTITION, RENAME INDEX are action items', async () => {
    const r = await load(`CREATE TABLE t (id INT NOT NULL, a INT, KEY ix (a)) PARTITION BY RANGE (id) (PARTITION p0 VALUES LESS THAN (10));
ALTER TABLE t ALGORITHM=INPLACE, LOCK=NONE, ADD COLUMN b INT FIRST;
ALTER TABLE t ALTER INDEX ix INVISIBLE;
ALTER TABLE t ADD PARTITION (PARTITION p1 VALUES LESS THAN (20));
ALTER TABLE t DROP PARTITION p0;
ALTER TABLE t RENAME INDEX ix TO ix2;`);
    expect(await types('t')).toEqual({ id: 'integer', a: 'integer', b: 'integer' });
    expect(r.changes.filter((c) => c.rule === 'table options dropped').map((c) => c.from)).toEqual(['ALGORITHM=INPLACE', 'LOCK=NONE', 'ALTER INDEX ix INVISIBLE']);
    // MySQL 8 ref, ALTER TABLE: FIRST makes the column the table's first; the table is written whole in that order
    expect(r.changes.find((c) => c.object === 't.b' && c.rule === 'column position kept: the table is created with its final column order')?.from).toBe('FIRST');
    expect(reasons(r)).toEqual([
      'alter: ALTER TABLE clause not converted: ADD PARTITION (PARTITION p1 VALUES LESS THAN (20))',
      'alter: ALTER TABLE clause not converted: DROP PARTITION p0',
      'alter: ALTER TABLE clause not converted: RENAME INDEX ix TO ix2',
    ]);
  });

  it.each([
    ['trigger', 'DELIMITER ;;\nCREATE DEFINER=`root`@`localhost` TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN\n  SET NEW.a = 1;\nEND ;;\nDELIMITER ;', 'SET NEW.a = 1;'],
    ['procedure', 'DELIMITER $$\nCREATE PROCEDURE pr(IN x INT)\nBEGIN\n  SELECT x; SELECT x + 1;\nEND$$\nDELIMITER ;', 'SELECT x + 1;'],
    ['function', 'DELIMITER //\nCREATE FUNCTION fn(x INT) RETURNS INT DETERMINISTIC\nBEGIN\n  RETURN x * 2;\nEND //\nDELIMITER ;', 'RETURN x * 2;'],
    ['event', 'DELIMITER ;;\nCREATE EVENT ev ON SCHEDULE EVERY 1 DAY DO BEGIN\n  DELETE FROM t WHERE a < 0;\nEND ;;\nDELIMITER ;', 'DELETE FROM t WHERE a < 0;'],
  ])('CREATE %s in a DELIMITER block: an action item that keeps the body for a person', async (kind, block, bodyLine) => {
    const r = await load(`CREATE TABLE t (a INT);\n${block}\nCREATE TABLE after_block (b INT);`);
    const item = r.action_items.find((a) => a.category === kind)!;
    expect(item.statement).toContain(bodyLine);
    // the statement after the block still converts: the delimiter was followed, and reset
    expect(await types('after_block')).toEqual({ b: 'integer' });
  });

  it('CREATE VIEW with ALGORITHM / DEFINER / SQL SECURITY / WITH CHECK OPTION', async () => {
    const r = await load(`CREATE TABLE t (id INT PRIMARY KEY, a INT);
CREATE OR REPLACE ALGORITHM=MERGE DEFINER=\`root\`@\`localhost\` SQL SECURITY DEFINER VIEW v1 AS SELECT id, a FROM t WHERE a > 0 WITH CASCADED CHECK OPTION;
CREATE ALGORITHM=UNDEFINED DEFINER=CURRENT_USER SQL SECURITY INVOKER VIEW v2 AS SELECT id FROM t WITH LOCAL CHECK OPTION;`);
    expect(await rows("SELECT table_name, check_option FROM information_schema.views WHERE table_schema = 'public' ORDER BY 1")).toEqual([
      { table_name: 'v1', check_option: 'CASCADED' },
      { table_name: 'v2', check_option: 'LOCAL' },
    ]);
    // PostgreSQL 15+ CREATE VIEW: security_invoker runs the view with the caller's rights, as SQL SECURITY INVOKER does
    expect(await one("SELECT 'security_invoker=true' = ANY (reloptions) FROM pg_class WHERE relname = 'v2'")).toBe(true);
    expect(r.changes.find((c) => c.object === 'v1' && c.rule.startsWith('view options dropped'))?.from).toBe('ALGORITHM=MERGE DEFINER=`root`@`localhost` SQL SECURITY DEFINER');
    expect(await refuses('INSERT INTO v1 (id, a) VALUES (1, -1)')).toBe(true);
  });

  it('dump framing: versioned comments, SET @OLD_..., LOCK TABLES, USE, DROP TABLE IF EXISTS, CREATE DATABASE are skipped with reasons', async () => {
    const r = await load(`/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;
SET @OLD_SQL_MODE=@@SQL_MODE;
CREATE DATABASE /*!32312 IF NOT EXISTS*/ \`shop\` /*!40100 DEFAULT CHARACTER SET utf8mb4 */;
USE \`shop\`;
DROP TABLE IF EXISTS \`t\`;
CREATE TABLE \`t\` (\`id\` int NOT NULL, PRIMARY KEY (\`id\`)) ENGINE=InnoDB;
LOCK TABLES \`t\` WRITE;
/*!40000 ALTER TABLE \`t\` DISABLE KEYS */;
/*!40000 ALTER TABLE \`t\` ENABLE KEYS */;
UNLOCK TABLES;
/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;`);
    expect(await types('t')).toEqual({ id: 'integer' });
    expect(r.skipped).toHaveLength(11);
    const reasonOf = (start: string) => r.skipped.find((s) => s.statement.startsWith(start))?.reason;
    expect(reasonOf('USE')).toBe('database selection for the source client');
    expect(reasonOf('DROP TABLE')).toBe('DROP in the source script: the converted script creates every object fresh');
    expect(reasonOf('LOCK')).toBe('table locking around a data dump');
    expect(reasonOf('CREATE DATABASE')).toBe('database creation: create the PostgreSQL database separately');
    expect(reasonOf('SET @OLD_SQL_MODE')).toBe('session setting for the source client');
  });
});
