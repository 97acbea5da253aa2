// Source functions and operators inside views that PostgreSQL spells differently: each rewrite
// here takes its arguments already converted (as SQL text) and returns the PostgreSQL text, or
// undefined when it cannot be rewritten faithfully (the caller then reports it).
import type { Dialect } from './lexer.js';
import { quoteLiteral } from './names.js';
import type { TypeKind } from './types.js';

/** A converted argument: its SQL, its source kind when known, and its literal value when it is one. */
export interface Arg {
  sql: string;
  kind?: TypeKind;
  /** The value of a number or string literal argument. */
  lit?: string;
  /** A bare word (a T-SQL date part, a MySQL unit). */
  word?: string;
}

/** MySQL INTERVAL units (MySQL 8 ref, "Temporal Intervals") as PostgreSQL interval fields. */
const MYSQL_UNITS: Record<string, string[]> = {
  MICROSECOND: ['microseconds'], SECOND: ['seconds'], MINUTE: ['minutes'], HOUR: ['hours'], DAY: ['days'], WEEK: ['weeks'],
  MONTH: ['months'], QUARTER: ['quarters'], YEAR: ['years'],
  SECOND_MICROSECOND: ['seconds', 'microseconds'], MINUTE_MICROSECOND: ['minutes', 'seconds', 'microseconds'],
  MINUTE_SECOND: ['minutes', 'seconds'], HOUR_MICROSECOND: ['hours', 'minutes', 'seconds', 'microseconds'],
  HOUR_SECOND: ['hours', 'minutes', 'seconds'], HOUR_MINUTE: ['hours', 'minutes'],
  DAY_MICROSECOND: ['days', 'hours', 'minutes', 'seconds', 'microseconds'], DAY_SECOND: ['days', 'hours', 'minutes', 'seconds'],
  DAY_MINUTE: ['days', 'hours', 'minutes'], DAY_HOUR: ['days', 'hours'], YEAR_MONTH: ['years', 'months'],
};
export const isMysqlUnit = (w: string) => w in MYSQL_UNITS;

/** One unit of a PostgreSQL interval ('1 day'); quarters are three months. */
function unitOne(unit: string): string {
  return unit === 'quarters' ? "interval '3 months'" : `interval '1 ${unit.replace(/s$/, '')}'`;
}

/**
 * MySQL INTERVAL expr unit as a PostgreSQL interval. A literal becomes an interval literal; an
 * expression is multiplied by one unit. Compound units take a string whose missing leading parts
 * count as zero (MySQL 8 ref: "MySQL assumes that you have left out the leftmost parts").
 */
export function mysqlInterval(n: Arg, unit: string): string | undefined {
  const fields = MYSQL_UNITS[unit];
  if (!fields) return undefined;
  if (fields.length === 1) {
    const v = n.lit?.trim();
    if (v !== undefined && /^[+-]?\d+(\.\d+)?$/.test(v)) {
      if (fields[0] === 'quarters') return `interval '${Number(v) * 3} months'`;
      return `interval '${v} ${fields[0]}'`;
    }
    return `(${n.sql}) * ${unitOne(fields[0]!)}`;
  }
  if (n.lit === undefined) return undefined;
  const neg = n.lit.trim().startsWith('-');
  const parts = n.lit.replace(/^\s*[+-]/, '').split(/[^0-9]+/).filter((x) => x !== '');
  if (!parts.length || parts.length > fields.length) return undefined;
  const used = fields.slice(fields.length - parts.length);
  const text = used.map((f, k) => `${neg ? '-' : ''}${parts[k]} ${f}`).join(' ');
  return `interval ${quoteLiteral(text)}`;
}

/** T-SQL date parts and their abbreviations (T-SQL ref, DATEADD) as PostgreSQL units. */
const TSQL_PARTS: Record<string, string> = {
  YEAR: 'year', YY: 'year', YYYY: 'year', QUARTER: 'quarter', QQ: 'quarter', Q: 'quarter', MONTH: 'month', MM: 'month', M: 'month',
  DAYOFYEAR: 'day', DY: 'day', Y: 'day', DAY: 'day', DD: 'day', D: 'day', WEEK: 'week', WK: 'week', WW: 'week',
  WEEKDAY: 'day', DW: 'day', W: 'day', HOUR: 'hour', HH: 'hour', MINUTE: 'minute', MI: 'minute', N: 'minute',
  SECOND: 'second', SS: 'second', S: 'second', MILLISECOND: 'millisecond', MS: 'millisecond', MICROSECOND: 'microsecond', MCS: 'microsecond',
};

/** DATEADD(part, n, d): d plus n parts (a quarter is three months). */
export function tsqlDateadd(part: string, n: Arg, d: Arg): string | undefined {
  const unit = TSQL_PARTS[part.toUpperCase()];
  if (!unit) return undefined;
  const one = unit === 'quarter' ? "interval '3 months'" : unit === 'week' ? "interval '7 days'" : `interval '1 ${unit}'`;
  const lit = n.lit !== undefined && /^[+-]?\d+$/.test(n.lit.trim()) ? n.lit.trim() : undefined;
  const iv = lit !== undefined && unit !== 'quarter' && unit !== 'week' ? `interval '${lit} ${unit}s'` : `(${n.sql}) * ${one}`;
  return `(${d.sql} + ${iv})`;
}

/**
 * DATEDIFF(part, a, b): T-SQL counts the part boundaries crossed from a to b (T-SQL ref, DATEDIFF),
 * so both ends are truncated to the part before they are subtracted.
 */
export function tsqlDatediff(part: string, a: Arg, b: Arg): string | undefined {
  const unit = TSQL_PARTS[part.toUpperCase()];
  const y = (x: Arg) => `extract(year from ${x.sql})`;
  switch (unit) {
    case 'year':
      return `(${y(b)} - ${y(a)})::int`;
    case 'quarter':
      return `((${y(b)} - ${y(a)}) * 4 + extract(quarter from ${b.sql}) - extract(quarter from ${a.sql}))::int`;
    case 'month':
      return `((${y(b)} - ${y(a)}) * 12 + extract(month from ${b.sql}) - extract(month from ${a.sql}))::int`;
    case 'day':
      if (['DAYOFYEAR', 'DY', 'Y', 'DAY', 'DD', 'D'].includes(part.toUpperCase())) return `(CAST(${b.sql} AS date) - CAST(${a.sql} AS date))`;
      return undefined;
    case 'week':
      // weeks start on Sunday for DATEDIFF whatever SET DATEFIRST says
      return `((CAST(${b.sql} AS date) - extract(dow from ${b.sql})::int) - (CAST(${a.sql} AS date) - extract(dow from ${a.sql})::int)) / 7`;
    case 'hour':
      return `(extract(epoch from date_trunc('hour', ${b.sql}) - date_trunc('hour', ${a.sql})) / 3600)::bigint`;
    case 'minute':
      return `(extract(epoch from date_trunc('minute', ${b.sql}) - date_trunc('minute', ${a.sql})) / 60)::bigint`;
    case 'second':
      return `extract(epoch from date_trunc('second', ${b.sql}) - date_trunc('second', ${a.sql}))::bigint`;
    default:
      return undefined;
  }
}

/** DATEPART(part, d) as extract(); weekday counts Sunday as 1 (the us_english default, SET DATEFIRST 7). */
export function tsqlDatepart(part: string, d: Arg): string | undefined {
  const p = part.toUpperCase();
  if (['WEEKDAY', 'DW', 'W'].includes(p)) return `(extract(dow from ${d.sql})::int + 1)`;
  if (['DAYOFYEAR', 'DY', 'Y'].includes(p)) return `extract(doy from ${d.sql})::int`;
  const unit = TSQL_PARTS[p];
  if (!unit || unit === 'week' || unit === 'millisecond' || unit === 'microsecond') return undefined;
  return `extract(${unit} from ${d.sql})::int`;
}

/** MySQL DATE_FORMAT specifiers (MySQL 8 ref, DATE_FORMAT) as PostgreSQL to_char patterns. */
const MYSQL_FORMAT: Record<string, string> = {
  Y: 'YYYY', y: 'YY', m: 'MM', c: 'FMMM', d: 'DD', e: 'FMDD', H: 'HH24', k: 'FMHH24', h: 'HH12', I: 'HH12', l: 'FMHH12',
  i: 'MI', s: 'SS', S: 'SS', f: 'US', p: 'AM', M: 'FMMonth', b: 'Mon', W: 'FMDay', a: 'Dy', j: 'DDD',
  T: 'HH24:MI:SS', r: 'HH12:MI:SS AM',
};

/** A DATE_FORMAT format string as a to_char pattern; undefined if it uses a specifier with no equivalent. */
export function mysqlDateFormat(fmt: string): string | undefined {
  let out = '';
  let literal = '';
  const flush = () => {
    if (literal) out += /[A-Za-z]/.test(literal) ? `"${literal.replace(/"/g, '\\"')}"` : literal;
    literal = '';
  };
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i]!;
    if (c !== '%') {
      literal += c;
      continue;
    }
    const s = fmt[++i];
    if (s === undefined) return undefined;
    if (s === '%') {
      literal += '%';
      continue;
    }
    const pg = MYSQL_FORMAT[s];
    if (!pg) return undefined;
    flush();
    out += pg;
  }
  flush();
  return out;
}

/** GROUP_CONCAT's pieces: [DISTINCT] expr[, expr...] [ORDER BY ...] [SEPARATOR 'x']. */
export function groupConcat(distinct: boolean, exprs: string[], orderBy: string | undefined, sep: string): string {
  const value = exprs.length === 1 ? `CAST(${exprs[0]} AS text)` : `(${exprs.map((e) => `CAST(${e} AS text)`).join(' || ')})`;
  return `string_agg(${distinct ? 'DISTINCT ' : ''}${value}, ${sep}${orderBy ? ` ORDER BY ${orderBy}` : ''})`;
}

/** Oracle TRUNC/ROUND date format models (Oracle ref, "ROUND and TRUNC Date Functions") as date_trunc fields. */
export function oracleTruncUnit(model: string | undefined): string | undefined {
  if (model === undefined) return 'day';
  const m = model.toUpperCase();
  if (['CC', 'SCC'].includes(m)) return 'century';
  if (['SYYYY', 'YYYY', 'YEAR', 'SYEAR', 'YYY', 'YY', 'Y'].includes(m)) return 'year';
  if (m === 'Q') return 'quarter';
  if (['MONTH', 'MON', 'MM', 'RM'].includes(m)) return 'month';
  if (['IW'].includes(m)) return 'week';
  if (['DDD', 'DD', 'J'].includes(m)) return 'day';
  if (['HH', 'HH12', 'HH24'].includes(m)) return 'hour';
  if (m === 'MI') return 'minute';
  return undefined;
}

export const isDateKind = (k: TypeKind | undefined) => k === 'date' || k === 'timestamp';
export type { Dialect };
