#!/usr/bin/env node
// The Claude Code plugin's entry (.claude-plugin/plugin.json): `launch.mjs setup|server|hook EVENT
// --data DIR`. Node built-ins only: it runs from the plugin's install folder, where Claude Code has
// at most run `npm ci --ignore-scripts` (no native better-sqlite3, no dist/: `prepare` did not run).
// So the program is built once per plugin version into the plugin's data folder
// (${CLAUDE_PLUGIN_DATA}, which survives updates): a copy of the package's files, `npm ci` without
// install scripts, then the one native module rebuilt (`npm rebuild better-sqlite3`: a prebuilt
// binary, or a compile), then `npm run build`. DATA/current.json names the finished copy; a build
// happens in a folder of its own and is renamed into place, so a half-built copy is never used.
// - setup: the SessionStart hook (timeout 600 s). Builds when the current copy is missing or was
//   built from other files; otherwise returns at once. Prints nothing on stdout.
// - server: the MCP server: dist/index.js of the current copy, in this process. When no copy was
//   built from these files it starts the build in a detached process (Claude Code stops a server
//   that has not answered in 30 s; the build must outlive that) and waits 25 s for it; a copy of
//   the previous version serves meanwhile. Without any copy it exits 1: reconnect with /mcp later.
// - hook EVENT: `coordinator hook EVENT` in this process. Without a finished copy it prints nothing
//   and one line on stderr, and exits 0, like every failure of a hook.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
/** What the build and the program read: everything else of the plugin folder is left behind. */
export const COPIED = ['package.json', 'package-lock.json', 'tsconfig.json', 'schema.sql', 'scripts', 'src', 'agents'];
const LOCK_GRACE_MS = 10_000;
/** How long the server waits for a build before it gives up (Claude Code allows a server 30 s to start). */
const SERVER_WAIT_MS = 25_000;

const log = (line) => process.stderr.write(`[coordinator plugin] ${line}\n`);

function parseArgs(argv) {
  const positional = [];
  let data = process.env.CLAUDE_PLUGIN_DATA;
  const passed = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--data') data = argv[++i] || data;
    else if (a.startsWith('--data=')) data = a.slice(7) || data;
    else if (positional.length < (positional[0] === 'hook' ? 2 : 1)) positional.push(a);
    else passed.push(a);
  }
  // Claude Code always sets it for a plugin; the fallback serves a plugin folder run by hand.
  const dataDir = resolve(data && !data.includes('${') ? data : join(homedir(), '.cache', 'coordinator-mcp', 'plugin-data'));
  return { verb: positional[0], event: positional[1], dataDir, passed };
}

function filesOf(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return [path];
  return readdirSync(path).sort().flatMap((name) => (name === 'node_modules' || name === 'dist' ? [] : filesOf(join(path, name))));
}

/** The build's identity: the paths and content of every file copied. */
export function sourceKey(root = ROOT) {
  const hash = createHash('sha256');
  for (const entry of COPIED) {
    const path = join(root, entry);
    if (!existsSync(path)) throw new Error(`${path} is missing: the plugin folder is incomplete`);
    for (const file of filesOf(path)) hash.update(`${relative(root, file)}\0`).update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

function readCurrent(dataDir) {
  try {
    const current = JSON.parse(readFileSync(join(dataDir, 'current.json'), 'utf8'));
    if (!current || typeof current.dir !== 'string') return null;
    // The copy's folder is written relative to the data folder, which may be reached by another path later.
    const dir = resolve(dataDir, current.dir);
    return existsSync(join(dir, 'dist', 'cli.js')) ? { ...current, dir } : null;
  } catch {
    return null;
  }
}

function run(cmd, args, cwd) {
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 2, 2], env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });
  if (r.error) throw new Error(`${cmd} ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal} in ${cwd}`);
  log(`${cmd} ${args.join(' ')}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** The pid of the process building now, or null: the lock folder holds its pid; a dead holder's lock is taken over. */
function lockHolder(dataDir) {
  const lock = join(dataDir, 'build.lock');
  if (!existsSync(lock)) return null;
  let pid = NaN;
  try {
    pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
  } catch {}
  if (Number.isInteger(pid) && pid > 0 && alive(pid)) return pid;
  // No pid yet (a builder between mkdir and write) counts as alive for a few seconds.
  try {
    if (!Number.isInteger(pid) && Date.now() - statSync(lock).mtimeMs < LOCK_GRACE_MS) return -1;
  } catch {}
  return null;
}

/** One builder at a time (the SessionStart hook and the server start together): a lock folder with the builder's pid. */
function withLock(dataDir, fn) {
  const lock = join(dataDir, 'build.lock');
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      if (lockHolder(dataDir) === null) rmSync(lock, { recursive: true, force: true });
      else sleep(500);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

const NATIVE = join('node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
const NATIVE_STAMP = '.native-stamp';

/** What a compiled better-sqlite3 is good for: its version, and this Node's ABI, platform and architecture. */
function nativeStamp(appDir) {
  const { version } = JSON.parse(readFileSync(join(appDir, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8'));
  return `better-sqlite3@${version} node-abi-${process.versions.modules} ${process.platform}-${process.arch}`;
}

/**
 * The compile takes minutes where no prebuilt binary can be fetched (measured here: 138 s), and
 * better-sqlite3 changes less often than the plugin: an earlier copy's binary of the same version,
 * for the same Node ABI, is taken instead.
 */
function reuseNative(dataDir, appDir) {
  const wanted = nativeStamp(appDir);
  for (const name of readdirSync(dataDir)) {
    if (!name.startsWith('app-')) continue;
    const from = join(dataDir, name);
    try {
      if (readFileSync(join(from, NATIVE_STAMP), 'utf8') !== wanted || !existsSync(join(from, NATIVE))) continue;
      mkdirSync(dirname(join(appDir, NATIVE)), { recursive: true });
      cpSync(join(from, NATIVE), join(appDir, NATIVE));
      log(`better-sqlite3: the binary of ${name} reused (${wanted})`);
      return true;
    } catch {}
  }
  return false;
}

/** Copies the package's files into `tmp`, installs its dependencies and builds it there. */
function buildIn(dataDir, root, tmp) {
  for (const entry of COPIED) cpSync(join(root, entry), join(tmp, entry), { recursive: true, filter: (src) => !/[/\\](node_modules|dist)$/.test(src) });
  run('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], tmp);
  if (!reuseNative(dataDir, tmp)) run('npm', ['rebuild', 'better-sqlite3', '--loglevel=error'], tmp);
  writeFileSync(join(tmp, NATIVE_STAMP), nativeStamp(tmp));
  run('npm', ['run', 'build', '--silent'], tmp);
}

/** Builds the program into DATA when the current copy is missing or stale; returns the copy's folder. */
export function ensureBuilt(dataDir, root = ROOT) {
  mkdirSync(dataDir, { recursive: true });
  const key = sourceKey(root);
  const ready = (c) => c && c.key === key;
  if (ready(readCurrent(dataDir))) return readCurrent(dataDir).dir;
  return withLock(dataDir, () => {
    const current = readCurrent(dataDir);
    if (ready(current)) return current.dir;
    const started = Date.now();
    const dir = join(dataDir, `app-${key}`);
    const tmp = join(dataDir, `build-${key}-${process.pid}`);
    log(`building coordinator-mcp from ${root} into ${dir} (once per plugin version; needs the npm registry)`);
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    try {
      buildIn(dataDir, root, tmp);
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      throw e;
    }
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
    writeFileSync(join(dataDir, 'current.json.tmp'), `${JSON.stringify({ key, dir: `app-${key}`, root, built_at: new Date().toISOString() }, null, 2)}\n`);
    renameSync(join(dataDir, 'current.json.tmp'), join(dataDir, 'current.json'));
    // Copies of earlier versions go; a copy still running keeps its open files until it exits.
    for (const name of readdirSync(dataDir)) {
      if ((name.startsWith('app-') && name !== `app-${key}`) || (name.startsWith('build-') && name !== `build-${key}-${process.pid}`)) {
        rmSync(join(dataDir, name), { recursive: true, force: true });
      }
    }
    log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${dir}`);
    return dir;
  });
}

/** Runs one of the built programs in this process, with the arguments it would have been given. */
async function runProgram(dir, file, args) {
  const path = join(dir, 'dist', file);
  process.argv = [process.argv[0], path, ...args];
  await import(pathToFileURL(path).href);
}

/**
 * The copy the server runs. A missing build is started in a detached process (Claude Code stops a
 * server that has not answered in 30 s, and the build must survive that), then waited for.
 */
async function serverCopy(dataDir) {
  const started = Date.now();
  let key;
  try {
    key = sourceKey();
  } catch (e) {
    log(`cannot start the server: ${e.message}`);
    return null;
  }
  let launched = false;
  for (;;) {
    const current = readCurrent(dataDir);
    if (current && current.key === key) return current.dir;
    if (!launched && lockHolder(dataDir) === null) {
      mkdirSync(dataDir, { recursive: true });
      const out = openSync(join(dataDir, 'setup.log'), 'a');
      spawn(process.execPath, [fileURLToPath(import.meta.url), 'setup', '--data', dataDir], { detached: true, stdio: ['ignore', out, out] }).unref();
      launched = true;
      log(`building coordinator-mcp into ${dataDir} (log: ${join(dataDir, 'setup.log')})`);
    }
    // A copy built from other files (the previous version) serves until the new one is ready.
    if (current) return current.dir;
    if (Date.now() - started > SERVER_WAIT_MS) {
      log(`coordinator-mcp is still being built into ${dataDir} (log: ${join(dataDir, 'setup.log')}): reconnect with /mcp once it is ready`);
      return null;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function main() {
  const { verb, event, dataDir, passed } = parseArgs(process.argv.slice(2));
  if (verb === 'setup') {
    try {
      ensureBuilt(dataDir);
    } catch (e) {
      log(`setup failed: ${String(e?.message ?? e).split('\n')[0]}`);
    }
    return;
  }
  if (verb === 'server') {
    const dir = await serverCopy(dataDir);
    if (!dir) process.exit(1);
    await runProgram(dir, 'index.js', passed);
    return;
  }
  if (verb === 'hook') {
    const current = readCurrent(dataDir);
    if (!current) {
      log(`hook ${event ?? '?'}: not built yet (the SessionStart setup builds it into ${dataDir})`);
      return;
    }
    await runProgram(current.dir, 'cli.js', ['hook', event ?? '?', ...passed]);
    return;
  }
  log('usage: launch.mjs setup|server|hook EVENT [--data DIR]');
  process.exitCode = 2;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
