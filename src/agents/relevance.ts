import { analyze } from './text.js';

/**
 * BM25F over an agent's fields: a query word counts by how rare it is in the catalog (its inverse
 * document frequency), so one telling word ("vacuum") outweighs several that every agent uses
 * ("api", "data"); where the word stands counts by the field's weight, and a long field counts each
 * of its words less. Besides words, the index holds the lexicon's phrases ("end to end" and "e2e"
 * are one term) and, in the short fields, pairs of adjacent words, which reward a phrase written
 * as the agent writes it.
 */
export const FIELDS = ['name', 'tags', 'capabilities', 'description', 'body'] as const;
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
  /** Words of a body that are read (bodies can be long; their start says what the agent is). */
  bodyWords: number;
  /** The seed's points (50 a tag word, 30 a capability, 20 a description word) as a prior: prior * ln(1 + points / 50). */
  prior: number;
  /** match: strong from this share of the query's ceiling, and within this share of the best result. */
  strong: number;
  nearTop: number;
  /** match: fair from this share of the ceiling. */
  fair: number;
}

export const DEFAULT_PARAMS: RelevanceParams = {
  k1: 1.2,
  weight: { name: 4, tags: 3, capabilities: 2, description: 2.5, body: 0.6 },
  b: { name: 0.3, tags: 0.5, capabilities: 0.5, description: 0.6, body: 0.8 },
  pairWeight: 0.5,
  topicWeight: 0.5,
  expandedWeight: 0.5,
  bodyWords: 2000,
  prior: 0.5,
  strong: 0.35,
  nearTop: 0.7,
  fair: 0.2,
};

export interface AgentText {
  name: string;
  fields: Record<Field, string>;
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

export interface Scored {
  doc: number;
  score: number;
}

const PAIR = '_';
const isWord = (t: string) => !t.startsWith('#') && !t.includes(PAIR);

export class RelevanceIndex {
  readonly names: string[];
  private readonly postings = new Map<string, Posting>();
  /** The single-word terms, sorted, for prefix and typo look-ups. */
  private readonly vocabulary: string[];

  constructor(agents: AgentText[], readonly params: RelevanceParams = DEFAULT_PARAMS) {
    this.names = agents.map((a) => a.name);
    const n = agents.length;
    // First pass: every field's terms and lengths; the averages are known only at the end.
    const analyzed: Map<string, number>[][] = [];
    const lengths = FIELDS.map(() => new Float64Array(n));
    agents.forEach((agent, doc) => {
      analyzed.push(FIELDS.map((field, f) => {
        const counts = new Map<string, number>();
        const { terms, concepts, topics } = analyze(agent.fields[field], field === 'body' ? params.bodyWords : Infinity);
        for (const t of terms) counts.set(t, (counts.get(t) ?? 0) + 1);
        for (const t of concepts) counts.set(t, (counts.get(t) ?? 0) + 1);
        for (const t of topics) counts.set(t, (counts.get(t) ?? 0) + 1);
        if (field !== 'body') {
          for (let i = 1; i < terms.length; i++) {
            const pair = `${terms[i - 1]}${PAIR}${terms[i]}`;
            counts.set(pair, (counts.get(pair) ?? 0) + 1);
          }
        }
        lengths[f]![doc] = terms.length;
        return counts;
      }));
    });
    const avg = lengths.map((l) => Math.max(1, l.reduce((a, b) => a + b, 0) / Math.max(1, n)));
    const building = new Map<string, { docs: number[]; tf: number[]; fields: number[] }>();
    analyzed.forEach((fields, doc) => {
      const perDoc = new Map<string, { tf: number; fields: number }>();
      fields.forEach((counts, f) => {
        const field = FIELDS[f]!;
        const norm = 1 - params.b[field] + (params.b[field] * lengths[f]![doc]!) / avg[f]!;
        for (const [term, count] of counts) {
          const entry = perDoc.get(term) ?? { tf: 0, fields: 0 };
          entry.tf += (params.weight[field] * count) / norm;
          entry.fields |= 1 << f;
          perDoc.set(term, entry);
        }
      });
      for (const [term, { tf, fields: mask }] of perDoc) {
        let p = building.get(term);
        if (!p) building.set(term, (p = { docs: [], tf: [], fields: [] }));
        p.docs.push(doc);
        p.tf.push(tf);
        p.fields.push(mask);
      }
    });
    for (const [term, p] of building) {
      this.postings.set(term, { docs: Int32Array.from(p.docs), tf: Float32Array.from(p.tf), fields: Uint8Array.from(p.fields) });
    }
    this.vocabulary = [...this.postings.keys()].filter(isWord).sort();
  }

  get size(): number {
    return this.names.length;
  }

  idf(term: string): number {
    const df = this.postings.get(term)?.docs.length ?? 0;
    const n = this.names.length;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  has(term: string): boolean {
    return this.postings.has(term);
  }

  /**
   * The terms of a query: its words, its lexicon phrases and its pairs of adjacent words. A word
   * the catalog does not hold stands for the catalog's words it begins (4 letters or more) or is
   * one or two typos from (5 or more), at a lower weight.
   */
  queryTerms(text: string, maxWords: number, surface: (term: string) => string): QueryTerm[] {
    const { terms, concepts, topics } = analyze(text, maxWords);
    const out = new Map<string, QueryTerm>();
    let expansions = 0;
    for (const term of terms) {
      if (out.has(term)) continue;
      if (this.postings.has(term) || !/^[a-z]/.test(term)) {
        out.set(term, { term, shown: surface(term), weight: 1 });
        continue;
      }
      // Up to 16 unknown words are looked up: a 10,000-character query stays fast.
      const expanded = expansions++ < 16 ? this.expand(term) : [];
      out.set(term, { term, shown: surface(term), weight: expanded.length ? this.params.expandedWeight : 1, expanded: expanded.length ? expanded : undefined });
    }
    for (const term of concepts) if (!out.has(term)) out.set(term, { term, shown: surface(term), weight: 1 });
    // A related name (stripe, for payment) says the topic less surely than the topic's own name.
    for (const term of topics) if (!out.has(term)) out.set(term, { term, shown: surface(term), weight: this.params.topicWeight });
    for (let i = 1; i < terms.length; i++) {
      const pair = `${terms[i - 1]}${PAIR}${terms[i]}`;
      if (!out.has(pair) && this.postings.has(pair)) out.set(pair, { term: pair, shown: `${surface(terms[i - 1]!)} ${surface(terms[i]!)}`, weight: this.params.pairWeight });
    }
    return [...out.values()];
  }

  /** Catalog words that a word missing from the catalog probably means: by prefix, else by one or two typos. */
  private expand(term: string): string[] {
    const v = this.vocabulary;
    if (term.length >= 4) {
      // binary search for the first word >= term, then walk while the prefix holds
      let lo = 0;
      let hi = v.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (v[mid]! < term) lo = mid + 1;
        else hi = mid;
      }
      const found: string[] = [];
      for (let i = lo; i < v.length && v[i]!.startsWith(term) && found.length < 8; i++) found.push(v[i]!);
      if (found.length) return found;
    }
    if (term.length < 5 || term.length > 40) return [];
    const max = term.length >= 8 ? 2 : 1;
    const found: string[] = [];
    for (const word of v) {
      if (Math.abs(word.length - term.length) > max || (word[0] !== term[0] && word[1] !== term[1])) continue;
      if (withinEdits(term, word, max)) {
        found.push(word);
        if (found.length >= 8) break;
      }
    }
    return found;
  }

  /** BM25F scores of every doc holding any query term. */
  score(query: QueryTerm[]): Float64Array {
    const scores = new Float64Array(this.names.length);
    const { k1 } = this.params;
    for (const q of query) {
      for (const term of q.expanded ?? [q.term]) {
        const p = this.postings.get(term);
        if (!p) continue;
        const w = q.weight * this.idf(term);
        for (let i = 0; i < p.docs.length; i++) {
          const tf = p.tf[i]!;
          scores[p.docs[i]!]! += (w * tf) / (k1 + tf);
        }
      }
    }
    return scores;
  }

  /** The most a doc could score on a query: each term at its full weight. */
  ceiling(query: QueryTerm[]): number {
    let sum = 0;
    for (const q of query) {
      if (q.term.includes(PAIR)) continue; // pairs are a bonus on top of their words
      const idf = q.expanded ? Math.max(...q.expanded.map((t) => this.idf(t))) : this.idf(q.term);
      sum += q.weight * idf;
    }
    return sum;
  }

  /** Which fields of a doc hold a query term (for the answer's reasons). */
  fieldsOf(doc: number, q: QueryTerm): { fields: Field[]; via?: string } {
    let mask = 0;
    let via: string | undefined;
    for (const term of q.expanded ?? [q.term]) {
      const p = this.postings.get(term);
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
