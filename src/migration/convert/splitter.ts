import { Lexer, LexError, type Dialect, type Token } from './lexer.js';

export interface RawStatement {
  tokens: Token[];
  text: string;
  start: number;
  /** Set when the statement is not SQL to convert (client commands, version comments). */
  skipReason?: string;
  /** Set when the text could not even be tokenized. */
  lexError?: string;
}

const TSQL_STARTERS = new Set([
  'CREATE', 'ALTER', 'DROP', 'INSERT', 'USE', 'EXEC', 'EXECUTE', 'PRINT', 'DECLARE', 'GRANT', 'REVOKE', 'TRUNCATE', 'DENY',
  'RAISERROR', 'CHECKPOINT', 'DBCC',
]);
const TSQL_SET_OPTIONS = new Set([
  'ANSI_NULLS', 'QUOTED_IDENTIFIER', 'NOCOUNT', 'ANSI_PADDING', 'ANSI_WARNINGS', 'ARITHABORT', 'CONCAT_NULL_YIELDS_NULL',
  'NUMERIC_ROUNDABORT', 'XACT_ABORT', 'IDENTITY_INSERT', 'DATEFORMAT', 'LANGUAGE', 'TRANSACTION', 'ANSI_NULL_DFLT_ON',
  'ANSI_DEFAULTS', 'IMPLICIT_TRANSACTIONS', 'DEADLOCK_PRIORITY', 'LOCK_TIMEOUT', 'STATISTICS', 'ROWCOUNT', 'TEXTSIZE',
]);

const SQLPLUS_REASON = 'SQL*Plus client commands (REM, PROMPT, SET ...), not SQL';

type Block =
  | { mode: 'until-separator' } // T-SQL batch (ends at GO) or Oracle block ended by "/"
  | { mode: 'count'; depth: number; seenBegin: boolean; requireBegin: boolean; pendingEnd: boolean };

const word = (t: Token | undefined, ...ws: string[]) => !!t && t.kind === 'word' && ws.includes(t.upper);

/** Works out whether the statement collected so far opens a procedural block whose body contains ';'. */
function detectBlock(toks: Token[], dialect: Dialect, slashLines: boolean): Block | null | undefined {
  let i = 0;
  const first = toks[0];
  if (!first) return undefined;
  if (dialect === 'oracle' && word(first, 'DECLARE', 'BEGIN')) {
    return slashLines ? { mode: 'until-separator' } : { mode: 'count', depth: 0, seenBegin: false, requireBegin: true, pendingEnd: false };
  }
  // T-SQL restates whole procedures with ALTER; elsewhere ALTER TRIGGER/FUNCTION is a one-line command.
  if (!word(first, 'CREATE') && !(dialect === 'sqlserver' && word(first, 'ALTER'))) return null;
  i = 1;
  for (;;) {
    const t = toks[i];
    if (!t) return undefined; // need more tokens to decide
    if (word(t, 'OR', 'REPLACE', 'ALTER', 'EDITIONABLE', 'NONEDITIONABLE', 'EDITIONING', 'AGGREGATE', 'NONEDITIONING')) {
      i++;
      continue;
    }
    if (word(t, 'DEFINER')) {
      // DEFINER = user@host: skip up to the next keyword we care about
      i++;
      while (toks[i] && !word(toks[i], 'TRIGGER', 'PROCEDURE', 'FUNCTION', 'EVENT', 'VIEW', 'SQL', 'ALGORITHM')) i++;
      if (!toks[i]) return undefined;
      continue;
    }
    if (word(t, 'SQL')) {
      i += 2;
      continue;
    }
    if (word(t, 'ALGORITHM')) {
      i += 3;
      continue;
    }
    const kind = t.upper;
    if (!['TRIGGER', 'PROCEDURE', 'PROC', 'FUNCTION', 'PACKAGE', 'TYPE', 'EVENT', 'LIBRARY', 'JAVA'].includes(kind) || t.kind !== 'word') return null;
    if (dialect === 'sqlserver') return kind === 'TYPE' ? null : { mode: 'until-separator' };
    if (dialect === 'oracle') {
      if (kind === 'TYPE') {
        const nxt = toks[i + 1];
        if (!nxt) return undefined;
        if (!word(nxt, 'BODY')) return null;
      }
      if (slashLines) return { mode: 'until-separator' };
      const pkg = kind === 'PACKAGE' || kind === 'TYPE';
      return { mode: 'count', depth: pkg ? 1 : 0, seenBegin: pkg, requireBegin: true, pendingEnd: false };
    }
    return { mode: 'count', depth: 0, seenBegin: false, requireBegin: false, pendingEnd: false };
  }
}

function feedBlock(b: Block, t: Token): void {
  if (b.mode !== 'count') return;
  if (b.pendingEnd) {
    b.pendingEnd = false;
    if (!word(t, 'IF', 'LOOP', 'WHILE', 'REPEAT')) b.depth--;
  }
  if (word(t, 'BEGIN')) {
    b.depth++;
    b.seenBegin = true;
  } else if (word(t, 'CASE')) b.depth++;
  else if (word(t, 'END')) b.pendingEnd = true;
}

function blockDone(b: Block): boolean {
  if (b.mode !== 'count') return false;
  if (b.pendingEnd) {
    b.pendingEnd = false;
    b.depth--;
  }
  return b.depth <= 0 && (b.seenBegin || !b.requireBegin);
}

/** Splits a script into statements, honouring PL/SQL blocks, DELIMITER, GO and "/" separators. */
export function splitStatements(src: string, dialect: Dialect): RawStatement[] {
  const lexer = new Lexer(src, dialect);
  const out: RawStatement[] = [];
  const slashLines = dialect === 'oracle' && /^[ \t]*\/[ \t]*\r?$/m.test(src);
  let cur: Token[] = [];
  let block: Block | null | undefined;
  let depth = 0;

  const flush = () => {
    if (cur.length === 0) return;
    const start = cur[0]!.start;
    const end = cur[cur.length - 1]!.end;
    const stmt: RawStatement = { tokens: cur, text: src.slice(start, end).trim(), start };
    if (cur[0]!.kind === 'versioned') {
      const inner = cur[0]!.value;
      stmt.skipReason = /^SET\b/i.test(inner)
        ? 'MySQL version-conditional comment: session setting for the dump client, not schema'
        : /\b(DISABLE|ENABLE)\s+KEYS\b/i.test(inner)
          ? 'MySQL version-conditional comment: index maintenance toggle around a data load'
          : 'MySQL version-conditional comment: not schema';
    }
    out.push(stmt);
    cur = [];
    depth = 0;
    block = undefined;
  };

  for (;;) {
    let t: Token | null;
    try {
      t = lexer.next(cur.length === 0);
    } catch (err) {
      if (!(err instanceof LexError)) throw err;
      const start = cur[0]?.start ?? 0;
      out.push({ tokens: [], text: src.slice(start).trim().slice(0, 2000), start, lexError: err.message });
      return out;
    }
    if (!t) break;
    switch (t.kind) {
      case 'sqlplus': {
        // Consecutive REM/PROMPT/SET lines are reported as one block.
        const prev = out[out.length - 1];
        if (prev?.skipReason === SQLPLUS_REASON && /^\s*$/.test(src.slice(prev.start + prev.text.length, t.start).replace(/--[^\n]*/g, ''))) {
          prev.text = src.slice(prev.start, t.end).trim();
        } else out.push({ tokens: [t], text: t.text.trim(), start: t.start, skipReason: SQLPLUS_REASON });
        continue;
      }
      case 'client':
        flush();
        out.push({
          tokens: [t], text: t.text.trim(), start: t.start,
          skipReason: dialect === 'mysql'
            ? 'mysql client command: the file it reads is not part of this script (convert that file too)'
            : 'SQLCMD command (:setvar, :r ...): $(variables) are not substituted and files it reads are not part of this script',
        });
        continue;
      case 'delimiter':
        flush();
        out.push({ tokens: [t], text: t.text.trim(), start: t.start, skipReason: 'mysql client DELIMITER command' });
        continue;
      case 'go': {
        flush();
        // "GO n" runs the batch n times; a schema batch only makes sense once
        const count = /^go\s+(\d+)/i.exec(t.text)?.[1];
        if (count && count !== '1') out.push({ tokens: [t], text: t.text.trim(), start: t.start, skipReason: `GO ${count}: the batch repeat count is ignored, the batch before it is converted once` });
        continue;
      }
      case 'slash':
        flush();
        continue;
      case 'terminator':
        if (block && !blockDone(block)) {
          cur.push(t);
          continue;
        }
        // PL/SQL's closing "END name;" keeps its semicolon, as with the "/" convention.
        if (block && dialect === 'oracle') cur.push(t);
        flush();
        continue;
      default:
        break;
    }
    if (dialect === 'sqlserver' && !block && cur.length > 0 && t.kind === 'word' && depth === 0 && startsTsqlStatement(t, src)) {
      flush();
    }
    if (t.kind === 'punct' && t.text === '(') depth++;
    else if (t.kind === 'punct' && t.text === ')') depth--;
    cur.push(t);
    if (block === undefined) block = detectBlock(cur, dialect, slashLines);
    if (block) feedBlock(block, t);
  }
  flush();
  return out;
}

const TSQL_OBJECTS = new Set([
  'TABLE', 'VIEW', 'PROCEDURE', 'PROC', 'FUNCTION', 'TRIGGER', 'INDEX', 'SEQUENCE', 'TYPE', 'SCHEMA', 'DATABASE', 'SYNONYM',
  'UNIQUE', 'CLUSTERED', 'NONCLUSTERED', 'LOGIN', 'USER', 'ROLE', 'DEFAULT', 'RULE', 'STATISTICS', 'FULLTEXT', 'XML',
  'SPATIAL', 'COLUMNSTORE', 'OR', 'AUTHORIZATION',
]);

/** T-SQL needs no ';' between statements, so a statement keyword at paren depth 0 starts a new one. */
function startsTsqlStatement(t: Token, src: string): boolean {
  const after = src.slice(t.end, t.end + 80).replace(/^\s+/, '');
  const next = (/^[@A-Za-z_]+/.exec(after)?.[0] ?? '').toUpperCase();
  switch (t.upper) {
    case 'SET':
      return next.startsWith('@') || TSQL_SET_OPTIONS.has(next);
    case 'CREATE':
    case 'ALTER':
    case 'DROP':
      return TSQL_OBJECTS.has(next);
    case 'UPDATE':
      return next === 'STATISTICS';
    default:
      return TSQL_STARTERS.has(t.upper);
  }
}
