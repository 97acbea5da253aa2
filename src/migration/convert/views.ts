import { Cursor, ParseError } from './cursor.js';
import type { Dialect, Token } from './lexer.js';
import { pgName, quoteIdent, quoteLiteral } from './names.js';
import { jsonPathKeys, printExpr, Unconvertible } from './pgexpr.js';
import { isNumericKind, isStringKind, mapType, type TypeKind } from './types.js';
import type { TypeRef } from './ast.js';
import {
  groupConcat, isDateKind, isMysqlUnit, mysqlDateFormat, mysqlInterval, oracleTruncUnit, tsqlDateadd, tsqlDatediff, tsqlDatepart, type Arg,
} from './viewcalls.js';

export interface ViewResult {
  sql: string;
  blockers: string[];
  notes: string[];
}

export interface ViewCtx {
  dialect: Dialect;
  /** Source schema names whose prefix is dropped (HR., dbo.). */
  schemas: Set<string>;
  colKind: (name: string) => TypeKind | undefined;
}

/** Functions that block an automatic conversion, with the reason shown in the action item. */
const BLOCKING: Record<Dialect, Record<string, string>> = {
  oracle: {
    ROWNUM: 'ROWNUM (use row_number() OVER () or LIMIT)',
    CONNECT: 'CONNECT BY hierarchical query (use WITH RECURSIVE)',
    PRIOR: 'CONNECT BY PRIOR (use WITH RECURSIVE)',
    CONNECT_BY_ROOT: 'CONNECT_BY_ROOT (use WITH RECURSIVE)',
    SYS_CONNECT_BY_PATH: 'SYS_CONNECT_BY_PATH (use WITH RECURSIVE)',
    JSON_TABLE: 'JSON_TABLE (use jsonb_to_recordset / jsonb_path_query)',
    XMLTABLE: 'XMLTABLE (PostgreSQL XMLTABLE syntax differs)',
    PIVOT: 'PIVOT (use crosstab() or FILTER aggregates)',
    UNPIVOT: 'UNPIVOT (use a LATERAL VALUES join)',
    MODEL: 'MODEL clause',
    MATCH_RECOGNIZE: 'MATCH_RECOGNIZE',
    KEEP: 'KEEP (DENSE_RANK ...) aggregate',
    SYS_CONTEXT: 'SYS_CONTEXT (use current_setting())',
    USERENV: 'USERENV (use current_setting())',
    ADD_MONTHS: "ADD_MONTHS (use + interval 'n months')",
    MONTHS_BETWEEN: 'MONTHS_BETWEEN (use age()/date arithmetic)',
    LAST_DAY: 'LAST_DAY',
    NEXT_DAY: 'NEXT_DAY',
    TRUNC: 'TRUNC (date_trunc for dates, trunc for numbers: needs the argument type)',
    TO_DATE: 'TO_DATE (PostgreSQL to_date drops the time part; review the format mask)',
    REGEXP_SUBSTR: 'REGEXP_SUBSTR',
    REGEXP_INSTR: 'REGEXP_INSTR',
    REGEXP_REPLACE: 'REGEXP_REPLACE (Oracle replaces every match by default; add the g flag)',
    REGEXP_COUNT: 'REGEXP_COUNT',
    NEXTVAL: 'sequence NEXTVAL in a view',
    CURRVAL: 'sequence CURRVAL in a view',
    XMLAGG: 'XMLAGG',
    WM_CONCAT: 'WM_CONCAT',
  },
  sqlserver: {
    TOP: 'TOP (use LIMIT)',
    APPLY: 'CROSS/OUTER APPLY (use LATERAL joins)',
    CONVERT: 'CONVERT with style codes (use CAST/to_char)',
    TRY_CONVERT: 'TRY_CONVERT',
    TRY_CAST: 'TRY_CAST',
    DATEADD: "DATEADD (use + interval)",
    DATEDIFF: 'DATEDIFF (use date arithmetic / extract)',
    DATEPART: 'DATEPART (use extract)',
    DATENAME: 'DATENAME (use to_char)',
    FORMAT: 'FORMAT (use to_char)',
    STUFF: 'STUFF (use overlay)',
    PATINDEX: 'PATINDEX',
    ISNUMERIC: 'ISNUMERIC',
    XML: 'FOR XML',
    OPENJSON: 'OPENJSON',
    OPENXML: 'OPENXML',
    STRING_AGG: 'STRING_AGG ... WITHIN GROUP',
  },
  mysql: {
    GROUP_CONCAT: 'GROUP_CONCAT (use string_agg)',
    DATE_FORMAT: 'DATE_FORMAT (use to_char with a translated mask)',
    DATE_ADD: 'DATE_ADD (use + interval)',
    DATE_SUB: 'DATE_SUB (use - interval)',
    ADDDATE: 'ADDDATE',
    SUBDATE: 'SUBDATE',
    DATEDIFF: 'DATEDIFF (use date subtraction)',
    STR_TO_DATE: 'STR_TO_DATE (use to_date/to_timestamp)',
    UNIX_TIMESTAMP: 'UNIX_TIMESTAMP (use extract(epoch from ...))',
    FROM_UNIXTIME: 'FROM_UNIXTIME (use to_timestamp)',
    TIMESTAMPDIFF: 'TIMESTAMPDIFF',
    SUBSTRING_INDEX: 'SUBSTRING_INDEX (use split_part)',
    FIND_IN_SET: 'FIND_IN_SET',
    FIELD: 'FIELD()',
    ELT: 'ELT()',
    JSON_EXTRACT: 'JSON_EXTRACT (use -> / ->> or jsonb_path_query)',
    CONVERT: 'CONVERT',
  },
};

const RENAMES: Record<string, string> = {
  NVL: 'coalesce',
  IFNULL: 'coalesce',
  LEN: 'length',
  CEILING: 'ceil',
  LCASE: 'lower',
  UCASE: 'upper',
  GROUPING_ID: 'GROUPING',
};
const NILADIC_CALLS = new Set(['GETDATE', 'SYSDATETIME', 'SYSDATETIMEOFFSET', 'NOW', 'CURDATE', 'GETUTCDATE', 'SYSUTCDATETIME', 'NEWID']);
/** Calls rewritten through the expression printer (argument order or shape changes). */
const VIA_PRINTER = new Set(['DECODE', 'NVL2', 'IIF', 'IF', 'ISNULL', 'CHARINDEX', 'INSTR', 'JSON_EXTRACT', 'JSON_UNQUOTE']);

function matchParen(toks: Token[], open: number): number {
  let depth = 0;
  for (let k = open; k < toks.length; k++) {
    const t = toks[k]!;
    if (t.kind === 'punct' && t.text === '(') depth++;
    else if (t.kind === 'punct' && t.text === ')') {
      depth--;
      if (depth === 0) return k;
    }
  }
  return -1;
}

/** Words after which "(" opens a parenthesized expression, not a call's arguments. */
const CLAUSE_WORDS = ['WHERE', 'AND', 'OR', 'NOT', 'ON', 'WHEN', 'THEN', 'ELSE', 'SELECT', 'HAVING', 'RETURN', 'AS'];
const isP = (t: Token | undefined, p: string) => !!t && t.kind === 'punct' && t.text === p;
const isW = (t: Token | undefined, ...ws: string[]) => !!t && t.kind === 'word' && ws.includes(t.upper);

const AGGREGATES = new Set([
  'COUNT', 'SUM', 'AVG', 'MIN', 'MAX', 'GROUP_CONCAT', 'STD', 'STDDEV', 'STDDEV_POP', 'STDDEV_SAMP', 'VARIANCE', 'VAR_POP', 'VAR_SAMP',
  'BIT_AND', 'BIT_OR', 'BIT_XOR', 'JSON_ARRAYAGG', 'JSON_OBJECTAGG', 'ANY_VALUE',
]);
const GROUP_END = ['HAVING', 'ORDER', 'LIMIT', 'WINDOW', 'WITH', 'UNION', 'INTO', 'FOR', 'LOCK'];

/**
 * MySQL (before 5.7, or without ONLY_FULL_GROUP_BY) lets a grouped SELECT name columns that are
 * neither grouped nor aggregated, and returns one row's value for them; PostgreSQL refuses the
 * view. Such select items and ORDER BY items become (array_agg(x))[1], one row's value too
 * (any_value() would say it more plainly, but only from PostgreSQL 16). Over a grouped column that
 * is the column's value, so wrapping more than needed changes nothing. Returns the spans to wrap.
 */
function looseGroupBy(toks: Token[]): [number, number, string?][] {
  const top: number[] = [];
  let depth = 0;
  toks.forEach((t, k) => {
    if (isP(t, '(')) depth++;
    else if (isP(t, ')')) depth--;
    else if (depth === 0) top.push(k);
  });
  const at = (w: string, from = 0) => top.find((k) => k >= from && isW(toks[k], w));
  const select = top[0] !== undefined && isW(toks[top[0]], 'SELECT') ? top[0] : undefined;
  const group = top.find((k) => isW(toks[k], 'GROUP') && isW(toks[k + 1], 'BY'));
  const from = at('FROM');
  if (select === undefined || group === undefined || from === undefined || at('UNION') !== undefined) return [];
  /** Splits the top-level tokens in [a, b) at commas into [first, last] spans. */
  const items = (a: number, b: number): [number, number][] => {
    const out: [number, number][] = [];
    let start = a;
    for (const k of [...top.filter((x) => x >= a && x < b && isP(toks[x], ',')), b]) {
      if (k > start) out.push([start, k - 1]);
      start = k + 1;
    }
    return out;
  };
  const norm = (a: number, b: number) => toks.slice(a, b + 1).map((t) => (t.kind === 'qident' ? t.value : t.text).toLowerCase()).join('');
  const groupEnd = top.find((k) => k > group + 1 && isW(toks[k], ...GROUP_END)) ?? toks.length;
  const grouped = new Set(items(group + 2, groupEnd).map(([a, b]) => norm(a, isW(toks[b], 'ASC', 'DESC') ? b - 1 : b)));
  const aggregate = (a: number, b: number) => toks.slice(a, b + 1).some((t, j) => isW(t, ...AGGREGATES) && isP(toks[a + j + 1], '('));
  const subquery = (a: number, b: number) => toks.slice(a, b + 1).some((t) => isW(t, 'SELECT'));
  const aliases = new Set<string>();
  const wrap: [number, number, string?][] = [];
  let first = select + 1;
  if (isW(toks[first], 'DISTINCT', 'ALL', 'DISTINCTROW')) first++;
  items(first, from).forEach(([a, b], n) => {
    let end = b;
    if (b > a && (toks[b]!.kind === 'word' || toks[b]!.kind === 'qident' || toks[b]!.kind === 'string')) {
      const prev = toks[b - 1]!;
      if (isW(prev, 'AS')) end = b - 2;
      else if (prev.kind !== 'op' && !isP(prev, '.') && !isP(prev, '(') && !isW(prev, 'CASE', 'WHEN', 'THEN', 'ELSE', 'AND', 'OR', 'NOT', 'IS', 'IN', 'LIKE', 'DISTINCT', 'INTERVAL', 'BINARY')) end = b - 1;
      if (end < b) aliases.add((toks[b]!.kind === 'word' ? toks[b]!.text : toks[b]!.value).toLowerCase());
    }
    const text = norm(a, end);
    if (text === '*' || text.endsWith('.*') || grouped.has(text) || grouped.has(String(n + 1)) || (end < b && grouped.has([...aliases].pop()!))) return;
    if (aggregate(a, end) || subquery(a, end)) return;
    // a bare column keeps its name as the view's column ((array_agg(t.c))[1] would be called array_agg)
    const bare = end === b && (end === a || (end === a + 2 && isP(toks[a + 1], '.'))) && (toks[end]!.kind === 'word' || toks[end]!.kind === 'qident');
    wrap.push(bare ? [a, end, toks[end]!.text] : [a, end]);
  });
  const order = top.find((k) => k > group && isW(toks[k], 'ORDER') && isW(toks[k + 1], 'BY'));
  if (order !== undefined) {
    const orderEnd = top.find((k) => k > order + 1 && isW(toks[k], 'LIMIT', 'FOR', 'LOCK', 'INTO')) ?? toks.length;
    for (const [a, b] of items(order + 2, orderEnd)) {
      const end = isW(toks[b], 'ASC', 'DESC') ? b - 1 : b;
      const text = norm(a, end);
      if (grouped.has(text) || aliases.has(text) || /^\d+$/.test(text) || aggregate(a, end) || subquery(a, end)) continue;
      wrap.push([a, end]);
    }
  }
  return wrap;
}

/**
 * Rewrites a view's SELECT token by token, keeping the original layout. Anything that needs judgement is
 * reported as a blocker rather than guessed.
 */
export function convertViewBody(toks: Token[], src: string, ctx: ViewCtx): ViewResult {
  const blockers: string[] = [];
  const notes: string[] = [];
  const out: string[] = [];
  const block = (why: string) => {
    if (!blockers.includes(why)) blockers.push(why);
  };
  const note = (why: string) => {
    if (!notes.includes(why)) notes.push(why);
  };
  const blocking = BLOCKING[ctx.dialect];
  let prevEnd = toks[0]?.start ?? 0;
  const emit = (k: number, text: string) => {
    const t = toks[k]!;
    out.push(src.slice(prevEnd, t.start) + text);
    prevEnd = t.end;
  };
  const drop = (k: number) => {
    prevEnd = toks[k]!.end;
  };
  /** Drops a token but keeps the whitespace before it. */
  const dropKeepGap = (k: number) => {
    out.push(src.slice(prevEnd, toks[k]!.start));
    prevEnd = toks[k]!.end;
  };

  /** The new type of the column named at j (bit/tinyint(1) became boolean, Oracle DATE timestamp), if it is one. */
  const colAt = (j: number): TypeKind | undefined => {
    const x = toks[j];
    if (!x || (x.kind !== 'word' && x.kind !== 'qident') || isP(toks[j + 1], '(') || isP(toks[j + 1], '.')) return undefined;
    return ctx.colKind(pgName(x.kind === 'qident' ? x.value : x.text));
  };
  const opAt = (j: number, ...ops: string[]) => toks[j]?.kind === 'op' && ops.includes(toks[j]!.text);
  const EQ = ['=', '<>', '!='];
  const ORDER_OR_MATH = ['<', '>', '<=', '>=', '+', '-', '*', '/', '%'];
  /**
   * Whether the token at j is a bare 0/1 compared with a column that became boolean (by =, <>,
   * != or as the WHEN value of a CASE over it): it is then TRUE/FALSE. Next to arithmetic it stays
   * a number, and the column counts as one (::int).
   */
  /** Where a (qualified, parenthesized) column reference ending at j starts, and its kind: ((t.col)) = 0. */
  const colEndingAt = (j: number): { kind?: TypeKind; start: number } => {
    let end = j;
    while (isP(toks[end], ')')) end--;
    const kind = colAt(end);
    if (kind === undefined) return { start: j };
    let start = end;
    while (isP(toks[start - 1], '.') && (toks[start - 2]?.kind === 'word' || toks[start - 2]?.kind === 'qident')) start -= 2;
    let closes = j - end;
    while (closes > 0 && isP(toks[start - 1], '(')) {
      start--;
      closes--;
    }
    return closes === 0 ? { kind, start } : { start: j };
  };
  /** Where a (parenthesized, qualified) column reference starting at j ends, and its kind. */
  const colStartingAt = (j: number): { kind?: TypeKind; end: number } => {
    let k = j;
    let opens = 0;
    while (isP(toks[k], '(')) {
      k++;
      opens++;
    }
    while ((toks[k]?.kind === 'word' || toks[k]?.kind === 'qident') && isP(toks[k + 1], '.')) k += 2;
    const kind = colAt(k);
    let end = k;
    while (opens > 0 && isP(toks[end + 1], ')')) {
      end++;
      opens--;
    }
    return opens === 0 ? { kind, end } : { end: j };
  };
  const boolLiteralAt = (j: number): boolean => {
    const x = toks[j];
    if (x?.kind !== 'number' || (x.text !== '0' && x.text !== '1') || opAt(j + 1, ...ORDER_OR_MATH) || opAt(j - 1, ...ORDER_OR_MATH)) return false;
    if (opAt(j + 1, ...EQ)) {
      const c = colStartingAt(j + 2);
      if (c.kind === 'bool' && !opAt(c.end + 1, ...ORDER_OR_MATH)) return true;
    }
    if (opAt(j - 1, ...EQ)) {
      const c = colEndingAt(j - 2);
      if (c.kind === 'bool' && !opAt(c.start - 1, ...ORDER_OR_MATH)) return true;
    }
    if (!isW(toks[j - 1], 'WHEN') || !isW(toks[j + 1], 'THEN')) return false;
    let c = j - 2;
    while (c >= 0 && !isW(toks[c], 'CASE')) c--;
    return c >= 0 && colAt(c + 1) === 'bool' && isW(toks[c + 2], 'WHEN');
  };

  /** Converts a span of the body (a call's argument) with this body's context, keeping its blockers and notes. */
  const sub = (ts: Token[]): string => {
    if (!ts.length) return '';
    const r = convertViewBody(ts, src, ctx);
    for (const b of r.blockers) block(b);
    for (const n of r.notes) note(n);
    return r.sql;
  };
  /** The kind of a span when it is a (qualified) column, a literal or a current-time function. */
  const kindOfToks = (ts: Token[]): TypeKind | undefined => {
    const last = ts[ts.length - 1];
    const simple = ts.length === 1 || (ts.length % 2 === 1 && ts.every((x, j) => (j % 2 === 1 ? isP(x, '.') : x.kind === 'word' || x.kind === 'qident')));
    if (simple && last && (last.kind === 'word' || last.kind === 'qident')) {
      if (last.kind === 'word' && ['SYSDATE', 'SYSTIMESTAMP', 'CURRENT_TIMESTAMP', 'LOCALTIMESTAMP'].includes(last.upper)) return 'timestamp';
      if (last.kind === 'word' && last.upper === 'CURRENT_DATE') return ctx.dialect === 'oracle' ? 'timestamp' : 'date';
      return ctx.colKind(pgName(last.kind === 'qident' ? last.value : last.text));
    }
    if (ts.length === 1 && last?.kind === 'string') return 'text';
    if (ts.length === 1 && last?.kind === 'number') return /[.eE]/.test(last.text) ? 'numeric' : 'int';
    if (ts.length === 3 && isP(ts[1], '(') && isP(ts[2], ')') && isW(ts[0], 'NOW', 'GETDATE', 'SYSDATETIME', 'CURRENT_TIMESTAMP', 'LOCALTIMESTAMP')) return 'timestamp';
    if (ts.length === 3 && isP(ts[1], '(') && isP(ts[2], ')') && isW(ts[0], 'CURDATE')) return 'date';
    return undefined;
  };
  const argOf = (ts: Token[]): Arg => {
    const a: Arg = { sql: sub(ts), kind: kindOfToks(ts) };
    if (ts.length === 1 && (ts[0]!.kind === 'number' || ts[0]!.kind === 'string')) a.lit = ts[0]!.kind === 'number' ? ts[0]!.text : ts[0]!.value;
    if (ts.length === 2 && ts[0]!.kind === 'op' && ts[0]!.text === '-' && ts[1]!.kind === 'number') a.lit = `-${ts[1]!.text}`;
    if (ts.length === 1 && ts[0]!.kind === 'word') a.word = ts[0]!.upper;
    return a;
  };
  /** The index where the query level holding token k ends: the ')' that closes it, or the end. */
  const endOf = (k: number): number => {
    let depth = 0;
    for (let j = k; j < toks.length; j++) {
      if (isP(toks[j], '(')) depth++;
      else if (isP(toks[j], ')')) {
        if (depth === 0) return j;
        depth--;
      }
    }
    return toks.length;
  };
  const startOf = (k: number): number => {
    let depth = 0;
    for (let j = k; j >= 0; j--) {
      if (isP(toks[j], ')')) depth++;
      else if (isP(toks[j], '(')) {
        if (depth === 0) return j + 1;
        depth--;
      }
    }
    return 0;
  };
  /** Words at depth 0 of the query level around k. */
  const levelWords = (k: number): Set<string> => {
    const words = new Set<string>();
    let depth = 0;
    for (let j = startOf(k); j < endOf(k); j++) {
      if (isP(toks[j], '(')) depth++;
      else if (isP(toks[j], ')')) depth--;
      else if (depth === 0 && toks[j]!.kind === 'word') words.add(toks[j]!.upper);
    }
    return words;
  };
  /** Text to insert before token index (or at the end): LIMIT clauses from TOP and ROWNUM. */
  const pending = new Map<number, string>();
  const addLimit = (k: number, n: string) => {
    const end = endOf(k);
    pending.set(end, `${pending.get(end) ?? ''} LIMIT ${n}`);
  };
  /** Integer literals compared with a character column: compared as text, as the column holds them. */
  const quoteNum = new Set<number>();
  const CMP = ['=', '<>', '!=', '^='];
  const ORD = ['<', '>', '<=', '>='];
  const MATH = ['+', '-', '*', '/', '%', '||'];
  const strColAt = (j: number) => isStringKind(colAt(j) ?? 'other');
  /** A (qualified) column starting at j: the index of its last part. */
  const colEnd = (j: number) => {
    let e = j;
    while (isP(toks[e + 1], '.') && (toks[e + 2]?.kind === 'word' || toks[e + 2]?.kind === 'qident')) e += 2;
    return e;
  };
  /** The type a CAST/CONVERT target becomes; undefined when it has no faithful equivalent. */
  const castType = (ts: Token[]): string | undefined => {
    try {
      const c = new Cursor(ts, ctx.dialect, src);
      const type: TypeRef = c.parseType();
      if (!c.done) return undefined;
      const name = type.name.toUpperCase();
      if (ctx.dialect === 'mysql' && (name === 'SIGNED' || name === 'UNSIGNED')) return name === 'SIGNED' ? 'bigint' : 'numeric(20)';
      // MySQL CAST(x AS CHAR(n)) cuts to n characters without padding (a varchar)
      if (ctx.dialect === 'mysql' && name === 'CHAR' && type.args.length === 1) return `varchar(${type.args[0]})`;
      if (['CHAR', 'VARCHAR', 'NCHAR', 'NVARCHAR', 'VARCHAR2', 'NVARCHAR2', 'CHARACTER'].includes(name) && !type.args.length) {
        note(`CAST to ${name} without a length -> text`);
        return 'text';
      }
      const mt = mapType(type, ctx.dialect);
      if (!mt.pg || mt.action) return undefined;
      return mt.pg;
    } catch {
      return undefined;
    }
  };
  /** A function call the source spells differently: its PostgreSQL text, or undefined (reported by the caller). */
  const rewriteCall = (up: string, k: number, close: number): string | undefined => {
    const inner = toks.slice(k + 2, close);
    const parts = Cursor.splitCommas(inner);
    const d = ctx.dialect;
    if (up === 'CAST') {
      let depth = 0;
      const as = inner.findIndex((x) => {
        if (isP(x, '(')) depth++;
        if (isP(x, ')')) depth--;
        return depth === 0 && isW(x, 'AS');
      });
      if (as < 1) return undefined;
      const type = castType(inner.slice(as + 1));
      return type ? `CAST(${sub(inner.slice(0, as))} AS ${type})` : undefined;
    }
    if (up === 'CONVERT' && d === 'sqlserver' && parts.length === 2) {
      const type = castType(parts[0]!);
      return type ? `CAST(${sub(parts[1]!)} AS ${type})` : undefined;
    }
    if (up === 'CONVERT' && d === 'mysql' && parts.length === 2 && !parts[1]!.some((x) => isW(x, 'USING'))) {
      const type = castType(parts[1]!);
      return type ? `CAST(${sub(parts[0]!)} AS ${type})` : undefined;
    }
    if (d === 'mysql') {
      switch (up) {
        case 'DATE_ADD':
        case 'DATE_SUB':
        case 'ADDDATE':
        case 'SUBDATE': {
          if (parts.length !== 2) return undefined;
          const op = up === 'DATE_ADD' || up === 'ADDDATE' ? '+' : '-';
          const second = parts[1]!;
          let iv: string | undefined;
          if (isW(second[0], 'INTERVAL')) {
            const unit = second[second.length - 1];
            if (!unit || unit.kind !== 'word' || !isMysqlUnit(unit.upper)) return undefined;
            iv = mysqlInterval(argOf(second.slice(1, -1)), unit.upper);
          } else if (up === 'ADDDATE' || up === 'SUBDATE') {
            iv = mysqlInterval(argOf(second), 'DAY'); // ADDDATE(d, n): n days
          }
          if (!iv) return undefined;
          note(`${up} -> ${op} interval`);
          return `(${sub(parts[0]!)} ${op} ${iv})`;
        }
        case 'DATEDIFF':
          if (parts.length !== 2) return undefined;
          note('DATEDIFF(a, b) -> a::date - b::date (days)');
          return `(CAST(${sub(parts[0]!)} AS date) - CAST(${sub(parts[1]!)} AS date))`;
        case 'GROUP_CONCAT': {
          let body = inner;
          const distinct = isW(body[0], 'DISTINCT');
          if (distinct) body = body.slice(1);
          let depth = 0;
          let orderAt = -1;
          let sepAt = -1;
          body.forEach((x, j) => {
            if (isP(x, '(')) depth++;
            if (isP(x, ')')) depth--;
            if (depth === 0 && isW(x, 'ORDER') && isW(body[j + 1], 'BY') && orderAt < 0) orderAt = j;
            if (depth === 0 && isW(x, 'SEPARATOR')) sepAt = j;
          });
          const exprEnd = orderAt >= 0 ? orderAt : sepAt >= 0 ? sepAt : body.length;
          const exprToks = Cursor.splitCommas(body.slice(0, exprEnd));
          const exprs = exprToks.map(sub);
          const orderToks = orderAt >= 0 ? body.slice(orderAt + 2, sepAt >= 0 ? sepAt : body.length) : [];
          let orderBy = orderToks.length ? sub(orderToks) : undefined;
          let sep = "','";
          if (sepAt >= 0) {
            const st = body.slice(sepAt + 1);
            if (st.length !== 1 || st[0]!.kind !== 'string') return undefined;
            sep = quoteLiteral(st[0]!.value);
          }
          if (distinct && orderBy) {
            // With DISTINCT, PostgreSQL orders only by the aggregated value itself.
            const dir = isW(orderToks[orderToks.length - 1], 'ASC', 'DESC') ? orderToks[orderToks.length - 1]!.upper : '';
            const key = dir ? orderToks.slice(0, -1) : orderToks;
            if (exprs.length !== 1 || sub(key) !== exprs[0] || !isStringKind(kindOfToks(exprToks[0]!) ?? 'other')) return undefined;
            orderBy = `CAST(${exprs[0]} AS text)${dir ? ` ${dir}` : ''}`;
          }
          note('GROUP_CONCAT -> string_agg (values cast to text; MySQL cuts the result at group_concat_max_len, 1024 bytes by default; string_agg does not)');
          return groupConcat(distinct, exprs, orderBy, sep);
        }
        case 'CONCAT': {
          if (!parts.length) return undefined;
          note('CONCAT -> || (NULL if any argument is NULL, as MySQL CONCAT; PostgreSQL concat() would skip NULLs)');
          return `(${parts.map((x) => (x.length === 1 && x[0]!.kind === 'string' ? sub(x) : `CAST(${sub(x)} AS text)`)).join(' || ')})`;
        }
        case 'SUBSTRING_INDEX': {
          if (parts.length !== 3) return undefined;
          const n = argOf(parts[2]!).lit;
          if (n === undefined || !/^-?\d+$/.test(n)) return undefined;
          const [str, delim] = [sub(parts[0]!), sub(parts[1]!)];
          const count = Number(n);
          note('SUBSTRING_INDEX -> split_part / string_to_array');
          if (count === 0) return "''";
          if (count === 1 || count === -1) return `split_part(${str}, ${delim}, ${count})`;
          if (count > 0) return `array_to_string((string_to_array(${str}, ${delim}))[1:${count}], ${delim})`;
          return `array_to_string((string_to_array(${str}, ${delim}))[greatest(cardinality(string_to_array(${str}, ${delim})) - ${-count - 1}, 1):], ${delim})`;
        }
        case 'DATE_FORMAT': {
          if (parts.length !== 2) return undefined;
          const f = argOf(parts[1]!);
          const pgFmt = f.lit !== undefined && parts[1]![0]!.kind === 'string' ? mysqlDateFormat(f.lit) : undefined;
          if (pgFmt === undefined) return undefined;
          note('DATE_FORMAT -> to_char (format string translated)');
          return `to_char(${sub(parts[0]!)}, ${quoteLiteral(pgFmt)})`;
        }
        case 'LOCATE':
          if (parts.length !== 2) return undefined;
          note('LOCATE(sub, str) -> strpos(str, sub)');
          return `strpos(${sub(parts[1]!)}, ${sub(parts[0]!)})`;
        case 'UNIX_TIMESTAMP':
          if (parts.length > 1) return undefined;
          note('UNIX_TIMESTAMP -> extract(epoch ...)');
          return `floor(extract(epoch from ${parts.length ? sub(parts[0]!) : 'CURRENT_TIMESTAMP'}))::bigint`;
        case 'FROM_UNIXTIME':
          if (parts.length !== 1) return undefined;
          note('FROM_UNIXTIME -> to_timestamp');
          return `to_timestamp(${sub(parts[0]!)})`;
        default:
          return undefined;
      }
    }
    if (d === 'sqlserver') {
      const part = parts[0]?.length === 1 && parts[0][0]!.kind === 'word' ? parts[0][0]!.upper : undefined;
      switch (up) {
        case 'DATEADD': {
          if (parts.length !== 3 || !part) return undefined;
          const r = tsqlDateadd(part, argOf(parts[1]!), argOf(parts[2]!));
          if (r) note('DATEADD -> + interval');
          return r;
        }
        case 'DATEDIFF': {
          if (parts.length !== 3 || !part) return undefined;
          const r = tsqlDatediff(part, argOf(parts[1]!), argOf(parts[2]!));
          if (r) note('DATEDIFF -> date arithmetic (counting the boundaries crossed, as T-SQL does)');
          return r;
        }
        case 'DATEPART': {
          if (parts.length !== 2 || !part) return undefined;
          const r = tsqlDatepart(part, argOf(parts[1]!));
          if (r) note('DATEPART -> extract (weekday as under SET DATEFIRST 7, the us_english default)');
          return r;
        }
        case 'LEN':
          if (parts.length !== 1) return undefined;
          note('LEN -> length(rtrim()): LEN does not count trailing spaces');
          return `length(rtrim(${sub(parts[0]!)}))`;
        default:
          return undefined;
      }
    }
    if (d === 'oracle') {
      switch (up) {
        case 'TO_DATE':
          if (parts.length !== 2) return undefined;
          note('TO_DATE(s, fmt) -> to_timestamp(s, fmt)::timestamp(0) (Oracle DATE keeps the time; check the format mask)');
          return `CAST(to_timestamp(${sub(parts[0]!)}, ${sub(parts[1]!)}) AS timestamp(0))`;
        case 'TRUNC': {
          if (parts.length < 1 || parts.length > 2) return undefined;
          const a = argOf(parts[0]!);
          if (isDateKind(a.kind)) {
            const model = parts[1] ? argOf(parts[1]).lit : undefined;
            if (parts[1] && model === undefined) return undefined;
            const unit = oracleTruncUnit(model);
            if (!unit) return undefined;
            note('TRUNC(date) -> date_trunc');
            return `date_trunc('${unit}', ${a.sql})`;
          }
          if (a.kind && isNumericKind(a.kind)) return `trunc(${parts.map(sub).join(', ')})`;
          return undefined;
        }
        case 'ADD_MONTHS': {
          if (parts.length !== 2) return undefined;
          const n = argOf(parts[1]!);
          note("ADD_MONTHS -> + interval 'n months' (Oracle moves a month's last day to the last day of the result month; PostgreSQL keeps the day number, capped)");
          const iv = n.lit !== undefined && /^-?\d+$/.test(n.lit) ? `interval '${n.lit} months'` : `(${n.sql}) * interval '1 month'`;
          return `(${sub(parts[0]!)} + ${iv})`;
        }
        default:
          return undefined;
      }
    }
    return undefined;
  };

  const wraps = ctx.dialect === 'mysql' ? looseGroupBy(toks) : [];
  const wrapOpen = new Set(wraps.map(([a]) => a));
  const wrapClose = new Map<number, string>();
  for (const [, b, alias] of wraps) wrapClose.set(b + 1, `${wrapClose.get(b + 1) ?? ''}))[1]${alias ? ` AS ${alias}` : ''}`);
  if (wraps.length) note("MySQL's loose GROUP BY: columns neither grouped nor aggregated become (array_agg(x))[1], one row's value as MySQL returned (any_value() does the same from PostgreSQL 16)");

  for (let k = 0; k < toks.length; k++) {
    const t = toks[k]!;
    const next = toks[k + 1];
    const nameOf = (x: Token) => (x.kind === 'qident' ? x.value : x.text).toLowerCase();
    if (wrapClose.has(k)) out.push(wrapClose.get(k)!);
    if (wrapOpen.has(k)) {
      out.push(`${src.slice(prevEnd, t.start)}(array_agg(`);
      prevEnd = t.start;
    }
    const insert = pending.get(k);
    if (insert !== undefined) {
      out.push(src.slice(prevEnd, t.start).replace(/\s+$/, '') + insert);
      prevEnd = t.start;
      pending.delete(k);
    }
    if (quoteNum.has(k)) {
      emit(k, quoteLiteral(t.text));
      continue;
    }
    // A character column compared with an integer: the source converts the column to a number
    // ('01', ' 1' and '1.0' equal 1), so the column is cast to numeric; IN lists mixing strings and
    // numbers compare as text.
    if (strColAt(k) && !isP(toks[k + 1], '.') && !opAt(k - 1, ...MATH) && !opAt(k + 1, ...MATH)) {
      const numAt = (j: number) => (toks[j]?.kind === 'number' && !opAt(j + 1, ...MATH) && !isP(toks[j + 1], '.') ? j : -1);
      const lit = opAt(k + 1, ...CMP) ? numAt(k + 2) : -1;
      const litBefore = opAt(k - 1, ...CMP) && toks[k - 2]?.kind === 'number' && !opAt(k - 3, ...MATH) ? k - 2 : -1;
      const inOpen = isW(toks[k + 1], 'IN') ? k + 2 : isW(toks[k + 1], 'NOT') && isW(toks[k + 2], 'IN') ? k + 3 : -1;
      const inItems = inOpen >= 0 && isP(toks[inOpen], '(') ? Cursor.splitCommas(toks.slice(inOpen + 1, matchParen(toks, inOpen))) : undefined;
      if ((lit >= 0 && /^\d+$/.test(toks[lit]!.text)) || (inItems && inItems.every((x) => x.length === 1 && x[0]!.kind === 'number'))) {
        note('a character column compared with a number -> the column as ::numeric, as the source converts it');
        emit(k, `${t.kind === 'qident' ? quoteIdent(pgName(t.value)) : t.text}::numeric`);
        continue;
      } else if (inOpen >= 0) {
        const open = inOpen;
        if (isP(toks[open], '(')) {
          const close = matchParen(toks, open);
          const items = Cursor.splitCommas(toks.slice(open + 1, close));
          if (items.every((x) => x.length === 1 && (x[0]!.kind === 'string' || x[0]!.kind === 'number')) && items.some((x) => x[0]!.kind === 'number')) {
            for (let j = open + 1; j < close; j++) if (toks[j]!.kind === 'number' && /^\d+$/.test(toks[j]!.text)) quoteNum.add(j);
            note('a character column compared with numbers (IN) -> compared with the numbers as text');
          }
        }
      } else if ((opAt(k + 1, ...ORD) && numAt(k + 2) >= 0) || (opAt(k - 1, ...ORD) && toks[k - 2]?.kind === 'number' && !opAt(k - 3, ...MATH))) {
        note('a character column compared with a number by < or > -> ::numeric, as the source converts it');
        emit(k, `${t.kind === 'qident' ? quoteIdent(pgName(t.value)) : t.text}::numeric`);
        continue;
      } else if (litBefore >= 0 && /^\d+$/.test(toks[litBefore]!.text)) {
        // the literal was already written: compare the column as a number instead
        note('a character column compared with a number -> ::numeric, as the source converts it');
        emit(k, `${t.kind === 'qident' ? quoteIdent(pgName(t.value)) : t.text}::numeric`);
        continue;
      }
    }
    // MySQL INTERVAL n UNIT (also inside DATE_ADD, handled there)
    if (ctx.dialect === 'mysql' && isW(t, 'INTERVAL') && !isP(next, '(')) {
      let depth = 0;
      let u = -1;
      for (let j = k + 1; j < toks.length; j++) {
        if (isP(toks[j], '(')) depth++;
        else if (isP(toks[j], ')')) {
          if (depth === 0) break;
          depth--;
        } else if (depth === 0 && toks[j]!.kind === 'word' && isMysqlUnit(toks[j]!.upper)) {
          u = j;
          break;
        }
      }
      const iv = u > k + 1 ? mysqlInterval(argOf(toks.slice(k + 1, u)), toks[u]!.upper) : undefined;
      if (iv) {
        note("INTERVAL n UNIT -> interval 'n units'");
        emit(k, iv);
        for (let j = k + 1; j <= u; j++) drop(j);
        k = u;
        continue;
      }
      block('INTERVAL expression without a convertible unit');
    }
    // T-SQL SELECT TOP n -> LIMIT n at the end of that query
    if (ctx.dialect === 'sqlserver' && isW(t, 'TOP') && isW(toks[k - 1], 'SELECT', 'DISTINCT', 'ALL')) {
      let e = k + 1;
      let n: string | undefined;
      if (isP(toks[e], '(')) {
        const c = matchParen(toks, e);
        n = sub(toks.slice(e + 1, c));
        e = c;
      } else if (toks[e]?.kind === 'number') n = toks[e]!.text;
      const percent = isW(toks[e + 1], 'PERCENT');
      const ties = isW(toks[e + (percent ? 2 : 1)], 'WITH') && isW(toks[e + (percent ? 3 : 2)], 'TIES');
      const words = levelWords(k);
      if (n !== undefined && percent && n.trim() === '100' && !ties) {
        note('TOP 100 PERCENT dropped (every row)');
        drop(k);
        for (let j = k + 1; j <= e + 1; j++) drop(j);
        k = e + 1;
        continue;
      }
      if (n !== undefined && !percent && !ties && !['UNION', 'EXCEPT', 'INTERSECT'].some((w) => words.has(w))) {
        note('TOP n -> LIMIT n');
        addLimit(k, n);
        drop(k);
        for (let j = k + 1; j <= e; j++) drop(j);
        k = e;
        continue;
      }
      block(percent ? 'TOP n PERCENT (use LIMIT with a count, or row_number())' : ties ? 'TOP ... WITH TIES (use FETCH FIRST n ROWS WITH TIES)' : 'TOP (use LIMIT)');
      emit(k, t.text);
      continue;
    }
    // Oracle WHERE ROWNUM <= n (alone or ANDed) -> LIMIT n, when nothing at that level sorts, groups or de-duplicates first
    if (ctx.dialect === 'oracle' && isW(t, 'WHERE', 'AND') && isW(next, 'ROWNUM') && opAt(k + 2, '<=', '<') && toks[k + 3]?.kind === 'number' && /^\d+$/.test(toks[k + 3]!.text)) {
      const words = levelWords(k);
      if (!['ORDER', 'GROUP', 'DISTINCT', 'UNIQUE', 'UNION', 'INTERSECT', 'MINUS', 'OR', 'HAVING', 'CONNECT'].some((w) => words.has(w))) {
        const n = Number(toks[k + 3]!.text) - (toks[k + 2]!.text === '<' ? 1 : 0);
        note('ROWNUM <= n -> LIMIT n');
        addLimit(k, String(Math.max(n, 0)));
        if (t.upper === 'WHERE' && isW(toks[k + 4], 'AND')) {
          emit(k, t.text);
          for (let j = k + 1; j <= k + 4; j++) drop(j);
          k += 4;
        } else {
          dropKeepGap(k);
          for (let j = k + 1; j <= k + 3; j++) drop(j);
          k += 3;
        }
        continue;
      }
    }
    // MySQL LIMIT offset, count
    if (ctx.dialect === 'mysql' && isW(t, 'LIMIT') && isP(toks[k + 2], ',') && toks[k + 1]?.kind === 'number' && toks[k + 3]?.kind === 'number') {
      note('LIMIT offset, count -> LIMIT count OFFSET offset');
      emit(k, `LIMIT ${toks[k + 3]!.text} OFFSET ${toks[k + 1]!.text}`);
      for (let j = k + 1; j <= k + 3; j++) drop(j);
      k += 3;
      continue;
    }
    if ((t.kind === 'word') && isP(next, '(') && !isP(toks[k - 1], '.')) {
      const close = matchParen(toks, k + 1);
      const rewritten = close > 0 ? rewriteCall(t.upper, k, close) : undefined;
      if (rewritten !== undefined) {
        emit(k, rewritten);
        for (let j = k + 1; j <= close; j++) drop(j);
        k = close;
        continue;
      }
    }
    // MySQL col->'$.a.b' / col->>'$.a.b': a JSON path, where PostgreSQL's -> / ->> take one key
    if (ctx.dialect === 'mysql' && t.kind === 'op' && (t.text === '->' || t.text === '->>') && next?.kind === 'string') {
      const keys = jsonPathKeys(next.value);
      if (!keys) block('JSON path other than $.key / $[n] steps after -> / ->>');
      else {
        note(`MySQL ${t.text} '$.path' -> ${t.text === '->' ? '#>' : '#>>'} '{path}'`);
        emit(k, t.text === '->' ? '#>' : '#>>');
        emit(k + 1, quoteLiteral(`{${keys.join(',')}}`));
        k++;
        continue;
      }
    }
    if (boolLiteralAt(k)) {
      note('0/1 compared with a boolean column -> TRUE/FALSE');
      emit(k, t.text === '1' ? 'TRUE' : 'FALSE');
      continue;
    }
    if (colAt(k) === 'bool') {
      // the column with its qualifier and any parentheses around it: ((t.flag)) + 1
      let s = k;
      while (isP(toks[s - 1], '.') && (toks[s - 2]?.kind === 'word' || toks[s - 2]?.kind === 'qident')) s -= 2;
      let e = k;
      const callParen = (j: number) => toks[j - 1]?.kind === 'qident' || (toks[j - 1]?.kind === 'word' && !isW(toks[j - 1], ...CLAUSE_WORDS));
      while (isP(toks[s - 1], '(') && isP(toks[e + 1], ')') && !callParen(s - 1)) {
        s--;
        e++;
      }
      const after = opAt(e + 1, ...EQ) ? colStartingAt(e + 2).kind : undefined;
      const before = opAt(s - 1, ...EQ) ? colEndingAt(s - 2).kind : undefined;
      const other = opAt(e + 1, ...EQ) ? e + 2 : opAt(s - 1, ...EQ) ? s - 2 : -1;
      // compared with anything but a TRUE/FALSE literal or another boolean column
      const compared = other >= 0 && !boolLiteralAt(other) && (other > e ? after : before) !== 'bool';
      const numeric = opAt(e + 1, ...ORDER_OR_MATH) || opAt(s - 1, ...ORDER_OR_MATH) || compared
        || (isP(toks[k - 1], '(') && isW(toks[k - 2], 'SUM', 'AVG', 'MIN', 'MAX') && isP(next, ')'));
      if (numeric) {
        note('a boolean column (from bit/tinyint(1)) used as a number -> ::int');
        emit(k, `${t.kind === 'qident' ? quoteIdent(pgName(t.value)) : t.text}::int`);
        continue;
      }
    }
    // MySQL's MOD and DIV operators
    if (ctx.dialect === 'mysql' && t.kind === 'word' && (t.upper === 'MOD' || t.upper === 'DIV') && !isP(next, '(')) {
      if (t.upper === 'MOD') {
        note('MOD operator -> %');
        emit(k, '%');
      } else {
        note('DIV -> / (integer division when both operands are integers, as DIV; for decimals wrap it in trunc())');
        emit(k, '/');
      }
      continue;
    }
    // Oracle DATE (now timestamp(0)) plus or minus a number of days
    const dateAt = (j: number) => colAt(j) === 'timestamp' || isW(toks[j], 'SYSDATE', 'SYSTIMESTAMP');
    /** date +/- n +/- m ...: walks back over the numbers added or subtracted to the date. */
    const chainFromDate = (j: number) => {
      let x = j;
      while (toks[x]?.kind === 'number' && opAt(x - 1, '+', '-')) x -= 2;
      return x !== j && dateAt(x);
    };
    if (ctx.dialect === 'oracle' && t.kind === 'number'
      && ((opAt(k - 1, '+', '-') && chainFromDate(k)) || (opAt(k + 1, '+') && dateAt(k + 2)))) {
      note("Oracle DATE +/- a number of days -> +/- interval 'n days'");
      emit(k, /^\d+$/.test(t.text) ? `interval '${t.text} days'` : `${t.text} * interval '1 day'`);
      continue;
    }
    if (ctx.dialect === 'oracle' && colAt(k) === 'timestamp' && opAt(k + 1, '-') && colAt(k + 2) === 'timestamp') {
      block('Oracle DATE - DATE is a number of days; in PostgreSQL it is an interval (use extract(epoch from a - b) / 86400)');
    }
    if ((t.kind === 'word' || t.kind === 'qident') && isP(next, '.') && ctx.schemas.has(nameOf(t)) && (toks[k + 2]?.kind === 'word' || toks[k + 2]?.kind === 'qident')) {
      dropKeepGap(k);
      drop(k + 1);
      k++;
      note('source schema prefix removed');
      continue;
    }
    switch (t.kind) {
      case 'qident':
        emit(k, quoteIdent(pgName(t.value)));
        continue;
      case 'string':
        emit(k, quoteLiteral(t.value));
        continue;
      case 'hex':
        emit(k, `'\\x${t.value.toLowerCase()}'::bytea`);
        continue;
      case 'bits':
        emit(k, `B'${t.value}'`);
        continue;
      case 'bind':
      case 'var':
        block(`variable ${t.text}`);
        emit(k, t.text);
        continue;
      case 'punct':
        if (t.text === '(' && toks[k + 1]?.text === '+' && isP(toks[k + 2], ')')) {
          block('Oracle (+) outer join (rewrite as LEFT/RIGHT JOIN)');
        }
        emit(k, t.text);
        continue;
      case 'op':
        if (t.text === '@' && ctx.dialect === 'oracle') block('database link (@dblink): use postgres_fdw');
        if (t.text === '+' && ctx.dialect === 'sqlserver') {
          const stringy = (x: Token | undefined) =>
            !!x && (x.kind === 'string' || ((x.kind === 'word' || x.kind === 'qident') && ['string', 'text'].includes(ctx.colKind(pgName(x.value)) ?? '')));
          if (stringy(toks[k - 1]) || stringy(next)) {
            note("T-SQL string '+' -> ||");
            emit(k, '||');
            continue;
          }
        }
        if (t.text === '||' && ctx.dialect === 'mysql') block('|| is logical OR in MySQL (use OR)');
        emit(k, t.text);
        continue;
      default:
        break;
    }
    if (t.kind !== 'word') {
      emit(k, t.text);
      continue;
    }
    const up = t.upper;
    if (ctx.dialect === 'oracle' && up === 'FROM' && isW(next, 'DUAL')) {
      dropKeepGap(k);
      drop(k + 1);
      k++;
      note('FROM dual removed');
      continue;
    }
    if (ctx.dialect === 'oracle' && up === 'MINUS') {
      note('MINUS -> EXCEPT');
      emit(k, 'EXCEPT');
      continue;
    }
    if (ctx.dialect === 'oracle' && (up === 'SYSDATE' || up === 'SYSTIMESTAMP')) {
      note(`${up} -> CURRENT_TIMESTAMP`);
      emit(k, 'CURRENT_TIMESTAMP');
      continue;
    }
    if (ctx.dialect === 'oracle' && up === 'START' && isW(next, 'WITH')) block('CONNECT BY ... START WITH (use WITH RECURSIVE)');
    if (ctx.dialect === 'sqlserver' && up === 'WITH' && isP(next, '(') && isW(toks[k + 2], 'NOLOCK', 'READUNCOMMITTED', 'ROWLOCK', 'UPDLOCK', 'HOLDLOCK', 'NOEXPAND', 'INDEX', 'TABLOCK')) {
      const close = matchParen(toks, k + 1);
      dropKeepGap(k);
      for (let j = k + 1; j <= close; j++) drop(j);
      k = close;
      note('table hints (WITH (NOLOCK) ...) removed');
      continue;
    }
    if (ctx.dialect === 'mysql' && up === 'LIMIT') {
      let j = k + 1;
      let depth = 0;
      for (; j < toks.length; j++) {
        if (isP(toks[j], '(')) depth++;
        if (isP(toks[j], ')')) depth--;
        if (depth < 0) break;
        if (depth === 0 && isP(toks[j], ',')) block('LIMIT offset, count (use LIMIT count OFFSET offset)');
      }
    }
    if (isP(next, '(') && up === 'LISTAGG') {
      const close = matchParen(toks, k + 1);
      const inner = toks.slice(k + 2, close);
      if (inner.some((x) => isW(x, 'OVERFLOW'))) {
        block('LISTAGG ... ON OVERFLOW (string_agg has no overflow handling)');
        emit(k, t.text);
        continue;
      }
      if (isW(toks[close + 1], 'WITHIN') && isW(toks[close + 2], 'GROUP') && isP(toks[close + 3], '(')) {
        const gClose = matchParen(toks, close + 3);
        const orderBy = toks.slice(close + 4, gClose);
        const args = Cursor.splitCommas(inner);
        const piece = (ts: Token[]) => (ts.length ? convertViewBody(ts, src, ctx) : { sql: '', blockers: [], notes: [] });
        const arg0 = piece(args[0] ?? []);
        const sep = args[1] ? piece(args[1]) : { sql: "''", blockers: [], notes: [] };
        const ob = piece(orderBy);
        for (const b of [...arg0.blockers, ...sep.blockers, ...ob.blockers]) block(b);
        emit(k, `string_agg(${arg0.sql}, ${sep.sql} ${ob.sql})`);
        for (let j = k + 1; j <= gClose; j++) drop(j);
        k = gClose;
        note('LISTAGG ... WITHIN GROUP -> string_agg(... ORDER BY ...)');
        continue;
      }
    }
    if (isP(next, '(') && VIA_PRINTER.has(up) && !(up === 'ISNULL' && ctx.dialect === 'sqlserver')) {
      const close = matchParen(toks, k + 1);
      try {
        const c = new Cursor(toks.slice(k, close + 1), ctx.dialect, src);
        const e = c.parseExpr();
        if (!c.done) throw new ParseError('trailing tokens');
        const exprCtx = { dialect: ctx.dialect, notes: [] as string[], colKind: ctx.colKind, keepQualifiers: true };
        const printed = printExpr(e, exprCtx);
        for (const n of exprCtx.notes) note(n);
        note(`${up}() rewritten`);
        emit(k, printed);
        for (let j = k + 1; j <= close; j++) drop(j);
        k = close;
        continue;
      } catch (err) {
        if (!(err instanceof ParseError) && !(err instanceof Unconvertible)) throw err;
        block(`${up}(): ${(err as Error).message}`);
        emit(k, t.text);
        continue;
      }
    }
    if (isP(next, '(') && NILADIC_CALLS.has(up) && isP(toks[k + 2], ')')) {
      const rep = up === 'CURDATE' ? 'CURRENT_DATE' : up === 'NEWID' ? 'gen_random_uuid()' : 'CURRENT_TIMESTAMP';
      if (up !== 'NOW') note(`${up}() -> ${rep}`);
      emit(k, up === 'NOW' ? 'now()' : rep);
      drop(k + 1);
      drop(k + 2);
      k += 2;
      continue;
    }
    if (RENAMES[up] && isP(next, '(')) {
      note(`${up} -> ${RENAMES[up]}`);
      emit(k, RENAMES[up]!);
      continue;
    }
    if (ctx.dialect === 'sqlserver' && up === 'ISNULL' && isP(next, '(')) {
      note('ISNULL -> coalesce');
      emit(k, 'coalesce');
      continue;
    }
    if (ctx.dialect === 'sqlserver' && up === 'FOR' && isW(next, 'XML', 'JSON', 'BROWSE')) block(`FOR ${next!.upper}`);
    const why = blocking[up];
    const callLike = isP(next, '(') || ['ROWNUM', 'CONNECT', 'PRIOR', 'TOP', 'APPLY', 'KEEP', 'PIVOT', 'UNPIVOT', 'MODEL', 'MATCH_RECOGNIZE', 'NEXTVAL', 'CURRVAL', 'CONNECT_BY_ROOT'].includes(up);
    if (why && callLike && !(up === 'KEEP' && !isP(next, '('))) block(why);
    if (up === 'TO_CHAR' || up === 'TO_NUMBER') note(`${up}: check that the format mask means the same in PostgreSQL`);
    if (isW(t, 'ROWID') && ctx.dialect === 'oracle') block('ROWID pseudo-column');
    // Unquoted source names fold the same way in PostgreSQL; only reserved words need quoting.
    emit(k, t.text);
  }
  if (wrapClose.has(toks.length)) out.push(wrapClose.get(toks.length)!);
  const tail = pending.get(toks.length);
  if (tail !== undefined) {
    if (out.length) out[out.length - 1] = out[out.length - 1]!.replace(/\s+$/, '');
    out.push(tail);
  }
  return { sql: out.join('').trim(), blockers, notes };
}
