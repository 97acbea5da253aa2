import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOGS } from '../../bench/routing.mjs';
import { ROUTING_TASKS } from '../helpers/fixtures.js';

/** The shape of tests/fixtures/routing/tasks.*.json (this test checks the files, it does not score any search). */
interface RoutingTask {
  id: string;
  catalog: string;
  query: string;
  accept: string[];
  best?: string;
  split: string;
}

/** Handles of a catalog folder and its subfolders: '@' + each file's frontmatter name, lower-cased, spaces to hyphens. */
function handles(dir: string): Set<string> {
  const out = new Set<string>();
  for (const file of (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.md'))) {
    const front = /^---\r?\n([\s\S]*?)\r?\n---/.exec(readFileSync(join(dir, file), 'utf8'));
    const name = front && /^name:\s*(.+)$/m.exec(front[1]!);
    if (name) out.add('@' + name[1]!.trim().toLowerCase().replace(/\s+/g, '-'));
  }
  return out;
}

const load = (file: string): RoutingTask[] => JSON.parse(readFileSync(join(ROUTING_TASKS, file), 'utf8')) as RoutingTask[];
/** Every batch in the folder: tasks.dev.json, tasks-b.dev.json, ... and their held-out files. */
const taskFiles = readdirSync(ROUTING_TASKS).sort();
const devFiles = taskFiles.filter((f) => /^tasks.*\.dev\.json$/.test(f));
const heldoutFiles = taskFiles.filter((f) => /^tasks.*\.heldout\.json$/.test(f));
/** Batches with no held-out file (tuning only); the README must say so in a paragraph naming the dev file. */
const devOnlyFiles = devFiles.filter((f) => !heldoutFiles.includes(f.replace('.dev.', '.heldout.')));
/** Batches held out whole (scored once, never tuned on); the README must say so in a paragraph naming the file. */
const heldoutOnlyFiles = heldoutFiles.filter((f) => !devFiles.includes(f.replace('.heldout.', '.dev.')));
const dev = devFiles.flatMap(load);
const heldout = heldoutFiles.flatMap(load);
const all = [...dev, ...heldout];
const readmeParagraphs = readFileSync(join(ROUTING_TASKS, 'README.md'), 'utf8').split(/\n\s*\n/);

describe('routing tasks (tests/fixtures/routing)', () => {
  it('loads every batch, each with a dev and a held-out file', () => {
    expect(devFiles).toContain('tasks.dev.json');
    expect(heldoutFiles).toContain('tasks.heldout.json');
    expect(devFiles.length).toBeGreaterThanOrEqual(2);
    // A held-out file may stand alone only if the README declares that batch held out whole; a dev
    // file only if the README declares that batch dev-only.
    for (const file of heldoutOnlyFiles) {
      const declared = readmeParagraphs.some((p) => p.includes(`\`${file}\``) && /held out whole/i.test(p));
      expect(declared, `${file} has no dev file and the README does not declare its batch held out whole`).toBe(true);
    }
    expect(heldoutFiles.length).toBeGreaterThanOrEqual(2);
    for (const file of devOnlyFiles) {
      const declared = readmeParagraphs.some((p) => p.includes(`\`${file}\``) && /no held-out file/i.test(p) && /dev only/i.test(p));
      expect(declared, `${file} has no held-out file and the README does not declare its batch dev only`).toBe(true);
    }
  });

  it('every task has an id, a known catalog, a query, accepted agents and its split', () => {
    for (const t of all) {
      expect(t.id, JSON.stringify(t)).toMatch(/^(wsh|rsh|vlt)-(\d{3}|[b-z]\d{2})$/);
      expect(Object.keys(CATALOGS), t.id).toContain(t.catalog);
      expect(typeof t.query === 'string' && t.query.trim().length > 0, t.id).toBe(true);
      expect(Array.isArray(t.accept) && t.accept.length > 0, t.id).toBe(true);
      expect(new Set(t.accept).size, t.id).toBe(t.accept.length);
    }
    expect(dev.every((t) => t.split === 'dev')).toBe(true);
    expect(heldout.every((t) => t.split === 'heldout')).toBe(true);
  });

  it('every accepted handle, and the best one, names an agent file of that catalog', () => {
    const known = Object.fromEntries(Object.entries(CATALOGS).map(([k, dir]) => [k, handles(dir)]));
    expect(known['wshobson-agents']!.size).toBe(202);
    expect(known['rshah515-agents']!.size).toBe(165);
    expect(known['voltagent-subagents']!.size).toBe(250);
    const missing = all.flatMap((t) => t.accept.filter((h) => !known[t.catalog]!.has(h)).map((h) => `${t.id}: ${h}`));
    expect(missing).toEqual([]);
    for (const t of all.filter((x) => x.best !== undefined)) expect(t.accept, t.id).toContain(t.best);
  });

  it('ids are unique, there are at least 80 tasks, and about a third of the batches with a held-out file are held out', () => {
    expect(new Set(all.map((t) => t.id)).size).toBe(all.length);
    expect(all.length).toBeGreaterThanOrEqual(80);
    const splitDev = devFiles.filter((f) => !devOnlyFiles.includes(f)).flatMap(load);
    const splitHeldout = heldoutFiles.filter((f) => !heldoutOnlyFiles.includes(f)).flatMap(load);
    const share = splitHeldout.length / (splitDev.length + splitHeldout.length);
    expect(share).toBeGreaterThan(0.28);
    expect(share).toBeLessThan(0.39);
    for (const catalog of Object.keys(CATALOGS)) {
      expect(all.filter((t) => t.catalog === catalog).length, catalog).toBeGreaterThanOrEqual(40);
    }
  });
});
