import type {
  AlterAction, AlterTable, ColumnDef, CommentOn, ConstraintDef, CreateIndex, CreateSequence, CreateTable, CreateTrigger, CreateType,
  CreateView, Expr, ExtendedProperty, IndexCol, InsertStmt, PartitionSpec, QName, Statement, TypeRef, Unsupported,
} from './ast.js';
import { convertInsert, DataError } from './data.js';
import type { Dialect, Token } from './lexer.js';
import { NameRegistry, pgName, quoteIdent, quoteLiteral } from './names.js';
import { ParseError, parseStatement } from './parser.js';
import { inferKind, kindToPgType, printExpr, Unconvertible, type ExprCtx } from './pgexpr.js';
import { splitStatements } from './splitter.js';
import { isIntegerKind, isNumericKind, isStringKind, mapType, sameTypeText, type Complexity, type MappedType, type TypeKind } from './types.js';
import { convertViewBody } from './views.js';

export type SourceDialect = 'mysql' | 'mariadb' | 'sqlserver' | 'oracle';

export type Change = {
  object: string;
  from: string;
  to: string;
  rule: string;
};

export type ActionItem = {
  object: string;
  category: string;
  reason: string;
  recommended_action: string;
  complexity: 'simple' | 'medium' | 'significant';
  effort: 'under 2h' | '2-6h' | 'over 6h';
  statement?: string;
};

export type KindSummary = {
  found: number;
  converted: number;
  needing_action: number;
};

export type ConversionResult = {
  from: SourceDialect;
  to: 'postgresql';
  ddl: string;
  changes: Change[];
  action_items: ActionItem[];
  unparsed: { statement: string; error: string }[];
  skipped: { statement: string; reason: string }[];
  summary: {
    objects_found: number;
    converted_automatically: number;
    needing_action: number;
    by_kind: Record<string, KindSummary>;
  };
  /** Set by convertSchemaChecked: whether the DDL was run in PostgreSQL (PGlite) and with what. */
  validation?: { checked: true; validated_with: string; statements: number; rejected: number; ms: number } | { checked: false; reason: string };
};

/** A converted table under its source and PostgreSQL names: what a migration plan validates on each side. */
export interface ConvertedTable {
  source: string;
  name: string;
  /** The first primary-key column, if there is a key. */
  key?: string;
  columns: { source: string; name: string; kind: TypeKind }[];
}
const CONVERTED = new WeakMap<ConversionResult, ConvertedTable[]>();
/** The tables of a conversion (kept beside the result, not in its JSON). */
export const convertedTables = (r: ConversionResult): ConvertedTable[] => CONVERTED.get(r) ?? [];

const EFFORT: Record<Complexity, ActionItem['effort']> = { simple: 'under 2h', medium: '2-6h', significant: 'over 6h' };
const MAX_STATEMENT = 4000;

interface ColModel {
  src: string;
  name: string;
  type: string;
  kind: TypeKind;
  srcType: string;
  notNull: boolean;
  default?: string;
  identity?: { always: boolean; start?: string; increment?: string };
  generated?: string;
  inlinePk: boolean;
  comment?: string;
  onUpdate: boolean;
}

interface KeyModel {
  name?: string;
  cols: string[];
  deferrable?: string;
  inline?: boolean;
}

interface TableModel {
  key: string;
  src: string;
  name: string;
  /** Known only through ALTER/INDEX statements: constraints and columns are emitted as ALTER TABLE. */
  stub: boolean;
  columns: ColModel[];
  pk?: KeyModel;
  uniques: KeyModel[];
  checks: { name?: string; expr: string; rangeOf?: string }[];
  comment?: string;
  ifNotExists: boolean;
  like?: string;
  autoIncrementStart?: string;
  /** MySQL PARTITION BY that may map onto declarative partitioning (decided when the script is written). */
  partition?: { spec: PartitionSpec; raw: string; stmt: string };
  emitted: boolean;
}

interface FkModel {
  table: string;
  tableKey: string;
  name?: string;
  cols: string[];
  refKey: string;
  refName: string;
  refCols?: string[];
  onDelete?: string;
  onUpdate?: string;
  deferrable?: string;
  notValid: boolean;
  object: string;
}

interface IndexModel {
  name: string;
  tableKey: string;
  table: string;
  unique: boolean;
  cols: string[];
  /** Plain column names, for duplicate detection against constraints. */
  plainCols: string[];
  method?: string;
  include?: string[];
  where?: string;
  object: string;
}

interface ViewModel {
  key: string;
  name: string;
  sql?: string;
  comments: string[];
}

function unwrap(e: Expr): Expr {
  let x = e;
  while (x.t === 'paren') x = x.e;
  return x;
}

const truncate = (s: string, n = MAX_STATEMENT) => (s.length > n ? `${s.slice(0, n)}… (${s.length} characters)` : s);

/** Source types whose values compare by collation (the case-insensitive unique-key check). */
const TEXT_TYPES = new Set(['CHAR', 'VARCHAR', 'TINYTEXT', 'TEXT', 'MEDIUMTEXT', 'LONGTEXT', 'NCHAR', 'NVARCHAR', 'CHARACTER', 'ENUM']);

export class Converter {
  private changes: Change[] = [];
  private actions: ActionItem[] = [];
  private unparsed: ConversionResult['unparsed'] = [];
  private skipped: ConversionResult['skipped'] = [];
  private objects = new Map<string, { kind: string; action: boolean }>();
  private names = new NameRegistry();
  private tables = new Map<string, TableModel>();
  private tableOrder: TableModel[] = [];
  private enums: { name: string; values: string[] }[] = [];
  private domains = new Map<string, { name: string; sql: string; mapped: MappedType }>();
  private sequences = new Map<string, { st: CreateSequence; name: string; absorbed: boolean }>();
  private indexes: IndexModel[] = [];
  private fks: FkModel[] = [];
  private views = new Map<string, ViewModel>();
  private viewOrder: ViewModel[] = [];
  private tailComments: string[] = [];
  /** INSERT statements, converted in finish() once every table is known. */
  private inserts: InsertStmt[] = [];
  /**
   * Each INSERT's table as it stood when the INSERT ran: the table (which a later RENAME TABLE
   * renames) and its columns in their order then (a later ADD COLUMN ... AFTER or DROP COLUMN
   * changes the final list; a positional INSERT means the columns of its own moment).
   */
  private insertTables = new Map<InsertStmt, { table: TableModel; columns: TableModel['columns'] }>();
  private schemas = new Set<string>();
  private lowered = new Set<string>();
  private src = '';

  constructor(
    private readonly dialect: Dialect,
    private readonly from: SourceDialect,
    private readonly schema?: string,
  ) {}

  // ------------------------------------------------------------ bookkeeping

  private found(kind: string, name: string): void {
    const key = `${kind}\u0000${name.toLowerCase()}`;
    if (!this.objects.has(key)) this.objects.set(key, { kind, action: false });
  }

  private flag(kind: string, name: string): void {
    this.found(kind, name);
    this.objects.get(`${kind}\u0000${name.toLowerCase()}`)!.action = true;
  }

  private change(object: string, from: string, to: string, rule: string): void {
    this.changes.push({ object, from, to, rule });
  }

  private action(kind: string, object: string, category: string, reason: string, recommended: string, complexity: Complexity, statement?: string): void {
    this.flag(kind, object);
    const item: ActionItem = { object, category, reason, recommended_action: recommended, complexity, effort: EFFORT[complexity] };
    if (statement) item.statement = truncate(statement);
    this.actions.push(item);
  }

  private q(name: string): string {
    return this.schema ? `${quoteIdent(this.schema)}.${quoteIdent(name)}` : quoteIdent(name);
  }

  /** Downcases a source identifier, recording the change once when the case differs. */
  private ident(srcName: string, object: string): string {
    const name = pgName(srcName);
    if (name !== srcName && !this.lowered.has(object.toLowerCase())) {
      this.lowered.add(object.toLowerCase());
      if (name !== srcName.toLowerCase()) this.change(object, srcName, name, 'identifier truncated to 63 bytes');
      else if (!(this.dialect !== 'mysql' && srcName === srcName.toUpperCase())) {
        this.change(object, srcName, name, 'identifier downcased');
      }
    }
    return name;
  }

  private qnameKey(q: QName): string {
    if (q.schema && !/^(dbo)$/i.test(q.schema.name)) {
      const schema = q.schema.name.toLowerCase();
      if (!this.schemas.has(schema)) {
        this.schemas.add(schema);
        this.change(`${q.schema.name}.*`, `${q.schema.name}.`, this.schema ? `${this.schema}.` : '(no prefix)', this.schema ? 'source schema mapped to options.schema' : 'source schema prefix dropped');
      }
    } else if (q.schema) this.schemas.add(q.schema.name.toLowerCase());
    return q.name.name.toLowerCase();
  }

  // -------------------------------------------------------------- entry

  run(src: string): ConversionResult {
    this.src = src;
    const raws = splitStatements(src, this.dialect);
    const parsed: Statement[] = [];
    for (const raw of raws) {
      if (raw.lexError) {
        this.unparsed.push({ statement: truncate(raw.text), error: raw.lexError });
        continue;
      }
      if (raw.skipReason) {
        this.skipped.push({ statement: truncate(raw.text, 300), reason: raw.skipReason });
        continue;
      }
      try {
        const st = parseStatement(raw.tokens, this.dialect, src);
        if (st.kind === 'skip') this.skipped.push({ statement: truncate(st.raw, 300), reason: st.reason });
        else parsed.push(st);
      } catch (err) {
        if (!(err instanceof Error)) throw err;
        const internal = err instanceof ParseError ? '' : 'parser failure: ';
        this.unparsed.push({ statement: truncate(raw.text), error: internal + err.message });
      }
    }
    // Tables, views and sequences keep their names; derived names (indexes, types) yield to them.
    for (const st of parsed) {
      if (st.kind === 'create_table' || st.kind === 'create_view' || st.kind === 'create_sequence') this.names.reserve(pgName(st.name.name.name));
    }
    for (const st of parsed) {
      try {
        this.handle(st);
      } catch (err) {
        // A defect in one statement must not lose the rest of the script.
        if (!(err instanceof Error)) throw err;
        this.unparsed.push({ statement: truncate(st.raw), error: `conversion failed: ${err.message}` });
      }
    }
    return this.finish();
  }

  private handle(st: Statement): void {
    switch (st.kind) {
      case 'create_table':
        return this.createTable(st);
      case 'create_index':
        return this.createIndex(st);
      case 'alter_table':
        return this.alterTable(st);
      case 'create_sequence':
        return this.createSequence(st);
      case 'create_trigger':
        return this.createTrigger(st);
      case 'create_routine':
        return this.createRoutine(st.objectKind, st.name.name.name, st.raw);
      case 'create_view':
        return this.createView(st);
      case 'comment':
        return this.comment(st);
      case 'ext_property':
        return this.extProperty(st);
      case 'create_type':
        return this.createType(st);
      case 'skip':
        this.skipped.push({ statement: truncate(st.raw, 300), reason: st.reason });
        return;
      case 'unsupported':
        if (st.dataTarget && !this.inserts.some((i) => this.qnameKey(i.table) === this.qnameKey(st.dataTarget!))) {
          // An install script clearing its tables first: no row of the table is loaded yet, so nothing changes.
          this.skipped.push({ statement: truncate(st.raw, 300), reason: `${st.name.replace(/ statement$/, '')} before any row of ${st.dataTarget.name.name} is loaded by this script: in the new database it changes nothing` });
          return;
        }
        return this.unsupported(st);
      case 'insert':
        for (const one of [st, ...(st.also ?? [])]) {
          this.inserts.push(one);
          const t = this.tables.get(this.qnameKey(one.table));
          if (t) this.insertTables.set(one, { table: t, columns: [...t.columns] });
        }
        return;
    }
  }

  // -------------------------------------------------------------- tables

  private newTable(key: string, srcName: string, stub: boolean): TableModel {
    const t: TableModel = {
      key, src: srcName, name: this.ident(srcName, srcName), stub, columns: [], uniques: [], checks: [], ifNotExists: false, emitted: false,
    };
    this.names.reserve(t.name);
    this.tables.set(key, t);
    this.tableOrder.push(t);
    return t;
  }

  private tableFor(q: QName): TableModel {
    const key = this.qnameKey(q);
    return this.tables.get(key) ?? this.newTable(key, q.name.name, true);
  }

  private createTable(st: CreateTable): void {
    const key = this.qnameKey(st.name);
    const srcName = st.name.name.name;
    this.found('table', srcName);
    const existing = this.tables.get(key);
    if (existing && !existing.stub) {
      this.change(srcName, 'second CREATE TABLE', 'last definition kept', 'table defined twice in the script');
      this.action('table', srcName, 'table', `table ${srcName} is defined twice (in two schemas, or twice in one script): only the last definition was kept, and keys that name it point there`,
        'Keep both under distinct names or in PostgreSQL schemas of their own (one conversion per source schema, with the schema option), then check the foreign keys', 'simple', st.raw);
      this.tableOrder = this.tableOrder.filter((t) => t !== existing);
      this.tables.delete(key);
    }
    if (st.asSelect) {
      this.omit(srcName);
      this.action('table', srcName, 'table', 'CREATE TABLE ... AS SELECT: the query has to be converted and its column types checked', 'Rewrite the SELECT for PostgreSQL (CREATE TABLE ... AS), or declare the columns explicitly', 'simple', st.raw);
      return;
    }
    const t = existing?.stub ? existing : this.newTable(key, srcName, false);
    t.stub = false;
    t.ifNotExists = st.ifNotExists;
    if (st.like) {
      const other = this.tables.get(this.qnameKey(st.like));
      t.like = other ? other.name : pgName(st.like.name.name);
      this.change(srcName, `LIKE ${st.like.name.name}`, `(LIKE ${t.like} INCLUDING ALL)`, 'create table like');
      return;
    }
    if (st.temporary) {
      this.action('table', srcName, 'table', `${st.temporary} table: PostgreSQL temporary tables exist per session and are not part of the schema`, 'Create it as a regular or UNLOGGED table, or create the temporary table in the sessions that use it', 'simple');
    }
    if (st.external) {
      this.action('table', srcName, 'table', 'ORGANIZATION EXTERNAL table reads files outside the database', 'Use file_fdw or load the file with COPY', 'medium', st.raw);
    }
    if (st.partition && st.partitionSpec && !st.partitionSpec.subpartitioned) {
      t.partition = { spec: st.partitionSpec, raw: st.partition, stmt: st.raw };
    } else if (st.partition) {
      if (st.partitionWhy) this.change(srcName, st.partition.slice(0, 200), '(unpartitioned)', `partitioning not mapped: ${st.partitionWhy}`);
      this.action('table', srcName, 'partitioning', `partitioned table: ${st.partition.slice(0, 200)}`, 'Declare the table PARTITION BY RANGE/LIST/HASH in PostgreSQL and create each partition; the table was created unpartitioned', 'medium', st.raw);
    }
    if (st.systemVersioning) {
      this.action('table', srcName, 'temporal_table', 'system-versioned (temporal) table: PostgreSQL has no built-in system versioning', 'Keep history with a trigger-maintained history table or the temporal_tables extension', 'medium');
    }
    for (const def of st.columns) this.addColumn(t, def);
    for (const def of st.columns) for (const c of def.constraints) this.addConstraint(t, c, def.name.name);
    for (const c of st.constraints) this.addConstraint(t, c);
    this.resolveGenerated(t, st.columns);
    if (st.droppedOptions.length) {
      const org = st.droppedOptions.find((o) => /^ORGANIZATION\s+INDEX/i.test(o));
      if (org) this.change(srcName, org, '(heap table)', 'index-organized table dropped: PostgreSQL tables are heaps; CLUSTER on the primary key once if physical order matters');
      const rest = st.droppedOptions.filter((o) => o !== org);
      if (rest.length) this.change(srcName, rest.join(' '), '', 'table options dropped (engine, charset, collation, storage, tablespace)');
    }
    if (st.comment !== undefined) {
      t.comment = st.comment;
      this.found('comment', `${srcName}`);
      this.change(srcName, `COMMENT='${st.comment.slice(0, 60)}'`, 'COMMENT ON TABLE', 'table comment -> COMMENT ON TABLE');
    }
    if (st.autoIncrement) this.setAutoIncrement(t, st.autoIncrement);
    const collations = st.columns.filter((c) => c.collate || c.charset).map((c) => `${c.name.name} ${[c.charset && `CHARACTER SET ${c.charset}`, c.collate && `COLLATE ${c.collate}`].filter(Boolean).join(' ')}`);
    if (collations.length) this.change(srcName, collations.join(', '), '(database default collation)', 'column character sets and collations dropped');
    // A key on a case-insensitive column (MySQL *_ci, SQL Server *_CI_*) no longer stops 'A@x' next
    // to 'a@x'. In MySQL and MariaDB text compares case-insensitively unless a _bin or _cs collation
    // (of the column, else of the table) says otherwise; SQL Server installs default to a *_CI_AS
    // collation too (the database's, which a script does not show).
    const mysqlish = this.dialect === 'mysql' || this.dialect === 'sqlserver'; // MariaDB too
    const tableCollate = /COLLATE\s*=?\s*([\w]+)/i.exec(st.droppedOptions.join(' '))?.[1];
    const caseInsensitive = (c: (typeof st.columns)[number]) => {
      if (c.binary) return false;
      if (c.collate) return /_ci(?:_|$)/i.test(c.collate);
      if (!mysqlish || !c.type || !TEXT_TYPES.has(c.type.name.toUpperCase())) return false;
      return tableCollate ? /_ci(?:_|$)/i.test(tableCollate) : !/bin/i.test(c.charset ?? '');
    };
    for (const col of st.columns.filter(caseInsensitive)) {
      const name = col.name.name.toLowerCase();
      const keyed = col.constraints.some((k) => k.kind === 'unique' || k.kind === 'primary_key')
        || st.constraints.some((k) => (k.kind === 'unique' || k.kind === 'primary_key') && k.columns.some((x) => x.col?.name.toLowerCase() === name));
      if (keyed) {
        this.action('column', `${srcName}.${col.name.name}`, 'collation',
          `${col.name.name} is compared case-insensitively in the source (${col.collate ? `COLLATE ${col.collate}` : tableCollate ? `table COLLATE ${tableCollate}` : this.dialect === 'sqlserver' ? "the database's collation, case-insensitive by default" : 'the default collation'}) and is part of a unique key; PostgreSQL compares text case-sensitively, so values that differ only in case would no longer collide`,
          'Make the column citext (CREATE EXTENSION citext) or enforce the key with a unique index on lower(column)', 'simple');
      }
    }
  }

  private setAutoIncrement(t: TableModel, value: string): void {
    t.autoIncrementStart = value;
    const col = t.columns.find((c) => c.identity);
    if (col) {
      col.identity!.start = value;
      this.change(t.src, `AUTO_INCREMENT=${value}`, `${col.name} GENERATED BY DEFAULT AS IDENTITY (START WITH ${value})`, 'table AUTO_INCREMENT -> identity START WITH');
    } else {
      this.change(t.src, `AUTO_INCREMENT=${value}`, '', 'table AUTO_INCREMENT dropped: no auto-increment column');
    }
  }

  private colKindLookup(t: TableModel): (name: string) => TypeKind | undefined {
    return (name: string) => t.columns.find((c) => c.name === name)?.kind;
  }

  private exprCtx(t: TableModel): ExprCtx {
    return { dialect: this.dialect, notes: [], colKind: this.colKindLookup(t) };
  }

  private addColumn(t: TableModel, def: ColumnDef): ColModel {
    const obj = `${t.src}.${def.name.name}`;
    this.found('column', obj);
    // MySQL's ADD COLUMN ... AFTER x / FIRST: the table is written whole at the end, so the column
    // takes its place there (and a positional INSERT after it fills the columns in that order).
    let at = -1;
    const where = def.dropped.findIndex((d) => / \(column position\)$/.test(d));
    if (where >= 0) {
      const after = /^AFTER (.+) \(column position\)$/.exec(def.dropped[where]!);
      if (!after) at = 0;
      else {
        const i = t.columns.findIndex((c) => c.name === pgName(after[1]!));
        if (i >= 0) at = i + 1;
      }
      if (at >= 0) def.dropped.splice(where, 1);
    }
    const col = this.buildColumn(t, def, obj);
    if (at >= 0) {
      t.columns.splice(at, 0, col);
      this.change(obj, at === 0 ? 'FIRST' : `AFTER ${t.columns[at - 1]!.src}`, `column ${at + 1} of ${t.name}`, 'column position kept: the table is created with its final column order');
    } else t.columns.push(col);
    return col;
  }

  private buildColumn(t: TableModel, def: ColumnDef, obj: string): ColModel {
    const name = this.ident(def.name.name, obj);
    const col: ColModel = { src: def.name.name, name, type: '', kind: 'other', srcType: def.type?.raw ?? '', notNull: def.notNull === true, inlinePk: false, onUpdate: false };
    let mapped: MappedType | undefined;
    if (def.type) {
      const domain = this.domains.get(def.type.name.toLowerCase());
      if (domain && !def.type.args.length) {
        mapped = { ...domain.mapped, pg: this.q(domain.name), rule: 'alias type -> domain', notes: [] };
      } else mapped = mapType(def.type, this.dialect);
      col.kind = mapped.kind;
      col.type = mapped.pg;
      if (mapped.kind === 'enum' || mapped.kind === 'set') {
        const typeName = this.names.claim(pgName(`${t.name}_${name}`));
        this.enums.push({ name: typeName, values: mapped.values ?? [] });
        col.type = this.q(typeName) + (mapped.kind === 'set' ? '[]' : '');
        this.found('type', typeName);
        const rule = mapped.kind === 'enum'
          ? `enum -> CREATE TYPE ${typeName} AS ENUM (placed before the table)`
          : `set -> ${typeName}[] (array of an enum type; a SET value 'a,b' loads as '{a,b}')`;
        this.change(obj, truncate(def.type.raw, 120), col.type, rule);
      } else if ((!sameTypeText(def.type.raw, col.type) || mapped.notes.length) && !def.autoIncrement && !def.identity) {
        this.change(obj, def.type.raw, col.type, [mapped.rule, ...mapped.notes].join('; '));
      }
      if (mapped.action) this.action('column', obj, mapped.action.category, mapped.action.reason, mapped.action.recommended, mapped.action.complexity);
      if (mapped.range && !def.autoIncrement && !def.identity && !t.checks.some((k) => k.rangeOf === name)) {
        t.checks.push({ expr: `${quoteIdent(name)} BETWEEN ${mapped.range[0]} AND ${mapped.range[1]}`, rangeOf: name });
      }
      if (this.dialect === 'sqlserver' && /^(ROWVERSION|TIMESTAMP)$/.test(def.type.name)) {
        this.action('column', obj, 'concurrency', 'rowversion/timestamp column: SQL Server updates it on every write, PostgreSQL will not', 'If the application uses it for optimistic locking, use the xmin system column or a trigger that bumps a version number', 'simple');
        if (col.notNull) {
          // SQL Server fills a rowversion itself, so INSERTs never name it: NOT NULL would refuse every row
          col.notNull = false;
          this.change(obj, `${def.type.raw} NOT NULL`, col.type, 'NOT NULL dropped: SQL Server fills rowversion itself and INSERTs leave it out');
        }
      }
    }
    // MySQL 8 ref, Numeric Data Type Syntax: UNSIGNED disallows negative values. The wider
    // PostgreSQL type takes the range; a CHECK keeps the rule. (tinyint(1) became boolean: no sign.)
    // ZEROFILL implies UNSIGNED (MySQL 8 ref, Numeric Data Type Syntax).
    if ((def.type?.unsigned || def.type?.zerofill) && mapped && isNumericKind(mapped.kind)) {
      const expr = `${quoteIdent(name)} >= 0`;
      if (!t.checks.some((k) => k.expr === expr)) t.checks.push({ expr });
      this.change(obj, 'UNSIGNED', `CHECK (${expr})`, 'UNSIGNED -> CHECK (column >= 0): PostgreSQL has no unsigned types, the check keeps out negative values');
    }
    // MySQL 8 ref, The YEAR Type: values 1901 to 2155, or 0 (displayed 0000).
    if (this.dialect === 'mysql' && def.type?.name === 'YEAR' && mapped && isIntegerKind(mapped.kind)) {
      const expr = `${quoteIdent(name)} = 0 OR ${quoteIdent(name)} BETWEEN 1901 AND 2155`;
      if (!t.checks.some((k) => k.expr === expr)) t.checks.push({ expr });
    }
    if (def.binary) {
      this.change(obj, 'BINARY', '(default collation)', "BINARY attribute (the _bin collation: values compare by their bytes, so case matters) dropped: PostgreSQL's default deterministic collation already tells 'A' from 'a'");
    }
    if (def.namedNotNull) this.change(obj, `CONSTRAINT ${def.namedNotNull} NOT NULL`, 'NOT NULL', 'named NOT NULL constraint -> NOT NULL (name dropped)');
    if (def.dropped.length) this.change(obj, def.dropped.join(' '), '', 'column options without a PostgreSQL equivalent dropped');

    if (def.autoIncrement || def.identity) {
      this.makeIdentity(col, def, obj, mapped);
    }
    if (def.default && !col.identity) this.applyDefault(t, col, def.default, def.defaultRaw ?? '', obj, mapped);
    if (def.defaultOnNull) this.change(obj, 'DEFAULT ON NULL', 'DEFAULT', 'DEFAULT ON NULL -> DEFAULT: an explicit NULL is no longer replaced by the default');
    if (def.onUpdate) {
      const e = def.onUpdate.toUpperCase();
      if (/^(CURRENT_TIMESTAMP|NOW|LOCALTIMESTAMP|LOCALTIME)\b/.test(e)) {
        col.onUpdate = true;
        this.change(obj, `ON UPDATE ${def.onUpdate}`, `BEFORE UPDATE trigger ${pgName(`${t.name}_on_update`)}`, 'on update current_timestamp -> trigger (sets the column unless the UPDATE changes it)');
      } else {
        this.action('column', obj, 'trigger', `ON UPDATE ${def.onUpdate} has no PostgreSQL column equivalent`, 'Write a BEFORE UPDATE trigger', 'simple');
      }
    }
    if (def.comment !== undefined) {
      col.comment = def.comment;
      this.found('comment', obj);
      this.change(obj, `COMMENT '${def.comment.slice(0, 60)}'`, 'COMMENT ON COLUMN', 'column comment -> COMMENT ON COLUMN');
    }
    return col;
  }

  private makeIdentity(col: ColModel, def: ColumnDef, obj: string, mapped: MappedType | undefined): void {
    const from = def.autoIncrement ? `${def.type?.raw ?? ''} AUTO_INCREMENT` : `${def.type?.raw ?? ''} ${def.identity!.raw}`;
    const notes: string[] = [];
    if (mapped?.unsignedBig) {
      col.type = 'bigint';
      col.kind = 'bigint';
      notes.push('bigint unsigned identity -> bigint: values above 2^63-1 (9223372036854775807) would not fit');
    } else if (!isIntegerKind(col.kind)) {
      notes.push(`identity needs an integer type: ${col.type || 'untyped'} -> bigint`);
      col.type = 'bigint';
      col.kind = 'bigint';
    }
    const id = def.identity;
    col.identity = { always: !!id?.always };
    if (id?.start !== undefined && id.start !== '1') col.identity.start = id.start;
    if (id?.increment !== undefined && id.increment !== '1') col.identity.increment = id.increment;
    if (id?.onNull) notes.push('ON NULL dropped: inserting an explicit NULL now fails instead of generating a value');
    if (id?.dropped.length) notes.push(`identity options dropped: ${id.dropped.join(', ')}`);
    col.notNull = col.notNull || def.notNull === true;
    const rule = def.autoIncrement ? 'auto_increment -> identity' : this.dialect === 'sqlserver' ? 'IDENTITY(seed,step) -> identity' : 'identity';
    const typeRule = mapped && def.type && !sameTypeText(def.type.raw, mapped.pg) ? [mapped.rule, ...mapped.notes] : [];
    this.change(obj, from.trim(), `${col.type} ${this.identityClause(col)}`, [rule, ...typeRule, ...notes].join('; '));
  }

  private identityClause(col: ColModel): string {
    const id = col.identity!;
    const opts = [id.start !== undefined ? `START WITH ${id.start}` : '', id.increment !== undefined ? `INCREMENT BY ${id.increment}` : ''].filter(Boolean);
    return `GENERATED ${id.always ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY${opts.length ? ` (${opts.join(' ')})` : ''}`;
  }

  /** Converts a DEFAULT; on failure the default is left out and an action item raised. */
  private applyDefault(t: TableModel, col: ColModel, expr: Expr, raw: string, obj: string, mapped: MappedType | undefined): void {
    const e = unwrap(expr);
    const kind = col.kind;
    const set = (v: string, rule?: string) => {
      col.default = v;
      if (rule) this.change(obj, `DEFAULT ${raw}`, `DEFAULT ${v}`, rule);
    };
    if (e.t === 'null') return;
    if (this.dialect === 'oracle' && e.t === 'str' && e.v === '') {
      this.change(obj, "DEFAULT ''", '(no default)', "Oracle stores '' as NULL, so DEFAULT '' was a NULL default");
      return;
    }
    if ((kind === 'date' || kind === 'timestamp') && e.t === 'str' && /^0000-00-00/.test(e.v)) {
      const wasNotNull = col.notNull;
      col.notNull = false;
      this.change(obj, `${mapped ? col.srcType : ''}${wasNotNull ? ' NOT NULL' : ''} DEFAULT '${e.v}'`.trim(), `${col.type} (no default${wasNotNull ? ', nullable' : ''})`,
        `zero date default dropped${wasNotNull ? ' and NOT NULL dropped' : ''}: PostgreSQL has no zero date; existing zero dates must become NULL during the data load (pgloader's zero-dates-to-null)`);
      return;
    }
    // Oracle "DEFAULT seq.NEXTVAL" -> identity
    if (e.t === 'ident' && e.parts.length >= 2 && e.parts[e.parts.length - 1]!.name.toUpperCase() === 'NEXTVAL') {
      const seqKey = e.parts[e.parts.length - 2]!.name.toLowerCase();
      const seq = this.sequences.get(seqKey);
      if (!isIntegerKind(col.kind)) {
        this.change(obj, col.type, 'bigint', 'identity needs an integer type');
        col.type = 'bigint';
        col.kind = 'bigint';
      }
      col.identity = { always: false };
      if (seq?.st.start && seq.st.start !== '1') col.identity.start = seq.st.start;
      if (seq?.st.increment && seq.st.increment !== '1') col.identity.increment = seq.st.increment;
      if (seq) seq.absorbed = true;
      this.change(obj, `DEFAULT ${raw}`, this.identityClause(col), 'sequence NEXTVAL default -> identity (the sequence is not created; use pg_get_serial_sequence() where code called it)');
      return;
    }
    if (kind === 'bool') {
      const v = e.t === 'num' || e.t === 'str' || e.t === 'bits' ? e.v : e.t === 'bool' ? (e.v ? '1' : '0') : e.t === 'hex' ? String(parseInt(e.v, 16)) : undefined;
      if (v !== undefined && /^[01]$|^0+$|^0*1$|^$/.test(v)) {
        const b = /1/.test(v) ? 'true' : 'false';
        set(b, e.t === 'bool' ? undefined : `boolean default ${raw} -> ${b}`);
        return;
      }
      if (v !== undefined && /^(true|false|t|f|y|n|yes|no)$/i.test(v)) {
        set(/^(true|t|y|yes)$/i.test(v) ? 'true' : 'false');
        return;
      }
    }
    if (kind === 'bit') {
      if (e.t === 'bits') return set(`B'${e.v}'`, `bit default ${raw} -> B'${e.v}'`);
      if (e.t === 'num' && /^\d+$/.test(e.v)) {
        const b = BigInt(e.v).toString(2);
        return set(`B'${b}'`, `bit default ${raw} -> B'${b}'`);
      }
    }
    if (isNumericKind(kind) && e.t === 'str' && /^-?\d+(\.\d+)?$/.test(e.v.trim())) {
      return set(e.v.trim(), `quoted numeric default '${e.v}' -> ${e.v.trim()}`);
    }
    if (kind === 'set' && e.t === 'str') {
      const arr = `'{${e.v.split(',').filter(Boolean).map((x) => `"${x.replace(/(["\\])/g, '\\$1')}"`).join(',')}}'`;
      return set(arr, 'SET default -> array literal');
    }
    if (kind === 'uuid' && e.t === 'call' && ['NEWID', 'NEWSEQUENTIALID', 'SYS_GUID', 'UUID'].includes(e.name[e.name.length - 1]!.name.toUpperCase())) {
      return set('gen_random_uuid()', `${raw} -> gen_random_uuid()`);
    }
    if (e.t === 'str' && e.national) return set(quoteLiteral(e.v), "N'...' -> '...'");
    try {
      const ctx = this.exprCtx(t);
      let v = printExpr(e, ctx);
      if (isStringKind(kind) && e.t === 'call' && /gen_random_uuid/.test(v)) v = 'gen_random_uuid()::text';
      // Literals only change quoting or lose T-SQL's parentheses: not worth a change entry.
      const literal = e.t === 'str' || e.t === 'num' || (e.t === 'unary' && e.e.t === 'num');
      set(v, ctx.notes.length ? ctx.notes.join('; ') : !literal && v !== raw.trim() ? 'default expression converted' : undefined);
    } catch (err) {
      if (!(err instanceof Unconvertible)) throw err;
      this.omit(obj);
      this.action('column', obj, 'default', `DEFAULT ${raw} not converted: ${err.message}`, 'Write an equivalent PostgreSQL default expression (or a BEFORE INSERT trigger)', 'simple');
    }
  }

  private resolveGenerated(t: TableModel, defs: ColumnDef[]): void {
    for (const def of defs) {
      if (!def.generated) continue;
      const obj = `${t.src}.${def.name.name}`;
      const col = t.columns.find((c) => c.src === def.name.name);
      if (!col) continue;
      const g = def.generated;
      const fail = (why: string) => {
        this.omit(obj);
        if (col.type) {
          // Keys, indexes and views may name it: it stays, as a plain nullable column, until the expression is written.
          col.notNull = false;
          this.action('column', obj, 'computed_column', `computed column ${def.name.name} AS (${g.raw}) not converted: ${why}; it was created as a plain ${col.type} column (nullable, not computed) so the keys and indexes that name it load`,
            `Write the expression for PostgreSQL: ALTER TABLE ${this.q(t.name)} DROP COLUMN ${quoteIdent(col.name)}, then ADD it back GENERATED ALWAYS AS (...) STORED (or fill it with a trigger)`, 'simple');
          return;
        }
        this.action('column', obj, 'computed_column', `computed column ${def.name.name} AS (${g.raw}) not converted: ${why}`, 'Write the expression for PostgreSQL as GENERATED ALWAYS AS (...) STORED, or compute it in a view', 'simple');
        t.columns = t.columns.filter((c) => c !== col);
      };
      if (g.error || !g.expr) {
        fail(g.error ?? 'no expression');
        continue;
      }
      const ctx = this.exprCtx(t);
      let sql: string;
      try {
        sql = printExpr(g.expr, ctx);
      } catch (err) {
        if (!(err instanceof Unconvertible)) throw err;
        fail(err.message);
        continue;
      }
      if (ctx.volatile) {
        fail('PostgreSQL generated columns need immutable expressions (no current time, sequences, concat()/to_char())');
        continue;
      }
      const refs = new Set<string>();
      const walk = (x: Expr): void => {
        if (x.t === 'ident') refs.add(pgName(x.parts[x.parts.length - 1]!.name));
        for (const v of Object.values(x)) {
          if (v && typeof v === 'object') {
            if (Array.isArray(v)) v.forEach((y) => y && typeof y === 'object' && 't' in y && walk(y as Expr));
            else if ('t' in v) walk(v as Expr);
          }
        }
      };
      walk(g.expr);
      const genNames = defs.filter((d) => d.generated && d !== def).map((d) => pgName(d.name.name));
      if ([...refs].some((r) => genNames.includes(r))) {
        fail('it refers to another computed column, which PostgreSQL does not allow');
        continue;
      }
      if (!col.type) {
        const inferred = kindToPgType(inferKind(g.expr, ctx));
        if (!inferred) {
          fail('its type cannot be inferred (SQL Server computed columns carry no declared type)');
          continue;
        }
        col.type = inferred;
        col.kind = mapTypeKind(inferred);
      }
      // JSON values into a typed column (INT ... AS (JSON_EXTRACT(...))): MySQL converts on write, PostgreSQL needs the cast
      const exprKind = inferKind(g.expr, ctx);
      if ((exprKind === 'json' || exprKind === 'text') && g.expr.t === 'call' && /^JSON_/i.test(g.expr.name[g.expr.name.length - 1]!.name)
        && col.kind !== 'json' && col.kind !== exprKind && !isStringKind(col.kind)) {
        sql = `CAST(${sql} AS ${col.type})`;
      }
      col.generated = sql;
      const rule = g.stored ? 'computed column -> GENERATED ALWAYS AS (...) STORED' : 'virtual computed column -> STORED generated column (computed on write, takes space)';
      this.change(obj, `AS (${g.raw})${g.stored ? ' PERSISTED' : ''}`, `${col.type} GENERATED ALWAYS AS (${sql}) STORED`, [rule, ...ctx.notes].join('; '));
    }
  }

  // ------------------------------------------------------------ constraints

  private keyCols(t: TableModel, cols: IndexCol[], obj: string, allowExpr: boolean): { cols: string[]; plain: string[] } | undefined {
    const out: string[] = [];
    const plain: string[] = [];
    for (const c of cols) {
      if (c.col) {
        const n = pgName(c.col.name);
        plain.push(n);
        if (c.prefix) this.change(obj, c.raw, quoteIdent(n), 'index prefix length dropped (PostgreSQL indexes the whole value)');
        out.push(quoteIdent(n) + (c.desc && allowExpr ? ' DESC' : ''));
      } else if (c.expr) {
        if (!allowExpr) return undefined;
        try {
          out.push(`(${printExpr(c.expr, this.exprCtx(t))})` + (c.desc ? ' DESC' : ''));
          plain.push(c.raw);
        } catch (err) {
          if (!(err instanceof Unconvertible)) throw err;
          return undefined;
        }
      }
    }
    return { cols: out, plain };
  }

  /** MySQL and SQL Server scope index names per table; PostgreSQL per schema, so prefix them with the table. */
  private indexName(t: TableModel, srcName: string | undefined, plain: string[], suffix: string): string {
    let base = srcName ? pgName(srcName) : `${t.name}_${plain.join('_')}_${suffix}`;
    if (srcName && this.dialect !== 'oracle' && !base.startsWith(`${t.name}_`)) base = `${t.name}_${base}`;
    const name = this.names.claim(base);
    if (srcName && name !== pgName(srcName)) {
      this.change(`${t.src}.${srcName}`, srcName, name, 'index name made unique per schema (prefixed with the table name)');
    }
    return name;
  }

  private constraintName(name: string | undefined, t: TableModel, kind: string): string | undefined {
    if (!name) return undefined;
    if (this.dialect === 'mysql' && (kind === 'unique' || kind === 'primary_key')) return this.indexName(t, name, [], kind);
    const n = this.names.claim(pgName(name));
    if (n !== pgName(name)) this.change(`${t.src}.${name}`, name, n, 'constraint name made unique per schema');
    return n;
  }

  private addConstraint(t: TableModel, c: ConstraintDef, inlineCol?: string, opts: { nocheck?: boolean } = {}): void {
    const colsText = c.columns.map((x) => x.col?.name ?? x.raw).join(',');
    const obj = c.name ? `${t.src}.${c.name.name}` : `${t.src}(${colsText})`;
    const noteDropped = () => {
      if (c.clustered) this.change(obj, c.clustered, '', 'CLUSTERED/NONCLUSTERED dropped: PostgreSQL has no clustered indexes (CLUSTER reorders once)');
      if (c.dropped.length) this.change(obj, c.dropped.join(' '), '', 'constraint storage/state options dropped');
    };
    switch (c.kind) {
      case 'primary_key':
      case 'unique': {
        this.found(c.kind, obj);
        const kc = this.keyCols(t, c.columns, obj, false);
        if (!kc) {
          this.omit(obj);
          this.action(c.kind, obj, 'constraint', 'key on an expression', 'Create a unique expression index instead', 'simple', c.raw);
          return;
        }
        if (c.disabled) {
          this.omit(obj);
          this.action(c.kind, obj, 'constraint', 'constraint is disabled in the source, so existing data may violate it; it was not created', 'Clean the data, then add the constraint', 'simple', c.raw);
          return;
        }
        // An Oracle PK/UK usually reuses a unique index created just before it.
        const dup = this.indexes.find((i) => i.tableKey === t.key && i.unique && !i.where && sameCols(i.plainCols, kc.plain));
        if (dup) {
          this.indexes = this.indexes.filter((i) => i !== dup);
          this.names.release(dup.name);
          this.change(dup.object, `CREATE UNIQUE INDEX ${dup.name}`, `${c.kind === 'primary_key' ? 'PRIMARY KEY' : 'UNIQUE'} constraint's own index`, 'unique index duplicating a key constraint dropped (the constraint creates its index)');
        }
        const name = this.constraintName(c.name?.name, t, c.kind);
        const key: KeyModel = { name, cols: kc.cols, deferrable: c.deferrable };
        if (c.kind === 'primary_key') {
          if (t.pk) this.change(obj, 'second PRIMARY KEY', 'ignored', 'duplicate primary key');
          else {
            const col = inlineCol && !name && !c.deferrable ? t.columns.find((x) => x.src === inlineCol) : undefined;
            if (col) {
              col.inlinePk = true;
              key.inline = true;
            }
            t.pk = key;
          }
        } else {
          if (!t.uniques.some((u) => sameCols(u.cols, key.cols))) t.uniques.push(key);
        }
        if (c.using === 'HASH') this.change(obj, 'USING HASH', '', 'index method dropped (btree)');
        noteDropped();
        return;
      }
      case 'foreign_key': {
        this.found('foreign_key', obj);
        if (inlineCol && this.from === 'mysql') {
          // MySQL 8 ref, FOREIGN KEY Constraints: a REFERENCES clause inside a column definition is
          // parsed and ignored (MariaDB creates the key). The source holds no such key, so its data may break it.
          this.action('foreign_key', obj, 'constraint', `inline REFERENCES on column ${inlineCol}: MySQL parses and ignores it, so the source has no such foreign key and its data may violate it; it was not created`,
            `Check the data, then ALTER TABLE ${this.q(t.name)} ADD FOREIGN KEY (${quoteIdent(pgName(inlineCol))}) REFERENCES ${this.q(pgName(c.refTable!.name.name))}${c.refColumns ? ` (${c.refColumns.map((x) => quoteIdent(pgName(x.name))).join(', ')})` : ''}`, 'simple', c.raw);
          return;
        }
        if (c.disabled) {
          this.omit(obj);
          this.action('foreign_key', obj, 'constraint', 'foreign key is disabled in the source, so existing data may violate it; it was not created', 'Clean the data, then add the foreign key (NOT VALID + VALIDATE CONSTRAINT)', 'simple', c.raw);
          return;
        }
        const refKey = this.qnameKey(c.refTable!);
        const fk: FkModel = {
          table: t.name, tableKey: t.key, name: c.name ? pgName(c.name.name) : undefined,
          cols: c.columns.map((x) => quoteIdent(pgName(x.col?.name ?? x.raw))),
          refKey, refName: this.tables.get(refKey)?.name ?? pgName(c.refTable!.name.name),
          refCols: c.refColumns?.map((x) => quoteIdent(pgName(x.name))),
          onDelete: c.onDelete, onUpdate: c.onUpdate, deferrable: c.deferrable,
          notValid: !!(c.novalidate || opts.nocheck), object: obj,
        };
        if (fk.notValid) this.change(obj, c.novalidate ? 'NOVALIDATE' : 'WITH NOCHECK', 'NOT VALID', 'unchecked foreign key -> NOT VALID (only rows present when the constraint is added are exempt: add it after the data load)');
        this.fks.push(fk);
        noteDropped();
        return;
      }
      case 'check': {
        this.found('check', obj);
        if (c.checkError || !c.check) {
          this.omit(obj);
          this.action('check', obj, 'check', `CHECK (${c.checkRaw}) could not be parsed: ${c.checkError}`, 'Rewrite the condition for PostgreSQL', 'simple', c.raw);
          return;
        }
        const e = unwrap(c.check);
        // MariaDB stores JSON as longtext with CHECK (json_valid(col)): use jsonb instead.
        if (e.t === 'call' && e.name[0]!.name.toUpperCase() === 'JSON_VALID' && e.args.length === 1 && e.args[0]!.t === 'ident') {
          const cn = pgName((e.args[0] as { parts: { name: string }[] }).parts.slice(-1)[0]!.name);
          const col = t.columns.find((x) => x.name === cn);
          if (col && isStringKind(col.kind)) {
            this.change(`${t.src}.${col.src}`, `${col.srcType} CHECK (json_valid(...))`, 'jsonb', 'MariaDB JSON (longtext + json_valid check) -> jsonb');
            col.type = 'jsonb';
            col.kind = 'json';
            return;
          }
        }
        try {
          const ctx = this.exprCtx(t);
          const expr = printExpr(c.check, ctx);
          if (c.disabled) {
            this.omit(obj);
            this.action('check', obj, 'check', 'CHECK constraint is disabled/not enforced in the source; it was not created', `Clean the data, then ALTER TABLE ... ADD CHECK (${expr})`, 'simple', c.raw);
            return;
          }
          const name = c.name ? pgName(c.name.name) : undefined;
          t.checks.push({ name, expr });
          if (ctx.notes.length) this.change(obj, c.checkRaw ?? '', expr, ctx.notes.join('; '));
          if (c.novalidate) {
            this.change(obj, 'ENABLE NOVALIDATE', 'CHECK (enforced on every row)', 'NOVALIDATE dropped: rows already in the source were never checked, PostgreSQL checks them during the load (if they fail, add the CHECK after the load with NOT VALID)');
          }
          noteDropped();
        } catch (err) {
          if (!(err instanceof Unconvertible)) throw err;
          this.omit(obj);
          this.action('check', obj, 'check', `CHECK (${c.checkRaw}) not converted: ${err.message}`, 'Rewrite the condition for PostgreSQL (or enforce it in a trigger)', 'simple', c.raw);
        }
        return;
      }
      case 'index':
      case 'fulltext':
      case 'spatial':
        this.addIndex(t, {
          srcName: c.name?.name, unique: false, variant: c.kind === 'index' ? undefined : c.kind.toUpperCase(), columns: c.columns,
          using: c.using, raw: c.raw, dropped: c.dropped, clustered: c.clustered,
        });
        return;
    }
  }

  private addIndex(
    t: TableModel,
    ix: { srcName?: string; unique: boolean; variant?: string; columns: IndexCol[]; using?: string; raw: string; dropped: string[]; clustered?: string; include?: string[]; where?: Expr; whereRaw?: string; whereError?: string },
  ): void {
    const colsText = ix.columns.map((x) => x.col?.name ?? x.raw).join(',');
    const obj = ix.srcName ? `${t.src}.${ix.srcName}` : `${t.src}(${colsText})`;
    this.found('index', obj);
    if (ix.variant === 'FULLTEXT') {
      const cols = ix.columns.map((x) => quoteIdent(pgName(x.col?.name ?? x.raw)));
      const doc = cols.length === 1 ? `coalesce(${cols[0]}, '')` : cols.map((x) => `coalesce(${x}, '')`).join(` || ' ' || `);
      const name = pgName(`${t.name}_${ix.srcName ?? 'fts'}`);
      this.omit(obj);
      this.action('index', obj, 'full_text_search', 'FULLTEXT index: PostgreSQL full-text search uses tsvector and GIN indexes, and MATCH ... AGAINST queries must be rewritten',
        `CREATE INDEX ${quoteIdent(name)} ON ${this.q(t.name)} USING GIN (to_tsvector('simple', ${doc})); rewrite MATCH ... AGAINST as to_tsvector(...) @@ plainto_tsquery(...)`, 'medium', ix.raw);
      return;
    }
    if (ix.variant === 'COLUMNSTORE') {
      this.omit(obj);
      this.action('index', obj, 'index', 'columnstore index has no PostgreSQL equivalent', 'Drop it, or use a columnar extension (citus columnar, Hydra)', 'simple', ix.raw);
      return;
    }
    let method: string | undefined;
    if (ix.variant === 'SPATIAL') {
      const cols = ix.columns.map((x) => t.columns.find((c) => c.name === pgName(x.col?.name ?? '')));
      if (cols.every((c) => c && ['point', 'polygon', 'path', 'box', 'circle'].includes(c.type))) {
        method = 'gist';
        this.change(obj, 'SPATIAL KEY', 'USING gist', 'SPATIAL index -> GiST index on the geometric column');
      } else {
        this.omit(obj);
        this.action('index', obj, 'spatial', 'SPATIAL index on a column without a built-in geometric type', 'Install PostGIS, convert the column to geometry and CREATE INDEX ... USING gist', 'medium', ix.raw);
        return;
      }
    }
    if (ix.variant === 'BITMAP') this.change(obj, 'BITMAP INDEX', 'btree index', 'bitmap index -> btree (PostgreSQL builds bitmaps at query time)');
    if (ix.clustered) this.change(obj, ix.clustered, '', 'CLUSTERED/NONCLUSTERED dropped: PostgreSQL has no clustered indexes (CLUSTER reorders once)');
    if (ix.using === 'HASH') this.change(obj, 'USING HASH', 'btree', 'index method HASH -> btree');
    if (ix.dropped.length) this.change(obj, ix.dropped.join(' '), '', 'index options dropped');
    const kc = this.keyCols(t, ix.columns, obj, true);
    if (!kc) {
      this.omit(obj);
      this.action('index', obj, 'index', 'index expression could not be converted', 'Rewrite the index expression for PostgreSQL', 'simple', ix.raw);
      return;
    }
    let where: string | undefined;
    if (ix.whereError) {
      this.omit(obj);
      this.action('index', obj, 'index', `filtered index condition could not be parsed: ${ix.whereError}`, 'Rewrite the WHERE clause for PostgreSQL', 'simple', ix.raw);
      return;
    }
    if (ix.where) {
      try {
        where = printExpr(ix.where, this.exprCtx(t));
      } catch (err) {
        if (!(err instanceof Unconvertible)) throw err;
        this.omit(obj);
        this.action('index', obj, 'index', `filtered index condition not converted: ${err.message}`, 'Rewrite the WHERE clause for PostgreSQL', 'simple', ix.raw);
        return;
      }
    }
    // Skip an index that only repeats a key constraint (the constraint already has one).
    const keys = [t.pk, ...t.uniques].filter(Boolean) as KeyModel[];
    if (ix.unique && !where && keys.some((k) => sameCols(k.cols.map(stripQuotes), kc.plain))) {
      this.change(obj, ix.raw, '(constraint index)', 'unique index duplicating a key constraint dropped');
      return;
    }
    const name = this.indexName(t, ix.srcName, kc.plain, ix.unique ? 'key' : 'idx');
    this.indexes.push({ name, tableKey: t.key, table: t.name, unique: ix.unique, cols: kc.cols, plainCols: kc.plain, method, include: ix.include, where, object: obj });
  }

  private createIndex(st: CreateIndex): void {
    const t = this.tableFor(st.table);
    this.addIndex(t, {
      srcName: st.name.name.name, unique: st.unique, variant: st.variant === 'CLUSTERED' || st.variant === 'NONCLUSTERED' ? undefined : st.variant,
      clustered: st.variant === 'CLUSTERED' || st.variant === 'NONCLUSTERED' ? st.variant : undefined,
      columns: st.columns, using: st.using, raw: st.raw, dropped: st.droppedOptions,
      include: st.include?.map((i) => quoteIdent(pgName(i.name))), where: st.where, whereRaw: st.whereRaw, whereError: st.whereError,
    });
  }

  // ------------------------------------------------------------------ ALTER

  private alterTable(st: AlterTable): void {
    const t = this.tableFor(st.table);
    const meaningful = st.actions.filter((a) => a.a !== 'noop');
    if (meaningful.length === 0) {
      const reason = st.actions.map((a) => (a.a === 'noop' ? a.reason : '')).filter(Boolean).join('; ');
      this.skipped.push({ statement: truncate(st.raw, 300), reason });
      return;
    }
    if (t.stub && meaningful.every((a) => a.a === 'drop')) {
      // An install script undoing an earlier install (often under IF EXISTS): the table is not there yet.
      this.skipped.push({ statement: truncate(st.raw, 300), reason: `ALTER TABLE ... DROP on ${t.src} before this script creates it: the converted script creates every object fresh` });
      return;
    }
    for (const a of st.actions) {
      switch (a.a) {
        case 'add_constraint':
          this.addConstraint(t, a.c, undefined, { nocheck: st.nocheck });
          break;
        case 'add_column': {
          this.addColumn(t, a.col);
          for (const c of a.col.constraints) this.addConstraint(t, c, a.col.name.name);
          this.resolveGenerated(t, [a.col]);
          break;
        }
        case 'modify_column':
          this.modifyColumn(t, a.col, a.oldName?.name, a.partial, st.raw);
          break;
        case 'set_default': {
          const col = t.columns.find((c) => c.name === pgName(a.column.name));
          const obj = `${t.src}.${a.column.name}`;
          if (!col) {
            this.omit(obj);
            this.action('column', obj, 'default', 'default for a column not defined in this script', 'Apply ALTER TABLE ... ALTER COLUMN ... SET DEFAULT by hand', 'simple', st.raw);
            break;
          }
          if (!a.expr) {
            col.default = undefined;
            break;
          }
          if (a.name) this.change(obj, `CONSTRAINT ${a.name.name} DEFAULT ${a.raw}`, 'column DEFAULT', 'named default constraint -> column default');
          this.applyDefault(t, col, a.expr, a.raw, obj, undefined);
          break;
        }
        case 'auto_increment':
          this.setAutoIncrement(t, a.value);
          break;
        case 'rename_table':
        case 'rename_column':
        case 'drop':
          if (t.stub || !this.alterModel(t, a)) {
            this.action('table', t.src, 'alter', `ALTER TABLE clause not converted: ${a.raw.slice(0, 200)}`, 'Apply the change by hand in PostgreSQL', 'simple', st.raw);
          }
          break;
        case 'options':
          this.change(t.src, a.raw, '', 'table options dropped');
          break;
        case 'noop':
          break;
        case 'other':
          this.omit(t.src);
          this.action('table', t.src, 'alter', `ALTER TABLE clause not converted: ${a.raw.slice(0, 200)}`, 'Apply the change by hand in PostgreSQL', 'simple', st.raw);
          break;
      }
    }
  }

  /**
   * Renames and drops applied to the table this script defines, so the converted script creates the
   * final shape. False when the target (column, index, key) is not known here.
   */
  private alterModel(t: TableModel, a: Extract<AlterAction, { a: 'rename_table' | 'rename_column' | 'drop' }>): boolean {
    if (a.a === 'rename_table') {
      const newKey = this.qnameKey(a.to);
      if (this.tables.has(newKey)) return false;
      const newName = this.ident(a.to.name.name, a.to.name.name);
      this.names.reserve(newName);
      for (const fk of this.fks) {
        if (fk.tableKey === t.key) Object.assign(fk, { tableKey: newKey, table: newName });
        if (fk.refKey === t.key) Object.assign(fk, { refKey: newKey, refName: newName });
      }
      for (const ix of this.indexes) if (ix.tableKey === t.key) Object.assign(ix, { tableKey: newKey, table: newName });
      this.tables.delete(t.key);
      this.change(t.src, `RENAME TO ${a.to.name.name}`, newName, 'table rename applied: the table is created under its new name');
      Object.assign(t, { key: newKey, src: a.to.name.name, name: newName });
      this.tables.set(newKey, t);
      return true;
    }
    if (a.a === 'rename_column') {
      const col = t.columns.find((c) => c.name === pgName(a.from.name));
      const to = pgName(a.to.name);
      if (!col || t.columns.some((c) => c.name === to)) return false;
      this.renameColumnRefs(t, col.name, to);
      this.change(`${t.src}.${a.from.name}`, a.raw, to, 'column rename applied: the column is created under its new name');
      col.name = to;
      col.src = a.to.name;
      return true;
    }
    const n = a.name ? pgName(a.name.name) : '';
    const named = (x: string | undefined) => x !== undefined && (x === n || x === pgName(`${t.name}_${n}`));
    const done = (what: string) => {
      this.change(`${t.src}${a.name ? `.${a.name.name}` : ''}`, a.raw, '(not created)', `${what} dropped by a later ALTER TABLE: the converted script leaves it out`);
      return true;
    };
    switch (a.what) {
      case 'column': {
        const col = t.columns.find((c) => c.name === n);
        if (!col) return false;
        const q = quoteIdent(n);
        const uses = (cols: string[]) => cols.some((c) => c === q || stripQuotes(c) === n);
        t.columns = t.columns.filter((c) => c !== col);
        if (t.pk && uses(t.pk.cols)) t.pk = undefined;
        t.uniques = t.uniques.filter((u) => !uses(u.cols));
        const word = new RegExp(`(?<![\\w$"])${q.replace(/[$"]/g, '\\$&')}(?![\\w$"])`);
        t.checks = t.checks.filter((k) => !word.test(k.expr));
        this.indexes = this.indexes.filter((ix) => ix.tableKey !== t.key || !uses(ix.plainCols));
        this.fks = this.fks.filter((fk) => !(fk.tableKey === t.key && uses(fk.cols)));
        return done('column (and the keys, indexes and checks on it)');
      }
      case 'primary_key':
        if (!t.pk) return false;
        t.pk = undefined;
        for (const c of t.columns) c.inlinePk = false;
        return done('primary key');
      case 'foreign_key': {
        const fk = this.fks.find((f) => f.tableKey === t.key && f.name === n);
        if (!fk) return false;
        this.fks = this.fks.filter((f) => f !== fk);
        return done('foreign key');
      }
      case 'index':
      case 'check':
      case 'constraint': {
        if (a.what !== 'check') {
          const ix = this.indexes.find((i) => i.tableKey === t.key && (named(i.name) || i.object.toLowerCase().endsWith(`.${a.name!.name.toLowerCase()}`)));
          if (ix) {
            this.indexes = this.indexes.filter((i) => i !== ix);
            return done('index');
          }
          const u = t.uniques.find((k) => named(k.name));
          if (u) {
            t.uniques = t.uniques.filter((k) => k !== u);
            return done('unique key');
          }
        }
        if (a.what !== 'index') {
          const k = t.checks.find((x) => x.name === n);
          if (k) {
            t.checks = t.checks.filter((x) => x !== k);
            return done('check constraint');
          }
          const fk = this.fks.find((f) => f.tableKey === t.key && f.name === n);
          if (fk) {
            this.fks = this.fks.filter((f) => f !== fk);
            return done('foreign key');
          }
        }
        return false;
      }
    }
    return false;
  }

  private modifyColumn(t: TableModel, def: ColumnDef, oldName: string | undefined, partial: boolean, raw: string): void {
    const key = pgName(oldName ?? def.name.name);
    const idx = t.columns.findIndex((c) => c.name === key);
    const obj = `${t.src}.${oldName ?? def.name.name}`;
    if (idx < 0 || t.stub) {
      this.omit(obj);
      this.action('column', obj, 'alter', 'column change for a column not defined in this script', 'Apply ALTER TABLE ... ALTER COLUMN by hand', 'simple', raw);
      return;
    }
    const col = t.columns[idx]!;
    if (partial) {
      if (def.notNull !== undefined) col.notNull = def.notNull;
      if (def.default) this.applyDefault(t, col, def.default, def.defaultRaw ?? '', obj, undefined);
      for (const c of def.constraints) this.addConstraint(t, c, col.src);
      return;
    }
    // A restated MySQL column replaces its UNSIGNED / YEAR range checks (buildColumn adds them again when they still hold).
    t.checks = t.checks.filter((k) => k.expr !== `${quoteIdent(col.name)} >= 0` && k.expr !== `${quoteIdent(col.name)} = 0 OR ${quoteIdent(col.name)} BETWEEN 1901 AND 2155`);
    const next = this.buildColumn(t, def, `${t.src}.${def.name.name}`);
    if (next.name !== col.name) this.renameColumnRefs(t, col.name, next.name);
    // Oracle's MODIFY changes what it names and keeps the rest; MySQL's MODIFY and CHANGE restate
    // the whole column, and SQL Server's ALTER COLUMN keeps no default in the column anyway.
    if (this.dialect === 'oracle') {
      if (def.notNull === undefined) next.notNull = col.notNull;
      if (def.default === undefined && next.default === undefined && col.default !== undefined) next.default = col.default;
      if (def.default === undefined && col.identity && !next.identity) next.identity = col.identity;
    }
    if (col.identity && !next.identity && def.autoIncrement) next.identity = col.identity;
    if (col.comment && next.comment === undefined) next.comment = col.comment;
    t.columns[idx] = next;
    if (next.identity && t.autoIncrementStart && next.identity.start === undefined) next.identity.start = t.autoIncrementStart;
    for (const c of def.constraints) this.addConstraint(t, c, next.src);
    this.resolveGenerated(t, [def]);
  }

  /** MySQL's CHANGE old new renames a column: the keys, indexes, checks and foreign keys that name it follow. */
  private renameColumnRefs(t: TableModel, from: string, to: string): void {
    const q = quoteIdent(from);
    const pattern = q.startsWith('"') ? undefined : new RegExp(`(?<![\\w$".'])${q.replace(/[$]/g, '\\$&')}(?![\\w$"('])`, 'g');
    const swap = (x: string) => (pattern ? x.replace(pattern, quoteIdent(to)) : x.replaceAll(q, quoteIdent(to)));
    // outside string literals only: CHECK (note <> 'no qty here') keeps its text
    const inText = (x: string) => (x === from ? quoteIdent(to) : x.split(/('(?:[^']|'')*')/).map((part, i) => (i % 2 ? part : swap(part))).join(''));
    const inList = (xs: string[] | undefined) => xs?.map(inText);
    if (t.pk) t.pk.cols = inList(t.pk.cols)!;
    for (const u of t.uniques) u.cols = inList(u.cols)!;
    for (const c of t.checks) c.expr = inText(c.expr);
    for (const ix of this.indexes.filter((x) => x.tableKey === t.key)) {
      ix.cols = inList(ix.cols)!;
      ix.plainCols = inList(ix.plainCols)!;
      ix.include = inList(ix.include);
      if (ix.where) ix.where = inText(ix.where);
    }
    for (const fk of this.fks) {
      if (fk.tableKey === t.key) fk.cols = inList(fk.cols)!;
      if (fk.refKey === t.key) fk.refCols = inList(fk.refCols);
    }
  }

  // -------------------------------------------------------------- sequences

  private createSequence(st: CreateSequence): void {
    const key = this.qnameKey(st.name);
    this.found('sequence', st.name.name.name);
    this.sequences.set(key, { st, name: this.ident(st.name.name.name, st.name.name.name), absorbed: false });
  }

  private sequenceSql(s: { st: CreateSequence; name: string }): string {
    const st = s.st;
    const obj = st.name.name.name;
    const parts = [`CREATE SEQUENCE ${this.q(s.name)}`];
    const MAXB = 9223372036854775807n;
    const fits = (v: string) => {
      try {
        const b = BigInt(v);
        return b <= MAXB && b >= -MAXB - 1n;
      } catch {
        return false;
      }
    };
    if (st.asType) {
      const m = mapType(st.asType, this.dialect);
      const ty = isIntegerKind(m.kind) ? m.pg : 'bigint';
      if (ty !== m.pg) this.change(obj, `AS ${st.asType.raw}`, `AS ${ty}`, 'sequence type must be an integer type');
      parts.push(`AS ${ty}`);
    }
    if (st.start) parts.push(`START WITH ${st.start}`);
    if (st.increment) parts.push(`INCREMENT BY ${st.increment}`);
    if (st.min !== undefined) {
      if (fits(st.min)) parts.push(`MINVALUE ${st.min}`);
      else this.change(obj, `MINVALUE ${st.min}`, 'NO MINVALUE', 'sequence bound outside bigint dropped');
    } else if (st.noMin) parts.push('NO MINVALUE');
    if (st.max !== undefined) {
      if (fits(st.max)) parts.push(`MAXVALUE ${st.max}`);
      else this.change(obj, `MAXVALUE ${st.max}`, 'NO MAXVALUE', 'sequence bound outside bigint dropped');
    } else if (st.noMax) parts.push('NO MAXVALUE');
    if (st.cache && Number(st.cache) > 1) parts.push(`CACHE ${st.cache}`);
    if (st.noCache) this.change(obj, 'NOCACHE', '(CACHE 1, the default)', 'NOCACHE -> default cache of 1');
    if (st.cycle === true) parts.push('CYCLE');
    if (st.cycle === false) parts.push('NO CYCLE');
    if (st.dropped.length) this.change(obj, st.dropped.join(' '), '', 'sequence options without a PostgreSQL equivalent dropped (ORDER/KEEP/SCALE/SESSION...)');
    return parts.join(' ');
  }

  // --------------------------------------------------------------- triggers

  private createTrigger(st: CreateTrigger): void {
    const name = st.name.name.name;
    this.found('trigger', name);
    if (this.dialect === 'oracle' && this.sequenceTrigger(st)) return;
    const lines = st.raw.split('\n').length;
    const complexity: Complexity = lines > 30 ? 'significant' : 'medium';
    const lang = this.dialect === 'oracle' ? 'PL/SQL' : this.dialect === 'sqlserver' ? 'T-SQL' : 'MySQL';
    const event = [st.timing, st.events.join(' OR '), st.table ? `ON ${st.table.name.name}` : ''].filter(Boolean).join(' ');
    this.omit(name);
    this.action('trigger', name, 'trigger', `${lang} trigger (${event}) needs rewriting: PostgreSQL triggers call a PL/pgSQL trigger function`,
      'Write a CREATE FUNCTION ... RETURNS trigger in PL/pgSQL with the same logic and attach it with CREATE TRIGGER ... EXECUTE FUNCTION', complexity, st.raw);
  }

  /** Oracle's pre-12c auto-increment idiom: a sequence plus a BEFORE INSERT trigger filling :NEW.id. */
  private sequenceTrigger(st: CreateTrigger): boolean {
    if (st.timing !== 'BEFORE' || st.events.join() !== 'INSERT' || !st.forEachRow || !st.table) return false;
    const norm = st.body
      .filter((t: Token) => t.kind !== 'terminator')
      .map((t: Token) => (t.kind === 'word' ? t.upper : t.kind === 'qident' ? t.value.toUpperCase() : t.kind === 'bind' ? `:${t.value.toUpperCase()}` : t.text))
      .join(' ');
    const id = '([A-Z0-9_$#]+)';
    const core = `(?:SELECT ${id} \\. NEXTVAL INTO :NEW \\. ${id} FROM DUAL|:NEW \\. ${id} := ${id} \\. NEXTVAL)`;
    const re = new RegExp(`^BEGIN (?:IF :NEW \\. ${id} IS NULL THEN )?${core}(?: END IF)? END(?: [A-Z0-9_$#]+)?$`);
    const m = re.exec(norm);
    if (!m) return false;
    const seqName = (m[2] ?? m[5])!.toLowerCase();
    const colName = (m[3] ?? m[4])!.toLowerCase();
    const t = this.tables.get(this.qnameKey(st.table));
    const col = t?.columns.find((c) => c.name === colName);
    if (!t || !col) return false;
    const seq = this.sequences.get(seqName);
    const obj = `${t.src}.${col.src}`;
    if (!isIntegerKind(col.kind)) {
      this.change(obj, col.type, 'bigint', 'identity needs an integer type');
      col.type = 'bigint';
      col.kind = 'bigint';
    }
    col.identity = { always: false };
    col.default = undefined;
    if (seq?.st.start && seq.st.start !== '1') col.identity.start = seq.st.start;
    if (seq?.st.increment && seq.st.increment !== '1') col.identity.increment = seq.st.increment;
    if (seq) seq.absorbed = true;
    this.change(obj, `sequence ${seqName} + BEFORE INSERT trigger ${st.name.name.name}`, `${col.type} ${this.identityClause(col)}`,
      'sequence + trigger -> identity column (trigger and sequence not created; values supplied explicitly are kept)');
    return true;
  }

  private createRoutine(objectKind: string, name: string, raw: string): void {
    const kind = objectKind.startsWith('package') ? 'package' : objectKind === 'type body' ? 'type' : objectKind;
    const lines = raw.split('\n').length;
    const complexity: Complexity = kind === 'package' || kind === 'type' || lines > 30 ? 'significant' : 'medium';
    const lang = this.dialect === 'oracle' ? 'PL/SQL' : this.dialect === 'sqlserver' ? 'T-SQL' : 'MySQL';
    const recommended: Record<string, string> = {
      procedure: 'Rewrite as a PL/pgSQL procedure (CREATE PROCEDURE ... LANGUAGE plpgsql) and test it against the source results',
      function: 'Rewrite as a PL/pgSQL or SQL function and test it against the source results',
      package: 'Split the package into a schema of PL/pgSQL functions/procedures; move package state into tables or custom GUCs',
      type: 'Rewrite the type methods as functions taking the composite type',
      event: 'Schedule the work with pg_cron or an external scheduler',
    };
    this.omit(name);
    this.action(kind, name, kind, `${lang} ${objectKind} is not translated automatically (${lines} lines)`, recommended[kind] ?? 'Rewrite by hand', complexity, raw);
  }

  // ------------------------------------------------------------------ views

  private createView(st: CreateView): void {
    const key = this.qnameKey(st.name);
    const srcName = st.name.name.name;
    this.found('view', srcName);
    const name = this.ident(srcName, srcName);
    const existing = this.views.get(key);
    if (existing) {
      this.viewOrder = this.viewOrder.filter((v) => v !== existing);
      this.change(srcName, 'second CREATE VIEW', 'last definition kept', 'view defined twice in the script');
    }
    const vm: ViewModel = { key, name, comments: [] };
    this.views.set(key, vm);
    this.viewOrder.push(vm);
    // A name whose columns differ in kind between tables could be any of them: no rewrite then.
    const kinds = new Map<string, TypeKind | null>();
    for (const t of this.tableOrder) {
      for (const c of t.columns) kinds.set(c.name, kinds.has(c.name) && kinds.get(c.name) !== c.kind ? null : c.kind);
    }
    const colKind = (n: string) => kinds.get(n) ?? undefined;
    const res = convertViewBody(st.body, this.src, { dialect: this.dialect, schemas: this.schemas, colKind });
    if (st.materialized) res.notes.push('materialized view: refresh options dropped');
    if (res.blockers.length) {
      this.omit(srcName);
      this.action('view', srcName, 'view', `view uses constructs without an automatic conversion: ${res.blockers.join('; ')}`,
        'Rewrite the query for PostgreSQL and create the view by hand', res.blockers.length > 2 ? 'significant' : 'medium', st.raw);
      return;
    }
    const cols = st.columns?.length ? ` (${st.columns.map((c) => quoteIdent(pgName(c.name))).join(', ')})` : '';
    if (st.securityInvoker) this.change(srcName, 'SQL SECURITY INVOKER', 'WITH (security_invoker = true)', 'invoker rights view -> security_invoker view option (PostgreSQL 15 or later)');
    vm.sql = `CREATE ${st.materialized ? 'MATERIALIZED ' : ''}VIEW ${this.q(name)}${cols}${st.securityInvoker ? ' WITH (security_invoker = true)' : ''} AS\n${res.sql}${st.checkOption ? `\n${st.checkOption}` : ''}`;
    if (res.notes.length) this.change(srcName, 'view body', 'converted view body', res.notes.join('; '));
    if (st.dropped.length) {
      this.change(srcName, st.dropped.join(' '), '', 'view options dropped: PostgreSQL picks merge or materialize itself (ALGORITHM), a view runs with its owner\'s rights by default (SQL SECURITY DEFINER) and its owner is whoever creates it (DEFINER: ALTER VIEW ... OWNER TO to change)');
    }
    if (st.materialized) {
      this.action('view', srcName, 'materialized_view', 'materialized view refresh mode (ON COMMIT / FAST / scheduled) does not carry over', 'Schedule REFRESH MATERIALIZED VIEW (pg_cron) or refresh from the application', 'simple');
    }
    if (st.readOnly) {
      if (isReadOnlyShape(st.body)) {
        this.change(srcName, 'WITH READ ONLY', '', 'WITH READ ONLY dropped: the view joins or aggregates, so PostgreSQL does not allow writes through it anyway');
      } else {
        this.action('view', srcName, 'view', 'WITH READ ONLY: this single-table view is automatically updatable in PostgreSQL', `REVOKE INSERT, UPDATE, DELETE ON ${this.q(name)} FROM PUBLIC (and application roles)`, 'simple');
      }
    }
  }

  // --------------------------------------------------------------- comments

  private comment(st: CommentOn): void {
    const key = this.qnameKey(st.table);
    const obj = st.column ? `${st.table.name.name}.${st.column.name}` : st.table.name.name;
    this.found('comment', obj);
    this.applyComment(key, st.table.name.name, st.column?.name, st.text, st.raw, obj);
  }

  private extProperty(st: ExtendedProperty): void {
    if (!st.table) return;
    const obj = st.column ? `${st.table}.${st.column}` : st.table;
    this.found('comment', obj);
    this.change(obj, 'sp_addextendedproperty MS_Description', 'COMMENT ON', 'MS_Description extended property -> COMMENT ON');
    this.applyComment(st.table.toLowerCase(), st.table, st.column, st.text, st.raw, obj);
  }

  private applyComment(key: string, tableSrc: string, column: string | undefined, text: string, raw: string, obj: string): void {
    const t = this.tables.get(key);
    if (t && !t.stub) {
      if (!column) {
        t.comment = text;
        return;
      }
      const col = t.columns.find((c) => c.name === pgName(column));
      if (col) {
        col.comment = text;
        return;
      }
    }
    const v = this.views.get(key);
    if (v) {
      if (v.sql) {
        v.comments.push(column
          ? `COMMENT ON COLUMN ${this.q(v.name)}.${quoteIdent(pgName(column))} IS ${quoteLiteral(text)}`
          : `COMMENT ON VIEW ${this.q(v.name)} IS ${quoteLiteral(text)}`);
        if (!column) this.change(obj, 'COMMENT ON TABLE', 'COMMENT ON VIEW', 'comment target is a view');
      } else {
        this.flag('comment', obj);
        this.skipped.push({ statement: truncate(raw, 300), reason: `comment on view ${tableSrc}, which needs manual conversion (see its action item); re-apply it after creating the view` });
      }
      return;
    }
    const target = column ? `COLUMN ${this.q(pgName(tableSrc))}.${quoteIdent(pgName(column))}` : `TABLE ${this.q(pgName(tableSrc))}`;
    this.tailComments.push(`COMMENT ON ${target} IS ${quoteLiteral(text)}`);
    this.change(obj, 'comment', 'COMMENT ON', 'comment on an object not defined in this script kept as is');
  }

  private createType(st: CreateType): void {
    const srcName = st.name.name.name;
    this.found('type', srcName);
    if (st.attributes || st.collection) return this.createOracleType(st, srcName);
    if (!st.alias) return;
    const mapped = mapType(st.alias, this.dialect);
    const name = this.names.claim(pgName(srcName));
    const sql = `CREATE DOMAIN ${this.q(name)} AS ${mapped.pg}${st.aliasNotNull ? ' NOT NULL' : ''}`;
    this.domains.set(srcName.toLowerCase(), { name, sql, mapped });
    this.change(srcName, `CREATE TYPE ${srcName} FROM ${st.alias.raw}`, `CREATE DOMAIN ${name} AS ${mapped.pg}`, 'alias type -> domain');
    if (mapped.action) this.action('type', srcName, mapped.action.category, mapped.action.reason, mapped.action.recommended, mapped.action.complexity);
  }

  /** The PostgreSQL spelling of a type that may name a type created earlier in the script. */
  private typeOf(ref: TypeRef): MappedType {
    const known = ref.args.length ? undefined : this.domains.get(ref.name.toLowerCase());
    return known ? { ...known.mapped, pg: this.q(known.name) } : mapType(ref, this.dialect);
  }

  /** Oracle object type -> composite type; VARRAY / nested table -> domain over an array. */
  private createOracleType(st: CreateType, srcName: string): void {
    const name = this.names.claim(pgName(srcName));
    let sql: string;
    let mapped: MappedType;
    const actions: MappedType[] = [];
    if (st.attributes) {
      const attrs = st.attributes.map((a) => {
        const m = this.typeOf(a.type);
        if (m.action) actions.push(m);
        return `${quoteIdent(pgName(a.name.name))} ${m.pg}`;
      });
      sql = `CREATE TYPE ${this.q(name)} AS (${attrs.join(', ')})`;
      mapped = { pg: name, kind: 'other', rule: 'object type -> composite type', notes: [] };
      this.change(srcName, 'CREATE TYPE ... AS OBJECT', `CREATE TYPE ${name} AS (...)`, 'object type without methods -> composite type');
    } else {
      const { of, limit } = st.collection!;
      const m = this.typeOf(of);
      if (m.action) actions.push(m);
      sql = `CREATE DOMAIN ${this.q(name)} AS ${m.pg}[]${limit ? ` CHECK (cardinality(VALUE) <= ${limit})` : ''}`;
      mapped = { pg: name, kind: 'other', rule: 'collection type -> array domain', notes: [] };
      this.change(srcName, limit ? `VARRAY(${limit}) OF ${of.raw}` : `TABLE OF ${of.raw}`, `DOMAIN ${name} AS ${m.pg}[]`, 'collection type -> domain over an array (a VARRAY keeps its size limit as a CHECK)');
    }
    this.domains.set(srcName.toLowerCase(), { name, sql, mapped });
    for (const m of actions) this.action('type', srcName, m.action!.category, m.action!.reason, m.action!.recommended, m.action!.complexity);
  }

  private unsupported(st: Unsupported): void {
    this.omit(st.name || st.objectKind);
    this.action(st.objectKind, st.name || st.objectKind, st.category, st.reason, st.recommended, st.complexity, st.raw);
  }

  // ----------------------------------------------------------------- output

  private columnSql(c: ColModel): string {
    const parts = [quoteIdent(c.name), c.type];
    if (c.generated) parts.push(`GENERATED ALWAYS AS (${c.generated}) STORED`);
    if (c.identity) parts.push(this.identityClause(c));
    else if (c.default !== undefined && !c.generated) parts.push(`DEFAULT ${c.default}`);
    if (c.notNull) parts.push('NOT NULL');
    if (c.inlinePk) parts.push('PRIMARY KEY');
    return parts.join(' ');
  }

  private keySql(kind: 'PRIMARY KEY' | 'UNIQUE', k: KeyModel): string {
    return `${k.name ? `CONSTRAINT ${quoteIdent(k.name)} ` : ''}${kind} (${k.cols.join(', ')})${k.deferrable ? ` ${k.deferrable}` : ''}`;
  }

  /** PostgreSQL needs comparable key types; widen/narrow a referencing integer column to match its key. */
  private alignForeignKeyTypes(): void {
    for (const fk of this.fks) {
      const ref = this.tables.get(fk.refKey);
      const t = this.tables.get(fk.tableKey);
      if (!ref || !t) continue;
      const refCols = fk.refCols ?? ref.pk?.cols;
      if (!refCols || refCols.length !== fk.cols.length) continue;
      fk.cols.forEach((c, k) => {
        const col = t.columns.find((x) => x.name === stripQuotes(c));
        const rc = ref.columns.find((x) => x.name === stripQuotes(refCols[k]!));
        if (!col || !rc || col.type === rc.type) return;
        const numeric = (x: ColModel) => isIntegerKind(x.kind) || x.kind === 'numeric';
        if (numeric(col) && numeric(rc) && !col.identity && !col.generated) {
          this.change(`${t.src}.${col.src}`, col.type, rc.type, `foreign key column type aligned with the referenced column ${ref.name}.${rc.name}`);
          col.type = rc.type;
          col.kind = rc.kind;
        }
      });
    }
  }

  /** Converts the INSERT statements, then resets each loaded identity to the largest value. */
  private dataSql(): string[] {
    const out: string[] = [];
    const stats = new Map<string, { src: string; statements: number; rows: number; rules: Map<string, number>; table?: TableModel }>();
    // mysqldump's header: SET TIME_ZONE='+00:00' (its --tz-utc default).
    const utc = this.dialect === 'mysql' && this.inserts.length > 0 && /SET\s+TIME_ZONE\s*=\s*'\+00:00'/i.test(this.src);
    const done: { sql: string; table?: TableModel; explicit: boolean; generates: boolean }[] = [];
    for (const st of this.inserts) {
      const then = this.insertTables.get(st);
      const t = then?.table ?? this.tables.get(this.qnameKey(st.table));
      const known = t && !t.stub && !t.like ? t : undefined;
      const name = known?.name ?? pgName(st.table.name.name);
      const obj = known?.src ?? st.table.name.name;
      try {
        let model: TableModel | undefined = known;
        if (known && then && !st.columns) {
          // A positional INSERT fills the columns of its own moment, in their order then.
          const gone = then.columns.filter((c) => !known.columns.includes(c));
          if (gone.length) {
            throw new DataError(`the INSERT gives values by position for column${gone.length === 1 ? '' : 's'} ${gone.map((c) => c.name).join(', ')}, which a later statement drops`,
              'Load these rows before the ALTER TABLE that drops the column (or name the columns and leave the dropped one out)');
          }
          model = { ...known, columns: then.columns };
        }
        const res = convertInsert(st, model, name, this.dialect, (n) => this.q(n), utc);
        done.push({ sql: res.sql, table: known, explicit: res.explicitIdentity, generates: res.generatesIdentity });
        const s = stats.get(name) ?? { src: obj, statements: 0, rows: 0, rules: new Map(), table: known };
        s.statements++;
        s.rows += res.rows;
        for (const [r, n] of res.rules) s.rules.set(r, (s.rules.get(r) ?? 0) + n);
        if (!known) s.rules.set('table not created by this script: values kept by their literal form', (s.rules.get('table not created by this script: values kept by their literal form') ?? 0) + res.rows);
        stats.set(name, s);
      } catch (err) {
        if (!(err instanceof Error)) throw err;
        const reason = err instanceof Unconvertible ? `a value has no automatic conversion: ${err.message}` : err.message;
        const recommended = err instanceof DataError ? err.recommended : 'Convert these rows by hand (or load them with a migration tool)';
        this.action('data', `${obj} data`, 'data', `INSERT into ${obj} (${st.rows.length} rows) not converted: ${reason}`, recommended, 'simple', st.raw);
      }
    }
    // Explicit values do not advance an identity (MySQL's AUTO_INCREMENT and SQL Server's IDENTITY_INSERT
    // do): move it past the largest value after such a statement when a later one lets it generate, and at the end.
    // The next value is past the loaded rows and never before the identity's own start (MySQL's
    // AUTO_INCREMENT=100 or IDENTITY(1000,1) with a few explicit low ids still gives 100 or 1000 next);
    // setval(seq, v, false) makes v itself the next value.
    const reset = (t: TableModel) => t.columns.filter((c) => c.identity).map((c) => {
      const col = quoteIdent(c.name);
      const down = (c.identity!.increment ?? '').trim().startsWith('-');
      const start = /^[-+]?\d+$/.test((c.identity!.start ?? '').trim()) ? c.identity!.start!.trim() : down ? '-1' : '1';
      const [agg, pick, past] = down ? ['min', 'LEAST', '<='] : ['max', 'GREATEST', '>='];
      return `SELECT setval(pg_get_serial_sequence(${quoteLiteral(this.q(t.name))}, ${quoteLiteral(c.name)}), ${pick}(${agg}(${col}), ${start}), ${agg}(${col}) ${past} ${start}) FROM ${this.q(t.name)} HAVING ${agg}(${col}) IS NOT NULL`;
    });
    done.forEach((d, k) => {
      out.push(d.sql);
      if (d.table && d.explicit && done.slice(k + 1).some((e) => e.table === d.table && e.generates)) out.push(...reset(d.table));
    });
    for (const s of stats.values()) {
      const rules = [...s.rules].map(([r, n]) => `${r} (${n})`);
      this.change(s.src, `INSERT (${s.statements} statement${s.statements === 1 ? '' : 's'})`, `${s.rows} row${s.rows === 1 ? '' : 's'}`,
        `data: ${s.rows} rows converted${rules.length ? `; values changed: ${rules.join('; ')}` : '; no value needed a change'}`);
      const t = s.table;
      if (!t || s.rows === 0) continue;
      out.push(...reset(t));
      for (const c of t.columns.filter((x) => x.identity)) {
        this.change(`${t.src}.${c.src}`, 'identity after the loaded rows', `setval(..., max(${c.name}))`, 'identity reset after the data load, so the next generated value does not collide');
      }
    }
    return out;
  }

  /**
   * MySQL PARTITION BY -> PostgreSQL declarative partitioning (PostgreSQL docs, Table Partitioning):
   * RANGE -> FOR VALUES FROM (previous bound, else MINVALUE) TO (bound | MAXVALUE), LIST -> FOR
   * VALUES IN, HASH / KEY -> n partitions FOR VALUES WITH (MODULUS n, REMAINDER i). Undefined, with
   * an action item, when PostgreSQL would refuse the table that way.
   */
  private partitionSql(t: TableModel, p: NonNullable<TableModel['partition']>): { by: string; parts: string[] } | undefined {
    const { spec } = p;
    let why: string | undefined;
    const cols = spec.columns.length ? spec.columns.map((c) => pgName(c.name)) : (t.pk?.cols.map(stripQuotes) ?? []);
    const keyCols = cols.map((n) => t.columns.find((c) => c.name === n));
    if (cols.length === 0) why = 'KEY () partitioning on a table without a primary key';
    else if (keyCols.some((c) => !c)) why = 'a partition key column is not a column of the table';
    else if (keyCols.some((c) => c!.generated)) why = 'PostgreSQL does not allow a generated column in a partition key';
    else if (t.columns.some((c) => c.identity)) why = 'PostgreSQL before 17 does not allow identity (AUTO_INCREMENT) columns in a partitioned table';
    else if ([t.pk, ...t.uniques].some((k) => k && !cols.every((n) => k.cols.map(stripQuotes).includes(n)))) why = 'a primary or unique key does not include every partition key column';
    else if (spec.method === 'LIST' && cols.length !== 1) why = 'PostgreSQL list partitioning takes one column';
    if (why) {
      this.action('table', t.src, 'partitioning', `partitioned table: ${p.raw.slice(0, 200)} (not mapped: ${why})`,
        'Declare the table PARTITION BY RANGE/LIST/HASH in PostgreSQL and create each partition; the table was created unpartitioned', 'medium', p.stmt);
      return undefined;
    }
    const key = cols.map(quoteIdent).join(', ');
    const method = spec.method === 'KEY' ? 'HASH' : spec.method;
    const parts: string[] = [];
    const partName = (n: string) => this.names.claim(pgName(`${t.name}_${n}`));
    const notes: string[] = [];
    if (method === 'RANGE') {
      let prev = cols.map(() => 'MINVALUE');
      for (const part of spec.parts) {
        let max = false;
        // once one column is MAXVALUE PostgreSQL wants the rest MAXVALUE too
        const to = part.lessThan!.map((v) => (max ||= v === undefined) ? 'MAXVALUE' : v!);
        parts.push(`CREATE TABLE ${this.q(partName(part.name.name))} PARTITION OF ${this.q(t.name)} FOR VALUES FROM (${prev.join(', ')}) TO (${to.join(', ')})`);
        prev = to;
      }
      if (keyCols.some((c) => !c!.notNull)) notes.push('MySQL files a NULL key in the lowest range partition; PostgreSQL range partitions refuse NULL keys');
    } else if (method === 'LIST') {
      for (const part of spec.parts) parts.push(`CREATE TABLE ${this.q(partName(part.name.name))} PARTITION OF ${this.q(t.name)} FOR VALUES IN (${part.inValues!.join(', ')})`);
    } else {
      const n = spec.count ?? (spec.parts.length || 1);
      for (let i = 0; i < n; i++) {
        parts.push(`CREATE TABLE ${this.q(partName(spec.parts[i]?.name.name ?? `p${i}`))} PARTITION OF ${this.q(t.name)} FOR VALUES WITH (MODULUS ${n}, REMAINDER ${i})`);
      }
      notes.push(`PostgreSQL's hash function differs from MySQL's${spec.linear ? ' (and LINEAR hashing)' : ''}: a row may land in another partition number`);
    }
    this.change(t.src, p.raw.slice(0, 200), `PARTITION BY ${method} (${key}) with ${parts.length} partition${parts.length === 1 ? '' : 's'}`,
      ['MySQL partitioning -> PostgreSQL declarative partitioning', ...notes].join('; '));
    return { by: `${method} (${key})`, parts };
  }

  private summarize(): ConversionResult['summary'] {
    const byKind: Record<string, KindSummary> = {};
    let needing = 0;
    for (const o of this.objects.values()) {
      const k = (byKind[o.kind] ??= { found: 0, converted: 0, needing_action: 0 });
      k.found++;
      if (o.action) {
        k.needing_action++;
        needing++;
      } else k.converted++;
    }
    return { objects_found: this.objects.size, converted_automatically: this.objects.size - needing, needing_action: needing, by_kind: byKind };
  }

  /** Objects left out of the DDL (a person has to write them): the CLI exits 2 when there are any. */
  readonly leftOut: string[] = [];

  private omit(object: string): void {
    if (!this.leftOut.includes(object)) this.leftOut.push(object);
  }

  /** A statement PostgreSQL refused (validate.ts): it leaves the DDL and becomes an action item. */
  rejected(sql: string, message: string): ConversionResult['summary'] {
    const { kind, object } = describeStatement(sql);
    this.omit(object);
    this.action(kind, object, 'postgresql_error', `PostgreSQL rejected the converted ${kind.replace('_', ' ')}: ${message}`,
      'Fix the statement by hand and run it after the rest of the script (it was left out of the DDL)', 'simple', sql);
    return this.summarize();
  }

  private finish(): ConversionResult {
    this.alignForeignKeyTypes();
    const out: string[] = [];
    if (this.schema) {
      out.push(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(this.schema)}`);
      out.push(`SET search_path TO ${quoteIdent(this.schema)}, public`);
    }
    for (const d of this.domains.values()) out.push(d.sql);
    for (const e of this.enums) out.push(`CREATE TYPE ${this.q(e.name)} AS ENUM (${e.values.map(quoteLiteral).join(', ')})`);
    for (const s of this.sequences.values()) {
      if (s.absorbed) continue;
      out.push(this.sequenceSql(s));
    }
    for (const t of this.tableOrder) {
      if (t.stub) continue;
      if (t.like) {
        out.push(`CREATE TABLE ${t.ifNotExists ? 'IF NOT EXISTS ' : ''}${this.q(t.name)} (LIKE ${this.q(t.like)} INCLUDING ALL)`);
        continue;
      }
      const lines = t.columns.map((c) => this.columnSql(c));
      if (t.pk && !t.pk.inline) lines.push(this.keySql('PRIMARY KEY', t.pk));
      for (const u of t.uniques) lines.push(this.keySql('UNIQUE', u));
      for (const c of t.checks) lines.push(`${c.name ? `CONSTRAINT ${quoteIdent(c.name)} ` : ''}CHECK (${c.expr})`);
      const part = t.partition ? this.partitionSql(t, t.partition) : undefined;
      out.push(`CREATE TABLE ${t.ifNotExists ? 'IF NOT EXISTS ' : ''}${this.q(t.name)} (\n  ${lines.join(',\n  ')}\n)${part ? ` PARTITION BY ${part.by}` : ''}`);
      if (part) out.push(...part.parts);
    }
    // Tables only altered in this script: emit their additions as ALTER TABLE.
    for (const t of this.tableOrder) {
      if (!t.stub) continue;
      this.action('table', t.src, 'dependency', `table ${t.src} is altered or indexed here but not created by this script`, 'Run the script that creates it first', 'simple');
      for (const c of t.columns) out.push(`ALTER TABLE ${this.q(t.name)} ADD COLUMN ${this.columnSql(c)}`);
      if (t.pk) out.push(`ALTER TABLE ${this.q(t.name)} ADD ${this.keySql('PRIMARY KEY', t.pk)}`);
      for (const u of t.uniques) out.push(`ALTER TABLE ${this.q(t.name)} ADD ${this.keySql('UNIQUE', u)}`);
      for (const c of t.checks) out.push(`ALTER TABLE ${this.q(t.name)} ADD ${c.name ? `CONSTRAINT ${quoteIdent(c.name)} ` : ''}CHECK (${c.expr})`);
    }
    // Data after the tables and before indexes and foreign keys: rows load in any order, and faster.
    out.push(...this.dataSql());
    for (const i of this.indexes) {
      out.push(`CREATE ${i.unique ? 'UNIQUE ' : ''}INDEX ${quoteIdent(i.name)} ON ${this.q(i.table)}${i.method ? ` USING ${i.method}` : ''} (${i.cols.join(', ')})` +
        `${i.include?.length ? ` INCLUDE (${i.include.join(', ')})` : ''}${i.where ? ` WHERE ${i.where}` : ''}`);
    }
    for (const fk of this.fks) {
      const ref = this.tables.get(fk.refKey);
      let refCols = fk.refCols;
      if (!refCols && ref?.pk) {
        refCols = ref.pk.cols;
        this.change(fk.object, `REFERENCES ${fk.refName}`, `REFERENCES ${fk.refName} (${refCols.join(', ')})`, 'referenced columns spelled out (the primary key)');
      }
      const sql = `ALTER TABLE ${this.q(fk.table)} ADD ${fk.name ? `CONSTRAINT ${quoteIdent(fk.name)} ` : ''}FOREIGN KEY (${fk.cols.join(', ')}) REFERENCES ${this.q(ref?.name ?? fk.refName)}` +
        `${refCols ? ` (${refCols.join(', ')})` : ''}${fk.onDelete ? ` ON DELETE ${fk.onDelete}` : ''}${fk.onUpdate ? ` ON UPDATE ${fk.onUpdate}` : ''}` +
        `${fk.deferrable ? ` ${fk.deferrable}` : ''}${fk.notValid ? ' NOT VALID' : ''}`;
      if (!ref || ref.stub) {
        // The script would stop there in an empty database: the constraint waits for the other script's table.
        this.omit(fk.object);
        this.action('foreign_key', fk.object, 'dependency', `foreign key references ${fk.refName}, which is not created by this script: the constraint was left out of the DDL`,
          'Create the referenced table (convert the script that defines it), then run the statement given here', 'simple', sql);
        continue;
      }
      out.push(sql);
    }
    for (const v of this.viewOrder) if (v.sql) out.push(v.sql);
    for (const t of this.tableOrder) {
      if (t.stub) continue;
      if (t.comment !== undefined) out.push(`COMMENT ON TABLE ${this.q(t.name)} IS ${quoteLiteral(t.comment)}`);
      for (const c of t.columns) if (c.comment !== undefined) out.push(`COMMENT ON COLUMN ${this.q(t.name)}.${quoteIdent(c.name)} IS ${quoteLiteral(c.comment)}`);
    }
    for (const v of this.viewOrder) if (v.sql) out.push(...v.comments);
    out.push(...this.tailComments);
    for (const t of this.tableOrder) {
      const cols = t.columns.filter((c) => c.onUpdate);
      if (!cols.length || t.stub) continue;
      const fn = pgName(`${t.name}_on_update`);
      const body = cols.map((c) => `  IF NEW.${quoteIdent(c.name)} IS NOT DISTINCT FROM OLD.${quoteIdent(c.name)} THEN\n    NEW.${quoteIdent(c.name)} := CURRENT_TIMESTAMP;\n  END IF;`).join('\n');
      out.push(`CREATE OR REPLACE FUNCTION ${this.q(fn)}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n${body}\n  RETURN NEW;\nEND\n$$`);
      out.push(`CREATE TRIGGER ${quoteIdent(fn)} BEFORE UPDATE ON ${this.q(t.name)} FOR EACH ROW EXECUTE FUNCTION ${this.q(fn)}()`);
    }

    const result: ConversionResult = {
      from: this.from,
      to: 'postgresql',
      ddl: joinStatements(out),
      changes: this.changes,
      action_items: this.actions,
      unparsed: this.unparsed,
      skipped: this.skipped,
      summary: this.summarize(),
    };
    EMITTED.set(result, { converter: this, statements: out, rejected: new Set() });
    CONVERTED.set(result, this.tableOrder.filter((t) => !t.stub).map((t) => ({
      source: t.src,
      name: t.name,
      key: t.pk ? stripQuotes(t.pk.cols[0] ?? '') || undefined : undefined,
      columns: t.columns.filter((c) => !c.generated).map((c) => ({ source: c.src, name: c.name, kind: c.kind })),
    })));
    return result;
  }
}

function sameCols(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, k) => stripQuotes(x) === stripQuotes(b[k]!));
}

function stripQuotes(s: string): string {
  return s.replace(/^"(.*)"$/, '$1').replace(/""/g, '"');
}

function mapTypeKind(pg: string): TypeKind {
  switch (pg) {
    case 'text':
      return 'text';
    case 'integer':
      return 'int';
    case 'bigint':
      return 'bigint';
    case 'numeric':
      return 'numeric';
    case 'double precision':
      return 'float';
    case 'boolean':
      return 'bool';
    case 'timestamptz':
      return 'timestamp';
    case 'date':
      return 'date';
    case 'uuid':
      return 'uuid';
    default:
      return 'other';
  }
}

/** Views that join, aggregate or de-duplicate are never auto-updatable in PostgreSQL. */
function isReadOnlyShape(body: Token[]): boolean {
  let depth = 0;
  let inFrom = false;
  for (const t of body) {
    if (t.kind === 'punct' && t.text === '(') depth++;
    else if (t.kind === 'punct' && t.text === ')') depth--;
    if (t.kind !== 'word' && !(t.kind === 'punct' && t.text === ',')) continue;
    if (t.kind === 'word' && ['JOIN', 'DISTINCT', 'UNION', 'INTERSECT', 'EXCEPT', 'MINUS', 'GROUP', 'HAVING'].includes(t.upper)) return true;
    if (depth === 0 && t.kind === 'word' && t.upper === 'FROM') inFrom = true;
    else if (depth === 0 && t.kind === 'word' && ['WHERE', 'ORDER', 'CONNECT', 'START'].includes(t.upper)) inFrom = false;
    else if (depth === 0 && inFrom && t.kind === 'punct') return true;
  }
  return false;
}

const EMITTED = new WeakMap<ConversionResult, { converter: Converter; statements: string[]; rejected: Set<number> }>();

function joinStatements(out: string[]): string {
  return out.length ? out.map((s) => `${s};`).join('\n\n') + '\n' : '';
}

/** The statements of a conversion's DDL, in order (for the PostgreSQL check). */
export const statementsOf = (r: ConversionResult): string[] | undefined => EMITTED.get(r)?.statements;

/** The objects a conversion left out of its DDL (views, checks, routines... that need a person), plus its unparsed statements. */
export const leftOut = (r: ConversionResult): string[] => [...(EMITTED.get(r)?.converter.leftOut ?? []), ...r.unparsed.map((u) => u.statement.slice(0, 80))];

/**
 * Replaces statement k by a reduced form PostgreSQL accepted (a table without the CHECK constraints it
 * refused); the parts left out become an action item.
 */
export function reduceStatement(r: ConversionResult, k: number, reduced: string, leftOutParts: string[], message: string): void {
  const e = EMITTED.get(r);
  const sql = e?.statements[k];
  if (!e || sql === undefined) return;
  e.statements[k] = reduced;
  const { object } = describeStatement(sql);
  r.summary = e.converter.rejected(`ALTER TABLE ${object} ADD ${leftOutParts.join(', ')}`, message);
  r.ddl = joinStatements(e.statements.filter((_, j) => !e.rejected.has(j)));
}

/**
 * Takes statement k out of the conversion's DDL as rejected by PostgreSQL with message; returns
 * the name of the object it created (to recognise the statements that depended on it).
 */
export function rejectStatement(r: ConversionResult, k: number, message: string): string | undefined {
  const e = EMITTED.get(r);
  const sql = e?.statements[k];
  if (!e || sql === undefined) return undefined;
  e.rejected.add(k);
  r.summary = e.converter.rejected(sql, message);
  r.ddl = joinStatements(e.statements.filter((_, j) => !e.rejected.has(j)));
  return describeStatement(sql).created;
}

const NAME = String.raw`((?:"(?:[^"]|"")+"|[\w$]+)(?:\.(?:"(?:[^"]|"")+"|[\w$]+))*)`;
const unq = (s: string) => s.split('.').map((x) => stripQuotes(x)).join('.');

/** The kind of object a generated statement creates, and its name (as an action item names it). */
export function describeStatement(sql: string): { kind: string; object: string; created?: string } {
  const m = (re: string) => new RegExp(re, 'i').exec(sql);
  let x = m(String.raw`^CREATE\s+(?:UNIQUE\s+)?INDEX\s+${NAME}\s+ON\s+${NAME}`);
  if (x) return { kind: 'index', object: `${unq(x[2]!)}.${unq(x[1]!)}`, created: unq(x[1]!) };
  x = m(String.raw`^CREATE\s+(?:MATERIALIZED\s+)?VIEW\s+${NAME}`);
  if (x) return { kind: 'view', object: unq(x[1]!), created: unq(x[1]!).replace(/^.*\./, '') };
  x = m(String.raw`^CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?${NAME}`);
  if (x) return { kind: 'table', object: unq(x[1]!), created: unq(x[1]!).replace(/^.*\./, '') };
  x = m(String.raw`^ALTER\s+TABLE\s+${NAME}\s+ADD\s+(?:CONSTRAINT\s+${NAME}\s+)?(FOREIGN\s+KEY|PRIMARY|UNIQUE|CHECK|COLUMN)?`);
  if (x) {
    const kind = /^FOREIGN/i.test(x[3] ?? '') ? 'foreign_key' : /^COLUMN/i.test(x[3] ?? '') ? 'column' : /^CHECK/i.test(x[3] ?? '') ? 'check' : 'constraint';
    return { kind, object: x[2] ? `${unq(x[1]!)}.${unq(x[2])}` : unq(x[1]!) };
  }
  x = m(String.raw`^CREATE\s+(TYPE|DOMAIN|SEQUENCE)\s+${NAME}`);
  if (x) return { kind: x[1]!.toUpperCase() === 'SEQUENCE' ? 'sequence' : 'type', object: unq(x[2]!), created: unq(x[2]!).replace(/^.*\./, '') };
  x = m(String.raw`^COMMENT\s+ON\s+\w+\s+${NAME}`);
  if (x) return { kind: 'comment', object: unq(x[1]!) };
  x = m(String.raw`^CREATE\s+(?:OR\s+REPLACE\s+)?(FUNCTION|TRIGGER|PROCEDURE)\s+${NAME}`);
  if (x) return { kind: x[1]!.toUpperCase() === 'TRIGGER' ? 'trigger' : 'routine', object: unq(x[2]!), created: unq(x[2]!).replace(/^.*\./, '') };
  x = m(String.raw`^INSERT\s+INTO\s+${NAME}`);
  if (x) return { kind: 'data', object: unq(x[1]!) };
  return { kind: 'statement', object: sql.slice(0, 60) };
}
