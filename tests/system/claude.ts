// The real Claude Code CLI for the system tests, run with a throwaway HOME. No model is called.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

export const ROOT = dirname(dirname(dirname(fileURLToPath(import.meta.url))));

/** The CLI that scripts/test-system.mjs installed; its absence fails the run rather than skipping it. */
export function claudeBin(): string {
  const bin = process.env.CLAUDE_BIN;
  if (!bin) throw new Error('CLAUDE_BIN is not set: run the system tests with `npm run test:system`, which installs the Claude Code CLI');
  return bin;
}

const made: string[] = [];

/** A fresh folder (realpath: Claude Code keys projects by the resolved path), removed after the file's tests. */
export function freshDir(prefix: string): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), `coordinator-system-${prefix}-`)));
  made.push(dir);
  return dir;
}

afterAll(() => {
  while (made.length) rmSync(made.pop()!, { recursive: true, force: true });
});

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  out: string;
}

/** `claude ARGS` in `cwd` with `home` as HOME: no update checks, no telemetry, no terminal. */
export function claude(home: string, cwd: string, args: string[], extraEnv: Record<string, string> = {}): Run {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    USER: process.env.USER ?? 'test',
    TERM: 'dumb',
    NO_COLOR: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    ...extraEnv,
  };
  const r = spawnSync(claudeBin(), args, { cwd, env, encoding: 'utf8', timeout: 110_000, input: '' });
  const stdout = r.stdout ?? '';
  const stderr = r.stderr ?? '';
  return { status: r.status, stdout, stderr, out: `${stdout}\n${stderr}` };
}

/** Marks a project trusted and its .mcp.json server approved, as an interactive session's dialogs would. */
export function approveProjectServers(home: string, project: string, servers: string[]): void {
  const path = join(home, '.claude.json');
  let config: Record<string, any> = {};
  try {
    config = JSON.parse(readFileSync(path, 'utf8'));
  } catch {}
  config.projects ??= {};
  config.projects[project] = { ...(config.projects[project] ?? {}), hasTrustDialogAccepted: true, enabledMcpjsonServers: servers };
  writeFileSync(path, JSON.stringify(config, null, 2));
}

/** The line `claude mcp list` prints for a server, e.g. "coordinator: node /x/dist/index.js - ✔ Connected". */
export function listLine(list: string, name: string): string | undefined {
  return list.split('\n').find((l) => l.startsWith(`${name}: `));
}
