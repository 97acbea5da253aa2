/** Tokenizer shared by the three source dialects. Pulled one token at a time by the splitter. */
export type Dialect = 'mysql' | 'sqlserver' | 'oracle';

export type TokKind =
  | 'word' // bare identifier or keyword
  | 'qident' // quoted identifier: `x`, "x", [x]
  | 'string' // '...' (and "..." in MySQL, which is a string there)
  | 'number'
  | 'hex' // X'..', 0x..
  | 'bits' // b'..', 0b..
  | 'op'
  | 'punct'
  | 'bind' // :NEW, :OLD, :1
  | 'var' // @x, @@x
  | 'terminator'
  | 'slash' // Oracle "/" line after a PL/SQL block
  | 'go' // T-SQL batch separator
  | 'versioned' // MySQL /*!40101 ... */ at the start of a statement
  | 'delimiter' // MySQL DELIMITER line
  | 'sqlplus' // SQL*Plus line command (REM, PROMPT, SET ...)
  | 'client'; // another client's line command: mysql's source FILE, SQLCMD's :setvar / :r

export interface Token {
  kind: TokKind;
  /** Exact source text. */
  text: string;
  /** Decoded value: identifier without quotes, string without quotes and escapes. */
  value: string;
  /** Upper-cased text for words, for keyword comparisons. */
  upper: string;
  start: number;
  end: number;
  quote?: string;
  national?: boolean;
}

const MULTI_OPS = ['<=>', '->>', ':=', '<=', '>=', '<>', '!=', '||', '::', '=>', '->', '**', '..', '<<', '>>', '&&'];
const SINGLE_OPS = '+-*/%=<>!~^&|?@:';
const PUNCT = '(),;.{}';

const SQLPLUS_COMMANDS = new Set([
  'REM', 'REMARK', 'PROMPT', 'PRO', 'SET', 'SPOOL', 'WHENEVER', 'EXIT', 'QUIT', 'CONNECT', 'CONN', 'DEFINE',
  'UNDEFINE', 'COLUMN', 'COL', 'TTITLE', 'BTITLE', 'BREAK', 'COMPUTE', 'SHOW', 'HOST', 'PAUSE', 'ACCEPT',
  'VARIABLE', 'VAR', 'CLEAR', 'PRINT', 'EXEC', 'EXECUTE', 'START', 'DESC', 'DESCRIBE', 'TIMING', 'STARTUP',
  'SHUTDOWN', 'PASSWORD', 'REPHEADER', 'REPFOOTER', 'ATTRIBUTE', 'SAVE', 'STORE', 'RUN', 'SQLPLUS',
]);

const isIdentStart = (c: string) => /[A-Za-z_\u0080-\uffff]/.test(c);
const isIdentPart = (c: string) => /[A-Za-z0-9_$#\u0080-\uffff]/.test(c);
const isDigit = (c: string) => c >= '0' && c <= '9';

export class LexError extends Error {}

export class Lexer {
  private pos = 0;
  private delimiter = ';';
  private inVersioned = false;

  constructor(
    readonly src: string,
    readonly dialect: Dialect,
  ) {}

  private ch(o = 0): string {
    return this.src[this.pos + o] ?? '';
  }

  private lineStartAt(p: number): boolean {
    for (let i = p - 1; i >= 0; i--) {
      const c = this.src[i]!;
      if (c === '\n') return true;
      if (c !== ' ' && c !== '\t' && c !== '\r') return false;
    }
    return true;
  }

  private lineEnd(p: number): number {
    const nl = this.src.indexOf('\n', p);
    return nl < 0 ? this.src.length : nl;
  }

  private restOfLineBlank(p: number): boolean {
    return this.src.slice(p, this.lineEnd(p)).trim() === '';
  }

  private tok(kind: TokKind, start: number, value?: string, extra: Partial<Token> = {}): Token {
    const text = this.src.slice(start, this.pos);
    return { kind, text, value: value ?? text, upper: kind === 'word' ? text.toUpperCase() : text, start, end: this.pos, ...extra };
  }

  /** Skips whitespace and comments; returns false at end of input. */
  private skipTrivia(atStart: boolean): boolean {
    for (;;) {
      const c = this.ch();
      if (c === '') return false;
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\uFEFF') {
        this.pos++;
        continue;
      }
      if (c === '-' && this.ch(1) === '-') {
        // MySQL needs whitespace after "--" for a comment; "a--1" is arithmetic there.
        const after = this.ch(2);
        if (this.dialect !== 'mysql' || after === '' || /\s/.test(after)) {
          this.pos = this.lineEnd(this.pos);
          continue;
        }
      }
      if (c === '#' && this.dialect === 'mysql') {
        this.pos = this.lineEnd(this.pos);
        continue;
      }
      if (this.inVersioned && c === '*' && this.ch(1) === '/') {
        this.inVersioned = false;
        this.pos += 2;
        continue;
      }
      if (c === '/' && this.ch(1) === '*') {
        const versioned = this.dialect === 'mysql' && (this.ch(2) === '!' || (this.ch(2) === 'M' && this.ch(3) === '!'));
        if (versioned && !this.inVersioned) {
          const close = this.src.indexOf('*/', this.pos + 2);
          const inner = this.src.slice(this.pos, close < 0 ? this.src.length : close).replace(/^\/\*M?!\d*/, '');
          // A versioned CREATE (mysqldump wraps triggers and views this way) is real DDL: read it inline.
          if (!atStart || /^\s*CREATE\b/i.test(inner)) {
            const m = /^\/\*M?!\d*/.exec(this.src.slice(this.pos))!;
            this.pos += m[0].length;
            this.inVersioned = true;
            continue;
          }
          return true; // handled by next() as a 'versioned' token
        }
        const close = this.src.indexOf('*/', this.pos + 2);
        this.pos = close < 0 ? this.src.length : close + 2;
        continue;
      }
      return true;
    }
  }

  next(atStart: boolean): Token | null {
    if (!this.skipTrivia(atStart)) return null;
    const start = this.pos;
    const c = this.ch();
    const lineStart = this.lineStartAt(start);

    // MySQL version comment at the start of a statement: one opaque token.
    if (c === '/' && this.ch(1) === '*') {
      const close = this.src.indexOf('*/', this.pos + 2);
      this.pos = close < 0 ? this.src.length : close + 2;
      const inner = this.src.slice(start, this.pos).replace(/^\/\*M?!\d*/, '').replace(/\*\/$/, '').trim();
      return this.tok('versioned', start, inner);
    }

    if (this.delimiter !== ';' && this.src.startsWith(this.delimiter, this.pos)) {
      this.pos += this.delimiter.length;
      return this.tok('terminator', start);
    }
    if (c === ';' && this.delimiter === ';') {
      this.pos++;
      return this.tok('terminator', start);
    }

    if (lineStart && atStart) {
      const word = /^[A-Za-z@]+/.exec(this.src.slice(this.pos, this.pos + 20))?.[0] ?? '';
      const up = word.toUpperCase();
      const after = this.src[this.pos + word.length] ?? '';
      const wordEnds = after === '' || /\s/.test(after);
      if (this.dialect === 'mysql' && up === 'DELIMITER' && wordEnds) {
        const end = this.lineEnd(this.pos);
        const value = this.src.slice(this.pos + word.length, end).trim();
        this.pos = end;
        if (value) this.delimiter = value;
        return this.tok('delimiter', start, value);
      }
      // mysql's "source FILE" / "\. FILE" and SQLCMD's ":setvar", ":r FILE", ":on error exit"
      const client = this.dialect === 'mysql' ? (up === 'SOURCE' && wordEnds) || this.src.startsWith('\\. ', this.pos)
        : this.dialect === 'sqlserver' && c === ':' && /^:[A-Za-z]+\b/.test(this.src.slice(this.pos, this.pos + 20));
      if (client) {
        this.pos = this.lineEnd(this.pos);
        return this.tok('client', start, this.src.slice(start, this.pos).trim());
      }
      if (this.dialect === 'oracle' && ((SQLPLUS_COMMANDS.has(up) && wordEnds) || c === '@')) {
        this.pos = this.lineEnd(this.pos);
        return this.tok('sqlplus', start, this.src.slice(start, this.pos).trim());
      }
    }
    if (lineStart && this.dialect === 'sqlserver' && /^go\b/i.test(this.src.slice(this.pos, this.pos + 3))) {
      const end = this.lineEnd(this.pos);
      const rest = this.src.slice(this.pos + 2, end).replace(/--.*$/, '').trim();
      if (rest === '' || /^\d+$/.test(rest)) {
        this.pos = end;
        return this.tok('go', start);
      }
    }
    if (c === '/' && this.dialect === 'oracle' && lineStart && this.restOfLineBlank(this.pos + 1)) {
      this.pos++;
      return this.tok('slash', start);
    }

    // National / introducer / alternative-quoted strings.
    if ((c === 'N' || c === 'n') && this.ch(1) === "'" && this.dialect !== 'mysql') {
      this.pos++;
      const s = this.readQuoted("'", true);
      return this.tok('string', start, s, { quote: "'", national: true });
    }
    if ((c === 'N' || c === 'n') && this.ch(1) === "'" && this.dialect === 'mysql') {
      this.pos++;
      const s = this.readMysqlString("'");
      return this.tok('string', start, s, { quote: "'", national: true });
    }
    if (this.dialect === 'oracle' && (c === 'q' || c === 'Q') && this.ch(1) === "'") {
      return this.readOracleQ(start);
    }
    if (this.dialect === 'oracle' && (c === 'n' || c === 'N') && (this.ch(1) === 'q' || this.ch(1) === 'Q') && this.ch(2) === "'") {
      this.pos++;
      return this.readOracleQ(start);
    }
    if ((c === 'x' || c === 'X') && this.ch(1) === "'") {
      this.pos++;
      const s = this.readQuoted("'", false);
      return this.tok('hex', start, s);
    }
    if ((c === 'b' || c === 'B') && this.ch(1) === "'") {
      this.pos++;
      const s = this.readQuoted("'", false);
      return this.tok('bits', start, s);
    }
    if (c === '0' && (this.ch(1) === 'x' || this.ch(1) === 'X') && /[0-9A-Fa-f]/.test(this.ch(2))) {
      this.pos += 2;
      while (/[0-9A-Fa-f]/.test(this.ch())) this.pos++;
      return this.tok('hex', start, this.src.slice(start + 2, this.pos));
    }
    if (c === '0' && (this.ch(1) === 'b') && /[01]/.test(this.ch(2)) && this.dialect === 'mysql') {
      this.pos += 2;
      while (/[01]/.test(this.ch())) this.pos++;
      return this.tok('bits', start, this.src.slice(start + 2, this.pos));
    }

    if (c === "'") {
      const s = this.dialect === 'mysql' ? this.readMysqlString("'") : this.readQuoted("'", true);
      return this.tok('string', start, s, { quote: "'" });
    }
    if (c === '"') {
      if (this.dialect === 'mysql') {
        const s = this.readMysqlString('"');
        return this.tok('string', start, s, { quote: '"' });
      }
      const s = this.readQuoted('"', true);
      return this.tok('qident', start, s, { quote: '"' });
    }
    if (c === '`') {
      const s = this.readQuoted('`', true);
      return this.tok('qident', start, s, { quote: '`' });
    }
    if (c === '[' && this.dialect === 'sqlserver') {
      this.pos++;
      let out = '';
      for (;;) {
        const d = this.ch();
        if (d === '') throw new LexError(`unterminated [identifier] starting at offset ${start}`);
        if (d === ']') {
          if (this.ch(1) === ']') {
            out += ']';
            this.pos += 2;
            continue;
          }
          this.pos++;
          break;
        }
        out += d;
        this.pos++;
      }
      return this.tok('qident', start, out, { quote: '[' });
    }

    if (isDigit(c) || (c === '.' && isDigit(this.ch(1)))) {
      while (isDigit(this.ch())) this.pos++;
      if (this.ch() === '.' && this.ch(1) !== '.') {
        this.pos++;
        while (isDigit(this.ch())) this.pos++;
      }
      if ((this.ch() === 'e' || this.ch() === 'E') && (isDigit(this.ch(1)) || ((this.ch(1) === '+' || this.ch(1) === '-') && isDigit(this.ch(2))))) {
        this.pos += 2;
        while (isDigit(this.ch())) this.pos++;
      }
      // MySQL names may start with digits (1st_col).
      if (isIdentStart(this.ch()) && this.dialect === 'mysql') {
        while (isIdentPart(this.ch())) this.pos++;
        return this.tok('word', start);
      }
      return this.tok('number', start);
    }

    if (isIdentStart(c)) {
      this.pos++;
      // "END$$" with DELIMITER $$: the delimiter ends the word even though $ may appear in names.
      while (isIdentPart(this.ch()) && !(this.delimiter !== ';' && this.src.startsWith(this.delimiter, this.pos))) this.pos++;
      const word = this.src.slice(start, this.pos);
      // MySQL charset introducers (_utf8mb4'abc') just label a string.
      if (this.dialect === 'mysql' && word.startsWith('_') && (this.ch() === "'" || this.ch() === '"')) {
        const q = this.ch();
        const s = this.readMysqlString(q);
        return this.tok('string', start, s, { quote: q });
      }
      return this.tok('word', start);
    }

    if (c === '@' && (this.dialect === 'sqlserver' || this.dialect === 'mysql') && (isIdentStart(this.ch(1)) || this.ch(1) === '@')) {
      this.pos++;
      if (this.ch() === '@') this.pos++;
      while (isIdentPart(this.ch())) this.pos++;
      return this.tok('var', start);
    }
    if (c === '#' && this.dialect === 'sqlserver' && (isIdentStart(this.ch(1)) || this.ch(1) === '#')) {
      this.pos++;
      while (isIdentPart(this.ch()) || this.ch() === '#') this.pos++;
      return this.tok('word', start);
    }
    if (c === ':' && this.dialect === 'oracle' && (isIdentStart(this.ch(1)) || isDigit(this.ch(1)))) {
      this.pos++;
      while (isIdentPart(this.ch())) this.pos++;
      return this.tok('bind', start, this.src.slice(start + 1, this.pos));
    }

    for (const op of MULTI_OPS) {
      if (this.src.startsWith(op, this.pos)) {
        this.pos += op.length;
        return this.tok('op', start);
      }
    }
    if (PUNCT.includes(c) || c === '[' || c === ']') {
      this.pos++;
      return this.tok('punct', start);
    }
    if (SINGLE_OPS.includes(c)) {
      this.pos++;
      return this.tok('op', start);
    }
    if (c === '$') {
      this.pos++;
      while (this.ch() === '$' || isIdentPart(this.ch())) this.pos++;
      return this.tok('op', start);
    }
    this.pos++;
    return this.tok('op', start);
  }

  /** Standard quoted text where the quote is escaped by doubling it. */
  private readQuoted(q: string, doubling: boolean): string {
    const start = this.pos;
    this.pos++;
    let out = '';
    for (;;) {
      const d = this.ch();
      if (d === '') throw new LexError(`unterminated ${q}...${q} starting at offset ${start}`);
      if (d === q) {
        if (doubling && this.ch(1) === q) {
          out += q;
          this.pos += 2;
          continue;
        }
        this.pos++;
        return out;
      }
      out += d;
      this.pos++;
    }
  }

  private readMysqlString(q: string): string {
    const start = this.pos;
    this.pos++;
    let out = '';
    const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', Z: '\x1a', b: '\b' };
    for (;;) {
      const d = this.ch();
      if (d === '') throw new LexError(`unterminated string starting at offset ${start}`);
      if (d === '\\') {
        const e = this.ch(1);
        // \% and \_ keep their backslash (they are LIKE escapes).
        out += e === '%' || e === '_' ? '\\' + e : (escapes[e] ?? e);
        this.pos += 2;
        continue;
      }
      if (d === q) {
        if (this.ch(1) === q) {
          out += q;
          this.pos += 2;
          continue;
        }
        this.pos++;
        return out;
      }
      out += d;
      this.pos++;
    }
  }

  private readOracleQ(start: number): Token {
    // q'[...]' style: the character after the quote picks the closing delimiter.
    this.pos += 2;
    const open = this.ch();
    const close = ({ '[': ']', '{': '}', '(': ')', '<': '>' } as Record<string, string>)[open] ?? open;
    const end = this.src.indexOf(close + "'", this.pos + 1);
    if (end < 0) throw new LexError(`unterminated q'...' string starting at offset ${start}`);
    const value = this.src.slice(this.pos + 1, end);
    this.pos = end + 2;
    return this.tok('string', start, value, { quote: "'" });
  }
}
