import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ListToolsRequestSchema, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod';
import { CoordinatorError } from '../errors.js';
import { log } from '../log.js';

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

export function annotationsFor(def: ToolDefinition) {
  return {
    readOnlyHint: def.kind === 'read',
    destructiveHint: def.kind === 'destructive',
    idempotentHint: def.kind === 'read' || (def.idempotent ?? false),
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
    out[k] = trim(v);
  }
  return out;
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return trim(rest) as JsonSchema;
}

/**
 * Output schemas keep the type of every top-level field; nested objects are described by their
 * type only. The answer still conforms, the server still validates it in full with zod, and
 * tools/list stays small: every byte of it sits in the model's context.
 */
function shallow(schema: JsonSchema, depth = 0): JsonSchema {
  const { additionalProperties: _a, ...s } = schema;
  if (Array.isArray(s.anyOf)) return { ...s, anyOf: (s.anyOf as JsonSchema[]).map((x) => shallow(x, depth)) };
  if (s.type === 'object' && s.properties) {
    if (depth >= 1) return { type: 'object' };
    const properties = Object.fromEntries(Object.entries(s.properties as Record<string, JsonSchema>).map(([k, v]) => [k, shallow(v, depth + 1)]));
    return { ...s, properties };
  }
  if (s.type === 'array' && s.items) return { ...s, items: shallow(s.items as JsonSchema, depth + 1) };
  return s;
}

export function toolListing(def: ToolDefinition): Tool {
  return {
    name: def.name,
    title: def.title,
    description: def.description,
    inputSchema: jsonSchema(z.strictObject(def.input), 'input') as Tool['inputSchema'],
    outputSchema: shallow(jsonSchema(z.object(def.output), 'output')) as Tool['outputSchema'],
    annotations: annotationsFor(def),
  };
}

export function registerTools(server: McpServer, tools: readonly ToolDefinition[]): void {
  for (const def of tools) {
    server.registerTool(
      def.name,
      {
        title: def.title,
        description: def.description,
        inputSchema: z.strictObject(def.input),
        // No outputSchema here: the SDK would re-validate every answer on the hot path. The
        // listing below declares it; tests check every tool's answers against it.
        annotations: annotationsFor(def),
      },
      async (args: Record<string, unknown>) => {
        try {
          return ok((await def.handle(args as never)) as Record<string, unknown>);
        } catch (err) {
          return fail(err, def.name);
        }
      },
    );
  }
  // The SDK rebuilds every JSON schema on each tools/list; ours are built once, without the
  // draft-07 "$schema" marker that some clients reject, and with compact output schemas.
  const listing = tools.map(toolListing);
  server.server.removeRequestHandler('tools/list');
  server.server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: listing }));
}

let configured = false;

/**
 * Makes zod's messages for tool arguments say what to do: a missing argument is named with its
 * description, an unknown one with the accepted names. The SDK appends " at <argument>".
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
        const got = iss.input === null ? 'null' : Array.isArray(iss.input) ? 'array' : typeof iss.input;
        return `expected ${iss.expected}, got ${got}${description ? ` (${description})` : ''}`;
      }
      if (iss.code === 'unrecognized_keys') {
        const shape = (iss.inst as { shape?: Record<string, unknown> } | undefined)?.shape;
        return `unknown argument(s) ${iss.keys.map((k) => `"${k}"`).join(', ')}${shape ? `; the accepted arguments are ${Object.keys(shape).join(', ')}` : ''}`;
      }
      return undefined;
    },
  });
}
