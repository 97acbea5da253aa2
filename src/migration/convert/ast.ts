import type { Token } from './lexer.js';

export interface Ident {
  /** Name as written, without quotes. */
  name: string;
  quoted: boolean;
}

export interface QName {
  schema?: Ident;
  name: Ident;
}

export interface TypeRef {
  /** Canonical upper-case name, multi-word types joined by one space (DOUBLE PRECISION, LONG RAW). */
  name: string;
  schema?: string;
  args: string[];
  /** ENUM / SET values. */
  values?: string[];
  unsigned?: boolean;
  zerofill?: boolean;
  /** Oracle BYTE / CHAR length semantics. */
  semantics?: string;
  withTimeZone?: 'tz' | 'local';
  /** INTERVAL DAY(n) TO SECOND(m): the second precision. */
  toArgs?: string[];
  raw: string;
}

export type Expr =
  | { t: 'num'; v: string }
  | { t: 'str'; v: string; national?: boolean }
  | { t: 'hex'; v: string }
  | { t: 'bits'; v: string }
  | { t: 'null' }
  | { t: 'bool'; v: boolean }
  | { t: 'ident'; parts: Ident[] }
  | { t: 'call'; name: Ident[]; args: Expr[]; star?: boolean; distinct?: boolean }
  | { t: 'opaque'; raw: string; why: string }
  | { t: 'unary'; op: string; e: Expr }
  | { t: 'bin'; op: string; l: Expr; r: Expr }
  | { t: 'in'; e: Expr; list: Expr[]; not: boolean }
  | { t: 'between'; e: Expr; lo: Expr; hi: Expr; not: boolean }
  | { t: 'like'; op: string; e: Expr; pat: Expr; not: boolean; esc?: Expr }
  | { t: 'is'; e: Expr; not: boolean; what: string }
  | { t: 'case'; operand?: Expr; whens: { when: Expr; then: Expr }[]; else?: Expr }
  | { t: 'cast'; e: Expr; type: TypeRef }
  | { t: 'paren'; e: Expr }
  | { t: 'bind'; name: string; field?: string }
  | { t: 'var'; name: string }
  | { t: 'nextval'; seq: Ident[] }
  | { t: 'typed'; kw: string; v: string };

export interface IndexCol {
  col?: Ident;
  expr?: Expr;
  raw: string;
  prefix?: string;
  desc?: boolean;
}

export type RefAction = 'CASCADE' | 'SET NULL' | 'SET DEFAULT' | 'RESTRICT' | 'NO ACTION';

export interface ConstraintDef {
  kind: 'primary_key' | 'unique' | 'foreign_key' | 'check' | 'index' | 'fulltext' | 'spatial';
  name?: Ident;
  columns: IndexCol[];
  refTable?: QName;
  refColumns?: Ident[];
  onDelete?: RefAction;
  onUpdate?: RefAction;
  deferrable?: string;
  check?: Expr;
  checkRaw?: string;
  checkError?: string;
  using?: string;
  clustered?: string;
  disabled?: boolean;
  novalidate?: boolean;
  dropped: string[];
  raw: string;
}

export interface ColumnDef {
  name: Ident;
  type?: TypeRef;
  notNull?: boolean;
  namedNotNull?: string;
  default?: Expr;
  defaultRaw?: string;
  defaultOnNull?: boolean;
  autoIncrement?: boolean;
  identity?: { always: boolean; onNull?: boolean; start?: string; increment?: string; raw: string; dropped: string[] };
  generated?: { expr?: Expr; raw: string; error?: string; stored: boolean };
  onUpdate?: string;
  comment?: string;
  collate?: string;
  charset?: string;
  /** MySQL BINARY column attribute: the _bin (binary, case-sensitive) collation of the column's character set. */
  binary?: boolean;
  constraints: ConstraintDef[];
  dropped: string[];
  raw: string;
}

/** MySQL PARTITION BY, when its key is plain columns and its bounds are literals. */
export interface PartitionSpec {
  method: 'RANGE' | 'LIST' | 'HASH' | 'KEY';
  linear: boolean;
  /** Key columns; empty for KEY () (the primary key). */
  columns: Ident[];
  count?: number;
  /** RANGE: the LESS THAN tuple (undefined entries are MAXVALUE); LIST: the IN values (SQL literals). */
  parts: { name: Ident; lessThan?: (string | undefined)[]; inValues?: string[] }[];
  subpartitioned: boolean;
}

export interface CreateTable {
  kind: 'create_table';
  name: QName;
  columns: ColumnDef[];
  constraints: ConstraintDef[];
  ifNotExists: boolean;
  temporary?: string;
  asSelect?: boolean;
  like?: QName;
  comment?: string;
  autoIncrement?: string;
  partition?: string;
  /** Set when the PARTITION BY clause maps onto PostgreSQL declarative partitioning. */
  partitionSpec?: PartitionSpec;
  /** Why the PARTITION BY clause does not map, when it does not. */
  partitionWhy?: string;
  external?: boolean;
  systemVersioning?: boolean;
  droppedOptions: string[];
  raw: string;
}

export interface CreateIndex {
  kind: 'create_index';
  unique: boolean;
  variant?: string;
  name: QName;
  table: QName;
  columns: IndexCol[];
  include?: Ident[];
  where?: Expr;
  whereRaw?: string;
  whereError?: string;
  using?: string;
  droppedOptions: string[];
  raw: string;
}

export type AlterAction =
  | { a: 'add_constraint'; c: ConstraintDef }
  | { a: 'add_column'; col: ColumnDef }
  | { a: 'modify_column'; col: ColumnDef; oldName?: Ident; partial: boolean }
  | { a: 'set_default'; column: Ident; expr?: Expr; raw: string; name?: Ident }
  | { a: 'auto_increment'; value: string }
  | { a: 'rename_table'; to: QName; raw: string }
  | { a: 'rename_column'; from: Ident; to: Ident; raw: string }
  | { a: 'drop'; what: 'column' | 'index' | 'foreign_key' | 'primary_key' | 'check' | 'constraint'; name?: Ident; raw: string }
  | { a: 'noop'; reason: string; raw: string }
  | { a: 'options'; dropped: string[]; raw: string }
  | { a: 'other'; raw: string };

export interface AlterTable {
  kind: 'alter_table';
  table: QName;
  actions: AlterAction[];
  nocheck?: boolean;
  raw: string;
}

export interface CreateSequence {
  kind: 'create_sequence';
  name: QName;
  start?: string;
  increment?: string;
  min?: string;
  max?: string;
  cache?: string;
  noMin?: boolean;
  noMax?: boolean;
  noCache?: boolean;
  cycle?: boolean;
  asType?: TypeRef;
  dropped: string[];
  raw: string;
}

export interface CreateTrigger {
  kind: 'create_trigger';
  name: QName;
  table?: QName;
  timing?: string;
  events: string[];
  forEachRow: boolean;
  body: Token[];
  raw: string;
}

export interface CreateRoutine {
  kind: 'create_routine';
  objectKind: string;
  name: QName;
  raw: string;
}

export interface CreateView {
  kind: 'create_view';
  name: QName;
  columns?: Ident[];
  body: Token[];
  readOnly: boolean;
  checkOption?: string;
  /** MySQL SQL SECURITY INVOKER: PostgreSQL 15+ WITH (security_invoker = true). */
  securityInvoker?: boolean;
  materialized: boolean;
  dropped: string[];
  raw: string;
}

export interface CommentOn {
  kind: 'comment';
  target: string;
  table: QName;
  column?: Ident;
  text: string;
  raw: string;
}

export interface CreateType {
  kind: 'create_type';
  name: QName;
  alias?: TypeRef;
  aliasNotNull?: boolean;
  /** Oracle AS OBJECT (...) without methods: a composite type. */
  attributes?: { name: Ident; type: TypeRef }[];
  /** Oracle VARRAY(n) OF / TABLE OF: an array type (limit: the VARRAY's size). */
  collection?: { of: TypeRef; limit?: string };
  raw: string;
}

export interface ExtendedProperty {
  kind: 'ext_property';
  table?: string;
  column?: string;
  text: string;
  raw: string;
}

export interface Skip {
  kind: 'skip';
  reason: string;
  raw: string;
}

export interface Unsupported {
  kind: 'unsupported';
  objectKind: string;
  name: string;
  category: string;
  reason: string;
  recommended: string;
  complexity: 'simple' | 'medium' | 'significant';
  raw: string;
  /** The table an UPDATE, DELETE, MERGE or TRUNCATE changes, when it could be read. */
  dataTarget?: QName;
}

/** One row value of an INSERT: an expression, or the DEFAULT keyword. */
export type RowValue = Expr | { t: 'default' };

export interface InsertStmt {
  kind: 'insert';
  table: QName;
  columns?: Ident[];
  /** Empty with defaultValues. */
  rows: RowValue[][];
  defaultValues?: boolean;
  /** MySQL INSERT IGNORE, REPLACE INTO. */
  mode: 'insert' | 'ignore' | 'replace';
  /** MySQL ON DUPLICATE KEY UPDATE assignments. */
  onDuplicate?: { col: Ident; expr: Expr }[];
  /** Modifiers and hints that have no PostgreSQL meaning (LOW_PRIORITY, WITH (TABLOCK)...). */
  dropped: string[];
  /** MySQL strings with a backslash before a character outside the escape table ('a\ b' is 'a b'). */
  unknownEscapes?: number;
  /** Oracle INSERT ALL: the further INTO clauses (other tables or column lists). */
  also?: InsertStmt[];
  raw: string;
}

export type Statement =
  | InsertStmt
  | CreateTable
  | CreateIndex
  | AlterTable
  | CreateSequence
  | CreateTrigger
  | CreateRoutine
  | CreateView
  | CommentOn
  | CreateType
  | ExtendedProperty
  | Skip
  | Unsupported;
