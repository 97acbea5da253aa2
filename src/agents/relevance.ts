import { type Analyzed, analyze, isQuiet } from './text.js';

/**
 * BM25F over an agent's fields: a query word counts by how rare it is in the catalog (its inverse
 * document frequency), so one telling word ("vacuum") outweighs several that every agent uses
 * ("api", "data"); where the word stands counts by the field's weight, and a long field counts each
 * of its words less. Besides words, the index holds the lexicon's phrases ("end to end" and "e2e"
 * are one term) and, in the short fields, pairs of adjacent words, which reward a phrase written
 * as the agent writes it.
 */
export const FIELDS = ['name', 'tags', 'capabilities', 'tools', 'description', 'examples', 'body'] as const;
export type Field = (typeof FIELDS)[number];

export interface RelevanceParams {
  k1: number;
  weight: Record<Field, number>;
  /** Length normalisation per field, 0 (none) to 1 (full). */
  b: Record<Field, number>;
  /** How much a pair of adjacent query words counts, next to a single word. */
  pairWeight: number;
  /** How much a query's topic counts when only a related name says it (stripe: payment). */
  topicWeight: number;
  /** How much a word found only by prefix or by a typo counts. */
  expandedWeight: number;
  /** How much an everyday word of a request counts ("wants", "yesterday", "fix": see isQuiet). */
  quietWeight: number;
  /** How much a lexicon phrase of the query counts ("machine learning", "screen reader"), next to a word. */
  conceptWeight: number;
  /** Words of a body that are read (bodies can be long; their start says what the agent is). */
  bodyWords: number;
  /**
   * How much an agent that uses a word only in its body counts towards the word's document
   * frequency (0 to 1). Bodies are long and mention "error", "test" or "deploy" in passing; an
   * agent that names the word in its name, tags or description counts in full.
   */
  bodyDf: number;
  /** The seed's points (50 a tag word, 30 a capability, 20 a description word) as a prior: prior * ln(1 + points / 50). */
  prior: number;
  /** match: strong from this share of the query's ceiling, and within this share of the best result. */
  strong: number;
  nearTop: number;
  /** match: fair from this share of the ceiling. */
  fair: number;
}

export const DEFAULT_PARAMS: RelevanceParams = {
  k1: 1.9,
  weight: { name: 4, tags: 3, capabilities: 2, tools: 2, description: 2.5, examples: 1.5, body: 0.35 },
  b: { name: 0.3, tags: 0.5, capabilities: 0.5, tools: 0.5, description: 0.6, examples: 0.6, body: 0.8 },
  pairWeight: 0.5,
  topicWeight: 1,
  expandedWeight: 0.5,
  quietWeight: 0.15,
  conceptWeight: 1,
  bodyWords: 2000,
  bodyDf: 0.4,
  prior: 1.25,
  strong: 0.3,
  nearTop: 0.7,
  fair: 0.18,
};

export interface AgentText {
  name: string;
  /** A field left out is empty (most catalogs have no examples). */
  fields: Partial<Record<Field, string>>;
  /**
   * Agents with the same group are copies of one agent (a plugin that ships another plugin's
   * agent): they count once in a word's document frequency, so five copies of a performance
   * engineer do not make "latency" look like a common word.
   */
  group?: string;
}

interface Posting {
  docs: Int32Array;
  /** The field-weighted, length-normalised term frequency of the term in each doc. */
  tf: Float32Array;
  /** Which fields hold the term in each doc: bit i for FIELDS[i]. */
  fields: Uint8Array;
}

export interface QueryTerm {
  term: string;
  /** The query word (or lexicon phrase) the term stands for, as the answer shows it. */
  shown: string;
  weight: number;
  /** For a word found by prefix or typo: the catalog terms it stands for. */
  expanded?: string[];
}

const isWord = (t: string) => !t.startsWith('#');

/** Two adjacent query words ("service mesh"), credited where an agent's short fields write them side by side. */
export interface QueryPair {
  key: string;
  shown: string;
  /** The rarer word's weight: the pair is at least as rare. */
  idf: number;
}

/** Distinct words the index holds before bodies stop adding new ones (real catalogs of 10,000 agents hold about 60,000). */
export const MAX_TERMS = 300_000;

/** Comparisons a query may spend looking for typos (about 20 ms). */
const MAX_TYPO_COMPARISONS = 100_000;

export const pairKey = (a: string, b: string): string => `${a} ${b}`;

export class RelevanceIndex {
  readonly names: string[];
  /** Term text to id. */
  private readonly ids = new Map<string, number>();
  /** Postings of every term in three flat arrays; term id i owns [start[i], start[i + 1]). */
  private readonly start: Int32Array;
  private readonly docs: Int32Array;
  private readonly tfs: Float32Array;
  private readonly masks: Uint8Array;
  /** True when some bodies were left out because the index reached MAX_TERMS. */
  capped = false;
  /** The single-word terms, sorted, for prefix and typo look-ups. */
  private readonly vocabulary: string[];
  /** Each term's inverse document frequency. */
  private readonly idfs: Float32Array;

  constructor(agents: AgentText[], readonly params: RelevanceParams = DEFAULT_PARAMS) {
    this.names = agents.map((a) => a.name);
    const n = agents.length;
    const texts: string[] = [];
    const idOf = (term: string) => {
      let id = this.ids.get(term);
      if (id === undefined) {
        id = texts.length;
        this.ids.set(term, id);
        texts.push(term);
      }
      return id;
    };
    // First pass: each field as a list of term ids, its length, and each term's document count.
    // (The averages of the field lengths are known only at the end.)
    const sequences: Int32Array[][] = [];
    const lengths = FIELDS.map(() => new Float64Array(n));
    const df: number[] = [];
    const lastDoc: number[] = [];
    const seen = (id: number, doc: number) => {
      if (lastDoc[id] !== doc) {
        lastDoc[id] = doc;
        df[id] = (df[id] ?? 0) + 1;
      }
    };
    agents.forEach((agent, doc) => {
      sequences.push(FIELDS.map((field, f) => {
        // Past MAX_TERMS distinct words, bodies are not read: a folder of files full of random
        // words must not grow the index (or its build time) without end.
        if (field === 'body' && texts.length >= MAX_TERMS) {
          this.capped = true;
          return new Int32Array(0);
        }
        const { terms, concepts, topics } = analyze(agent.fields[field] ?? '', field === 'body' ? params.bodyWords : Infinity);
        const out: number[] = [];
        for (const t of terms) out.push(idOf(t));
        for (const t of concepts) out.push(idOf(t));
        // A body's related names (a "locale" or a "Stripe" in passing) do not make it about their
        // topic: topics count in the short fields only. In bodies they made a topic look common (the
        // internationalization topic was in 73 of 165 bodies, named by 4 agents) and so weak.
        if (field !== 'body') for (const t of topics) out.push(idOf(t));
        for (const id of out) seen(id, doc);
        lengths[f]![doc] = terms.length;
        return Int32Array.from(out);
      }));
    });
    const avg = lengths.map((l) => Math.max(1, l.reduce((x, y) => x + y, 0) / Math.max(1, n)));
    // One allocation for all postings: a catalog of many rare words (or random ones, in a hostile
    // file) costs a few bytes a posting rather than three small arrays a word.
    this.start = new Int32Array(texts.length + 1);
    for (let id = 0; id < texts.length; id++) this.start[id + 1] = this.start[id]! + (df[id] ?? 0);
    const total = this.start[texts.length]!;
    this.docs = new Int32Array(total);
    this.tfs = new Float32Array(total);
    this.masks = new Uint8Array(total);
    const filled = this.start.slice(0, texts.length);
    // Second pass: per doc, the weighted frequency of each of its terms, added to the postings.
    const acc = new Float64Array(texts.length);
    const mask = new Uint8Array(texts.length);
    const touched: number[] = [];
    sequences.forEach((fields, doc) => {
      touched.length = 0;
      fields.forEach((seq, f) => {
        const field = FIELDS[f]!;
        const add = params.weight[field] / (1 - params.b[field] + (params.b[field] * lengths[f]![doc]!) / avg[f]!);
        for (const id of seq) {
          if (mask[id] === 0) touched.push(id);
          acc[id]! += add;
          mask[id]! |= 1 << f;
        }
      });
      for (const id of touched) {
        const at = filled[id]!++;
        this.docs[at] = doc;
        this.tfs[at] = acc[id]!;
        this.masks[at] = mask[id]!;
        acc[id] = 0;
        mask[id] = 0;
      }
      fields.length = 0; // the sequences are not kept
    });
    this.vocabulary = texts.filter(isWord).sort();
    const bodyOnly = 1 << FIELDS.indexOf('body');
    this.idfs = new Float32Array(texts.length);
    // Copies count once: each doc's group is its first copy's index.
    const keys = new Map<string, number>();
    const groupOf = agents.map((a, doc) => {
      if (a.group === undefined) return doc;
      const first = keys.get(a.group);
      if (first !== undefined) return first;
      keys.set(a.group, doc);
      return doc;
    });
    const groups = new Set(groupOf).size;
    const credit = new Float64Array(n);
    const hit: number[] = [];
    for (let id = 0; id < texts.length; id++) {
      hit.length = 0;
      for (let at = this.start[id]!; at < this.start[id + 1]!; at++) {
        const g = groupOf[this.docs[at]!]!;
        const c = this.masks[at] === bodyOnly ? params.bodyDf : 1;
        if (credit[g] === 0) hit.push(g);
        if (c > credit[g]!) credit[g] = c;
      }
      let d = 0;
      for (const g of hit) { d += credit[g]!; credit[g] = 0; }
      this.idfs[id] = Math.log(1 + (groups - d + 0.5) / (d + 0.5));
    }
  }

  private posting(term: string): Posting | undefined {
    const id = this.ids.get(term);
    if (id === undefined) return undefined;
    const from = this.start[id]!;
    const to = this.start[id + 1]!;
    return { docs: this.docs.subarray(from, to), tf: this.tfs.subarray(from, to), fields: this.masks.subarray(from, to) };
  }

  get size(): number {
    return this.names.length;
  }

  /** The weight of a word that one agent uses. */
  private get rareIdf(): number {
    return Math.log(1 + (this.names.length - 0.5) / 1.5);
  }

  idf(term: string): number {
    const id = this.ids.get(term);
    return id === undefined ? Math.log(1 + (this.names.length + 0.5) / 0.5) : this.idfs[id]!;
  }

  has(term: string): boolean {
    return this.ids.has(term);
  }

  /**
   * The terms of an analysed query: its words, its lexicon phrases and its topics. A word the
   * catalog does not hold stands for the catalog's words it begins (4 letters or more) or is one
   * or two typos from (5 or more), at a lower weight.
   */
  queryTerms({ terms, concepts, topics, incidental }: Analyzed, surface: (term: string) => string): QueryTerm[] {
    const out = new Map<string, QueryTerm>();
    let expansions = 0;
    const budget = { left: MAX_TYPO_COMPARISONS };
    for (const term of terms) {
      if (out.has(term)) continue;
      // An everyday word ("march", "former") is not looked up by prefix or typo: "march" is no misspelt "marchand".
      if (this.ids.has(term) || !/^[a-z]/.test(term) || isQuiet(term)) {
        out.set(term, { term, shown: surface(term), weight: isQuiet(term) || incidental?.has(term) ? this.params.quietWeight : 1 });
        continue;
      }
      // Up to 16 unknown words are looked up: a 10,000-character query stays fast.
      const expanded = expansions++ < 16 ? this.expand(term, budget) : [];
      out.set(term, { term, shown: surface(term), weight: expanded.length ? this.params.expandedWeight : 1, expanded: expanded.length ? expanded : undefined });
    }
    for (const term of concepts) if (!out.has(term)) out.set(term, { term, shown: surface(term), weight: this.params.conceptWeight });
    // A related name (stripe, for payment) says the topic less surely than the topic's own name;
    // several of them (latency, p95, profiling: performance) say it as surely.
    const said = new Map<string, number>();
    for (const term of topics) said.set(term, (said.get(term) ?? 0) + 1);
    for (const [term, count] of said) {
      if (!out.has(term)) out.set(term, { term, shown: surface(term), weight: Math.min(this.params.conceptWeight, this.params.topicWeight * count) });
    }
    return [...out.values()];
  }

  /** The query's adjacent word pairs whose words the catalog holds. */
  queryPairs({ terms }: Analyzed, surface: (term: string) => string): QueryPair[] {
    const out = new Map<string, QueryPair>();
    for (let i = 1; i < terms.length; i++) {
      const a = terms[i - 1]!;
      const b = terms[i]!;
      const key = pairKey(a, b);
      if (a === b || out.has(key) || !this.ids.has(a) || !this.ids.has(b) || isQuiet(a) || isQuiet(b)) continue;
      out.set(key, { key, shown: `${surface(a)} ${surface(b)}`, idf: Math.max(this.idf(a), this.idf(b)) });
    }
    return [...out.values()];
  }

  /** The index of the first vocabulary word >= text. */
  private lowerBound(text: string): number {
    const v = this.vocabulary;
    let lo = 0;
    let hi = v.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (v[mid]! < text) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Catalog words that a word missing from the catalog probably means: those it begins, else those
   * one or two typos away among the words with its first letter. The typo search spends at most
   * `budget.left` comparisons, shared by the query's words, so a catalog of a million distinct
   * words costs a query a bounded time.
   */
  private expand(term: string, budget: { left: number }): string[] {
    const v = this.vocabulary;
    if (term.length >= 4) {
      const found: string[] = [];
      for (let i = this.lowerBound(term); i < v.length && v[i]!.startsWith(term) && found.length < 8; i++) found.push(v[i]!);
      if (found.length) return found;
    }
    if (term.length < 5 || term.length > 40) return [];
    const max = term.length >= 8 ? 2 : 1;
    const found: string[] = [];
    const first = term[0]!;
    for (let i = this.lowerBound(first); i < v.length && v[i]![0] === first && budget.left > 0; i++) {
      const word = v[i]!;
      budget.left--;
      // The catalog holds stems: a misspelt "replicaton" is compared with "replic" by its start
      // too, when the rest of it is no longer than a suffix.
      const near = withinEdits(term, word, max)
        || (word.length >= 6 && term.length > word.length && term.length - word.length <= 4 && withinEdits(term.slice(0, word.length), word, 1));
      if (near) {
        found.push(word);
        if (found.length >= 8) break;
      }
    }
    return found;
  }

  /** BM25F scores of every doc, and the docs holding any query term. */
  score(query: QueryTerm[]): { scores: Float64Array; matched: number[] } {
    const scores = new Float64Array(this.names.length);
    const matched: number[] = [];
    const { k1 } = this.params;
    for (const q of query) {
      for (const term of q.expanded ?? [q.term]) {
        const p = this.posting(term);
        if (!p) continue;
        const w = q.weight * this.idf(term);
        for (let i = 0; i < p.docs.length; i++) {
          const tf = p.tf[i]!;
          const doc = p.docs[i]!;
          if (scores[doc] === 0) matched.push(doc);
          scores[doc]! += (w * tf) / (k1 + tf);
        }
      }
    }
    return { scores, matched };
  }

  /** The most a doc could score on a query: each term at its full weight. */
  ceiling(query: QueryTerm[]): number {
    let sum = 0;
    for (const q of query) {
      // A word no agent uses counts as half of a word one agent uses: a request's incidental words
      // ("problems on the signup form") should not make a clear match look weak in a small team.
      const idf = q.expanded ? Math.max(...q.expanded.map((t) => this.idf(t))) : this.ids.has(q.term) ? this.idf(q.term) : this.rareIdf / 2;
      sum += q.weight * idf;
    }
    return sum;
  }

  /** Which fields of a doc hold a query term (for the answer's reasons). */
  fieldsOf(doc: number, q: QueryTerm): { fields: Field[]; via?: string } {
    let mask = 0;
    let via: string | undefined;
    for (const term of q.expanded ?? [q.term]) {
      const p = this.posting(term);
      if (!p) continue;
      const i = indexOf(p.docs, doc);
      if (i >= 0) {
        mask |= p.fields[i]!;
        if (q.expanded && via === undefined) via = term;
      }
    }
    return { fields: FIELDS.filter((_f, i) => mask & (1 << i)), via };
  }
}

function indexOf(docs: Int32Array, doc: number): number {
  let lo = 0;
  let hi = docs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const d = docs[mid]!;
    if (d === doc) return mid;
    if (d < doc) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Whether two words are at most max edits apart (insert, delete, replace, swap). */
export function withinEdits(a: string, b: string, max: number): boolean {
  if (Math.abs(a.length - b.length) > max) return false;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_x, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      row.push(d);
      if (d < best) best = d;
    }
    if (best > max) return false;
    prev2 = prev;
    prev = row;
  }
  return prev[b.length]! <= max;
}
