// The built server with --toolsets / COORDINATOR_TOOLSETS: tools/list (the build's prebuilt
// listing, filtered) holds only the chosen tools; an unknown name is one error line and exit 1.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, EMPTY_HOME, SERVER, spawnServer } from '../helpers/spawn.js';
import { tempDir } from '../helpers/tmp.js';

beforeAll(assertBuilt);

describe('toolsets of the built server', () => {
  it('serves only the chosen toolsets (flag or environment), with the prompts they need', async () => {
    const db = join(tempDir(), 't.db');
    for (const [args, env, tools, prompts] of [
      [['--toolsets', 'flags,agents'], {}, 14, ['inbox', 'handoff', 'route']],
      [[], { COORDINATOR_TOOLSETS: 'migration' }, 2, []],
      [['--toolsets', 'databases'], { COORDINATOR_TOOLSETS: 'flags' }, 6, []], // the flag wins
      [[], {}, 22, ['inbox', 'handoff', 'route']],
    ] as const) {
      const s = await spawnServer(['--db', db, ...args], env);
      try {
        const listed = (await s.client.listTools()).tools;
        expect(listed, JSON.stringify(args)).toHaveLength(tools);
        const caps = s.client.getServerCapabilities();
        if (prompts.length) expect((await s.client.listPrompts()).prompts.map((p) => p.name)).toEqual(prompts);
        else expect(caps?.prompts).toBeUndefined();
      } finally {
        await s.close();
      }
    }
  });

  it('refuses an unknown toolset with one line on stderr and exit code 1', () => {
    const run = (args: string[], env: Record<string, string> = {}) =>
      spawnSync(process.execPath, [SERVER, '--db', join(tempDir(), 'x.db'), ...args], { env: { HOME: EMPTY_HOME, ...env }, encoding: 'utf8', input: '' });
    const bad = run(['--toolsets', 'flags,flagz']);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toBe('coordinator-mcp: unknown toolset "flagz" in --toolsets; the toolsets are flags, agents, databases, migration (or all)\n');
    const env = run([], { COORDINATOR_TOOLSETS: 'everything' });
    expect(env.status).toBe(1);
    expect(env.stderr.trim().split('\n')).toEqual(['coordinator-mcp: unknown toolset "everything" in COORDINATOR_TOOLSETS; the toolsets are flags, agents, databases, migration (or all)']);
  });
});
