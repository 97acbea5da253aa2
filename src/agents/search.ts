import MiniSearch from 'minisearch';
import { invalid, quoted } from '../errors.js';
import type { AgentCatalog, AgentSource, AgentSummary } from './catalog.js';
import { log } from '../log.js';
import { DEFAULT_PARAMS, type Field, MAX_TERMS, pairKey, type QueryTerm, RelevanceIndex, type RelevanceParams } from './relevance.js';
import { splitDescription } from './examples.js';
import { analyze, errorMessageTerms, isStopword, requesterTerms, lexiconName, named, processTerm, stem, terms, tokenize, words } from './text.js';

/** The seed's weights: a tag (or the name, once) 50, a capability 30, a description word 20. */
export const WEIGHTS = { tag: 50, capability: 30, description: 20, multiKindBonus: 25 } as const;

/** A query is a task in a few sentences; past this it is refused, and its words are read up to MAX_QUERY_WORDS. */
export const MAX_QUERY_CHARS = 10_000;
const MAX_QUERY_WORDS = 2_000;

export type Match = 'strong' | 'fair' | 'weak';

const NO_CLEAR_OWNER = 'no agent clearly owns this: consider a broadcast (create_flag with target_agent null) or asking the user who should';

/**
 * How well a result matches: its relevance against the most any agent could score on the query
 * (every word found at full weight) and against the best result. Calibrated on the routing
 * benchmark's development tasks (bench/routing.mjs).
 */
function matchOf(relevance: number, ceiling: number, top: number, params: RelevanceParams): Match {
  if (ceiling <= 0 || relevance <= 0) return 'weak';
  const coverage = relevance / ceiling;
  if (coverage >= params.strong && relevance >= params.nearTop * top) return 'strong';
  return coverage >= params.fair ? 'fair' : 'weak';
}

export interface SearchFilters {
  domain?: string;
  source?: AgentSource;
  tag?: string;
  model?: string;
}

export interface SearchHit {
  rank: number;
  name: string;
  score: number;
  relevance: number;
  match: Match;
  reasons: string[];
  description: string;
  source: AgentSource;
  path: string;
  tags: string[];
}

interface TagEntry {
  tag: string;
  stems: string[];
  kind: 'tag' | 'name';
}

/** What the seed's points read of one agent: its tags and name words as phrases, its capability and description stems. */
interface Evidence {
  entries: TagEntry[];
  /** Stem to the first capability holding it. */
  capabilities: Map<string, string>;
  description: Set<string>;
  /** Adjacent word pairs of the short fields (name, tags, capabilities, description), each with its fields' weight. */
  pairs: Map<string, number>;
}

interface Prepared {
  version: number;
  relevance: RelevanceIndex;
  /** Per doc of the relevance index, its agent and (once a query has needed it) its evidence. */
  agents: AgentSummary[];
  /** Per doc, its description without Claude Code's <example> blocks: what the seed's points read and results show. */
  summaries: string[];
  evidence: (Evidence | undefined)[];
  /** Handle words only, for "did you mean" (built on the first unknown name). */
  names?: MiniSearch;
  /** "Did you mean" answers per unknown name; flags to the same unknown agent come in series. */
  suggestions: Map<string, string[]>;
}

type Reason = [kind: 'tag' | 'name' | 'capability' | 'description', word: string, detail?: string];
const KIND = { tag: 1, capability: 2, description: 4 } as const;

interface Points {
  score: number;
  kinds: number;
  /** Bit i: query word i is explained. */
  used: number;
  reasons: Reason[];
}

/** The seed's query words (one per stem, at most 30) and their order, repeats kept, for phrases. */
interface SeedQuery {
  stems: string[];
  words: string[];
  seq: number[];
}

/** The best agents by BM25F that the seed's points may reorder: the page and this many more. */
const RERANKED = 50;

/**
 * "Who should handle this?": BM25F relevance over every field of the agent files (rare words count
 * more, synonyms meet, long fields count each word less), with the seed's explainable points
 * (a tag word 50, a capability word 30, a description word 20, +25 for several kinds) as reasons
 * and a small prior that orders near ties.
 */
/** Agents whose descriptions say the same thing word for word are copies of one agent; short or missing descriptions say too little to tell. */
function copyKey(description: string): string | undefined {
  const key = description.toLowerCase().replace(/\s+/g, ' ').trim();
  return key.length >= 40 ? key : undefined;
}

/** Claude Code's own tools: naming them says nothing about what an agent is for. */
const BUILTIN_TOOLS = new Set(['agent', 'task', 'bash', 'bashoutput', 'killshell', 'killbash', 'edit', 'multiedit', 'read', 'write', 'glob', 'grep', 'ls',
  'notebookedit', 'notebookread', 'webfetch', 'websearch', 'todowrite', 'todoread', 'skill', 'slashcommand', 'exitplanmode', 'askuserquestion',
  'listmcpresourcestool', 'readmcpresourcetool', '*']);

/**
 * The items of an agent's `tools` that name technologies rather than Claude Code tools ("tools: Read,
 * Bash, terraform, helm, kubectl" is common in public catalogs): they say what the agent works
 * with, and are searched as a field of their own, weighted as capabilities are. Built-in tools,
 * MCP tools (mcp__server__tool) and permission patterns (Bash(git:*)) are left out.
 */
export function namedTools(tools: readonly string[]): string[] {
  return tools.filter((t) => {
    const base = t.trim().replace(/\(.*$/s, '').toLowerCase();
    return base.length > 0 && !base.startsWith('mcp__') && !BUILTIN_TOOLS.has(base);
  });
}

export class AgentSearch {
  private prepared: Prepared | undefined;
  private warnedCapped = false;

  constructor(private readonly catalog: AgentCatalog, private readonly params: RelevanceParams = DEFAULT_PARAMS) {}

  /** Builds the index now rather than on the first search. */
  warm(): void {
    this.prepare();
  }

  private prepare(): Prepared {
    if (this.prepared?.version === this.catalog.version) return this.prepared;
    const agents = this.catalog.all();
    const bodies = this.catalog.bodies();
    // The summary is the description field; the examples (Claude Code's <example> blocks) are a field of their own.
    const parts = agents.map((a) => splitDescription(a.description));
    const relevance = new RelevanceIndex(agents.map((a, doc) => ({
      name: a.name,
      fields: {
        name: a.name.slice(1),
        tags: a.tags.join(' . '),
        capabilities: a.capabilities.join(' . '),
        tools: namedTools(a.tools).join(' . '),
        description: parts[doc]!.summary,
        examples: parts[doc]!.examples,
        body: bodies.get(a.name) ?? '',
      },
      group: copyKey(a.description),
    })), this.params);
    if (relevance.capped && !this.warnedCapped) {
      this.warnedCapped = true;
      log.warn(`agent search: the agent files hold over ${MAX_TERMS.toLocaleString('en-US')} distinct words; the bodies of the agents read after that are not searched (names, tags, capabilities and descriptions still are)`);
    }
    this.prepared = {
      version: this.catalog.version, relevance, agents, summaries: parts.map((x) => x.summary), evidence: new Array(agents.length), suggestions: new Map(),
    };
    return this.prepared;
  }

  private evidenceOf(p: Prepared, doc: number): Evidence {
    let e = p.evidence[doc];
    if (e) return e;
    const agent = p.agents[doc]!;
    const summary = p.summaries[doc]!;
    e = { entries: [], capabilities: new Map(), description: new Set(terms(summary)), pairs: new Map() };
    const fields: [Field, string[]][] = [['name', [agent.name.slice(1)]], ['tags', agent.tags], ['capabilities', agent.capabilities], ['description', [summary]]];
    for (const [field, texts] of fields) {
      for (const text of texts) {
        const t = analyze(text).terms;
        for (let i = 1; i < t.length; i++) {
          const key = pairKey(t[i - 1]!, t[i]!);
          e.pairs.set(key, (e.pairs.get(key) ?? 0) + this.params.weight[field]);
        }
      }
    }
    for (const tag of agent.tags) {
      const stems = terms(tag);
      if (stems.length) e.entries.push({ tag, stems, kind: 'tag' });
    }
    for (const part of new Set(words(agent.name))) {
      if (!isStopword(part)) e.entries.push({ tag: part, stems: [named(stem(part))], kind: 'name' });
    }
    for (const capability of agent.capabilities) {
      for (const s of terms(capability)) if (!e.capabilities.has(s)) e.capabilities.set(s, capability);
    }
    p.evidence[doc] = e;
    return e;
  }

  /**
   * The seed's points for one agent. Longer phrases first, tags before name words: a query word
   * already explained by one tag or name word does not score again. The name is one identifier:
   * however many of its words the query holds, it scores as one tag. A tag scores for each query
   * word it explains ("penetration testing" is two words of evidence).
   */
  private points(e: Evidence, q: SeedQuery): Points {
    const h: Points = { score: 0, kinds: 0, used: 0, reasons: [] };
    const bit = (i: number) => 1 << i;
    const phraseHits: { entry: TagEntry; at: number }[] = [];
    for (const entry of e.entries) {
      q.seq.forEach((first, at) => {
        if (q.stems[first] !== entry.stems[0]) return;
        if (entry.stems.every((s, k) => q.seq[at + k] !== undefined && q.stems[q.seq[at + k]!] === s)) phraseHits.push({ entry, at });
      });
    }
    phraseHits.sort((a, b) => b.entry.stems.length - a.entry.stems.length || (a.entry.kind === 'tag' ? -1 : 1) - (b.entry.kind === 'tag' ? -1 : 1));
    for (const { entry, at } of phraseHits) {
      let span = 0;
      for (let k = 0; k < entry.stems.length; k++) span |= bit(q.seq[at + k]!);
      if ((h.used & span) === span && span !== 0) continue;
      let fresh = span & ~h.used;
      let count = 0;
      for (; fresh; fresh &= fresh - 1) count++;
      h.used |= span;
      if (entry.kind === 'name') {
        const onName = h.reasons.find((r) => r[0] === 'name');
        if (onName) {
          onName[1] += `, ${entry.tag}`;
          continue;
        }
        h.reasons.push(['name', entry.tag]);
        h.score += WEIGHTS.tag;
      } else {
        h.reasons.push(['tag', entry.tag]);
        h.score += WEIGHTS.tag * Math.max(1, count);
      }
      h.kinds |= KIND.tag;
    }
    q.stems.forEach((s, i) => {
      const capability = e.capabilities.get(s);
      if (capability === undefined || h.used & bit(i)) return;
      h.used |= bit(i);
      h.score += WEIGHTS.capability;
      h.kinds |= KIND.capability;
      h.reasons.push(['capability', q.words[i]!, capability]);
    });
    q.stems.forEach((s, i) => {
      if (!e.description.has(s) || h.used & bit(i)) return;
      h.used |= bit(i);
      h.score += WEIGHTS.description;
      h.kinds |= KIND.description;
      h.reasons.push(['description', q.words[i]!]);
    });
    if (h.kinds & (h.kinds - 1)) h.score += WEIGHTS.multiKindBonus;
    return h;
  }

  search(queryValue: unknown, limitValue: unknown = 5, filters: SearchFilters = {}) {
    if (typeof queryValue !== 'string' || queryValue.trim() === '') {
      throw invalid('query', 'non_empty', 'query must describe the task in a few words, e.g. "PostgreSQL query performance tuning"');
    }
    const query = queryValue.trim();
    if (query.length > MAX_QUERY_CHARS) throw invalid('query', 'max_length', `query is ${query.length} characters; at most ${MAX_QUERY_CHARS} are allowed: describe the task in a few sentences`);
    const limit = limitValue ?? 5;
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 100) {
      throw invalid('limit', 'range', `limit must be a whole number from 1 to 100; got ${quoted(limitValue)}`);
    }
    const p = this.prepare();
    const all = words(query);
    // The seed's words: one entry per stem ("index indexes indexing" is one word), at most 30;
    // phrases match them in order, repeats kept ("end-to-end testing" is end end test).
    const byStem = new Map<string, string>();
    const seq: number[] = [];
    const surface = new Map<string, string>();
    for (const w of all.slice(0, MAX_QUERY_WORDS)) {
      if (isStopword(w)) continue;
      const t = named(stem(w));
      if (!surface.has(t)) surface.set(t, w);
      if (!byStem.has(t) && byStem.size < 30) byStem.set(t, w);
    }
    const seed: SeedQuery = { stems: [...byStem.keys()], words: [...byStem.values()], seq };
    for (const w of all) {
      if (seq.length >= 60) break;
      const i = isStopword(w) ? -1 : seed.stems.indexOf(named(stem(w)));
      if (i >= 0) seq.push(i);
    }

    // Relevance: BM25F over every field, then the seed's points as a small prior on the best.
    const show = (t: string) => lexiconName(t) ?? surface.get(t) ?? t;
    const index = p.relevance;
    const incidental = errorMessageTerms(query.slice(0, 20_000));
    for (const t of requesterTerms(query)) incidental.add(t);
    const analyzed = { ...analyze(query, MAX_QUERY_WORDS), incidental };
    const qTerms = index.queryTerms(analyzed, show);
    const { scores, matched } = index.score(qTerms);
    const ceiling = index.ceiling(qTerms);
    const passes = (a: AgentSummary) =>
      (!filters.domain || a.domain === filters.domain.toLowerCase().replace(/^@/, '')) &&
      (!filters.source || a.source === filters.source) &&
      (!filters.tag || a.tags.includes(filters.tag.toLowerCase())) &&
      (!filters.model || a.model === filters.model);
    const filtered = filters.domain || filters.source || filters.tag || filters.model ? matched.filter((d) => passes(p.agents[d]!)) : matched;
    // The best RERANKED + limit by BM25F: a threshold from a sorted copy of their scores.
    let pool = filtered;
    const keep = limit + RERANKED;
    if (filtered.length > keep) {
      const sorted = Float64Array.from(filtered, (d) => scores[d]!).sort();
      const threshold = sorted[sorted.length - keep]!;
      pool = filtered.filter((d) => scores[d]! >= threshold);
    }
    // Phrase credit: a pair of query words that the agent writes side by side in a short field.
    const qPairs = index.queryPairs(analyzed, show);
    const { k1, pairWeight, prior } = this.params;
    const ranked = pool.map((doc) => {
      const e = this.evidenceOf(p, doc);
      const h = this.points(e, seed);
      let phrase = 0;
      for (const q of qPairs) {
        const tf = e.pairs.get(q.key);
        if (tf) phrase += (pairWeight * q.idf * tf) / (k1 + tf);
      }
      return { doc, name: p.agents[doc]!.name, h, relevance: scores[doc]! + phrase + prior * Math.log1p(h.score / WEIGHTS.tag) };
    });
    ranked.sort((a, b) => b.relevance - a.relevance || b.h.score - a.h.score || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const top = ranked[0]?.relevance ?? 0;
    const results: SearchHit[] = ranked.slice(0, limit).map((c, i) => {
      const agent = p.agents[c.doc]!;
      return {
        rank: i + 1, name: c.name, score: c.h.score, relevance: Math.round(c.relevance * 100) / 100,
        match: matchOf(c.relevance, ceiling, top, this.params),
        reasons: this.reasons(c.doc, c.h, seed, qTerms), description: p.summaries[c.doc]!, source: agent.source, path: agent.path, tags: agent.tags,
      };
    });
    const advice = results.length === 0
      ? 'no agent matches these words: name the technology or area, see list_agents, or send a broadcast'
      : results.some((r) => r.match === 'strong') ? undefined : NO_CLEAR_OWNER;
    return { query, total_matches: filtered.length, results, ...(advice ? { advice } : {}) };
  }

  /** The seed's reasons, then the words that only relevance found, with the fields holding them. */
  private reasons(doc: number, h: Points, seed: SeedQuery, qTerms: QueryTerm[]): string[] {
    const out = h.reasons.map(([kind, word, detail]) => (kind === 'capability' ? `capability: ${word} ("${detail}")` : `${kind}: ${word}`));
    if (h.kinds & (h.kinds - 1)) {
      // Handle words count as the tag kind; the text says which of the two matched.
      const onTag = h.reasons.some((r) => r[0] === 'tag');
      const onName = h.reasons.some((r) => r[0] === 'name');
      const label = { tag: onTag && onName ? 'name and tag' : onName ? 'name' : 'tag', capability: 'capability', description: 'description' };
      const kinds = (['tag', 'capability', 'description'] as const).filter((k) => h.kinds & KIND[k]).map((k) => label[k]);
      out.push(`several kinds matched (${kinds.join(', ')}): +${WEIGHTS.multiKindBonus}`);
    }
    const explained = new Set(seed.stems.filter((_s, k) => h.used & (1 << k)));
    const found: string[] = [];
    const fields = new Set<Field>();
    let fuzzy = false;
    for (const q of qTerms) {
      if (explained.has(q.term)) continue;
      // a lexicon phrase whose words the points already explain says nothing new
      if (q.term.startsWith('#') && terms(q.shown).every((t) => explained.has(t))) continue;
      const where = this.prepared!.relevance.fieldsOf(doc, q);
      if (where.fields.length === 0) continue;
      found.push(where.via ? `${q.shown} (${where.via}…)` : q.shown);
      for (const f of where.fields) fields.add(f);
      if (where.via) fuzzy = true;
    }
    if (found.length) out.push(`text: ${found.slice(0, 8).join(', ')} (in ${[...fields].join(', ')}${fuzzy ? ', by prefix or fuzzy match' : ''})`);
    return out;
  }

  /** True once the index of the current catalog is built (suggest and search are then cheap). */
  get ready(): boolean {
    return this.prepared?.version === this.catalog.version;
  }

  private namesIndex(): MiniSearch {
    const index = new MiniSearch({ idField: 'name', fields: ['words'], storeFields: [], tokenize, processTerm });
    index.addAll(this.catalog.all().map((a) => ({ name: a.name, words: a.name })));
    return index;
  }

  /** Known names closest to a name that is not in the catalog ("did you mean"). */
  suggest(name: string, limit = 3): string[] {
    const p = this.prepare();
    const cached = p.suggestions.get(`${limit}:${name}`);
    if (cached) return cached;
    const bare = name.replace(/^@/, '');
    if (bare.length > 64) return []; // no handle is longer; a fuzzy look-up of a huge string takes memory by the GB
    p.names ??= this.namesIndex();
    const found = p.names.search(words(bare).join(' '), {
      fields: ['words'],
      prefix: true,
      fuzzy: 0.34,
      combineWith: 'OR',
    });
    const names = found.slice(0, limit).map((r) => r.id as string);
    if (p.suggestions.size >= 1000) p.suggestions.clear(); // names polled over and over stay cached
    p.suggestions.set(`${limit}:${name}`, names);
    return names;
  }
}
