import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { readFileSync } from 'node:fs';
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { CoordinatorError, quoted, refuseAll } from '../errors.js';
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
  /**
   * The service's own checks of the raw arguments (those that need no database), run when the
   * schema refuses the call: the refusal then lists their problems too (on the arguments the
   * schema accepted), not one layer of problems per retry.
   */
  check?: (args: Record<string, unknown>) => CoordinatorError[];
  /** The arguments that name the agent who acts (create_flag's source_agent, lock_flag's agent): an HTTP agent token must own them. */
  acts?: readonly string[];
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

/** dist/tool-listing.json: every tool's tools/list entry, and the tool names of each toolset. */
export interface SavedListing {
  version: string;
  tools: Tool[];
  toolsets?: Record<string, string[]>;
}

/**
 * The tools/list answer for a selection of toolsets, taken from the saved listing of all tools
 * (each tool's entry does not depend on the others, and the registry lists them toolset by
 * toolset, so the answer is the saved one filtered); undefined when the file does not say which
 * tools a toolset holds or names a toolset it lacks.
 */
export function selectListing(saved: SavedListing, toolsets?: readonly string[]): Tool[] | undefined {
  if (!toolsets) return saved.tools;
  if (!saved.toolsets || toolsets.some((t) => !saved.toolsets![t])) return undefined;
  const names = new Set(toolsets.flatMap((t) => saved.toolsets![t]!));
  return saved.tools.filter((t) => names.has(t.name));
}

/** The tools/list answer written by the build (scripts/tool-listing.mjs), when it matches this version. */
export function prebuiltListing(version: string, toolsets?: readonly string[]): Tool[] | undefined {
  if (!RUNS_BUILT) return undefined;
  try {
    const saved = JSON.parse(readFileSync(LISTING_FILE, 'utf8')) as SavedListing;
    return saved.version === version ? selectListing(saved, toolsets) : undefined;
  } catch {
    return undefined;
  }
}

/** Schemas of flag ids: a string of digits ("12", "#12") is taken as the number it spells. */
const ID_SCHEMAS = new WeakSet<z.ZodType>();

/** A flag id argument (z.number().int().positive()) that also accepts "12" and "#12"; tools/list still says integer. */
export function idArg(description?: string): z.ZodNumber {
  const bare = z.number().int().positive();
  const schema = description === undefined ? bare : bare.describe(description);
  ID_SCHEMAS.add(schema);
  return schema;
}

function takesId(schema: z.ZodType): boolean {
  let s: z.ZodType | undefined = schema;
  for (let i = 0; s && i < 4; i++) {
    if (ID_SCHEMAS.has(s)) return true;
    const def = s._zod.def as { type: string; innerType?: z.ZodType };
    s = def.type === 'optional' || def.type === 'nullable' ? def.innerType : undefined;
  }
  return false;
}

const DIGITS = /^\s*#?\d{1,15}\s*$/;

/** The arguments with each flag id given as a digit string turned into its number. */
function withNumericIds(idFields: readonly string[], args: unknown): unknown {
  if (idFields.length === 0 || args === null || typeof args !== 'object' || Array.isArray(args)) return args;
  let out: Record<string, unknown> | undefined;
  for (const field of idFields) {
    const value = (args as Record<string, unknown>)[field];
    if (typeof value === 'string' && DIGITS.test(value)) (out ??= { ...(args as Record<string, unknown>) })[field] = Number(value.trim().replace('#', ''));
  }
  return out ?? args;
}

/** A schema issue as a refusal: the argument, the rule, the message, and for a string over its bound its length and the limit. */
function issueError(issue: z.core.$ZodIssue): CoordinatorError {
  const field = issue.path.length ? issue.path.join('.') : issue.code === 'unrecognized_keys' ? (issue as { keys: string[] }).keys.join(', ') : 'arguments';
  const ruleOf = (issue as { params?: { rule?: unknown } }).params?.rule;
  const rule = typeof ruleOf === 'string' ? ruleOf : issue.code === 'invalid_type' && (issue as { input?: unknown }).input === undefined ? 'required' : issue.code;
  // A string over its bound: its length and the limit, as the services' own max_length refusals give them.
  const lengths = issue.code === 'too_big' && issue.origin === 'string' && typeof issue.input === 'string'
    ? { current_length: issue.input.length, required_length: Number(issue.maximum) } : {};
  const message = issue.path.length ? `${issue.message} at ${issue.path.join('.')}` : issue.message;
  return new CoordinatorError('invalid_argument', message, { field, rule, ...lengths });
}

/** How a call to a tool this server does not serve is answered (see serveTools). */
export type UnknownTool = (name: string) => string;

/**
 * Serves tools/list and tools/call on the SDK's server. The listing is built once (or read from
 * the build), without the draft-07 "$schema" marker some clients reject and with compact output
 * schemas; the tool definitions and their zod validators are built on the first call, so
 * start-up does neither. Validation failures and refusals come back as isError results; a refusal
 * lists every problem of the call: all the schema finds, and the tool's own checks (check) of the
 * arguments the schema accepted.
 */
/**
 * Wraps every call of a validated tool (HTTP: the token's checks, then the handler): it may throw a
 * refusal, which comes back as an isError result like the handler's own.
 */
export type CallWrapper = (def: ToolDefinition, args: Record<string, unknown>, call: () => unknown) => unknown;

export function serveTools(server: McpServer, registry: () => readonly ToolDefinition[], listing?: Tool[], unknownTool?: UnknownTool, wrap?: CallWrapper): void {
  type Served = { def: ToolDefinition; input: z.ZodObject; ids: string[] };
  let tools: Map<string, Served> | undefined;
  const byName = () => (tools ??= new Map(registry().map((def) => [def.name, {
    def, input: z.strictObject(def.input), ids: Object.keys(def.input).filter((k) => takesId(def.input[k] as z.ZodType)),
  }])));
  let answer: { tools: Tool[] } | undefined = listing ? { tools: listing } : undefined;
  server.server.removeRequestHandler('tools/list');
  server.server.setRequestHandler(ListToolsRequestSchema, () => (answer ??= { tools: [...byName().values()].map((t) => toolListing(t.def)) }));
  server.server.removeRequestHandler('tools/call');
  server.server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const name = request.params.name;
    const tool = byName().get(name);
    if (!tool) {
      return { isError: true, content: [{ type: 'text' as const, text: unknownTool?.(name) ?? `Tool ${name} not found; tools/list shows the tools there are` }] };
    }
    const args = withNumericIds(tool.ids, request.params.arguments ?? {});
    const parsed = tool.input.safeParse(args, { reportInput: true });
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => issueError(issue));
      if (tool.def.check && args !== null && typeof args === 'object' && !Array.isArray(args)) {
        // The service's checks, on the arguments the schema did not already refuse.
        const refused = new Set(problems.map((p) => String(p.details.field).split('.')[0]));
        try {
          for (const p of tool.def.check(args as Record<string, unknown>)) if (!refused.has(String(p.details.field))) problems.push(p);
        } catch (err) {
          log.warn(`the argument checks of ${name} failed (the refusal lists the schema's problems only)`, err);
        }
      }
      return fail(refuseAll(problems, `invalid arguments for ${name}: `), name);
    }
    try {
      const call = () => tool.def.handle(parsed.data as never);
      return ok((await (wrap ? wrap(tool.def, parsed.data as Record<string, unknown>, call) : call())) as Record<string, unknown>);
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
