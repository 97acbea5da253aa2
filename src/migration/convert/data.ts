/**
 * The data part of a dump: each INSERT value is rewritten for the PostgreSQL type of its target
 * column (the type the converter chose for the script's CREATE TABLE). Values that need no change
 * are copied; every rewrite is counted under a rule, and the converter reports the counts per table.
 */
import type { Expr, InsertStmt, RowValue } from './ast.js';
import type { Dialect } from './lexer.js';
import { pgName, quoteIdent } from './names.js';
import { printExpr, Unconvertible } from './pgexpr.js';
import type { TypeKind } from './types.js';

/** The parts of a converted column that a value conversion needs. */
export interface DataColumn {
  name: string;
  type: string;
  kind: TypeKind;
  /** The source type as written (TIMESTAMP, DATETIME(3)...). */
  srcType?: string;
  identity?: { always: boolean };
  generated?: string;
}

/** The parts of a converted table that an INSERT conversion needs. */
export interface DataTable {
  name: string;
  columns: DataColumn[];
  pk?: { cols: string[] };
  uniques: { cols: string[] }[];
}

export interface InsertResult {
  sql: string;
  rows: number;
  /** Rule -> number of values (or statements) it changed. */
  rules: Map<string, number>;
  /** The statement gives explicit values to an identity column / lets the identity generate some. */
  explicitIdentity: boolean;
  generatesIdentity: boolean;
}

/** Raised for an INSERT that cannot be converted as a whole; the converter turns it into an action item. */
export class DataError extends Error {
  constructor(
    message: string,
    readonly recommended: string,
  ) {
    super(message);
  }
}

const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]|[\n\r\t]/;

/** A PostgreSQL string literal: standard ('it''s') unless control characters make an E'...' escape string clearer. */
export function stringLiteral(s: string): string {
  if (!CONTROL.test(s)) return `'${s.replace(/'/g, "''")}'`;
  const body = s.replace(/[\\'\x00-\x1f\x7f]/g, (c) => {
    switch (c) {
      case '\\':
        return '\\\\';
      case "'":
        return "\\'";
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      case '\b':
        return '\\b';
      case '\f':
        return '\\f';
      default:
        return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
    }
  });
  return `E'${body}'`;
}

type Folded =
  | { k: 'str'; v: string; national?: boolean; folded?: string }
  | { k: 'num'; v: string }
  | { k: 'null' }
  | { k: 'bool'; v: boolean }
  | { k: 'hex'; v: string }
  | { k: 'bits'; v: string }
  /** A date/time value already in ISO form, with the rule that produced it. */
  | { k: 'datetime'; v: string; rule: string }
  /** A date/time that PostgreSQL computes: to_timestamp('v', 'fmt') or to_date. */
  | { k: 'datefn'; v: string; fmt: string; rule: string };

const pad = (s: string | undefined, n = 2) => (s ?? '0').padStart(n, '0');

/** Oracle/PostgreSQL datetime format (YYYY-MM-DD HH24:MI:SS and friends) applied to a value; undefined when the format is not a plain one. */
export function applyDateFormat(value: string, fmt: string): string | undefined {
  const tokens = fmt.toUpperCase().match(/YYYY|RRRR|MM|DD|HH24|HH12|HH|MI|SS|FF[1-9]?|[^A-Z0-9]+|[A-Z0-9]+/g) ?? [];
  const parts: Record<string, string> = {};
  let rest = value.trim();
  for (const tok of tokens) {
    if (/^[^A-Z0-9]+$/.test(tok)) {
      rest = rest.replace(/^[^A-Za-z0-9]+/, '');
      continue;
    }
    if (!/^(YYYY|RRRR|MM|DD|HH24|HH12|HH|MI|SS|FF[1-9]?)$/.test(tok)) return undefined;
    const m = /^\d+/.exec(rest);
    if (!m) {
      if (rest === '') break; // trailing time parts may be left out
      return undefined;
    }
    parts[tok.replace(/^RRRR$/, 'YYYY').replace(/^HH(12)?$/, 'HH24').replace(/^FF\d?$/, 'FF')] = m[0];
    rest = rest.slice(m[0].length);
  }
  if (rest.trim() !== '' || !parts.YYYY) return undefined;
  if (/^HH(12)?$/.test(tokens.find((t) => t.startsWith('HH')) ?? '') && Number(parts.HH24 ?? 0) > 12) return undefined;
  const date = `${pad(parts.YYYY, 4)}-${pad(parts.MM ?? '1')}-${pad(parts.DD ?? '1')}`;
  if (parts.HH24 === undefined && parts.MI === undefined && parts.SS === undefined) return date;
  return `${date} ${pad(parts.HH24)}:${pad(parts.MI)}:${pad(parts.SS)}${parts.FF ? `.${parts.FF}` : ''}`;
}

/**
 * A date/time string as ISO 8601: MySQL accepts any punctuation between the parts ('2009/1/2'),
 * and SQL Server reads '20090102' as a date; PostgreSQL's reading of such forms depends on DateStyle.
 */
export function isoDateTime(s: string): string {
  const t = s.trim();
  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:([ T])(\d{1,2})[:.](\d{1,2})(?:[:.](\d{1,2})(\.\d+)?)?)?$/.exec(t);
  if (m) {
    const date = `${m[1]}-${pad(m[2])}-${pad(m[3])}`;
    return m[5] === undefined ? date : `${date} ${pad(m[5])}:${pad(m[6])}:${pad(m[7])}${m[8] ?? ''}`;
  }
  m = /^(\d{4})(\d{2})(\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?$/.exec(t);
  if (m) {
    const date = `${m[1]}-${m[2]}-${m[3]}`;
    return m[4] === undefined ? date : `${date} ${pad(m[4])}:${m[5]}:${pad(m[6])}${m[7] ?? ''}`;
  }
  return t;
}

const ISO_STYLES = new Set(['20', '21', '23', '120', '121', '126', '127']);

/** Reduces a literal-valued expression (concatenations, CHR(38), TO_DATE, CONVERT) to one value. */
function fold(e: Expr, dialect: Dialect): Folded | undefined {
  switch (e.t) {
    case 'paren':
      return fold(e.e, dialect);
    case 'str':
      return { k: 'str', v: e.v, national: e.national };
    case 'num':
      return { k: 'num', v: e.v };
    case 'null':
      return { k: 'null' };
    case 'bool':
      return { k: 'bool', v: e.v };
    case 'hex':
      return { k: 'hex', v: e.v };
    case 'bits':
      return { k: 'bits', v: e.v };
    case 'typed':
      return { k: 'datetime', v: isoDateTime(e.v), rule: `${e.kw} '...' literal -> '...'` };
    case 'unary': {
      const x = fold(e.e, dialect);
      if (x?.k === 'num' && (e.op === '-' || e.op === '+')) {
        if (e.op === '+') return x;
        return { k: 'num', v: x.v.startsWith('-') ? x.v.slice(1) : `-${x.v}` };
      }
      return undefined;
    }
    case 'bin': {
      const concat = e.op === '||' || (dialect === 'sqlserver' && e.op === '+');
      if (!concat) return undefined;
      const l = fold(e.l, dialect);
      const r = fold(e.r, dialect);
      if (!l || !r) return undefined;
      if (dialect === 'sqlserver' && (l.k !== 'str' || r.k !== 'str')) return undefined; // + on numbers adds
      const text = (x: Folded): string | null | undefined => (x.k === 'str' ? x.v : x.k === 'num' ? x.v : x.k === 'null' ? null : undefined);
      const a = text(l);
      const b = text(r);
      if (a === undefined || b === undefined) return undefined;
      // Oracle: NULL (and '') in a concatenation is ignored; elsewhere NULL || x is NULL.
      if ((a === null || b === null) && dialect !== 'oracle') return { k: 'null' };
      return { k: 'str', v: (a ?? '') + (b ?? ''), national: (l.k === 'str' && l.national) || (r.k === 'str' && r.national), folded: 'constant concatenation folded' };
    }
    case 'cast': {
      const x = fold(e.e, dialect);
      if (x?.k === 'str' && /^(DATE|DATETIME2?|SMALLDATETIME|TIMESTAMP|TIME)$/.test(e.type.name)) {
        return { k: 'datetime', v: isoDateTime(x.v), rule: `CAST('...' AS ${e.type.name}) -> '...'` };
      }
      return undefined;
    }
    case 'call': {
      if (e.name.length !== 1) return undefined;
      const fn = e.name[0]!.name.toUpperCase();
      const args = e.args;
      if ((fn === 'CHR' || fn === 'CHAR' || fn === 'NCHAR') && args.length === 1) {
        const x = fold(args[0]!, dialect);
        if (x?.k !== 'num' || !/^\d+$/.test(x.v)) return undefined;
        const n = Number(x.v);
        if (n > 0x10ffff) return undefined;
        return { k: 'str', v: String.fromCodePoint(n), folded: `${fn}(n) -> its character` };
      }
      if (fn === 'CONCAT' && args.length > 0 && dialect === 'mysql') {
        let v = '';
        for (const a of args) {
          const x = fold(a, dialect);
          if (x?.k === 'null') return { k: 'null' };
          if (x?.k !== 'str' && x?.k !== 'num') return undefined;
          v += x.v;
        }
        return { k: 'str', v, folded: 'constant CONCAT() folded' };
      }
      if ((fn === 'TO_DATE' || fn === 'TO_TIMESTAMP') && (args.length === 1 || args.length === 2)) {
        const x = fold(args[0]!, dialect);
        const f = args[1] ? fold(args[1], dialect) : undefined;
        if (x?.k === 'null') return x;
        if (x?.k !== 'str' || (args[1] && f?.k !== 'str')) return undefined;
        if (f?.k !== 'str') return { k: 'datetime', v: isoDateTime(x.v), rule: `${fn}('...') -> '...'` };
        const iso = applyDateFormat(x.v, f.v);
        if (iso) return { k: 'datetime', v: iso, rule: `${fn}('...', format) -> ISO literal` };
        return { k: 'datefn', v: x.v, fmt: f.v, rule: `${fn}('...', format) -> PostgreSQL ${fn.toLowerCase()}` };
      }
      if ((fn === 'CONVERT' || fn === 'TRY_CONVERT') && dialect === 'sqlserver' && (args.length === 2 || args.length === 3)) {
        const type = args[0]!;
        const tname = type.t === 'ident' ? type.parts[0]!.name.toUpperCase() : type.t === 'call' ? type.name[0]!.name.toUpperCase() : '';
        const x = fold(args[1]!, dialect);
        if (x?.k === 'null') return x;
        if (x?.k !== 'str' || !/^(DATE|DATETIME2?|SMALLDATETIME|DATETIMEOFFSET|TIME)$/.test(tname)) return undefined;
        const style = args[2] ? fold(args[2], dialect) : undefined;
        if (args[2] && style?.k !== 'num') return undefined;
        const st = style?.k === 'num' ? style.v : undefined;
        let v: string | undefined;
        if (st === undefined || ISO_STYLES.has(st)) v = isoDateTime(x.v);
        else if (st === '101' || st === '1') v = mdy(x.v, 'mdy');
        else if (st === '103' || st === '3') v = mdy(x.v, 'dmy');
        else if (st === '112' || st === '12') v = isoDateTime(x.v);
        if (!v) return undefined;
        return { k: 'datetime', v, rule: `CONVERT(${tname.toLowerCase()}, '...'${st ? `, ${st}` : ''}) -> ISO literal` };
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

function mdy(s: string, order: 'mdy' | 'dmy'): string | undefined {
  const m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})(.*)$/.exec(s.trim());
  if (!m) return undefined;
  const [month, day] = order === 'mdy' ? [m[1], m[2]] : [m[2], m[1]];
  return isoDateTime(`${m[3]!.length === 2 ? `20${m[3]}` : m[3]}-${month}-${day}${m[4]}`);
}

const hexToBits = (h: string) => [...h].map((c) => parseInt(c, 16).toString(2).padStart(4, '0')).join('');

/** Converts one folded value for a column of the given converted type. */
function render(x: Folded, col: DataColumn | undefined, dialect: Dialect, count: (rule: string) => void, utc = false): string {
  const kind: TypeKind = col?.kind ?? 'other';
  if (x.k === 'hex') {
    if (!/^[0-9A-Fa-f]*$/.test(x.v)) throw new Unconvertible(`X'${x.v.slice(0, 40)}' is not a hexadecimal literal`);
    // MySQL 8 ref, Hexadecimal Literals: an odd number of digits (0xaaa) gets a leading 0.
    if (x.v.length % 2) x = { k: 'hex', v: `0${x.v}` };
  }
  if (x.k === 'bits' && !/^[01]*$/.test(x.v)) throw new Unconvertible(`b'${x.v.slice(0, 40)}' is not a bit literal`);
  if (x.k === 'null') return 'NULL';
  if (x.k === 'str') {
    if (x.folded) count(x.folded);
    if (x.national) count("N'...' national literal -> '...' (PostgreSQL text is Unicode)");
    // Oracle stores '' as NULL (Oracle SQL ref, Nulls: "a character value with a length of zero" is null).
    if (dialect === 'oracle' && x.v === '') {
      count("Oracle '' (stored as NULL by Oracle) -> NULL");
      return 'NULL';
    }
  }
  if (x.k === 'datetime') count(x.rule);
  if (x.k === 'datefn') {
    count(x.rule);
    return `${kind === 'date' ? 'to_date' : 'to_timestamp'}(${stringLiteral(x.v)}, ${stringLiteral(x.fmt)})`;
  }
  switch (kind) {
    case 'bool': {
      if (x.k === 'bool') return x.v ? 'true' : 'false';
      const v = x.k === 'num' || x.k === 'str' ? x.v.trim() : x.k === 'bits' ? String(parseInt(x.v || '0', 2)) : x.k === 'hex' ? String(parseInt(x.v || '0', 16)) : undefined;
      if (v !== undefined && /^-?\d+(\.\d+)?$/.test(v)) {
        // SQL Server stores any non-zero number in a bit as 1 (T-SQL ref, bit), as true does.
        if (dialect === 'sqlserver' && Number(v) !== 0 && Number(v) !== 1) {
          count('non-zero number into a bit column -> true (SQL Server stores it as 1)');
          return 'true';
        }
        // TINYINT(1) and BIT hold other numbers too; true would lose them (and a view testing = 2).
        if (Number(v) !== 0 && Number(v) !== 1) throw new Unconvertible(`${v} in a column converted to boolean (only 0 and 1 map to false and true; keep the column an integer to load it)`);
        count('0/1 into a boolean column -> false/true');
        return Number(v) !== 0 ? 'true' : 'false';
      }
      if (x.k === 'str') return stringLiteral(x.v);
      throw new Unconvertible(`value ${x.k} for a boolean column`);
    }
    case 'bytes':
      if (x.k === 'hex') {
        count("hex literal -> bytea '\\x...'");
        return `'\\x${x.v.toLowerCase()}'`;
      }
      if (x.k === 'str') {
        count("string into a binary column -> bytea '\\x...' (its UTF-8 bytes)");
        return `'\\x${Buffer.from(x.v, 'utf8').toString('hex')}'`;
      }
      if (x.k === 'bits') {
        const bits = x.v.padStart(Math.ceil(x.v.length / 8) * 8, '0');
        count("bit literal into a binary column -> bytea '\\x...'");
        return `'\\x${(bits.match(/.{8}/g) ?? []).map((b) => parseInt(b, 2).toString(16).padStart(2, '0')).join('')}'`;
      }
      break;
    case 'bit': {
      const bits = x.k === 'bits' ? x.v : x.k === 'hex' ? hexToBits(x.v) : x.k === 'num' && /^\d+$/.test(x.v) ? BigInt(x.v).toString(2) : undefined;
      if (bits !== undefined) {
        if (x.k !== 'bits') count('number into a bit column -> B\'...\' (its binary digits)');
        // MySQL's BIT is a number: 0x3 is 11, not the byte 00000011 (which a bit(3) column refuses)
        return `B'${bits.replace(/^0+(?=[01])/, '')}'`;
      }
      break;
    }
    case 'smallint':
    case 'int':
    case 'bigint':
    case 'numeric':
    case 'float':
      if (x.k === 'num') return x.v;
      if (x.k === 'hex') {
        count('hex literal in a numeric column -> its number');
        return BigInt(`0x${x.v || '0'}`).toString();
      }
      if (x.k === 'bits') {
        count("b'...' in a numeric column -> its number");
        return BigInt(`0b${x.v || '0'}`).toString();
      }
      if (x.k === 'bool') return x.v ? '1' : '0';
      if (x.k === 'str' && /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(x.v)) {
        count('quoted number -> number');
        return x.v.trim();
      }
      break;
    case 'date':
    case 'timestamp':
    case 'time': {
      if (x.k === 'str' || x.k === 'datetime') {
        // pgloader's rule (zero-dates-to-null): MySQL's zero date has no PostgreSQL value.
        if (dialect === 'mysql' && /^0000-00-00/.test(x.v.trim())) {
          count("MySQL zero date '0000-00-00' -> NULL (pgloader's zero-dates-to-null rule)");
          return 'NULL';
        }
        const iso = kind === 'time' ? x.v : isoDateTime(x.v);
        if (x.k === 'str' && iso !== x.v) count("date written as '2009/1/2' or '20090102' -> ISO '2009-01-02'");
        // mysqldump sets TIME_ZONE='+00:00' and so writes TIMESTAMP (not DATETIME) values in UTC
        // (MySQL 8 ref, mysqldump --tz-utc; TIMESTAMP values are converted to the session time zone).
        if (utc && /^TIMESTAMP\b/i.test(col?.srcType ?? '') && /^timestamptz/.test(col?.type ?? '') && /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$/.test(iso)) {
          count("TIMESTAMP value of a dump made with TIME_ZONE='+00:00' -> written with its +00 offset");
          return stringLiteral(`${iso}+00`);
        }
        return stringLiteral(iso);
      }
      if (x.k === 'num' && /^\d{8}(\d{6})?$/.test(x.v) && kind !== 'time') {
        count('number YYYYMMDD[hhmmss] -> ISO date literal');
        const v = x.v;
        return stringLiteral(v.length === 8 ? `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6)}` : `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)} ${v.slice(8, 10)}:${v.slice(10, 12)}:${v.slice(12)}`);
      }
      break;
    }
    case 'set':
      if (x.k === 'str') {
        count("SET value 'a,b' -> array '{a,b}'");
        return stringLiteral(`{${x.v.split(',').filter((s) => s !== '').map((s) => `"${s.replace(/["\\]/g, '\\$&')}"`).join(',')}}`);
      }
      break;
    default:
      break;
  }
  // Text-like and other columns: the value as a string.
  switch (x.k) {
    case 'str':
    case 'datetime': {
      if (x.v.includes('\0')) {
        count('NUL character removed (PostgreSQL text cannot hold it)');
        return stringLiteral(x.v.replace(/\0/g, ''));
      }
      const lit = stringLiteral(x.v);
      if (lit.startsWith('E')) count("control characters written as an E'...' escape string");
      return lit;
    }
    case 'num':
      return isTextKind(kind) ? `'${x.v}'` : x.v;
    case 'bool':
      return x.v ? 'true' : 'false';
    case 'hex':
      if (isTextKind(kind)) {
        count('hex literal into a text column -> its characters (UTF-8)');
        return stringLiteral(Buffer.from(x.v, 'hex').toString('utf8').replace(/\0/g, ''));
      }
      count("hex literal -> bytea '\\x...'");
      return `'\\x${x.v.toLowerCase()}'::bytea`;
    case 'bits':
      return `B'${x.v}'`;
  }
}

const isTextKind = (k: TypeKind) => k === 'string' || k === 'text' || k === 'enum' || k === 'json' || k === 'xml' || k === 'uuid';

/** Converts one value: a folded literal by the column's type, else the expression through the shared printer. */
export function convertValue(v: RowValue, col: DataColumn | undefined, dialect: Dialect, count: (rule: string) => void, utc = false): string {
  if (v.t === 'default') return 'DEFAULT';
  const x = fold(v, dialect);
  if (x) return render(x, col, dialect, count, utc);
  const notes: string[] = [];
  const sql = printExpr(v, { dialect, notes });
  count(`expression converted${notes.length ? `: ${notes.join('; ')}` : ''}`);
  return sql;
}

/** Replaces VALUES(col) and row-alias references (new.col) with EXCLUDED.col, and qualifies bare columns, for ON CONFLICT DO UPDATE. */
function toExcluded(e: Expr, table: string): Expr {
  const rec = (x: Expr): Expr => toExcluded(x, table);
  switch (e.t) {
    case 'call':
      if (e.name.length === 1 && e.name[0]!.name.toUpperCase() === 'VALUES' && e.args.length === 1 && e.args[0]!.t === 'ident') {
        const parts = e.args[0]!.parts;
        return { t: 'ident', parts: [{ name: 'excluded', quoted: false }, parts[parts.length - 1]!] };
      }
      return { ...e, args: e.args.map(rec) };
    case 'ident':
      if (e.parts.length === 2 && pgName(e.parts[0]!.name) !== table) return { t: 'ident', parts: [{ name: 'excluded', quoted: false }, e.parts[1]!] };
      // PostgreSQL finds a bare column ambiguous there (the table's row or EXCLUDED): name the table.
      if (e.parts.length === 1) return { t: 'ident', parts: [{ name: table, quoted: false }, e.parts[0]!] };
      return e;
    case 'bin':
      return { ...e, l: rec(e.l), r: rec(e.r) };
    case 'unary':
      return { ...e, e: rec(e.e) };
    case 'paren':
      return { ...e, e: rec(e.e) };
    default:
      return e;
  }
}

/**
 * Converts one INSERT into PostgreSQL SQL (without the trailing ';'). `table` is the converted table
 * when the script creates it; `q` renders a table name (with the target schema when there is one).
 */
export function convertInsert(st: InsertStmt, table: DataTable | undefined, tableName: string, dialect: Dialect, q: (name: string) => string, utc = false): InsertResult {
  const rules = new Map<string, number>();
  const count = (rule: string) => rules.set(rule, (rules.get(rule) ?? 0) + 1);
  const byName = new Map((table?.columns ?? []).map((c) => [c.name, c]));
  let cols: (DataColumn | undefined)[];
  let names: string[] | undefined;
  if (st.columns) {
    names = st.columns.map((c) => pgName(c.name));
    cols = names.map((n) => byName.get(n));
    const missing = table ? names.filter((n, k) => !cols[k]) : [];
    if (missing.length) throw new DataError(`INSERT names columns that ${table!.name} does not have: ${missing.join(', ')}`, 'Check the column names against the CREATE TABLE, then load these rows by hand');
  } else if (table) {
    // T-SQL fills identity and computed columns itself: a VALUES list without column names skips them
    cols = dialect === 'sqlserver' ? table.columns.filter((c) => !c.identity && !c.generated) : table.columns;
    names = cols.map((c) => c!.name);
    if (cols.length < table.columns.length) count('INSERT without a column list: the identity and computed columns T-SQL skips are left out, and the other columns named');
  } else cols = [];
  const width = st.rows[0]?.length ?? 0;
  // MySQL's INSERT INTO t [()] VALUES (), (): one row of defaults per empty row.
  const allDefaults = !st.defaultValues && st.rows.length > 0 && st.rows.every((r) => r.length === 0) && (st.columns?.length ?? 0) === 0;
  if (!st.defaultValues && !allDefaults) {
    const bad = st.rows.findIndex((r) => r.length !== (names ? names.length : width));
    if (bad >= 0) {
      throw new DataError(`row ${bad + 1} has ${st.rows[bad]!.length} values for ${names ? names.length : width} columns`, 'Fix the row (each row needs one value per column), then load it by hand');
    }
  }
  let sql = `INSERT INTO ${q(tableName)}`;
  if (allDefaults) {
    count('empty VALUES () -> DEFAULT VALUES');
    sql = st.rows.map(() => `INSERT INTO ${q(tableName)} DEFAULT VALUES`).join(';\n');
  } else if (st.defaultValues) {
    sql += ' DEFAULT VALUES';
  } else {
    if (names) sql += ` (${names.map(quoteIdent).join(', ')})`;
    if (cols.some((c) => c?.identity?.always)) {
      sql += ' OVERRIDING SYSTEM VALUE';
      count('explicit values for a GENERATED ALWAYS identity -> OVERRIDING SYSTEM VALUE');
    }
    const lines: string[] = [];
    for (const row of st.rows) {
      const vals: string[] = [];
      for (let k = 0; k < row.length; k++) vals.push(convertValue(row[k]!, cols[k], dialect, count, utc));
      lines.push(`(${vals.join(', ')})`);
    }
    sql += ` VALUES\n  ${lines.join(',\n  ')}`;
  }
  const key = table?.pk?.cols ?? table?.uniques[0]?.cols;
  const keyText = key ? key.join(', ') : '';
  if (st.mode === 'ignore') {
    sql += '\nON CONFLICT DO NOTHING';
    count('INSERT IGNORE -> ON CONFLICT DO NOTHING (key conflicts only: MySQL IGNORE also downgrades other errors, such as bad values, to warnings)');
  } else if (st.mode === 'replace' || st.onDuplicate) {
    if (!key) {
      throw new DataError(`${st.mode === 'replace' ? 'REPLACE INTO' : 'ON DUPLICATE KEY UPDATE'} needs a key to detect duplicates, and no primary or unique key of ${tableName} is known from this script`,
        'Add the key to the table, then write INSERT ... ON CONFLICT (key) DO UPDATE by hand');
    }
    const keyNames = new Set(key.map((k) => k.replace(/^"(.*)"$/, '$1')));
    let sets: string[];
    if (st.onDuplicate) {
      sets = st.onDuplicate.map((a) => `${quoteIdent(pgName(a.col.name))} = ${printExpr(toExcluded(a.expr, tableName), { dialect, notes: [], keepQualifiers: true })}`);
      count(`ON DUPLICATE KEY UPDATE -> ON CONFLICT (${keyText}) DO UPDATE${table?.pk && table.uniques.length ? ' (MySQL also matched the unique keys; PostgreSQL checks this one)' : ''}`);
    } else {
      sets = (names ?? []).filter((n) => !keyNames.has(n)).map((n) => `${quoteIdent(n)} = EXCLUDED.${quoteIdent(n)}`);
      count(`REPLACE INTO -> INSERT ... ON CONFLICT (${keyText}) DO UPDATE (MySQL deletes and re-inserts the row: columns not listed get their defaults there, but keep their values here)`);
    }
    sql += sets.length ? `\nON CONFLICT (${keyText}) DO UPDATE SET ${sets.join(', ')}` : `\nON CONFLICT (${keyText}) DO NOTHING`;
  }
  for (const d of st.dropped) count(d === 'INSERT ALL' ? 'Oracle INSERT ALL ... SELECT FROM DUAL -> one multi-row INSERT per table' : `${d} dropped`);
  // MySQL 8 ref, String Literals: for other escape sequences the backslash is ignored.
  if (st.unknownEscapes) rules.set('MySQL backslash before a character with no escape meaning dropped, as MySQL reads it (\\x is x)', st.unknownEscapes);
  const idPos = (names ?? []).map((n, k) => (byName.get(n)?.identity ? k : -1)).filter((k) => k >= 0);
  const hasIdentity = (table?.columns ?? []).some((c) => c.identity);
  const explicitIdentity = !allDefaults && !st.defaultValues && st.rows.some((r) => idPos.some((k) => r[k]?.t !== 'default'));
  const generatesIdentity = hasIdentity && (allDefaults || !!st.defaultValues || idPos.length === 0 || st.rows.some((r) => idPos.some((k) => r[k]?.t === 'default')));
  return { sql, rows: st.defaultValues ? 1 : st.rows.length, rules, explicitIdentity, generatesIdentity };
}
