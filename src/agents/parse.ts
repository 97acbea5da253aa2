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

export interface AgentDefinition {
  name: string;
  description: string;
  tags: string[];
  capabilities: string[];
  model: string | null;
  color: string | null;
  tools: string[];
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

/** Parses one agent file; a broken file gives the reason it was skipped. */
export function parseAgentFile(bytes: Buffer): ParseResult {
  const hash = hashContent(bytes);
  if (bytes.length > MAX_AGENT_FILE_BYTES) return { ok: false, hash, reason: `larger than ${MAX_AGENT_FILE_BYTES / 1024 / 1024} MB` };
  let source: string;
  try {
    source = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, hash, reason: 'not valid UTF-8 text' };
  }
  let parsed;
  try {
    // Passing options disables gray-matter's cache (which would keep every file's text in
    // memory); its JavaScript front-matter engine would eval the file, so it refuses instead.
    parsed = matter()(source, { engines: { js: refuseCode, javascript: refuseCode } } as never);
  } catch (err) {
    return { ok: false, hash, reason: `bad YAML frontmatter: ${(err as Error).message.split('\n')[0]}` };
  }
  const data = (parsed.data ?? {}) as Record<string, unknown>;
  if (Object.keys(data).length === 0) return { ok: false, hash, reason: 'no YAML frontmatter (--- name: ... ---)' };
  if (typeof data.name !== 'string' || data.name.trim() === '') return { ok: false, hash, reason: 'frontmatter has no name' };
  let frontmatter: Record<string, unknown>;
  try {
    frontmatter = JSON.parse(JSON.stringify(data)) as Record<string, unknown>;
  } catch (err) {
    return { ok: false, hash, reason: `frontmatter is not plain data (${(err as Error).message.split('\n')[0]})` };
  }
  const name = normalizeAgentName(data.name);
  if (!name) return { ok: false, hash, reason: `name "${data.name}" cannot be an agent handle (letters, digits, "-", "_", dot-separated segments)` };
  return {
    ok: true,
    hash,
    agent: {
      name,
      description: text(data.description) ?? '',
      tags: list(data.tags).map((t) => t.toLowerCase()),
      capabilities: list(data.capabilities),
      model: text(data.model),
      color: text(data.color),
      tools: list(data.tools),
      body: parsed.content.trim(),
      frontmatter,
    },
  };
}
