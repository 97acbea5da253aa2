import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertSchema, type ConversionResult } from '../../src/migration/convert/index.js';

/*
 * Data conversion (issue 17 part 3), one literal rule at a time: the converted INSERT text is
 * asserted, then the whole output is loaded into PostgreSQL (PGlite) and the value read back.
 */

let pg: PGlite;
beforeAll(async () => {
  pg = new PGlite();
  await pg.waitReady;
});
afterAll(async () => {
  await pg.close();
});

type From = 'mysql' | 'sqlserver' | 'oracle';

/** Converts, checks nothing was left out, loads into a fresh schema; returns the result. */
async function load(sql: string, from: From): Promise<ConversionResult> {
  const r = convertSchema(sql, from);
  expect(r.unparsed).toEqual([]);
  expect(r.action_items).toEqual([]);
  await pg.exec('DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public; SET search_path TO public;');
  await pg.exec(r.ddl);
  return r;
}

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  return (await pg.query<Record<string, unknown>>(sql)).rows;
}

/** The VALUES lines of the converted INSERT statements. */
const values = (r: ConversionResult) => [...r.ddl.matchAll(/^ {2}\((.*)\)[,;]?$/gm)].map((m) => m[1]);

const dataRule = (r: ConversionResult, table: string) => r.changes.find((c) => c.object === table && c.rule.startsWith('data:'))?.rule ?? '';

describe('strings', () => {
  it('MySQL backslash escapes: \\\' \\\\ \\n become a plain or E\'\' string; \\0 (NUL) is removed', async () => {
    // MySQL 8 ref, String Literals, "Special Character Escape Sequences": \' is a quote, \\ a backslash,
    // \n a newline, \0 an ASCII NUL; PostgreSQL text cannot hold NUL (PostgreSQL ref, Character Types).
    const r = await load("CREATE TABLE s (id INT PRIMARY KEY, v VARCHAR(20));\nINSERT INTO s VALUES (1, 'it\\'s'), (2, 'a\\\\b'), (3, 'l1\\nl2'), (4, 'x\\0y');", 'mysql');
    expect(values(r)).toEqual(["1, 'it''s'", "2, 'a\\b'", "3, E'l1\\nl2'", "4, 'xy'"]);
    expect(await rows('SELECT v FROM s ORDER BY id')).toEqual([{ v: "it's" }, { v: 'a\\b' }, { v: 'l1\nl2' }, { v: 'xy' }]);
    expect(dataRule(r, 's')).toContain('NUL character removed (PostgreSQL text cannot hold it) (1)');
  });

  it("MySQL: a backslash before a character with no escape meaning is dropped, as MySQL reads it, and counted", async () => {
    // MySQL 8 ref, String Literals: "For all other escape sequences, backslash is ignored" (\x is x).
    const r = await load("CREATE TABLE u (id INT PRIMARY KEY, v VARCHAR(20));\nINSERT INTO u VALUES (1, 'a \\ b'), (2, 'c\\\\ d');", 'mysql');
    expect(values(r)).toEqual(["1, 'a  b'", "2, 'c\\ d'"]);
    expect(await rows('SELECT v FROM u ORDER BY id')).toEqual([{ v: 'a  b' }, { v: 'c\\ d' }]);
    expect(dataRule(r, 'u')).toContain('as MySQL reads it (\\x is x) (1)');
  });

  it("MySQL INSERT ... SET and a _binary '...' introducer (mysqldump's form for binary columns)", async () => {
    // MySQL 8 ref, INSERT: INSERT ... SET col = value inserts one row; Character Set Introducers: _binary 'abc'.
    const r = await load("CREATE TABLE z (id INT PRIMARY KEY, v VARBINARY(8));\nINSERT INTO z SET id = 1, v = _binary 'AB';", 'mysql');
    expect(values(r)).toEqual(["1, '\\x4142'"]);
    expect([...((await rows('SELECT v FROM z'))[0]!['v'] as Uint8Array)]).toEqual([0x41, 0x42]);
  });

  it("doubled quotes (SQL Server, Oracle) stay doubled; N'...' becomes a plain string", async () => {
    // T-SQL ref, Constants: N'...' is a Unicode string; PostgreSQL text is Unicode in a UTF8 database.
    const r = await load("CREATE TABLE [dbo].[p] ([id] INT PRIMARY KEY, [n] NVARCHAR(20));\nINSERT INTO [dbo].[p] ([id], [n]) VALUES (1, N'O''Brien'), (2, N'Zoë');", 'sqlserver');
    expect(values(r)).toEqual(["1, 'O''Brien'", "2, 'Zoë'"]);
    expect(await rows('SELECT n FROM p ORDER BY id')).toEqual([{ n: "O'Brien" }, { n: 'Zoë' }]);
    expect(dataRule(r, 'p')).toContain("N'...' national literal -> '...' (PostgreSQL text is Unicode) (2)");
  });

  it("Oracle: '' is NULL, and a constant concatenation with chr(n) is folded", async () => {
    // Oracle SQL ref, Nulls: a character value of length zero is null; CHR(38) is '&' (ASCII).
    const r = await load("CREATE TABLE g (id NUMBER(5) PRIMARY KEY, name VARCHAR2(30));\nINSERT INTO g (id, name) VALUES (1, 'R'||chr(38)||'B');\nINSERT INTO g (id, name) VALUES (2, '');", 'oracle');
    expect(values(r)).toEqual(["1, 'R&B'", '2, NULL']);
    expect(await rows('SELECT name FROM g ORDER BY id')).toEqual([{ name: 'R&B' }, { name: null }]);
  });
});

describe('binary and bit literals', () => {
  it("MySQL 0x0A1B and X'0A1B' into a BLOB become bytea '\\x0a1b'", async () => {
    // MySQL 8 ref, Hexadecimal Literals: X'01AF' and 0x01AF are binary strings.
    // An odd number of digits gets a leading 0 (same page: 0xaaa is 0x0aaa).
    const r = await load("CREATE TABLE b (id INT PRIMARY KEY, v BLOB);\nINSERT INTO b VALUES (1, 0x0A1B), (2, X'0A1B'), (3, 0xABC);", 'mysql');
    expect(values(r)).toEqual(["1, '\\x0a1b'", "2, '\\x0a1b'", "3, '\\x0abc'"]);
    const back = await rows('SELECT v FROM b ORDER BY id');
    expect(back.map((x) => [...(x['v'] as Uint8Array)])).toEqual([[10, 27], [10, 27], [10, 188]]);
  });

  it('SQL Server 0x... into VARBINARY becomes bytea', async () => {
    const r = await load('CREATE TABLE h (id INT PRIMARY KEY, v VARBINARY(8));\nINSERT INTO h (id, v) VALUES (1, 0xFF00);', 'sqlserver');
    expect(values(r)).toEqual(["1, '\\xff00'"]);
    expect([...((await rows('SELECT v FROM h'))[0]!['v'] as Uint8Array)]).toEqual([255, 0]);
  });

  it("MySQL b'101' into BIT(3) keeps its bits (bit varying(3))", async () => {
    // MySQL 8 ref, Bit-Value Literals: b'101' is the bits 101.
    const r = await load("CREATE TABLE f (id INT PRIMARY KEY, v BIT(3));\nINSERT INTO f VALUES (1, b'101');", 'mysql');
    expect(values(r)).toEqual(["1, B'101'"]);
    expect(await rows('SELECT v::text AS v FROM f')).toEqual([{ v: '101' }]);
  });
});

describe('dates and times', () => {
  it("MySQL: ISO and '2009/1/2' datetimes become ISO literals; the zero date becomes NULL (pgloader's rule)", async () => {
    // MySQL 8 ref, Date and Time Literals: any punctuation may separate the parts ('2012/12/31');
    // MySQL's '0000-00-00' has no PostgreSQL date: pgloader's zero-dates-to-null turns it into NULL.
    const r = await load("CREATE TABLE d (id INT PRIMARY KEY, at DATETIME, day DATE);\nINSERT INTO d VALUES (1, '2009-01-01 00:00:00', '2009/1/2'), (2, '0000-00-00 00:00:00', '0000-00-00');", 'mysql');
    expect(values(r)).toEqual(["1, '2009-01-01 00:00:00', '2009-01-02'", '2, NULL, NULL']);
    expect(await rows("SELECT to_char(at, 'YYYY-MM-DD HH24:MI:SS') AS at, day::text AS day FROM d ORDER BY id")).toEqual([
      { at: '2009-01-01 00:00:00', day: '2009-01-02' },
      { at: null, day: null },
    ]);
    expect(dataRule(r, 'd')).toContain("MySQL zero date '0000-00-00' -> NULL (pgloader's zero-dates-to-null rule) (2)");
  });

  it("a mysqldump with TIME_ZONE='+00:00' has TIMESTAMP values in UTC: they keep that instant whatever the loading session's zone", async () => {
    // MySQL 8 ref, mysqldump --tz-utc (on by default): "TIMESTAMP columns to be dumped and reloaded between
    // servers in different time zones"; DATETIME values are not converted (Date and Time Data Types).
    await pg.exec("SET TIME ZONE 'Europe/Berlin'");
    try {
      const r = await load("/*!40103 SET TIME_ZONE='+00:00' */;\nCREATE TABLE z (id INT PRIMARY KEY, ts TIMESTAMP NULL, dt DATETIME);\nINSERT INTO z VALUES (1, '2020-01-01 10:00:00', '2020-01-01 10:00:00');", 'mysql');
      expect(values(r)).toEqual(["1, '2020-01-01 10:00:00+00', '2020-01-01 10:00:00'"]);
      expect(await rows("SELECT to_char(ts AT TIME ZONE 'UTC', 'HH24:MI') AS ts, to_char(dt AT TIME ZONE 'UTC', 'HH24:MI') AS dt FROM z")).toEqual([{ ts: '10:00', dt: '09:00' }]);
    } finally {
      await pg.exec("SET TIME ZONE 'UTC'");
    }
  });

  it("Oracle TO_DATE('...', 'YYYY-MM-DD HH24:MI:SS') and DATE '...' become ISO literals", async () => {
    // Oracle SQL ref, TO_DATE and Datetime Literals (DATE 'YYYY-MM-DD').
    const r = await load("CREATE TABLE e (id NUMBER(5) PRIMARY KEY, hired DATE);\nINSERT INTO e VALUES (1, TO_DATE('2002-8-14 13:05:00','yyyy-mm-dd hh24:mi:ss'));\nINSERT INTO e VALUES (2, DATE '2003-01-31');", 'oracle');
    expect(values(r)).toEqual(["1, '2002-08-14 13:05:00'", "2, '2003-01-31'"]);
    expect(await rows("SELECT to_char(hired, 'YYYY-MM-DD HH24:MI:SS') AS h FROM e ORDER BY id")).toEqual([{ h: '2002-08-14 13:05:00' }, { h: '2003-01-31 00:00:00' }]);
  });

  it('T-SQL CONVERT(datetime, ...) with style 120 and 101 becomes an ISO literal', async () => {
    // T-SQL ref, CAST and CONVERT: style 120 is yyyy-mm-dd hh:mi:ss (ODBC canonical), 101 is mm/dd/yyyy (U.S.).
    const r = await load("CREATE TABLE c (id INT PRIMARY KEY, at DATETIME);\nINSERT INTO c (id, at) VALUES (1, CONVERT(datetime, '2009-01-05 10:11:12', 120)), (2, CONVERT(datetime, '01/06/2009', 101));", 'sqlserver');
    expect(values(r)).toEqual(["1, '2009-01-05 10:11:12'", "2, '2009-01-06'"]);
    expect(await rows("SELECT to_char(at, 'YYYY-MM-DD HH24:MI:SS') AS at FROM c ORDER BY id")).toEqual([{ at: '2009-01-05 10:11:12' }, { at: '2009-01-06 00:00:00' }]);
  });
});

describe('numbers, booleans and NULL', () => {
  it('0/1 into a SQL Server BIT (converted to boolean) become false/true', async () => {
    // T-SQL ref, bit: an integer data type that can take 1, 0 or NULL; the converter maps it to boolean.
    const r = await load('CREATE TABLE f (id INT PRIMARY KEY, active BIT);\nINSERT INTO f (id, active) VALUES (1, 0), (2, 1), (3, NULL);', 'sqlserver');
    expect(values(r)).toEqual(['1, false', '2, true', '3, NULL']);
    expect(await rows('SELECT active FROM f ORDER BY id')).toEqual([{ active: false }, { active: true }, { active: null }]);
    expect(dataRule(r, 'f')).toContain('0/1 into a boolean column -> false/true (2)');
  });

  it("numbers keep their digits; a quoted number into an INT column is unquoted; negative numbers stay negative", async () => {
    const r = await load("CREATE TABLE n (id INT PRIMARY KEY, q INT, price DECIMAL(10,2));\nINSERT INTO n VALUES (1, '42', -0.99), (2, -3, 1.5);", 'mysql');
    expect(values(r)).toEqual(['1, 42, -0.99', '2, -3, 1.5']);
    expect(await rows('SELECT q, price::text AS price FROM n ORDER BY id')).toEqual([{ q: 42, price: '-0.99' }, { q: -3, price: '1.50' }]);
  });
});

describe('statement forms', () => {
  it('INSERT IGNORE -> ON CONFLICT DO NOTHING: the duplicate key is skipped as MySQL skips it', async () => {
    // MySQL 8 ref, INSERT: with IGNORE, rows that duplicate a PRIMARY KEY or UNIQUE value are discarded.
    const r = await load("CREATE TABLE k (id INT PRIMARY KEY, v VARCHAR(5));\nINSERT IGNORE INTO k VALUES (1, 'a'), (1, 'b');", 'mysql');
    expect(r.ddl).toContain('ON CONFLICT DO NOTHING');
    expect(await rows('SELECT v FROM k')).toEqual([{ v: 'a' }]);
  });

  it('REPLACE INTO -> ON CONFLICT (key) DO UPDATE: the last row for a key wins', async () => {
    // MySQL 8 ref, REPLACE: an old row with the same PRIMARY KEY or UNIQUE value is deleted before the new row is inserted.
    const r = await load("CREATE TABLE k (id INT PRIMARY KEY, v VARCHAR(5));\nINSERT INTO k VALUES (1, 'a');\nREPLACE INTO k VALUES (1, 'b');", 'mysql');
    expect(r.ddl).toContain('ON CONFLICT (id) DO UPDATE SET v = EXCLUDED.v');
    expect(await rows('SELECT v FROM k')).toEqual([{ v: 'b' }]);
  });

  it('ON DUPLICATE KEY UPDATE c = c + VALUES(c) -> ON CONFLICT (key) DO UPDATE SET c = hits.c + excluded.c', async () => {
    // MySQL 8 ref, INSERT ... ON DUPLICATE KEY UPDATE: VALUES(col) is the value the INSERT would have inserted.
    const r = await load('CREATE TABLE hits (id INT PRIMARY KEY, c INT);\nINSERT INTO hits VALUES (1, 5);\nINSERT INTO hits VALUES (1, 2) ON DUPLICATE KEY UPDATE c = c + VALUES(c);', 'mysql');
    expect(r.ddl).toContain('ON CONFLICT (id) DO UPDATE SET c = hits.c + excluded.c');
    expect(await rows('SELECT c FROM hits')).toEqual([{ c: 7 }]);
  });

  it('REPLACE into a table with no known key is an action item, not a guess', () => {
    const r = convertSchema("CREATE TABLE nokey (id INT, v VARCHAR(5));\nREPLACE INTO nokey VALUES (1, 'a');", 'mysql');
    expect(r.action_items.map((a) => [a.object, a.category])).toEqual([['nokey data', 'data']]);
    expect(r.ddl).not.toContain('INSERT');
  });

  it('Oracle INSERT ALL ... SELECT * FROM DUAL loads one row per INTO clause', async () => {
    // Oracle SQL ref, INSERT (multitable_insert): each INTO clause inserts once per row of the subquery (DUAL: one row).
    await load("CREATE TABLE a (id NUMBER(5) PRIMARY KEY);\nCREATE TABLE b (id NUMBER(5) PRIMARY KEY, n VARCHAR2(5));\nINSERT ALL INTO a (id) VALUES (1) INTO a (id) VALUES (2) INTO b (id, n) VALUES (1, 'x') SELECT * FROM dual;", 'oracle');
    expect(await rows('SELECT (SELECT count(*)::int FROM a) AS a, (SELECT count(*)::int FROM b) AS b')).toEqual([{ a: 2, b: 1 }]);
  });

  it('T-SQL SET IDENTITY_INSERT is reported as not needed, and the identity is reset after the explicit ids', async () => {
    // T-SQL ref, SET IDENTITY_INSERT: allows explicit values in an identity column; PostgreSQL's
    // GENERATED BY DEFAULT accepts them without it, but its sequence does not move (PostgreSQL ref, CREATE TABLE).
    const r = await load("CREATE TABLE [dbo].[t] ([id] INT IDENTITY(1,1) PRIMARY KEY, [n] NVARCHAR(5));\nSET IDENTITY_INSERT [dbo].[t] ON;\nINSERT INTO [dbo].[t] ([id], [n]) VALUES (1, N'a'), (7, N'b');\nSET IDENTITY_INSERT [dbo].[t] OFF;", 'sqlserver');
    expect(r.skipped.filter((s) => /IDENTITY_INSERT/.test(s.statement)).map((s) => s.reason.slice(0, 30))).toEqual(['SET IDENTITY_INSERT: not neede', 'SET IDENTITY_INSERT: not neede']);
    expect(r.ddl).toContain("SELECT setval(pg_get_serial_sequence('t', 'id'), GREATEST(max(id), 1), max(id) >= 1) FROM t");
    await pg.exec("INSERT INTO t (n) VALUES ('c')");
    expect(await rows("SELECT id FROM t WHERE n = 'c'")).toEqual([{ id: 8 }]);
  });

  it('explicit values for an Oracle GENERATED ALWAYS identity load with OVERRIDING SYSTEM VALUE', async () => {
    // PostgreSQL ref, INSERT: OVERRIDING SYSTEM VALUE lets explicit values into a GENERATED ALWAYS identity column.
    const r = await load("CREATE TABLE o (id NUMBER GENERATED ALWAYS AS IDENTITY PRIMARY KEY, n VARCHAR2(5));\nINSERT INTO o (id, n) VALUES (5, 'a');", 'oracle');
    expect(r.ddl).toContain('INSERT INTO o (id, n) OVERRIDING SYSTEM VALUE VALUES');
    await pg.exec("INSERT INTO o (n) VALUES ('b')");
    expect(await rows("SELECT id::int AS id FROM o WHERE n = 'b'")).toEqual([{ id: 6 }]);
  });

  it('loads child rows written before their parents: foreign keys are added after the data', async () => {
    // A table-level FOREIGN KEY: MySQL 8 parses and ignores an inline column REFERENCES (CREATE TABLE ref).
    const r = await load('CREATE TABLE parent (id INT PRIMARY KEY);\nCREATE TABLE child (id INT PRIMARY KEY, parent_id INT, FOREIGN KEY (parent_id) REFERENCES parent (id));\nINSERT INTO child VALUES (1, 10);\nINSERT INTO parent VALUES (10);', 'mysql');
    expect(r.ddl.indexOf('FOREIGN KEY')).toBeGreaterThan(r.ddl.lastIndexOf('INSERT INTO'));
    expect(await rows('SELECT count(*)::int AS n FROM child JOIN parent ON parent.id = child.parent_id')).toEqual([{ n: 1 }]);
  });

  it('DEFAULT and empty VALUES () keep the column defaults; a table the script does not create keeps the values by their literal form', async () => {
    // MySQL 8 ref, INSERT: "INSERT INTO tbl_name () VALUES();" inserts a row of defaults.
    const r = convertSchema("CREATE TABLE dv (id INT AUTO_INCREMENT PRIMARY KEY, n INT DEFAULT 7);\nINSERT INTO dv (id, n) VALUES (1, DEFAULT);\nINSERT INTO dv () VALUES ();\nINSERT INTO dv VALUES (), ();\nINSERT INTO elsewhere VALUES (1, 'x');", 'mysql');
    expect(r.unparsed).toEqual([]);
    expect(r.ddl).toContain('INSERT INTO dv (id, n) VALUES\n  (1, DEFAULT);');
    expect(r.ddl.match(/INSERT INTO dv DEFAULT VALUES;/g)).toHaveLength(3);
    expect(r.changes.find((c) => c.object === 'dv' && c.rule.startsWith('data:'))?.to).toBe('4 rows');
    expect(r.ddl).toContain("INSERT INTO elsewhere VALUES\n  (1, 'x');");
    expect(r.changes.find((c) => c.object === 'elsewhere')?.rule).toContain('table not created by this script');
    await load("CREATE TABLE dv (id INT AUTO_INCREMENT PRIMARY KEY, n INT DEFAULT 7);\nINSERT INTO dv (id, n) VALUES (1, DEFAULT);\nINSERT INTO dv () VALUES ();\nINSERT INTO dv VALUES (), ();", 'mysql');
    expect(await rows('SELECT id, n FROM dv ORDER BY id')).toEqual([{ id: 1, n: 7 }, { id: 2, n: 7 }, { id: 3, n: 7 }, { id: 4, n: 7 }]);
  });

  it('a row with the wrong number of values is an action item', () => {
    const r = convertSchema('CREATE TABLE w (a INT, b INT);\nINSERT INTO w VALUES (1, 2), (3);', 'mysql');
    expect(r.action_items.map((a) => a.reason)).toEqual(['INSERT into w (2 rows) not converted: row 2 has 1 values for 2 columns']);
  });
});

describe('review regressions: rows and comparisons keep the source meaning', () => {
  it('a positional INSERT after ADD COLUMN ... AFTER fills the columns in their order at that moment', async () => {
    // MySQL 8 ref, ALTER TABLE: AFTER col puts the new column after col; INSERT without a column
    // list takes the values in the table's column order.
    await load('CREATE TABLE t (id int primary key, b int);\nALTER TABLE t ADD COLUMN a int AFTER id;\nINSERT INTO t VALUES (1, 2, 3);', 'mysql');
    expect(await rows('SELECT a, b FROM t')).toEqual([{ a: 2, b: 3 }]);
  });

  it('a positional INSERT giving a value for a column dropped later is an action item, not a value in another column', () => {
    const r = convertSchema('CREATE TABLE u (id int primary key, old int);\nINSERT INTO u VALUES (1, 10);\nALTER TABLE u ADD COLUMN y int NOT NULL DEFAULT 0;\nALTER TABLE u DROP COLUMN old;', 'mysql');
    expect(r.ddl).not.toContain('INSERT INTO u');
    expect(r.action_items.map((a) => [a.object, a.category])).toEqual([['u data', 'data']]);
    expect(r.action_items[0]!.reason).toMatch(/column old, which a later statement drops/);
  });

  it('the identity continues from its declared start when the loaded ids are below it', async () => {
    // MySQL 8 ref, AUTO_INCREMENT table option: the next value is the larger of the option and max(id) + 1.
    await load("CREATE TABLE o (id int NOT NULL AUTO_INCREMENT, u varchar(5), PRIMARY KEY (id)) AUTO_INCREMENT=100;\nINSERT INTO o VALUES (1,'a'),(2,'b');\nINSERT INTO o (u) VALUES ('x');", 'mysql');
    await pg.exec("INSERT INTO o (u) VALUES ('y')");
    expect(await rows('SELECT id, u FROM o ORDER BY id')).toEqual([{ id: 1, u: 'a' }, { id: 2, u: 'b' }, { id: 100, u: 'x' }, { id: 101, u: 'y' }]);
  });

  it('a TINYINT(1) value other than 0 or 1 is an action item rather than true', () => {
    // MySQL 8 ref, numeric types: BOOL is a synonym for TINYINT(1), which stores -128..127.
    const r = convertSchema('CREATE TABLE f (id int primary key, st tinyint(1) NOT NULL DEFAULT 0);\nINSERT INTO f VALUES (1,2),(3,1);', 'mysql');
    expect(r.ddl).not.toContain('INSERT INTO f');
    expect(r.action_items[0]!.reason).toMatch(/2 in a column converted to boolean/);
  });

  it('a character column compared with a number compares as numbers, as the source does', async () => {
    // MySQL 8 ref, type conversion in expression evaluation: a string compared with a number is
    // compared as a number ('01', ' 1' and '1.0' all equal 1); SQL Server and Oracle convert likewise.
    await load("CREATE TABLE c (code varchar(5));\nINSERT INTO c VALUES ('01'),('1'),('1.0'),(' 1'),('2');\nCREATE VIEW v AS SELECT code FROM c WHERE code = 1;\nCREATE VIEW v2 AS SELECT code FROM c WHERE code IN (2, 3);", 'mysql');
    expect((await rows('SELECT count(*)::int AS n FROM v'))[0]).toEqual({ n: 4 });
    expect(await rows('SELECT code FROM v2')).toEqual([{ code: '2' }]);
    await load("CREATE TABLE e (id NUMBER(6) PRIMARY KEY, flag CHAR(1));\nINSERT INTO e VALUES (1, '1');\nINSERT INTO e VALUES (2, '0');\nCREATE VIEW ev AS SELECT id FROM e WHERE flag = 1;", 'oracle');
    expect(await rows('SELECT id FROM ev')).toEqual([{ id: 1 }]);
  });
});

describe('review regressions: bit values', () => {
  it('a hex literal into BIT(3) is its number in bits, not a padded byte', async () => {
    // MySQL 8 ref, Bit-Value Type: BIT(M) stores M-bit values; 0x3 is the number 3 (bits 11).
    await load('CREATE TABLE b3 (id int primary key, bi bit(3));\nINSERT INTO b3 VALUES (2,0x3),(3,5);', 'mysql');
    expect(await rows('SELECT id, bi::text AS v FROM b3 ORDER BY id')).toEqual([{ id: 2, v: '11' }, { id: 3, v: '101' }]);
  });
});

describe('review regressions: statements that change loaded rows', () => {
  it('UPDATE, DELETE and TRUNCATE after the INSERTs are action items (the loaded rows would differ), not silent skips', () => {
    const r = convertSchema('CREATE TABLE a (id int primary key, v int);\nINSERT INTO a VALUES (1, 1), (2, 2);\nUPDATE a SET v = 7 WHERE id = 1;\nDELETE FROM a WHERE id = 2;\nTRUNCATE TABLE a;', 'mysql');
    expect(r.action_items.map((x) => x.object)).toEqual(['UPDATE statement', 'DELETE statement', 'TRUNCATE statement']);
    expect(r.skipped.filter((x) => /^(UPDATE|DELETE|TRUNCATE)/i.test(x.statement))).toEqual([]);
  });
});
