import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderToolsetTable, renderToolTable, toolsetSizes } from '../../src/docs.js';
import { toolListing } from '../../src/mcp/define.js';
import { createServices, toolRegistry } from '../../src/server.js';
import { openStore } from '../../src/store/db.js';

describe('README', () => {
  it('shows the tool table of the registry (npm run docs regenerates it)', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const table = /<!-- tools:start[^>]*-->\n([\s\S]*?)\n<!-- tools:end -->/.exec(readme)?.[1];
    expect(table).toBe(renderToolTable());
  });

  it('gives the bytes of every toolset selection as the registry makes them (npm run docs regenerates them)', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const table = /<!-- toolsets:start[^>]*-->\n([\s\S]*?)\n<!-- toolsets:end -->/.exec(readme)?.[1];
    expect(table).toBe(renderToolsetTable());
    const sizes = Object.fromEntries(toolsetSizes().map((r) => [r.toolsets, r]));
    // The toolsets split the tools; coordinating alone (flags,agents) costs well under the whole set.
    expect(sizes['all (default)']!.tools).toBe(22);
    expect(['flags', 'agents', 'databases', 'migration'].reduce((n, t) => n + sizes[t]!.tools, 0)).toBe(22);
    expect(sizes['flags,agents']!.model_visible_bytes).toBeLessThan(0.6 * sizes['all (default)']!.model_visible_bytes);
  });

  it('gives the install and test commands that .ci/run runs', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const ci = readFileSync(new URL('../../.ci/run', import.meta.url), 'utf8');
    expect(readme).toContain('npm install');
    expect(readme).toContain('npm test');
    expect(ci).toMatch(/^npm install$/m);
    expect(ci).toMatch(/^npm test( \| tee .*)?$/m);
    // npm test runs in a lone clone of the committed tree (nothing beside it)
    expect(ci).toMatch(/^git clone .* "\$clone"$/m);
    expect(ci.indexOf('cd "$clone"')).toBeGreaterThan(ci.indexOf('git clone'));
    expect(ci.indexOf('cd "$clone"')).toBeLessThan(ci.search(/^npm test/m));
  });

  it('tells users what to ignore in their own project and points at nothing outside the repository', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toMatch(/```gitignore\n\.claude\/coordinator\.db\*\n```/);
    expect(readme).not.toContain(['..', 'shared'].join('/'));
    const ignore = readFileSync(new URL('../../.gitignore', import.meta.url), 'utf8').split('\n');
    expect(ignore).toEqual(expect.arrayContaining(['.claude/coordinator.db*', 'isolate-*.log', '*.cpuprofile', '*.heapprofile']));
  });

  it('ships a prebuilt tools/list answer equal to the registry (npm run build writes it)', () => {
    const prebuilt = JSON.parse(readFileSync(new URL('../../dist/tool-listing.json', import.meta.url), 'utf8'));
    const db = openStore(':memory:');
    const services = createServices(db);
    try {
      expect(prebuilt.tools).toEqual(JSON.parse(JSON.stringify(toolRegistry(services).map(toolListing))));
    } finally {
      services.close();
      db.close();
    }
  });
});
