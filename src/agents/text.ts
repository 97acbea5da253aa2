import { stemmer } from 'stemmer';
import { americanSpelling, LEXICON, STEM_EXCEPTIONS } from './lexicon.js';

const STOPWORDS = new Set([
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'by', 'do', 'for', 'from', 'how', 'i', 'in', 'into', 'is', 'it', 'its', 'me', 'my',
  'of', 'on', 'or', 'our', 'should', 'so', 'that', 'the', 'their', 'this', 'to', 'up', 'us', 'we', 'what', 'when', 'which',
  'who', 'why', 'will', 'with', 'you', 'your', 'need', 'needs', 'want', 'help', 'handle', 'use', 'using',
  // filler that a task's text is full of and that says nothing about who should do it
  'all', 'any', 'also', 'about', 'after', 'again', 'before', 'behind', 'but', 'can', 'could', 'does', 'did', 'done', 'each',
  'every', 'get', 'got', 'has', 'have', 'had', 'if', 'just', 'keep', 'let', 'make', 'not', 'now', 'only', 'please', 'some',
  'than', 'then', 'there', 'they', 'them', 'very', 'via', 'was', 'were', 'while', 'without', 'would', 'etc',
  'been', 'being', 'these', 'those', 'here', 'where', 'other', 'into', 'onto', 'over', 'under', 'more', 'most', 'much', 'many',
  'still', 'yet', 'since', 'because', 'until', 'am', 'he', 'she', 'him', 'her', 'his', 'hers', 'im', 'dont', 'don',
  'one', 'ones', 'new', 'like', 'look', 'see', 'someone', 'somebody', 'anyone', 'thing', 'things', 'stuff', 'way', 'ways',
  's', 't', // the possessive: "yesterday's"; "don't"
]);

/**
 * Words of a text, lower-cased, in any script. Hyphens, dots, slashes and underscores separate
 * words, so "state-management" and "state management" read alike; "c++", "c#" and ".net" stay whole.
 */
export function words(text: string): string[] {
  return (goLanguage(text).toLowerCase().match(/\.net\b|[\p{L}\p{N}]+(?:\+\+|#)?/gu) ?? []).filter((w) => !/^\d$/.test(w)); // "1 hour": a lone digit says nothing
}

/**
 * "Go" written with a capital inside a sentence ("the Go service", "rewrite it in Go") is the
 * language, read as "golang"; the verb "go" is an everyday word. A sentence's first word, and "Go
 * live" (or "Go Live", as a title writes it), "Go to", "Go ahead", "Go back", "Go through" and a
 * "Go/No-Go" decision stay the verb.
 */
const GO_LANGUAGE = /(?<=[\p{Ll}\d,;:)'"]\s{1,3})Go\b(?![- ](?:[Ll]ive|[Tt]o|[Aa]head|[Bb]ack|[Tt]hrough)\b|\/[Nn]o-?[Gg]o\b)/gu;
const goLanguage = (text: string): string => (text.includes('Go') ? text.replace(GO_LANGUAGE, 'golang') : text);

const stemCache = new Map<string, string>();

/**
 * A word's stem: American spelling, then Porter's stemmer, except for the words whose stems would
 * join unrelated words (embeddings and embedded). Words outside a-z are kept as they are.
 */
export function stem(word: string): string {
  let s = stemCache.get(word);
  if (s === undefined) {
    const american = americanSpelling(word);
    // Porter keeps "recovery" (recoveri) apart from "recover" (recov): a noun in -ery (-eries)
    // stems as its verb in -er (delivery: deliver, discovery: discover).
    const ery = /^([a-z]{4,}er)(?:y|ies)$/.exec(american);
    s = STEM_EXCEPTIONS.get(american) ?? (ery ? stem(ery[1]!) : /^[a-z]+$/.test(american) && american.length > 3 ? stemmer(american) : american);
    if (stemCache.size < 100_000) stemCache.set(word, s);
  }
  return s;
}

export const isStopword = (word: string): boolean => STOPWORDS.has(word);

/**
 * Everyday words that a request is full of and that name no skill: time ("yesterday", "quarter"),
 * amounts, people in general, and verbs of asking and reporting ("wants", "find", "fix",
 * "complaining"). A catalog may use one of them rarely, which would make it look telling; in a
 * query they count for little (RelevanceParams.quietWeight), never for nothing.
 */
const QUIET_WORDS = (
  // time
  'today tonight tomorrow yesterday morning afternoon evening night weekend weekday day days week weeks weekly month months monthly year years yearly '
  + 'quarter quarters quarterly hour hours hr hrs minute minutes min mins second seconds sec secs deadline asap soon later earlier recently lately currently '
  + 'ago last next previous early late already always never sometimes often usually every whole half '
  + 'monday tuesday wednesday thursday friday saturday sunday january february march april may june july august september october november december '
  // amounts and degree
  + 'k m million millions billion thousand thousands hundred hundreds percent lot lots few several number numbers amount twice double triple '
  + 'big bigger biggest small smaller huge tiny little less least enough really actually basically quite almost around roughly about maybe probably '
  // people in general
  + 'people person someone everyone everybody nobody guy guys folks boss ceo cfo cto founder founders investor investors '
  + 'colleague colleagues anyone whoever '
  // asking, reporting and wanting
  + 'want wants wanted wanting need needed needs ask asks asked asking tell told say says said think thought know knew known wonder '
  + 'find finds found fix fixes fixed fixing sort sorted figure figured work works worked working happen happens happened happening '
  + 'notice noticed noticing complain complains complained complaining complaint complaints '
  + 'try tried trying started starting stop stopped stopping take takes took taking give gave given goes going went gone '
  + 'come comes came coming put puts getting got seem seems seemed feel feels felt tried keep keeps kept leave leaves left '
  + 'able unable possible impossible sure right wrong good bad better worse best worst great nice fine ok okay real properly '
  + 'thanks thank hi hello hey urgent urgently quickly quick back down away instead rather whether either neither '
  + 'jump jumped jumps grew grown get'
).split(' ');

const QUIET = new Set(QUIET_WORDS.map((w) => stem(w)));

/** Whether a query term is an everyday word that names no skill. */
export const isQuiet = (term: string): boolean => QUIET.has(term);

/** Stems of the words that carry meaning, each named as the lexicon names it (pg: postgresql). */
export function terms(text: string): string[] {
  return words(text).filter((w) => !isStopword(w)).map((w) => named(stem(w)));
}

/** The lexicon's name for a stem (postgr: postgresql, k8s: kubernet), or the stem itself. */
export function named(s: string): string {
  return lexicon.single.get(s) ?? s;
}

interface Variant {
  stems: string[];
  term: string;
  related: boolean;
}

/**
 * The lexicon as lookups. Synonyms (before a group's "+") are one term: a one-word synonym is
 * replaced by the group's term. Related names (after the "+") keep their own term and add the
 * group's. Phrases add the group's term beside their words.
 */
const lexicon: {
  single: Map<string, string>;
  related: Map<string, string>;
  phrases: Map<string, Variant[]>;
  display: Map<string, string>;
} = (() => {
  const single = new Map<string, string>();
  const related = new Map<string, string>();
  const phrases = new Map<string, Variant[]>();
  const display = new Map<string, string>();
  for (const group of LEXICON) {
    const first = words(group[0]!).map(stem);
    // A one-word group name is a word like any other; a phrase gets a term no text can spell.
    const term = first.length === 1 ? first[0]! : `#${first.join(' ')}`;
    display.set(term, group[0]!);
    let isRelated = false;
    for (const variant of group) {
      if (variant === '+') {
        isRelated = true;
        continue;
      }
      const stems = words(variant).map(stem);
      if (stems.length === 0) continue;
      if (stems.length === 1) {
        if (stems[0] === term) continue;
        const map = isRelated ? related : single;
        if (!single.has(stems[0]!) && !related.has(stems[0]!)) map.set(stems[0]!, term);
      } else {
        const list = phrases.get(stems[0]!) ?? [];
        list.push({ stems, term, related: isRelated });
        phrases.set(stems[0]!, list);
      }
    }
  }
  for (const list of phrases.values()) list.sort((a, b) => b.stems.length - a.stems.length);
  return { single, related, phrases, display };
})();

/** How to show a term of the lexicon ("#machine learn": "machine learning"); undefined for others. */
export const lexiconName = (term: string): string | undefined => lexicon.display.get(term);

/** An exception's class name (TypeError, NullPointerException, KeyError) says "an error". */
const EXCEPTION_NAME = /^[a-z]{2,}(error|exception)s?$/;
const ERROR_TERM = stem('error');

export interface Analyzed {
  /** Content terms in order: stems with the lexicon's one-word names applied. */
  terms: string[];
  /** Terms of the lexicon's phrases found in the text ("#machine learn"). */
  concepts: string[];
  /** Terms of the groups that a related name in the text belongs to (stripe: payment). */
  topics: string[];
  /** Terms that a query holds only inside a quoted error message (see errorMessageTerms). */
  incidental?: ReadonlySet<string>;
}

/** An exception's name and colon, then its message to the end of the line or sentence. */
const ERROR_MESSAGE = /\b[A-Za-z]{2,}(?:Error|Exception)\s*:\s*([^\n]{1,300}?)(?=\n|[.;!?](?:\s|$)|$)/g;

/**
 * The terms of a text that appear only inside error messages it quotes ("TypeError: Cannot read
 * properties of undefined"): the message says that something failed, not which skill it needs, so
 * its words count like everyday words. A word also used outside the message keeps its weight.
 */
export function errorMessageTerms(text: string): Set<string> {
  const inside = new Set<string>();
  let outside = text;
  for (const m of text.matchAll(ERROR_MESSAGE)) {
    for (const t of terms(m[1]!)) inside.add(t);
    outside = outside.replace(m[1]!, ' ');
  }
  if (inside.size) for (const t of terms(outside)) inside.delete(t);
  return inside;
}

/**
 * Words that name who is asking ("Support lead:", "Finance here.", "Fwd from Acme's ops team:"), not
 * a skill. Legal and compliance are left out: what they bring is mostly their own kind of work.
 */
const REQUESTER_WORDS = new Set(('support lead leads head of from fwd forwarded fw the our a an team teams here question request note message ticket '
  + 'finance sales marketing growth ops operations hr people product engineering procurement partnerships partner partners '
  + 'customer customers success cx account accounts manager managers director vp cto ceo cfo coo cmo founder cofounder co pm pms '
  + 'it admin office executive exec board investor investors client clients integration s').split(' '));

/**
 * The terms of a request's opening label when it only says who is asking ("Support lead: ...",
 * "Finance here. ...", "Fwd from Brightline Logistics: ..."): the asker is not the skill, so these
 * words count like everyday words. A word also used after the label keeps its weight, and a label
 * with any other word ("Pricing experiment readout:") is the subject, not the asker.
 */
export function requesterTerms(text: string): Set<string> {
  // Leading space trimmed first: ^\s* before these alternatives backtracks through all of it (seconds for 10,000 spaces).
  const head = text.trimStart();
  const m = /^((?:fwd?|forwarded)\s+from\s+[^:\n]{1,60}|[^:.\n]{1,40}?\s+here|[^:.\n]{1,40}):\s|^([^:.\n]{1,40}?\s+here)\.\s/i.exec(head);
  if (!m) return new Set();
  const label = (m[1] ?? m[2])!;
  const forwarded = /^\s*(?:fwd?|forwarded)\s+from\b/i.test(label);
  const labelWords = words(label);
  if (!forwarded && !labelWords.every((w) => REQUESTER_WORDS.has(w))) return new Set();
  const inside = new Set(labelWords.filter((w) => !isStopword(w)).map((w) => named(stem(w))));
  for (const t of terms(head.slice(m[0].length))) inside.delete(t);
  return inside;
}

/**
 * The terms of a text for relevance scoring: stopwords out, each word stemmed and named as the
 * lexicon names it (pg and postgres are postgresql), plus a term for each lexicon phrase the text
 * holds (end to end, e2e: one term). Stopwords count while phrases are matched ("end to end").
 */
export function analyze(text: string, maxWords = Infinity): Analyzed {
  const all = words(text);
  const stems: string[] = [];
  for (const w of all) {
    if (stems.length >= maxWords) break;
    stems.push(stem(w));
  }
  const out: Analyzed = { terms: [], concepts: [], topics: [] };
  // Words inside a lexicon phrase belong to its group: the "bill" of "AWS bill" is a cloud cost,
  // not a topic of its own (payment).
  let phraseEnd = 0;
  for (let i = 0; i < stems.length; i++) {
    const s = stems[i]!;
    for (const v of lexicon.phrases.get(s) ?? []) {
      if (v.stems.every((x, k) => stems[i + k] === x)) {
        (v.related ? out.topics : out.concepts).push(v.term);
        phraseEnd = Math.max(phraseEnd, i + v.stems.length);
        break;
      }
    }
    if (isStopword(all[i]!)) continue;
    out.terms.push(lexicon.single.get(s) ?? s);
    const topic = i < phraseEnd ? undefined : lexicon.related.get(s) ?? (EXCEPTION_NAME.test(all[i]!) ? ERROR_TERM : undefined);
    if (topic !== undefined) out.topics.push(topic);
  }
  return out;
}

/** For minisearch: one stemmed term, or nothing for a stopword. */
export function processTerm(term: string): string | null {
  const w = term.toLowerCase();
  return isStopword(w) ? null : stem(w);
}

export function tokenize(text: string): string[] {
  return words(text);
}
