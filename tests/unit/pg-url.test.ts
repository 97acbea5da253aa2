import { describe, expect, it } from 'vitest';
import { splitPgUrl } from '../../src/store/postgres/connect.js';
import { pgStoreFailure } from '../../src/store/postgres/flags.js';

describe('the PostgreSQL URL and its failures', () => {
  it('leaves prepared statements off unless the URL asks, and takes the parameter out of the URL pg sees', () => {
    expect(splitPgUrl('postgres://u:p@db:5432/coord')).toEqual({ url: 'postgres://u:p@db:5432/coord', prepared: false });
    expect(splitPgUrl('postgres://u:p@db:5432/coord?prepared_statements=on&sslmode=require')).toEqual({ url: 'postgres://u:p@db:5432/coord?sslmode=require', prepared: true });
    expect(splitPgUrl('postgres://db/coord?prepared_statements=off')).toEqual({ url: 'postgres://db/coord', prepared: false });
    expect(() => splitPgUrl('postgres://db/coord?prepared_statements=maybe')).toThrow(/prepared_statements=maybe .*use on or off/);
  });

  it('tells a busy pool from a server that cannot be reached', () => {
    const busy = pgStoreFailure(new Error('timeout exceeded when trying to connect'));
    expect(busy?.message).toMatch(/stayed busy for 60 s/);
    expect(busy?.toJSON()).toMatchObject({ code: 'store', rule: 'busy' });
    const down = pgStoreFailure(new Error('timeout expired'));
    expect(down?.message).toMatch(/the connection to PostgreSQL failed \(timeout expired\); nothing was stored/);
    expect(down?.toJSON()).toMatchObject({ code: 'store', rule: 'connection' });
  });
});
