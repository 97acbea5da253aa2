import type { TypeRef } from './ast.js';
import type { Dialect } from './lexer.js';

export type TypeKind =
  | 'bool' | 'smallint' | 'int' | 'bigint' | 'numeric' | 'float' | 'string' | 'text' | 'bytes' | 'date' | 'time'
  | 'timestamp' | 'json' | 'uuid' | 'enum' | 'set' | 'bit' | 'xml' | 'interval' | 'geo' | 'other';

export type Complexity = 'simple' | 'medium' | 'significant';

export interface TypeAction {
  category: string;
  reason: string;
  recommended: string;
  complexity: Complexity;
}

export interface MappedType {
  pg: string;
  kind: TypeKind;
  /** Names the mapping when the PostgreSQL spelling differs from the source. */
  rule: string;
  notes: string[];
  action?: TypeAction;
  values?: string[];
  /** MySQL BIGINT UNSIGNED: numeric(20) unless it becomes an identity. */
  unsignedBig?: boolean;
  /** The source type's value range when the PostgreSQL type is wider (T-SQL tinyint 0..255): kept as a CHECK. */
  range?: [string, string];
}

export const isIntegerKind = (k: TypeKind) => k === 'smallint' || k === 'int' || k === 'bigint';
export const isStringKind = (k: TypeKind) => k === 'string' || k === 'text';
export const isNumericKind = (k: TypeKind) => isIntegerKind(k) || k === 'numeric' || k === 'float';

const num = (s: string | undefined) => (s === undefined || s === '' || s === '*' ? undefined : Number(s));
const lenArg = (a: string | undefined) => (a === undefined ? '' : `(${a})`);

function fsp(arg: string | undefined, notes: string[], max = 6): string {
  if (arg === undefined) return '';
  const n = Number(arg);
  if (n > max) {
    notes.push(`fractional second precision ${n} reduced to ${max} (PostgreSQL's maximum)`);
    return `(${max})`;
  }
  return `(${n})`;
}

function unknown(t: TypeRef, dialect: Dialect): MappedType {
  return {
    pg: 'text',
    kind: 'other',
    rule: `unknown type ${t.raw} -> text placeholder`,
    notes: [],
    action: {
      category: 'data_type',
      reason: `${dialect} type ${t.raw} has no automatic PostgreSQL mapping; the column was created as text so the script loads`,
      recommended: 'Choose the right PostgreSQL type (or create a domain/composite type) and ALTER the column',
      complexity: 'medium',
    },
  };
}

function postgisPlaceholder(t: TypeRef): MappedType {
  return {
    pg: 'bytea',
    kind: 'geo',
    rule: `${t.raw.toLowerCase()} -> bytea placeholder (PostGIS needed)`,
    notes: [],
    action: {
      category: 'spatial',
      reason: `spatial type ${t.raw} needs PostGIS; the column was created as bytea (WKB) so the script loads`,
      recommended: 'CREATE EXTENSION postgis; then ALTER COLUMN ... TYPE geometry USING ST_GeomFromWKB(col)',
      complexity: 'medium',
    },
  };
}

const m = (pg: string, kind: TypeKind, rule: string, notes: string[] = []): MappedType => ({ pg, kind, rule, notes });

function mapMysql(t: TypeRef): MappedType {
  const a = t.args;
  const u = !!t.unsigned || !!t.zerofill; // ZEROFILL implies UNSIGNED
  const notes: string[] = [];
  if (t.zerofill) notes.push('ZEROFILL dropped (display formatting only)');
  const width = a.length && ['TINYINT', 'SMALLINT', 'MEDIUMINT', 'INT', 'INTEGER', 'BIGINT'].includes(t.name) ? ' (display width dropped)' : '';
  switch (t.name) {
    case 'TINYINT':
      if (a[0] === '1') return m('boolean', 'bool', 'tinyint(1) -> boolean', notes);
      return u ? m('smallint', 'smallint', 'tinyint unsigned -> smallint' + width, notes) : m('smallint', 'smallint', 'tinyint -> smallint' + width, notes);
    case 'BOOL':
    case 'BOOLEAN':
      return m('boolean', 'bool', 'bool -> boolean', notes);
    case 'SMALLINT':
      return u ? m('integer', 'int', 'smallint unsigned -> integer' + width, notes) : m('smallint', 'smallint', 'smallint' + width, notes);
    case 'MEDIUMINT':
      return m('integer', 'int', (u ? 'mediumint unsigned' : 'mediumint') + ' -> integer' + width, notes);
    case 'INT':
    case 'INTEGER':
      return u ? m('bigint', 'bigint', 'int unsigned -> bigint' + width, notes) : m('integer', 'int', 'int -> integer' + width, notes);
    case 'BIGINT':
      if (u) return { ...m('numeric(20)', 'numeric', 'bigint unsigned -> numeric(20)' + width, notes), unsignedBig: true };
      return m('bigint', 'bigint', 'bigint' + width, notes);
    case 'SERIAL':
      return m('bigint', 'bigint', 'serial -> bigint identity', notes);
    case 'FLOAT': {
      if (a.length === 1) {
        const p = Number(a[0]);
        return p <= 24 ? m('real', 'float', 'float(p<=24) -> real', notes) : m('double precision', 'float', 'float(p>24) -> double precision', notes);
      }
      if (a.length === 2) notes.push(`float(${a.join(',')}): the (M,D) display precision is dropped`);
      return m('real', 'float', 'float -> real', notes);
    }
    case 'DOUBLE':
    case 'DOUBLE PRECISION':
    case 'REAL':
      if (a.length === 2) notes.push(`${t.name.toLowerCase()}(${a.join(',')}): the (M,D) display precision is dropped`);
      return m('double precision', 'float', `${t.name.toLowerCase()} -> double precision`, notes);
    case 'DECIMAL':
    case 'DEC':
    case 'NUMERIC':
    case 'FIXED':
      if (a.length === 0) return m('numeric(10,0)', 'numeric', 'decimal -> numeric(10,0) (MySQL default precision)', notes);
      return m(`numeric(${a.join(',')})`, 'numeric', 'decimal -> numeric', notes);
    case 'CHAR':
    case 'CHARACTER':
    case 'NCHAR':
    case 'NATIONAL CHAR':
    case 'NATIONAL CHARACTER':
      return m(`char${lenArg(a[0])}`, 'string', 'char', notes);
    case 'VARCHAR':
    case 'CHARACTER VARYING':
    case 'CHAR VARYING':
    case 'NVARCHAR':
    case 'NATIONAL VARCHAR':
    case 'NCHAR VARYING':
    case 'NATIONAL CHAR VARYING':
    case 'NATIONAL CHARACTER VARYING':
    case 'VARCHARACTER':
      return m(`varchar${lenArg(a[0])}`, 'string', 'varchar', notes);
    case 'TINYTEXT':
    case 'TEXT':
    case 'MEDIUMTEXT':
    case 'LONGTEXT':
    case 'LONG':
    case 'LONG VARCHAR':
      return m('text', 'text', `${t.name.toLowerCase()} -> text`, notes);
    case 'BINARY':
    case 'VARBINARY':
    case 'TINYBLOB':
    case 'BLOB':
    case 'MEDIUMBLOB':
    case 'LONGBLOB':
    case 'LONG VARBINARY':
      return m('bytea', 'bytes', `${t.name.toLowerCase()} -> bytea`, notes);
    case 'DATETIME':
    case 'TIMESTAMP':
      return m(`timestamptz${fsp(a[0], notes)}`, 'timestamp', `${t.name.toLowerCase()} -> timestamptz`, notes);
    case 'DATE':
      return m('date', 'date', 'date', notes);
    case 'TIME':
      return m(`time${fsp(a[0], notes)}`, 'time', 'time', notes);
    case 'YEAR':
      notes.push('YEAR holds 1901..2155 (or 0000): a CHECK keeps that range');
      return m('integer', 'int', 'year -> integer', notes);
    case 'JSON':
      return m('jsonb', 'json', 'json -> jsonb', notes);
    case 'ENUM':
      return { ...m('', 'enum', 'enum -> enum type', notes), values: t.values ?? [] };
    case 'SET':
      return { ...m('', 'set', 'set -> array of an enum type', notes), values: t.values ?? [] };
    case 'POINT':
      return m('point', 'geo', 'point -> point', notes);
    case 'LINESTRING':
      return m('path', 'geo', 'linestring -> path', notes);
    case 'POLYGON':
      return m('polygon', 'geo', 'polygon -> polygon', notes);
    case 'GEOMETRY': // any shape: PostgreSQL's point would refuse lines and polygons
    case 'MULTIPOINT':
    case 'MULTILINESTRING':
    case 'MULTIPOLYGON':
    case 'GEOMETRYCOLLECTION':
    case 'GEOMCOLLECTION':
      return postgisPlaceholder(t);
    case 'BIT':
      if (a.length === 0 || a[0] === '1') return m('boolean', 'bool', 'bit(1) -> boolean', notes);
      notes.push('bit values keep their bits, but MySQL treats b\'1000\' as the number 8; PostgreSQL bit varying keeps the bit string as written');
      return m(`bit varying(${a[0]})`, 'bit', 'bit(n) -> bit varying(n)', notes);
    case 'UUID':
      return m('uuid', 'uuid', 'uuid', notes);
    case 'INET4':
    case 'INET6':
      return m('inet', 'other', `${t.name.toLowerCase()} -> inet`, notes);
    default:
      return unknown(t, 'mysql');
  }
}

function mapSqlServer(t: TypeRef): MappedType {
  const a = t.args;
  const notes: string[] = [];
  const max = a[0] === 'MAX';
  switch (t.name) {
    case 'BIT':
      return m('boolean', 'bool', 'bit -> boolean');
    case 'TINYINT':
      // T-SQL tinyint is unsigned, 0 to 255: smallint plus a CHECK keeps the range
      return { ...m('smallint', 'smallint', 'tinyint -> smallint with CHECK (0..255)'), range: ['0', '255'] };
    case 'SMALLINT':
      return m('smallint', 'smallint', 'smallint');
    case 'INT':
    case 'INTEGER':
      return m('integer', 'int', 'int -> integer');
    case 'BIGINT':
      return m('bigint', 'bigint', 'bigint');
    case 'DECIMAL':
    case 'DEC':
    case 'NUMERIC':
      return m(a.length ? `numeric(${a.join(',')})` : 'numeric(18,0)', 'numeric', 'decimal -> numeric');
    case 'MONEY':
      return m('numeric(19,4)', 'numeric', 'money -> numeric(19,4)');
    case 'SMALLMONEY':
      return m('numeric(10,4)', 'numeric', 'smallmoney -> numeric(10,4)');
    case 'FLOAT':
      if (a.length && Number(a[0]) <= 24) return m('real', 'float', 'float(n<=24) -> real');
      return m('double precision', 'float', 'float -> double precision');
    case 'REAL':
      return m('real', 'float', 'real');
    case 'UNIQUEIDENTIFIER':
      return m('uuid', 'uuid', 'uniqueidentifier -> uuid');
    // datetime, datetime2 and smalldatetime carry no time zone or offset: timestamp (without time zone).
    case 'DATETIME':
      // accuracy of 1/300 s (rounded to .000/.003/.007): three fractional digits
      return m('timestamp(3)', 'timestamp', 'datetime -> timestamp(3)', notes);
    case 'DATETIME2':
      return m(`timestamp${fsp(a[0] ?? '7', notes)}`, 'timestamp', 'datetime2 -> timestamp', notes);
    case 'SMALLDATETIME':
      notes.push('smalldatetime is accurate to the minute; timestamp(0) also keeps seconds');
      return m('timestamp(0)', 'timestamp', 'smalldatetime -> timestamp(0)', notes);
    case 'DATETIMEOFFSET':
      notes.push('the value is kept as an instant; the original offset itself is not stored');
      return m(`timestamptz${fsp(a[0] ?? '7', notes)}`, 'timestamp', 'datetimeoffset -> timestamptz', notes);
    case 'DATE':
      return m('date', 'date', 'date');
    case 'TIME':
      return m(`time${fsp(a[0] ?? '7', notes)}`, 'time', 'time', notes);
    case 'CHAR':
    case 'CHARACTER':
      return m(`char${lenArg(a[0])}`, 'string', 'char');
    case 'NCHAR':
    case 'NATIONAL CHAR':
    case 'NATIONAL CHARACTER':
      return m(`char${lenArg(a[0])}`, 'string', 'nchar -> char');
    case 'VARCHAR':
    case 'CHARACTER VARYING':
    case 'CHAR VARYING':
      if (max) return m('text', 'text', 'varchar(max) -> text');
      // T-SQL's default length in DDL is 1
      return m(`varchar(${a[0] ?? '1'})`, 'string', a[0] ? 'varchar' : 'varchar without length -> varchar(1) (T-SQL default length)');
    case 'NVARCHAR':
    case 'NATIONAL CHAR VARYING':
    case 'NATIONAL CHARACTER VARYING':
      if (max) return m('text', 'text', 'nvarchar(max) -> text');
      return m(`varchar(${a[0] ?? '1'})`, 'string', a[0] ? 'nvarchar -> varchar' : 'nvarchar without length -> varchar(1) (T-SQL default length)');
    case 'TEXT':
    case 'NTEXT':
      return m('text', 'text', `${t.name.toLowerCase()} -> text`);
    case 'BINARY':
    case 'VARBINARY':
    case 'IMAGE':
      return m('bytea', 'bytes', `${t.name.toLowerCase()} -> bytea`);
    case 'ROWVERSION':
    case 'TIMESTAMP':
      notes.push('rowversion is filled in automatically by SQL Server; bytea is not (no automatic versioning)');
      return m('bytea', 'bytes', `${t.name.toLowerCase()} -> bytea`, notes);
    case 'XML':
      return m('xml', 'xml', 'xml');
    case 'SYSNAME':
      return m('varchar(128)', 'string', 'sysname -> varchar(128)');
    case 'GEOGRAPHY':
    case 'GEOMETRY':
      return postgisPlaceholder(t);
    case 'HIERARCHYID':
    case 'SQL_VARIANT':
    default:
      return unknown(t, 'sqlserver');
  }
}

function mapOracle(t: TypeRef): MappedType {
  const a = t.args;
  const notes: string[] = [];
  const name = t.schema && /^(SYS|MDSYS|PUBLIC)$/i.test(t.schema) ? t.name : t.schema ? `${t.schema.toUpperCase()}.${t.name}` : t.name;
  switch (name) {
    case 'VARCHAR2':
    case 'NVARCHAR2':
    case 'VARCHAR':
    case 'NVARCHAR':
    case 'CHARACTER VARYING':
    case 'CHAR VARYING':
    case 'NCHAR VARYING':
      if (t.semantics === 'BYTE') notes.push('BYTE length semantics: PostgreSQL varchar(n) counts characters, so it accepts at least as much');
      return m(`varchar${lenArg(a[0])}`, 'string', `${t.name.toLowerCase()} -> varchar`, notes);
    case 'CHAR':
    case 'NCHAR':
    case 'CHARACTER':
      return m(`char${lenArg(a[0])}`, 'string', `${t.name.toLowerCase()} -> char`, notes);
    case 'NUMBER':
    case 'NUMERIC':
    case 'DECIMAL':
    case 'DEC': {
      const p = num(a[0]);
      const s = num(a[1]) ?? 0;
      if (a.length === 0) {
        notes.push('bare NUMBER mapped to numeric for safety (ora2pg can map it to bigint when values are known to be integers)');
        return m('numeric', 'numeric', 'number -> numeric', notes);
      }
      // NUMBER(*,0): any precision, no fraction: numeric(38,0) keeps the "whole numbers only" rule
      if (p === undefined && a[0] === '*' && a[1] !== undefined && s === 0) return m('numeric(38,0)', 'numeric', 'number(*,0) -> numeric(38,0)', notes);
      if (p === undefined) return m('numeric', 'numeric', `${t.raw.toLowerCase()} -> numeric`, notes);
      if (s > 0) return m(`numeric(${p},${s})`, 'numeric', 'number(p,s) -> numeric(p,s)', notes);
      if (s < 0) {
        notes.push(`negative scale ${s}: Oracle rounds to 10^${-s}; PostgreSQL numeric does not round`);
        return m('numeric', 'numeric', 'number(p,-s) -> numeric', notes);
      }
      if (p < 5) return m('smallint', 'smallint', 'number(p<5) -> smallint', notes);
      if (p <= 9) return m('integer', 'int', 'number(p<=9) -> integer', notes);
      // NUMBER(19) holds up to 10^19 - 1, beyond bigint's 9223372036854775807: numeric, as ora2pg does
      if (p <= 18) return m('bigint', 'bigint', 'number(p<=18) -> bigint', notes);
      return m(`numeric(${p})`, 'numeric', 'number(p>18) -> numeric(p)', notes);
    }
    case 'INTEGER':
    case 'INT':
    case 'SMALLINT':
      // Oracle SQL ref, ANSI data types: INTEGER, INT and SMALLINT are all NUMBER(38), i.e. NUMBER(38,0),
      // the same type as NUMBER(*,0): numeric(38,0) keeps 38 digits of whole numbers
      notes.push(`Oracle ${t.name} is NUMBER(38): whole numbers of up to 38 digits (ALTER to integer or bigint if the values are known to fit)`);
      return m('numeric(38,0)', 'numeric', `${t.name.toLowerCase()} (NUMBER(38)) -> numeric(38,0)`, notes);
    case 'FLOAT':
    case 'REAL':
      // Oracle FLOAT(p) is a NUMBER with p binary digits (FLOAT = FLOAT(126), about 38 decimal digits)
      notes.push('Oracle FLOAT is a decimal NUMBER subtype; double precision keeps about 15 significant digits (use numeric if more matter)');
      return m('double precision', 'float', `${t.name.toLowerCase()} -> double precision`, notes);
    case 'DOUBLE PRECISION':
    case 'BINARY_DOUBLE':
      return m('double precision', 'float', `${t.name.toLowerCase()} -> double precision`, notes);
    case 'BINARY_FLOAT':
      return m('real', 'float', 'binary_float -> real', notes);
    case 'DATE':
      return m('timestamp(0)', 'timestamp', 'date -> timestamp(0) (Oracle DATE has a time part)', notes);
    case 'TIMESTAMP':
      if (t.withTimeZone) return m(`timestamptz${fsp(a[0], notes)}`, 'timestamp', `timestamp with ${t.withTimeZone === 'local' ? 'local ' : ''}time zone -> timestamptz`, notes);
      return m(`timestamp${fsp(a[0], notes)}`, 'timestamp', 'timestamp', notes);
    case 'CLOB':
    case 'NCLOB':
    case 'LONG':
    case 'CHAR LARGE OBJECT':
      return m('text', 'text', `${t.name.toLowerCase()} -> text`, notes);
    case 'BLOB':
    case 'LONG RAW':
      return m('bytea', 'bytes', `${t.name.toLowerCase()} -> bytea`, notes);
    case 'BFILE':
      return {
        ...m('bytea', 'bytes', 'bfile -> bytea', notes),
        action: {
          category: 'data_type',
          reason: 'BFILE points to a file outside the database; PostgreSQL has no equivalent',
          recommended: 'Load the file contents into the bytea column, or store a path/URL in text',
          complexity: 'medium',
        },
      };
    case 'RAW':
      if (a[0] === '16') {
        notes.push('RAW(16) assumed to hold GUIDs (SYS_GUID); load values as uuid');
        return m('uuid', 'uuid', 'raw(16) -> uuid', notes);
      }
      return m('bytea', 'bytes', 'raw -> bytea', notes);
    case 'XMLTYPE':
      return m('xml', 'xml', 'xmltype -> xml', notes);
    case 'ROWID':
    case 'UROWID':
      notes.push('row addresses have no meaning after migration; kept as text');
      return m('text', 'text', `${t.name.toLowerCase()} -> text`, notes);
    case 'JSON':
      return m('jsonb', 'json', 'json -> jsonb', notes);
    case 'BOOLEAN':
      return m('boolean', 'bool', 'boolean', notes);
    case 'SDO_GEOMETRY':
      return postgisPlaceholder(t);
    default:
      if (t.name.startsWith('INTERVAL YEAR')) return m('interval year to month', 'interval', 'interval year to month', notes);
      if (t.name.startsWith('INTERVAL DAY')) return m(`interval day to second${fsp(t.toArgs?.[0], notes)}`, 'interval', 'interval day to second', notes);
      if (t.name.startsWith('INTERVAL')) return m('interval', 'interval', `${t.name.toLowerCase()} -> interval`, notes);
      return unknown(t, 'oracle');
  }
}

export function mapType(t: TypeRef, dialect: Dialect): MappedType {
  if (dialect === 'mysql') return mapMysql(t);
  if (dialect === 'sqlserver') return mapSqlServer(t);
  return mapOracle(t);
}

/** True when the source spelling and the PostgreSQL type are the same text. */
export function sameTypeText(src: string, pg: string): boolean {
  const norm = (s: string) => s.toLowerCase().replace(/\s+/g, '').replace(/[[\]`"]/g, '');
  return norm(src) === norm(pg);
}
