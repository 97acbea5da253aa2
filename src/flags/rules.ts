import { invalid, quoted } from '../errors.js';

export const FLAG_TYPES = [
  'breaking_change', 'new_feature', 'refactor', 'deprecation', 'enhancement', 'change',
  'information_request', 'security', 'data_loss',
] as const;
export type FlagType = (typeof FLAG_TYPES)[number];

/** Ordered most urgent first; the index is the rank the queue sorts by. */
export const IMPACT_LEVELS = ['critical', 'high', 'medium', 'low'] as const;
export type ImpactLevel = (typeof IMPACT_LEVELS)[number];

export const MIN_CHANGE_DESCRIPTION = 50;
export const MIN_ACTION_REQUIRED = 100;
export const MAX_TEXT = 20_000;
export const MAX_SHORT_TEXT = 500;
export const MAX_RELATED_FILES = 100;
export const MAX_CONTEXT_BYTES = 64 * 1024;
/** Levels of objects and arrays in context, the top-level object counting as one. */
export const MAX_CONTEXT_DEPTH = 16;
/** Values in context (objects, arrays, strings, numbers... at any depth). */
export const MAX_CONTEXT_VALUES = 2_000;
/** Agent names, system names, filters and dates as arguments: far more than any real one. */
export const MAX_NAME_INPUT = 200;

const CRITICAL_ONLY: readonly FlagType[] = ['security', 'data_loss'];
const CRITICAL_ALLOWED: readonly FlagType[] = ['breaking_change', 'security', 'data_loss'];
const LOW_FORBIDDEN: readonly FlagType[] = ['breaking_change', 'security'];

/**
 * Agent handles: `@domain.module` is the recommended form (`@backend.api`); a single segment
 * (`@code-reviewer`) is accepted because that is how Claude Code names its own agents, and one
 * `plugin:` prefix because Claude Code names a plugin's agent `plugin:agent` (`@my-plugin:reviewer`).
 */
export const HANDLE_PATTERN = /^@(?:[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?:)?[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?){0,3}$/;
const MAX_HANDLE = 64;

/** Trims, lower-cases and adds the leading `@`; throws naming `field` when the result is no handle. */
export function normalizeHandle(value: unknown, field: string): string {
  if (typeof value !== 'string') {
    throw invalid(field, 'type', `${field} must be an agent handle string such as "@backend.api"`);
  }
  const trimmed = value.trim().toLowerCase();
  const handle = trimmed.startsWith('@') ? trimmed : `@${trimmed}`;
  if (handle.length > MAX_HANDLE || !HANDLE_PATTERN.test(handle)) {
    throw invalid(
      field,
      'handle_pattern',
      `${field} ${quoted(value)} is not an agent handle: use @domain.module (e.g. "@backend.api", "@database.postgres") - lowercase letters, digits, "-" and "_", segments joined by dots, optionally after one "plugin:" prefix, at most ${MAX_HANDLE} characters`,
    );
  }
  return handle;
}

/** Characters as SQLite's length() and a reader count them (code points, not UTF-16 units), without copying the string into an array. */
export function charLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++, n++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1); // NaN past the end
      if (next >= 0xdc00 && next <= 0xdfff) i++; // a pair is one character; a lone half counts alone
    }
  }
  return n;
}

/**
 * Refuses the NUL character (U+0000): PostgreSQL's text and jsonb cannot hold it, so a flag that
 * SQLite would keep could not be stored on a team's server. Both stores refuse it alike.
 */
export function refuseNul(text: string, field: string): void {
  if (text.includes('\u0000')) {
    throw invalid(field, 'no_nul', `${field} holds a NUL character (U+0000), which the store cannot keep; remove it (binary data belongs in a file named in related_files)`);
  }
}

export function requireText(value: unknown, field: string, min: number, max = MAX_TEXT): string {
  if (typeof value !== 'string') throw invalid(field, 'type', `${field} must be a string`);
  refuseNul(value, field);
  const text = value.trim();
  const length = charLength(text);
  if (length < min) {
    throw invalid(
      field,
      'min_length',
      `${field} is ${length} characters; at least ${min} are required. ${field === 'action_required'
        ? 'Say exactly what the target agent must do: which files, which steps, how to verify.'
        : 'Say what changed, where, and why it matters to the target agent.'}`,
      { current_length: length, required_length: min },
    );
  }
  if (length > max) {
    throw invalid(field, 'max_length', `${field} is ${length} characters; at most ${max} are allowed. Move details into related_files or context.`, {
      current_length: length,
      required_length: max,
    });
  }
  return text;
}

export function optionalText(value: unknown, field: string, max: number): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw invalid(field, 'type', `${field} must be a string`);
  refuseNul(value, field);
  const text = value.trim();
  if (text === '') return null;
  const length = charLength(text);
  if (length > max) {
    throw invalid(field, 'max_length', `${field} is ${length} characters; at most ${max} are allowed`, {
      current_length: length,
      required_length: max,
    });
  }
  return text;
}

export function parseFlagType(value: unknown): FlagType {
  if (typeof value === 'string' && (FLAG_TYPES as readonly string[]).includes(value.trim().toLowerCase())) {
    return value.trim().toLowerCase() as FlagType;
  }
  throw invalid('flag_type', 'enum', `flag_type ${quoted(value)} is not a flag type; use one of: ${FLAG_TYPES.join(', ')}`);
}

export function parseImpact(value: unknown, field = 'impact_level'): ImpactLevel {
  if (typeof value === 'string' && (IMPACT_LEVELS as readonly string[]).includes(value.trim().toLowerCase())) {
    return value.trim().toLowerCase() as ImpactLevel;
  }
  throw invalid(field, 'enum', `${field} ${quoted(value)} is not an impact level; use one of: ${IMPACT_LEVELS.join(', ')}`);
}

/** Accepts a list or the old script's comma-separated string. */
export function parseRelatedFiles(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const items = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : null;
  if (!items) throw invalid('related_files', 'type', 'related_files must be a list of paths or a comma-separated string');
  const files: string[] = [];
  for (const item of items) {
    if (typeof item !== 'string') throw invalid('related_files', 'type', 'related_files must contain only strings (file paths)');
    refuseNul(item, 'related_files');
    const f = item.trim();
    if (f === '') continue;
    if (charLength(f) > MAX_SHORT_TEXT) {
      throw invalid('related_files', 'max_length', `related_files entry "${f.slice(0, 40)}..." is longer than ${MAX_SHORT_TEXT} characters`);
    }
    if (!files.includes(f)) files.push(f);
  }
  if (files.length > MAX_RELATED_FILES) {
    throw invalid('related_files', 'max_items', `related_files has ${files.length} entries; at most ${MAX_RELATED_FILES} are allowed`);
  }
  return files;
}

/**
 * Why a context value is too deep or too large, or null when it is within the limits. Walks the
 * value without recursion (a 100,000-level object cannot overflow the stack) and stops as soon as
 * a limit is passed.
 */
export function contextProblem(value: unknown): { rule: string; message: string } | null {
  const stack: [unknown, number][] = [[value, 1]];
  let values = 0;
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (++values > MAX_CONTEXT_VALUES) {
      return { rule: 'max_values', message: `context holds more than ${MAX_CONTEXT_VALUES} values; keep it to a few keys and move bulk data into a file named in related_files` };
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth > MAX_CONTEXT_DEPTH) {
      return { rule: 'max_depth', message: `context is nested more than ${MAX_CONTEXT_DEPTH} levels deep; flatten it (at most ${MAX_CONTEXT_DEPTH} levels of objects and arrays)` };
    }
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return null;
}

/** A JSON object, given as an object or as its JSON text (the CLI passes text). */
export function parseContext(value: unknown): Record<string, unknown> | null {
  if (value === undefined || value === null) return null;
  let parsed = value;
  if (typeof value === 'string') {
    if (value.trim() === '') return null;
    try {
      parsed = JSON.parse(value);
    } catch (err) {
      throw invalid('context', 'json', `context is not valid JSON (${(err as Error).message}); pass a JSON object such as {"ticket": "ABC-12"}`);
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalid('context', 'type', 'context must be a JSON object such as {"ticket": "ABC-12"}, not an array or a scalar');
  }
  const problem = contextProblem(parsed);
  if (problem) throw invalid('context', problem.rule, problem.message);
  const json = JSON.stringify(parsed);
  if (json.includes('\\u0000')) {
    throw invalid('context', 'no_nul', 'context holds a NUL character (U+0000) in a key or value, which the store cannot keep; remove it');
  }
  const size = Buffer.byteLength(json);
  if (size > MAX_CONTEXT_BYTES) {
    throw invalid('context', 'max_bytes', `context is ${size} bytes of JSON; at most ${MAX_CONTEXT_BYTES} are allowed`);
  }
  return parsed as Record<string, unknown>;
}

export function parseId(value: unknown, field: string): number {
  const n = typeof value === 'string' && /^\s*#?\d+\s*$/.test(value) ? Number(value.trim().replace('#', '')) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) {
    throw invalid(field, 'positive_integer', `${field} must be a positive whole number (a flag id such as 12), got ${quoted(value)}`);
  }
  return n;
}

/** The rules that tie impact level, flag type and target together. */
export function checkImpactRules(flagType: FlagType, impact: ImpactLevel, target: string | null): void {
  if (CRITICAL_ONLY.includes(flagType) && impact !== 'critical') {
    throw invalid('impact_level', 'type_requires_critical', `a ${flagType} flag must have impact_level "critical" (got "${impact}")`);
  }
  if (impact === 'critical' && !CRITICAL_ALLOWED.includes(flagType)) {
    throw invalid(
      'impact_level',
      'critical_reserved',
      `impact_level "critical" is reserved for ${CRITICAL_ALLOWED.join(', ')} flags; a ${flagType} flag can be at most "high"`,
    );
  }
  if (impact === 'low' && LOW_FORBIDDEN.includes(flagType)) {
    throw invalid('impact_level', 'low_not_allowed', `a ${flagType} flag cannot be "low" impact; use "medium" or higher`);
  }
  if ((impact === 'high' || impact === 'critical') && target === null) {
    throw invalid(
      'target_agent',
      'target_required',
      `a ${impact} impact flag needs a target_agent: name the agent who must act (find one with search_agents), or lower the impact to broadcast it`,
    );
  }
}
