// Issue 17's promise checked on a real server rather than PGlite: every DDL corpus in
// tests/fixtures, converted, loads into the throwaway PostgreSQL cluster that
// scripts/test-system.mjs starts (Debian's PostgreSQL, 15 on bookworm; its URL is in
// COORDINATOR_TEST_PG), each in a database of its own, with every source table and foreign key present.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertSchema } from '../../src/migration/convert/index.js';
import { DDL_CORPORA, loose, sourceForeignKeys, sourceTables } from '../helpers/ddl-shape.js';
import { ddl } from '../helpers/fixtures.js';

const BASE = process.env.COORDINATOR_TEST_PG;
if (!BASE) throw new Error('COORDINATOR_TEST_PG is not set: run these tests with npm run test:system (it starts a throwaway PostgreSQL)');

const corpora = DDL_CORPORA;

const admin = new pg.Client({ connectionString: BASE });
let version = '';
beforeAll(async () => {
  await admin.connect();
  version = (await admin.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
});
afterAll(async () => {
  await admin.end();
});

describe('every DDL corpus converts and loads in a real PostgreSQL server', () => {
  it('runs on a real server of PostgreSQL 15 or newer', () => {
    expect(Number.parseInt(version, 10)).toBeGreaterThanOrEqual(15);
    expect(corpora.length).toBeGreaterThanOrEqual(9);
  });

  it.each(corpora)('$file ($dialect)', async ({ file, dialect }) => {
    const source = ddl(file);
    const r = convertSchema(source, dialect);
    const name = `conv_${process.pid}_${loose(file)}`.slice(0, 60);
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
    const u = new URL(BASE);
    u.pathname = `/${name}`;
    const client = new pg.Client({ connectionString: u.toString() });
    await client.connect();
    try {
      let error = '';
      try {
        await client.query(r.ddl); // one simple-protocol script: the server stops at the first refusal
      } catch (err) {
        error = (err as Error).message;
      }
      expect(error, `PostgreSQL ${version} refused the converted ${file}`).toBe('');
      const tables = (await client.query<{ t: string }>(
        "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
      )).rows.map((x) => loose(x.t));
      const reported = new Set(r.action_items.filter((a) => a.category === 'table' && !/\./.test(a.object)).map((a) => loose(a.object)));
      expect(sourceTables(source).filter((t) => !tables.includes(t) && !reported.has(t))).toEqual([]);
      const fks = (await client.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_constraint WHERE contype = 'f'")).rows[0]!.n;
      expect(fks).toBeGreaterThanOrEqual(sourceForeignKeys(source));
    } finally {
      await client.end();
      await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    }
  });
});
