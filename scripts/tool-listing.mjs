// Writes dist/tool-listing.json, the tools/list answer, at build time: the server then answers
// tools/list without building a JSON schema at start-up, for any selection of toolsets. A test checks it against the registry.
import { writeFileSync } from 'node:fs';
import { toolListing } from '../dist/lib/mcp/define.js';
import { createServices, toolGroups, toolRegistry } from '../dist/lib/server.js';
import { openStore } from '../dist/lib/store/db.js';
import { VERSION } from '../dist/lib/version.js';

const db = openStore(':memory:');
const services = createServices(db);
const tools = toolRegistry(services).map(toolListing);
// The tool names of each toolset: a server started with --toolsets serves the listing filtered by them.
const toolsets = Object.fromEntries(Object.entries(toolGroups(services)).map(([set, defs]) => [set, defs.map((d) => d.name)]));
services.close();
db.close();
writeFileSync(new URL('../dist/tool-listing.json', import.meta.url), `${JSON.stringify({ version: VERSION, tools, toolsets })}\n`);
