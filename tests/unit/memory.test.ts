import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { packagePath } from '../../src/paths.js';

// The heap settings are process-wide, so each case runs in a child process: it optionally loads
// the built memory module, allocates in bursts (many short-lived objects, some kept), and reports
// the young generation's size.
const MEMORY = pathToFileURL(packagePath('dist', 'lib', 'memory.js')).href;
const PROGRAM = `
if (process.argv[1] === 'with') await import(${JSON.stringify(MEMORY)});
const { getHeapSpaceStatistics } = await import('node:v8');
const keep = [];
for (let i = 0; i < 300000; i++) { const o = { i, s: 'x' + i, a: [i, i + 1] }; if (i % 3 === 0) keep.push(o); }
for (let j = 0; j < 20; j++) JSON.parse(JSON.stringify(Array.from({ length: 5000 }, (_, k) => ({ k, t: 'abc'.repeat(5) }))));
process.stdout.write(String(getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 2 ** 20));
`;

function youngGenerationMb(withSettings: boolean, nodeFlags: string[] = []): number {
  const r = spawnSync(process.execPath, [...nodeFlags, '--input-type=module', '-e', PROGRAM, withSettings ? 'with' : 'without'], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
  return Number(r.stdout);
}

describe('the server heap settings (src/memory.ts)', () => {
  it('keep the young generation at its starting 2 MB where V8 alone grows it to 32 MB', () => {
    expect(youngGenerationMb(false)).toBeGreaterThanOrEqual(16);
    expect(youngGenerationMb(true)).toBeLessThanOrEqual(2);
  });

  it('give way to a semi-space flag of the user', () => {
    expect(youngGenerationMb(true, ['--max-semi-space-size=8'])).toBeGreaterThan(2);
  });
});
