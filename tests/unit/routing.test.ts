import { beforeAll, describe, expect, it } from 'vitest';
import { AgentCatalog } from '../../src/agents/catalog.js';
import { AgentSearch, MAX_QUERY_CHARS } from '../../src/agents/search.js';
import { RelevanceIndex } from '../../src/agents/relevance.js';
import { splitDescription } from '../../src/agents/examples.js';
import { analyze, requesterTerms, stem, words } from '../../src/agents/text.js';
import type { DB } from '../../src/store/db.js';
import { evaluateRouting } from '../../bench/routing.mjs';
import { withStoreAndStderr, writeAgent } from '../helpers/agents.js';
import { tempDir } from '../helpers/tmp.js';

let db: DB;
withStoreAndStderr((d) => {
  db = d;
});

function team(agents: Record<string, { description: string; tags?: string; body?: string }>): AgentSearch {
  const dir = tempDir();
  for (const [name, a] of Object.entries(agents)) {
    writeAgent(dir, `${name}.md`, { name, description: a.description, ...(a.tags ? { tags: a.tags } : {}) }, a.body ?? 'Owns its area.');
  }
  const catalog = new AgentCatalog(db, [{ source: 'project', dir }]);
  catalog.refresh();
  return new AgentSearch(catalog);
}

const topOf = (s: AgentSearch, q: string) => s.search(q, 3).results[0]?.name;

describe('relevance that generalises', () => {
  it('does not join words that only share a stem: embeddings is not embedded, localization is not local', () => {
    expect(stem('embeddings')).not.toBe(stem('embedded'));
    expect(stem('embeddings')).toBe(stem('embedding'));
    expect(stem('localization')).not.toBe(stem('local'));
    expect(stem('authorization')).not.toBe(stem('author'));
    expect(stem('general')).not.toBe(stem('generative'));
    const s = team({
      'firmware-dev': { description: 'Embedded C on microcontrollers, RTOS and device drivers' },
      'rag-engineer': { description: 'Vector search over document chunks for question answering' },
    });
    expect(topOf(s, 'our embeddings are stale, re-index the documents')).toBe('@rag-engineer');
  });

  it('joins a noun in -ery with its verb (recovery/recover, delivery/deliver) and keeps query, every and very apart', () => {
    expect(stem('recovery')).toBe(stem('recover'));
    expect(stem('recoveries')).toBe(stem('recovered'));
    expect(stem('delivery')).toBe(stem('deliver'));
    expect(stem('discovery')).toBe(stem('discovering'));
    expect(stem('query')).toBe(stem('queries'));
    expect(stem('every')).not.toBe(stem('ever'));
    const s = team({
      'resilience': { description: 'Disaster recovery plans, backups and regional failover drills' },
      'a11y': { description: 'ARIA landmark regions and screen reader order' },
    });
    expect(topOf(s, 'could we recover if our main region died')).toBe('@resilience');
  });

  it('reads a capitalised Go inside a sentence as the language, and the verb go as an everyday word', () => {
    expect(words('The Go service leaks memory')).toContain('golang');
    expect(words('rewrite the worker in Go.')).toContain('golang');
    expect(words('we go to prod on Monday')).not.toContain('golang');
    // a title's "Go Live", a Go/No-Go decision, "Go through": the verb, whatever the capitals
    expect(words('Ready for Go Live on Friday; the Go/No-Go call is at 3, Go through the checklist first')).not.toContain('golang');
    expect(words('Go live is on Monday, then Go-live review')).not.toContain('golang');
    const s = team({
      'golang-dev': { description: 'Golang services, goroutines and channels' },
      'ops-runner': { description: 'Keeps services running, restarts and cron jobs' },
    });
    expect(topOf(s, 'the Go service restarts from cron every night and leaks memory')).toBe('@golang-dev');
  });

  it("reads Claude Code's example dialogues as their own field: the summary stays the description, labels (user:, Context:) count for nothing", () => {
    const parts = splitDescription('Use this agent for UI polish. Examples:\\n\\n<example>\\nContext: a settings page\\nuser: "the toggles look cramped"\\nassistant: "I will use the ui-polisher agent."\\n<commentary>\\nSpacing is UI work.\\n</commentary>\\n</example>');
    expect(parts.summary).toBe('Use this agent for UI polish.');
    expect(parts.examples).toBe('a settings page "the toggles look cramped" "I will use the ui-polisher agent." Spacing is UI work.');
    expect(splitDescription('Plain description, no examples.')).toEqual({ summary: 'Plain description, no examples.', examples: '' });
    // a description that only mentions the tag has no example block: it is shown whole
    for (const d of ['Writes JSDoc comments, adding an <example> tag to each public function.', 'HTML templates such as <example>, <details> and <summary> elements'])
      expect(splitDescription(d)).toEqual({ summary: d, examples: '' });
    expect(splitDescription('Cleans up C:\\new and C:\\temp folders')).toEqual({ summary: 'Cleans up C:\\new and C:\\temp folders', examples: '' });
    const dialogue = (n: number) => Array.from({ length: n }, (_x, i) => `<example>\\nContext: case ${i}\\nuser: "tidy the layout of page ${i}"\\nassistant: "on it"\\n</example>`).join('\\n');
    const s = team({
      'ui-polisher': { description: `"Use this agent for layout and spacing of pages. Examples:\\n${dialogue(4)}"` },
      'identity': { description: 'Sign-in, sessions and password resets for our users' },
    });
    // "users" is a word of the identity agent; the polisher's "user:" labels must not outweigh it
    expect(topOf(s, 'users cannot sign in after a password reset')).toBe('@identity');
    expect(topOf(s, 'the layout of the pricing page looks cramped')).toBe('@ui-polisher');
  });

  it('reads an opening label that only says who is asking ("Support lead:", "Finance here.", "Fwd from ...:") as everyday words', () => {
    expect([...requesterTerms('Support lead: since Tuesday the Android app logs users out')]).toEqual([stem('support'), stem('lead')]);
    expect([...requesterTerms('Finance here. For the board we need churn by segment')]).toEqual([stem('finance')]);
    expect([...requesterTerms('Fwd from Brightline Logistics: "your notifications arrive late"')]).toEqual(expect.arrayContaining([stem('brightline')]));
    expect([...requesterTerms('Pricing experiment readout: $49 vs $59')]).toEqual([]); // the subject, not the asker
    expect([...requesterTerms('Legal: a customer filed a data subject access request')]).toEqual([]); // legal brings legal work
    expect([...requesterTerms('Support lead: the support widget crashes')]).toEqual([stem('lead')]); // used again after the label
    const s = team({
      'help-desk': { description: 'Customer support: ticket triage, support macros and help centre articles' },
      'android-dev': { description: 'Android apps in Kotlin: sessions, lifecycle, Play Store releases' },
    });
    expect(topOf(s, 'Support lead: Android users get logged out when they switch apps')).toBe('@android-dev');
  });

  it('reads the words of a lexicon phrase as that phrase only: the "bill" of "AWS bill" is a cloud cost, not payments', () => {
    expect(analyze('our AWS bill doubled').topics).not.toContain(stem('payment'));
    expect(analyze('the customer bill is wrong, billing fails').topics).toContain(stem('payment')); // outside the phrase it is
    const s = team({
      'payments': { description: 'Stripe billing, invoices, refunds and subscriptions' },
      'cloud-finops': { description: 'Cloud cost optimization, rightsizing, reserved instances and savings plans on AWS' },
    });
    expect(topOf(s, 'our AWS bill went from $14k to $31k a month, get it under $18k')).toBe('@cloud-finops');
  });

  it('meets synonyms and abbreviations on both sides: postgres/PostgreSQL, k8s, a11y, e2e, British spellings', () => {
    const s = team({
      'db-expert': { description: 'PostgreSQL tuning, indexes and query plans' },
      'platform': { description: 'Runs our Kubernetes clusters and Helm charts' },
      'ui-quality': { description: 'Accessibility audits (WCAG), screen readers and keyboard navigation' },
      'browser-tests': { description: 'End-to-end tests with Playwright' },
      'visual-designer': { description: 'Colour palettes, typography and design tokens' },
      'identity': { description: 'Login, sessions, JWT access and refresh tokens, OAuth' },
    });
    expect(topOf(s, 'postgres vacuum is slow')).toBe('@db-expert');
    expect(topOf(s, 'pg autovacuum settings')).toBe('@db-expert');
    expect(topOf(s, 'k8s pod keeps restarting')).toBe('@platform');
    expect(topOf(s, 'a11y problems on the signup form')).toBe('@ui-quality');
    expect(topOf(s, 'the e2e suite is flaky on CI')).toBe('@browser-tests');
    expect(topOf(s, 'pick a new color palette')).toBe('@visual-designer');
    // one telling word beats a generic one: "JWT" is the identity agent's, "tokens" everyone's
    expect(topOf(s, 'JWT refresh token expires too early')).toBe('@identity');
  });

  it('says how well each result matches, and says so when no agent clearly owns the task', () => {
    const s = team({
      'db-expert': { description: 'PostgreSQL tuning, indexes and query plans' },
      'frontend-developer': { description: 'React components, hooks and state management' },
      'docs-writer': { description: 'Writes user documentation and tutorials' },
    });
    const clear = s.search('tune the postgres indexes behind our slow query plans', 3);
    expect(clear.results[0]).toMatchObject({ name: '@db-expert', match: 'strong' });
    expect(clear).not.toHaveProperty('advice');
    for (const q of ['knit a wool scarf for the winter', 'renew my passport at the embassy', 'feed the neighbour\'s cat']) {
      const r = s.search(q, 3);
      expect(r.results.every((x) => x.match !== 'strong'), q).toBe(true);
      expect(r.advice, q).toMatch(/no agent (clearly owns|matches)/);
    }
  });

  it('answers a 10,000-character query and text in any script; refuses an empty or longer one, naming the argument', () => {
    const s = team({ 'db-expert': { description: 'PostgreSQL tuning, indexes and query plans' }, 'ux': { description: 'User research' } });
    const long = 'postgres index tuning '.repeat(1000).slice(0, MAX_QUERY_CHARS);
    expect(s.search(long, 2).results[0]!.name).toBe('@db-expert');
    expect(() => s.search(`${long}x`, 2)).toThrow(/query is 10001 characters; at most 10000/);
    expect(() => s.search('   ', 2)).toThrow(/query must describe the task/);
    expect(words('数据库 性能 Постгрес индексы')).toEqual(['数据库', '性能', 'постгрес', 'индексы']);
    expect(s.search('数据库 性能 Постгрес индексы 🚀', 2).results).toEqual([]);
    expect(s.search('数据库 性能 Постгрес индексы 🚀', 2).advice).toMatch(/no agent matches/);
  });

  it('finds an agent by a word it only begins or misspells', () => {
    const s = team({ 'db-expert': { description: 'PostgreSQL tuning and replication' }, 'ux': { description: 'User research interviews' } });
    expect(topOf(s, 'replicaton lag')).toBe('@db-expert');
    expect(s.search('replicaton lag', 1).results[0]!.reasons.join(' ')).toMatch(/by prefix or fuzzy match/);
  });
});

describe('the routing benchmark (tests/fixtures/routing: 500 dev tasks, 400 held out, three public catalogs)', () => {
  let results: Awaited<ReturnType<typeof evaluateRouting>>;
  beforeAll(async () => {
    results = await evaluateRouting({ rankers: ['ours', 'bm25'] });
  }, 120_000);

  // Floors a little under the figures measured when the scorer was frozen, per catalog: dev on the
  // first two catalogs 90.5% top-1 / 98.4% recall@5 (batches a-e, h, i and l), VoltAgent's batch m
  // 65.0% / 93.3%; held out 89.1% / 96.5% on the first two catalogs (batches a, b, d, e, f, g, j and
  // k), 71.7% / 90.0% on VoltAgent's batch o (scored once, after the freeze); all 400 held-out tasks
  // 86.5% / 95.5%, MRR 0.905. A regression fails and noise does not. The targets (held-out
  // 90% and 98%) are not met.
  // [top-1, recall@5] floors per split and catalog. VoltAgent's catalog (250 agents, many of them
  // one-off tools with long trigger lists) is much harder: plain BM25 finds 13-18% of its tasks first.
  const FLOORS: Record<string, Record<string, [number, number]>> = {
    dev: { 'wshobson-agents': [0.85, 0.95], 'rshah515-agents': [0.9, 0.98], 'voltagent-subagents': [0.6, 0.88] },
    heldout: { 'wshobson-agents': [0.86, 0.93], 'rshah515-agents': [0.86, 0.95], 'voltagent-subagents': [0.66, 0.86] },
  };

  it('keeps top-1 and recall@5 above their floors on each split of each catalog', () => {
    for (const [split, byCatalog] of Object.entries(FLOORS)) {
      for (const [catalog, [top1, recall5]] of Object.entries(byCatalog)) {
        const m = results.ours[`${split} (${catalog})`]!;
        expect(m.top1, `${split} ${catalog} top-1`).toBeGreaterThanOrEqual(top1);
        expect(m.recall5, `${split} ${catalog} recall@5`).toBeGreaterThanOrEqual(recall5);
      }
    }
    expect(results.ours.heldout!.top1).toBeGreaterThanOrEqual(0.84);
    expect(results.ours.heldout!.recall5).toBeGreaterThanOrEqual(0.93);
    expect(results.ours.heldout!.mrr).toBeGreaterThanOrEqual(0.88);
  });

  it('beats a plain minisearch BM25 by at least 10 points of top-1 on each split', () => {
    for (const split of ['dev', 'heldout'] as const) {
      expect(results.ours[split]!.top1 - results.bm25[split]!.top1, split).toBeGreaterThanOrEqual(0.1);
    }
  });
});

describe('copies of one agent in a catalog', () => {
  const text = (name: string, description: string, body = '') => ({
    name, fields: { name: name.slice(1), tags: '', capabilities: '', description, body },
  });
  const perf = 'Profiles latency and throughput problems and removes the bottlenecks in hot paths.';
  const agents = [
    ...['@a-perf', '@b-perf', '@c-perf', '@d-perf'].map((n) => ({ ...text(n, perf), group: perf })),
    text('@payments', 'Integrates payment providers: checkout, refunds, subscriptions and invoices.'),
    text('@docs', 'Writes reference documentation and tutorials for public APIs.'),
    text('@ops', 'Runs deployments and on-call rotations for the platform team.'),
  ];

  it('count once in a word\'s document frequency: four copies weigh "latency" as one agent would', () => {
    const grouped = new RelevanceIndex(agents);
    const ungrouped = new RelevanceIndex(agents.map(({ group: _g, ...a }) => a));
    const single = new RelevanceIndex([agents[0]!, ...agents.slice(4)]);
    expect(grouped.idf(stem('latency'))).toBeCloseTo(single.idf(stem('latency')), 6);
    expect(grouped.idf(stem('latency'))).toBeGreaterThan(ungrouped.idf(stem('latency')) + 0.5);
    // a word of the other agents keeps its weight among the distinct agents
    expect(grouped.idf(stem('refunds'))).toBeCloseTo(single.idf(stem('refunds')), 6);
  });

  it('are grouped by AgentSearch when their descriptions say the same thing word for word', () => {
    const others = {
      'payments': { description: 'Integrates payment providers: checkout, refunds and invoices; watches the latency of the payment gateway.' },
      'writer': { description: 'Writes reference documentation and tutorials for public APIs.' },
      'ops': { description: 'Runs deployments and on-call rotations for the platform team.' },
    };
    const relevanceOf = (s: AgentSearch) => s.search('p95 latency went up, find the hot path', 5).results.find((r) => r.name === '@a-perf')?.relevance;
    const one = relevanceOf(team({ 'a-perf': { description: perf }, ...others }));
    const three = relevanceOf(team({ 'a-perf': { description: perf }, 'b-perf': { description: perf }, 'c-perf': { description: perf }, ...others }));
    expect(one).toBeGreaterThan(0);
    // the same within the small shift of average field lengths (counted over three copies, a third off without grouping)
    expect(Math.abs(three! - one!) / one!).toBeLessThan(0.05);
  });
});
