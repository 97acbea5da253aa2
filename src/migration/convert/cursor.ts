import type { Expr, Ident, QName, TypeRef } from './ast.js';
import type { Dialect, Token } from './lexer.js';

export class ParseError extends Error {}

/** Token cursor with the helpers shared by the expression and DDL parsers. */
export class Cursor {
  i = 0;

  constructor(
    readonly toks: Token[],
    readonly dialect: Dialect,
    readonly src: string,
  ) {}

  get done(): boolean {
    return this.i >= this.toks.length;
  }

  peek(o = 0): Token | undefined {
    return this.toks[this.i + o];
  }

  next(): Token {
    const t = this.toks[this.i];
    if (!t) throw this.error('unexpected end of statement');
    this.i++;
    return t;
  }

  isWord(...ws: string[]): boolean {
    return this.isWordAt(0, ...ws);
  }

  isWordAt(o: number, ...ws: string[]): boolean {
    const t = this.peek(o);
    return !!t && t.kind === 'word' && (ws.length === 0 || ws.includes(t.upper));
  }

  eatWord(...ws: string[]): string | undefined {
    if (!this.isWord(...ws)) return undefined;
    return this.next().upper;
  }

  /** Consumes a sequence of keywords only when all of them are present. */
  eatWords(...seq: string[]): boolean {
    for (let k = 0; k < seq.length; k++) if (!this.isWordAt(k, seq[k]!)) return false;
    this.i += seq.length;
    return true;
  }

  expectWord(...ws: string[]): string {
    const w = this.eatWord(...ws);
    if (!w) throw this.error(`expected ${ws.join(' or ')}`);
    return w;
  }

  isPunct(p: string, o = 0): boolean {
    const t = this.peek(o);
    return !!t && t.kind === 'punct' && t.text === p;
  }

  eatPunct(p: string): boolean {
    if (!this.isPunct(p)) return false;
    this.i++;
    return true;
  }

  expectPunct(p: string): void {
    if (!this.eatPunct(p)) throw this.error(`expected "${p}"`);
  }

  isOp(op: string, o = 0): boolean {
    const t = this.peek(o);
    return !!t && t.kind === 'op' && t.text === op;
  }

  eatOp(op: string): boolean {
    if (!this.isOp(op)) return false;
    this.i++;
    return true;
  }

  isIdentAt(o = 0): boolean {
    const t = this.peek(o);
    if (!t) return false;
    return t.kind === 'word' || t.kind === 'qident' || (this.dialect === 'mysql' && t.kind === 'string' && t.quote === '"');
  }

  ident(): Ident {
    const t = this.peek();
    if (!t || !this.isIdentAt()) throw this.error('expected a name');
    this.i++;
    return { name: t.kind === 'word' ? t.text : t.value, quoted: t.kind !== 'word' };
  }

  /** Dotted name; keeps the last two parts (schema.name), ignoring a database/server prefix. */
  qname(): QName {
    const parts = [this.ident()];
    while (this.isPunct('.') && this.isIdentAt(1)) {
      this.i++;
      parts.push(this.ident());
    }
    // Oracle database links (name@link) are not resolvable here.
    if (this.isOp('@') && this.isIdentAt(1)) {
      this.i += 2;
    }
    const name = parts[parts.length - 1]!;
    const schema = parts.length > 1 ? parts[parts.length - 2] : undefined;
    return schema ? { schema, name } : { name };
  }

  /** Consumes "( ... )" and returns the inner tokens. */
  balanced(): Token[] {
    const open = this.i;
    this.expectPunct('(');
    let depth = 1;
    while (depth > 0) {
      const t = this.next();
      if (t.kind === 'punct' && t.text === '(') depth++;
      else if (t.kind === 'punct' && t.text === ')') depth--;
    }
    return this.toks.slice(open + 1, this.i - 1);
  }

  /** Source text of tokens [from, to). */
  text(from: number, to = this.i): string {
    const a = this.toks[from];
    const b = this.toks[to - 1];
    if (!a || !b || to <= from) return '';
    return this.src.slice(a.start, b.end);
  }

  error(msg: string): ParseError {
    const t = this.peek();
    const near = t ? ` near "${this.src.slice(t.start, Math.min(t.end, t.start + 40))}"` : ' at end of statement';
    return new ParseError(msg + near);
  }

  /** Splits tokens on top-level commas. */
  static splitCommas(toks: Token[]): Token[][] {
    const out: Token[][] = [];
    let cur: Token[] = [];
    let depth = 0;
    for (const t of toks) {
      if (t.kind === 'punct' && t.text === '(') depth++;
      if (t.kind === 'punct' && t.text === ')') depth--;
      if (depth === 0 && t.kind === 'punct' && t.text === ',') {
        out.push(cur);
        cur = [];
        continue;
      }
      cur.push(t);
    }
    if (cur.length) out.push(cur);
    return out;
  }

  sub(toks: Token[]): Cursor {
    return new Cursor(toks, this.dialect, this.src);
  }

  // ---------------------------------------------------------------- types

  parseType(): TypeRef {
    const start = this.i;
    if (!this.isIdentAt()) throw this.error('expected a data type');
    let first = this.ident();
    let schema: string | undefined;
    if (this.isPunct('.') && this.isIdentAt(1)) {
      this.i++;
      schema = first.name;
      first = this.ident();
    }
    let name = first.name.toUpperCase();
    const more = (...ws: string[]) => {
      const w = this.eatWord(...ws);
      if (w) name += ' ' + w;
      return !!w;
    };
    switch (name) {
      case 'DOUBLE':
        more('PRECISION');
        break;
      case 'CHARACTER':
      case 'CHAR':
      case 'NCHAR':
        more('VARYING');
        if (this.isWord('LARGE') && this.isWordAt(1, 'OBJECT')) {
          this.i += 2;
          name += ' LARGE OBJECT';
        }
        break;
      case 'NATIONAL':
        more('CHAR', 'CHARACTER', 'VARCHAR');
        more('VARYING');
        break;
      case 'LONG':
        more('RAW', 'VARCHAR', 'VARBINARY', 'BINARY');
        break;
      case 'BINARY':
        if (this.isWord('VARYING')) more('VARYING');
        break;
      case 'INTERVAL': {
        const unit = this.expectWord('YEAR', 'DAY', 'MONTH', 'HOUR', 'MINUTE', 'SECOND');
        name += ' ' + unit;
        const args: string[] = [];
        if (this.isPunct('(')) args.push(...this.typeArgs());
        let toArgs: string[] | undefined;
        if (this.eatWord('TO')) {
          name += ' TO ' + this.expectWord('MONTH', 'SECOND', 'HOUR', 'MINUTE', 'DAY');
          if (this.isPunct('(')) toArgs = this.typeArgs();
        }
        return { name, args, toArgs, raw: this.text(start), schema };
      }
      default:
        break;
    }
    const ref: TypeRef = { name, args: [], raw: '', schema };
    if (this.isPunct('(')) {
      if (name === 'ENUM' || name === 'SET') {
        ref.values = Cursor.splitCommas(this.balanced()).map((part) => {
          const t = part[0];
          if (!t || t.kind !== 'string' || part.length !== 1) throw this.error(`${name} values must be string literals`);
          return t.value;
        });
      } else {
        const args = this.typeArgs();
        ref.args = args.map((a) => a.split(' ')[0]!);
        const sem = args.find((a) => a.includes(' '));
        if (sem) ref.semantics = sem.split(' ')[1];
      }
    }
    if ((name === 'TIMESTAMP' || name === 'TIME') && this.isWord('WITH', 'WITHOUT')) {
      if (this.eatWords('WITH', 'LOCAL', 'TIME', 'ZONE')) ref.withTimeZone = 'local';
      else if (this.eatWords('WITH', 'TIME', 'ZONE')) ref.withTimeZone = 'tz';
      else this.eatWords('WITHOUT', 'TIME', 'ZONE');
    }
    for (;;) {
      if (this.eatWord('UNSIGNED')) ref.unsigned = true;
      else if (this.eatWord('SIGNED')) continue;
      else if (this.eatWord('ZEROFILL')) ref.zerofill = true;
      else break;
    }
    ref.raw = this.text(start);
    return ref;
  }

  private typeArgs(): string[] {
    return Cursor.splitCommas(this.balanced()).map((part) => {
      const txt = part.map((t) => t.text).join(' ');
      if (part.length === 0) throw this.error('empty type argument');
      return txt.replace(/^-\s+/, '-').toUpperCase();
    });
  }

  // ---------------------------------------------------------- expressions

  parseExpr(): Expr {
    return this.parseOr();
  }

  private parseOr(): Expr {
    let l = this.parseAnd();
    for (;;) {
      if (this.eatWord('OR') || (this.dialect === 'mysql' && this.eatOp('||'))) l = { t: 'bin', op: 'OR', l, r: this.parseAnd() };
      else if (this.eatWord('XOR')) l = { t: 'bin', op: 'XOR', l, r: this.parseAnd() };
      else return l;
    }
  }

  private parseAnd(): Expr {
    let l = this.parseNot();
    while (this.eatWord('AND') || this.eatOp('&&')) l = { t: 'bin', op: 'AND', l, r: this.parseNot() };
    return l;
  }

  private parseNot(): Expr {
    if (this.eatWord('NOT') || (this.dialect === 'mysql' && this.eatOp('!'))) return { t: 'unary', op: 'NOT', e: this.parseNot() };
    return this.parsePredicate();
  }

  private parsePredicate(): Expr {
    let l = this.parseAdditive();
    for (;;) {
      const t = this.peek();
      if (!t) return l;
      if (t.kind === 'op' && ['=', '<>', '!=', '<', '>', '<=', '>=', '<=>', '^='].includes(t.text)) {
        this.i++;
        // T-SQL "col = ANY/ALL (subquery)" is out of scope; the subquery check below catches it.
        l = { t: 'bin', op: t.text, l, r: this.parseAdditive() };
        continue;
      }
      if (this.isWord('IS')) {
        this.i++;
        const not = !!this.eatWord('NOT');
        const what = this.expectWord('NULL', 'TRUE', 'FALSE', 'UNKNOWN', 'JSON', 'NAN', 'INFINITE', 'EMPTY', 'A', 'OF', 'DISTINCT');
        if (what === 'DISTINCT') {
          this.expectWord('FROM');
          l = { t: 'bin', op: not ? 'IS NOT DISTINCT FROM' : 'IS DISTINCT FROM', l, r: this.parseAdditive() };
          continue;
        }
        if (what === 'JSON') {
          // IS JSON [VALUE|ARRAY|OBJECT|SCALAR] [STRICT|LAX] [WITH UNIQUE KEYS]
          while (this.eatWord('VALUE', 'ARRAY', 'OBJECT', 'SCALAR', 'STRICT', 'LAX', 'FORMAT')) {
            /* options */
          }
          this.eatWords('WITH', 'UNIQUE', 'KEYS');
          this.eatWords('WITHOUT', 'UNIQUE', 'KEYS');
        }
        l = { t: 'is', e: l, not, what };
        continue;
      }
      const notAhead = this.isWord('NOT') && this.isWordAt(1, 'IN', 'BETWEEN', 'LIKE', 'ILIKE', 'REGEXP', 'RLIKE', 'SIMILAR');
      if (notAhead || this.isWord('IN', 'BETWEEN', 'LIKE', 'ILIKE', 'REGEXP', 'RLIKE', 'LIKEC', 'LIKE2', 'LIKE4')) {
        const not = notAhead;
        if (not) this.i++;
        const op = this.next().upper;
        if (op === 'IN') {
          if (!this.isPunct('(')) throw this.error('expected "(" after IN');
          if (this.isWordAt(1, 'SELECT', 'WITH')) throw this.error('subqueries are not supported here');
          const inner = this.balanced();
          const list = Cursor.splitCommas(inner).map((part) => {
            const c = this.sub(part);
            const e = c.parseExpr();
            if (!c.done) throw c.error('unexpected token in IN list');
            return e;
          });
          l = { t: 'in', e: l, list, not };
        } else if (op === 'BETWEEN') {
          const lo = this.parseAdditive();
          this.expectWord('AND');
          const hi = this.parseAdditive();
          l = { t: 'between', e: l, lo, hi, not };
        } else {
          const pat = this.parseAdditive();
          let esc: Expr | undefined;
          if (this.eatWord('ESCAPE')) esc = this.parseAdditive();
          l = { t: 'like', op, e: l, pat, not, esc };
        }
        continue;
      }
      return l;
    }
  }

  private parseAdditive(): Expr {
    let l = this.parseMul();
    for (;;) {
      const t = this.peek();
      if (t && t.kind === 'op' && (t.text === '+' || t.text === '-' || (t.text === '||' && this.dialect !== 'mysql') || t.text === '&' || t.text === '|' || t.text === '^')) {
        this.i++;
        l = { t: 'bin', op: t.text, l, r: this.parseMul() };
      } else return l;
    }
  }

  private parseMul(): Expr {
    let l = this.parseUnary();
    for (;;) {
      const t = this.peek();
      if (t && t.kind === 'op' && (t.text === '*' || t.text === '/' || t.text === '%')) {
        this.i++;
        l = { t: 'bin', op: t.text, l, r: this.parseUnary() };
      } else if (this.isWord('DIV', 'MOD') && this.dialect === 'mysql') {
        const op = this.next().upper;
        l = { t: 'bin', op, l, r: this.parseUnary() };
      } else return l;
    }
  }

  private parseUnary(): Expr {
    const t = this.peek();
    if (t && t.kind === 'op' && (t.text === '-' || t.text === '+' || t.text === '~')) {
      this.i++;
      return { t: 'unary', op: t.text, e: this.parseUnary() };
    }
    if (this.isWord('PRIOR')) throw this.error('CONNECT BY PRIOR is not supported here');
    return this.parsePrimary();
  }

  /** A primary, then MySQL's column->'$.path' / column->>'$.path' (JSON_EXTRACT / JSON_UNQUOTE of it). */
  private parsePrimary(): Expr {
    let e = this.parsePrimaryTerm();
    while (this.dialect === 'mysql' && (this.isOp('->') || this.isOp('->>')) && this.peek(1)?.kind === 'string') {
      const op = this.next().text;
      const path: Expr = { t: 'str', v: this.next().value };
      const extract: Expr = { t: 'call', name: [{ name: 'JSON_EXTRACT', quoted: false }], args: [e, path] };
      e = op === '->>' ? { t: 'call', name: [{ name: 'JSON_UNQUOTE', quoted: false }], args: [extract] } : extract;
    }
    return e;
  }

  private parsePrimaryTerm(): Expr {
    const t = this.peek();
    if (!t) throw this.error('expected an expression');
    switch (t.kind) {
      case 'number':
        this.i++;
        return { t: 'num', v: t.text };
      case 'string': {
        if (this.dialect === 'mysql' && t.quote === '"') {
          this.i++;
          return { t: 'str', v: t.value };
        }
        this.i++;
        // Adjacent literals concatenate in MySQL ('a' 'b').
        let v = t.value;
        while (this.dialect === 'mysql' && this.peek()?.kind === 'string') v += this.next().value;
        return { t: 'str', v, national: t.national };
      }
      case 'hex':
        this.i++;
        return { t: 'hex', v: t.value };
      case 'bits':
        this.i++;
        return { t: 'bits', v: t.value };
      case 'bind': {
        this.i++;
        let field: string | undefined;
        if (this.isPunct('.') && this.isIdentAt(1)) {
          this.i++;
          field = this.ident().name;
        }
        return { t: 'bind', name: t.value, field };
      }
      case 'var':
        this.i++;
        return { t: 'var', name: t.text };
      case 'punct':
        if (t.text === '(') {
          if (this.isWordAt(1, 'SELECT', 'WITH')) throw this.error('subqueries are not supported here');
          this.i++;
          const e = this.parseExpr();
          if (this.isPunct(',')) throw this.error('row constructors are not supported here');
          this.expectPunct(')');
          return { t: 'paren', e };
        }
        throw this.error('expected an expression');
      case 'op':
        throw this.error('expected an expression');
      default:
        break;
    }
    if (t.kind === 'word') {
      switch (t.upper) {
        case 'NULL':
          this.i++;
          return { t: 'null' };
        case 'TRUE':
        case 'FALSE':
          this.i++;
          return { t: 'bool', v: t.upper === 'TRUE' };
        case 'CASE':
          return this.parseCase();
        case 'CAST':
        case 'TRY_CAST':
          if (this.isPunct('(', 1)) return this.parseCast();
          break;
        case 'CONVERT':
        case 'TRY_CONVERT': {
          // T-SQL CONVERT(type, expr) is a cast; with a style argument it formats, and stays a call
          if (this.dialect !== 'sqlserver' || !this.isPunct('(', 1)) break;
          const at = this.i;
          this.i += 2;
          const type = this.parseType();
          if (this.eatPunct(',')) {
            const e = this.parseExpr();
            if (this.eatPunct(')')) return { t: 'cast', e, type };
          }
          this.i = at;
          break;
        }
        case 'DATE':
        case 'TIMESTAMP':
        case 'TIME':
          if (this.peek(1)?.kind === 'string') {
            this.i++;
            return { t: 'typed', kw: t.upper, v: this.next().value };
          }
          break;
        case 'INTERVAL':
          throw this.error('INTERVAL literals are not supported here');
        case 'NEXT':
          if (this.isWordAt(1, 'VALUE') && this.isWordAt(2, 'FOR')) {
            this.i += 3;
            const q = this.qname();
            return { t: 'nextval', seq: q.schema ? [q.schema, q.name] : [q.name] };
          }
          break;
        case 'SELECT':
        case 'EXISTS':
          throw this.error('subqueries are not supported here');
        default:
          break;
      }
    }
    if (!this.isIdentAt()) throw this.error('expected an expression');
    const parts = [this.ident()];
    while (this.isPunct('.') && (this.isIdentAt(1) || this.isOp('*', 1))) {
      this.i++;
      if (this.eatOp('*')) {
        parts.push({ name: '*', quoted: false });
        break;
      }
      parts.push(this.ident());
    }
    if (this.isPunct('(')) return this.parseCallArgs(parts);
    return { t: 'ident', parts };
  }

  private parseCallArgs(name: Ident[]): Expr {
    const open = this.i;
    const inner = this.balanced();
    const raw = this.text(open);
    let call: Expr;
    try {
      const c = this.sub(inner);
      if (inner.length === 0) call = { t: 'call', name, args: [] };
      else if (inner.length === 1 && inner[0]!.kind === 'op' && inner[0]!.text === '*') call = { t: 'call', name, args: [], star: true };
      else {
        const distinct = !!c.eatWord('DISTINCT');
        const args: Expr[] = [];
        for (;;) {
          args.push(c.parseExpr());
          if (c.eatPunct(',')) continue;
          break;
        }
        if (!c.done) throw c.error('unexpected token in argument list');
        call = { t: 'call', name, args, distinct };
      }
    } catch (err) {
      if (!(err instanceof ParseError)) throw err;
      // Special argument syntax (CONVERT(x USING y), EXTRACT(a FROM b)...): keep the text, decide later.
      call = { t: 'opaque', raw: name.map((p) => p.name).join('.') + raw, why: err.message };
    }
    if (this.isWord('OVER', 'WITHIN', 'KEEP', 'FILTER')) throw this.error('analytic/aggregate clauses are not supported here');
    return call;
  }

  private parseCase(): Expr {
    this.expectWord('CASE');
    let operand: Expr | undefined;
    if (!this.isWord('WHEN')) operand = this.parseExpr();
    const whens: { when: Expr; then: Expr }[] = [];
    while (this.eatWord('WHEN')) {
      const when = this.parseExpr();
      this.expectWord('THEN');
      whens.push({ when, then: this.parseExpr() });
    }
    let els: Expr | undefined;
    if (this.eatWord('ELSE')) els = this.parseExpr();
    this.expectWord('END');
    if (whens.length === 0) throw this.error('CASE without WHEN');
    return { t: 'case', operand, whens, else: els };
  }

  private parseCast(): Expr {
    this.i++;
    this.expectPunct('(');
    const e = this.parseExpr();
    this.expectWord('AS');
    const type = this.parseType();
    this.expectPunct(')');
    return { t: 'cast', e, type };
  }
}
