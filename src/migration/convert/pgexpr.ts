import type { Expr } from './ast.js';
import type { Dialect } from './lexer.js';
import { pgName, quoteIdent, quoteLiteral } from './names.js';
import { type Arg, tsqlDateadd, tsqlDatediff, tsqlDatepart } from './viewcalls.js';
import { isNumericKind, isStringKind, mapType, type TypeKind } from './types.js';

/** Thrown when an expression has no faithful PostgreSQL rendering; the caller turns it into an action item. */
export class Unconvertible extends Error {}

export interface ExprCtx {
  dialect: Dialect;
  colKind?: (name: string) => TypeKind | undefined;
  /** Change notes collected while printing. */
  notes: string[];
  /** Set when the output calls a non-immutable function (not allowed in generated columns). */
  volatile?: boolean;
  /** Keep table qualifiers on column references (views); constraints drop them. */
  keepQualifiers?: boolean;
}

const NOW_FUNCS = new Set(['NOW', 'CURRENT_TIMESTAMP', 'SYSDATE', 'GETDATE', 'SYSDATETIME', 'SYSDATETIMEOFFSET', 'LOCALTIMESTAMP', 'SYSTIMESTAMP', 'LOCALTIME']);
const UTC_FUNCS = new Set(['GETUTCDATE', 'SYSUTCDATETIME', 'UTC_TIMESTAMP']);
const UUID_FUNCS = new Set(['NEWID', 'NEWSEQUENTIALID', 'SYS_GUID', 'UUID']);
const USER_FUNCS = new Set(['SUSER_SNAME', 'SUSER_NAME', 'USER_NAME', 'USER', 'CURRENT_USER', 'SESSION_USER', 'SYSTEM_USER', 'ORIGINAL_LOGIN']);
const SAME_NAME = new Set([
  'UPPER', 'LOWER', 'ABS', 'ROUND', 'FLOOR', 'CEIL', 'COALESCE', 'NULLIF', 'REPLACE', 'TRIM', 'LTRIM', 'RTRIM', 'SUBSTR',
  'SUBSTRING', 'POWER', 'SQRT', 'MOD', 'GREATEST', 'LEAST', 'SIGN', 'EXP', 'LN', 'LPAD', 'RPAD', 'INITCAP', 'TRANSLATE',
  'ASCII', 'CHR', 'REVERSE', 'LEFT', 'RIGHT', 'CONCAT', 'TO_CHAR', 'TO_NUMBER', 'COUNT', 'SUM', 'MIN', 'MAX', 'AVG', 'MD5',
]);
const STRING_FUNCS = new Set([
  'UPPER', 'LOWER', 'REPLACE', 'TRIM', 'LTRIM', 'RTRIM', 'SUBSTR', 'SUBSTRING', 'LPAD', 'RPAD', 'INITCAP', 'TRANSLATE',
  'CHR', 'REVERSE', 'LEFT', 'RIGHT', 'CONCAT', 'TO_CHAR', 'LCASE', 'UCASE', 'MD5', 'CONCAT_WS',
]);
const LENGTH_FUNCS = new Set(['LENGTH', 'LEN', 'CHAR_LENGTH', 'CHARACTER_LENGTH', 'DATALENGTH', 'INSTR', 'CHARINDEX', 'ASCII']);
/** PostgreSQL functions that are only STABLE, so not usable in generated columns. */
const NOT_IMMUTABLE = new Set(['concat', 'to_char', 'to_number', 'concat_ws']);

const PREC: Record<string, number> = {
  OR: 1, XOR: 1, AND: 2, '=': 4, '<>': 4, '!=': 4, '<': 4, '>': 4, '<=': 4, '>=': 4, '<=>': 4, '^=': 4,
  'IS DISTINCT FROM': 4, 'IS NOT DISTINCT FROM': 4, '||': 6, '&': 6, '|': 6, '^': 6, '+': 7, '-': 7, '*': 8, '/': 8, '%': 8, DIV: 8, MOD: 8,
};

function colName(parts: { name: string }[], ctx: ExprCtx): string {
  if (ctx.keepQualifiers) return parts.map((x) => quoteIdent(pgName(x.name))).join('.');
  return quoteIdent(pgName(parts[parts.length - 1]!.name));
}

export function inferKind(e: Expr, ctx: ExprCtx): TypeKind | undefined {
  switch (e.t) {
    case 'num':
      return /[.eE]/.test(e.v) ? 'numeric' : 'int';
    case 'str':
      return 'text';
    case 'bool':
      return 'bool';
    case 'ident': {
      const up = e.parts.length === 1 ? e.parts[0]!.name.toUpperCase() : '';
      if (NOW_FUNCS.has(up) || up === 'CURRENT_TIMESTAMP') return 'timestamp';
      if (up === 'CURRENT_DATE') return 'date';
      if (USER_FUNCS.has(up)) return 'text';
      return ctx.colKind?.(pgName(e.parts[e.parts.length - 1]!.name));
    }
    case 'call': {
      const n = e.name[e.name.length - 1]!.name.toUpperCase();
      if (STRING_FUNCS.has(n)) return 'text';
      if (LENGTH_FUNCS.has(n)) return 'int';
      if (NOW_FUNCS.has(n) || UTC_FUNCS.has(n)) return 'timestamp';
      if (UUID_FUNCS.has(n)) return 'uuid';
      if (n === 'JSON_EXTRACT') return 'json';
      if (n === 'JSON_UNQUOTE') return 'text';
      if (['COALESCE', 'NVL', 'IFNULL', 'ISNULL', 'NULLIF', 'ABS', 'ROUND', 'FLOOR', 'CEIL', 'CEILING', 'GREATEST', 'LEAST'].includes(n) && e.args[0]) {
        for (const a of e.args) {
          const k = inferKind(a, ctx);
          if (k) return k;
        }
      }
      return undefined;
    }
    case 'bin': {
      if (['OR', 'AND', 'XOR', '=', '<>', '!=', '<', '>', '<=', '>=', '<=>', '^=', 'IS DISTINCT FROM', 'IS NOT DISTINCT FROM'].includes(e.op)) return 'bool';
      if (e.op === '||') return ctx.dialect === 'mysql' ? 'bool' : 'text';
      const l = inferKind(e.l, ctx);
      const r = inferKind(e.r, ctx);
      if (e.op === '+' && (isStringKind(l ?? 'other') || isStringKind(r ?? 'other'))) return 'text';
      if (!l || !r) return l ?? r;
      const order: TypeKind[] = ['smallint', 'int', 'bigint', 'numeric', 'float'];
      if (isNumericKind(l) && isNumericKind(r)) return order[Math.max(order.indexOf(l), order.indexOf(r))];
      return l;
    }
    case 'unary':
      return e.op === 'NOT' ? 'bool' : inferKind(e.e, ctx);
    case 'paren':
      return inferKind(e.e, ctx);
    case 'case':
      for (const w of e.whens) {
        const k = inferKind(w.then, ctx);
        if (k) return k;
      }
      return e.else ? inferKind(e.else, ctx) : undefined;
    case 'cast':
      return mapType(e.type, ctx.dialect).kind;
    case 'in':
    case 'between':
    case 'like':
    case 'is':
      return 'bool';
    case 'typed':
      return e.kw === 'DATE' ? 'date' : e.kw === 'TIME' ? 'time' : 'timestamp';
    default:
      return undefined;
  }
}

/** A T-SQL LIKE pattern as an anchored POSIX regular expression: % and _ become .* and ., classes stay. */
function likeToRegex(pattern: string): string {
  let out = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    const close = c === '[' ? pattern.indexOf(']', i + 2) : -1;
    if (c === '%') out += '.*';
    else if (c === '_') out += '.';
    else if (close > 0) {
      out += pattern.slice(i, close + 1).replace(/\\/g, '\\\\');
      i = close;
    } else out += /[.*+?^${}()|[\]\\]/.test(c) ? `\\${c}` : c;
  }
  return `${out}$`;
}

function note(ctx: ExprCtx, s: string): void {
  if (!ctx.notes.includes(s)) ctx.notes.push(s);
}

/** TRUE/FALSE for a 0/1 literal compared with a boolean column. */
function boolLiteral(lit: Expr, other: Expr, ctx: ExprCtx): string | undefined {
  let x = lit;
  while (x.t === 'paren') x = x.e;
  let o = other;
  while (o.t === 'paren') o = o.e;
  if (o.t !== 'ident' || inferKind(o, ctx) !== 'bool') return undefined;
  const v = x.t === 'num' || x.t === 'str' || x.t === 'bits' ? x.v : undefined;
  if (v === '0' || v === '1') {
    note(ctx, `0/1 compared with a boolean column -> ${v === '1' ? 'TRUE' : 'FALSE'}`);
    return v === '1' ? 'TRUE' : 'FALSE';
  }
  return undefined;
}

/** [column, literal] when col is a character column and lit an integer literal. */
function charVsNumber(col: Expr, lit: Expr, ctx: ExprCtx): [Expr, Expr] | undefined {
  if (col.t !== 'ident' || lit.t !== 'num' || !/^\d+$/.test(lit.v)) return undefined;
  const k = inferKind(col, ctx);
  return k && isStringKind(k) ? [col, lit] : undefined;
}

function isStringy(e: Expr, ctx: ExprCtx): boolean {
  const k = inferKind(e, ctx);
  return !!k && isStringKind(k);
}

export function printExpr(e: Expr, ctx: ExprCtx): string {
  const p = (x: Expr) => printExpr(x, ctx);
  switch (e.t) {
    case 'num':
      return e.v;
    case 'str':
      return quoteLiteral(e.v);
    case 'hex':
      return `'\\x${e.v.toLowerCase()}'::bytea`;
    case 'bits':
      return `B'${e.v}'`;
    case 'null':
      return 'NULL';
    case 'bool':
      return e.v ? 'TRUE' : 'FALSE';
    case 'ident': {
      if (e.parts.length === 1) {
        const up = e.parts[0]!.quoted ? '' : e.parts[0]!.name.toUpperCase();
        if (NOW_FUNCS.has(up)) {
          ctx.volatile = true;
          if (up !== 'CURRENT_TIMESTAMP') note(ctx, `${up} -> CURRENT_TIMESTAMP`);
          return up === 'LOCALTIME' ? 'LOCALTIME' : 'CURRENT_TIMESTAMP';
        }
        if (up === 'CURRENT_DATE' || up === 'CURRENT_TIME') {
          ctx.volatile = true;
          return up;
        }
        if (USER_FUNCS.has(up)) {
          ctx.volatile = true;
          return 'CURRENT_USER';
        }
        if (up === 'ROWNUM' || up === 'ROWID' || up === 'LEVEL') throw new Unconvertible(`Oracle pseudo-column ${up}`);
      }
      const last = e.parts[e.parts.length - 1]!.name.toUpperCase();
      if (e.parts.length > 1 && (last === 'NEXTVAL' || last === 'CURRVAL')) {
        const seq = pgName(e.parts[e.parts.length - 2]!.name);
        ctx.volatile = true;
        return last === 'NEXTVAL' ? `nextval(${quoteLiteral(seq)})` : `currval(${quoteLiteral(seq)})`;
      }
      return colName(e.parts, ctx);
    }
    case 'call':
      return printCall(e, ctx);
    case 'opaque':
      throw new Unconvertible(`${e.raw.slice(0, 80)} (${e.why})`);
    case 'unary':
      if (e.op === 'NOT') return `NOT ${p(e.e)}`;
      return `${e.op}${p(e.e)}`;
    case 'bin': {
      let op = e.op;
      switch (op) {
        case '!=':
        case '^=':
          op = '<>';
          break;
        case '<=>':
          op = 'IS NOT DISTINCT FROM';
          break;
        case 'MOD':
          op = '%';
          break;
        case 'XOR':
          throw new Unconvertible('logical XOR');
        case '^':
          op = '#';
          break;
        case 'DIV':
          return `div(${p(e.l)}, ${p(e.r)})`;
        case '+':
          if (ctx.dialect === 'sqlserver' && (isStringy(e.l, ctx) || isStringy(e.r, ctx))) {
            op = '||';
            note(ctx, "T-SQL string '+' -> ||");
          }
          break;
        default:
          break;
      }
      // A character column compared with an integer: the source converts the column to a number
      // (Oracle: implicit data conversion; SQL Server: int outranks char; MySQL: string to number),
      // so '01', ' 1' and '1.0' all equal 1; PostgreSQL has no character = integer operator. The
      // column is cast to numeric: a value that is not a number fails the query, as it does in
      // Oracle (ORA-01722) and SQL Server (MySQL would read it as 0).
      if (['=', '<>', '!=', '^=', '<', '>', '<=', '>='].includes(e.op)) {
        const typed = charVsNumber(e.l, e.r, ctx) ?? charVsNumber(e.r, e.l, ctx);
        if (typed) {
          const [col, num] = typed;
          note(ctx, 'a character column compared with a number -> the column as ::numeric, as the source converts it');
          const c = `${p(col)}::numeric`;
          return col === e.l ? `${c} ${op} ${p(num)}` : `${p(num)} ${op} ${c}`;
        }
      }
      // bit/tinyint(1) columns became boolean: compare them with TRUE/FALSE, not 1/0
      if (['=', '<>', '!=', '^=', '<=>'].includes(e.op)) {
        const lb = boolLiteral(e.r, e.l, ctx);
        const rb = boolLiteral(e.l, e.r, ctx);
        if (lb !== undefined) return `${p(e.l)} ${op} ${lb}`;
        if (rb !== undefined) return `${rb} ${op} ${p(e.r)}`;
      }
      const wrap = (child: Expr) => {
        const s = p(child);
        if (child.t === 'bin' && (PREC[child.op] ?? 9) < (PREC[e.op] ?? 9)) return `(${s})`;
        return s;
      };
      // ... and in arithmetic or an ordering comparison they count as 0/1, as in the source
      const bothBool = inferKind(e.l, ctx) === 'bool' && inferKind(e.r, ctx) === 'bool';
      if (['<', '>', '<=', '>=', '+', '-', '*', '/', '%', 'MOD'].includes(e.op) || (['=', '<>', '!='].includes(e.op) && !bothBool)) {
        const asInt = (x: Expr) => {
          let o = x;
          while (o.t === 'paren') o = o.e;
          return o.t === 'ident' && inferKind(o, ctx) === 'bool' ? `${p(x)}::int` : undefined;
        };
        const [l, r] = [asInt(e.l), asInt(e.r)];
        if (l !== undefined || r !== undefined) {
          note(ctx, 'a boolean column (from bit/tinyint(1)) used as a number -> ::int');
          return `${l ?? wrap(e.l)} ${op} ${r ?? wrap(e.r)}`;
        }
      }
      return `${wrap(e.l)} ${op} ${wrap(e.r)}`;
    }
    case 'in': {
      const numeric = e.list.every((x) => x.t === 'num') && e.list.some((x) => charVsNumber(e.e, x, ctx));
      if (numeric) {
        note(ctx, 'a character column compared with numbers (IN) -> the column as ::numeric, as the source converts it');
        return `${p(e.e)}::numeric ${e.not ? 'NOT IN' : 'IN'} (${e.list.map((x) => p(x)).join(', ')})`;
      }
      return `${p(e.e)} ${e.not ? 'NOT IN' : 'IN'} (${e.list.map((x) => boolLiteral(x, e.e, ctx) ?? p(x)).join(', ')})`;
    }
    case 'between':
      return `${p(e.e)} ${e.not ? 'NOT BETWEEN' : 'BETWEEN'} ${p(e.lo)} AND ${p(e.hi)}`;
    case 'like': {
      let op: string;
      if (e.op === 'REGEXP' || e.op === 'RLIKE') {
        // MySQL matches text case-insensitively under its default (_ci) collations: ~* keeps that
        op = e.not ? '!~*' : '~*';
        note(ctx, 'REGEXP -> ~* (case-insensitive, as under MySQL\'s default collations; ~ if the column was binary or _bin)');
      }
      else if (e.op === 'ILIKE') op = e.not ? 'NOT ILIKE' : 'ILIKE';
      else if (e.op === 'LIKE') {
        op = e.not ? 'NOT LIKE' : 'LIKE';
        // T-SQL patterns have character classes ([A-Z], [^0-9]); PostgreSQL's LIKE takes them
        // literally, so a pattern with one becomes a regular expression.
        let pat = e.pat;
        while (pat.t === 'paren') pat = pat.e;
        // SQL Server's default collations (*_CI_AS) compare case-insensitively, LIKE included, so
        // T-SQL LIKE keeps that with ~* / ILIKE; a column under a *_CS_* collation wants ~ / LIKE.
        if (ctx.dialect === 'sqlserver' && !e.esc && pat.t === 'str' && pat.v.includes('[')) {
          note(ctx, "T-SQL LIKE pattern with a character class -> regular expression, case-insensitive (~*) as under SQL Server's default collation (use ~ for a case-sensitive column)");
          return `${p(e.e)} ${e.not ? '!~*' : '~*'} ${quoteLiteral(likeToRegex(pat.v))}`;
        }
        if (ctx.dialect === 'sqlserver') {
          op = e.not ? 'NOT ILIKE' : 'ILIKE';
          note(ctx, "T-SQL LIKE -> ILIKE: case-insensitive as under SQL Server's default collation (use LIKE for a case-sensitive column)");
        } else if (ctx.dialect !== 'oracle') note(ctx, 'LIKE is case-sensitive in PostgreSQL (use ILIKE if the source collation was case-insensitive)');
      } else throw new Unconvertible(`${e.op}`);
      return `${p(e.e)} ${op} ${p(e.pat)}${e.esc ? ` ESCAPE ${p(e.esc)}` : ''}`;
    }
    case 'is':
      if (e.what === 'JSON') throw new Unconvertible('IS JSON predicate');
      if (!['NULL', 'TRUE', 'FALSE', 'UNKNOWN'].includes(e.what)) throw new Unconvertible(`IS ${e.what}`);
      return `${p(e.e)} IS ${e.not ? 'NOT ' : ''}${e.what}`;
    case 'case': {
      const parts = ['CASE'];
      if (e.operand) parts.push(p(e.operand));
      for (const w of e.whens) parts.push(`WHEN ${p(w.when)} THEN ${p(w.then)}`);
      if (e.else) parts.push(`ELSE ${p(e.else)}`);
      parts.push('END');
      return parts.join(' ');
    }
    case 'cast': {
      const mt = mapType(e.type, ctx.dialect);
      if (!mt.pg || mt.action) throw new Unconvertible(`CAST to ${e.type.raw}`);
      return `CAST(${p(e.e)} AS ${mt.pg})`;
    }
    case 'paren':
      return `(${p(e.e)})`;
    case 'bind':
      throw new Unconvertible(`bind variable :${e.name}`);
    case 'var':
      throw new Unconvertible(`variable ${e.name}`);
    case 'nextval':
      ctx.volatile = true;
      // the schema prefix goes as it does for every other name (search_path or options.schema)
      return `nextval(${quoteLiteral(pgName(e.seq[e.seq.length - 1]!.name))})`;
    case 'typed':
      return `${e.kw} ${quoteLiteral(e.v)}`;
  }
}

/** A MySQL JSON path of member and array steps ($.a.b[0], $."a b") as PostgreSQL path keys; undefined otherwise. */
export function jsonPathKeys(path: string): string[] | undefined {
  const m = /^\$((?:\.[A-Za-z_][A-Za-z0-9_]*|\.(?:"[^"\\]*")|\[\d+\])*)$/.exec(path.trim());
  if (!m) return undefined;
  const keys = [...m[1]!.matchAll(/\.([A-Za-z_][A-Za-z0-9_]*)|\."([^"]*)"|\[(\d+)\]/g)].map((x) => x[1] ?? (x[2] !== undefined ? `"${x[2]}"` : x[3]!));
  return keys.length ? keys : undefined;
}

/** A number literal, negative or not, as written. */
function literalOf(e: Expr | undefined): string | undefined {
  if (e?.t === 'num') return e.v;
  if (e?.t === 'unary' && e.op === '-' && e.e.t === 'num') return `-${e.e.v}`;
  return undefined;
}

function printCall(e: Extract<Expr, { t: 'call' }>, ctx: ExprCtx): string {
  if (e.name.length > 1 && !/^(SYS|DBO|PUBLIC)$/i.test(e.name[0]!.name)) {
    throw new Unconvertible(`user-defined function ${e.name.map((n) => n.name).join('.')}()`);
  }
  const n = e.name[e.name.length - 1]!.name.toUpperCase();
  const args = e.args.map((a) => printExpr(a, ctx));
  const argc = e.args.length;
  const need = (k: number) => {
    if (argc !== k) throw new Unconvertible(`${n}() with ${argc} arguments`);
  };
  if (NOW_FUNCS.has(n)) {
    ctx.volatile = true;
    if (n !== 'CURRENT_TIMESTAMP') note(ctx, `${n}() -> CURRENT_TIMESTAMP`);
    return 'CURRENT_TIMESTAMP';
  }
  if (UTC_FUNCS.has(n)) {
    ctx.volatile = true;
    note(ctx, `${n}() -> CURRENT_TIMESTAMP (a timestamptz stores the instant; convert to UTC when reading if needed)`);
    return 'CURRENT_TIMESTAMP';
  }
  if (n === 'CURDATE' || n === 'CURRENT_DATE') {
    ctx.volatile = true;
    return 'CURRENT_DATE';
  }
  if (n === 'CURTIME' || n === 'CURRENT_TIME') {
    ctx.volatile = true;
    return 'LOCALTIME';
  }
  if (UUID_FUNCS.has(n)) {
    ctx.volatile = true;
    note(ctx, `${n}() -> gen_random_uuid()`);
    return 'gen_random_uuid()';
  }
  if (USER_FUNCS.has(n)) {
    ctx.volatile = true;
    return 'CURRENT_USER';
  }
  const lower = n.toLowerCase();
  if (SAME_NAME.has(n)) {
    if (NOT_IMMUTABLE.has(lower)) ctx.volatile = true;
    if (e.star) return `${lower}(*)`;
    return `${lower}(${e.distinct ? 'DISTINCT ' : ''}${args.join(', ')})`;
  }
  switch (n) {
    case 'NVL':
    case 'IFNULL':
      need(2);
      return `coalesce(${args.join(', ')})`;
    case 'ISNULL':
      if (argc === 1) return `(${args[0]} IS NULL)`;
      need(2);
      return `coalesce(${args.join(', ')})`;
    case 'LEN':
      need(1);
      note(ctx, 'LEN() -> length(): LEN ignores trailing spaces, length() counts them');
      return `length(${args[0]})`;
    case 'LENGTH':
      need(1);
      if (ctx.dialect === 'mysql') return `octet_length(${args[0]})`;
      return `length(${args[0]})`;
    case 'CHAR_LENGTH':
    case 'CHARACTER_LENGTH':
      need(1);
      return `char_length(${args[0]})`;
    case 'DATALENGTH':
      need(1);
      return `octet_length(${args[0]})`;
    case 'CEILING':
      need(1);
      return `ceil(${args[0]})`;
    case 'LCASE':
      return `lower(${args.join(', ')})`;
    case 'UCASE':
      return `upper(${args.join(', ')})`;
    case 'POW':
      return `power(${args.join(', ')})`;
    case 'INSTR':
      need(2);
      return `strpos(${args[0]}, ${args[1]})`;
    case 'CHARINDEX':
      need(2);
      return `strpos(${args[1]}, ${args[0]})`;
    case 'TRUNCATE':
      if (ctx.dialect !== 'mysql') break;
      need(2);
      return `trunc(${args.join(', ')})`;
    case 'NVL2':
      need(3);
      return `CASE WHEN ${args[0]} IS NOT NULL THEN ${args[1]} ELSE ${args[2]} END`;
    case 'IIF':
    case 'IF':
      need(3);
      return `CASE WHEN ${args[0]} THEN ${args[1]} ELSE ${args[2]} END`;
    case 'DECODE': {
      if (argc < 3) throw new Unconvertible('DECODE with fewer than 3 arguments');
      const subject = args[0]!;
      const parts = ['CASE'];
      let k = 1;
      for (; k + 1 < argc; k += 2) {
        const search = e.args[k]!;
        // DECODE matches NULL to NULL; CASE needs IS NULL for that.
        parts.push(search.t === 'null' ? `WHEN ${subject} IS NULL THEN ${args[k + 1]}` : `WHEN ${subject} = ${args[k]} THEN ${args[k + 1]}`);
      }
      if (k < argc) parts.push(`ELSE ${args[k]}`);
      parts.push('END');
      note(ctx, 'DECODE -> CASE');
      return parts.join(' ');
    }
    case 'DATEADD':
    case 'DATEDIFF':
    case 'DATEPART': {
      const part = e.args[0];
      if (ctx.dialect !== 'sqlserver' || part?.t !== 'ident' || part.parts.length !== 1) break;
      const arg = (k: number): Arg => ({ sql: args[k]!, lit: literalOf(e.args[k]) });
      const name = part.parts[0]!.name;
      const sql = n === 'DATEADD' ? (need(3), tsqlDateadd(name, arg(1), arg(2)))
        : n === 'DATEDIFF' ? (need(3), tsqlDatediff(name, arg(1), arg(2)))
        : (need(2), tsqlDatepart(name, arg(1)));
      if (sql === undefined) throw new Unconvertible(`${n}() with the date part ${name}`);
      note(ctx, `${n}() -> interval arithmetic / extract()`);
      return sql;
    }
    case 'JSON_EXTRACT':
    case 'JSON_UNQUOTE': {
      if (ctx.dialect !== 'mysql') break;
      // JSON_UNQUOTE(JSON_EXTRACT(doc, '$.a.b')) -> doc #>> '{a,b}' (text); JSON_EXTRACT alone -> doc #> '{a,b}' (jsonb)
      const inner = n === 'JSON_UNQUOTE' ? e.args[0] : e;
      if (inner?.t !== 'call' || inner.name[inner.name.length - 1]!.name.toUpperCase() !== 'JSON_EXTRACT' || inner.args.length !== 2 || argc !== 1 && n === 'JSON_UNQUOTE') break;
      const path = inner.args[1]!;
      const keys = path.t === 'str' ? jsonPathKeys(path.v) : undefined;
      if (!keys) throw new Unconvertible('JSON_EXTRACT with a path other than $.key / $[n] steps');
      const doc = inner.args[0]!;
      const docSql = printExpr(doc, ctx);
      const json = inferKind(doc, ctx) === 'json' ? docSql : `CAST(${docSql} AS jsonb)`;
      note(ctx, `${n === 'JSON_UNQUOTE' ? 'JSON_UNQUOTE(JSON_EXTRACT(doc, path)) -> doc #>> path' : 'JSON_EXTRACT(doc, path) -> doc #> path'}`);
      return `(${json} ${n === 'JSON_UNQUOTE' ? '#>>' : '#>'} ${quoteLiteral(`{${keys.join(',')}}`)})`;
    }
    case 'REGEXP_LIKE': {
      if (argc === 2) return `${args[0]} ~ ${args[1]}`;
      const flags = e.args[2];
      if (argc === 3 && flags?.t === 'str' && flags.v === 'i') return `${args[0]} ~* ${args[1]}`;
      break;
    }
    default:
      break;
  }
  throw new Unconvertible(`function ${n}() has no automatic mapping`);
}

/** PostgreSQL type for an expression whose type the source leaves implicit (T-SQL computed columns). */
export function kindToPgType(k: TypeKind | undefined): string | undefined {
  switch (k) {
    case 'text':
    case 'string':
      return 'text';
    case 'smallint':
    case 'int':
      return 'integer';
    case 'bigint':
      return 'bigint';
    case 'numeric':
      return 'numeric';
    case 'float':
      return 'double precision';
    case 'bool':
      return 'boolean';
    case 'timestamp':
      return 'timestamptz';
    case 'date':
      return 'date';
    case 'uuid':
      return 'uuid';
    default:
      return undefined;
  }
}
