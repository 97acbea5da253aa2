// The conversion pool (src/migration/heavy.ts): conversions on a worker thread, one at a time,
// a bounded queue refused as busy, a time limit and an answer-size limit. Needs the built thread
// (dist/convert-worker.js): npm run build, as for the query worker.
import { afterEach, describe, expect, it } from 'vitest';
import { ConversionPool, MAX_ANSWER_CHARS, MAX_WAITING_CONVERSIONS } from '../../src/migration/heavy.js';
import { CoordinatorError } from '../../src/errors.js';
import { assertBuilt } from '../helpers/spawn.js';

const ddl = (tables: number, columns: number) =>
  Array.from({ length: tables }, (_, t) => `CREATE TABLE t${t} (id int primary key, ${Array.from({ length: columns }, (_, c) => `c${c} int`).join(', ')});`).join('\n');

async function refusalOf(p: Promise<unknown>): Promise<CoordinatorError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(CoordinatorError);
    return err as CoordinatorError;
  }
  throw new Error('expected a refusal');
}

let pool: ConversionPool | undefined;
afterEach(() => pool?.close());

describe('conversion pool', () => {
  it('converts on a thread and gives the same answer as before', async () => {
    assertBuilt();
    pool = new ConversionPool();
    const result = await pool.convert('CREATE TABLE a (id int auto_increment primary key, flag tinyint(1));', 'mysql');
    expect(result.ddl).toMatch(/GENERATED (BY DEFAULT|ALWAYS) AS IDENTITY/i);
    expect(result.summary.by_kind.table?.found).toBe(1);
    // A refusal from the converter keeps its field and rule.
    expect((await refusalOf(pool.convert('   ', 'mysql'))).details).toMatchObject({ field: 'ddl', rule: 'non_empty' });
  });

  it('stops a conversion past its time limit, names the limit, and serves the next call on a fresh thread', async () => {
    pool = new ConversionPool(150);
    const refused = await refusalOf(pool.convert(ddl(1000, 100), 'mysql', 'source_ddl'));
    expect(refused.code).toBe('invalid_argument');
    expect(refused.details).toMatchObject({ field: 'source_ddl', rule: 'timeout', limit_seconds: 0.15 });
    expect((await pool.convert('CREATE TABLE b (id int);', 'mysql')).summary.by_kind.table?.found).toBe(1);
  });

  it('refuses an answer over the size limit with its size, and a full queue as busy at once', async () => {
    pool = new ConversionPool();
    const big = ddl(400, 100);
    const calls = Array.from({ length: MAX_WAITING_CONVERSIONS + 3 }, () => pool!.convert(big, 'mysql').then(() => 'ok', (e: CoordinatorError) => e));
    const outcomes = await Promise.all(calls);
    const busy = outcomes.filter((o) => o instanceof CoordinatorError && o.code === 'busy');
    expect(busy).toHaveLength(2);
    for (const b of busy) expect((b as CoordinatorError).details).toMatchObject({ field: 'ddl', rule: 'queue_full', max_waiting: MAX_WAITING_CONVERSIONS });
    const converted = outcomes.filter((o) => o === 'ok' || (o as CoordinatorError).details?.rule === 'answer_size');
    expect(converted).toHaveLength(MAX_WAITING_CONVERSIONS + 1);
    const sized = await refusalOf(pool.convert(ddl(1500, 100), 'mysql'));
    expect(sized.details).toMatchObject({ field: 'ddl', rule: 'answer_size', required_length: MAX_ANSWER_CHARS });
    expect(sized.details.current_length as number).toBeGreaterThan(MAX_ANSWER_CHARS);
  }, 120_000);
});
