import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { HANDLE_PATTERN } from '../flags/rules.js';

type Matter = typeof import('gray-matter');
let matterModule: Matter | undefined;

/** gray-matter (and its YAML parser) load on first use: an unchanged catalog never parses a file. */
export function matter(): Matter {
  matterModule ??= createRequire(import.meta.url)('gray-matter') as Matter;
  return matterModule;
}

const refuseCode = (): never => {
  throw new Error('front matter written as JavaScript is not accepted (it would run code); use YAML');
};

export const MAX_AGENT_FILE_BYTES = 1024 * 1024;

/**
 * Bounds on what one agent file may hold once parsed. Agent files come with any cloned repository,
 * so they are untrusted: a few hundred bytes of YAML aliases (`*a` repeats the data of `&a`) can
 * stand for gigabytes once anything copies or prints the data, and the file-size limit does not
 * see that. The front matter is measured as it would be written out, before anything copies it.
 */
export const AGENT_LIMITS = {
  /** The front matter, counted as JSON characters with every alias written out in full. */
  frontmatterChars: 64 * 1024,
  /** Lists and maps inside lists and maps. */
  frontmatterDepth: 32,
  /** Claude Code's generated agents write examples into the description: thousands of characters is ordinary. */
  description: 32 * 1024,
  /** model, color, and each item of tags, capabilities, tools and aliases. */
  field: 200,
  /** Items in tags, capabilities, tools or aliases. */
  items: 100,
} as const;

const fmt = (n: number) => n.toLocaleString('en-US');

/** What one file's YAML may stand for while it is parsed, counted in characters (see boundedYaml). */
const YAML_EXPANSION_CHARS = MAX_AGENT_FILE_BYTES;

class ExpansionLimit extends Error {}

/**
 * gray-matter's YAML parser, watched while it parses. js-yaml itself writes aliases out in one
 * place: a mapping key that is a list or map (`? [*a, *a, ...]`) becomes one joined string, so a
 * 1 MB file could stand for tens of gigabytes before any check after parsing ran. Every node the
 * parser finishes is counted: a string by its length, a list or map met a second time (an alias)
 * by its size written out, within what is left of the budget. Past the budget, parsing stops.
 */
function boundedYaml(text: string): unknown {
  const seen = new WeakSet<object>();
  let used = 0;
  const listener = (event: string, state: { result: unknown }) => {
    if (event !== 'close') return;
    const value = state.result;
    if (typeof value === 'string') used += value.length;
    else if (value !== null && typeof value === 'object') {
      if (!seen.has(value)) seen.add(value);
      else {
        const left = YAML_EXPANSION_CHARS - used;
        const m = measureFrontmatter(value, left, AGENT_LIMITS.frontmatterDepth);
        used += m.over ? left + 1 : Math.min(m.size, left + 1);
      }
    }
    if (used > YAML_EXPANSION_CHARS) {
      throw new ExpansionLimit(`frontmatter uses YAML aliases that expand past the ${fmt(YAML_EXPANSION_CHARS)}-character limit while parsed (each *alias repeats the data of its &anchor)`);
    }
  };
  const engines = (matter() as unknown as { engines: { yaml: { parse: (text: string, options: object) => unknown } } }).engines;
  return engines.yaml.parse(text, { listener });
}

/**
 * The size of a parsed front matter as JSON text, counted without building that text and
 * stopping as soon as it passes the limit, so an alias bomb costs at most `limit` steps.
 * `shared` says whether some list or map is reached twice (a YAML alias of a collection).
 */
function measureFrontmatter(data: unknown, limit: number, maxDepth: number): { over: 'size' | 'depth' | null; shared: boolean; size: number } {
  const seen = new WeakSet<object>();
  let shared = false;
  let size = 0;
  const stack: [unknown, number][] = [[data, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value === 'string') size += value.length + 2;
    else if (value === null || value === undefined || typeof value !== 'object') size += String(value).length;
    else if (value instanceof Date) size += 26;
    else if (ArrayBuffer.isView(value)) size += value.byteLength * 4 + 24; // !!binary: JSON spells each byte as a number
    else {
      if (depth >= maxDepth) return { over: 'depth', shared, size };
      if (seen.has(value)) shared = true;
      else seen.add(value);
      size += 2;
      if (Array.isArray(value)) {
        for (const item of value) stack.push([item, depth + 1]);
        size += value.length;
      } else {
        for (const [key, item] of Object.entries(value)) {
          size += key.length + 4;
          stack.push([item, depth + 1]);
        }
      }
    }
    if (size > limit) return { over: 'size', shared, size };
  }
  return { over: null, shared, size };
}

/** Whether the front matter text writes an alias (`*name` where a value starts). */
const writesAlias = (text: string): boolean => /(^|[\s[{,:-])\*[^\s,[\]{}]+/m.test(text);

/** Labels of the dialogues that descriptions quote ("user: ...", "Context: ..."): never a key of their own. */
const DIALOGUE_LABELS = new Set(['context', 'user', 'assistant', 'human', 'ai', 'commentary', 'example', 'examples', 'note', 'response']);
const KEY_LINE = /^([A-Za-z][\w-]*):(?:[ \t]+(.*))?$/;

/**
 * The front matter of a file whose YAML does not parse, read one `key: value` line at a time, as
 * Claude Code reads it. Agents written by Claude Code's generator put example dialogues in an
 * unquoted description ("... Examples:\n<example>\nContext: ...\nuser: ..."), and a colon
 * followed by a space inside a plain value is not YAML; Claude Code loads those agents anyway.
 * An indented line, or a dialogue line ("user: ..."), continues the value before it. Returns null
 * when the text still cannot be front matter, as Claude Code refuses it too: no closing ---, an
 * unindented line that is no `key: value` at all ("<example>" or "Examples:" on a line of its own),
 * or a key written twice (reported as bad YAML). A list in brackets is read as a list, closed or not.
 */
export function lenientFrontmatter(source: string): { data: Record<string, unknown>; content: string; matter: string } | null {
  const m = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(source);
  if (!m) return null;
  const data: Record<string, string> = Object.create(null);
  let key: string | undefined;
  for (const line of m[1]!.split(/\r?\n/)) {
    const k = KEY_LINE.exec(line);
    if (k && !DIALOGUE_LABELS.has(k[1]!.toLowerCase())) {
      key = k[1]!;
      if (Object.hasOwn(data, key)) return null; // a key written twice is no front matter to guess at
      data[key] = (k[2] ?? '').trim();
    } else if (key !== undefined && (line.trim() === '' || /^[ \t]/.test(line) || k)) {
      // an indented line, or a dialogue line ("user: ...") that Claude Code reads as a key of its own
      data[key] += `\n${line}`;
    } else if (line.trim() !== '' && !line.trimStart().startsWith('#')) {
      // An unindented line that is no `key: value` ("<example>", "Examples:" on a line of its
      // own): Claude Code does not load such a file either, so neither does the catalog.
      return null;
    }
  }
  const out: Record<string, unknown> = Object.create(null);
  for (const [k, raw] of Object.entries(data)) {
    const value = raw.trim();
    if (value.startsWith('[')) {
      // a list in brackets, closed or not (Claude Code reads "tools: [Read, Grep" too)
      out[k] = value.slice(1, value.endsWith(']') ? -1 : undefined).split(',').map((v) => unquote(v.trim())).filter(Boolean);
    } else {
      out[k] = unquote(value);
    }
  }
  return { data: out, content: source.slice(m[0].length), matter: m[1]! };
}

function unquote(value: string): string {
  if (value.length >= 2 && ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'")))) {
    return value.slice(1, -1).replace(value[0] === '"' ? /\\"/g : /''/g, value[0]!);
  }
  return value;
}

export interface AgentDefinition {
  name: string;
  description: string;
  tags: string[];
  capabilities: string[];
  model: string | null;
  color: string | null;
  tools: string[];
  /** Other handles the agent answers to (frontmatter `aliases`), as handles. */
  aliases: string[];
  body: string;
  /** Frontmatter as written, for get_agent. */
  frontmatter: Record<string, unknown>;
}

export type ParseResult = { ok: true; agent: AgentDefinition; hash: string } | { ok: false; reason: string; hash: string };

const list = (value: unknown): string[] => {
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? value : String(value).split(',');
  return [...new Set(items.map((v) => String(v).trim()).filter(Boolean))];
};

const text = (value: unknown): string | null => (value === undefined || value === null || value === '' ? null : String(value).trim());

/** `Code Reviewer`, `@backend.API` and `code_reviewer` become handles; anything else is refused. */
export function normalizeAgentName(raw: string): string | null {
  const handle = `@${raw.trim().replace(/^@/, '').toLowerCase().replace(/\s+/g, '-')}`;
  return handle.length <= 64 && HANDLE_PATTERN.test(handle) ? handle : null;
}

export function hashContent(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 32);
}

export interface ParseOptions {
  /** A plugin's agents are named `plugin:name` (Claude Code's agent_type for them). */
  namespace?: string;
  /** The name when the frontmatter has none (a plugin's agent may go without: its file name). */
  fallbackName?: string;
}

/** Parses one agent file; a broken file gives the reason it was skipped. */
export function parseAgentFile(bytes: Buffer, options: ParseOptions = {}): ParseResult {
  const hash = hashContent(bytes);
  if (bytes.length > MAX_AGENT_FILE_BYTES) return { ok: false, hash, reason: tooLarge(bytes.length) };
  let source: string;
  try {
    source = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, hash, reason: 'not valid UTF-8 text' };
  }
  if (blankRunInFrontmatter(source)) {
    return { ok: false, hash, reason: `frontmatter has a run of over ${MAX_BLANK_LINES} blank lines; remove them (the front matter parser's time grows with the square of such a run)` };
  }
  let parsed;
  let yamlError: string | undefined;
  try {
    // Passing options disables gray-matter's cache (which would keep every file's text in
    // memory); its JavaScript front-matter engine would eval the file, so it refuses instead.
    parsed = matter()(source, { engines: { yaml: boundedYaml, js: refuseCode, javascript: refuseCode } } as never);
  } catch (err) {
    if (err instanceof ExpansionLimit) return { ok: false, hash, reason: err.message };
    // Nesting deep enough to overflow the parser's stack is the depth limit, not a file to read line by line.
    if (err instanceof RangeError) return { ok: false, hash, reason: tooDeep };
    // Claude Code reads such files anyway (see lenientFrontmatter); so does the catalog, or
    // routing would miss agents that really run. Only YAML's own syntax errors get there.
    yamlError = `bad YAML frontmatter: ${(err as Error).message.split('\n')[0]}`;
    parsed = (err as Error | undefined)?.name === 'YAMLException' ? lenientFrontmatter(source) : null;
    if (!parsed) return { ok: false, hash, reason: yamlError };
  }
  const data = (parsed.data ?? {}) as Record<string, unknown>;
  const measured = measureFrontmatter(data, AGENT_LIMITS.frontmatterChars, AGENT_LIMITS.frontmatterDepth);
  if (measured.over === 'depth') return { ok: false, hash, reason: tooDeep };
  if (measured.over === 'size') {
    const aliases = measured.shared || writesAlias(parsed.matter ?? '');
    return {
      ok: false,
      hash,
      reason: aliases
        ? `frontmatter uses YAML aliases that expand past the ${fmt(AGENT_LIMITS.frontmatterChars)}-character limit (each *alias repeats the data of its &anchor)`
        : `frontmatter is over the ${fmt(AGENT_LIMITS.frontmatterChars)}-character limit`,
    };
  }
  if (Object.keys(data).length === 0) return { ok: false, hash, reason: 'no YAML frontmatter (--- name: ... ---)' };
  const rawName = typeof data.name === 'string' && data.name.trim() !== '' ? data.name : options.fallbackName;
  if (rawName === undefined) return { ok: false, hash, reason: yamlError ?? 'frontmatter has no name' };
  let frontmatter: Record<string, unknown>;
  try {
    frontmatter = JSON.parse(JSON.stringify(data)) as Record<string, unknown>;
  } catch (err) {
    return { ok: false, hash, reason: `frontmatter is not plain data (${(err as Error).message.split('\n')[0]})` };
  }
  const bare = rawName.trim().replace(/^@/, '');
  const name = normalizeAgentName(options.namespace ? `${options.namespace}:${bare}` : bare);
  // A name read line by line that is no handle ("name: [oops") says the YAML was broken: say that.
  if (!name && yamlError) return { ok: false, hash, reason: yamlError };
  if (!name) return { ok: false, hash, reason: `name "${rawName.slice(0, 80)}" cannot be an agent handle (at most 64 characters: letters, digits, "-", "_", dot-separated segments)` };
  const aliasList = list(data.aliases);
  const aliases: string[] = [];
  // Bounded like the other lists, before any is normalized.
  const aliasesOver = listOverLimit('aliases', aliasList);
  if (aliasesOver) return { ok: false, hash, reason: aliasesOver };
  for (const raw of aliasList) {
    const alias = normalizeAgentName(raw);
    if (!alias) return { ok: false, hash, reason: `alias "${raw.slice(0, 80)}" cannot be an agent handle (at most 64 characters: letters, digits, "-", "_", dot-separated segments)` };
    if (alias !== name && !aliases.includes(alias)) aliases.push(alias);
  }
  const agent: AgentDefinition = {
    name,
    description: text(data.description) ?? '',
    tags: list(data.tags).map((t) => t.toLowerCase()),
    capabilities: list(data.capabilities),
    model: text(data.model),
    color: text(data.color),
    tools: list(data.tools),
    aliases,
    body: parsed.content.trim(),
    frontmatter,
  };
  const overLimit = fieldOverLimit(agent);
  return overLimit ? { ok: false, hash, reason: overLimit } : { ok: true, hash, agent };
}

const tooDeep = `frontmatter nests lists or maps more than ${AGENT_LIMITS.frontmatterDepth} levels deep (the limit)`;

/** Blank lines in a row that a front matter may hold: gray-matter scans a run of them once per line (its comment pattern), so 50,000 took 3.6 s. */
const MAX_BLANK_LINES = 100;
const BLANK_RUN = new RegExp(`(?:\\n[ \\t\\r]*){${MAX_BLANK_LINES + 1}}`);

/** Whether the front matter (from the opening --- to the closing one, or to the end) holds a run of over MAX_BLANK_LINES blank lines. */
function blankRunInFrontmatter(source: string): boolean {
  if (!source.replace(/^\uFEFF/, '').startsWith('---')) return false;
  const end = source.indexOf('\n---', 3);
  return BLANK_RUN.test(end < 0 ? source : source.slice(0, end));
}

export const tooLarge = (bytes: number): string =>
  `larger than ${MAX_AGENT_FILE_BYTES / 1024 / 1024} MB, the limit (${fmt(bytes)} bytes)`;

/** The first field past its bound, as a reason; null when every field fits. */
function fieldOverLimit(a: AgentDefinition): string | null {
  if (a.description.length > AGENT_LIMITS.description) {
    return `description is ${fmt(a.description.length)} characters, over the ${fmt(AGENT_LIMITS.description)}-character limit`;
  }
  for (const field of ['model', 'color'] as const) {
    const value = a[field];
    if (value !== null && value.length > AGENT_LIMITS.field) return `${field} is over the ${AGENT_LIMITS.field}-character limit`;
  }
  for (const field of ['tags', 'capabilities', 'tools'] as const) {
    const over = listOverLimit(field, a[field]);
    if (over) return over;
  }
  return null;
}

function listOverLimit(field: string, items: string[]): string | null {
  if (items.length > AGENT_LIMITS.items) return `${field} has ${fmt(items.length)} items, over the limit of ${AGENT_LIMITS.items}`;
  if (items.some((item) => item.length > AGENT_LIMITS.field)) return `an item of ${field} is over the ${AGENT_LIMITS.field}-character limit`;
  return null;
}
