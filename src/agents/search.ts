import MiniSearch from 'minisearch';
import { invalid, quoted } from '../errors.js';
import type { AgentCatalog, AgentSource, AgentSummary } from './catalog.js';
import { DEFAULT_PARAMS, type Field, type QueryTerm, RelevanceIndex, type RelevanceParams } from './relevance.js';
import { isStopword, lexiconName, named, processTerm, stem, terms, tokenize, words } from './text.js';

/** The seed's weights: a tag (or the name, once) 50, a capability 30, a description word 20. */
export const WEIGHTS = { tag: 50, capability: 30, description: 20, multiKindBonus: 25 } as const;

/** A query is a task in a few sentences; past this it is refused, and its words are read up to MAX_QUERY_WORDS. */
export const MAX_QUERY_CHARS = 10_000;
const MAX_QUERY_WORDS = 2_000;

export type Match = 'strong' | 'fair' | 'weak';

const NO_CLEAR_OWNER = 'no agent clearly owns this: consider a broadcast (create_flag without target_agent) or asking the user who should';

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
  agent: string;
  tag: string;
  stems: string[];
  kind: 'tag' | 'name';
}

interface Prepared {
  version: number;
  phrases: Map<string, TagEntry[]>;
  /** Per stem, each agent with a capability holding it and the first such capability: [agent, capability, agent, ...]. */
  capabilities: Map<string, string[]>;
  /** Per stem, the agents whose description holds it. */
  descriptions: Map<string, string[]>;
  relevance: RelevanceIndex;
  /** Handle words only, for "did you mean" (built on the first unknown name). */
  names?: MiniSearch;
  /** "Did you mean" answers per unknown name; flags to the same unknown agent come in series. */
  suggestions: Map<string, string[]>;
}

const stemsOf = (text: string) => terms(text);

/**
 * "Who should handle this?": exact, explainable weights over tags, capabilities and descriptions,
 * with minisearch's relevance (prefix, fuzzy, stemmed, over the whole file) to order what the
 * weights leave tied and to find agents that exact words miss.
 */
export class AgentSearch {
  private prepared: Prepared | undefined;

  constructor(private readonly catalog: AgentCatalog, private readonly params: RelevanceParams = DEFAULT_PARAMS) {}

  /** Builds (or loads) the index now rather than on the first search. */
  warm(): void {
    this.prepare();
  }

  private prepare(): Prepared {
    if (this.prepared?.version === this.catalog.version) return this.prepared;
    const agents = this.catalog.all();
    // Plain arrays rather than a Map or Set per stem, and one stems array per distinct tag: in a
    // catalog of 1,000 agents most stems belong to one agent, and a small Map costs several times
    // its entries (1.2 MB of the search tables at 1,000 agents).
    const phrases = new Map<string, TagEntry[]>();
    const capabilities = new Map<string, string[]>();
    const descriptions = new Map<string, string[]>();
    const stemsByText = new Map<string, string[]>();
    const sharedStems = (text: string, of: () => string[]) => {
      let stems = stemsByText.get(text);
      if (!stems) stemsByText.set(text, (stems = of()));
      return stems;
    };
    const listOf = (index: Map<string, string[]>, s: string) => {
      let list = index.get(s);
      if (!list) index.set(s, (list = []));
      return list;
    };
    const addPhrase = (entry: TagEntry) => {
      if (entry.stems.length === 0) return;
      const list = phrases.get(entry.stems[0]!) ?? [];
      list.push(entry);
      phrases.set(entry.stems[0]!, list);
    };
    for (const agent of agents) {
      for (const tag of agent.tags) addPhrase({ agent: agent.name, tag, stems: sharedStems(tag, () => stemsOf(tag)), kind: 'tag' });
      for (const part of new Set(words(agent.name))) {
        if (!isStopword(part)) addPhrase({ agent: agent.name, tag: part, stems: sharedStems(`\0${part}`, () => [named(stem(part))]), kind: 'name' });
      }
      // An agent's entries for a stem are added one after the other, so the last entry tells
      // whether it already has one (the first capability holding the stem is kept).
      for (const capability of agent.capabilities) {
        for (const s of stemsOf(capability)) {
          const list = listOf(capabilities, s);
          if (list[list.length - 2] !== agent.name) list.push(agent.name, capability);
        }
      }
      for (const s of stemsOf(agent.description)) {
        const list = listOf(descriptions, s);
        if (list[list.length - 1] !== agent.name) list.push(agent.name);
      }
    }
    // Arrays grown by push keep spare room; copies are exactly as long as their entries.
    for (const index of [phrases, capabilities, descriptions] as Map<string, unknown[]>[]) {
      for (const [key, list] of index) index.set(key, list.slice());
    }
    this.prepared = { version: this.catalog.version, phrases, capabilities, descriptions, relevance: this.relevanceIndex(agents), suggestions: new Map() };
    return this.prepared;
  }

  /** The relevance index, built in memory from the catalog's summaries and bodies. */
  private relevanceIndex(agents: AgentSummary[]): RelevanceIndex {
    const bodies = this.catalog.bodies();
    return new RelevanceIndex(agents.map((a) => ({
      name: a.name,
      fields: {
        name: a.name.slice(1),
        tags: a.tags.join(' . '),
        capabilities: a.capabilities.join(' . '),
        description: a.description,
        body: bodies.get(a.name) ?? '',
      },
    })), this.params);
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
    // One entry per stem ("index indexes indexing" is one word), at most 30 words.
    const byStem = new Map<string, string>();
    const all = words(query);
    for (const w of all) if (!isStopword(w) && !byStem.has(named(stem(w))) && byStem.size < 30) byStem.set(named(stem(w)), w);
    const qWords = [...byStem.values()];
    const qStems = [...byStem.keys()];
    // Phrases match the query's words in order, repeats kept ("end-to-end testing" is end end test);
    // each position stands for its stem's entry above.
    const seq: number[] = [];
    for (const w of all) {
      const i = isStopword(w) ? -1 : qStems.indexOf(named(stem(w)));
      if (i >= 0 && seq.length < 60) seq.push(i);
    }
    // Scores first, with reasons kept as small tuples: a common word can touch thousands of
    // agents, and only the returned page needs its reasons as text.
    type Reason = [kind: 'tag' | 'name' | 'capability' | 'description', word: string, detail?: string];
    const KIND = { tag: 1, capability: 2, description: 4 } as const;
    const hits = new Map<string, { score: number; kinds: number; used: number; reasons: Reason[] }>();
    const hit = (agent: string) => {
      let h = hits.get(agent);
      if (!h) hits.set(agent, (h = { score: 0, kinds: 0, used: 0, reasons: [] }));
      return h;
    };
    const bit = (i: number) => 1 << i;

    // Longer phrases first, tags before name words: a query word already explained by one tag
    // or name word of an agent does not score again for that agent.
    const phraseHits: { entry: TagEntry; at: number }[] = [];
    seq.forEach((first, at) => {
      for (const entry of p.phrases.get(qStems[first]!) ?? []) {
        if (entry.stems.every((s, k) => seq[at + k] !== undefined && qStems[seq[at + k]!] === s)) phraseHits.push({ entry, at });
      }
    });
    phraseHits.sort((a, b) => b.entry.stems.length - a.entry.stems.length || (a.entry.kind === 'tag' ? -1 : 1) - (b.entry.kind === 'tag' ? -1 : 1));
    // The name is one identifier: however many of its words the query holds, it scores as one tag.
    for (const { entry, at } of phraseHits) {
      const h = hit(entry.agent);
      let span = 0;
      for (let k = 0; k < entry.stems.length; k++) span |= bit(seq[at + k]!);
      if ((h.used & span) === span && span !== 0) continue;
      // A tag scores for each query word it explains: "penetration testing" is two words of
      // evidence, as two capability words would be, not one.
      let fresh = span & ~h.used;
      let words = 0;
      for (; fresh; fresh &= fresh - 1) words++;
      h.used |= span;
      if (entry.kind === 'name') {
        const named = h.reasons.find((r) => r[0] === 'name');
        if (named) {
          named[1] += `, ${entry.tag}`;
          continue;
        }
        h.reasons.push(['name', entry.tag]);
        h.score += WEIGHTS.tag;
      } else {
        h.reasons.push(['tag', entry.tag]);
        h.score += WEIGHTS.tag * Math.max(1, words);
      }
      h.kinds |= KIND.tag;
    }
    // capabilities lists [agent, capability, ...] (stride 2), descriptions [agent, ...] (stride 1).
    const single = (index: Map<string, string[]>, kind: 'capability' | 'description', stride: 1 | 2) => {
      qStems.forEach((s, i) => {
        const found = index.get(s);
        if (!found) return;
        for (let k = 0; k < found.length; k += stride) {
          const agent = found[k]!;
          const detail = stride === 2 ? found[k + 1] : undefined;
          const h = hit(agent);
          if (h.used & bit(i)) continue;
          h.used |= bit(i);
          h.score += WEIGHTS[kind];
          h.kinds |= KIND[kind];
          h.reasons.push([kind, qWords[i]!, detail]);
        }
      });
    };
    single(p.capabilities, 'capability', 2);
    single(p.descriptions, 'description', 1);
    for (const h of hits.values()) {
      if (h.kinds & (h.kinds - 1)) h.score += WEIGHTS.multiKindBonus;
    }
    const reasonText = (h: { kinds: number; reasons: Reason[] }) => {
      const out = h.reasons.map(([kind, word, detail]) => (kind === 'capability' ? `capability: ${word} ("${detail}")` : `${kind}: ${word}`));
      if (h.kinds & (h.kinds - 1)) {
        // Handle words count as the tag kind; the text says which of the two matched.
        const onTag = h.reasons.some((r) => r[0] === 'tag');
        const onName = h.reasons.some((r) => r[0] === 'name');
        const label = { tag: onTag && onName ? 'name and tag' : onName ? 'name' : 'tag', capability: 'capability', description: 'description' };
        const kinds = (['tag', 'capability', 'description'] as const).filter((k) => h.kinds & KIND[k]).map((k) => label[k]);
        out.push(`several kinds matched (${kinds.join(', ')}): +${WEIGHTS.multiKindBonus}`);
      }
      return out;
    };

    // Relevance: BM25F over every field, with the seed's points as a small prior.
    const surface = new Map<string, string>();
    for (const w of all) {
      if (isStopword(w)) continue;
      const t = named(stem(w));
      if (!surface.has(t)) surface.set(t, w);
    }
    const show = (t: string) => lexiconName(t) ?? surface.get(t) ?? t;
    const index = p.relevance;
    const qTerms = index.queryTerms(query, MAX_QUERY_WORDS, show);
    const bm25 = index.score(qTerms);
    const ceiling = index.ceiling(qTerms);

    const passes = (a: AgentSummary) =>
      (!filters.domain || a.domain === filters.domain.toLowerCase().replace(/^@/, '')) &&
      (!filters.source || a.source === filters.source) &&
      (!filters.tag || a.tags.includes(filters.tag.toLowerCase())) &&
      (!filters.model || a.model === filters.model);
    // Rank light tuples first; only the page that is returned becomes full result objects.
    const candidates: { name: string; doc: number; score: number; relevance: number }[] = [];
    const docOf = new Map<string, number>();
    index.names.forEach((name, doc) => {
      if (bm25[doc]! > 0 || hits.has(name)) docOf.set(name, doc);
    });
    for (const [name, doc] of docOf) {
      const agent = this.catalog.get(name);
      if (!agent || !passes(agent)) continue;
      const points = hits.get(name)?.score ?? 0;
      const relevance = bm25[doc]! + this.params.prior * Math.log1p(points / WEIGHTS.tag);
      candidates.push({ name, doc, score: points, relevance });
    }
    candidates.sort((a, b) => b.relevance - a.relevance || b.score - a.score || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const top = candidates[0]?.relevance ?? 0;
    const results: SearchHit[] = candidates.slice(0, limit).map((c, i) => {
      const agent = this.catalog.get(c.name)!;
      const h = hits.get(c.name);
      const reasons = h ? reasonText(h) : [];
      const explained = new Set(qStems.filter((_s, k) => h && h.used & bit(k)));
      const found: string[] = [];
      const fields = new Set<Field>();
      let fuzzy = false;
      for (const q of qTerms) {
        if (q.term.includes('_') || explained.has(q.term)) continue;
        const where = index.fieldsOf(c.doc, q);
        if (where.fields.length === 0) continue;
        found.push(where.via ? `${q.shown} (${where.via}…)` : q.shown);
        for (const f of where.fields) fields.add(f);
        if (where.via) fuzzy = true;
      }
      if (found.length) reasons.push(`text: ${found.slice(0, 8).join(', ')} (in ${[...fields].join(', ')}${fuzzy ? ', by prefix or fuzzy match' : ''})`);
      return {
        rank: i + 1, name: c.name, score: c.score, relevance: Math.round(c.relevance * 100) / 100,
        match: matchOf(c.relevance, ceiling, top, this.params),
        reasons, description: agent.description, source: agent.source, path: agent.path, tags: agent.tags,
      };
    });
    const strong = results.some((r) => r.match === 'strong');
    return {
      query, total_matches: candidates.length, results,
      ...(strong || results.length === 0 ? {} : { advice: NO_CLEAR_OWNER }),
      ...(results.length === 0 ? { advice: 'no agent matches these words: rephrase with the technology or area, list_agents shows the catalog, or send a broadcast' } : {}),
    };
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
