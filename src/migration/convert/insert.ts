/**
 * INSERT statements (the data part of a dump): MySQL INSERT [IGNORE] / REPLACE / INSERT ... SET /
 * ON DUPLICATE KEY UPDATE, T-SQL INSERT [INTO] [dbo].[T] with optional table hints, Oracle INSERT ALL.
 * Kept apart from the DDL parser: it only reads the statement into an InsertStmt; data.ts converts it.
 */
import type { Ident, InsertStmt, RowValue } from './ast.js';
import type { Cursor } from './cursor.js';

/** Reads the INSERT / REPLACE statement at the cursor (positioned on its first word). */
export function parseInsert(c: Cursor, raw: string): InsertStmt {
  const dropped: string[] = [];
  let mode: InsertStmt['mode'] = 'insert';
  if (c.eatWord('REPLACE')) mode = 'replace';
  else c.expectWord('INSERT');
  for (;;) {
    const w = c.eatWord('LOW_PRIORITY', 'DELAYED', 'HIGH_PRIORITY', 'IGNORE');
    if (!w) break;
    if (w === 'IGNORE') mode = mode === 'replace' ? mode : 'ignore';
    else dropped.push(w);
  }
  if (c.dialect === 'oracle' && c.isWord('ALL', 'FIRST')) return parseInsertAll(c, raw);
  c.eatWord('INTO');
  const table = c.qname();
  // T-SQL table hints: INSERT INTO t WITH (TABLOCK) ...
  if (c.dialect === 'sqlserver' && c.isWord('WITH') && c.isPunct('(', 1)) {
    c.i++;
    const start = c.i;
    c.balanced();
    dropped.push(`WITH ${c.text(start)}`);
  }
  const st: InsertStmt = { kind: 'insert', table, rows: [], mode, dropped, raw };
  if (c.dialect === 'mysql' && c.isWord('SET')) {
    // INSERT INTO t SET a = 1, b = 2: one row with a column list.
    c.i++;
    const cols: Ident[] = [];
    const row: RowValue[] = [];
    do {
      cols.push(c.qname().name);
      if (!c.eatOp('=') && !c.eatOp(':=')) throw c.error('expected = in INSERT ... SET');
      row.push(value(c, st));
    } while (c.eatPunct(','));
    st.columns = cols;
    st.rows.push(row);
  } else {
    if (c.isPunct('(') && !c.isWordAt(1, 'SELECT', 'WITH')) st.columns = columnList(c);
    if (c.eatWords('DEFAULT', 'VALUES')) st.defaultValues = true;
    else if (c.isWord('VALUES', 'VALUE')) {
      c.i++;
      do st.rows.push(row(c, st));
      while (c.eatPunct(','));
    } else if (c.isWord('SELECT', 'WITH') || c.isPunct('(')) {
      throw c.error('INSERT ... SELECT copies rows with a query, which is not converted here');
    } else if (c.isWord('OUTPUT')) {
      throw c.error('INSERT ... OUTPUT returns rows to the client, which is not converted here');
    } else throw c.error('expected VALUES');
  }
  if (c.dialect === 'mysql' && c.isWord('AS') && !c.done) {
    // MySQL 8.0.19 row alias: VALUES (...) AS new ON DUPLICATE KEY UPDATE a = new.a
    c.i++;
    c.ident();
    if (c.isPunct('(')) c.balanced();
    dropped.push('row alias');
  }
  if (c.eatWords('ON', 'DUPLICATE', 'KEY', 'UPDATE')) {
    st.onDuplicate = [];
    do {
      const col = c.qname().name;
      if (!c.eatOp('=')) throw c.error('expected = in ON DUPLICATE KEY UPDATE');
      st.onDuplicate.push({ col, expr: c.parseExpr() });
    } while (c.eatPunct(','));
  }
  if (!c.done) throw c.error('unexpected text after the INSERT values');
  return st;
}

/** Oracle INSERT ALL INTO t (...) VALUES (...) INTO ... SELECT * FROM dual: one InsertStmt per INTO. */
function parseInsertAll(c: Cursor, raw: string): InsertStmt {
  if (c.isWord('FIRST') || c.isWordAt(1, 'WHEN')) throw c.error('conditional INSERT ALL/FIRST (WHEN ... THEN) is not converted here');
  c.expectWord('ALL');
  const parts: InsertStmt[] = [];
  while (c.eatWord('INTO')) {
    const table = c.qname();
    const columns = c.isPunct('(') ? columnList(c) : undefined;
    c.expectWord('VALUES');
    const r = row(c);
    const prev = parts[parts.length - 1];
    const same = prev && prev.table.name.name.toLowerCase() === table.name.name.toLowerCase()
      && (prev.columns ?? []).map((x) => x.name.toLowerCase()).join(',') === (columns ?? []).map((x) => x.name.toLowerCase()).join(',');
    if (same) prev.rows.push(r);
    else parts.push({ kind: 'insert', table, columns, rows: [r], mode: 'insert', dropped: [], raw });
  }
  if (!parts.length) throw c.error('INSERT ALL without INTO');
  // The closing query must produce exactly one row: SELECT <anything> FROM dual.
  c.expectWord('SELECT');
  while (!c.done && !c.isWord('FROM')) c.i++;
  c.expectWord('FROM');
  if (!c.isWord('DUAL') || c.peek(1)) throw c.error('INSERT ALL with a query other than SELECT ... FROM DUAL is not converted here');
  c.i++;
  const [first, ...rest] = parts;
  return { ...first!, also: rest, dropped: ['INSERT ALL'] };
}

function columnList(c: Cursor): Ident[] {
  c.expectPunct('(');
  const cols: Ident[] = [];
  if (c.eatPunct(')')) return cols; // MySQL: INSERT INTO t () VALUES ()
  do cols.push(c.qname().name);
  while (c.eatPunct(','));
  c.expectPunct(')');
  return cols;
}

function row(c: Cursor, st?: InsertStmt): RowValue[] {
  c.expectPunct('(');
  const out: RowValue[] = [];
  if (c.eatPunct(')')) return out;
  do out.push(value(c, st));
  while (c.eatPunct(','));
  c.expectPunct(')');
  return out;
}

/** MySQL reads a backslash before any character outside its escape table as that character alone. */
function unknownEscape(text: string): boolean {
  for (let k = text.indexOf('\\'); k >= 0 && k < text.length - 1; k = text.indexOf('\\', k + 2)) {
    if (!`0'"bnrtZ\\%_`.includes(text[k + 1]!)) return true;
  }
  return false;
}

function value(c: Cursor, st?: InsertStmt): RowValue {
  if (c.isWord('DEFAULT') && (c.isPunct(',', 1) || c.isPunct(')', 1) || !c.peek(1))) {
    c.i++;
    return { t: 'default' };
  }
  // A character set introducer with a space before the string (mysqldump writes _binary '...').
  const t = c.peek();
  if (c.dialect === 'mysql' && t?.kind === 'word' && /^_[A-Za-z0-9]+$/.test(t.text) && c.peek(1)?.kind === 'string') c.i++;
  const from = c.i;
  const e = c.parseExpr();
  if (st && c.dialect === 'mysql') {
    for (let k = from; k < c.i; k++) {
      const tok = c.toks[k]!;
      if (tok.kind === 'string' && tok.text.includes('\\') && unknownEscape(tok.text)) st.unknownEscapes = (st.unknownEscapes ?? 0) + 1;
    }
  }
  return e;
}
