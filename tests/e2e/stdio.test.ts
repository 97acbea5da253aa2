import Database from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { callOk } from '../helpers/client.js';
import { assertBuilt, ROOT, SERVER, spawnServer } from '../helpers/spawn.js';
import { flagInput, tempDir } from '../helpers/tmp.js';

beforeAll(assertBuilt);

describe('the built server over stdio', () => {
  it('serves tools and keeps data in the file given by --db', async () => {
    const db = join(tempDir(), 'e2e.db');
    const s = await spawnServer(['--db', db]);
    try {
      const { tools } = await s.client.listTools();
      expect(tools.length).toBeGreaterThanOrEqual(10);
      const out = await callOk(s.client, 'create_flag', flagInput({ impact_level: 'high' }));
      expect(out.flag_id).toBe(1);
      const queue = await callOk(s.client, 'get_agent_flags', { agent: '@frontend.react' });
      expect(queue.flags[0].id).toBe(1);
    } finally {
      await s.close();
    }
    const raw = new Database(db, { readonly: true });
    expect(raw.prepare('SELECT target_agent FROM flags').pluck().all()).toEqual(['@frontend.react']);
    raw.close();
  });

  it('finds its database through COORDINATOR_DB, or CLAUDE_PROJECT_DIR/.claude', async () => {
    const dir = tempDir();
    const viaEnv = await spawnServer([], { COORDINATOR_DB: join(dir, 'env.db') });
    await callOk(viaEnv.client, 'create_flag', flagInput());
    await viaEnv.close();
    expect(existsSync(join(dir, 'env.db'))).toBe(true);
    const project = await spawnServer([], { CLAUDE_PROJECT_DIR: dir });
    await callOk(project.client, 'create_flag', flagInput());
    await project.close();
    expect(existsSync(join(dir, '.claude', 'coordinator.db'))).toBe(true);
  });

  it('--help says that --http serves a postgres:// store shared by many servers, and writes nothing to stdout', () => {
    const help = spawnSync(process.execPath, [SERVER, '--help'], { encoding: 'utf8', env: { HOME: tempDir() } });
    expect(help.status).toBe(0);
    expect(help.stdout).toBe('');
    expect(help.stderr).toMatch(/--db PATH\|URL +SQLite database file, or postgres:\/\/user:pass@host:port\/db/);
    expect(help.stderr).toMatch(/over\s+stdio or --http \(the tokens of --http are then kept there too/);
    expect(help.stderr).toMatch(/run coordinator-mcp --http on a postgres:\/\/ store/);
  });

  it('writes nothing but JSON-RPC messages to stdout, even for bad calls', () => {
    const db = join(tempDir(), 'raw.db');
    const messages = [
      { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'create_flag', arguments: { flag_type: 42 } } },
      { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'no_such_tool', arguments: {} } },
      { jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'get_flag', arguments: { id: 99 } } },
      { jsonrpc: '2.0', id: 5, method: 'tools/list' },
    ];
    const lines = [...messages.map((m) => JSON.stringify(m)), 'not json at all', '{"hello": "world"}', JSON.stringify({ jsonrpc: '2.0', id: 6, method: 'ping' })];
    const r = spawnSync(process.execPath, [SERVER, '--db', db], { input: `${lines.join('\n')}\n`, encoding: 'utf8', timeout: 20_000 });
    const parsed = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id?: number | null; result?: { isError?: boolean }; error?: { code: number; message: string } });
    expect(parsed.every((m) => (m as { jsonrpc?: string }).jsonrpc === '2.0')).toBe(true);
    expect(parsed.map((m) => m.id).filter((id) => typeof id === 'number').sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(parsed.find((m) => m.id === 2)!.result!.isError).toBe(true);
    expect(parsed.find((m) => m.id === 4)!.result!.isError).toBe(true);
    // the two unreadable lines get JSON-RPC's answers, in order, and the ping after them its own
    const unreadable = parsed.filter((m) => m.id === null);
    expect(unreadable.map((m) => m.error!.code)).toEqual([-32700, -32600]);
    expect(unreadable[0]!.error!.message).toMatch(/^Parse error: a line on stdin is not JSON \(.*\); send one JSON-RPC message per line$/);
    // (tool calls answer when their store call ends, which may be after a later ping: JSON-RPC matches answers by id)
    const ping = parsed.findIndex((m) => m.id === 6);
    expect(parsed[ping]).toEqual({ jsonrpc: '2.0', id: 6, result: {} });
    expect(ping).toBeGreaterThan(parsed.lastIndexOf(unreadable.at(-1)!));
  });

  it.each([
    ['a directory', (dir: string) => dir, /is a directory/],
    ['a file that is not SQLite', (dir: string) => { const f = join(dir, 'x.db'); writeFileSync(f, 'garbage'.repeat(200)); return f; }, /not a valid SQLite database/],
    ['a path under a file', (dir: string) => { const f = join(dir, 'file'); writeFileSync(f, ''); return join(f, 'c.db'); }, /cannot create the folder/],
    // Node's own recursive mkdir never returns there
    ...(process.platform === 'linux' ? [['a path under /proc', () => '/proc/coordinator-mcp-test/c.db', /cannot create the folder.*ENOENT/] as const] : []),
    ['a newer schema', (dir: string) => { const f = join(dir, 'n.db'); const d = new Database(f); d.pragma('user_version = 99'); d.close(); return f; }, /newer than this coordinator-mcp/],
  ])('exits 1 with one clear stderr line for %s', (_name, makePath, pattern) => {
    const path = makePath(tempDir());
    const r = spawnSync(process.execPath, [SERVER, '--db', path], { input: '', encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^coordinator-mcp: /);
    expect(lines[0]).toMatch(pattern);
  });

  it('exits 1 with one clear line for a database file it cannot write (an immutable file, as root cannot be refused by modes)', (ctx) => {
    const dir = tempDir();
    const path = join(dir, 'ro.db');
    const d = new Database(path);
    d.exec('CREATE TABLE t (x)');
    d.close();
    if (spawnSync('chattr', ['+i', path]).status !== 0) {
      ctx.skip();
      return;
    }
    try {
      const r = spawnSync(process.execPath, [SERVER, '--db', path], { input: '', encoding: 'utf8', timeout: 20_000 });
      expect(r.status).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^coordinator-mcp: database .* is not writable/);
    } finally {
      spawnSync('chattr', ['-i', path]);
    }
  });

  it('starts from the mcp.json entry the way Claude Code would', async () => {
    const config = JSON.parse(readFileSync(join(ROOT, 'mcp.json'), 'utf8'));
    const entry = config.mcpServers.coordinator;
    expect(entry.command).toBe('node');
    const dir = tempDir();
    const child = spawn(entry.command, entry.args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', CLAUDE_PROJECT_DIR: dir }, stdio: ['pipe', 'pipe', 'pipe'] });
    const answer = new Promise<string>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(d.toString())));
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'cc', version: '1' } } })}\n`);
    const reply = JSON.parse(await answer);
    expect(reply.result.serverInfo.name).toBe('coordinator-mcp');
    child.stdin.end();
    await new Promise((r) => child.once('exit', r));
    expect(existsSync(join(dir, '.claude', 'coordinator.db'))).toBe(true);
  });
});
