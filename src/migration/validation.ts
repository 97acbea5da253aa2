/** Validation queries in each system's own dialect: row counts, column aggregates, then row hashes. */
import type { TypeKind } from './convert/types.js';
export type Dialect = 'postgresql' | 'mysql' | 'sqlserver' | 'oracle' | 'mongodb' | 'generic';

export type ValidationQuery = {
  check: 'row_count' | 'column_aggregates' | 'checksum';
  table: string;
  query: string;
  note?: string;
};

/** One table as each side names it: name, key and columns already quoted for that side's dialect. */
export interface TableSpec {
  name: string;
  key: string;
  columns: string[];
  /** The columns' kinds after conversion (when known): values must render alike on both sides. */
  kinds?: (TypeKind | undefined)[];
  keyKind?: TypeKind;
}

/**
 * Decimal places every exact numeric renders with in a checksum, on both sides. A declared scale up
 * to this renders exactly (zeros appended); beyond it both sides round alike (half away from zero),
 * so a difference past the 10th decimal goes unseen. Sources render a NUMBER or DECIMAL as they
 * store it (Oracle TO_CHAR(12.5) is '12.5' and TO_CHAR(0.5) '.5'; PostgreSQL numeric(10,2) prints
 * '12.50'), so without a fixed scale equal values hash differently.
 */
export const CHECKSUM_SCALE = 10;
/** Oracle number format: FM drops the padding; the 0 before the point keeps a leading zero; 28 integer digits. */
const ORACLE_NUMBER_FORMAT = `FM${'9'.repeat(27)}0.${'0'.repeat(CHECKSUM_SCALE)}`;
/** ISO 8601 in UTC, to the second: the fraction is left out (SQL Server datetime keeps 1/300 s, MySQL DATETIME none by default). */
const PG_ISO = `'YYYY-MM-DD"T"HH24:MI:SS"Z"'`;

/**
 * How a column's value renders as text in each dialect, alike on both sides; undefined: leave it
 * out of the hash. Exported for the tests, which run the PostgreSQL side in PGlite.
 */
export function canonical(dialect: Dialect, c: string, kind: TypeKind | undefined): string | undefined {
  switch (kind) {
    case 'bool':
      // MySQL's BIT(1) is a byte in string context: + 0 makes it (and tinyint(1)) a number
      return { postgresql: `(${c})::int`, mysql: `(${c} + 0)`, sqlserver: `CAST(${c} AS INT)`, oracle: `TO_CHAR(${c})` }[dialect as 'postgresql'] ?? c;
    case 'numeric':
      // round(numeric, s) returns exactly s decimals in PostgreSQL; a DECIMAL cast prints its declared scale in MySQL and SQL Server
      return {
        postgresql: `round((${c})::numeric, ${CHECKSUM_SCALE})`, mysql: `CAST(${c} AS DECIMAL(65, ${CHECKSUM_SCALE}))`,
        sqlserver: `CAST(${c} AS DECIMAL(38, ${CHECKSUM_SCALE}))`, oracle: `TO_CHAR(${c}, '${ORACLE_NUMBER_FORMAT}')`,
      }[dialect as 'postgresql'] ?? c;
    case 'timestamp':
      // UTC whatever the session's zone: a timestamptz is shifted to UTC, a timestamp without zone printed as stored
      return {
        postgresql: `CASE WHEN pg_typeof(${c}) = 'timestamptz'::regtype THEN to_char(${c} AT TIME ZONE 'UTC', ${PG_ISO}) ELSE to_char(${c}, ${PG_ISO}) END`,
        mysql: `DATE_FORMAT(${c}, '%Y-%m-%dT%H:%i:%sZ')`,
        sqlserver: `CONVERT(VARCHAR(19), SWITCHOFFSET(${c}, '+00:00'), 126) + 'Z'`,
        oracle: `TO_CHAR(SYS_EXTRACT_UTC(CAST(${c} AS TIMESTAMP WITH TIME ZONE)), 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`,
      }[dialect as 'postgresql'] ?? c;
    case 'date':
      return {
        postgresql: `to_char(${c}, 'YYYY-MM-DD')`, mysql: `DATE_FORMAT(${c}, '%Y-%m-%d')`, sqlserver: `CONVERT(VARCHAR(10), ${c}, 23)`, oracle: `TO_CHAR(${c}, 'YYYY-MM-DD')`,
      }[dialect as 'postgresql'] ?? c;
    case 'uuid':
      return {
        postgresql: `replace(${c}::text, '-', '')`, mysql: `LOWER(REPLACE(${c}, '-', ''))`,
        sqlserver: `LOWER(REPLACE(CAST(${c} AS VARCHAR(36)), '-', ''))`, oracle: `LOWER(RAWTOHEX(${c}))`,
      }[dialect as 'postgresql'] ?? c;
    case 'bytes':
    case 'geo':
    case 'xml':
      return undefined; // large or binary: compared by count and length, not hashed
    default:
      return c;
  }
}

/** How a source session must be set for its timestamps to render in UTC (PostgreSQL's side needs nothing). */
const UTC_SESSION: Partial<Record<Dialect, string>> = {
  mysql: "run in a session with SET time_zone = '+00:00': TIMESTAMP columns are shown in the session's zone, DATETIME as stored",
  oracle: "run after ALTER SESSION SET TIME_ZONE = 'UTC': DATE and TIMESTAMP without zone are read in the session's zone when cast",
};

const DIALECT_OF: Record<string, Dialect> = {
  postgresql: 'postgresql', 'aurora-postgresql': 'postgresql', 'aurora-mysql': 'mysql', cockroachdb: 'postgresql', yugabytedb: 'postgresql', timescaledb: 'postgresql',
  mysql: 'mysql', mariadb: 'mysql', tidb: 'mysql', sqlserver: 'sqlserver', oracle: 'oracle', mongodb: 'mongodb',
};

export const dialectOf = (id: string): Dialect => DIALECT_OF[id] ?? 'generic';

/**
 * The checksum hashes each row's columns as text joined by '|' (NULL as the empty string) with
 * MD5, takes the first 15 hex digits as a number and sums them: the same on every engine, and
 * independent of row order. Values must render alike on both sides (cast dates to ISO text).
 */
export function validationQueries(dialect: Dialect, t: TableSpec): ValidationQuery[] {
  const all = t.columns.length ? t.columns : [t.key];
  const first = all[0]!;
  // Values render alike on both sides (dates as ISO text, booleans as 0/1, uuids as bare hex);
  // binary and spatial columns are left out of the hash.
  const rendered = all.map((c, k) => canonical(dialect, c, t.kinds?.[k]));
  const cols = rendered.filter((c): c is string => c !== undefined);
  if (cols.length === 0) cols.push(first);
  // min/max of a uuid or boolean key: PostgreSQL has neither for those types
  const key = t.keyKind === 'uuid' || t.keyKind === 'bool' ? canonical(dialect, t.key, t.keyKind)! : t.key;
  const hasTime = t.kinds?.includes('timestamp') ?? false;
  switch (dialect) {
    case 'postgresql': {
      const row = cols.map((c) => `coalesce(${c}::text, '')`).join(` || '|' || `);
      return [
        { check: 'row_count', table: t.name, query: `SELECT count(*) FROM ${t.name};` },
        { check: 'column_aggregates', table: t.name, query: `SELECT count(${first}), min(${key}), max(${key}), sum(length(${first}::text)) FROM ${t.name};` },
        { check: 'checksum', table: t.name, query: `SELECT sum(('x' || substr(md5(${row}), 1, 15))::bit(60)::bigint) FROM ${t.name};` },
      ];
    }
    case 'mysql': {
      const row = cols.map((c) => `COALESCE(${c}, '')`).join(", '|', ");
      return [
        { check: 'row_count', table: t.name, query: `SELECT COUNT(*) FROM ${t.name};` },
        { check: 'column_aggregates', table: t.name, query: `SELECT COUNT(${first}), MIN(${key}), MAX(${key}), SUM(CHAR_LENGTH(${first})) FROM ${t.name};` },
        { check: 'checksum', table: t.name, query: `SELECT SUM(CAST(CONV(SUBSTRING(MD5(CONCAT(${row})), 1, 15), 16, 10) AS UNSIGNED)) FROM ${t.name};`, ...(hasTime ? { note: UTC_SESSION.mysql } : {}) },
      ];
    }
    case 'sqlserver': {
      const row = cols.map((c) => `COALESCE(CAST(${c} AS VARCHAR(MAX)), '')`).join(", '|', ");
      return [
        { check: 'row_count', table: t.name, query: `SELECT COUNT_BIG(*) FROM ${t.name};` },
        { check: 'column_aggregates', table: t.name, query: `SELECT COUNT(${first}), MIN(${key}), MAX(${key}), SUM(CAST(LEN(${first}) AS BIGINT)) FROM ${t.name};` },
        {
          check: 'checksum', table: t.name,
          query: `SELECT SUM(CAST(CONVERT(BIGINT, CONVERT(VARBINARY(8), '0' + SUBSTRING(CONVERT(VARCHAR(32), HASHBYTES('MD5', CONCAT(${row})), 2), 1, 15), 2)) AS DECIMAL(38, 0))) FROM ${t.name};`,
          note: 'HASHBYTES hashes bytes: cast NVARCHAR to VARCHAR with a UTF-8 collation (SQL Server 2019+) so that the text hashes as on the other side',
        },
      ];
    }
    case 'oracle': {
      const row = cols.map((c) => `TO_CHAR(${c})`).join(" || '|' || ");
      return [
        { check: 'row_count', table: t.name, query: `SELECT COUNT(*) FROM ${t.name}` },
        { check: 'column_aggregates', table: t.name, query: `SELECT COUNT(${first}), MIN(${key}), MAX(${key}), SUM(LENGTH(${first})) FROM ${t.name}` },
        {
          check: 'checksum', table: t.name,
          query: `SELECT SUM(TO_NUMBER(SUBSTR(RAWTOHEX(STANDARD_HASH(${row}, 'MD5')), 1, 15), 'XXXXXXXXXXXXXXX')) FROM ${t.name}`,
          note: `Oracle concatenation already treats NULL as ''${hasTime ? `; ${UTC_SESSION.oracle}` : ''}`,
        },
      ];
    }
    case 'mongodb': {
      return [
        { check: 'row_count', table: t.name, query: `db.${t.name}.countDocuments({})` },
        {
          check: 'column_aggregates', table: t.name,
          query: `db.${t.name}.aggregate([{ $group: { _id: null, n: { $sum: 1 }, present: { $sum: { $cond: [{ $eq: [{ $ifNull: ['$${first}', null] }, null] }, 0, 1] } }, min: { $min: '$${t.key}' }, max: { $max: '$${t.key}' } } }])`,
        },
        {
          check: 'checksum', table: t.name,
          query: `db.${t.name}.aggregate([{ $project: { h: { $toHashedIndexKey: { $concat: [${cols.map((c) => `{ $toString: { $ifNull: ['$${c}', ''] } }`).join(", '|', ")}] } } } }, { $group: { _id: null, n: { $sum: 1 }, h: { $sum: { $toDecimal: '$h' } } } }])`,
          note: 'MongoDB has no MD5 in aggregation: this hash compares two MongoDB copies (before and after a re-load); against a SQL source compare counts, key sums and min/max, and hash sampled documents in a script',
        },
      ];
    }
    default:
      return [
        { check: 'row_count', table: t.name, query: `count the records of ${t.name} with the system's own API` },
        { check: 'checksum', table: t.name, query: `export ${t.name} sorted by ${t.key} as canonical JSON lines and compare their SHA-256 digests on both sides` },
      ];
  }
}
