/**
 * Agent files arrive with any cloned repository: each case here is a file an attacker could
 * commit. The server must answer quickly and with small answers, store nothing oversized, mark
 * the file broken (or skip it) with a reason on stderr, and never block on what it finds.
 */
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { AgentCatalog } from '../../src/agents/catalog.js';
import { splitDescription } from '../../src/agents/examples.js';
import { parseAgentFile } from '../../src/agents/parse.js';
import { AgentSearch } from '../../src/agents/search.js';
import { requesterTerms } from '../../src/agents/text.js';
import { openStore } from '../../src/store/db.js';
import { writeAgent } from '../helpers/agents.js';
import { assertBuilt, spawnServer } from '../helpers/spawn.js';
import { tempDir } from '../helpers/tmp.js';

beforeAll(assertBuilt);

/** A generous bound that tells a hang from a slow machine; not a speed target. */
const ANSWER_MS = 5000;
/** Every answer of these tests is a few kilobytes; a bomb's was tens of megabytes. */
const ANSWER_CHARS = 100_000;
const RSS_KB = 300 * 1024;

/** Anchors a0..a6, each a list of nine aliases of the one before: a6 stands for 9^7 items. */
function aliasLevels(prefix: string): string {
  const lines = [`${prefix}0: &a0 [${Array(9).fill('x').join(',')}]`];
  for (let i = 1; i < 7; i++) lines.push(`${prefix}${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(',')}]`);
  return lines.join('\n');
}

/** The review's two files: anchors in keys of their own, and the bomb as the description. */
const BOMB_KEYS = `---\nname: bomb.keys\ndescription: looks harmless\n${aliasLevels('a')}\n---\nbody\n`;
const BOMB_DESCRIPTION = `---\nname: bomb.description\n${aliasLevels('k')}\ndescription: *a6\n---\nbody\n`;

function rssOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

async function timed<T>(what: () => Promise<T>): Promise<{ value: T; ms: number; chars: number }> {
  const start = performance.now();
  const value = await what();
  return { value, ms: performance.now() - start, chars: JSON.stringify(value).length };
}

async function startOn(dir: string) {
  const project = tempDir();
  const db = join(project, 'c.db');
  const s = await spawnServer(['--db', db, '--no-bundled-agents', '--agents-dir', dir], { CLAUDE_PROJECT_DIR: project });
  const pid = s.transport.pid!;
  const opts = { timeout: 30_000 };
  const call = (name: string, args: Record<string, unknown>) => timed(() => s.client.callTool({ name, arguments: args }, undefined, opts));
  const ping = () => timed(() => s.client.ping(opts));
  return { ...s, db, pid, call, ping, opts };
}

function catalogRows(db: string) {
  const conn = new Database(db, { readonly: true });
  try {
    const sizes = conn.prepare(`SELECT max(length(frontmatter)) AS frontmatter, max(length(description)) AS description,
      max(length(body)) AS body, max(length(tags) + length(capabilities) + length(tools)) AS lists, max(length(error)) AS error
      FROM agents_catalog`).get() as Record<string, number>;
    const rows = conn.prepare('SELECT path, name, status, error, size FROM agents_catalog ORDER BY path').all() as
      { path: string; name: string; status: string; error: string | null; size: number }[];
    return { sizes, rows };
  } finally {
    conn.close();
  }
}

const warnings = (stderr: string) => stderr.split('\n').filter((l) => l.includes('skipped agent file'));

describe('hostile agent files', () => {
  it('YAML alias bombs (both variants) are marked broken: every call answers fast and small, nothing large is stored', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bomb-keys.md'), BOMB_KEYS);
    writeFileSync(join(dir, 'bomb-description.md'), BOMB_DESCRIPTION);
    expect(BOMB_KEYS.length).toBeLessThan(450);
    expect(BOMB_DESCRIPTION.length).toBeLessThan(450);
    writeAgent(dir, 'good.md', { name: 'good.agent', description: 'Handles carrots and turnips' });
    const s = await startOn(dir);
    try {
      const answers = {
        search: await s.call('search_agents', { query: 'carrots bomb harmless x', limit: 100 }),
        list: await s.call('list_agents', { limit: 500 }),
        get: await s.call('get_agent', { name: '@good.agent' }),
        getBomb: await s.call('get_agent', { name: '@bomb.keys' }),
        resources: await timed(() => s.client.listResources(undefined, s.opts)),
        read: await timed(() => s.client.readResource({ uri: 'agent://good.agent' }, s.opts)),
        ping: await s.ping(),
      };
      for (const [name, a] of Object.entries(answers)) {
        expect({ name, ms: a.ms < ANSWER_MS, chars: a.chars < ANSWER_CHARS }).toEqual({ name, ms: true, chars: true });
      }
      const list = answers.list.value.structuredContent as { total: number; agents: { name: string }[] };
      expect(list.agents.map((a) => a.name)).toEqual(['@good.agent']);
      expect((answers.getBomb.value as { isError?: boolean }).isError).toBe(true);
      const uris = answers.resources.value.resources.map((r) => r.uri);
      expect(uris).toContain('agent://good.agent');
      expect(uris.some((u) => u.includes('bomb'))).toBe(false);

      const lines = warnings(s.stderr());
      for (const file of ['bomb-keys.md', 'bomb-description.md']) {
        const line = lines.filter((l) => l.includes(join(dir, file)));
        expect(line).toHaveLength(1);
        expect(line[0]).toMatch(/YAML aliases that expand past the (65,536|1,048,576)-character limit/);
      }
      const { rss, peak } = rssOf(s.pid);
      expect(rss).toBeLessThan(RSS_KB);
      expect(peak).toBeLessThan(RSS_KB);
    } finally {
      await s.close();
    }
    const { sizes, rows } = catalogRows(s.db);
    expect(sizes.frontmatter).toBeLessThan(10_000);
    expect(sizes.description).toBeLessThan(10_000);
    expect(sizes.body).toBeLessThan(10_000);
    expect(sizes.lists).toBeLessThan(10_000);
    expect(sizes.error).toBeLessThan(500);
    const byFile = Object.fromEntries(rows.map((r) => [r.path.slice(dir.length + 1), r]));
    expect(byFile['good.md']).toMatchObject({ status: 'active', name: '@good.agent' });
    for (const file of ['bomb-keys.md', 'bomb-description.md']) {
      expect(byFile[file]).toMatchObject({ status: 'broken', name: '' });
      expect(byFile[file]!.error).toMatch(/aliases.*limit/);
    }
  }, 60_000);

  it('a 1.5 GB (sparse) agent file is marked broken from its size, without being read', async () => {
    const dir = tempDir();
    const big = join(dir, 'huge.md');
    writeFileSync(big, '---\nname: huge.agent\ndescription: big\n---\n');
    truncateSync(big, 1_500_000_000); // the rest is a hole: it costs no disk
    writeAgent(dir, 'small.md', { name: 'small.agent', description: 'Handles parsnips' });
    const s = await startOn(dir);
    try {
      const list = await s.call('list_agents', {});
      const ping = await s.ping();
      expect(list.ms).toBeLessThan(ANSWER_MS);
      expect(ping.ms).toBeLessThan(ANSWER_MS);
      expect((list.value.structuredContent as { agents: { name: string }[] }).agents.map((a) => a.name)).toEqual(['@small.agent']);
      const { peak } = rssOf(s.pid);
      expect(peak).toBeLessThan(RSS_KB); // reading it whole took 1.5 GB
      const line = warnings(s.stderr()).filter((l) => l.includes(big));
      expect(line).toHaveLength(1);
      expect(line[0]).toMatch(/larger than 1 MB, the limit \(1,500,000,000 bytes\)/);
    } finally {
      await s.close();
    }
    const huge = catalogRows(s.db).rows.find((r) => r.path === big);
    expect(huge).toMatchObject({ status: 'broken', size: 1_500_000_000 });
    expect(huge!.error).toMatch(/larger than 1 MB/);
  }, 60_000);

  it('follows a symlink to an agent file; warns about dangling links, loops, FIFOs and non-UTF-8 names, and never blocks', async () => {
    const dir = tempDir();
    const elsewhere = tempDir();
    const good = writeAgent(elsewhere, 'dotfiles-agent.md', { name: 'linked.agent', description: 'Kept in a dotfiles repository' });
    symlinkSync(good, join(dir, 'linked.md'));
    writeAgent(dir, 'plain.md', { name: 'plain.agent', description: 'An ordinary file' });
    symlinkSync(join(elsewhere, 'missing.md'), join(dir, 'dangling.md'));
    symlinkSync(join(dir, 'loop-b.md'), join(dir, 'loop-a.md'));
    symlinkSync(join(dir, 'loop-a.md'), join(dir, 'loop-b.md'));
    execFileSync('mkfifo', [join(elsewhere, 'pipe')]);
    symlinkSync(join(elsewhere, 'pipe'), join(dir, 'to-fifo.md'));
    execFileSync('mkfifo', [join(dir, 'fifo.md')]);
    mkdirSync(join(elsewhere, 'folder.md'));
    symlinkSync(join(elsewhere, 'folder.md'), join(dir, 'to-folder.md'));
    const latin1 = Buffer.concat([Buffer.from(`${dir}/caf`), Buffer.from([0xe9]), Buffer.from('.md')]);
    writeFileSync(latin1, '---\nname: latin1.agent\ndescription: named in Latin-1\n---\nbody\n');
    // a folder whose name is not UTF-8 must not hide the rest of the folder
    const latin1Dir = Buffer.concat([Buffer.from(`${dir}/d`), Buffer.from([0xe9])]);
    mkdirSync(latin1Dir);
    writeFileSync(Buffer.concat([latin1Dir, Buffer.from('/inner.md')]), '---\nname: inner.agent\ndescription: x\n---\n');

    const s = await startOn(dir);
    try {
      const list = await s.call('list_agents', {});
      expect(list.ms).toBeLessThan(ANSWER_MS);
      expect((list.value.structuredContent as { agents: { name: string }[] }).agents.map((a) => a.name)).toEqual(['@linked.agent', '@plain.agent']);
      const linked = await s.call('get_agent', { name: '@linked.agent' });
      expect(linked.value.structuredContent).toMatchObject({ path: join(dir, 'linked.md'), description: 'Kept in a dotfiles repository' });
      expect((await s.ping()).ms).toBeLessThan(ANSWER_MS);
      const lines = warnings(s.stderr());
      const reasonFor = (file: string) => lines.filter((l) => l.includes(`${file}:`));
      expect(reasonFor(join(dir, 'dangling.md'))).toEqual([expect.stringMatching(/dangling symlink/)]);
      expect(reasonFor(join(dir, 'loop-a.md'))).toEqual([expect.stringMatching(/symlink loop/)]);
      expect(reasonFor(join(dir, 'loop-b.md'))).toEqual([expect.stringMatching(/symlink loop/)]);
      expect(reasonFor(join(dir, 'to-fifo.md'))).toEqual([expect.stringMatching(/symlink to a FIFO, not a regular file/)]);
      expect(reasonFor(join(dir, 'fifo.md'))).toEqual([expect.stringMatching(/a FIFO, not a regular file/)]);
      expect(reasonFor(join(dir, 'to-folder.md'))).toEqual([expect.stringMatching(/symlink to a directory/)]);
      expect(reasonFor(`${dir}/caf\uFFFD.md`)).toEqual([expect.stringMatching(/file name is not valid UTF-8/)]);
      expect(reasonFor(`${dir}/d\uFFFD`)).toEqual([expect.stringMatching(/folder name is not valid UTF-8/)]);
      expect(lines).toHaveLength(8);
    } finally {
      await s.close();
    }
    const rows = catalogRows(s.db).rows;
    expect(rows.map((r) => [r.path.slice(dir.length + 1), r.status])).toEqual([['linked.md', 'active'], ['plain.md', 'active']]);
  }, 60_000);
});

describe('a catalog of many files full of random words', () => {
  it('bounds the search index: bodies past the word limit are left out with one warning, and a 10,000-character query of random words answers', () => {
    const stderr: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      stderr.push(String(chunk));
      return true;
    });
    try {
      const dir = tempDir();
      let seed = 7;
      const next = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
      const word = () => Array.from({ length: 6 + Math.floor(next() * 6) }, () => String.fromCharCode(97 + Math.floor(next() * 26))).join('');
      for (let i = 0; i < 1200; i++) {
        writeAgent(dir, `a${i}.md`, { name: `agent-${i}`, description: `owns ${Array.from({ length: 10 }, word).join(' ')}` }, Array.from({ length: 300 }, word).join(' '));
      }
      writeAgent(dir, 'z.md', { name: 'db-expert', description: 'PostgreSQL replication and vacuum tuning' });
      const db = openStore(join(tempDir(), 'c.db'));
      const catalog = new AgentCatalog(db, [{ source: 'extra', dir }]);
      catalog.refresh();
      const search = new AgentSearch(catalog);
      expect(search.search('postgres vacuum', 1).results[0]!.name).toBe('@db-expert');
      expect(stderr.filter((l) => l.includes('distinct words'))).toHaveLength(1);
      const randomQuery = Array.from({ length: 1500 }, word).join(' ').slice(0, 10_000);
      expect(Array.isArray(search.search(randomQuery, 5).results)).toBe(true);
      db.close();
    } finally {
      vi.restoreAllMocks();
    }
  }, 60_000);
});

describe('front matter limits (parseAgentFile)', () => {
  const file = (front: string, body = 'body') => Buffer.from(`---\n${front}\n---\n${body}\n`);
  const reason = (bytes: Buffer) => {
    const r = parseAgentFile(bytes);
    return r.ok ? 'ok' : r.reason;
  };

  it('refuses a scalar repeated through aliases past the limit, within the file-size limit', () => {
    const front = `name: s\nlong: &s "${'y'.repeat(10_000)}"\nmany: [${Array(100).fill('*s').join(',')}]`;
    const start = performance.now();
    expect(reason(file(front))).toMatch(/YAML aliases that expand past the 65,536-character limit/);
    expect(performance.now() - start).toBeLessThan(1000);
  });

  it('stops a mapping key that joins aliases (js-yaml writes such keys out while it parses) before it is built', () => {
    // A key written as a list of aliases becomes one joined string inside the YAML parser: 2,000
    // copies of a 200,000-character string made 400 million characters (860 MB) from 1 MB of file.
    const strings = `name: k\nlong: &s "${'y'.repeat(200_000)}"\n? [${Array(2000).fill('*s').join(', ')}]\n: 1`;
    // Lists nested through aliases, joined the same way: 9^8 items from a few hundred bytes.
    const levels = ['a0: &a0 [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i <= 8; i++) levels.push(`a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]`);
    const lists = `name: l\n${levels.join('\n')}\n? *a8\n: 1`;
    for (const front of [strings, lists]) {
      const bytes = file(front);
      expect(bytes.length).toBeLessThan(1024 * 1024);
      const start = performance.now();
      expect(reason(bytes)).toBe('frontmatter uses YAML aliases that expand past the 1,048,576-character limit while parsed (each *alias repeats the data of its &anchor)');
      expect(performance.now() - start).toBeLessThan(5000);
    }
  });

  it('accepts aliases that stay small, and front matter near the limit', () => {
    expect(reason(file('name: a\ntags: &t [x, y]\ncapabilities: *t'))).toBe('ok');
    expect(reason(file(`name: a\nnotes: "${'z'.repeat(60_000)}"`))).toBe('ok');
    expect(reason(file(`name: a\nnotes: "${'z'.repeat(70_000)}"`))).toBe('frontmatter is over the 65,536-character limit');
  });

  it('refuses front matter nested deeper than 32 levels', () => {
    expect(reason(file(`name: a\ndeep: ${'['.repeat(40)}${']'.repeat(40)}`))).toMatch(/more than 32 levels deep/);
    expect(reason(file(`name: a\ndeep: ${'['.repeat(20)}${']'.repeat(20)}`))).toBe('ok');
    // nested deep enough to overflow the YAML parser's stack: the same reason, not read line by line and accepted
    for (const deep of [`${'['.repeat(5_000)}${']'.repeat(5_000)}`, `${'{a: '.repeat(5_000)}1${'}'.repeat(5_000)}`]) {
      expect(reason(file(`name: a\ndescription: x\ndeep: ${deep}`))).toBe('frontmatter nests lists or maps more than 32 levels deep (the limit)');
    }
  });

  it('bounds front matter that is read line by line (not YAML, as Claude Code reads it) like any other: size, keys and prototypes', () => {
    // ~0.9 MB of dialogue lines in an unquoted description: over the front matter limit, refused fast
    const t = performance.now();
    const huge = `name: a\ndescription: Use this agent. Examples:${'\\nuser: "do the thing"'.repeat(40_000)}`; // under the 1 MB file limit
    expect(reason(file(huge))).toMatch(/frontmatter is over the 65,536-character limit/);
    expect(performance.now() - t).toBeLessThan(5_000);
    // keys that are names of Object's own properties stay plain data
    const r = parseAgentFile(file('name: a\ndescription: Examples:\\nuser: "x"\nconstructor: c\nhasOwnProperty: h\nvalueOf: v'));
    expect(r.ok && r.agent.frontmatter).toMatchObject({ constructor: 'c', hasOwnProperty: 'h', valueOf: 'v' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reads descriptions and queries shaped to make its patterns backtrack in linear time (blank lines in an example, leading spaces)', () => {
    // Before: a \s* at each line start rescanned the rest of a blank run, 2-3 s per search result
    // or list_agents row for this description; ~5 s in requesterTerms for the query. Now ~1 ms.
    let t = performance.now();
    const parts = splitDescription(`Use this agent for tuning. <example>${'\n'.repeat(32_000)}x</example>`);
    expect(parts).toEqual({ summary: 'Use this agent for tuning.', examples: 'x' });
    expect(performance.now() - t).toBeLessThan(500);
    t = performance.now();
    expect(splitDescription(`<example>${'\\n'.repeat(16_000)}user: x</example>`).examples).toBe('x');
    expect(performance.now() - t).toBeLessThan(500);
    t = performance.now();
    expect([...requesterTerms(`${' '.repeat(9_990)}Support lead: logins fail`)]).toEqual(['support', 'lead']);
    expect([...requesterTerms(' '.repeat(10_000))]).toEqual([]);
    expect(performance.now() - t).toBeLessThan(500);
  });

  it('refuses a front matter with a run of over 100 blank lines at once (its parser took 3.6 s for 50,000, 32 s for 200,000), and parses a file of many shorter runs in well under a second', () => {
    let t = performance.now();
    expect(reason(file(`name: a\ndescription: x${'\n'.repeat(200_000)}`))).toMatch(/run of over 100 blank lines/);
    expect(performance.now() - t).toBeLessThan(1_000);
    expect(reason(file(`name: a\ndescription: x${'\n'.repeat(100)}`))).toBe('ok');
    t = performance.now();
    expect(reason(file(`name: a\n${`${'\n'.repeat(98)}# a comment\n`.repeat(9_000)}`))).toBe('ok');
    expect(performance.now() - t).toBeLessThan(5_000);
  });

  it('bounds every field: description, model, color, and the items and length of tags, capabilities and tools', () => {
    expect(reason(file(`name: a\ndescription: ${'d'.repeat(32_768)}`))).toBe('ok');
    expect(reason(file(`name: a\ndescription: ${'d'.repeat(32_769)}`))).toBe('description is 32,769 characters, over the 32,768-character limit');
    expect(reason(file(`name: a\nmodel: ${'m'.repeat(201)}`))).toBe('model is over the 200-character limit');
    expect(reason(file(`name: a\ncolor: ${'c'.repeat(201)}`))).toBe('color is over the 200-character limit');
    expect(reason(file(`name: a\ntags: [${Array.from({ length: 101 }, (_, i) => `t${i}`).join(',')}]`))).toBe('tags has 101 items, over the limit of 100');
    expect(reason(file(`name: a\ncapabilities: [${'k'.repeat(201)}]`))).toBe('an item of capabilities is over the 200-character limit');
    expect(reason(file(`name: a\ntools: ${Array.from({ length: 101 }, (_, i) => `T${i}`).join(', ')}`))).toBe('tools has 101 items, over the limit of 100');
    expect(reason(file(`name: ${'n'.repeat(70)}`))).toMatch(/cannot be an agent handle \(at most 64 characters/);
  });
});

describe('rows stored before the limits', () => {
  it('an expanded alias bomb left active in agents_catalog by an older version is read again and marked broken', () => {
    const dir = tempDir();
    const path = join(dir, 'bomb-keys.md');
    writeFileSync(path, BOMB_KEYS);
    const db = openStore(join(tempDir(), 'c.db'));
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      new AgentCatalog(db, [{ source: 'extra', dir }]).refresh();
      // what the old parser stored for this unchanged file: active, its aliases written out
      const expanded = JSON.stringify({ name: 'bomb.keys', a6: Array(200_000).fill('x') });
      db.prepare(`UPDATE agents_catalog SET status = 'active', error = NULL, name = '@bomb.keys', module = 'bomb.keys',
        frontmatter = ? WHERE path = ?`).run(expanded, path);
      const catalog = new AgentCatalog(db, [{ source: 'extra', dir }]);
      catalog.refresh();
      expect(catalog.get('@bomb.keys')).toBeUndefined();
      const row = db.prepare('SELECT status, error, length(frontmatter) AS fm FROM agents_catalog WHERE path = ?').get(path) as Record<string, unknown>;
      expect(row).toMatchObject({ status: 'broken', fm: 2 });
      expect(row.error).toMatch(/YAML aliases/);
    } finally {
      write.mockRestore();
      db.close();
    }
  });
});
