// Writes dist/tool-listing.json, the tools/list answer, at build time: the server then answers
// tools/list without building a JSON schema at start-up. A test checks it against the registry.
import { writeFileSync } from 'node:fs';
import { toolListing } from '../dist/lib/mcp/define.js';
import { createServices, toolRegistry } from '../dist/lib/server.js';
import { openStore } from '../dist/lib/store/db.js';
import { VERSION } from '../dist/lib/version.js';

const db = openStore(':memory:');
const services = createServices(db);
const tools = toolRegistry(services).map(toolListing);
services.close();
db.close();
writeFileSync(new URL('../dist/tool-listing.json', import.meta.url), `${JSON.stringify({ version: VERSION, tools })}\n`);
