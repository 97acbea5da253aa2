import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, renameSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, EMPTY_HOME, ROOT } from '../helpers/spawn.js';
import { tempDir } from '../helpers/tmp.js';

beforeAll(assertBuilt);

/**
 * The package as npm would install it: `npm pack` (without its build scripts: dist/ is built by
 * npm test) unpacked into a project's node_modules, beside its runtime dependencies. The code
 * must find its schema, agents, listing and query worker from there, not from this checkout.
 */
function installPacked(): { pkg: string; project: string; files: string[] } {
  const project = tempDir();
  const packed = spawnSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', project], { cwd: ROOT, encoding: 'utf8' });
  if (packed.status !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
  const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  const modules = join(project, 'node_modules');
  mkdirSync(modules);
  const untar = spawnSync('tar', ['-xzf', join(project, info!.filename), '-C', modules], { encoding: 'utf8' });
  if (untar.status !== 0) throw new Error(`tar failed: ${untar.stderr}`);
  renameSync(join(modules, 'package'), join(modules, 'coordinator-mcp'));
  // The runtime dependencies that stay packages beside the bundles.
  for (const dep of ['better-sqlite3', 'gray-matter']) symlinkSync(join(ROOT, 'node_modules', dep), join(modules, dep));
  return { pkg: join(modules, 'coordinator-mcp'), project, files: info!.files.map((f) => f.path) };
}

describe('the packed package, installed in another project', () => {
  it('ships the bundles and their files, not the compiled modules, and runs from node_modules', () => {
    const { pkg, project, files } = installPacked();
    expect(files).toEqual(expect.arrayContaining(['dist/index.js', 'dist/cli.js', 'dist/query-worker.js', 'dist/convert-worker.js', 'dist/tool-listing.json', 'schema.sql', 'package.json']));
    expect(files.filter((f) => f.startsWith('dist/lib/'))).toEqual([]);
    expect(files.filter((f) => f.startsWith('agents/')).length).toBeGreaterThanOrEqual(40);
    expect(readdirSync(join(pkg, 'dist', 'chunks')).length).toBeGreaterThan(0);

    const version = spawnSync(process.execPath, [join(pkg, 'dist', 'index.js'), '--version'], { cwd: project, encoding: 'utf8' });
    expect(version.status).toBe(0);
    expect(version.stderr.trim()).toMatch(/^\d+\.\d+\.\d+/);

    // The CLI reads the bundled agents of the package into a new store, then query_catalog runs in
    // the package's query worker process.
    const db = join(project, 'store.db');
    const env = { PATH: process.env.PATH ?? '', HOME: EMPTY_HOME };
    const sql = "SELECT count(*) AS n, min(path) AS path FROM agents_catalog WHERE source = 'bundled' AND status = 'active'";
    const query = spawnSync(process.execPath, [join(pkg, 'dist', 'cli.js'), 'query', sql, '--db', db], { cwd: project, env, encoding: 'utf8' });
    expect(query.status, query.stderr).toBe(0);
    const out = JSON.parse(query.stdout) as { rows: { n: number; path: string }[] };
    expect(out.rows[0]!.n).toBeGreaterThanOrEqual(40);
    expect(out.rows[0]!.path.startsWith(join(pkg, 'agents'))).toBe(true); // the package's own agents, not this checkout's
  });
});
