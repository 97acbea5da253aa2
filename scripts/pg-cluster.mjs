// A throwaway PostgreSQL cluster for npm run test:system and npm run bench: Debian's postgresql
// package (installed with apt-get when missing, as root), initdb as the postgres user into a temp
// folder, a server on a free local port with its socket in that folder; stop() removes it all.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const say = (line) => process.stderr.write(`[postgres] ${line}\n`);

function binDir() {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0], 'bin') : null;
}

function install() {
  if (process.getuid?.() !== 0) throw new Error('PostgreSQL is not installed and this is not root: install Debian\'s postgresql package (apt-get install postgresql) and run again');
  say('installing Debian\'s postgresql package (apt-get update; apt-get install postgresql)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'postgresql']]) {
    const r = spawnSync('apt-get', args, { stdio: ['ignore', 2, 2], env });
    if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} exited with ${r.status ?? r.signal}`);
  }
}

const freePort = () => new Promise((resolve, reject) => {
  const s = createServer();
  s.once('error', reject);
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

/** Starts a cluster; returns { url, stop }. */
export async function startCluster() {
  let bin = binDir();
  if (!bin) {
    install();
    bin = binDir();
    if (!bin) throw new Error('postgresql was installed but no initdb was found under /usr/lib/postgresql');
  }
  const root = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'coordinator-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const port = await freePort();
  // initdb refuses to run as root: as root the cluster belongs to the postgres user.
  const run = (cmd, args) => (root
    ? execFileSync('su', ['postgres', '-s', '/bin/sh', '-c', [cmd, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ')], { stdio: ['ignore', 'ignore', 2] })
    : execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 2] }));
  run(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
  run(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'server.log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200`, 'start']);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  say(`throwaway cluster at ${url} (data in ${data}, ${bin})`);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } catch (err) {
      say(`pg_ctl stop failed: ${err.message}`);
    }
    rmSync(dir, { recursive: true, force: true });
    say('cluster stopped and removed');
  };
  return { url, stop };
}
