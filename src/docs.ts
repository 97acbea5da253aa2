import * as z from 'zod';
import { annotationsFor, toolListing } from './mcp/define.js';
import { createServices, toolRegistry, TOOLSETS, type Toolset } from './server.js';
import { openStore } from './store/db.js';

/** The README's tool table, built from the registry so that the two cannot drift apart. */
export function renderToolTable(): string {
  const db = openStore(':memory:');
  try {
    const rows = toolRegistry(createServices(db)).map((tool) => {
      const a = annotationsFor(tool);
      const kind = a.readOnlyHint ? 'read-only' : a.destructiveHint ? 'destructive' : a.idempotentHint ? 'write, idempotent' : 'write';
      const args = Object.entries(tool.input)
        .map(([name, schema]) => (z.safeParse(schema, undefined).success ? `${name}?` : name))
        .join(', ');
      return `| \`${tool.name}\` | ${kind} | ${args || '-'} | ${tool.description.replaceAll('|', '\\|')} |`;
    });
    return ['| Tool | Kind | Arguments (? = optional) | What it does |', '| --- | --- | --- | --- |', ...rows].join('\n');
  } finally {
    db.close();
  }
}

/** The toolset selections the README and the bench report, one per toolset, the coordination pair, and all. */
export const TOOLSET_SELECTIONS: readonly (readonly Toolset[])[] = [...TOOLSETS.map((t) => [t]), ['flags', 'agents'], TOOLSETS];

/**
 * What a selection of toolsets costs in the model's context: the tools/list answer in bytes, and
 * its model-visible bytes, the tools array with each tool's name, description and inputSchema
 * only, as tools/list returns them (JSON, UTF-8).
 */
export function toolsetSizes(): { toolsets: string; tools: number; result_bytes: number; model_visible_bytes: number }[] {
  const db = openStore(':memory:');
  try {
    const services = createServices(db);
    return TOOLSET_SELECTIONS.map((selection) => {
      const tools = toolRegistry(services, selection).map(toolListing);
      return {
        toolsets: selection.length === TOOLSETS.length ? 'all (default)' : selection.join(','),
        tools: tools.length,
        result_bytes: Buffer.byteLength(JSON.stringify({ tools })),
        model_visible_bytes: Buffer.byteLength(JSON.stringify(tools.map(({ name, description, inputSchema }) => ({ name, description, inputSchema })))),
      };
    });
  } finally {
    db.close();
  }
}

/** The README's table of bytes per toolset. */
export function renderToolsetTable(): string {
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  return [
    '| `--toolsets` | tools | model-visible bytes (names, descriptions, input schemas) | whole `tools/list` answer |',
    '| --- | --- | --- | --- |',
    ...toolsetSizes().map((r) => `| \`${r.toolsets}\` | ${r.tools} | ${r.model_visible_bytes} (${kb(r.model_visible_bytes)}) | ${r.result_bytes} (${kb(r.result_bytes)}) |`),
  ].join('\n');
}
