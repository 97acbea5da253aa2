// The official MCP conformance suite (@modelcontextprotocol/conformance, on Node 22) against our
// Streamable HTTP server. It sends no token, so the server runs with --no-auth on loopback, the
// one place that mode is allowed. Every scenario that applies to a server without the
// "everything" server's fixtures must pass; resources-templates-read needs its fixture template
// test://template/{id}/data, which we do not serve.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpServer, startHttpServer } from '../helpers/http.js';

const NODE22 = process.env.NODE22_BIN;
const CONFORMANCE = process.env.CONFORMANCE_JS;

export const APPLICABLE = [
  'server-initialize', 'ping', 'tools-list', 'resources-list', 'prompts-list', 'logging-set-level', 'dns-rebinding-protection',
  'server-sse-multiple-streams',
] as const;

let server: HttpServer;
let dir: string;

beforeAll(async () => {
  if (!NODE22 || !CONFORMANCE) throw new Error('NODE22_BIN and CONFORMANCE_JS are unset: run the system tests with npm run test:system');
  dir = mkdtempSync(join(tmpdir(), 'coordinator-conformance-'));
  server = await startHttpServer(join(dir, 'c.db'), ['--no-auth']);
});

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function run(scenario: string) {
  const r = spawnSync(NODE22!, [CONFORMANCE!, 'server', '--url', server.url, '--scenario', scenario], { encoding: 'utf8', timeout: 90_000 });
  const out = `${r.stdout}\n${r.stderr}`.replace(/\x1b\[[0-9;]*m/g, '');
  const m = /Passed: (\d+)\/(\d+), (\d+) failed/.exec(out);
  return { status: r.status, passed: Number(m?.[1]), total: Number(m?.[2]), failed: Number(m?.[3]), out };
}

describe('the MCP conformance suite against coordinator-mcp --http', () => {
  for (const scenario of APPLICABLE) {
    it(scenario, () => {
      const r = run(scenario);
      expect(r.failed, r.out).toBe(0);
      expect(r.total, r.out).toBeGreaterThan(0);
      expect(r.passed).toBe(r.total);
    });
  }

  it('resources-templates-read needs the everything server\'s fixture template (test://template/{id}/data), which we do not serve', () => {
    const r = run('resources-templates-read');
    expect(r.out).toContain('test://template/123/data not found');
  });
});
