import Database from 'better-sqlite3';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AgentCatalog } from '../../src/agents/catalog.js';
import { parseAgentFile } from '../../src/agents/parse.js';
import { AgentSearch } from '../../src/agents/search.js';
import { FlagService } from '../../src/flags/service.js';
import { openStore } from '../../src/store/db.js';
import { ReadOnlyQueries } from '../../src/store/readonly.js';
import { writeAgent } from '../helpers/agents.js';
import { tempDir } from '../helpers/tmp.js';

beforeEach(async () => {
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => vi.restoreAllMocks());

describe('agent files that try to do more than describe an agent', () => {
  it('never runs JavaScript front matter', async () => {
    const marker = join(tempDir(), 'pwned.txt');
    const r = parseAgentFile(Buffer.from(`---js\n{ name: (require('fs').writeFileSync(${JSON.stringify(marker)}, 'x'), 'evil') }\n---\nbody`));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/JavaScript is not accepted/);
    expect(existsSync(marker)).toBe(false);
  });

  it('skips a file whose YAML anchors make a cycle, and keeps the rest of the catalog', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'cyc.md'), '---\nname: cyc\nanchor: &a [1, *a]\n---\n');
    writeAgent(dir, 'ok.md', { name: 'ok.one', description: 'fine' });
    const db = openStore(join(tempDir(), 'c.db'));
    const catalog = new AgentCatalog(db, [{ source: 'project', dir }]);
    expect(catalog.refresh()).toMatchObject({ added: 2, broken: 1 });
    expect(catalog.all().map((a) => a.name)).toEqual(['@ok.one']);
    db.close();
  });
});

describe('catalog folders', () => {
  it('lets a later extra folder win over an earlier one (shadowed, not broken)', async () => {
    const [a, b] = [tempDir(), tempDir()];
    writeAgent(a, 'x.md', { name: 'team.x', description: 'from A' });
    const bx = writeAgent(b, 'x.md', { name: 'team.x', description: 'from B' });
    const db = openStore(join(tempDir(), 'c.db'));
    const catalog = new AgentCatalog(db, [{ source: 'extra', dir: a }, { source: 'extra', dir: b }]);
    catalog.refresh();
    expect(catalog.get('@team.x')).toMatchObject({ path: bx, description: 'from B' });
    expect(db.prepare('SELECT status FROM agents_catalog WHERE path = ?').pluck().get(join(a, 'x.md'))).toBe('shadowed');
    db.close();
  });

  it('reads a file once when one folder holds another, and stays stable across refreshes', async () => {
    const base = tempDir();
    writeAgent(join(base, '.claude', 'agents'), 'p.md', { name: 'proj.agent', description: 'project one' });
    const db = openStore(join(tempDir(), 'c.db'));
    const catalog = new AgentCatalog(db, [{ source: 'extra', dir: base }, { source: 'project', dir: join(base, '.claude', 'agents') }]);
    expect(catalog.refresh()).toEqual({ added: 1, updated: 0, removed: 0, broken: 0 });
    expect(catalog.refresh()).toEqual({ added: 0, updated: 0, removed: 0, broken: 0 });
    expect(catalog.get('@proj.agent')!.source).toBe('project');
    db.close();
  });
});

describe('search', () => {
  it('counts a word once per agent however long the query, and one stem once', async () => {
    const dir = tempDir();
    writeAgent(dir, 'a.md', { name: 'db.pg', description: 'postgres indexing', tags: '[postgres]', capabilities: '[postgres tuning, index design]' });
    const db = openStore(join(tempDir(), 'c.db'));
    const catalog = new AgentCatalog(db, [{ source: 'user', dir }]);
    catalog.refresh();
    const search = new AgentSearch(catalog);
    const filler = Array.from({ length: 29 }, (_x, i) => `filler${i}`).join(' ');
    expect(search.search(`${filler} postgres`, 1).results[0]!.score).toBe(50);
    expect(search.search('index indexes indexing', 1).results[0]!.score).toBe(search.search('index', 1).results[0]!.score);
    db.close();
  });
});

describe('query_catalog size', () => {
  it('caps an answer by bytes as well as rows', async () => {
    const path = join(tempDir(), 'c.db');
    openStore(path).close();
    const q = new ReadOnlyQueries(path);
    try {
      const big = await q.run('WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 1000) SELECT hex(randomblob(100000)) AS b FROM c', undefined, 1000);
      expect(big.truncated).toBe(true);
      expect(big.row_count).toBeLessThan(1000);
      await expect(q.run('SELECT hex(randomblob(3000000)) AS b')).rejects.toMatchObject({ details: { rule: 'result_size' } });
    } finally {
      q.close();
    }
  });
});

describe('flags imported from the old script', () => {
  it('get normalised handles, lose chain loops, and keep non-object context as an object', async () => {
    const path = join(tempDir(), 'legacy.db');
    const raw = new Database(path);
    raw.exec(`CREATE TABLE flags (id INTEGER PRIMARY KEY, chain_origin_id INTEGER, flag_type TEXT, source_agent TEXT, target_agent TEXT,
      change_description TEXT, action_required TEXT, impact_level TEXT, status TEXT, locked INTEGER, related_files TEXT, context TEXT, created_at TEXT)`);
    const ins = raw.prepare('INSERT INTO flags VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)');
    ins.run(1, 2, 'change', 'Backend.API', 'frontend.react', 'd'.repeat(60), 'a'.repeat(120), 'medium', 'pending', 0, null, '[1,2]', '2025-01-01 10:00:00');
    ins.run(2, 1, 'change', '@backend.api', '', 'd'.repeat(60), 'a'.repeat(120), 'medium', 'pending', 0, null, null, '2025-01-01 10:01:00');
    raw.close();
    const db = openStore(path);
    const flags = new FlagService(db);
    expect((await flags.agentQueue('@frontend.react')).flags.map((f) => f.id)).toEqual([1, 2]);
    const one = (await flags.get(1)).flag;
    expect(one).toMatchObject({ source_agent: '@backend.api', target_agent: '@frontend.react', context: { value: [1, 2] } });
    const chains = [(await flags.get(1)).flag.chain_origin_id, (await flags.get(2)).flag.chain_origin_id];
    expect(chains.filter((c) => c === null)).toHaveLength(1);
    expect((await flags.update(1, 'backend.api', { impact_level: 'high' })).changed).toEqual(['impact_level']);
    db.close();
  });
});

describe('a lazily read agent catalog that fails (session 2 review)', () => {
  it('still answers create_flag with success: the target check becomes a warning, the flag is stored', async () => {
    const { connectInProcess, callOk } = await import('../helpers/client.js');
    const db = openStore(join(tempDir(), 'c.db'));
    const { client, services, close } = await connectInProcess(db);
    try {
      vi.spyOn(services.agents.catalog, 'size', 'get').mockImplementation(() => {
        throw new Error('the agents folder went away');
      });
      const out = await callOk(client, 'create_flag', {
        source_agent: '@backend.api', target_agent: '@frontend.react', flag_type: 'change',
        change_description: 'd'.repeat(60), action_required: 'a'.repeat(120),
      });
      expect(out).toMatchObject({ success: true, flag_id: 1 });
      expect(out.warnings).toEqual(['target_agent @frontend.react was not checked: the agent catalog could not be read. The flag was created.']);
      expect(db.prepare('SELECT count(*) FROM flags').pluck().get()).toBe(1);
    } finally {
      await close();
      db.close();
    }
  });
});
