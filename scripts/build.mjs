// The build: type-checks and compiles src/ to dist/lib (tsc), bundles the four programs (the
// server, the CLI, the query worker and the conversion thread) into dist/ with esbuild, then writes dist/tool-listing.json.
// The bundles start faster than the compiled modules: Node reads a few files instead of hundreds
// (the SDK, zod, ajv...). Code shared by the programs sits in dist/chunks; the server's entry
// applies its heap settings (src/memory.ts) before it imports the rest.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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
    cli: join(DIST, 'lib/cli-entry.js'),
    'query-worker': join(DIST, 'lib/store/query-worker.js'),
    'convert-worker': join(DIST, 'lib/migration/convert-worker.js'),
  },
  outdir: DIST,
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // The native SQLite binding stays a package; so does gray-matter, required lazily at run time,
  // and PGlite, an optional dependency imported only when a conversion is checked.
  external: ['better-sqlite3', '@electric-sql/pglite'],
  minifyWhitespace: true,
  minifySyntax: true,
  // Maps back to src/*.ts (through tsc's maps), read only by `node --enable-source-maps`.
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  // Bundled CommonJS packages (ajv) call require() for Node's modules: give ESM a require.
  banner: { js: "import{createRequire as __coordinatorRequire}from'node:module';const require=__coordinatorRequire(import.meta.url);" },
});
for (const bin of ['index.js', 'cli.js']) chmodSync(join(DIST, bin), 0o755);

// The banner declares require in every output file; a bundled module declaring its own top-level
// require would make that file fail to load, so the build fails here instead.
const outputs = [...['index.js', 'cli.js', 'query-worker.js', 'convert-worker.js'].map((f) => join(DIST, f)), ...readdirSync(join(DIST, 'chunks')).filter((f) => f.endsWith('.js')).map((f) => join(DIST, 'chunks', f))];
for (const file of outputs) {
  const declarations = readFileSync(file, 'utf8').match(/(?:^|[;\s{}])(?:const|let|var|function|class)\s+require\b/g) ?? [];
  if (declarations.length !== 1) throw new Error(`${file}: ${declarations.length} declarations of require (the banner's should be the only one)`);
}

execFileSync(process.execPath, [join(ROOT, 'scripts/tool-listing.mjs')], { stdio: 'inherit' });
