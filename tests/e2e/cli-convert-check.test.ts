import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli } from '../helpers/spawn.js';
import { tempDir } from '../helpers/tmp.js';

beforeAll(assertBuilt);

describe('coordinator convert-schema checks its DDL in PostgreSQL (PGlite)', () => {
  it('converts NOW() - INTERVAL 7 DAY and exits 0; a view PostgreSQL rejects goes to stderr with its error and exit 2', () => {
    const dir = tempDir();
    const db = join(dir, 'c.db');
    writeFileSync(join(dir, 'ok.sql'), 'CREATE TABLE o (id INT PRIMARY KEY, created_at DATETIME);\nCREATE VIEW recent AS SELECT id FROM o WHERE created_at > NOW() - INTERVAL 7 DAY;\n');
    const ok = runCli(['convert-schema', join(dir, 'ok.sql'), '--from', 'mysql', '--format', 'sql', '--db', db]);
    expect(ok.stderr).toMatch(/^checked with PGlite \S+ \(PostgreSQL \d+[^)]*\): 0 of 2 statements rejected$/m);
    expect(ok.code).toBe(0);
    // MySQL 8 ref, "Temporal Intervals": INTERVAL 7 DAY; PostgreSQL's interval input takes '7 days'
    expect(ok.stdout).toContain("created_at > now() - interval '7 days'");

    writeFileSync(join(dir, 'bad.sql'), 'CREATE TABLE t (id INT PRIMARY KEY, a INT);\nCREATE VIEW bad AS SELECT id, no_such_fn(a) AS x FROM t;\nCREATE VIEW good AS SELECT id FROM t;\n');
    const bad = runCli(['convert-schema', join(dir, 'bad.sql'), '--from', 'mysql', '--format', 'sql', '--db', db]);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toContain('CREATE VIEW good');
    expect(bad.stdout).not.toContain('CREATE VIEW bad');
    expect(bad.stderr).toMatch(/^action \(simple\): bad: PostgreSQL rejected the converted view: function no_such_fn\(integer\) does not exist/m);

    // --no-validate: nothing is run, the view is emitted as converted, and the check is reported as not done
    const unchecked = runCli(['convert-schema', join(dir, 'bad.sql'), '--from', 'mysql', '--format', 'sql', '--no-validate', '--db', db]);
    expect(unchecked.code).toBe(0);
    expect(unchecked.stdout).toContain('CREATE VIEW bad');
    expect(unchecked.stderr).toMatch(/^not checked in PostgreSQL: not requested/m);
  }, 180_000);
});
