import { Cursor, ParseError } from './cursor.js';
import type { Dialect, Token } from './lexer.js';
import { pgName, quoteIdent, quoteLiteral } from './names.js';
import { printExpr, Unconvertible } from './pgexpr.js';
import type { TypeKind } from './types.js';

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
const VIA_PRINTER = new Set(['DECODE', 'NVL2', 'IIF', 'IF', 'ISNULL', 'CHARINDEX', 'INSTR']);

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

const isP = (t: Token | undefined, p: string) => !!t && t.kind === 'punct' && t.text === p;
const isW = (t: Token | undefined, ...ws: string[]) => !!t && t.kind === 'word' && ws.includes(t.upper);

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
  const boolLiteralAt = (j: number): boolean => {
    const x = toks[j];
    if (x?.kind !== 'number' || (x.text !== '0' && x.text !== '1') || opAt(j + 1, ...ORDER_OR_MATH) || opAt(j - 1, ...ORDER_OR_MATH)) return false;
    if (opAt(j + 1, ...EQ) && colAt(j + 2) === 'bool' && !opAt(j + 3, ...ORDER_OR_MATH)) return true;
    if (opAt(j - 1, ...EQ) && colAt(j - 2) === 'bool' && !opAt(j - 3, ...ORDER_OR_MATH)) return true;
    if (!isW(toks[j - 1], 'WHEN') || !isW(toks[j + 1], 'THEN')) return false;
    let c = j - 2;
    while (c >= 0 && !isW(toks[c], 'CASE')) c--;
    return c >= 0 && colAt(c + 1) === 'bool' && isW(toks[c + 2], 'WHEN');
  };

  for (let k = 0; k < toks.length; k++) {
    const t = toks[k]!;
    const next = toks[k + 1];
    const nameOf = (x: Token) => (x.kind === 'qident' ? x.value : x.text).toLowerCase();
    if (boolLiteralAt(k)) {
      note('0/1 compared with a boolean column -> TRUE/FALSE');
      emit(k, t.text === '1' ? 'TRUE' : 'FALSE');
      continue;
    }
    if (colAt(k) === 'bool') {
      const other = opAt(k + 1, ...EQ) ? k + 2 : opAt(k - 1, ...EQ) ? k - 2 : -1;
      // compared with anything but a TRUE/FALSE literal or another boolean column
      const compared = other >= 0 && !boolLiteralAt(other) && colAt(other) !== 'bool';
      const numeric = opAt(k + 1, ...ORDER_OR_MATH) || opAt(k - 1, ...ORDER_OR_MATH) || compared
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
    if (ctx.dialect === 'oracle' && t.kind === 'number'
      && ((opAt(k - 1, '+', '-') && dateAt(k - 2)) || (opAt(k + 1, '+') && dateAt(k + 2)))) {
      note("Oracle DATE +/- a number of days -> + n * interval '1 day'");
      emit(k, `${t.text} * interval '1 day'`);
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
  return { sql: out.join('').trim(), blockers, notes };
}
