import type {
  AlterAction, AlterTable, ColumnDef, CommentOn, ConstraintDef, CreateIndex, CreateSequence, CreateTable, CreateTrigger,
  CreateType, CreateView, Expr, ExtendedProperty, Ident, IndexCol, QName, RefAction, Statement, Unsupported,
} from './ast.js';
import { Cursor, ParseError } from './cursor.js';
import type { Dialect, Token } from './lexer.js';

export { ParseError };

const qnameText = (q: QName) => (q.schema ? `${q.schema.name}.` : '') + q.name.name;

/** Constraint-state words that may trail a constraint (Oracle, MySQL 8). */
const STATE_WORDS = new Set(['ENABLE', 'DISABLE', 'VALIDATE', 'NOVALIDATE', 'RELY', 'NORELY', 'ENFORCED']);

const COLUMN_ATTR_START = new Set([
  'NOT', 'NULL', 'DEFAULT', 'CONSTRAINT', 'PRIMARY', 'UNIQUE', 'CHECK', 'REFERENCES', 'ENABLE', 'DISABLE', 'AUTO_INCREMENT',
  'IDENTITY', 'GENERATED', 'COMMENT', 'COLLATE', 'KEY', 'AS', 'VISIBLE', 'INVISIBLE',
]);

function routineComplexity(raw: string, kind: string): 'medium' | 'significant' {
  const lines = raw.split('\n').length;
  if (kind.startsWith('package') || kind === 'type body') return 'significant';
  return lines > 30 ? 'significant' : 'medium';
}

export class DdlParser extends Cursor {
  constructor(toks: Token[], dialect: Dialect, src: string) {
    super(toks, dialect, src);
  }

  get raw(): string {
    return this.text(0, this.toks.length);
  }

  parse(): Statement {
    const first = this.peek();
    if (!first) throw this.error('empty statement');
    const raw = this.raw;
    if (first.kind !== 'word') throw this.error('unrecognized statement');
    // A skipped statement must not take a definition with it: "USE shop" or "SET NAMES utf8"
    // without the ; before a CREATE TABLE is one chunk, and that goes to unparsed, not skipped.
    const OBJECTS = ['TABLE', 'VIEW', 'INDEX', 'UNIQUE', 'SEQUENCE', 'PROCEDURE', 'FUNCTION', 'TRIGGER', 'TYPE', 'OR', 'SCHEMA', 'DATABASE', 'TEMPORARY', 'GLOBAL'];
    const hidden = ['CREATE', 'ALTER', 'GRANT', 'REVOKE', 'DENY'].includes(first.upper) ? undefined
      : this.toks.find((t, i) => i > 0 && t.kind === 'word' && (t.upper === 'CREATE' || t.upper === 'ALTER')
        && this.toks[i + 1]?.kind === 'word' && OBJECTS.includes(this.toks[i + 1]!.upper));
    const skip = (reason: string): Statement => {
      if (hidden) throw this.error(`${first.upper} ... ${hidden.upper} with no statement end between them: end the ${first.upper} statement with ; (or GO) and convert again`);
      return { kind: 'skip', reason, raw };
    };
    switch (first.upper) {
      case 'CREATE':
        return this.parseCreate();
      case 'ALTER':
        if (this.isWordAt(1, 'TABLE') || (this.isWordAt(1, 'ONLINE', 'IGNORE') && this.isWordAt(2, 'TABLE'))) return this.parseAlterTable();
        if (this.isWordAt(1, 'SEQUENCE', 'INDEX', 'TRIGGER', 'SESSION', 'SYSTEM', 'DATABASE', 'USER', 'ROLE', 'AUTHORIZATION', 'SCHEMA', 'LOGIN')) {
          return skip(`ALTER ${this.peek(1)!.upper} is an administrative change, not part of the schema definition`);
        }
        return this.unsupported('alter', this.peek(1)?.text ?? '', 'alter', `ALTER ${this.peek(1)?.upper ?? ''} is not converted`, 'Apply the change by hand in PostgreSQL', 'simple');
      case 'COMMENT':
        return this.parseComment();
      case 'INSERT':
      case 'REPLACE':
      case 'UPDATE':
      case 'DELETE':
      case 'MERGE':
      case 'UPSERT':
        return skip('data statement: load data with a migration tool (pgloader, ora2pg, AWS DMS), not with the schema');
      case 'SELECT':
      case 'WITH':
        return skip('query, not schema');
      case 'SET':
        return skip('session setting for the source client');
      case 'USE':
        return skip('database selection for the source client');
      case 'LOCK':
      case 'UNLOCK':
        return skip('table locking around a data dump');
      case 'COMMIT':
      case 'ROLLBACK':
      case 'START':
      case 'SAVEPOINT':
        return skip('transaction control');
      case 'BEGIN':
      case 'DECLARE':
        if (this.dialect === 'oracle') {
          return this.unsupported('procedure', 'anonymous block', 'procedure', 'anonymous PL/SQL block', 'Rewrite as a PL/pgSQL DO block', routineComplexity(raw, 'block'));
        }
        return skip('transaction control or T-SQL batch code');
      case 'DROP':
        return skip('DROP in the source script: the converted script creates every object fresh');
      case 'TRUNCATE':
        return skip('data statement');
      case 'GRANT':
      case 'REVOKE':
      case 'DENY':
        return skip('privileges: re-create roles and grants in PostgreSQL separately');
      case 'PRINT':
      case 'FLUSH':
      case 'ANALYZE':
      case 'OPTIMIZE':
      case 'SHOW':
      case 'DESCRIBE':
      case 'EXPLAIN':
      case 'PURGE':
      case 'DBCC':
      case 'CHECKPOINT':
      case 'RECONFIGURE':
      case 'WAITFOR':
      case 'RAISERROR':
      case 'THROW':
        return skip(`${first.upper}: client or maintenance command`);
      case 'IF':
        return skip('conditional T-SQL (existence checks around DROP/CREATE)');
      case 'EXEC':
      case 'EXECUTE':
      case 'CALL':
        return this.parseExec();
      case 'RENAME':
        return this.unsupported('table', this.peek(2)?.text ?? '', 'rename', 'RENAME is not converted', 'Apply ALTER TABLE ... RENAME TO by hand', 'simple');
      default:
        throw this.error('unrecognized statement');
    }
  }

  private unsupported(objectKind: string, name: string, category: string, reason: string, recommended: string, complexity: Unsupported['complexity']): Unsupported {
    return { kind: 'unsupported', objectKind, name, category, reason, recommended, complexity, raw: this.raw };
  }

  // ------------------------------------------------------------------ CREATE

  private parseCreate(): Statement {
    this.expectWord('CREATE');
    let temporary: string | undefined;
    const variants: string[] = [];
    for (;;) {
      if (this.eatWords('OR', 'REPLACE') || this.eatWords('OR', 'ALTER')) continue;
      else if (this.eatWord('EDITIONABLE', 'NONEDITIONABLE', 'EDITIONING', 'FORCE', 'NOFORCE', 'NONEDITIONING')) continue;
      else if (this.eatWords('NO', 'FORCE')) continue;
      else if (this.isWord('DEFINER')) {
        this.i++;
        this.eatOp('=');
        this.i++;
        if (this.isOp('@')) this.i += 2;
        else if (this.peek()?.kind === 'var') this.i++;
        if (this.isPunct('(') && this.isPunct(')', 1)) this.i += 2;
      } else if (this.isWord('ALGORITHM')) {
        this.i++;
        this.eatOp('=');
        this.i++;
      } else if (this.eatWords('SQL', 'SECURITY')) this.i++;
      else if (this.eatWords('GLOBAL', 'TEMPORARY') || this.eatWords('LOCAL', 'TEMPORARY') || this.eatWords('PRIVATE', 'TEMPORARY')) temporary = 'GLOBAL TEMPORARY';
      else if (this.eatWord('TEMPORARY', 'TEMP')) temporary = 'TEMPORARY';
      else if (this.isWord('UNIQUE', 'BITMAP', 'FULLTEXT', 'SPATIAL', 'CLUSTERED', 'NONCLUSTERED', 'COLUMNSTORE', 'MULTIVALUE', 'XML', 'PRIMARY') && !this.isWordAt(1, 'SCHEMA')) {
        variants.push(this.next().upper);
      } else if (this.eatWord('UNLOGGED', 'SHARDED', 'DUPLICATED', 'BLOCKCHAIN', 'IMMUTABLE', 'AGGREGATE')) continue;
      else break;
    }
    const what = this.peek();
    if (!what || what.kind !== 'word') throw this.error('expected an object type after CREATE');
    switch (what.upper) {
      case 'TABLE':
        return this.parseCreateTable(temporary);
      case 'INDEX':
        return this.parseCreateIndex(variants);
      case 'SEQUENCE':
        return this.parseCreateSequence();
      case 'VIEW':
        return this.parseCreateView(false);
      case 'MATERIALIZED':
        return this.parseCreateView(true);
      case 'TRIGGER':
        return this.parseCreateTrigger();
      case 'PROCEDURE':
      case 'PROC':
      case 'FUNCTION':
      case 'PACKAGE':
      case 'EVENT':
      case 'LIBRARY':
      case 'JAVA': {
        this.i++;
        let objectKind = what.upper === 'PROC' ? 'procedure' : what.upper.toLowerCase();
        if (this.eatWord('BODY')) objectKind += ' body';
        this.eatWords('IF', 'NOT', 'EXISTS');
        const name = this.isIdentAt() ? qnameText(this.qname()) : '?';
        return { kind: 'create_routine', objectKind, name: { name: { name, quoted: false } }, raw: this.raw };
      }
      case 'TYPE':
        return this.parseCreateType();
      case 'DATABASE':
        if (this.isWordAt(1, 'LINK')) {
          return this.unsupported('database_link', this.peek(2)?.text ?? '', 'database_link', 'database links have no direct equivalent', 'Use postgres_fdw or dblink', 'medium');
        }
        return { kind: 'skip', reason: 'database creation: create the PostgreSQL database separately', raw: this.raw };
      case 'SCHEMA':
        return { kind: 'skip', reason: 'schema creation: objects go to the target schema (options.schema)', raw: this.raw };
      case 'USER':
      case 'ROLE':
      case 'LOGIN':
      case 'TABLESPACE':
      case 'DIRECTORY':
      case 'PROFILE':
      case 'CONTEXT':
      case 'LOGFILE':
      case 'SERVER':
        return { kind: 'skip', reason: `CREATE ${what.upper}: server administration, not schema`, raw: this.raw };
      case 'SYNONYM':
      case 'PUBLIC': {
        this.eatWord('PUBLIC');
        this.i++;
        const name = this.isIdentAt() ? qnameText(this.qname()) : '?';
        return this.unsupported('synonym', name, 'synonym', 'PostgreSQL has no synonyms', 'Use a view, or put the target schema on search_path', 'simple');
      }
      default:
        return this.unsupported(what.text.toLowerCase(), this.peek(1)?.text ?? '', what.text.toLowerCase(), `CREATE ${what.upper} is not converted automatically`, 'Re-create the object by hand in PostgreSQL', 'medium');
    }
  }

  private parseCreateTable(temporary?: string): Statement {
    this.expectWord('TABLE');
    const ifNotExists = this.eatWords('IF', 'NOT', 'EXISTS');
    const name = this.qname();
    const table: CreateTable = { kind: 'create_table', name, columns: [], constraints: [], ifNotExists, temporary, droppedOptions: [], raw: this.raw };
    if (this.eatWord('LIKE')) {
      table.like = this.qname();
      return table;
    }
    if (this.eatWord('OF')) {
      return this.unsupported('table', qnameText(name), 'table', 'object table (CREATE TABLE ... OF type)', 'Define the columns explicitly', 'medium');
    }
    if (this.isPunct('(') && this.isWordAt(1, 'LIKE')) {
      const inner = this.sub(this.balanced());
      inner.expectWord('LIKE');
      table.like = inner.qname();
      return table;
    }
    if (this.isPunct('(')) {
      const elements = Cursor.splitCommas(this.balanced());
      for (const el of elements) {
        if (el.length === 0) throw this.error('empty element in column list');
        const c = this.sub(el);
        try {
          if (this.isTableConstraintStart(c)) {
            if (c.isWord('PERIOD')) {
              table.droppedOptions.push(c.text(0, el.length));
              continue;
            }
            if (c.isWord('SUPPLEMENTAL')) {
              table.droppedOptions.push(c.text(0, el.length));
              continue;
            }
            table.constraints.push(this.parseTableConstraint(c));
          } else {
            table.columns.push(this.parseColumn(c, false));
          }
          if (!c.done) throw c.error('unexpected token');
        } catch (err) {
          if (err instanceof ParseError) {
            throw new ParseError(`${err.message} (in element "${this.src.slice(el[0]!.start, el[el.length - 1]!.end).slice(0, 120)}")`);
          }
          throw err;
        }
      }
    }
    this.parseTableOptions(table);
    if (table.columns.length === 0 && !table.asSelect && !table.like) throw this.error('CREATE TABLE without columns');
    return table;
  }

  private isTableConstraintStart(c: Cursor): boolean {
    if (!c.isWord()) return false;
    const w = c.peek()!.upper;
    if (['CONSTRAINT', 'PRIMARY', 'FOREIGN', 'CHECK', 'FULLTEXT', 'SPATIAL', 'PERIOD', 'SUPPLEMENTAL'].includes(w)) return true;
    if (w === 'UNIQUE') return true;
    // MySQL "KEY name (..)" / "INDEX name (..)": a column called key would need quoting.
    if ((w === 'KEY' || w === 'INDEX') && this.dialect === 'mysql') return true;
    if (w === 'INDEX' && this.dialect === 'sqlserver') return true;
    return false;
  }

  parseColumn(c: Cursor, partial: boolean): ColumnDef {
    const start = c.i;
    const name = c.ident();
    const col: ColumnDef = { name, constraints: [], dropped: [], raw: '' };
    const attrNext = c.isWord() && COLUMN_ATTR_START.has(c.peek()!.upper);
    if (!c.done && !c.isWord('AS', 'GENERATED', 'COMPUTED') && !(partial && attrNext)) col.type = c.parseType();
    while (!c.done) this.parseColumnAttr(c, col);
    col.raw = c.text(start);
    return col;
  }

  private parseColumnAttr(c: Cursor, col: ColumnDef): void {
    let cname: Ident | undefined;
    if (c.eatWord('CONSTRAINT')) cname = c.ident();
    const t = c.peek();
    if (!t) throw c.error('constraint name without a constraint');
    const attrStart = c.i;
    const w = t.kind === 'word' ? t.upper : '';
    switch (w) {
      case 'NOT':
        if (c.eatWords('NOT', 'NULL')) {
          col.notNull = true;
          if (cname) col.namedNotNull = cname.name;
          this.eatStates(c, undefined);
          return;
        }
        if (c.eatWords('NOT', 'FOR', 'REPLICATION')) {
          col.dropped.push('NOT FOR REPLICATION');
          return;
        }
        if (c.eatWords('NOT', 'DEFERRABLE')) return;
        throw c.error('unexpected NOT');
      case 'NULL':
        c.i++;
        if (col.notNull === undefined) col.notNull = false;
        this.eatStates(c, undefined);
        return;
      case 'DEFAULT': {
        c.i++;
        if (c.eatWords('ON', 'NULL')) {
          col.defaultOnNull = true;
          // Oracle 23: DEFAULT ON NULL FOR INSERT ONLY | FOR INSERT AND UPDATE
          if (c.eatWords('FOR', 'INSERT', 'ONLY')) col.dropped.push('FOR INSERT ONLY');
          else if (c.eatWords('FOR', 'INSERT', 'AND', 'UPDATE')) col.dropped.push('FOR INSERT AND UPDATE');
        }
        const s = c.i;
        col.default = c.parseExpr();
        col.defaultRaw = c.text(s);
        if (cname) col.dropped.push(`CONSTRAINT ${cname.name} (default constraint name)`);
        // T-SQL ADD column ... DEFAULT x WITH VALUES fills existing rows; PostgreSQL's ADD COLUMN ... DEFAULT always does
        if (c.eatWords('WITH', 'VALUES')) col.dropped.push('WITH VALUES (PostgreSQL fills existing rows with the default anyway)');
        return;
      }
      case 'AUTO_INCREMENT':
        c.i++;
        col.autoIncrement = true;
        return;
      case 'SERIAL':
        if (c.eatWords('SERIAL', 'DEFAULT', 'VALUE')) {
          col.autoIncrement = true;
          col.notNull = true;
          col.constraints.push({ kind: 'unique', columns: [{ col: col.name, raw: col.name.name }], dropped: [], raw: 'SERIAL DEFAULT VALUE' });
          return;
        }
        break;
      case 'IDENTITY': {
        c.i++;
        const id: NonNullable<ColumnDef['identity']> = { always: false, raw: 'IDENTITY', dropped: [] };
        if (c.isPunct('(')) {
          const s = c.i;
          const args = Cursor.splitCommas(c.balanced()).map((p) => p.map((x) => x.text).join(''));
          id.start = args[0];
          id.increment = args[1];
          id.raw += c.text(s);
        }
        col.identity = id;
        return;
      }
      case 'GENERATED': {
        c.i++;
        if (c.eatWords('ALWAYS', 'AS', 'ROW')) {
          c.expectWord('START', 'END');
          c.eatWord('HIDDEN');
          col.dropped.push('GENERATED ALWAYS AS ROW START/END (system-versioned period column)');
          return;
        }
        let always = false;
        if (c.eatWord('ALWAYS')) always = true;
        else {
          c.expectWord('BY');
          c.expectWord('DEFAULT');
        }
        const onNull = c.eatWords('ON', 'NULL');
        c.expectWord('AS');
        if (c.eatWord('IDENTITY')) {
          const id: NonNullable<ColumnDef['identity']> = { always, onNull, raw: c.text(attrStart), dropped: [] };
          if (c.isPunct('(')) this.parseIdentityOptions(c.sub(c.balanced()), id);
          id.raw = c.text(attrStart);
          col.identity = id;
          return;
        }
        this.parseGenerated(c, col);
        return;
      }
      case 'AS':
      case 'COMPUTED':
        c.i++;
        c.eatWord('BY');
        this.parseGenerated(c, col);
        return;
      case 'PRIMARY':
      case 'KEY': {
        if (w === 'PRIMARY') {
          c.i++;
          c.expectWord('KEY');
        } else c.i++;
        const cons: ConstraintDef = { kind: 'primary_key', name: cname, columns: [{ col: col.name, raw: col.name.name }], dropped: [], raw: '' };
        const cl = c.eatWord('CLUSTERED', 'NONCLUSTERED');
        if (cl) cons.clustered = cl;
        c.eatWord('ASC', 'DESC');
        this.eatIndexOptions(c, cons, true);
        this.eatStates(c, cons);
        cons.raw = c.text(attrStart);
        col.constraints.push(cons);
        return;
      }
      case 'UNIQUE': {
        c.i++;
        c.eatWord('KEY');
        const cons: ConstraintDef = { kind: 'unique', name: cname, columns: [{ col: col.name, raw: col.name.name }], dropped: [], raw: '' };
        const cl = c.eatWord('CLUSTERED', 'NONCLUSTERED');
        if (cl) cons.clustered = cl;
        this.eatIndexOptions(c, cons, true);
        this.eatStates(c, cons);
        cons.raw = c.text(attrStart);
        col.constraints.push(cons);
        return;
      }
      case 'CHECK': {
        c.i++;
        const nfr = c.eatWords('NOT', 'FOR', 'REPLICATION');
        const cons = this.parseCheckBody(c, cname);
        if (nfr) cons.dropped.push('NOT FOR REPLICATION');
        this.eatStates(c, cons);
        cons.raw = c.text(attrStart);
        col.constraints.push(cons);
        return;
      }
      case 'REFERENCES': {
        const cons: ConstraintDef = { kind: 'foreign_key', name: cname, columns: [{ col: col.name, raw: col.name.name }], dropped: [], raw: '' };
        this.parseReferences(c, cons);
        cons.raw = c.text(attrStart);
        col.constraints.push(cons);
        return;
      }
      case 'COMMENT': {
        c.i++;
        const s = c.next();
        if (s.kind !== 'string') throw c.error('expected a string after COMMENT');
        col.comment = s.value;
        return;
      }
      case 'ON':
        if (c.eatWords('ON', 'UPDATE')) {
          const s = c.i;
          c.parseExpr();
          col.onUpdate = c.text(s);
          return;
        }
        break;
      case 'COLLATE':
        c.i++;
        col.collate = c.next().text;
        return;
      case 'CHARACTER':
        if (c.eatWords('CHARACTER', 'SET')) {
          col.charset = c.next().text;
          return;
        }
        break;
      case 'CHARSET':
        c.i++;
        col.charset = c.next().text;
        return;
      case 'AFTER':
        if (this.dialect !== 'mysql') break;
        c.i++;
        col.dropped.push(`AFTER ${c.ident().name} (column position)`);
        return;
      case 'FIRST':
        if (this.dialect !== 'mysql') break;
        c.i++;
        col.dropped.push('FIRST (column position)');
        return;
      case 'COLUMN_FORMAT':
      case 'STORAGE':
      case 'SRID':
        c.i++;
        col.dropped.push(`${w} ${c.next().text}`);
        return;
      case 'INVISIBLE':
      case 'VISIBLE':
      case 'ROWGUIDCOL':
      case 'SPARSE':
      case 'FILESTREAM':
      case 'HIDDEN':
      case 'SORT':
      case 'NOSORT':
      case 'PERSISTED':
      case 'ENCRYPT':
        c.i++;
        col.dropped.push(w);
        return;
      case 'MASKED':
      case 'ENCRYPTED':
        c.i++;
        c.expectWord('WITH');
        c.balanced();
        col.dropped.push(c.text(attrStart));
        return;
      case 'DEFERRABLE':
      case 'INITIALLY':
      case 'USING':
        this.eatStates(c, col.constraints[col.constraints.length - 1]);
        return;
      default:
        if (STATE_WORDS.has(w)) {
          this.eatStates(c, col.constraints[col.constraints.length - 1]);
          return;
        }
    }
    throw c.error('unexpected column attribute');
  }

  private parseGenerated(c: Cursor, col: ColumnDef): void {
    const inner = c.balanced();
    const raw = inner.length ? this.src.slice(inner[0]!.start, inner[inner.length - 1]!.end) : '';
    const g: NonNullable<ColumnDef['generated']> = { raw, stored: false };
    try {
      const sub = c.sub(inner);
      g.expr = sub.parseExpr();
      if (!sub.done) throw sub.error('unexpected token in expression');
    } catch (err) {
      if (!(err instanceof ParseError)) throw err;
      g.error = err.message;
    }
    const kw = c.eatWord('VIRTUAL', 'STORED', 'PERSISTED', 'PERSISTENT');
    g.stored = kw === 'STORED' || kw === 'PERSISTED' || kw === 'PERSISTENT';
    col.generated = g;
  }

  private parseIdentityOptions(c: Cursor, id: NonNullable<ColumnDef['identity']>): void {
    while (!c.done) {
      if (c.eatWords('START', 'WITH')) {
        if (c.eatWords('LIMIT', 'VALUE')) id.dropped.push('START WITH LIMIT VALUE');
        else id.start = this.signedNumber(c);
      } else if (c.eatWords('INCREMENT', 'BY')) id.increment = this.signedNumber(c);
      else if (c.eatWord('MINVALUE', 'MAXVALUE', 'CACHE')) {
        id.dropped.push(`${c.peek(-1)?.upper ?? ''} ${this.signedNumber(c)}`);
      } else {
        id.dropped.push(c.next().text);
      }
      c.eatPunct(',');
    }
  }

  private signedNumber(c: Cursor): string {
    let sign = '';
    if (c.eatOp('-')) sign = '-';
    else c.eatOp('+');
    const t = c.next();
    if (t.kind !== 'number') throw c.error('expected a number');
    return sign + t.text;
  }

  /** Oracle constraint states and USING INDEX clauses, MySQL [NOT] ENFORCED. */
  private eatStates(c: Cursor, cons: ConstraintDef | undefined): void {
    const drop = (s: string) => cons?.dropped.push(s);
    for (;;) {
      if (c.isWord('ENABLE', 'VALIDATE', 'RELY', 'NORELY', 'ENFORCED')) drop(c.next().upper);
      else if (c.isWord('DISABLE')) {
        c.i++;
        if (cons) cons.disabled = true;
      } else if (c.eatWord('NOVALIDATE')) {
        if (cons) cons.novalidate = true;
      } else if (c.eatWords('NOT', 'ENFORCED')) {
        if (cons) cons.disabled = true;
      } else if (c.isWord('DEFERRABLE') || (c.isWord('NOT') && c.isWordAt(1, 'DEFERRABLE'))) {
        const not = !!c.eatWord('NOT');
        c.i++;
        if (cons) cons.deferrable = not ? undefined : 'DEFERRABLE';
      } else if (c.eatWord('INITIALLY')) {
        const w = c.expectWord('DEFERRED', 'IMMEDIATE');
        if (cons && cons.deferrable) cons.deferrable += ` INITIALLY ${w}`;
      } else if (c.isWord('USING') && c.isWordAt(1, 'INDEX')) {
        const s = c.i;
        c.i += 2;
        if (c.isPunct('(')) c.balanced();
        else {
          while (!c.done && !(c.isWord() && (COLUMN_ATTR_START.has(c.peek()!.upper) || STATE_WORDS.has(c.peek()!.upper)) && !c.isWord('ENABLE', 'DISABLE'))) {
            if (c.isPunct('(')) c.balanced();
            else c.i++;
            if (c.isWord('ENABLE', 'DISABLE')) break;
          }
        }
        drop(c.text(s));
      } else if (c.isWord('EXCEPTIONS') && c.isWordAt(1, 'INTO')) {
        c.i += 2;
        c.qname();
      } else return;
    }
  }

  /** MySQL/T-SQL index options after a key column list. */
  private eatIndexOptions(c: Cursor, cons: ConstraintDef | undefined, columnLevel = false): void {
    const drop = (s: string) => cons?.dropped.push(s);
    for (;;) {
      const s = c.i;
      if (columnLevel && (c.isWord('COMMENT', 'KEY_BLOCK_SIZE', 'VISIBLE', 'INVISIBLE') || (c.isWord('ON') && this.dialect !== 'sqlserver'))) return;
      if (c.eatWord('USING')) {
        if (c.isWord('INDEX')) {
          c.i = s;
          return;
        }
        const u = c.expectWord('BTREE', 'HASH', 'RTREE');
        if (cons) cons.using = u;
      } else if (c.isWord('WITH') && c.isPunct('(', 1)) {
        c.i++;
        c.balanced();
        drop(c.text(s));
      } else if (c.isWord('WITH') && c.isWordAt(1, 'FILLFACTOR') && c.isOp('=', 2)) {
        // T-SQL's older spelling: WITH FILLFACTOR = n
        c.i += 4;
        drop(c.text(s));
      } else if (c.isWord('WITH') && c.isWordAt(1, 'PARSER')) {
        c.i += 3;
        drop(c.text(s));
      } else if (c.isWord('ON') && !c.isWordAt(1, 'DELETE', 'UPDATE')) {
        c.i++;
        c.next();
        if (c.isPunct('(')) c.balanced();
        drop(c.text(s));
      } else if (c.eatWord('COMMENT')) {
        c.next();
        drop(c.text(s));
      } else if (c.eatWord('KEY_BLOCK_SIZE')) {
        c.eatOp('=');
        c.next();
        drop(c.text(s));
      } else if (c.eatWord('VISIBLE', 'INVISIBLE', 'IGNORED', 'NOT_IGNORED', 'CLUSTERED', 'NONCLUSTERED')) drop(c.text(s));
      else return;
    }
  }

  private parseCheckBody(c: Cursor, name: Ident | undefined): ConstraintDef {
    const inner = c.balanced();
    const checkRaw = inner.length ? this.src.slice(inner[0]!.start, inner[inner.length - 1]!.end) : '';
    const cons: ConstraintDef = { kind: 'check', name, columns: [], dropped: [], raw: '', checkRaw };
    try {
      const sub = c.sub(inner);
      cons.check = sub.parseExpr();
      if (!sub.done) throw sub.error('unexpected token in CHECK');
    } catch (err) {
      if (!(err instanceof ParseError)) throw err;
      cons.checkError = err.message;
    }
    return cons;
  }

  private parseReferences(c: Cursor, cons: ConstraintDef): void {
    c.expectWord('REFERENCES');
    cons.refTable = c.qname();
    if (c.isPunct('(')) cons.refColumns = Cursor.splitCommas(c.balanced()).map((p) => c.sub(p).ident());
    for (;;) {
      if (c.eatWords('ON', 'DELETE')) cons.onDelete = this.refAction(c);
      else if (c.eatWords('ON', 'UPDATE')) cons.onUpdate = this.refAction(c);
      else if (c.eatWord('MATCH')) cons.dropped.push(`MATCH ${c.expectWord('FULL', 'PARTIAL', 'SIMPLE')}`);
      else if (c.eatWords('NOT', 'FOR', 'REPLICATION')) cons.dropped.push('NOT FOR REPLICATION');
      else {
        const before = c.i;
        this.eatStates(c, cons);
        if (c.i === before) return;
      }
    }
  }

  private refAction(c: Cursor): RefAction {
    if (c.eatWord('CASCADE')) return 'CASCADE';
    if (c.eatWord('RESTRICT')) return 'RESTRICT';
    if (c.eatWords('SET', 'NULL')) return 'SET NULL';
    if (c.eatWords('SET', 'DEFAULT')) return 'SET DEFAULT';
    if (c.eatWords('NO', 'ACTION')) return 'NO ACTION';
    throw c.error('expected a referential action');
  }

  parseTableConstraint(c: Cursor): ConstraintDef {
    const start = c.i;
    let name: Ident | undefined;
    if (c.eatWord('CONSTRAINT')) {
      if (!c.isWord('PRIMARY', 'UNIQUE', 'FOREIGN', 'CHECK')) name = c.ident();
    }
    const w = c.expectWord('PRIMARY', 'UNIQUE', 'FOREIGN', 'CHECK', 'KEY', 'INDEX', 'FULLTEXT', 'SPATIAL', 'DEFAULT');
    let cons: ConstraintDef;
    const optName = () => {
      if (c.isIdentAt() && !c.isPunct('(') && !c.isWord('USING', 'CLUSTERED', 'NONCLUSTERED')) {
        const n = c.ident();
        if (!name) name = n;
      }
    };
    switch (w) {
      case 'PRIMARY':
      case 'UNIQUE':
      case 'KEY':
      case 'INDEX':
      case 'FULLTEXT':
      case 'SPATIAL': {
        const kind = w === 'PRIMARY' ? 'primary_key' : w === 'UNIQUE' ? 'unique' : w === 'FULLTEXT' ? 'fulltext' : w === 'SPATIAL' ? 'spatial' : 'index';
        if (w === 'PRIMARY') c.expectWord('KEY');
        else if (w !== 'KEY' && w !== 'INDEX') c.eatWord('KEY', 'INDEX');
        cons = { kind, columns: [], dropped: [], raw: '' };
        const cl = c.eatWord('CLUSTERED', 'NONCLUSTERED');
        if (cl) cons.clustered = cl;
        if (kind !== 'primary_key' || this.dialect === 'mysql') optName();
        const cl2 = c.eatWord('CLUSTERED', 'NONCLUSTERED');
        if (cl2) cons.clustered = cl2;
        if (c.eatWord('USING')) cons.using = c.expectWord('BTREE', 'HASH', 'RTREE');
        cons.columns = this.parseIndexCols(c);
        this.eatIndexOptions(c, cons);
        this.eatStates(c, cons);
        break;
      }
      case 'FOREIGN':
        c.expectWord('KEY');
        optName();
        cons = { kind: 'foreign_key', columns: [], dropped: [], raw: '' };
        cons.columns = this.parseIndexCols(c);
        this.parseReferences(c, cons);
        break;
      case 'CHECK':
        c.eatWords('NOT', 'FOR', 'REPLICATION');
        cons = this.parseCheckBody(c, undefined);
        this.eatStates(c, cons);
        break;
      default:
        throw c.error('unexpected constraint');
    }
    cons.name = name;
    cons.raw = c.text(start);
    return cons;
  }

  private parseIndexCols(c: Cursor): IndexCol[] {
    return Cursor.splitCommas(c.balanced()).map((part) => {
      const s = c.sub(part);
      const raw = part.length ? this.src.slice(part[0]!.start, part[part.length - 1]!.end) : '';
      const col: IndexCol = { raw };
      const isName = s.isIdentAt() && !s.isPunct('.', 1);
      const mysqlPrefix = this.dialect === 'mysql' && s.isPunct('(', 1) && part[2]?.kind === 'number' && s.isPunct(')', 3);
      if (isName && (!s.isPunct('(', 1) || mysqlPrefix)) {
        col.col = s.ident();
        if (mysqlPrefix) col.prefix = s.balanced().map((t) => t.text).join('');
      } else {
        col.expr = s.parseExpr();
      }
      const dir = s.eatWord('ASC', 'DESC');
      if (dir === 'DESC') col.desc = true;
      s.eatWords('NULLS', 'FIRST') || s.eatWords('NULLS', 'LAST');
      if (!s.done) throw s.error('unexpected token in key column list');
      return col;
    });
  }

  private parseTableOptions(table: CreateTable): void {
    while (!this.done) {
      const s = this.i;
      if (this.eatPunct(',')) continue;
      if (this.dialect === 'sqlserver' && this.isWord('ON') && this.isIdentAt(1) && this.isPunct('(', 2)) {
        // T-SQL ON partition_scheme (column): later options (WITH (...), TEXTIMAGE_ON) still follow
        this.i += 2;
        this.balanced();
        table.partition = this.text(s);
        continue;
      }
      if (this.isWord('PARTITION', 'SUBPARTITION') || (this.isWord('ON') && this.isIdentAt(1) && this.isPunct('(', 2))) {
        table.partition = this.text(s, this.toks.length);
        this.i = this.toks.length;
        return;
      }
      if (this.isWord('AS', 'SELECT') || (this.isWord('IGNORE', 'REPLACE') && this.isWordAt(1, 'AS', 'SELECT'))) {
        table.asSelect = true;
        this.i = this.toks.length;
        return;
      }
      if (this.eatWord('COMMENT')) {
        this.eatOp('=');
        const t = this.next();
        if (t.kind !== 'string') throw this.error('expected a string after COMMENT');
        table.comment = t.value;
        continue;
      }
      if (this.eatWord('AUTO_INCREMENT')) {
        this.eatOp('=');
        table.autoIncrement = this.next().text;
        continue;
      }
      if (this.isWord('ORGANIZATION') && this.isWordAt(1, 'INDEX', 'HEAP')) {
        this.i += 2;
        table.droppedOptions.push(this.text(s));
        continue;
      }
      if (this.eatWords('ORGANIZATION', 'EXTERNAL')) {
        table.external = true;
        this.i = this.toks.length;
        return;
      }
      if (this.isWord('WITH') && this.isPunct('(', 1)) {
        this.i++;
        const inner = this.balanced();
        if (inner.some((t) => t.upper === 'SYSTEM_VERSIONING')) table.systemVersioning = true;
        table.droppedOptions.push(this.text(s));
        continue;
      }
      if (this.isWord('LOB', 'VARRAY', 'NESTED', 'XMLTYPE') && this.isPunct('(', 1)) {
        // LOB (col) STORE AS [SECUREFILE] [name] (storage)
        this.i++;
        this.balanced();
        while (!this.done && !this.isPunct(',') && !this.isWord('LOB', 'TABLESPACE', 'PARTITION', 'PCTFREE', 'STORAGE', 'LOGGING', 'NOLOGGING')) {
          if (this.isPunct('(')) this.balanced();
          else this.i++;
        }
        table.droppedOptions.push(this.text(s));
        continue;
      }
      const t = this.next();
      if (t.kind === 'word') {
        if (this.eatOp('=')) {
          if (this.isPunct('(')) this.balanced();
          else this.next();
        } else if (this.isWord('SET') && (t.upper === 'CHARACTER' || t.upper === 'DEFAULT')) {
          continue;
        } else if (this.isPunct('(')) {
          this.balanced();
        } else if (!this.done && ['number', 'string', 'qident'].includes(this.peek()!.kind)) {
          this.i++;
        }
        table.droppedOptions.push(this.text(s));
        continue;
      }
      if (t.kind === 'punct' && t.text === '(') {
        this.i--;
        this.balanced();
      }
      table.droppedOptions.push(this.text(s));
    }
  }

  // ------------------------------------------------------------------ INDEX

  private parseCreateIndex(variants: string[]): CreateIndex {
    this.expectWord('INDEX');
    this.eatWords('IF', 'NOT', 'EXISTS');
    this.eatWord('ONLINE');
    const name = this.qname();
    const idx: CreateIndex = {
      kind: 'create_index', unique: variants.includes('UNIQUE'), name, table: name, columns: [], droppedOptions: [], raw: this.raw,
    };
    const variant = variants.find((v) => v !== 'UNIQUE');
    if (variant) idx.variant = variant;
    if (this.eatWord('USING')) idx.using = this.next().upper;
    this.expectWord('ON');
    if (this.isWord('CLUSTER')) throw this.error('indexes on Oracle clusters are not supported');
    idx.table = this.qname();
    if (this.eatWord('USING')) idx.using = this.next().upper;
    idx.columns = this.parseIndexCols(this);
    while (!this.done) {
      const s = this.i;
      if (this.eatWord('INCLUDE')) {
        idx.include = Cursor.splitCommas(this.balanced()).map((p) => this.sub(p).ident());
        continue;
      }
      if (this.eatWord('WHERE')) {
        const ws = this.i;
        try {
          idx.where = this.parseExpr();
          idx.whereRaw = this.text(ws);
        } catch (err) {
          if (!(err instanceof ParseError)) throw err;
          idx.whereError = err.message;
          while (!this.done && !this.isWord('WITH', 'ON')) this.i++;
          idx.whereRaw = this.text(ws);
        }
        continue;
      }
      if (this.eatWord('USING') && !this.isWord('INDEX')) {
        idx.using = this.next().upper;
        continue;
      }
      const t = this.next();
      if (t.kind === 'word' && this.eatOp('=')) this.next();
      else if (t.kind === 'word' && this.isPunct('(')) this.balanced();
      else if (t.kind === 'word' && !this.done && ['number', 'qident', 'string'].includes(this.peek()!.kind)) this.i++;
      else if (t.kind === 'punct' && t.text === '(') {
        this.i--;
        this.balanced();
      }
      idx.droppedOptions.push(this.text(s));
    }
    return idx;
  }

  // ------------------------------------------------------------------ ALTER

  private parseAlterTable(): AlterTable {
    this.expectWord('ALTER');
    this.eatWord('ONLINE', 'IGNORE');
    this.expectWord('TABLE');
    this.eatWords('IF', 'EXISTS');
    this.eatWord('ONLY');
    const table = this.qname();
    const alter: AlterTable = { kind: 'alter_table', table, actions: [], raw: this.raw };
    if (this.eatWords('WITH', 'NOCHECK')) alter.nocheck = true;
    else this.eatWords('WITH', 'CHECK');
    const parts = Cursor.splitCommas(this.toks.slice(this.i));
    this.i = this.toks.length;
    let last: 'add' | 'modify' | undefined;
    for (const part of parts) {
      const c = this.sub(part);
      const actions = this.parseAlterAction(c, last);
      for (const a of actions) {
        alter.actions.push(a);
        last = a.a === 'add_column' || a.a === 'add_constraint' ? 'add' : a.a === 'modify_column' ? 'modify' : undefined;
      }
      if (!c.done && alter.actions.length) {
        const raw = c.text(0, part.length);
        alter.actions.push({ a: 'other', raw });
      }
    }
    return alter;
  }

  private parseAlterAction(c: Cursor, last: 'add' | 'modify' | undefined): AlterAction[] {
    const raw = c.text(0, c.toks.length);
    const start = c.i;
    if (c.eatWord('ADD')) {
      if (c.isPunct('(')) {
        // Oracle: ADD ( constraint, constraint ) or ADD ( column, column )
        const inner = Cursor.splitCommas(c.balanced());
        return inner.map((p) => this.addItem(c.sub(p)));
      }
      c.eatWord('COLUMN');
      return [this.addItem(c)];
    }
    if (c.isWord('MODIFY')) {
      c.i++;
      c.eatWord('COLUMN');
      if (c.isPunct('(')) {
        const inner = Cursor.splitCommas(c.balanced());
        return inner.map((p) => this.modifyItem(c.sub(p)));
      }
      if (c.isWord('CONSTRAINT', 'PRIMARY', 'UNIQUE')) {
        c.i = c.toks.length;
        return [{ a: 'noop', reason: 'Oracle MODIFY CONSTRAINT changes constraint state only', raw }];
      }
      return [this.modifyItem(c)];
    }
    if (c.eatWord('CHANGE')) {
      c.eatWord('COLUMN');
      const oldName = c.ident();
      const col = this.parseColumn(c, false);
      return [{ a: 'modify_column', col, oldName, partial: false }];
    }
    if (c.isWord('ALTER')) {
      c.i++;
      c.eatWord('COLUMN');
      const column = c.ident();
      if (c.eatWords('SET', 'DEFAULT')) {
        const s = c.i;
        const expr = c.parseExpr();
        return [{ a: 'set_default', column, expr, raw: c.text(s) }];
      }
      if (c.eatWords('DROP', 'DEFAULT')) return [{ a: 'set_default', column, raw }];
      if (this.dialect === 'sqlserver') {
        // T-SQL ALTER COLUMN restates the whole column definition.
        c.i = start + 1;
        c.eatWord('COLUMN');
        const col = this.parseColumn(c, false);
        return [{ a: 'modify_column', col, partial: false }];
      }
      c.i = c.toks.length;
      return [{ a: 'other', raw }];
    }
    if (c.eatWord('AUTO_INCREMENT')) {
      c.eatOp('=');
      return [{ a: 'auto_increment', value: c.next().text }];
    }
    if (c.isWord('DISABLE', 'ENABLE') && c.isWordAt(1, 'KEYS')) {
      c.i += 2;
      return [{ a: 'noop', reason: 'MySQL DISABLE/ENABLE KEYS only speeds up a data load', raw }];
    }
    if (c.isWord('CHECK', 'NOCHECK') && c.isWordAt(1, 'CONSTRAINT')) {
      c.i = c.toks.length;
      return [{ a: 'noop', reason: 'T-SQL CHECK/NOCHECK CONSTRAINT toggles enforcement; constraints are created enforced', raw }];
    }
    if (c.isWord('ENGINE', 'DEFAULT', 'CHARSET', 'CHARACTER', 'COLLATE', 'ROW_FORMAT', 'COMMENT', 'CONVERT')) {
      c.i = c.toks.length;
      return [{ a: 'options', dropped: [raw], raw }];
    }
    // Oracle allows "ADD CONSTRAINT a ..., CONSTRAINT b ..." after one ADD.
    if (last === 'add' && c.isWord('CONSTRAINT', 'PRIMARY', 'UNIQUE', 'FOREIGN', 'CHECK')) return [this.addItem(c)];
    const actionWord = c.isWord('DROP', 'RENAME', 'ALTER', 'MODIFY', 'CHANGE', 'ADD', 'ENABLE', 'DISABLE', 'MOVE', 'TRUNCATE', 'SET', 'ORDER', 'CONVERT', 'FORCE', 'LOCK', 'ALGORITHM');
    if (last === 'add' && c.isIdentAt() && !actionWord) return [this.addItem(c)];
    if (last === 'modify' && c.isIdentAt() && !actionWord) return [this.modifyItem(c)];
    c.i = c.toks.length;
    return [{ a: 'other', raw }];
  }

  private addItem(c: Cursor): AlterAction {
    if (c.isWord('CONSTRAINT') && c.isIdentAt(1) && c.isWordAt(2, 'DEFAULT')) {
      // T-SQL named default: ADD CONSTRAINT df DEFAULT (expr) FOR col
      c.i++;
      const name = c.ident();
      c.expectWord('DEFAULT');
      const s = c.i;
      const expr = c.parseExpr();
      const raw = c.text(s);
      c.expectWord('FOR');
      const column = c.ident();
      return { a: 'set_default', column, expr, raw, name };
    }
    if (c.isWord('DEFAULT') && this.dialect === 'sqlserver') {
      c.i++;
      const s = c.i;
      const expr = c.parseExpr();
      const raw = c.text(s);
      c.expectWord('FOR');
      return { a: 'set_default', column: c.ident(), expr, raw };
    }
    if (this.isTableConstraintStart(c) || c.isWord('KEY', 'INDEX')) return { a: 'add_constraint', c: this.parseTableConstraint(c) };
    return { a: 'add_column', col: this.parseColumn(c, false) };
  }

  private modifyItem(c: Cursor): AlterAction {
    const col = this.parseColumn(c, this.dialect === 'oracle');
    return { a: 'modify_column', col, partial: !col.type };
  }

  // -------------------------------------------------------------- SEQUENCE

  private parseCreateSequence(): CreateSequence {
    this.expectWord('SEQUENCE');
    this.eatWords('IF', 'NOT', 'EXISTS');
    const seq: CreateSequence = { kind: 'create_sequence', name: this.qname(), dropped: [], raw: this.raw };
    while (!this.done) {
      const s = this.i;
      if (this.eatWords('START', 'WITH') || this.eatWord('START')) seq.start = this.signedNumber(this);
      else if (this.eatWords('INCREMENT', 'BY') || this.eatWord('INCREMENT')) {
        this.eatOp('=');
        seq.increment = this.signedNumber(this);
      } else if (this.eatWord('MINVALUE')) {
        this.eatOp('=');
        seq.min = this.signedNumber(this);
      } else if (this.eatWord('MAXVALUE')) {
        this.eatOp('=');
        seq.max = this.signedNumber(this);
      } else if (this.eatWord('NOMINVALUE') || this.eatWords('NO', 'MINVALUE')) seq.noMin = true;
      else if (this.eatWord('NOMAXVALUE') || this.eatWords('NO', 'MAXVALUE')) seq.noMax = true;
      else if (this.eatWord('CACHE')) {
        this.eatOp('=');
        if (this.peek()?.kind === 'number' || this.isOp('-')) seq.cache = this.signedNumber(this);
      } else if (this.eatWord('NOCACHE') || this.eatWords('NO', 'CACHE')) seq.noCache = true;
      else if (this.eatWord('CYCLE')) seq.cycle = true;
      else if (this.eatWord('NOCYCLE') || this.eatWords('NO', 'CYCLE')) seq.cycle = false;
      else if (this.eatWord('AS')) seq.asType = this.parseType();
      else if (this.eatWord('ORDER', 'NOORDER', 'KEEP', 'NOKEEP', 'NOSCALE', 'SESSION', 'GLOBAL', 'NOSHARD', 'NOPARTITION', 'NOEXTEND', 'EXTEND')) {
        seq.dropped.push(this.text(s));
      } else if (this.eatWord('SCALE', 'SHARD')) {
        this.eatWord('EXTEND', 'NOEXTEND');
        seq.dropped.push(this.text(s));
      } else if (this.eatPunct(',')) continue;
      else throw this.error('unexpected sequence option');
    }
    return seq;
  }

  // --------------------------------------------------------------- TRIGGER

  private parseCreateTrigger(): CreateTrigger {
    this.expectWord('TRIGGER');
    this.eatWords('IF', 'NOT', 'EXISTS');
    const name = this.qname();
    const trg: CreateTrigger = { kind: 'create_trigger', name, events: [], forEachRow: false, body: [], raw: this.raw };
    let tableSeen = false;
    while (!this.done) {
      if (this.eatWord('BEFORE', 'AFTER')) trg.timing = this.peek(-1)!.upper;
      else if (this.eatWords('INSTEAD', 'OF')) trg.timing = 'INSTEAD OF';
      else if (this.isWord('INSERT', 'UPDATE', 'DELETE') && (this.dialect === 'sqlserver' || !tableSeen)) {
        trg.events.push(this.next().upper);
        if (this.eatWord('OF')) {
          while (this.isIdentAt() && !this.isWord('ON', 'OR')) {
            this.ident();
            this.eatPunct(',');
          }
        }
      } else if (this.eatWord('OR') || this.eatPunct(',')) continue;
      else if (!tableSeen && this.eatWord('ON')) {
        if (this.eatWord('DATABASE', 'SCHEMA', 'ALL')) {
          this.eatWord('SERVER');
        } else trg.table = this.qname();
        tableSeen = true;
      } else if (this.eatWords('FOR', 'EACH', 'ROW')) trg.forEachRow = true;
      else if (this.eatWords('FOR', 'EACH', 'STATEMENT')) continue;
      else if (this.dialect === 'sqlserver' && this.eatWord('FOR')) trg.timing = 'AFTER';
      else if (this.eatWord('REFERENCING')) {
        while (this.isWord('NEW', 'OLD', 'PARENT', 'AS') || (this.isIdentAt() && !this.isWord('FOR', 'WHEN', 'BEGIN', 'DECLARE'))) this.i++;
      } else if (this.eatWord('FOLLOWS', 'PRECEDES')) this.qname();
      else if (this.eatWord('ENABLE', 'DISABLE')) continue;
      else if (this.eatWord('WHEN')) this.balanced();
      else if (this.dialect === 'sqlserver' && this.eatWords('WITH', 'APPEND')) continue;
      else if (this.dialect === 'sqlserver' && (this.eatWords('NOT', 'FOR', 'REPLICATION') || this.eatWords('WITH', 'EXECUTE', 'AS'))) continue;
      else break;
    }
    trg.body = this.toks.slice(this.i);
    this.i = this.toks.length;
    return trg;
  }

  // ------------------------------------------------------------------ VIEW

  private parseCreateView(materialized: boolean): CreateView {
    if (materialized) this.expectWord('MATERIALIZED');
    this.expectWord('VIEW');
    this.eatWords('IF', 'NOT', 'EXISTS');
    const name = this.qname();
    const view: CreateView = { kind: 'create_view', name, body: [], readOnly: false, materialized, dropped: [], raw: this.raw };
    if (this.isPunct('(')) {
      view.columns = Cursor.splitCommas(this.balanced()).map((p) => this.sub(p).ident());
    }
    while (!this.isWord('AS')) {
      if (this.done) throw this.error('expected AS in CREATE VIEW');
      const s = this.i;
      if (this.isWord('WITH')) {
        this.i++;
        while (this.isWord('SCHEMABINDING', 'ENCRYPTION', 'VIEW_METADATA') || this.isPunct(',')) this.i++;
      } else if (this.isPunct('(')) this.balanced();
      else this.i++;
      view.dropped.push(this.text(s));
    }
    this.expectWord('AS');
    let end = this.toks.length;
    const at = (k: number, w: string) => this.toks[k]?.kind === 'word' && this.toks[k]!.upper === w;
    // Trailing WITH READ ONLY / WITH [CASCADED|LOCAL] CHECK OPTION [CONSTRAINT name]
    for (let k = this.i; k < this.toks.length; k++) {
      if (!at(k, 'WITH')) continue;
      if (at(k + 1, 'READ') && at(k + 2, 'ONLY')) {
        view.readOnly = true;
        end = Math.min(end, k);
      } else if (at(k + 1, 'CHECK') && at(k + 2, 'OPTION')) {
        view.checkOption = 'WITH CHECK OPTION';
        end = Math.min(end, k);
      } else if ((at(k + 1, 'CASCADED') || at(k + 1, 'LOCAL')) && at(k + 2, 'CHECK')) {
        view.checkOption = `WITH ${this.toks[k + 1]!.upper} CHECK OPTION`;
        end = Math.min(end, k);
      }
    }
    view.body = this.toks.slice(this.i, end);
    this.i = this.toks.length;
    if (view.body.length === 0) throw this.error('empty view body');
    return view;
  }

  // --------------------------------------------------------------- COMMENT

  private parseComment(): CommentOn | Statement {
    this.expectWord('COMMENT');
    this.expectWord('ON');
    let target = this.next().upper;
    if (target === 'MATERIALIZED') {
      this.expectWord('VIEW');
      target = 'MATERIALIZED VIEW';
    }
    if (!['TABLE', 'COLUMN', 'VIEW', 'MATERIALIZED VIEW'].includes(target)) {
      return { kind: 'skip', reason: `COMMENT ON ${target} has no PostgreSQL counterpart here`, raw: this.raw };
    }
    const parts = [this.ident()];
    while (this.eatPunct('.')) parts.push(this.ident());
    this.expectWord('IS');
    const s = this.next();
    if (s.kind !== 'string') throw this.error('expected a string literal after IS');
    let text = s.value;
    while (this.eatOp('||')) {
      const n = this.next();
      if (n.kind !== 'string') throw this.error('expected a string literal');
      text += n.value;
    }
    if (!this.done) throw this.error('unexpected token after comment text');
    if (target === 'COLUMN') {
      if (parts.length < 2) throw this.error('COMMENT ON COLUMN needs table.column');
      const column = parts.pop()!;
      const name = parts.pop()!;
      const schema = parts.pop();
      return { kind: 'comment', target: 'column', table: schema ? { schema, name } : { name }, column, text, raw: this.raw };
    }
    const name = parts.pop()!;
    const schema = parts.pop();
    return { kind: 'comment', target: target.toLowerCase(), table: schema ? { schema, name } : { name }, text, raw: this.raw };
  }

  // ------------------------------------------------------------------ TYPE

  private parseCreateType(): Statement {
    this.expectWord('TYPE');
    if (this.isWord('BODY')) {
      this.i++;
      const name = qnameText(this.qname());
      return { kind: 'create_routine', objectKind: 'type body', name: { name: { name, quoted: false } }, raw: this.raw };
    }
    const name = this.qname();
    if (this.dialect === 'sqlserver' && this.eatWord('FROM')) {
      const alias = this.parseType();
      let aliasNotNull = false;
      if (this.eatWords('NOT', 'NULL')) aliasNotNull = true;
      else this.eatWord('NULL');
      const t: CreateType = { kind: 'create_type', name, alias, aliasNotNull, raw: this.raw };
      return t;
    }
    this.eatWord('FORCE');
    this.eatWord('AS', 'IS', 'UNDER');
    const what = this.isWord('OBJECT') ? 'object type' : this.isWord('TABLE', 'VARRAY', 'VARYING') ? 'collection type' : 'user-defined type';
    return this.unsupported('type', qnameText(name), 'type', `${what} has no direct PostgreSQL equivalent`, 'Map to a composite type, domain or array type by hand (methods become functions)', 'medium');
  }

  // ------------------------------------------------------------------ EXEC

  private parseExec(): Statement {
    this.i++;
    const target = this.isIdentAt() ? qnameText(this.qname()) : '';
    if (/sp_addextendedproperty$/i.test(target)) {
      const args = Cursor.splitCommas(this.toks.slice(this.i)).map((p) => {
        const c = this.sub(p);
        let key: string | undefined;
        if (c.peek()?.kind === 'var' && c.isOp('=', 1)) {
          key = c.next().text.slice(1).toLowerCase();
          c.i++;
        }
        const t = c.peek();
        return { key, value: t ? (t.kind === 'string' || t.kind === 'qident' || t.kind === 'word' ? t.value : t.text) : '' };
      });
      const order = ['name', 'value', 'level0type', 'level0name', 'level1type', 'level1name', 'level2type', 'level2name'];
      const named: Record<string, string> = {};
      args.forEach((a, k) => {
        named[a.key ?? order[k] ?? `arg${k}`] = a.value;
      });
      this.i = this.toks.length;
      if ((named['name'] ?? '').toUpperCase() === 'MS_DESCRIPTION' && /^(TABLE|VIEW)$/i.test(named['level1type'] ?? '')) {
        const ep: ExtendedProperty = { kind: 'ext_property', table: named['level1name'], text: named['value'] ?? '', raw: this.raw };
        if ((named['level2type'] ?? '').toUpperCase() === 'COLUMN') ep.column = named['level2name'];
        return ep;
      }
      return { kind: 'skip', reason: 'extended property other than a table/column MS_Description', raw: this.raw };
    }
    return this.unsupported('procedure_call', target, 'procedure', `procedure call ${target} in the schema script`, 'Check what the call does and reproduce its effect by hand', 'simple');
  }
}

export function parseStatement(tokens: Token[], dialect: Dialect, src: string): Statement {
  return new DdlParser(tokens, dialect, src).parse();
}

export const qnameToText = qnameText;
export type { Expr };
