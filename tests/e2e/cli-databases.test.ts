import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DDL_DIR as CORPUS } from '../helpers/fixtures.js';
import { assertBuilt, runCli } from '../helpers/spawn.js';
import { tempDir } from '../helpers/tmp.js';

beforeAll(assertBuilt);

describe('database and migration verbs of the CLI', () => {
  it('recommend-databases takes options or JSON and prints the ranking', () => {
    const db = join(tempDir(), 'c.db');
    const byOptions = runCli(['recommend-databases', '--workloads', 'cache', '--latency_ms', '1', '--limit', '3', '--db', db]);
    expect(byOptions.code).toBe(0);
    expect(byOptions.json.ranked).toHaveLength(3);
    expect(['redis', 'valkey', 'memcached', 'keydb']).toContain(byOptions.json.ranked[0].id);
    const byJson = runCli(['recommend-databases', '--json', '{"data_model":"vector","deployment":"self-hosted"}', '--db', db]);
    expect(byJson.json.excluded_by_reason.flatMap((g: { ids: string[] }) => g.ids)).toContain('pinecone');
    expect(byJson.json.excluded).toBeUndefined();
    const all = runCli(['recommend-databases', '--json', '{"data_model":"vector","deployment":"self-hosted","include_excluded":true}', '--db', db]);
    expect(all.json.excluded.map((e: { id: string }) => e.id)).toContain('pinecone');
    const bad = runCli(['recommend-databases', '--deployment', 'embedded', '--multi_region', 'active-active', '--db', db]);
    expect(bad.code).toBe(1);
    expect(bad.json).toMatchObject({ field: 'multi_region', rule: 'contradiction' });
    const badEnum = runCli(['recommend-databases', '--budget', 'infinite', '--db', db]);
    expect(badEnum.code).toBe(1);
    expect(badEnum.json.field).toBe('budget');
  });

  it('get-database finds by alias and suggests on a miss', () => {
    const db = join(tempDir(), 'c.db');
    expect(runCli(['get-database', 'mssql', '--db', db]).json.database.id).toBe('sqlserver');
    const miss = runCli(['get-database', 'postgress', '--db', db]);
    expect(miss.code).toBe(1);
    expect(miss.json.suggestions).toContain('postgresql');
  });

  it('plan-migration prints JSON or markdown, and converts a DDL file', () => {
    const db = join(tempDir(), 'c.db');
    const md = runCli(['plan-migration', '--from', 'mysql', '--to', 'postgresql', '--volume-gb', '120', '--ddl', `${CORPUS}pgloader-f1db-circuits.mysql.sql`, '--format', 'markdown', '--db', db]);
    expect(md.code).toBe(0);
    expect(md.stdout).toMatch(/^# Migration plan: MySQL to PostgreSQL\n/);
    expect(md.stdout).toContain('120 GB to move');
    const json = runCli(['plan-migration', '--from', 'postgres', '--to', 'mongodb', '--tables', '12', '--no-cdc', '--db', db]);
    expect(json.json.strategy).toMatch(/dual writes/);
    expect(runCli(['plan-migration', '--from', 'mysql', '--db', db]).json).toMatchObject({ field: 'to', rule: 'required' });
  });

  it('convert-schema prints the PostgreSQL DDL or the full result', () => {
    const db = join(tempDir(), 'c.db');
    const sql = runCli(['convert-schema', `${CORPUS}pgloader-f1db-circuits.mysql.sql`, '--from', 'mysql', '--format', 'sql', '--db', db]);
    expect(sql.code).toBe(0);
    expect(sql.stdout).toMatch(/CREATE TABLE circuits \(/);
    const full = runCli(['convert-schema', `${CORPUS}oracle-hr-create.oracle.sql`, '--from', 'oracle', '--no-validate', '--db', db]);
    expect(full.json.summary.objects_found).toBeGreaterThan(10);
    const dir = tempDir();
    writeFileSync(join(dir, 'part.sql'), 'CREATE TABLE t (id int PRIMARY KEY, body text, FULLTEXT (body));\nGARBAGE;\nCREATE TABLE a (id int;\n');
    const part = runCli(['convert-schema', join(dir, 'part.sql'), '--from', 'mysql', '--format', 'sql', '--db', db]);
    expect(part.code).toBe(2); // statements were left out
    expect(part.stdout).toMatch(/^CREATE TABLE t \(/);
    expect(part.stderr).toMatch(/^action \(medium\): t\(body\): FULLTEXT index/m);
    expect(part.stderr).toMatch(/^not converted: GARBAGE: unrecognized statement/m);
    expect(part.stderr).toMatch(/^not converted: CREATE TABLE a \(id int: /m);
    const missing = runCli(['convert-schema', '/nonexistent.sql', '--from', 'mysql', '--db', db]);
    expect(missing.code).toBe(1);
    expect(missing.json).toMatchObject({ field: 'file', rule: 'readable' });
  }, 180_000); // two of the runs start PGlite to check the DDL (seconds each, more on a busy machine)
});
