// Issue 17, part 1: the T-SQL schema grammar, clause by clause (checklist: docs/grammar/sqlserver.md).
// Each case converts a small script holding one clause, asserts what the clause became (a value read
// back from PostgreSQL, a change, an action item or a skipped note), and loads the output in PGlite.
// Expected values come from the T-SQL reference (CREATE TABLE, data types) and the PostgreSQL docs.
import { describe, expect, it } from 'vitest';
import { ddl as fixture } from '../helpers/fixtures.js';
import { action, type Case, colType, grammarHarness, rejects, rule, skippedFor } from '../helpers/grammar.js';

const convertAndLoad = grammarHarness('sqlserver', 'ss');

const cases: Case[] = [
  {
    // T-SQL ref, IDENTITY (seed, increment): first row gets seed, each next row seed + increment
    clause: 'IDENTITY(seed, increment)',
    sql: 'CREATE TABLE dbo.T (Id int IDENTITY(100,5) NOT NULL PRIMARY KEY, V varchar(5))\nGO',
    check: async (_r, q) => {
      await q("INSERT INTO t (v) VALUES ('a'), ('b')");
      expect(await q('SELECT id FROM t ORDER BY id')).toEqual([{ id: 100 }, { id: 105 }]);
    },
  },
  {
    // IDENTITY ... NOT FOR REPLICATION only matters to replication agents: dropped with a note
    clause: 'NOT FOR REPLICATION',
    sql: 'CREATE TABLE T (Id int IDENTITY(1,1) NOT FOR REPLICATION NOT NULL, Q int, CONSTRAINT CK_Q CHECK NOT FOR REPLICATION (Q > 0))\nGO',
    check: async (r, q) => {
      expect(rule(r, 'NOT FOR REPLICATION')).toBe(true);
      await rejects(q, 'INSERT INTO t (q) VALUES (0)', /ck_q/);
    },
  },
  {
    // computed column AS (expr) PERSISTED: stored and recomputed on write, as a PostgreSQL STORED generated column
    clause: 'computed column AS (expr) PERSISTED',
    sql: 'CREATE TABLE T (Qty int NOT NULL, Price decimal(9,2) NOT NULL, Total AS (Qty * Price) PERSISTED)\nGO',
    check: async (_r, q) => {
      await q('INSERT INTO t (qty, price) VALUES (3, 2.50)');
      expect(await q('SELECT total FROM t')).toEqual([{ total: '7.50' }]);
    },
  },
  {
    // a computed column without PERSISTED is virtual; PostgreSQL 15 has only STORED generated columns
    clause: 'computed column AS (expr), not persisted',
    sql: 'CREATE TABLE T (Name varchar(20), Up AS (UPPER(Name)))\nGO',
    check: async (r, q) => {
      expect(rule(r, 'virtual computed column -> STORED')).toBe(true);
      await q("INSERT INTO t (name) VALUES ('ann')");
      expect(await q('SELECT up FROM t')).toEqual([{ up: 'ANN' }]);
    },
  },
  {
    // ROWGUIDCOL only marks the column for FILESTREAM/merge replication; NEWID() -> gen_random_uuid()
    clause: 'ROWGUIDCOL with DEFAULT NEWID()',
    sql: 'CREATE TABLE T (Id int, G uniqueidentifier ROWGUIDCOL NOT NULL DEFAULT NEWID())\nGO',
    check: async (r, q) => {
      expect(rule(r, 'ROWGUIDCOL')).toBe(true);
      await q('INSERT INTO t (id) VALUES (1)');
      const [row] = await q<{ g: string }>('SELECT g::text AS g FROM t');
      expect(row!.g).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
    },
  },
  {
    // SPARSE optimises NULL storage; PostgreSQL already stores NULLs in a bitmap
    clause: 'SPARSE',
    sql: 'CREATE TABLE T (Id int, Note nvarchar(100) SPARSE NULL)\nGO',
    check: async (r, q) => {
      expect(rule(r, 'SPARSE')).toBe(true);
      expect(await colType(q, 't', 'note')).toBe('character varying(100)');
    },
  },
  {
    // FILESTREAM keeps varbinary(max) in files; the value itself fits bytea
    clause: 'FILESTREAM',
    sql: 'CREATE TABLE T (Id uniqueidentifier ROWGUIDCOL NOT NULL UNIQUE, Doc varbinary(max) FILESTREAM NULL) ON [PRIMARY] FILESTREAM_ON FsGroup\nGO',
    check: async (r, q) => {
      expect(rule(r, 'FILESTREAM')).toBe(true);
      expect(await colType(q, 't', 'doc')).toBe('bytea');
    },
  },
  {
    // column COLLATE: dropped, the database default collation applies (noted)
    clause: 'COLLATE',
    sql: 'CREATE TABLE T (Code varchar(10) COLLATE Latin1_General_CS_AS NOT NULL)\nGO',
    check: (r) => {
      expect(rule(r, 'COLLATE Latin1_General_CS_AS')).toBe(true);
    },
  },
  {
    // DEFAULT with a constraint name: the default applies, the name is dropped (PostgreSQL defaults have no names)
    clause: 'CONSTRAINT name DEFAULT (expr)',
    sql: "CREATE TABLE T (Id int, Status varchar(10) NOT NULL CONSTRAINT DF_T_Status DEFAULT ('new'))\nGO",
    check: async (r, q) => {
      expect(rule(r, 'DF_T_Status')).toBe(true);
      await q('INSERT INTO t (id) VALUES (1)');
      expect(await q('SELECT status FROM t')).toEqual([{ status: 'new' }]);
    },
  },
  {
    clause: 'CHECK constraint (named)',
    sql: 'CREATE TABLE T (Qty int, CONSTRAINT CK_T_Qty CHECK (Qty >= 0 AND Qty <= 100))\nGO',
    check: async (_r, q) => {
      await q('INSERT INTO t VALUES (100)');
      await rejects(q, 'INSERT INTO t VALUES (101)', /ck_t_qty/);
    },
  },
  {
    // PRIMARY KEY CLUSTERED with index options and a filegroup: the key stays, the storage words are noted
    clause: 'PRIMARY KEY CLUSTERED WITH (PAD_INDEX, FILLFACTOR) ON [PRIMARY]',
    sql: 'CREATE TABLE T (Id int NOT NULL, CONSTRAINT PK_T PRIMARY KEY CLUSTERED (Id ASC) WITH (PAD_INDEX = OFF, FILLFACTOR = 90, ALLOW_ROW_LOCKS = ON) ON [PRIMARY]) ON [PRIMARY]\nGO',
    check: async (r, q) => {
      expect(rule(r, 'CLUSTERED/NONCLUSTERED dropped')).toBe(true);
      expect(rule(r, 'FILLFACTOR = 90')).toBe(true);
      await q('INSERT INTO t VALUES (1)');
      await rejects(q, 'INSERT INTO t VALUES (1)', /pk_t/);
    },
  },
  {
    // the older spellings in the T-SQL grammar: WITH FILLFACTOR = n, column CHECK NOT FOR REPLICATION, ON "default"
    clause: 'WITH FILLFACTOR = n, CHECK NOT FOR REPLICATION, ON "default"',
    sql: 'CREATE TABLE T (Id int NOT NULL CONSTRAINT PK_T PRIMARY KEY CLUSTERED WITH FILLFACTOR = 90 ON [PRIMARY], Q int CHECK NOT FOR REPLICATION (Q > 0), CONSTRAINT UQ_T UNIQUE NONCLUSTERED (Q) WITH FILLFACTOR = 80)\nON "default"\nGO',
    check: async (r, q) => {
      expect(rule(r, 'WITH FILLFACTOR = 90')).toBe(true);
      await q('INSERT INTO t VALUES (1, 1)');
      await rejects(q, 'INSERT INTO t VALUES (2, 0)', /check constraint/);
      await rejects(q, 'INSERT INTO t VALUES (3, 1)', /uq_t/);
    },
  },
  {
    // ALTER TABLE ... ADD col ... DEFAULT x WITH VALUES: existing rows get x (PostgreSQL's ADD COLUMN ... DEFAULT does too)
    clause: 'ALTER TABLE ADD column DEFAULT ... WITH VALUES',
    sql: 'CREATE TABLE T (Id int)\nGO\nALTER TABLE T ADD D int NULL CONSTRAINT DF_T_D DEFAULT (5) WITH VALUES\nGO',
    check: async (r, q) => {
      expect(rule(r, 'WITH VALUES')).toBe(true);
      await q('INSERT INTO t (id) VALUES (1)');
      expect(await q('SELECT d FROM t')).toEqual([{ d: 5 }]);
    },
  },
  {
    clause: 'UNIQUE NONCLUSTERED WITH (...) ON filegroup',
    sql: 'CREATE TABLE T (Id int PRIMARY KEY, Code char(3), CONSTRAINT UQ_T_Code UNIQUE NONCLUSTERED (Code) WITH (FILLFACTOR = 80) ON [INDEXES])\nGO',
    check: async (_r, q) => {
      await q("INSERT INTO t VALUES (1, 'ABC')");
      await rejects(q, "INSERT INTO t VALUES (2, 'ABC')", /uq_t_code/);
    },
  },
  {
    // ON [filegroup] and TEXTIMAGE_ON place data on disk; PostgreSQL tablespaces are set up separately
    clause: 'ON [filegroup] TEXTIMAGE_ON [filegroup]',
    sql: 'CREATE TABLE T (Id int, Body nvarchar(max)) ON [DATA] TEXTIMAGE_ON [BLOBS]\nGO',
    check: (r) => {
      expect(rule(r, 'TEXTIMAGE_ON [BLOBS]')).toBe(true);
    },
  },
  {
    // ON partition_scheme (column): the table is created unpartitioned, with an action item
    clause: 'ON partition_scheme (column)',
    sql: 'CREATE TABLE T (Id int NOT NULL, D date NOT NULL) ON PS_ByYear (D)\nGO',
    check: async (r, q) => {
      expect(action(r, 'partitioning')?.reason).toContain('PS_ByYear');
      expect(await colType(q, 't', 'd')).toBe('date');
    },
  },
  {
    clause: 'WITH (DATA_COMPRESSION = PAGE)',
    sql: 'CREATE TABLE T (Id int) WITH (DATA_COMPRESSION = PAGE)\nGO',
    check: (r) => {
      expect(rule(r, 'DATA_COMPRESSION = PAGE')).toBe(true);
    },
  },
  {
    // temporal table: the period columns stay as timestamps, system versioning is an action item
    clause: 'PERIOD FOR SYSTEM_TIME, SYSTEM_VERSIONING',
    sql: `CREATE TABLE dbo.Price (Id int NOT NULL PRIMARY KEY, Amount money,
  ValidFrom datetime2 GENERATED ALWAYS AS ROW START NOT NULL, ValidTo datetime2 GENERATED ALWAYS AS ROW END NOT NULL,
  PERIOD FOR SYSTEM_TIME (ValidFrom, ValidTo)) WITH (SYSTEM_VERSIONING = ON (HISTORY_TABLE = dbo.PriceHistory))
GO`,
    check: async (r, q) => {
      expect(action(r, 'temporal_table')).toBeDefined();
      expect(rule(r, 'PERIOD FOR SYSTEM_TIME')).toBe(true);
      expect(await colType(q, 'price', 'validfrom')).toBe('timestamp(6) without time zone');
    },
  },
  {
    // GO ends a batch; "GO 5" repeats it five times, which a schema batch does once
    clause: 'GO and GO n batch separators',
    sql: 'CREATE TABLE A (Id int)\nGO\nCREATE TABLE B (Id int)\ngo 5\nCREATE TABLE C (Id int)',
    check: async (r, q) => {
      expect(skippedFor(r, 'go 5')?.reason).toContain('repeat count');
      expect(await q("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = current_schema()")).toEqual([{ n: 3 }]);
    },
  },
  {
    // [bracketed] and "quoted" names: spaces kept, case folded (unquoted T-SQL names are case-insensitive)
    clause: 'bracketed and quoted identifiers',
    sql: 'SET QUOTED_IDENTIFIER ON\nGO\nCREATE TABLE [Order Details] ([Order ID] int, "Unit Price" money, [Select] int)\nGO',
    check: async (_r, q) => {
      const cols = await q<{ attname: string }>(`SELECT attname FROM pg_attribute WHERE attrelid = '"order details"'::regclass AND attnum > 0 ORDER BY attnum`);
      expect(cols.map((c) => c.attname)).toEqual(['order id', 'unit price', 'select']);
    },
  },
  {
    // schema-qualified names: dbo is SQL Server's default schema and goes; another schema is dropped with a note
    // (decision in docs/grammar/sqlserver.md: one conversion per target schema, options.schema names it)
    clause: 'schema-qualified names [dbo].[T], [Sales].[T]',
    sql: 'CREATE TABLE [dbo].[Customer] (Id int PRIMARY KEY)\nGO\nCREATE TABLE [Sales].[Invoice] (Id int PRIMARY KEY, CustomerId int REFERENCES [dbo].[Customer] (Id))\nGO',
    check: async (r, q) => {
      expect(r.changes.find((c) => c.object === 'Sales.*')?.rule).toBe('source schema prefix dropped');
      expect(r.changes.some((c) => c.object === 'dbo.*')).toBe(false);
      expect(await q("SELECT count(*)::int AS n FROM pg_constraint WHERE contype = 'f' AND conrelid = 'invoice'::regclass")).toEqual([{ n: 1 }]);
    },
  },
  {
    clause: 'SET ANSI_NULLS / SET QUOTED_IDENTIFIER / USE',
    sql: 'USE [Shop]\nGO\nSET ANSI_NULLS ON\nGO\nSET QUOTED_IDENTIFIER ON\nGO\nCREATE TABLE T (Id int)\nGO',
    check: (r) => {
      expect(r.skipped.map((s) => s.reason)).toEqual([
        'database selection for the source client', 'session setting for the source client', 'session setting for the source client',
      ]);
    },
  },
  {
    clause: 'IF OBJECT_ID(...) IS NOT NULL DROP TABLE',
    sql: "IF OBJECT_ID(N'dbo.T', N'U') IS NOT NULL DROP TABLE dbo.T\nGO\nCREATE TABLE dbo.T (Id int)\nGO",
    check: (r) => {
      expect(skippedFor(r, 'IF OBJECT_ID')?.reason).toContain('conditional');
      expect(skippedFor(r, 'DROP TABLE')?.reason).toContain('DROP');
    },
  },
  {
    // ALTER TABLE ... WITH CHECK ADD CONSTRAINT ... FOREIGN KEY, then ALTER TABLE ... CHECK CONSTRAINT (a no-op here)
    clause: 'ALTER TABLE WITH CHECK ADD CONSTRAINT FOREIGN KEY; CHECK CONSTRAINT',
    sql: `CREATE TABLE P (Id int NOT NULL PRIMARY KEY)
GO
CREATE TABLE C (Id int PRIMARY KEY, PId int)
GO
ALTER TABLE [dbo].[C]  WITH CHECK ADD  CONSTRAINT [FK_C_P] FOREIGN KEY([PId]) REFERENCES [dbo].[P] ([Id]) ON DELETE CASCADE
GO
ALTER TABLE [dbo].[C] CHECK CONSTRAINT [FK_C_P]
GO`,
    check: async (r, q) => {
      expect(skippedFor(r, 'ALTER TABLE [dbo].[C] CHECK CONSTRAINT')).toBeDefined();
      await q('INSERT INTO p VALUES (1); INSERT INTO c VALUES (10, 1)');
      await rejects(q, 'INSERT INTO c VALUES (11, 2)', /fk_c_p/);
      await q('DELETE FROM p');
      expect(await q('SELECT count(*)::int AS n FROM c')).toEqual([{ n: 0 }]); // ON DELETE CASCADE
    },
  },
  {
    // WITH NOCHECK: existing rows were not checked -> NOT VALID (PostgreSQL then checks only new rows)
    clause: 'ALTER TABLE WITH NOCHECK ADD FOREIGN KEY',
    sql: 'CREATE TABLE P (Id int PRIMARY KEY)\nGO\nCREATE TABLE C (PId int)\nGO\nALTER TABLE C WITH NOCHECK ADD CONSTRAINT FK_C FOREIGN KEY (PId) REFERENCES P (Id)\nGO',
    check: async (_r, q) => {
      expect(await q("SELECT convalidated FROM pg_constraint WHERE conname = 'fk_c' AND connamespace = current_schema()::regnamespace")).toEqual([{ convalidated: false }]);
    },
  },
  {
    // T-SQL ALTER TABLE ... ADD CONSTRAINT name DEFAULT (expr) FOR column
    clause: 'ALTER TABLE ADD CONSTRAINT DF DEFAULT ... FOR column',
    sql: 'CREATE TABLE T (Id int, N int)\nGO\nALTER TABLE [dbo].[T] ADD CONSTRAINT [DF_T_N] DEFAULT ((7)) FOR [N]\nGO',
    check: async (_r, q) => {
      await q('INSERT INTO t (id) VALUES (1)');
      expect(await q('SELECT n FROM t')).toEqual([{ n: 7 }]);
    },
  },
  {
    // sp_addextendedproperty with @name = MS_Description is SQL Server's comment -> COMMENT ON
    clause: 'EXEC sys.sp_addextendedproperty MS_Description',
    sql: `CREATE TABLE dbo.T (Id int)
GO
EXEC sys.sp_addextendedproperty @name=N'MS_Description', @value=N'Table of things', @level0type=N'SCHEMA', @level0name=N'dbo', @level1type=N'TABLE', @level1name=N'T'
GO
EXEC sys.sp_addextendedproperty @name=N'MS_Description', @value=N'Key', @level0type=N'SCHEMA', @level0name=N'dbo', @level1type=N'TABLE', @level1name=N'T', @level2type=N'COLUMN', @level2name=N'Id'
GO
EXEC sys.sp_addextendedproperty @name=N'Owner', @value=N'ops', @level0type=N'SCHEMA', @level0name=N'dbo', @level1type=N'TABLE', @level1name=N'T'
GO`,
    check: async (r, q) => {
      expect(await q("SELECT obj_description('t'::regclass, 'pg_class') AS d, col_description('t'::regclass, 1) AS c")).toEqual([{ d: 'Table of things', c: 'Key' }]);
      expect(skippedFor(r, 'EXEC sys.sp_addextendedproperty @name=N\'Owner\'')?.reason).toContain('other than');
    },
  },
  {
    // CREATE INDEX with INCLUDE (...) and a WHERE filter: both exist in PostgreSQL (11+ for INCLUDE)
    clause: 'CREATE NONCLUSTERED INDEX ... INCLUDE (...) WHERE ...',
    sql: 'CREATE TABLE T (Id int, C int, Total money)\nGO\nCREATE NONCLUSTERED INDEX IX_T_C ON dbo.T (C DESC) INCLUDE (Total) WHERE Total IS NOT NULL WITH (FILLFACTOR = 70) ON [PRIMARY]\nGO',
    check: async (_r, q) => {
      const [ix] = await q<{ d: string }>("SELECT indexdef AS d FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 't'");
      expect(ix!.d).toMatch(/\(c DESC\) INCLUDE \(total\) WHERE \(total IS NOT NULL\)$/);
    },
  },
  {
    // CREATE TYPE name FROM base_type [NOT NULL]: an alias type -> a domain
    clause: 'CREATE TYPE ... FROM',
    sql: 'CREATE TYPE dbo.Flag FROM bit NOT NULL\nGO\nCREATE TABLE T (Id int, F dbo.Flag)\nGO',
    check: async (_r, q) => {
      expect(await q("SELECT typname, typnotnull, format_type(typbasetype, NULL) AS base FROM pg_type WHERE typname = 'flag' AND typnamespace = current_schema()::regnamespace"))
        .toEqual([{ typname: 'flag', typnotnull: true, base: 'boolean' }]);
    },
  },
  {
    // CREATE SEQUENCE with AS type, START, INCREMENT, MIN/NO MAXVALUE, CACHE
    clause: 'CREATE SEQUENCE',
    sql: 'CREATE SEQUENCE dbo.Nums AS int START WITH 1000 INCREMENT BY 10 MINVALUE 1 NO MAXVALUE CACHE 50\nGO',
    check: async (_r, q) => {
      expect(await q("SELECT nextval('nums')::int AS a, nextval('nums')::int AS b")).toEqual([{ a: 1000, b: 1010 }]);
    },
  },
  {
    // views are converted by another part of the converter; here: the statement parses and the view exists
    clause: 'CREATE VIEW',
    sql: 'CREATE TABLE T (Id int, Name varchar(9))\nGO\nCREATE VIEW dbo.vT AS SELECT Id, Name FROM dbo.T WHERE Id > 0\nGO',
    check: async (_r, q) => {
      await q("INSERT INTO t VALUES (1, 'a'), (0, 'b')");
      expect(await q('SELECT name FROM vt')).toEqual([{ name: 'a' }]);
    },
  },
  {
    // procedural code: an action item each, with the body kept in the statement
    clause: 'CREATE PROCEDURE / FUNCTION / TRIGGER',
    sql: `CREATE TABLE T (Id int)
GO
CREATE PROCEDURE dbo.AddT @id int AS BEGIN SET NOCOUNT ON; INSERT INTO dbo.T VALUES (@id); END
GO
CREATE FUNCTION dbo.Twice (@x int) RETURNS int AS BEGIN RETURN @x * 2; END
GO
CREATE TRIGGER dbo.trT ON dbo.T AFTER INSERT AS BEGIN SET NOCOUNT ON; PRINT 'x'; END
GO`,
    check: (r) => {
      const items = r.action_items.filter((a) => ['procedure', 'function', 'trigger'].includes(a.category));
      expect(items.map((a) => a.category).sort()).toEqual(['function', 'procedure', 'trigger']);
      expect(items.find((a) => a.category === 'procedure')!.statement).toContain('INSERT INTO dbo.T VALUES (@id)');
      expect(items.find((a) => a.category === 'function')!.statement).toContain('RETURN @x * 2');
    },
  },
  {
    // SQL Server's default collation is case-insensitive, LIKE included: a lowercase row passes there and here
    clause: 'LIKE in CHECK (character class -> ~*, plain -> ILIKE)',
    sql: "CREATE TABLE T (Code char(4) CHECK (Code LIKE '[A-Z][A-Z][0-9][0-9]'), Tag varchar(9) CHECK (Tag LIKE 'ab%'))\nGO",
    check: async (_r, q) => {
      await q("INSERT INTO t VALUES ('AB12', 'abc'), ('ab12', 'ABC')");
      await rejects(q, "INSERT INTO t VALUES ('A123', NULL)", /check constraint/);
      await rejects(q, "INSERT INTO t VALUES (NULL, 'xab')", /check constraint/);
    },
  },
];

describe('T-SQL CREATE TABLE and script clauses', () => {
  it.each(cases.map((c) => [c.clause, c] as const))('%s', async (_name, c) => {
    const { r, q } = await convertAndLoad(c.sql);
    await c.check(r, q);
  });
});

// T-SQL ref, "Data types (Transact-SQL)" for each source type; PostgreSQL format_type() spelling for the target.
// datetime, datetime2 and smalldatetime are not offset-aware: timestamp without time zone. datetime is accurate
// to 1/300 s (3 digits), datetime2 defaults to 7 digits (PostgreSQL keeps at most 6), smalldatetime to the minute.
const types: [string, string, string?][] = [
  ['datetime', 'timestamp(3) without time zone'],
  ['datetime2', 'timestamp(6) without time zone'],
  ['datetime2(3)', 'timestamp(3) without time zone'],
  ['smalldatetime', 'timestamp(0) without time zone'],
  ['datetimeoffset', 'timestamp(6) with time zone'],
  ['datetimeoffset(2)', 'timestamp(2) with time zone'],
  ['date', 'date'],
  ['time', 'time(6) without time zone'], // time defaults to 7 digits
  ['time(0)', 'time(0) without time zone'],
  ['money', 'numeric(19,4)'], // -922,337,203,685,477.5808 .. 922,337,203,685,477.5807
  ['smallmoney', 'numeric(10,4)'], // -214,748.3648 .. 214,748.3647
  ['bit', 'boolean'],
  ['uniqueidentifier', 'uuid'],
  ['nvarchar(max)', 'text'],
  ['varchar(max)', 'text'],
  ['nvarchar(40)', 'character varying(40)'],
  ['varchar', 'character varying(1)'], // "When n isn't specified in a data definition ... the default length is 1"
  ['nchar(4)', 'character(4)'],
  ['varbinary(max)', 'bytea'],
  ['binary(16)', 'bytea'],
  ['image', 'bytea'],
  ['text', 'text'],
  ['ntext', 'text'],
  ['xml', 'xml'],
  ['hierarchyid', 'text', 'data_type'],
  ['geography', 'bytea', 'spatial'],
  ['geometry', 'bytea', 'spatial'],
  ['sql_variant', 'text', 'data_type'],
  ['rowversion', 'bytea', 'concurrency'],
  ['timestamp', 'bytea', 'concurrency'], // T-SQL timestamp is the deprecated synonym of rowversion
  ['tinyint', 'smallint'],
  ['smallint', 'smallint'],
  ['int', 'integer'],
  ['bigint', 'bigint'],
  ['decimal', 'numeric(18,0)'], // default precision 18, scale 0
  ['decimal(9,2)', 'numeric(9,2)'],
  ['numeric(5)', 'numeric(5,0)'],
  ['float(24)', 'real'], // n 1..24: 4 bytes, 7 digits
  ['float(53)', 'double precision'],
  ['float', 'double precision'], // default n is 53
  ['real', 'real'], // real = float(24)
  ['sysname', 'character varying(128)'],
];

describe('T-SQL data types', () => {
  it.each(types)('%s -> %s', async (src, pgType, category) => {
    const { r, q } = await convertAndLoad(`CREATE TABLE T (Id int, C ${src} NULL)\nGO`);
    expect(await colType(q, 't', 'c')).toBe(pgType);
    if (category) expect(r.action_items.find((a) => a.object === 'T.C')?.category).toBe(category);
    else expect(r.action_items).toEqual([]);
  });

  it('keeps tinyint to 0..255 with a CHECK (T-SQL tinyint is unsigned, one byte)', async () => {
    const { q } = await convertAndLoad('CREATE TABLE T (B tinyint)\nGO');
    await q('INSERT INTO t VALUES (0), (255)');
    await rejects(q, 'INSERT INTO t VALUES (256)', /check constraint/);
    await rejects(q, 'INSERT INTO t VALUES (-1)', /check constraint/);
  });

  it('keeps datetime values as written (no time zone shift)', async () => {
    const { q } = await convertAndLoad('CREATE TABLE T (D datetime, O datetimeoffset)\nGO');
    await q("SET TIME ZONE 'America/New_York'; INSERT INTO t VALUES ('2024-03-01 10:30:00', '2024-03-01 10:30:00+02:00'); SET TIME ZONE 'UTC'");
    expect(await q("SELECT d::text AS d, o::text AS o FROM t")).toEqual([{ d: '2024-03-01 10:30:00', o: '2024-03-01 08:30:00+00' }]);
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

describe('a realistic T-SQL script (tests/fixtures/ddl/grammar-shop.sqlserver.sql, written for these tests)', () => {
  it('converts with every table, column and foreign key of the script present in PostgreSQL', async () => {
    const { r, q } = await convertAndLoad(fixture('grammar-shop.sqlserver.sql'));
    // read off the script by hand: seven CREATE TABLE statements' columns and four ALTER TABLE ... FOREIGN KEY
    const { tables, fks } = await catalog(q);
    expect(tables).toEqual({
      auditlog: ['auditid', 'loggedat', 'username', 'tablename', 'payload', 'origin', 'extra', 'node'],
      customer: ['customerid', 'firstname', 'lastname', 'fullname', 'email', 'regionid', 'notes', 'creditlimit', 'rowguid', 'modifieddate'],
      orderheader: ['orderid', 'invoiceno', 'customerid', 'orderdate', 'shipdate', 'paidat', 'status', 'onlineorder', 'subtotal', 'tax', 'freight', 'totaldue', 'comment'],
      orderline: ['orderid', 'lineno', 'productid', 'qty', 'unitprice', 'discount', 'linetotal'],
      product: ['productid', 'code', 'name', 'color', 'listprice', 'standardcost', 'margin', 'weightkg', 'sellstart', 'sellend', 'photo', 'spec', 'rowver'],
      region: ['regionid', 'name', 'isactive', 'modifieddate'],
    });
    expect(fks).toEqual(['customer -> region', 'orderheader -> customer', 'orderline -> orderheader', 'orderline -> product']);
    // procedure and trigger are action items; the view is created
    expect(r.action_items.map((a) => a.category)).toEqual(expect.arrayContaining(['procedure', 'trigger', 'spatial', 'concurrency']));
    await q(`INSERT INTO region (regionid, name) VALUES (1, 'North');
      INSERT INTO customer (firstname, lastname, email, regionid) VALUES ('Ada', 'King', 'ada@example.org', 1);
      INSERT INTO product (code, name, listprice, standardcost, sellstart) VALUES ('ab-123', 'Tent', 250.00, 180.00, '2024-01-01');
      INSERT INTO orderheader (customerid, subtotal, tax, freight) VALUES (1, 250.00, 20.00, 5.50);
      INSERT INTO orderline (orderid, lineno, productid, qty, unitprice, discount) VALUES (1, 1, 100, 2, 125.00, 0.10)`);
    // computed columns, sequence default, identity seed 100, IsActive default ((1)) through the Flag domain
    expect(await q(`SELECT c.fullname, p.productid, p.margin::text, h.invoiceno, h.totaldue::text, round(l.linetotal, 2)::text AS linetotal, r.isactive
      FROM customer c, product p, orderheader h, orderline l, region r`)).toEqual([
      { fullname: 'Ada King', productid: 100, margin: '70.0000', invoiceno: 10000, totaldue: '275.5000', linetotal: '225.00', isactive: true },
    ]);
    expect(await q('SELECT orderid FROM vopenorders')).toEqual([{ orderid: 1 }]);
    await rejects(q, "INSERT INTO orderheader (customerid, status) VALUES (1, 7)", /ck_orderheader_status/);
    await q('DELETE FROM orderheader');
    expect(await q('SELECT count(*)::int AS n FROM orderline')).toEqual([{ n: 0 }]); // ON DELETE CASCADE
    expect(await q("SELECT obj_description('customer'::regclass, 'pg_class') AS d")).toEqual([{ d: 'Customers of the shop, one row per person.' }]);
  });
});
