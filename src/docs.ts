import * as z from 'zod';
import { annotationsFor } from './mcp/define.js';
import { createServices, toolRegistry } from './server.js';
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
