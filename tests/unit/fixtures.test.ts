import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = join(ROOT, 'tests', 'fixtures');

function filesUnder(dir: string, keep: (path: string) => boolean): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path, keep));
    else if (keep(path)) out.push(path);
  }
  return out;
}

/** Every program the tests, benchmarks, scripts and CI run: none may read outside the clone. */
const programs = [
  ...['tests', 'bench', 'scripts'].flatMap((dir) =>
    filesUnder(join(ROOT, dir), (p) => /\.(ts|mts|js|mjs|cjs)$/.test(p) && !p.startsWith(FIXTURES + sep)),
  ),
  join(ROOT, '.ci', 'run'),
  join(ROOT, 'vitest.config.ts'),
];

/** The fixture table of tests/fixtures/README.md: fixture path and licence path per row. */
function fixtureRows(): { fixture: string; licence: string }[] {
  const readme = readFileSync(join(FIXTURES, 'README.md'), 'utf8');
  return [...readme.matchAll(/^\| `([^`]+)` \| `([^`]+)`/gm)].map((m) => ({ fixture: m[1]!, licence: m[2]! }));
}

/** Relative URLs a source resolves against its own location (new URL('../x', import.meta.url), or a template up to its first ${). */
function urlsResolvedIn(file: string, text: string): { file: string; url: string; inside: boolean }[] {
  return [...text.matchAll(/new URL\(\s*(['"`])(\.\.?\/[^'"`$]*)/g)].map((m) => {
    const target = fileURLToPath(new URL(m[2]!, pathToFileURL(file)));
    return { file, url: m[2]!, inside: (target + sep).startsWith(ROOT) };
  });
}

describe('the tests read only what the repository holds', () => {
  it('finds the programs to check', () => {
    expect(programs.length).toBeGreaterThan(20);
    expect(programs.some((p) => p.endsWith(join('helpers', 'fixtures.ts')))).toBe(true);
  });

  it('no program names the workspace folder beside the repository', () => {
    const outside = ['..', 'shared'].join('/');
    const corpora = ['shared', 'corpora'].join('/');
    const offenders = programs.filter((p) => {
      const text = readFileSync(p, 'utf8');
      return text.includes(outside) || text.includes(corpora);
    });
    expect(offenders.map((p) => relative(ROOT, p))).toEqual([]);
  });

  it('every path resolved from a source file stays inside the repository', () => {
    const found = programs.flatMap((path) => urlsResolvedIn(path, readFileSync(path, 'utf8')));
    expect(found.length).toBeGreaterThan(5);
    expect(found.filter((u) => !u.inside).map((u) => `${relative(ROOT, u.file)}: ${u.url}`)).toEqual([]);
  });

  it('the check itself catches a path that climbs out of the repository', () => {
    const file = join(ROOT, 'tests', 'unit', 'x.test.ts');
    const open = 'new URL(';
    const text = `${open}'../../../elsewhere/a.sql', import.meta.url);\n${open}\`../fixtures/ddl/\${name}\`, import.meta.url)`;
    expect(urlsResolvedIn(file, text).map((u) => [u.url, u.inside])).toEqual([
      ['../../../elsewhere/a.sql', false],
      ['../fixtures/ddl/', true],
    ]);
  });
});

describe('tests/fixtures', () => {
  const rows = fixtureRows();

  it('lists each fixture with a licence file that is there', () => {
    expect(rows.length).toBeGreaterThanOrEqual(6);
    for (const { fixture, licence } of rows) {
      expect(existsSync(join(FIXTURES, fixture)), fixture).toBe(true);
      expect(statSync(join(FIXTURES, licence)).isFile(), licence).toBe(true);
      expect(readFileSync(join(FIXTURES, licence), 'utf8')).toMatch(/permission/i);
    }
  });

  it('holds no file the README does not account for', () => {
    const files = filesUnder(FIXTURES, () => true).map((p) => relative(FIXTURES, p).split(sep).join('/'));
    const licences = new Set(rows.map((r) => r.licence));
    const unlisted = files.filter(
      (f) => f !== 'README.md' && !licences.has(f) && !rows.some((r) => f === r.fixture || (r.fixture.endsWith('/') && f.startsWith(r.fixture))),
    );
    expect(unlisted).toEqual([]);
  });

  it('holds no fixture that no test uses', () => {
    const code = programs.filter((p) => p.includes(`${sep}tests${sep}`)).map((p) => readFileSync(p, 'utf8')).join('\n');
    const unused = rows.map((r) => r.fixture.replace(/\/$/, '').split('/').pop()!).filter((name) => !code.includes(name));
    expect(unused).toEqual([]);
  });
});
