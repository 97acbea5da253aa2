/**
 * Claude Code's agent generator (and many catalogs copied from it) writes a description as a
 * summary, then examples of requests the agent should take:
 *
 *   Use this agent when ... Examples:\n\n<example>\nContext: ...\nuser: "..."\nassistant: "..."
 *   \n<commentary>\n...\n</commentary>\n</example>
 *
 * often on one YAML line, where each line break is the two characters backslash and n. The summary
 * is what a person reads in a list; the examples are requests in users' own words, which search
 * reads as a field of their own. Role labels (Context, user, assistant) and tags are dropped: every
 * such agent has them, and "user" is a word of real requests.
 */
export interface DescriptionParts {
  summary: string;
  examples: string;
}

const EXAMPLE = /<example>([\s\S]*?)(?:<\/example>|$)/gi;
/** Spaces and tabs only around the label: a \s* at each line start would rescan a run of blank lines once per line (seconds for 30,000 of them). */
const ROLE_LABEL = /^[ \t]*(?:context|user|assistant|human|ai)[ \t]*:[ \t]*/gim;
/** Tags inside examples: <commentary>, and placeholders such as <Agent tool call to x> or <code written>. */
const TAG = /<\/?[A-Za-z][^<>\n]{0,80}>/g;
/** "Examples:", "For example:" or "e.g.:" left at the end of the summary once the examples are taken out. */
const TRAILING_LEAD_IN = /\s*(?:(?:for\s+)?examples?|e\.g\.|such as)\s*:?\s*$/i;

/**
 * A description with its line breaks written as \n (two characters) read as real line breaks: only
 * when it is written that way (examples, or a blank line as \n\n), so that a lone "C:\new" stays.
 */
export function unescapeDescription(text: string): string {
  if (!text.includes('\\n') || !/\\n\s*(?:\\n|<example>)|<example>/i.test(text)) return text;
  return text.replace(/\\r\\n|\\n|\\r/g, '\n').replace(/\\t/g, ' ').replace(/\\"/g, '"');
}

export function splitDescription(description: string): DescriptionParts {
  const text = unescapeDescription(description);
  // Examples are blocks the generator closes: a description that only mentions the tag ("adds an
  // <example> tag to each function") is no example block, and is shown whole.
  const open = text.search(/<example>/i);
  if (open < 0 || !/<\/example>/i.test(text.slice(open))) return { summary: text === description ? description : text.replace(/\s+/g, ' ').trim(), examples: '' };
  const examples: string[] = [];
  const rest = text.replace(EXAMPLE, (_all, inner: string) => {
    examples.push(inner.replace(TAG, ' ').replace(ROLE_LABEL, '').replace(/\s+/g, ' ').trim());
    return ' ';
  });
  const summary = rest.replace(TAG, ' ').replace(/\s+/g, ' ').trim().replace(TRAILING_LEAD_IN, '').trim();
  return { summary, examples: examples.filter(Boolean).join('\n') };
}
