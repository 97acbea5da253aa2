import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { readFileSync } from 'node:fs';
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { CoordinatorError, quoted } from '../errors.js';
import { charLength, MAX_NAME_INPUT } from '../flags/rules.js';
import { log } from '../log.js';
import { packagePath } from '../paths.js';

/** read: changes nothing; write: adds or changes state; destructive: removes or overrides state. */
export type ToolKind = 'read' | 'write' | 'destructive';

export interface ToolDefinition<I extends z.ZodRawShape = z.ZodRawShape, O extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  title: string;
  description: string;
  kind: ToolKind;
  /** Calling it twice with the same arguments leaves the same state as calling it once. */
  idempotent?: boolean;
  input: I;
  output: O;
  handle: (args: z.infer<z.ZodObject<I>>) => z.infer<z.ZodObject<O>> | Promise<z.infer<z.ZodObject<O>>>;
}

export function defineTool<I extends z.ZodRawShape, O extends z.ZodRawShape>(def: ToolDefinition<I, O>): ToolDefinition {
  return def as unknown as ToolDefinition;
}

/**
 * The MCP hints of a tool, true to what it does, leaving out those that equal the spec's defaults
 * (readOnlyHint false, idempotentHint false): every byte of tools/list sits in the model's context. destructiveHint and
 * openWorldHint default to true, so a write tool states destructiveHint and every tool openWorldHint.
 */
export function annotationsFor(def: ToolDefinition): { readOnlyHint?: true; destructiveHint?: boolean; idempotentHint?: true; openWorldHint: false } {
  if (def.kind === 'read') return { readOnlyHint: true, openWorldHint: false };
  return {
    destructiveHint: def.kind === 'destructive',
    ...(def.idempotent ? { idempotentHint: true as const } : {}),
    openWorldHint: false,
  };
}

/** Success: the whole answer as structuredContent (all Claude Code shows the model) and as text. */
export function ok(value: Record<string, unknown>): CallToolResult {
  return { structuredContent: value, content: [{ type: 'text', text: JSON.stringify(value) }] };
}

export function fail(err: unknown, tool: string): CallToolResult {
  if (err instanceof CoordinatorError) {
    return { isError: true, content: [{ type: 'text', text: JSON.stringify(err.toJSON()) }] };
  }
  log.error(`tool ${tool} failed`, err);
  const message = err instanceof Error ? err.message : String(err);
  return {
    isError: true,
    content: [{ type: 'text', text: JSON.stringify({ error: `internal error in ${tool}: ${message}; nothing was changed, try again or report it`, code: 'internal' }) }],
  };
}

type JsonSchema = Record<string, unknown>;

/** Drops what says nothing to a model: zod's safe-integer bounds on every integer. */
function trim(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(trim);
  if (value === null || typeof value !== 'object') return value;
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(value)) {
    if ((k === 'maximum' && v === Number.MAX_SAFE_INTEGER) || (k === 'minimum' && v === Number.MIN_SAFE_INTEGER)) continue;
    // JSON object keys are always strings, and an empty additionalProperties is the default.
    if (k === 'propertyNames' && JSON.stringify(v) === '{"type":"string"}') continue;
    if (k === 'additionalProperties' && JSON.stringify(v) === '{}') continue;
    out[k] = trim(v);
  }
  // anyOf of bare types ({"type":"string"} | {"type":"null"}) says the same as a type list.
  const anyOf = out.anyOf as JsonSchema[] | undefined;
  if (Array.isArray(anyOf) && anyOf.every((m) => Object.keys(m).length === 1 && typeof m.type === 'string')) {
    const { anyOf: _a, ...rest } = out;
    return { type: anyOf.map((m) => m.type), ...rest };
  }
  return out;
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return trim(rest) as JsonSchema;
}

/**
 * Output schemas give the JSON type of every top-level field and nothing more (not which are
 * required, as every answer has them all; no enums, item types or nested fields). The answer still
 * conforms, the server still validates it in full with zod, and tools/list stays small: every
 * byte of it sits in the model's context.
 */
function shallow(schema: JsonSchema): JsonSchema {
  const properties = Object.fromEntries(
    Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>).map(([k, v]) => [k, { type: typesOf(v) }]),
  );
  return { type: 'object', properties };
}

/** The JSON type(s) a schema allows: one name, or a list when it allows several (null, say). */
function typesOf(schema: JsonSchema): string | string[] {
  const found = new Set<string>();
  const visit = (s: JsonSchema) => {
    if (Array.isArray(s.anyOf)) for (const x of s.anyOf as JsonSchema[]) visit(x);
    else if (Array.isArray(s.type)) for (const t of s.type as string[]) found.add(t);
    else if (typeof s.type === 'string') found.add(s.type);
    else if (typeof s.const === 'boolean') found.add('boolean');
    else if (typeof s.const === 'string') found.add('string');
  };
  visit(schema);
  if (found.size === 0) throw new Error(`an output field has no JSON type: ${JSON.stringify(schema)}`);
  const types = [...found];
  return types.length === 1 ? types[0]! : types;
}

/**
 * The input schema without additionalProperties: false. The server refuses unknown arguments
 * anyway (naming the accepted ones), and the 29 bytes per tool add up in the model's context.
 */
function inputSchema(def: ToolDefinition): Tool['inputSchema'] {
  const { additionalProperties: _a, ...schema } = jsonSchema(z.strictObject(def.input), 'input');
  return schema as Tool['inputSchema'];
}

export function toolListing(def: ToolDefinition): Tool {
  return {
    name: def.name,
    title: def.title,
    description: def.description,
    inputSchema: inputSchema(def),
    outputSchema: shallow(jsonSchema(z.object(def.output), 'output')) as Tool['outputSchema'],
    annotations: annotationsFor(def),
  };
}

const LISTING_FILE = packagePath('dist', 'tool-listing.json');
// Only the built code (the bundles, dist/lib) takes the listing from the build: run from the
// sources (tests), the listing is made from the sources, so it cannot be a stale build's.
const RUNS_BUILT = fileURLToPath(import.meta.url).startsWith(packagePath('dist') + sep);

/** The tools/list answer written by the build (scripts/tool-listing.mjs), when it matches this version. */
export function prebuiltListing(version: string): Tool[] | undefined {
  if (!RUNS_BUILT) return undefined;
  try {
    const saved = JSON.parse(readFileSync(LISTING_FILE, 'utf8')) as { version: string; tools: Tool[] };
    return saved.version === version ? saved.tools : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Serves tools/list and tools/call on the SDK's server. The listing is built once (or read from
 * the build), without the draft-07 "$schema" marker some clients reject and with compact output
 * schemas; the tool definitions and their zod validators are built on the first call, so
 * start-up does neither. Validation failures and refusals come back as isError results.
 */
export function serveTools(server: McpServer, registry: () => readonly ToolDefinition[], listing?: Tool[]): void {
  let tools: Map<string, { def: ToolDefinition; input: z.ZodObject }> | undefined;
  const byName = () => (tools ??= new Map(registry().map((def) => [def.name, { def, input: z.strictObject(def.input) }])));
  let answer: { tools: Tool[] } | undefined = listing ? { tools: listing } : undefined;
  server.server.removeRequestHandler('tools/list');
  server.server.setRequestHandler(ListToolsRequestSchema, () => (answer ??= { tools: [...byName().values()].map((t) => toolListing(t.def)) }));
  server.server.removeRequestHandler('tools/call');
  server.server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const name = request.params.name;
    const tool = byName().get(name);
    if (!tool) {
      return { isError: true, content: [{ type: 'text' as const, text: `Tool ${name} not found; tools/list shows the tools there are` }] };
    }
    const parsed = tool.input.safeParse(request.params.arguments ?? {}, { reportInput: true });
    if (!parsed.success) {
      const issues = parsed.error.issues;
      const first = issues[0]!;
      const text = issues.map((i) => (i.path.length ? `${i.message} at ${i.path.join('.')}` : i.message)).join('; ');
      const field = first.path.length ? first.path.join('.') : first.code === 'unrecognized_keys' ? (first as { keys: string[] }).keys.join(', ') : 'arguments';
      const ruleOf = (first as { params?: { rule?: unknown } }).params?.rule;
      const rule = typeof ruleOf === 'string' ? ruleOf : first.code === 'invalid_type' && first.message.startsWith('missing required argument') ? 'required' : first.code;
      // A string over its bound: its length and the limit, as the services' own max_length refusals give them.
      const lengths = first.code === 'too_big' && first.origin === 'string' && typeof first.input === 'string'
        ? { current_length: first.input.length, required_length: Number(first.maximum) } : {};
      return fail(new CoordinatorError('invalid_argument', `invalid arguments for ${name}: ${text}`, { field, rule, ...lengths }), name);
    }
    try {
      return ok((await tool.def.handle(parsed.data as never)) as Record<string, unknown>);
    } catch (err) {
      return fail(err, name);
    }
  });
}

/**
 * A bound that only stops abuse, far above any real value (a 200-character agent name, a rate of
 * 10^12 per second): refused exactly as .max() would be (rule too_big, the limit in the message),
 * but left out of tools/list, whose every byte sits in the model's context. The README lists them.
 * Use as z.string().superRefine(atMost(200)); works for strings, arrays and numbers.
 */
export function atMost(max: number) {
  return (value: string | readonly unknown[] | number, ctx: z.RefinementCtx<string | readonly unknown[] | number>): void => {
    const origin = typeof value === 'string' ? 'string' : typeof value === 'number' ? 'number' : 'array';
    const size = typeof value === 'number' ? value : value.length;
    if (size > max) ctx.addIssue({ code: 'too_big', origin, maximum: max, inclusive: true, input: value });
  };
}

/** A name, handle, filter or date argument: a string of at most MAX_NAME_INPUT characters (a bound left out of tools/list). */
export const nameArg = () => z.string().superRefine(atMost(MAX_NAME_INPUT));

let configured = false;

const kindOf = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

/** The accepted value a slip most likely meant: the same letters but for case, "-", "_" and spaces, or one a prefix of the other. */
function closeOption(input: unknown, values: string[]): string | undefined {
  if (typeof input !== 'string' || input.length > 64) return undefined;
  const bare = (v: string) => v.toLowerCase().replace(/[\s_-]+/g, '');
  const b = bare(input);
  if (b.length < 3) return undefined;
  return values.find((v) => bare(v) === b) ?? values.find((v) => bare(v).startsWith(b) || b.startsWith(bare(v)));
}

/**
 * Makes zod's messages for tool arguments say what to do: a missing argument is named with its
 * description, an unknown one with the accepted names; " at <argument>" follows.
 */
export function configureValidationMessages(): void {
  if (configured) return;
  configured = true;
  z.config({
    customError: (iss) => {
      const description = (iss.inst as { description?: string } | undefined)?.description;
      if (iss.code === 'invalid_type' && iss.input === undefined) {
        return `missing required argument${description ? ` (${description})` : ''}`;
      }
      if (iss.code === 'invalid_type') {
        const expected = iss.expected === 'int' ? 'a whole number' : iss.expected;
        return `expected ${expected}, got ${kindOf(iss.input)}${iss.expected === 'int' && typeof iss.input === 'number' ? ` ${iss.input}` : ''}${description ? ` (${description})` : ''}`;
      }
      if (iss.code === 'too_small' || iss.code === 'too_big') {
        const small = iss.code === 'too_small';
        const bound = Number(small ? (iss as { minimum: number | bigint }).minimum : (iss as { maximum: number | bigint }).maximum);
        const inclusive = (iss as { inclusive?: boolean }).inclusive !== false;
        const limit = small ? (inclusive ? `at least ${bound}` : `greater than ${bound}`) : (inclusive ? `at most ${bound}` : `less than ${bound}`);
        if (iss.origin === 'string') return `must be ${limit} characters long, got ${charLength(String(iss.input))}`;
        if (iss.origin === 'array' || iss.origin === 'set') return `must hold ${limit} items, got ${(iss.input as unknown[]).length}`;
        return `must be ${limit}, got ${quoted(iss.input)}${description ? ` (${description})` : ''}`;
      }
      if (iss.code === 'invalid_value') {
        const values = iss.values.map(String);
        const near = closeOption(iss.input, values);
        return `must be one of ${values.join(', ')}; got ${quoted(iss.input)}${near ? `: did you mean ${near}?` : ''}`;
      }
      if (iss.code === 'invalid_union') {
        return `got ${iss.input === null ? 'null' : `${kindOf(iss.input)} ${quoted(iss.input)}`}, which is none of the accepted forms${description ? ` (${description})` : ''}`;
      }
      if (iss.code === 'unrecognized_keys') {
        const shape = (iss.inst as { shape?: Record<string, unknown> } | undefined)?.shape;
        return `unknown argument(s) ${iss.keys.map((k) => `"${k}"`).join(', ')}${shape ? `; the accepted arguments are ${Object.keys(shape).join(', ')}` : ''}`;
      }
      return undefined;
    },
  });
}
