/**
 * PostgreSQL keywords that quote_ident() quotes: reserved, type/function-name and column-name keywords.
 * Unreserved keywords (date, year, name, value...) are fine unquoted.
 */
const PG_KEYWORDS = new Set(
  `all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create
current_catalog current_date current_role current_time current_timestamp current_user default deferrable desc distinct do
else end except false fetch for foreign from grant group having in initially intersect into lateral leading limit
localtime localtimestamp not null offset on only or order placing primary references returning select session_user some
symmetric system_user table then to trailing true union unique user using variadic when where window with
authorization binary collation concurrently cross current_schema freeze full ilike inner is isnull join left like natural
notnull outer overlaps right similar tablesample verbose
between bigint bit boolean char character coalesce dec decimal exists extract float greatest grouping inout int integer
interval json json_array json_arrayagg json_exists json_object json_objectagg json_query json_scalar json_serialize
json_table json_value least merge_action national nchar none normalize nullif numeric out overlay position precision real
row setof smallint substring time timestamp treat trim values varchar xmlattributes xmlconcat xmlelement xmlexists
xmlforest xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable`.split(/\s+/),
);

export const MAX_IDENT_BYTES = 63;

const encoder = new TextEncoder();
const byteLength = (s: string) => encoder.encode(s).length;

export function needsQuote(name: string): boolean {
  return !/^[a-z_][a-z0-9_]*$/.test(name) || PG_KEYWORDS.has(name);
}

export function quoteIdent(name: string): string {
  return needsQuote(name) ? `"${name.replace(/"/g, '""')}"` : name;
}

/** Cuts a name to PostgreSQL's 63-byte limit without splitting a UTF-8 character. */
export function truncateIdent(name: string): string {
  if (byteLength(name) <= MAX_IDENT_BYTES) return name;
  let out = '';
  for (const ch of name) {
    if (byteLength(out + ch) > MAX_IDENT_BYTES) break;
    out += ch;
  }
  return out;
}

/** Downcased (pgloader's default) and truncated form of a source identifier. */
export function pgName(name: string): string {
  return truncateIdent(name.toLowerCase());
}

export function quoteLiteral(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/**
 * Schema-wide names: tables, views, sequences, indexes and types share one namespace in PostgreSQL
 * (a table's row type blocks a type of the same name), while MySQL and SQL Server scope index names per table.
 */
export class NameRegistry {
  private used = new Set<string>();

  has(name: string): boolean {
    return this.used.has(name);
  }

  reserve(name: string): void {
    this.used.add(name);
  }

  release(name: string): void {
    this.used.delete(name);
  }

  /** Returns the name, or name_2, name_3... when taken; always within 63 bytes. */
  claim(name: string): string {
    const base = truncateIdent(name);
    let candidate = base;
    for (let n = 2; this.used.has(candidate); n++) {
      const suffix = `_${n}`;
      let stem = base;
      while (byteLength(stem + suffix) > MAX_IDENT_BYTES) stem = [...stem].slice(0, -1).join('');
      candidate = stem + suffix;
    }
    this.used.add(candidate);
    return candidate;
  }
}
