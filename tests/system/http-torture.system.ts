// The HTTP torture suite (tests/helpers/http-torture.ts) on a real PostgreSQL: the throwaway cluster
// of scripts/test-system.mjs (URL in COORDINATOR_TEST_PG), a fresh database, tokens made with the
// CLI on it (`coordinator token create --agent @x --db postgres://...`), one --http server with auth.
import pg from 'pg';
import { describeHttpTorture } from '../helpers/http-torture.js';

const BASE = process.env.COORDINATOR_TEST_PG;
if (!BASE) throw new Error('COORDINATOR_TEST_PG is not set: run these tests with npm run test:system (it starts a throwaway PostgreSQL)');

const admin = new pg.Client({ connectionString: BASE });
const name = `coord_http_torture_${process.pid}`;
let db: pg.Client;

describeHttpTorture('one HTTP server on PostgreSQL, 8 concurrent SDK clients with agent tokens', async () => {
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const u = new URL(BASE);
  u.pathname = `/${name}`;
  const url = u.toString();
  // The CLI's first token creates the tables; the probe connects once they exist.
  db = new pg.Client({ connectionString: url, application_name: 'http-torture test' });
  await db.connect();
  return {
    db: url,
    probe: {
      flags: async () => (await db.query('SELECT id, source_agent, context FROM flags')).rows.map((r) => ({ ...r, id: Number(r.id) })),
      lockEntries: async () => (await db.query("SELECT count(*) AS n FROM flag_history WHERE action = 'locked' GROUP BY flag_id")).rows.map((r) => Number(r.n)),
      createdEntries: async () => Number((await db.query("SELECT count(*) AS n FROM flag_history WHERE action = 'created'")).rows[0].n),
      check: async () => undefined, // PostgreSQL keeps its own pages consistent; the counts are the check
    },
  };
}, async () => {
  await db?.end();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
});
