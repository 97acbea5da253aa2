import { stemmer } from 'stemmer';

const STOPWORDS = new Set([
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'by', 'do', 'for', 'from', 'how', 'i', 'in', 'into', 'is', 'it', 'its', 'me', 'my',
  'of', 'on', 'or', 'our', 'should', 'so', 'that', 'the', 'their', 'this', 'to', 'up', 'us', 'we', 'what', 'when', 'which',
  'who', 'why', 'will', 'with', 'you', 'your', 'need', 'needs', 'want', 'help', 'handle', 'use', 'using',
  // filler that a task's text is full of and that says nothing about who should do it
  'all', 'any', 'also', 'about', 'after', 'again', 'before', 'behind', 'but', 'can', 'could', 'does', 'did', 'done', 'each',
  'every', 'get', 'got', 'has', 'have', 'had', 'if', 'just', 'keep', 'let', 'make', 'not', 'now', 'only', 'please', 'some',
  'than', 'then', 'there', 'they', 'them', 'very', 'via', 'was', 'were', 'while', 'without', 'would', 'etc',
  's', // the possessive: "yesterday's"
]);

/**
 * Words of a text, lower-cased. Hyphens, dots, slashes and underscores separate words, so
 * "state-management" and "state management" read alike; "c++", "c#" and ".net" stay whole.
 */
export function words(text: string): string[] {
  return (text.toLowerCase().match(/\.net\b|[a-z0-9]+(?:\+\+|#)?/g) ?? []).filter((w) => !/^\d$/.test(w)); // "1 hour": a lone digit says nothing
}

const stemCache = new Map<string, string>();

export function stem(word: string): string {
  let s = stemCache.get(word);
  if (s === undefined) {
    s = /^[a-z]+$/.test(word) && word.length > 3 ? stemmer(word) : word;
    if (stemCache.size < 100_000) stemCache.set(word, s);
  }
  return s;
}

export const isStopword = (word: string): boolean => STOPWORDS.has(word);

/** Stems of the words that carry meaning. */
export function terms(text: string): string[] {
  return words(text).filter((w) => !isStopword(w)).map(stem);
}

/** For minisearch: one stemmed term, or nothing for a stopword. */
export function processTerm(term: string): string | null {
  const w = term.toLowerCase();
  return isStopword(w) ? null : stem(w);
}

export function tokenize(text: string): string[] {
  return words(text);
}
