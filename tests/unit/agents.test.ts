import { writeFileSync, rmSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { AgentCatalog, type AgentRoot } from '../../src/agents/catalog.js';
import { normalizeAgentName, parseAgentFile } from '../../src/agents/parse.js';
import { namedTools } from '../../src/agents/search.js';
import { BUNDLED_AGENTS_DIR, resolveAgentRoots } from '../../src/config.js';
import type { DB } from '../../src/store/db.js';
import { loadAgents, withStoreAndStderr, writeAgent } from '../helpers/agents.js';
import { AGENT_CORPUS as CORPUS } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/tmp.js';

let db: DB;
let stderr: string[];
withStoreAndStderr((d, s) => {
  db = d;
  stderr = s;
});

const load = (roots: AgentRoot[]) => loadAgents(db, roots);

const statusOf = (path: string) => db.prepare('SELECT status, shadowed_by, error FROM agents_catalog WHERE path = ?').get(path);

describe('agent files', () => {
  it('normalises names to handles', () => {
    expect(normalizeAgentName('backend.API')).toBe('@backend.api');
    expect(normalizeAgentName('Code Reviewer')).toBe('@code-reviewer');
    expect(normalizeAgentName('@service.auth')).toBe('@service.auth');
    expect(normalizeAgentName('bad/name')).toBeNull();
  });

  it.each([
    ['bad YAML', Buffer.from('---\nname: x\n<example>\n---\nbody'), /bad YAML frontmatter/],
    ['no frontmatter', Buffer.from('# Just a heading\n'), /no YAML frontmatter/],
    ['no name', Buffer.from('---\ndescription: nameless\n---\nbody'), /has no name/],
    ['a name that is no handle', Buffer.from('---\nname: "a/b c"\n---\n'), /cannot be an agent handle/],
    ['not UTF-8', Buffer.concat([Buffer.from('---\nname: x\n---\n'), Buffer.from([0xff, 0xfe, 0xfd])]), /not valid UTF-8/],
    ['over 1 MB', Buffer.from(`---\nname: big\n---\n${'x'.repeat(1024 * 1024)}`), /larger than 1 MB/],
  ])('refuses a file with %s, saying why', (_what, bytes, reason) => {
    const r = parseAgentFile(bytes);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(reason);
  });

  describe("files as Claude Code's agent generator writes them (example dialogues in an unquoted description: not YAML)", () => {
    const generated = [
      '---',
      'name: ledger-keeper',
      'description: Use this agent when reconciling payouts or fixing ledger drift. Examples:\\n\\n<example>\\nContext: Month-end close\\nuser: "The payout totals do not match the bank statement"\\nassistant: "I will use the ledger-keeper agent to trace the drift."\\n<commentary>\\nReconciliation needs the ledger owner.\\n</commentary>\\n</example>',
      'color: green',
      'tools: Read, Grep, Bash',
      '---',
      '',
      'You keep the books straight.',
    ].join('\n');

    it('are read line by line as Claude Code reads them: name, the whole description, tools, color and body', () => {
      const r = parseAgentFile(Buffer.from(generated));
      expect(r.ok).toBe(true);
      const agent = r.ok ? r.agent : undefined;
      expect(agent).toMatchObject({ name: '@ledger-keeper', color: 'green', tools: ['Read', 'Grep', 'Bash'], body: 'You keep the books straight.' });
      expect(agent!.description).toMatch(/^Use this agent when reconciling payouts .*<\/example>$/);
    });

    it('refuse examples written on unindented lines of their own, as Claude Code does (it does not load those), and read indented ones as the description', () => {
      const lines = ['<example>', 'Context: a warehouse count', 'Sam: "counts are off"', 'assistant: "I will call the shelf-auditor."', '</example>'];
      const file = (indent: string) => Buffer.from(['---', 'name: shelf-auditor', 'description: Use this agent to audit stock levels. Examples:',
        ...lines.map((l) => indent + l), 'model: sonnet', '---', 'Body'].join('\n'));
      const flat = parseAgentFile(file(''));
      expect(flat.ok).toBe(false);
      expect(!flat.ok && flat.reason).toMatch(/bad YAML frontmatter/);
      const indented = parseAgentFile(file('  '));
      expect(indented.ok && indented.agent).toMatchObject({ name: '@shelf-auditor', model: 'sonnet' });
      expect(indented.ok && indented.agent.description).toContain('Sam: "counts are off"');
    });

    it('still refuse what Claude Code refuses too: a line that is no key, a key written twice, no closing ---; and read a bracket list never closed as Claude Code does', () => {
      for (const text of ['---\nname: x\ndescription: a: b\n<example>\n---\nbody', '---\nname: x\ndescription: a: b\nname: y\n---\n', '---\nname: x: y\ndescription: a\n']) {
        const r = parseAgentFile(Buffer.from(text));
        expect(r.ok, text).toBe(false);
      }
      const open = parseAgentFile(Buffer.from('---\nname: x\ndescription: a: b\ntools: [Read, Grep\n---\nbody'));
      expect(open.ok && open.agent.tools).toEqual(['Read', 'Grep']);
    });

    it('show the summary in list_agents and search results, and find the agent by the words of its examples', async () => {
      const dir = tempDir();
      writeFileSync(join(dir, 'ledger-keeper.md'), generated);
      writeAgent(dir, 'api.md', { name: 'api-builder', description: 'Builds REST endpoints and their handlers' });
      const { catalog } = load([{ source: 'project', dir }]);
      expect(catalog.get('@ledger-keeper')).toBeDefined();
      const { AgentSearch } = await import('../../src/agents/search.js');
      const hit = new AgentSearch(catalog).search('payout totals do not match the bank statement', 2).results[0]!;
      expect(hit.name).toBe('@ledger-keeper');
      expect(hit.description).toBe('Use this agent when reconciling payouts or fixing ledger drift.');
    });
  });

  it('reads lists written as YAML lists or comma-separated strings', () => {
    const r = parseAgentFile(Buffer.from('---\nname: a.b\ndescription: d\ntags: JWT, OAuth2\ncapabilities: [x, y]\ntools: Read, Write\n---\nBody'));
    expect(r.ok && r.agent).toMatchObject({ name: '@a.b', tags: ['jwt', 'oauth2'], capabilities: ['x', 'y'], tools: ['Read', 'Write'], body: 'Body' });
  });
});

describe('catalog sources', () => {
  it('lets project beat user beat extra beat bundled, and says which file won', () => {
    const [bundled, extra, user, project] = [tempDir(), tempDir(), tempDir(), tempDir()];
    const b = writeAgent(bundled, 'auth.md', { name: 'service.auth', description: 'bundled one' });
    const e = writeAgent(extra, 'deep/er/auth.md', { name: 'service.auth', description: 'extra one' });
    const u = writeAgent(user, 'auth.md', { name: 'service.auth', description: 'user one' });
    const p = writeAgent(project, 'auth.md', { name: 'Service.Auth', description: 'project one' });
    writeAgent(user, 'only-user.md', { name: 'only.user', description: 'mine' });
    const { catalog, service } = load([{ source: 'bundled', dir: bundled }, { source: 'extra', dir: extra }, { source: 'user', dir: user }, { source: 'project', dir: project }]);
    expect(catalog.get('@service.auth')).toMatchObject({ source: 'project', path: p, description: 'project one' });
    expect(catalog.get('@service.auth')!.shadows.sort()).toEqual([b, e, u].sort());
    expect(service.get('@service.auth')).toMatchObject({ source: 'project', path: p });
    expect(statusOf(u)).toEqual({ status: 'shadowed', shadowed_by: p, error: null });
    expect(catalog.get('@only.user')!.source).toBe('user');
  });

  it('skips broken files with one warning each, naming the file and the reason, and keeps the rest', () => {
    const dir = tempDir();
    writeAgent(dir, 'good.md', { name: 'good.one', description: 'fine' });
    const bad = join(dir, 'bad.md');
    writeFileSync(bad, '---\nname: [unclosed\n---\n');
    const dup1 = writeAgent(dir, 'a/dup.md', { name: 'twin.agent', description: 'first' });
    const dup2 = writeAgent(dir, 'b/dup.md', { name: 'twin.agent', description: 'second' });
    const { catalog } = load([{ source: 'user', dir }]);
    expect(catalog.all().map((a) => a.name).sort()).toEqual(['@good.one', '@twin.agent']);
    expect(catalog.get('@twin.agent')!.path).toBe(dup1);
    expect(statusOf(bad)).toMatchObject({ status: 'broken', error: expect.stringMatching(/bad YAML/) });
    expect(statusOf(dup2)).toMatchObject({ status: 'broken', error: expect.stringMatching(/duplicate name @twin.agent/) });
    const warnings = stderr.filter((l) => l.includes('skipped agent file'));
    expect(warnings).toHaveLength(2);
    expect(warnings.join('')).toContain(bad);
    expect(warnings.join('')).toContain(dup2);
    catalog.refresh();
    expect(stderr.filter((l) => l.includes('skipped agent file'))).toHaveLength(2);
  });

  it('calls a second file of one name in one folder broken even when a higher folder overrides the name', () => {
    const [extra, project] = [tempDir(), tempDir()];
    const first = writeAgent(extra, 'cr.md', { name: 'code reviewer', description: 'first' });
    const second = writeAgent(extra, 'cr2.md', { name: 'Code Reviewer', description: 'second' });
    const top = writeAgent(project, 'cr.md', { name: 'code-reviewer', description: 'project one' });
    const { catalog } = load([{ source: 'extra', dir: extra }, { source: 'project', dir: project }]);
    expect(catalog.get('@code-reviewer')).toMatchObject({ path: top, shadows: [first] });
    expect(statusOf(first)).toEqual({ status: 'shadowed', shadowed_by: top, error: null });
    expect(statusOf(second)).toMatchObject({ status: 'broken', error: `duplicate name @code-reviewer in the same extra folder as ${first}` });
    expect(stderr.filter((l) => l.includes('skipped agent file') && l.includes(second))).toHaveLength(1);
  });

  it('follows new, edited and removed files, re-reading only what changed', () => {
    const dir = tempDir();
    const a = writeAgent(dir, 'a.md', { name: 'a.one', description: 'first text' });
    const b = writeAgent(dir, 'b.md', { name: 'b.two', description: 'second' });
    const { catalog, search } = load([{ source: 'project', dir }]);
    const stamp = (p: string) => db.prepare('SELECT updated_at FROM agents_catalog WHERE path = ?').pluck().get(p);
    const version = catalog.version;
    writeAgent(dir, 'a.md', { name: 'a.one', description: 'rewritten about kubernetes' });
    utimesSync(a, new Date(), new Date(Date.now() + 5000));
    writeAgent(dir, 'c.md', { name: 'c.three', description: 'new' });
    rmSync(b);
    expect(catalog.refresh()).toEqual({ added: 1, updated: 1, removed: 1, broken: 0 });
    expect(catalog.version).toBe(version + 1);
    expect(statusOf(b)).toMatchObject({ status: 'inactive' });
    expect(catalog.all().map((x) => x.name).sort()).toEqual(['@a.one', '@c.three']);
    expect(search.search('kubernetes', 3).results[0]!.name).toBe('@a.one');
    const cStamp = stamp(join(dir, 'c.md'));
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5); // a rewrite would now carry a later stamp
    expect(catalog.refresh()).toEqual({ added: 0, updated: 0, removed: 0, broken: 0 });
    expect(stamp(join(dir, 'c.md'))).toBe(cStamp);
    expect(catalog.version).toBe(version + 1);
  });

  it('reads the folders on first use when created lazily, and starts watching only then', () => {
    const dir = tempDir();
    writeAgent(dir, 'a.md', { name: 'lazy.one', description: 'read on first use' });
    const catalog = new AgentCatalog(db, [{ source: 'project', dir }]);
    catalog.watch(3600);
    const rows = () => db.prepare('SELECT count(*) FROM agents_catalog').pluck().get();
    expect(rows()).toBe(0); // nothing read yet: a server answers its handshake first
    expect(catalog.get('@lazy.one')).toMatchObject({ description: 'read on first use' });
    expect(rows()).toBe(1);
    expect(catalog.version).toBe(1);
    expect(catalog.refresh()).toEqual({ added: 0, updated: 0, removed: 0, broken: 0 });
    expect(catalog.version).toBe(1);
    catalog.close();
  });

  it('builds roots from the options, the environment, the home and the project', () => {
    const roots = resolveAgentRoots({ agentsDirs: ['x'], env: { COORDINATOR_AGENTS_DIRS: '/e1:/e2', CLAUDE_PROJECT_DIR: '/proj' }, cwd: '/cwd', home: '/home/me' });
    expect(roots).toEqual([
      { source: 'bundled', dir: BUNDLED_AGENTS_DIR },
      { source: 'extra', dir: '/e1' }, { source: 'extra', dir: '/e2' }, { source: 'extra', dir: '/cwd/x' },
      { source: 'user', dir: '/home/me/.claude/agents' },
      { source: 'project', dir: '/proj/.claude/agents' },
    ]);
    expect(resolveAgentRoots({ env: { COORDINATOR_BUNDLED_AGENTS: '0' }, cwd: '/c', home: '/h' }).map((r) => r.source)).toEqual(['user', 'project']);
  });
});

describe('search on the bundled catalog', () => {
  let s: ReturnType<typeof load>;
  beforeEach(() => {
    s = load([{ source: 'bundled', dir: BUNDLED_AGENTS_DIR }]);
  });
  const top = (q: string, n = 3) => s.search.search(q, n).results.map((r) => r.name);

  it('has a coherent team of at least 40 agents covering the seed handles', () => {
    expect(s.catalog.size).toBeGreaterThanOrEqual(40);
    for (const h of ['@coordinator.database', '@backend.api', '@backend.nodejs', '@backend.laravel', '@backend.python', '@database.postgres',
      '@database.mongodb', '@database.redis', '@database.weaviate', '@frontend.react', '@frontend.vue', '@frontend.angular', '@service.auth',
      '@security.audit', '@security.compliance', '@ops.monitoring', '@ops.containers', '@acolyte.auth', '@acolyte.payment']) {
      expect(s.catalog.has(h), h).toBe(true);
    }
    for (const a of s.catalog.all()) {
      expect(a.tags.length, a.name).toBeGreaterThan(0);
      expect(a.capabilities.length, a.name).toBeGreaterThan(0);
      for (const handle of (s.service.get(a.name).body.match(/@[a-z0-9-]+\.[a-z0-9_-]+/g) ?? [])) {
        expect(s.catalog.has(handle), `${a.name} hands off to ${handle}`).toBe(true);
      }
    }
  });

  it('routes the seed examples', () => {
    expect(top('JWT authentication implementation', 2)).toEqual(['@service.auth', '@backend.nodejs']);
    expect(top('PostgreSQL query performance tuning')[0]).toBe('@database.postgres');
    expect(top('React TypeScript components state management')[0]).toBe('@frontend.react');
    expect(top('Docker Kubernetes deployment pipeline')[0]).toBe('@ops.containers');
  });

  it('explains each score with the field and the word', () => {
    const [first] = s.search.search('JWT authentication implementation', 1).results;
    expect(first).toMatchObject({ rank: 1, name: '@service.auth', score: 100, source: 'bundled' });
    expect(first!.reasons).toEqual(['tag: jwt', 'tag: authentication']);
  });

  it('applies filters', () => {
    expect(s.search.search('schema migration', 10, { domain: 'database' }).results.every((r) => r.name.startsWith('@database.'))).toBe(true);
    expect(s.search.search('schema migration', 10, { source: 'project' }).results).toEqual([]);
  });
});

describe('search rules', () => {
  it('matches tags as whole words or phrases: "GIN" is not "login", hyphens equal spaces, stems match', () => {
    const dir = tempDir();
    writeAgent(dir, 'a.md', { name: 'acolyte.auth', description: 'the auth module', tags: '[login, signup]' });
    writeAgent(dir, 'b.md', { name: 'ui.state', description: 'ui state', tags: '[state-management]' });
    writeAgent(dir, 'c.md', { name: 'db.pg', description: 'database work', tags: '[indexes, postgresql]' });
    const { search } = load([{ source: 'user', dir }]);
    const gin = search.search('GIN', 5).results;
    expect(gin.find((r) => r.name === '@acolyte.auth')).toBeUndefined();
    expect(search.search('state management', 1).results[0]).toMatchObject({ name: '@ui.state', reasons: ['tag: state-management'] });
    expect(search.search('index', 1).results[0]).toMatchObject({ name: '@db.pg', reasons: ['tag: indexes'] });
    expect(search.search('SQL', 5).results.find((r) => r.name === '@db.pg')).toBeUndefined();
  });

  it('scores a tag for each query word it covers, repeats kept in phrases, and filler for nothing', () => {
    const dir = tempDir();
    writeAgent(dir, 'a.md', { name: 'qa.e2e', description: 'browser tests', tags: '[end-to-end testing, penetration testing]' });
    writeAgent(dir, 'b.md', { name: 'acolyte.auth', description: 'the auth module end to end', tags: '[login]', capabilities: '[auth module tests]' });
    const { search } = load([{ source: 'user', dir }]);
    // "end-to-end testing" is end, end, test: the repeated word used to be lost, and the tag never matched
    expect(search.search('end-to-end testing', 2).results.map((r) => [r.name, r.score, r.reasons])).toEqual([
      ['@qa.e2e', 100, ['tag: end-to-end testing']],
      ['@acolyte.auth', 75, ['capability: testing ("auth module tests")', 'description: end', 'several kinds matched (capability, description): +25']],
    ]);
    expect(search.search('penetration testing', 1).results[0]).toMatchObject({ name: '@qa.e2e', score: 100, reasons: ['tag: penetration testing'] });
    // filler words, a possessive and a lone digit match nothing
    expect(search.search("via all does not without it's 1", 5).results.filter((r) => r.score > 0)).toEqual([]);
  });

  it('counts each query word once per agent, and adds the bonus when kinds differ', () => {
    const dir = tempDir();
    writeAgent(dir, 'a.md', { name: 'front.react', description: 'React apps', tags: '[react]', capabilities: '[react hooks, routing]' });
    const { search } = load([{ source: 'user', dir }]);
    expect(search.search('react react REACT', 1).results[0]).toMatchObject({ score: 50, reasons: ['tag: react'] });
    expect(search.search('react routing', 1).results[0]).toMatchObject({
      score: 50 + 30 + 25, reasons: ['tag: react', 'capability: routing ("routing")', 'several kinds matched (tag, capability): +25'],
    });
    // A word of the handle counts as a tag does, and is called what it is
    expect(search.search('front routing', 1).results[0]).toMatchObject({
      score: 50 + 30 + 25, reasons: ['name: front', 'capability: routing ("routing")', 'several kinds matched (name, capability): +25'],
    });
    expect(search.search('front react apps', 1).results[0]!.reasons).toEqual(['tag: react', 'name: front', 'description: apps', 'several kinds matched (name and tag, description): +25']);
  });

  it('finds Claude Code agents that have only a name and a description, and misspelled words', () => {
    const dir = tempDir();
    writeAgent(dir, 'cr.md', { name: 'code-reviewer', description: 'Reviews pull requests for bugs and style.' }, 'Focus on concurrency bugs and race conditions.');
    writeAgent(dir, 'w.md', { name: 'docs-writer', description: 'Writes user documentation.' });
    const { search } = load([{ source: 'user', dir }]);
    expect(search.search('review my pull request', 1).results[0]!.name).toBe('@code-reviewer');
    const fuzzy = search.search('concurency', 1).results[0]!;
    expect(fuzzy).toMatchObject({ name: '@code-reviewer', score: 0 });
    expect(fuzzy.reasons[0]).toMatch(/text: .*body.*fuzzy/);
  });

  it('reads technology names in tools as what the agent works with, not Claude Code tool names', () => {
    const dir = tempDir();
    writeAgent(dir, 'a.md', { name: 'platform-engineer', description: 'Builds internal platforms.', tools: 'Read, Bash(git:*), terraform, helm, mcp__grafana__query' });
    writeAgent(dir, 'b.md', { name: 'shell-helper', description: 'Writes scripts.', tools: 'Read, Write, Bash, Grep, Glob, WebFetch' });
    const { search } = load([{ source: 'user', dir }]);
    const top = search.search('helm chart upgrade', 1).results[0]!;
    expect(top.name).toBe('@platform-engineer');
    expect(top.reasons.join(' ')).toMatch(/helm.*\(in tools\)/);
    // "Bash", "Read" or an MCP tool's name are not evidence
    expect(search.search('bash', 5).results.map((r) => r.name)).not.toContain('@shell-helper');
    expect(search.search('grafana', 5).results.map((r) => r.name)).toEqual([]);
    expect(namedTools(['Read', 'MultiEdit', 'Bash(npm test:*)', 'mcp__x__y', '*', 'kubectl', 'Docker'])).toEqual(['kubectl', 'Docker']);
  });

  it('refuses an empty query and a bad limit', () => {
    const { search } = load([]);
    expect(() => search.search('  ')).toThrow(/query must describe the task/);
    expect(() => search.search('x', 0)).toThrow(/limit must be a whole number from 1 to 100/);
  });
});

describe('search on a real third-party catalog (wshobson/agents, 202 files)', () => {
  let s: ReturnType<typeof load>;
  beforeEach(() => {
    s = load([{ source: 'extra', dir: CORPUS }]);
  });

  it('loads every file, including the many copies of one agent under different plugins', () => {
    expect(s.catalog.size).toBe(202);
    expect(db.prepare("SELECT count(*) FROM agents_catalog WHERE status = 'broken'").pluck().get()).toBe(0);
    expect(s.catalog.all().filter((a) => a.name.endsWith('-code-reviewer')).length).toBeGreaterThanOrEqual(5);
  });

  it.each([
    ['Stripe checkout and subscriptions', '@payment-integration'],
    ['Istio service mesh traffic policies', '@service-mesh-expert'],
    ['vector database embeddings for semantic search', '@vector-database-engineer'],
    ['idiomatic Rust async code', '@rust-pro'],
    ['Flutter widgets for a multi-platform app', '@flutter-expert'],
    ['Mermaid sequence diagram', '@mermaid-expert'],
    ['event sourcing and CQRS', '@event-sourcing-architect'],
    ['Unity game C# scripts', '@unity-developer'],
    ['defensive malware analysis', '@malware-analyst'],
    ['WCAG accessibility compliance', '@accessibility-expert'],
  ])('"%s" -> %s first', (query, expected) => {
    expect(s.search.search(query, 3).results[0]!.name).toBe(expected);
  });

  it.each([
    ['Terraform remote state and modules', /terraform-specialist$/],
    ['optimize slow SQL queries', /(sql-pro|database-optimizer)$/],
    ['Kubernetes GitOps cluster architecture', /kubernetes-architect$/],
  ])('"%s" -> one of the copies first', (query, pattern) => {
    expect(s.search.search(query, 3).results[0]!.name).toMatch(pattern);
  });
});
