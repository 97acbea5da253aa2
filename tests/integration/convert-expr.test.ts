// Issue 17 part 2: expressions in views converted with the types the script declares, each loaded
// into PostgreSQL (PGlite) over a few seeded rows and compared with what the source would return.
// Every expected value says where it comes from (the dialect's reference or PostgreSQL's).
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertSchema, convertSchemaChecked, leftOut, type ConversionResult } from '../../src/migration/convert/index.js';
import { closeValidator } from '../../src/migration/convert/validate.js';

let pg: PGlite;

beforeAll(async () => {
  pg = new PGlite();
  await pg.waitReady;
});

afterAll(async () => {
  await pg.close();
  await closeValidator();
});

/** Converts, checks the conversion left nothing out, loads the DDL and the seed rows into an empty schema. */
async function load(ddl: string, from: string, seed: string[] = []): Promise<ConversionResult> {
  const r = convertSchema(ddl, from);
  expect(r.action_items.filter((a) => a.category === 'view'), JSON.stringify(r.action_items)).toEqual([]);
  expect(r.unparsed).toEqual([]);
  await pg.exec("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public; SET search_path TO public; SET TimeZone TO 'UTC';");
  await pg.exec(r.ddl);
  for (const s of seed) await pg.exec(s);
  return r;
}

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  return (await pg.query<Record<string, unknown>>(sql)).rows;
}

/** The converted CREATE VIEW statement of name. */
function view(r: ConversionResult, name: string): string {
  const found = r.ddl.trimEnd().replace(/;$/, '').split(/;\n\n/).find((s) => s.startsWith(`CREATE VIEW ${name} AS`));
  expect(found, r.ddl).toBeDefined();
  return found!;
}

const iso = (v: unknown) => (v instanceof Date ? v.toISOString().replace('.000Z', 'Z') : v);

describe('implicit conversions the source allowed, made explicit', () => {
  it('Oracle: a CHAR(1) flag compared with the number 1 matches the rows holding 1', async () => {
    // Oracle SQL ref, "Implicit Data Conversion": comparing a character value with a number converts the
    // character value to NUMBER, so '1' = 1. PostgreSQL has no character = integer operator.
    const r = await load(`CREATE TABLE emp (id NUMBER(6) PRIMARY KEY, active CHAR(1));
      CREATE VIEW act AS SELECT e.id FROM emp e WHERE e.active = 1;`, 'oracle',
    ["INSERT INTO emp VALUES (1, '1'), (2, '0'), (3, '1')"]);
    expect(view(r, 'act')).toContain('e.active::numeric = 1');
    expect(await rows('SELECT id FROM act ORDER BY id')).toEqual([{ id: 1 }, { id: 3 }]);
  });

  it('SQL Server: CHAR = int, IN (ints), and varchar > int compare as numbers', async () => {
    // T-SQL ref, "Data type precedence": int ranks above char/varchar, so the character side is converted
    // to int: '10' > 5 is true (as text '10' < '5').
    const r = await load(`CREATE TABLE dbo.Emp (Id INT PRIMARY KEY, Active CHAR(1), Code VARCHAR(10))
GO
CREATE VIEW dbo.Act AS SELECT Id FROM dbo.Emp WHERE Active = 1
GO
CREATE VIEW dbo.Big AS SELECT Id FROM dbo.Emp WHERE Code > 5
GO
CREATE VIEW dbo.Few AS SELECT Id FROM dbo.Emp WHERE Active IN (1, 2)
GO`, 'sqlserver', ["INSERT INTO emp VALUES (1, '1', '10'), (2, '0', '9'), (3, '2', '3')"]);
    expect(view(r, 'act')).toContain('Active::numeric = 1');
    expect(view(r, 'big')).toContain('Code::numeric > 5');
    expect(await rows('SELECT id FROM act')).toEqual([{ id: 1 }]);
    expect(await rows('SELECT id FROM big ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
    expect(await rows('SELECT id FROM few ORDER BY id')).toEqual([{ id: 1 }, { id: 3 }]);
  });

  it('Oracle CHECK constraints: a CHAR flag IN (0, 1) and a VARCHAR2 code >= 2 accept the rows Oracle accepts', async () => {
    // Oracle SQL ref, "Implicit Data Conversion": the character column is converted to NUMBER, so '1' IN (0, 1)
    // holds and '10' >= 2 holds (as text, '10' >= '2' would not).
    const r = await load(`CREATE TABLE t (id NUMBER(6) PRIMARY KEY, active CHAR(1) CHECK (active IN (0, 1)), code VARCHAR2(5), CONSTRAINT code_min CHECK (code >= 2));`, 'oracle');
    expect(r.ddl).toContain('CHECK (active::numeric IN (0, 1))');
    expect(r.ddl).toContain('CHECK (code::numeric >= 2)');
    await pg.exec("INSERT INTO t VALUES (1, '1', '10'), (2, '0', '2')");
    await expect(pg.exec("INSERT INTO t VALUES (3, '5', '10')")).rejects.toThrow(/check constraint/);
    await expect(pg.exec("INSERT INTO t VALUES (4, '1', '1')")).rejects.toThrow(/code_min/);
  });

  it('MySQL: 0/1 compared with a tinyint(1) column that became boolean', async () => {
    // MySQL 8 ref, "Numeric Data Type Syntax": BOOL/BOOLEAN are synonyms for TINYINT(1), zero is false
    const r = await load(`CREATE TABLE o (id INT PRIMARY KEY, paid TINYINT(1));
      CREATE VIEW p AS SELECT id, IF(paid = 1, 'yes', 'no') AS s FROM o;`, 'mysql', ['INSERT INTO o VALUES (1, true), (2, false)']);
    expect(view(r, 'p')).toContain("CASE WHEN paid = TRUE THEN 'yes' ELSE 'no' END");
    expect(await rows('SELECT id, s FROM p ORDER BY id')).toEqual([{ id: 1, s: 'yes' }, { id: 2, s: 'no' }]);
  });

  it("Oracle: DATE - 30 + 1 is 29 days earlier (intervals, not numbers)", async () => {
    // Oracle SQL ref, "Datetime/Interval Arithmetic": DATE plus or minus a number adds or subtracts days.
    // 2024-03-01 minus 29 days is 2024-02-01 (February 2024 has 29 days).
    const r = await load(`CREATE TABLE e (id NUMBER(6) PRIMARY KEY, hired DATE);
      CREATE VIEW ev AS SELECT id, hired - 30 + 1 AS d FROM e;`, 'oracle', ["INSERT INTO e VALUES (1, '2024-03-01 10:00:00')"]);
    expect(view(r, 'ev')).toContain("hired - interval '30 days' + interval '1 days'");
    expect((await rows('SELECT d FROM ev')).map((x) => iso(x.d))).toEqual(['2024-02-01T10:00:00Z']);
  });

  it('T-SQL: string + string is concatenation (||), numbers stay addition', async () => {
    // T-SQL ref, "+ (String Concatenation)": + concatenates when the operands are character strings
    const r = await load(`CREATE TABLE P (Id INT PRIMARY KEY, FirstName NVARCHAR(20), LastName NVARCHAR(20), N INT)
GO
CREATE VIEW V AS SELECT Id, FirstName + ' ' + LastName AS FullName, N + 1 AS M FROM P
GO`, 'sqlserver', ["INSERT INTO p VALUES (1, 'Ada', 'Lovelace', 4)"]);
    expect(view(r, 'v')).toContain("FirstName || ' ' || LastName");
    expect(await rows('SELECT fullname, m FROM v')).toEqual([{ fullname: 'Ada Lovelace', m: 5 }]);
  });
});

describe('MySQL functions', () => {
  it('NOW() - INTERVAL 7 DAY and the INTERVAL forms of DATE_ADD / DATE_SUB / ADDDATE, DATEDIFF', async () => {
    const r = await load(`CREATE TABLE o (id INT PRIMARY KEY, created_at DATETIME);
      CREATE VIEW recent AS SELECT id FROM o WHERE created_at > NOW() - INTERVAL 7 DAY;
      CREATE VIEW calc AS SELECT id, DATE_ADD(created_at, INTERVAL 1 MONTH) AS m, DATE_SUB(created_at, INTERVAL '1 2' DAY_HOUR) AS dh,
        ADDDATE(created_at, 3) AS a3, DATE_ADD(created_at, INTERVAL 1 QUARTER) AS q, DATEDIFF('2024-03-01 23:00:00', created_at) AS dd FROM o;`, 'mysql',
    ["INSERT INTO o VALUES (1, now() - interval '3 days'), (2, now() - interval '10 days'), (3, '2024-01-31 05:00:00+00')"]);
    expect(view(r, 'recent')).toContain("created_at > now() - interval '7 days'");
    expect(await rows('SELECT id FROM recent')).toEqual([{ id: 1 }]);
    const c = (await rows('SELECT * FROM calc WHERE id = 3'))[0]!;
    // MySQL 8 ref, DATE_ADD: "if the day is larger than the maximum day of the new month, the day is
    // adjusted to the maximum days in the new month" (2024-01-31 + 1 month = 2024-02-29); '1 2' DAY_HOUR
    // is 1 day 2 hours; ADDDATE(d, n) adds n days; a QUARTER is three months; DATEDIFF counts the days between the date parts.
    expect(iso(c.m)).toBe('2024-02-29T05:00:00Z');
    expect(iso(c.dh)).toBe('2024-01-30T03:00:00Z');
    expect(iso(c.a3)).toBe('2024-02-03T05:00:00Z');
    expect(iso(c.q)).toBe('2024-04-30T05:00:00Z');
    expect(c.dd).toBe(30);
  });

  it('GROUP_CONCAT with DISTINCT, ORDER BY and SEPARATOR -> string_agg', async () => {
    // MySQL 8 ref, GROUP_CONCAT: the default separator is a comma; DISTINCT drops duplicates
    const r = await load(`CREATE TABLE t (g INT, name VARCHAR(10), qty INT);
      CREATE VIEW gc AS SELECT g, GROUP_CONCAT(DISTINCT name ORDER BY name DESC SEPARATOR ';') AS names, GROUP_CONCAT(qty ORDER BY qty) AS qs FROM t GROUP BY g;`, 'mysql',
    ["INSERT INTO t VALUES (1, 'b', 3), (1, 'a', 1), (1, 'b', 2), (1, 'c', 10)"]);
    expect(view(r, 'gc')).toContain("string_agg(DISTINCT CAST(name AS text), ';' ORDER BY CAST(name AS text) DESC)");
    expect(await rows('SELECT names, qs FROM gc')).toEqual([{ names: 'c;b;a', qs: '1,2,3,10' }]);
  });

  it('IF, IFNULL, CONCAT (NULL if any argument is NULL), CONCAT_WS, SUBSTRING_INDEX, LOCATE', async () => {
    const r = await load(`CREATE TABLE t (id INT PRIMARY KEY, host VARCHAR(40), note VARCHAR(10), n INT);
      CREATE VIEW f AS SELECT id, IFNULL(note, '-') AS nn, CONCAT(host, '#', n) AS c, CONCAT_WS('/', host, note) AS w,
        SUBSTRING_INDEX(host, '.', 2) AS s2, SUBSTRING_INDEX(host, '.', -2) AS sm2, SUBSTRING_INDEX(host, '.', 1) AS s1,
        LOCATE('bar', 'foobarbar') AS l FROM t;`, 'mysql', ["INSERT INTO t VALUES (1, 'www.mysql.com', NULL, 7), (2, 'a.b', 'x', NULL)"]);
    const got = await rows('SELECT * FROM f ORDER BY id');
    // MySQL 8 ref: CONCAT "returns NULL if any argument is NULL"; CONCAT_WS skips NULL values; SUBSTRING_INDEX
    // ('www.mysql.com', '.', 2) = 'www.mysql' and (..., -2) = 'mysql.com'; LOCATE('bar', 'foobarbar') = 4.
    expect(got).toEqual([
      { id: 1, nn: '-', c: 'www.mysql.com#7', w: 'www.mysql.com', s2: 'www.mysql', sm2: 'mysql.com', s1: 'www', l: 4 },
      { id: 2, nn: 'x', c: null, w: 'a.b/x', s2: 'a.b', sm2: 'a.b', s1: 'a', l: 4 },
    ]);
  });

  it('DATE_FORMAT (format translated), UNIX_TIMESTAMP, CURDATE, LIMIT offset, count, backticks', async () => {
    const r = await load(`CREATE TABLE t (\`id\` INT PRIMARY KEY, at DATETIME);
      CREATE VIEW df AS SELECT \`id\`, DATE_FORMAT(at, '%W %M %Y') AS a, DATE_FORMAT(at, '%H:%i:%s %d/%m/%y') AS b, UNIX_TIMESTAMP(at) AS u, CURDATE() >= DATE(at) AS past FROM t ORDER BY id LIMIT 1, 2;`, 'mysql',
    ["INSERT INTO t VALUES (1, '2009-10-04 22:23:00+00'), (2, '2009-10-04 22:23:00+00'), (3, '2015-11-13 16:20:19+00'), (4, '2015-11-13 16:20:19+00')"]);
    expect(view(r, 'df')).toContain("to_char(at, 'FMDay FMMonth YYYY')");
    expect(view(r, 'df')).toContain('LIMIT 2 OFFSET 1');
    // MySQL 8 ref, DATE_FORMAT: DATE_FORMAT('2009-10-04 22:23:00', '%W %M %Y') = 'Sunday October 2009';
    // LIMIT 1, 2 skips one row and returns two; 2015-11-13 16:20:19 UTC is 1447431619 seconds after the epoch.
    expect(await rows('SELECT id, a, b, u, past FROM df')).toEqual([
      { id: 2, a: 'Sunday October 2009', b: '22:23:00 04/10/09', u: 1254694980, past: true },
      { id: 3, a: 'Friday November 2015', b: '16:20:19 13/11/15', u: 1447431619, past: true },
    ]);
  });
});

describe('T-SQL functions', () => {
  it('DATEADD, DATEDIFF (boundaries crossed), DATEPART, LEN, ISNULL, IIF, CONVERT, TOP n', async () => {
    const r = await load(`CREATE TABLE T (Id INT PRIMARY KEY, A DATETIME2, B DATETIME2, S VARCHAR(10), F BIT)
GO
CREATE VIEW V AS SELECT TOP 2 Id, DATEADD(month, 1, A) AS M, DATEADD(day, -1, A) AS D, DATEDIFF(year, A, B) AS DY, DATEDIFF(day, A, B) AS DD,
  DATEDIFF(hour, A, B) AS DH, DATEPART(dw, A) AS W, DATEPART(month, A) AS MO, LEN(S) AS L, ISNULL(S, '?') AS I, IIF(F = 1, 'on', 'off') AS O,
  CONVERT(VARCHAR(5), Id) AS C FROM T ORDER BY Id
GO`, 'sqlserver', [
      "INSERT INTO t VALUES (1, '2005-12-31 23:59:59', '2006-01-01 00:00:00', 'ab  ', true)",
      "INSERT INTO t VALUES (2, '2024-01-31 00:00:00', '2024-03-01 12:00:00', NULL, false)",
      "INSERT INTO t VALUES (3, '2024-01-07 00:00:00', '2024-01-07 00:00:00', 'x', false)",
    ]);
    expect(view(r, 'v')).toMatch(/ORDER BY Id LIMIT 2$/);
    // T-SQL ref, DATEDIFF: 2005-12-31 23:59:59.9999999 to 2006-01-01 00:00:00 crosses one year, day and hour
    // boundary, so each returns 1; DATEADD(month, 1, '2024-01-31') gives the last day of February (2024-02-29);
    // DATEPART(dw) is 1 for Sunday under the default SET DATEFIRST 7 (2005-12-31 is a Saturday: 7);
    // LEN excludes trailing spaces.
    const got = (await rows('SELECT * FROM v')).map((x) => ({ ...x, m: iso(x.m), d: iso(x.d) }));
    expect(got).toEqual([
      { id: 1, m: '2006-01-31T23:59:59Z', d: '2005-12-30T23:59:59Z', dy: 1, dd: 1, dh: 1, w: 7, mo: 12, l: 2, i: 'ab  ', o: 'on', c: '1' },
      { id: 2, m: '2024-02-29T00:00:00Z', d: '2024-01-30T00:00:00Z', dy: 0, dd: 30, dh: 732, w: 4, mo: 1, l: null, i: '?', o: 'off', c: '2' },
    ]);
  });
});

describe('Oracle functions', () => {
  it('NVL2, DECODE, TRUNC(date), ADD_MONTHS, TO_DATE, ROWNUM <= n, FROM DUAL', async () => {
    const r = await load(`CREATE TABLE e (id NUMBER(6) PRIMARY KEY, hired DATE, mgr NUMBER(6), st CHAR(1), sal NUMBER(8,2));
      CREATE VIEW o AS SELECT id, NVL2(mgr, 'has', 'none') AS m, DECODE(st, 'A', 'active', NULL, 'unknown', 'other') AS s,
        TRUNC(hired) AS td, TRUNC(hired, 'MM') AS tm, TRUNC(sal) AS ts, ADD_MONTHS(hired, 1) AS am FROM e WHERE ROWNUM <= 2;
      CREATE VIEW d AS SELECT TO_DATE('2020-01-02 13:14:15', 'YYYY-MM-DD HH24:MI:SS') AS x FROM DUAL;`, 'oracle',
    ["INSERT INTO e VALUES (1, '2024-03-15 10:11:12', 7, 'A', 12.75)", "INSERT INTO e VALUES (2, '2024-01-15 00:00:00', NULL, NULL, 3)", "INSERT INTO e VALUES (3, '2024-01-16 00:00:00', NULL, 'B', 3)"]);
    expect(view(r, 'o')).toMatch(/FROM e LIMIT 2$/);
    // Oracle SQL ref: NVL2(e, a, b) is a when e is not null; DECODE matches NULL to NULL; TRUNC(date) with no
    // format is midnight, 'MM' the first of the month; TRUNC(12.75) = 12; ADD_MONTHS adds calendar months.
    const got = (await rows('SELECT * FROM o ORDER BY id')).map((x) => ({ ...x, td: iso(x.td), tm: iso(x.tm), am: iso(x.am) }));
    expect(got).toHaveLength(2);
    expect(got[0]).toEqual({ id: 1, m: 'has', s: 'active', td: '2024-03-15T00:00:00Z', tm: '2024-03-01T00:00:00Z', ts: '12', am: '2024-04-15T10:11:12Z' });
    expect((await rows('SELECT x FROM d')).map((x) => iso(x.x))).toEqual(['2020-01-02T13:14:15Z']);
  });
});

describe('every statement loads in PostgreSQL, or is reported', () => {
  const script = `CREATE TABLE t (id INT PRIMARY KEY, a INT);
CREATE VIEW good AS SELECT id FROM t;
CREATE VIEW bad AS SELECT id, not_a_function(a) AS x FROM t;
CREATE VIEW on_bad AS SELECT id FROM bad;
CREATE VIEW also_good AS SELECT id, a + 1 AS b FROM good JOIN t USING (id);`;

  it("moves a view PostgreSQL rejects to the action items with PostgreSQL's error; the others load", async () => {
    const r = await convertSchemaChecked(script, 'mysql');
    expect(r.validation).toMatchObject({ checked: true, validated_with: expect.stringMatching(/^PGlite \d+\.\d+\.\d+ \(PostgreSQL \d+/), rejected: 2 });
    const bad = r.action_items.find((a) => a.object === 'bad');
    // PostgreSQL's own message for a call it cannot resolve (PostgreSQL docs, "Function Type Resolution")
    expect(bad?.reason).toContain('function not_a_function(integer) does not exist');
    expect(r.action_items.find((a) => a.object === 'on_bad')?.reason).toContain('depends on bad');
    expect(r.ddl).not.toContain('VIEW bad');
    expect(r.ddl).not.toContain('VIEW on_bad');
    expect(leftOut(r)).toEqual(['bad', 'on_bad']);
    expect(r.summary.by_kind.view).toEqual({ found: 4, converted: 2, needing_action: 2 });
    await pg.exec('DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public; SET search_path TO public;');
    await pg.exec(r.ddl);
    expect(await rows("SELECT table_name FROM information_schema.views WHERE table_schema = 'public' ORDER BY 1")).toEqual([{ table_name: 'also_good' }, { table_name: 'good' }]);
  });

  it('creates a table PostgreSQL refuses for a CHECK without that check, and reports the check with the error', async () => {
    // character = numeric has no operator in PostgreSQL (the check below is left to a person)
    const r = await convertSchemaChecked(`CREATE TABLE k (id NUMBER(6) PRIMARY KEY, code CHAR(3), CONSTRAINT odd CHECK (code <> 1.5));
      CREATE TABLE kid (id NUMBER(6) PRIMARY KEY, k_id NUMBER(6) REFERENCES k (id));`, 'oracle');
    expect(r.validation).toMatchObject({ checked: true, rejected: 1 });
    expect(r.ddl).toContain('CREATE TABLE k (');
    expect(r.ddl).not.toContain('CONSTRAINT odd');
    expect(r.ddl).toMatch(/FOREIGN KEY \(k_id\) REFERENCES k/);
    const item = r.action_items.find((a) => a.category === 'postgresql_error');
    expect(item).toMatchObject({ object: 'k.odd', statement: 'ALTER TABLE k ADD CONSTRAINT odd CHECK (code <> 1.5)' });
    expect(item?.reason).toContain('operator does not exist: character <> numeric');
  });

  it('reports checked: false when PGlite cannot be loaded, and when the check is turned off', async () => {
    const missing = () => Promise.reject(new Error("Cannot find package '@electric-sql/pglite' imported from convert-worker.js"));
    const r = await convertSchemaChecked(script, 'mysql', { loader: missing });
    expect(r.validation).toEqual({ checked: false, reason: expect.stringContaining("Cannot find package '@electric-sql/pglite'") });
    expect(r.ddl).toContain('CREATE VIEW bad'); // unchecked: nothing moved
    expect((await convertSchemaChecked(script, 'mysql', { validate: false })).validation).toEqual({ checked: false, reason: 'not requested (validate: false)' });
  });
});
