// The build: type-checks and compiles src/ to dist/lib (tsc), bundles the three programs (the
// server, the CLI and the query worker) into dist/ with esbuild, then writes dist/tool-listing.json.
// The bundles start faster than the compiled modules: Node reads a few files instead of hundreds
// (the SDK, zod, ajv...). Code that is only needed later (the DDL converter, the database catalog)
// sits in chunks loaded on first use.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const DIST = join(ROOT, 'dist');
const require = createRequire(import.meta.url);

rmSync(DIST, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.json')], { stdio: 'inherit' });

await build({
  entryPoints: {
    index: join(DIST, 'lib/index.js'),
    cli: join(DIST, 'lib/cli.js'),
    'query-worker': join(DIST, 'lib/store/query-worker.js'),
  },
  outdir: DIST,
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // The native SQLite binding stays a package; so does gray-matter, required lazily at run time.
  external: ['better-sqlite3'],
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
  // Bundled CommonJS packages (ajv) call require() for Node's modules: give ESM a require.
  banner: { js: "import{createRequire as __coordinatorRequire}from'node:module';const require=__coordinatorRequire(import.meta.url);" },
});
for (const bin of ['index.js', 'cli.js']) chmodSync(join(DIST, bin), 0o755);

execFileSync(process.execPath, [join(ROOT, 'scripts/tool-listing.mjs')], { stdio: 'inherit' });
