import { describe, expect, it } from 'vitest';
import { DatabaseCatalog } from '../../src/databases/catalog.js';
import { CoordinatorError } from '../../src/errors.js';
import { MigrationPlanner } from '../../src/migration/plan.js';
import { canonical } from '../../src/migration/validation.js';
import { ddl as corpus } from '../helpers/fixtures.js';

const planner = new MigrationPlanner(new DatabaseCatalog());
const PHASES = ['Analysis', 'Schema conversion', 'Parallel run with change data capture', 'Validation', 'Cutover', 'Decommission'];

describe('plan_migration', () => {
  it('plans MySQL to PostgreSQL from the real DDL, with validation queries for both dialects', () => {
    const p = planner.plan('MySQL', 'postgres', { data_volume: '200GB', source_ddl: corpus('pgloader-f1db-circuits.mysql.sql'), write_rate: 500 });
    expect(p.phases.map((x) => x.name)).toEqual(PHASES);
    expect(p.strategy).toMatch(/change data capture/);
    for (const ph of p.phases) {
      expect(ph.tasks.length, ph.name).toBeGreaterThan(0);
      expect(ph.exit_criteria.length, ph.name).toBeGreaterThan(0);
      expect(ph.effort.high_days).toBeGreaterThanOrEqual(ph.effort.low_days);
    }
    expect(p.phases.slice(0, 2).map((x) => x.rollback)).toEqual([null, null]);
    expect(p.phases.slice(2).every((x) => typeof x.rollback === 'string' && x.rollback.length > 20)).toBe(true);
    // the f1db circuits fixture holds one CREATE TABLE (circuits)
    expect(p.schema_conversion!.summary.by_kind.table!.found).toBe(1);
    expect(p.schema_conversion!.ddl).toMatch(/CREATE TABLE circuits/);
    const src = p.validation.source.map((q) => q.query).join('\n');
    const dst = p.validation.target.map((q) => q.query).join('\n');
    // the source side names the tables as the source DDL does, quoted for MySQL
    expect(src).toContain('SELECT COUNT(*) FROM `circuits`;');
    expect(src).toMatch(/CONV\(SUBSTRING\(MD5\(CONCAT\(COALESCE\(`circuitId`, ''\)/);
    expect(dst).toContain('SELECT count(*) FROM circuits;');
    expect(dst).toMatch(/md5\(coalesce\(circuitid::text, ''\)/);
    expect(p.mappings.functions).toContainEqual(expect.objectContaining({ from: expect.stringContaining('GROUP_CONCAT'), to: expect.stringContaining('string_agg') }));
    expect(p.mappings.syntax).toContainEqual(expect.objectContaining({ from: 'LIMIT offset, count', to: 'LIMIT count OFFSET offset' }));
    expect(p.tools.map((t) => t.name)).toContain('pgloader');
    expect(['LOW', 'MEDIUM']).toContain(p.assessment.level);
    expect(p.assessment.rationale).toMatch(/^(LOW|MEDIUM) risk moving MySQL to PostgreSQL: /);
    expect(p.assessment.action_items.every((a) => ['under 2h', '2-6h', 'over 6h'].includes(a.effort))).toBe(true);
    expect(p.markdown).toMatch(/^# Migration plan: MySQL to PostgreSQL\n/);
    expect(p.markdown).toContain('## Validation queries');
    expect(p.markdown).toContain('| functions | GROUP_CONCAT(x SEPARATOR s) | string_agg(x, s) |');
  });

  it('validates each side under its own names, with values rendered alike, and the target queries run', async () => {
    const ddl = "CREATE TABLE `Order` (id char(36) NOT NULL PRIMARY KEY, `user` varchar(50), paid tinyint(1) NOT NULL DEFAULT 0, created datetime, pic blob);";
    const p = planner.plan('mysql', 'postgresql', { source_ddl: ddl });
    const src = p.validation.source.map((q) => q.query);
    expect(src[0]).toBe('SELECT COUNT(*) FROM `Order`;');
    // the column named user is hashed, not the word 'user'; dates as ISO text; the blob is left out
    // (a BIT(1) is a byte in MySQL's string context: + 0 makes it the same 0/1 as PostgreSQL's ::int)
    expect(src[2]).toContain("CONCAT(COALESCE(`id`, ''), '|', COALESCE(`user`, ''), '|', COALESCE((`paid` + 0), ''), '|', COALESCE(DATE_FORMAT(`created`, '%Y-%m-%dT%H:%i:%sZ'), ''))");
    const dst = p.validation.target.map((q) => q.query);
    expect(dst[2]).toContain("coalesce((paid)::int::text, '') || '|' || coalesce(CASE WHEN pg_typeof(created) = 'timestamptz'::regtype THEN");
    const { PGlite } = await import('@electric-sql/pglite');
    const pg = new PGlite();
    await pg.exec(p.schema_conversion!.ddl);
    await pg.exec(`INSERT INTO "order" VALUES ('a', 'b', true, '2020-01-01 10:00:00', NULL)`);
    for (const q of dst) expect((await pg.query(q)).rows).toHaveLength(1);
    // a uuid key (Oracle RAW(16)) has no min() in PostgreSQL: both sides compare it as bare hex
    const o = planner.plan('oracle', 'postgresql', { source_ddl: 'CREATE TABLE t (id RAW(16) PRIMARY KEY, n NUMBER(5));' });
    expect(o.validation.source[1]!.query).toBe('SELECT COUNT(id), MIN(LOWER(RAWTOHEX(id))), MAX(LOWER(RAWTOHEX(id))), SUM(LENGTH(id)) FROM t');
    expect(o.validation.target[1]!.query).toBe("SELECT count(id), min(replace(id::text, '-', '')), max(replace(id::text, '-', '')), sum(length(id::text)) FROM t;");
    await pg.exec(o.schema_conversion!.ddl);
    await pg.exec("INSERT INTO t VALUES ('6f1d0e1c-59b2-4a53-9d4e-2a3f6f9a7b10', 1)");
    for (const q of o.validation.target) expect((await pg.query(q.query)).rows).toHaveLength(1);
    await pg.close();
    // an Oracle name the DDL wrote unquoted in mixed case is stored in capitals: it goes out bare
    expect(planner.plan('oracle', 'postgresql', { source_ddl: 'CREATE TABLE Employees (EmpId NUMBER(6) PRIMARY KEY);' }).validation.source[0]!.query).toBe('SELECT COUNT(*) FROM Employees');
  });

  it('keeps schema-qualified names in their schema: conversion, validation queries on both sides and the table mappings', async () => {
    // MySQL 8 ref, "Identifier Qualifiers": db_name.tbl_name names a table in another database; pgloader's
    // default (and this plan) maps a MySQL database to a PostgreSQL schema of the same name
    const mysql = planner.plan('mysql', 'postgresql', { source_ddl: 'CREATE TABLE sales.orders (id int PRIMARY KEY, total decimal(10,2));' });
    expect(mysql.validation.source[0]!.query).toBe('SELECT COUNT(*) FROM `sales`.`orders`;');
    expect(mysql.validation.target[0]!.query).toBe('SELECT count(*) FROM sales.orders;');
    expect(mysql.mappings.tables).toEqual([{ from: 'sales.orders', to: 'sales.orders' }]);
    // T-SQL: [Sales].[Orders] keeps its source spelling on the source side; PostgreSQL folds the unquoted name to lower case
    const mssql = planner.plan('sqlserver', 'postgresql', { source_ddl: 'CREATE TABLE [Sales].[Orders] (Id int NOT NULL PRIMARY KEY);' });
    expect(mssql.validation.source[0]!.query).toBe('SELECT COUNT_BIG(*) FROM [Sales].[Orders];');
    expect(mssql.validation.target[0]!.query).toBe('SELECT count(*) FROM sales.orders;');
    // dbo is SQL Server's default schema (CREATE TABLE reference): no schema of its own in PostgreSQL
    const dbo = planner.plan('sqlserver', 'postgresql', { source_ddl: 'CREATE TABLE dbo.Orders (Id int NOT NULL PRIMARY KEY);' });
    expect(dbo.validation.source[0]!.query).toBe('SELECT COUNT_BIG(*) FROM [dbo].[Orders];');
    expect(dbo.validation.target[0]!.query).toBe('SELECT count(*) FROM orders;');
    // Oracle: HR.EMPLOYEES is the EMPLOYEES table of the HR schema (user)
    const ora = planner.plan('oracle', 'postgresql', { source_ddl: 'CREATE TABLE hr.employees (id NUMBER(6) PRIMARY KEY);' });
    expect(ora.validation.source[0]!.query).toBe('SELECT COUNT(*) FROM hr.employees');
    expect(ora.validation.target[0]!.query).toBe('SELECT count(*) FROM hr.employees;');
    // the converted DDL really creates the table in that schema, and the target queries run there
    const { PGlite } = await import('@electric-sql/pglite');
    const pg = new PGlite();
    await pg.exec(mysql.schema_conversion!.ddl);
    await pg.exec('SET search_path TO public');
    const where = await pg.query<{ table_schema: string }>("SELECT table_schema FROM information_schema.tables WHERE table_name = 'orders'");
    expect(where.rows.map((r) => r.table_schema)).toEqual(['sales']);
    for (const q of mysql.validation.target) expect((await pg.query(q.query)).rows, q.query).toHaveLength(1);
    await pg.close();
    // tables in two schemas cannot both keep theirs in one conversion: said, not hidden
    const two = planner.plan('mysql', 'postgresql', { source_ddl: 'CREATE TABLE sales.orders (id int PRIMARY KEY);\nCREATE TABLE hr.staff (id int PRIMARY KEY);' });
    expect(two.assumptions.join(' ')).toMatch(/tables in 2 schemas \(sales, hr\)/);
    expect(two.validation.source.map((q) => q.query)).toContain('SELECT COUNT(*) FROM `hr`.`staff`;');
  });

  it('renders numerics at a fixed scale and timestamps as UTC ISO text, alike on both sides of a checksum', async () => {
    const ddl = 'CREATE TABLE pay (id int PRIMARY KEY, amount decimal(10,2), ratio decimal(6,4), paid_at timestamp NULL, due datetime);';
    const p = planner.plan('mysql', 'postgresql', { source_ddl: ddl });
    const { PGlite } = await import('@electric-sql/pglite');
    const pg = new PGlite();
    await pg.exec(p.schema_conversion!.ddl);
    // the loader runs in UTC (a naive DATETIME is taken as UTC); validation then runs in any zone
    await pg.exec("SET TimeZone = 'UTC'; INSERT INTO pay VALUES (1, 12.5, 0.5, '2024-03-10 12:00:00', '2024-03-10 12:00:00'), (2, -3.25, -0.0625, NULL, '1999-12-31 23:59:59')");
    await pg.exec("SET TimeZone = 'America/New_York'");
    const render = async (col: string, kind: 'numeric' | 'timestamp') =>
      (await pg.query<{ v: string | null }>(`SELECT (${canonical('postgresql', col, kind)})::text AS v FROM pay ORDER BY id`)).rows.map((r) => r.v);
    // What each source prints for the same values, from its documentation:
    // - MySQL 8 ref, "Fixed-Point Types": DECIMAL(M,D) values carry exactly D decimals, so CAST(12.50 AS DECIMAL(65,10)) is 12.5000000000;
    // - SQL Server, decimal and numeric: a value cast to DECIMAL(38,10) converts to text with its 10 decimals, leading 0 kept;
    // - Oracle SQL Language Reference, "Number Format Models": 0 returns a leading or trailing zero, FM drops the blank padding,
    //   so TO_CHAR(0.5, 'FM9...90.0000000000') is 0.5000000000 (not the '.5' of TO_CHAR(0.5) alone).
    const numbers = { amount: ['12.5000000000', '-3.2500000000'], ratio: ['0.5000000000', '-0.0625000000'] };
    expect(await render('amount', 'numeric')).toEqual(numbers.amount);
    expect(await render('ratio', 'numeric')).toEqual(numbers.ratio);
    expect(canonical('oracle', 'amount', 'numeric')).toBe(`TO_CHAR(amount, 'FM${'9'.repeat(27)}0.0000000000')`);
    expect(canonical('mysql', 'amount', 'numeric')).toBe('CAST(amount AS DECIMAL(65, 10))');
    expect(canonical('sqlserver', 'amount', 'numeric')).toBe('CAST(amount AS DECIMAL(38, 10))');
    // - MySQL DATE_FORMAT: %Y-%m-%d, %H (00-23), %i, %s, other characters copied: 2024-03-10T12:00:00Z;
    // - SQL Server CONVERT style 126 is yyyy-mm-ddThh:mi:ss.mmm: its first 19 characters and a Z;
    // - Oracle SYS_EXTRACT_UTC gives the UTC time, TO_CHAR with "T" and "Z" quoted in the format.
    // PostgreSQL prints the same whether the column is timestamp or timestamptz, and whatever the session's zone.
    const times = ['2024-03-10T12:00:00Z', null];
    expect(await render('paid_at', 'timestamp')).toEqual(times);
    expect(await render('due', 'timestamp')).toEqual(['2024-03-10T12:00:00Z', '1999-12-31T23:59:59Z']);
    await pg.exec('CREATE TABLE naive (t timestamp); INSERT INTO naive VALUES (\'2024-03-10 12:00:00\')');
    expect((await pg.query<{ v: string }>(`SELECT ${canonical('postgresql', 't', 'timestamp')} AS v FROM naive`)).rows[0]!.v).toBe('2024-03-10T12:00:00Z');
    expect(canonical('mysql', 'due', 'timestamp')).toBe("DATE_FORMAT(due, '%Y-%m-%dT%H:%i:%sZ')");
    expect(canonical('sqlserver', 'due', 'timestamp')).toBe("CONVERT(VARCHAR(19), SWITCHOFFSET(due, '+00:00'), 126) + 'Z'");
    expect(p.validation.target.find((q) => q.check === 'checksum')!.query).toContain("coalesce(round((amount)::numeric, 10)::text, '')");
    expect(p.validation.source.find((q) => q.check === 'checksum')!.query).toContain("COALESCE(CAST(`amount` AS DECIMAL(65, 10)), '')");
    // the whole target checksum runs, and the MySQL side says to run in a UTC session (TIMESTAMP follows time_zone)
    for (const q of p.validation.target) expect((await pg.query(q.query)).rows, q.query).toHaveLength(1);
    expect(p.validation.source.find((q) => q.check === 'checksum')!.note).toMatch(/SET time_zone = '\+00:00'/);
    await pg.close();
  });

  it('counts a MongoDB field holding 0 or false as present, and keeps placeholders out of the markdown as HTML', () => {
    const p = planner.plan('postgresql', 'mongodb', {});
    expect(p.validation.target[1]!.query).toContain("present: { $sum: { $cond: [{ $eq: [{ $ifNull: ['$<column_1>', null] }, null] }, 0, 1] } }");
    expect(p.markdown).toContain('- row_count (`<table>`): ');
    expect(p.markdown).not.toMatch(/\(<table>\)/);
  });

  it('plans a move to a fork or wire-compatible engine with its own tools, not as a rewrite', () => {
    for (const [from, to, tool] of [['redis', 'valkey', 'REPLICAOF'], ['elasticsearch', 'opensearch', 'reindex from remote'], ['cassandra', 'scylladb', 'ScyllaDB Migrator (Spark)']]) {
      const p = planner.plan(from!, to!, { data_volume: '200GB' });
      expect(p.assessment.level, `${from}->${to}`).toBe('LOW');
      expect(p.tools.map((t) => t.name)).toContain(tool);
      expect(p.assessment.action_items.map((a) => a.item).join(' ')).not.toMatch(/^Rewrite data access/);
      expect(p.assessment.action_items.every((a) => a.effort !== 'over 6h')).toBe(true);
    }
  });

  it('plans moves onto and off each Aurora engine with its own dialect and tools', () => {
    // onto the same engine: AWS DMS and the engine's own replication, not a rewrite
    const lift = planner.plan('mysql', 'aurora mysql', { data_volume: '500GB' });
    expect(lift.assessment.level).toBe('LOW');
    expect(lift.tools.map((t) => t.name)).toEqual(expect.arrayContaining(['AWS DMS', 'Aurora read replica of RDS for MySQL']));
    expect(lift.kind).toMatch(/wire-compatible/);
    const pgLift = planner.plan('postgresql', 'aurora-postgresql', {});
    expect(pgLift.tools.map((t) => t.name)).toEqual(expect.arrayContaining(['AWS DMS', 'logical replication (publication and subscription)']));
    // SQL Server onto Aurora PostgreSQL: AWS SCT + DMS, and Babelfish (an Aurora PostgreSQL feature)
    const mssql = planner.plan('sqlserver', 'aurora-postgresql', {});
    expect(mssql.tools.map((t) => t.name)).toEqual(expect.arrayContaining(['AWS SCT + AWS DMS', 'Babelfish for Aurora PostgreSQL']));
    // Aurora MySQL DDL is MySQL DDL: converted, and validated with MySQL's quoting on the source side
    const ddl = 'CREATE TABLE `Orders` (id int PRIMARY KEY, total decimal(10,2));';
    const out = planner.plan('aurora-mysql', 'postgresql', { source_ddl: ddl });
    expect(out.schema_conversion!.summary.by_kind.table!.found).toBe(1);
    expect(out.validation.source[0]!.query).toBe('SELECT COUNT(*) FROM `Orders`;');
    expect(out.validation.target[0]!.query).toBe('SELECT count(*) FROM orders;');
    // Aurora MySQL keeps binary logging off until binlog_format is set (Aurora User Guide): CDC needs it
    expect(out.assessment.action_items.map((a) => a.item).join(' ')).toMatch(/binlog_format=ROW/);
    expect(planner.conversionDialect('aurora-mysql', 'aurora-postgresql')).toBe('mysql');
    expect(planner.conversionDialect('aurora-postgresql', 'postgresql')).toBeNull();
  });

  it('does not promise reverse replication or shadow reads to an offline cutover', () => {
    const offline = planner.plan('mysql', 'postgresql', { downtime: 'hours' });
    const cutover = offline.phases.find((ph) => ph.name === 'Cutover')!;
    expect(cutover.tools).toEqual(['feature flags or connection routing']);
    expect(cutover.rollback).toMatch(/^Before reopening: point the application back at MySQL/);
    expect(offline.phases.find((ph) => ph.name === 'Validation')!.tasks.join(' ')).not.toMatch(/Shadow reads/);
    const online = planner.plan('mysql', 'postgresql', { downtime: 'zero' });
    expect(online.phases.find((ph) => ph.name === 'Cutover')!.tools).toEqual(['feature flags or connection routing', 'reverse change capture from PostgreSQL']);
  });

  it('keeps the source of a cache or search projection as the system of record', () => {
    const p = planner.plan('postgresql', 'redis', {});
    const last = p.phases.at(-1)!;
    expect(last.goal).toBe('Retire the old read path; PostgreSQL stays the system of record');
    expect(last.tasks.join(' ')).not.toMatch(/licences|final backup/);
  });

  it('names the change capture a source really has, and keeps it out of the analysis and schema phases', () => {
    const p = planner.plan('dynamodb', 'cassandra', { data_volume: '1TB' });
    expect(p.tools.map((t) => t.name)).toContain('DynamoDB Streams (or Kinesis Data Streams), with an export to S3 for the backfill');
    expect(p.tools.map((t) => t.name).join(' ')).not.toMatch(/Debezium|DMS/);
    const cdcPhase = p.phases.find((ph) => ph.name.startsWith('Parallel run'))!;
    expect(cdcPhase.tools).toEqual(['DynamoDB Streams (or Kinesis Data Streams), with an export to S3 for the backfill']);
    for (const ph of p.phases.slice(0, 2)) expect(ph.tools.join(' '), ph.name).not.toMatch(/Streams|Debezium/);
    const mysql = planner.plan('mysql', 'postgresql', {});
    expect(mysql.phases[1]!.tools.join(' ')).not.toMatch(/Debezium/);
  });

  it('rates Oracle higher than MySQL even without PL/SQL, and maps its functions', () => {
    const oracle = planner.plan('oracle', 'postgresql', { data_volume: '2TB', source_ddl: corpus('oracle-hr-create.oracle.sql') });
    const mysql = planner.plan('mysql', 'postgresql', { data_volume: '2TB' });
    const rank = { LOW: 0, MEDIUM: 1, HIGH: 2 };
    expect(rank[oracle.assessment.level]).toBeGreaterThan(rank[mysql.assessment.level]);
    expect(oracle.total_effort.low_days).toBeGreaterThan(mysql.total_effort.low_days);
    expect(oracle.mappings.functions).toContainEqual(expect.objectContaining({ from: 'NVL(a, b)', to: 'COALESCE(a, b)' }));
    expect(oracle.tools.map((t) => t.name)).toContain('ora2pg');
    expect(oracle.validation.source[0]!.query).not.toMatch(/;$/);
  });

  it('plans PostgreSQL to MongoDB as a data-model change, with MongoDB validation pipelines', () => {
    const p = planner.plan('postgresql', 'mongodb', { data_volume: '500GB', tables: 40 });
    expect(p.kind).toMatch(/relational to document: the data model changes/);
    expect(p.mappings.types).toContainEqual(expect.objectContaining({ from: 'one-to-few child rows', to: 'embedded array of sub-documents' }));
    expect(p.validation.target.map((q) => q.query).join('\n')).toMatch(/countDocuments\(\{\}\)[\s\S]*\$group/);
    expect(p.phases[2]!.tasks.join(' ')).toMatch(/denormalise or normalise/);
  });

  it.each([
    ['mariadb', 'postgresql', /system-versioned|SYSTEM VERSIONING/i],
    ['sqlserver', 'postgresql', /Babelfish/],
    ['mongodb', 'postgresql', /mongodump/],
    ['postgresql', 'elasticsearch', /Elasticsearch sink/],
    ['postgresql', 'redis', /cache-aside/],
  ])('has specific content for %s -> %s', (from, to, pattern) => {
    const p = planner.plan(from, to, {});
    expect(JSON.stringify([p.tools, p.mappings, p.risks])).toMatch(pattern);
    expect(p.assumptions.length).toBeGreaterThan(0);
  });

  it('builds a sound plan for any other pair from the systems profiles', () => {
    const p = planner.plan('cassandra', 'dynamodb', { data_volume: '20TB' });
    expect(p.phases).toHaveLength(6);
    expect(p.tools.map((t) => t.name).join(' ')).toMatch(/Apache Cassandra native export|Cassandra native export/);
    const graph = planner.plan('neo4j', 'postgresql', {});
    expect(graph.kind).toMatch(/graph to relational: the data model changes/);
    expect(graph.assessment.action_items[0]!.item).toMatch(/Design the relational model/);
  });

  it('rates Oracle with PL/SQL HIGH, whether the DDL holds it or the caller says so', () => {
    // The HR sample's create script (oracle-hr-create) holds no PL/SQL: its procedures and triggers ship in a separate script
    const hr = planner.plan('oracle', 'postgresql', { source_ddl: corpus('oracle-hr-create.oracle.sql') });
    expect(hr.assessment.level).toBe('MEDIUM');
    expect(hr.assumptions).toContain('procedural_code not given: rated as Oracle without PL/SQL; packages, procedures or triggers make the move HIGH');
    // Oracle PL/SQL Language Reference: CREATE PACKAGE, CREATE PROCEDURE and CREATE TRIGGER are PL/SQL units
    const ddl = [
      'CREATE TABLE emp (id NUMBER(6) PRIMARY KEY, sal NUMBER(8,2));',
      'CREATE OR REPLACE PACKAGE pay AS PROCEDURE raise(p_id NUMBER); END pay;\n/',
      'CREATE OR REPLACE TRIGGER emp_bi BEFORE INSERT ON emp FOR EACH ROW BEGIN NULL; END;\n/',
    ].join('\n');
    const withCode = planner.plan('oracle', 'postgresql', { source_ddl: ddl });
    expect(withCode.assessment.level).toBe('HIGH');
    expect(withCode.assessment.rationale).toMatch(/PL\/SQL \(2 objects in source_ddl\) to rewrite by hand/);
    expect(planner.plan('oracle', 'postgresql', { procedural_code: true }).assessment.level).toBe('HIGH');
    expect(planner.plan('oracle', 'aurora-postgresql', { procedural_code: true }).assessment.level).toBe('HIGH');
    // said absent: the pair's own distance only (relational to relational, Oracle's factor) - MEDIUM
    expect(planner.plan('oracle', 'postgresql', { procedural_code: false }).assessment.level).toBe('MEDIUM');
  });

  it('makes the data volume a real driver of effort: each tenfold costs more than the one before', () => {
    const at = (v: string) => planner.plan('mysql', 'postgresql', { data_volume: v, tables: 50 }).total_effort;
    const volumes = ['1GB', '100GB', '1TB', '10TB', '100TB', '1PB', '50PB'];
    const efforts = volumes.map(at);
    for (let i = 1; i < efforts.length; i++) {
      expect(efforts[i]!.low_days, volumes[i]).toBeGreaterThan(efforts[i - 1]!.low_days);
      expect(efforts[i]!.high_days, volumes[i]).toBeGreaterThan(efforts[i - 1]!.high_days);
    }
    // growth per tenfold rises: the step from 100 TB to 1 PB exceeds the step from 100 GB to 1 TB
    const step = (a: number, b: number) => efforts[b]!.low_days - efforts[a]!.low_days;
    expect(step(4, 5)).toBeGreaterThan(step(1, 2));
    const [gb1, , tb1, , , , pb50] = efforts;
    // 1 GB, 50 tables, MySQL to PostgreSQL with zero downtime: the copy is minutes, so the fixed work
    // (inventory, schema, CDC set-up, checks, cutover) decides: two to seven person-weeks
    expect(gb1!.low_days).toBeGreaterThanOrEqual(10);
    expect(gb1!.high_days).toBeLessThanOrEqual(35);
    // 1 TB: the backfill runs for hours to a day per attempt and is rehearsed; a month or two of one person's work
    expect(tb1!.low_days).toBeGreaterThanOrEqual(20);
    expect(tb1!.high_days).toBeLessThanOrEqual(90);
    // 50 PB = 52,428,800 GB: even at 10 GB/s sustained the copy alone runs 5.2 million s, about 61 days,
    // attended throughout, and validation reads it all again: the low end must exceed 61 + the 1 GB plan's days
    expect(pb50!.low_days).toBeGreaterThan(61 + gb1!.low_days);
    // and stay a programme of months, not decades: under three person-years at the high end
    expect(pb50!.high_days).toBeLessThan(3 * 220);
  });

  it('grows the effort with the volume and the number of tables', () => {
    const small = planner.plan('mysql', 'postgresql', { data_volume: '10GB', tables: 10 });
    const large = planner.plan('mysql', 'postgresql', { data_volume: '20TB', tables: 800 });
    expect(large.total_effort.low_days).toBeGreaterThan(small.total_effort.low_days * 1.5);
    expect(large.risks.join(' ')).toMatch(/Over 10 TB/);
  });

  it('says when source_ddl could not be read, instead of assessing it as if it were empty', () => {
    const none = planner.plan('mysql', 'postgresql', { source_ddl: 'THIS IS NOT SQL' });
    expect(none.assumptions).toContain('source_ddl: nothing in it could be converted (1 unreadable statement in schema_conversion.unparsed), so the assessment ignores it; efforts assume about 50 tables');
    const part = planner.plan('mysql', 'postgresql', { source_ddl: 'CREATE TABLE a (id int PRIMARY KEY);\nGARBAGE;\nNONSENSE;', tables: 3 });
    expect(part.assumptions).toContain('source_ddl: 2 statements could not be read (schema_conversion.unparsed); the assessment counts only what was converted');
    expect(planner.plan('mysql', 'postgresql', { source_ddl: 'CREATE TABLE a (id int PRIMARY KEY);' }).assumptions.join(' ')).not.toMatch(/could not be read|could be converted/);
  });

  it('adapts the strategy to the downtime allowed and to change data capture', () => {
    expect(planner.plan('mysql', 'postgresql', { downtime: 'hours' }).strategy).toMatch(/^offline/);
    const dual = planner.plan('mysql', 'postgresql', { downtime: 'zero', cdc_available: false });
    expect(dual.strategy).toMatch(/dual writes/);
    expect(dual.phases[2]!.name).toBe('Parallel run with dual writes');
    expect(dual.risks.join(' ')).toMatch(/dual writes, which can diverge/);
  });

  it('refuses unknown systems with the closest names, and a pair of the same system', () => {
    try {
      planner.plan('mysqll', 'postgresql', {});
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(CoordinatorError);
      expect((err as CoordinatorError).details).toMatchObject({ field: 'source', rule: 'exists' });
      expect((err as CoordinatorError).details.suggestions).toContain('mysql');
    }
    expect(() => planner.plan('postgres', 'postgresql', {})).toThrow(/both PostgreSQL/);
    expect(() => planner.plan('mysql', 'postgresql', { data_volume: 'big' })).toThrow(/data_volume "big" is not a size/);
  });
});
