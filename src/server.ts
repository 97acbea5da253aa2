import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { FlagService } from './flags/service.js';
import { flagTools } from './flags/tools.js';
import { configureValidationMessages, registerTools, type ToolDefinition } from './mcp/define.js';
import type { DB } from './store/db.js';
import { VERSION } from './version.js';

export interface Services {
  db: DB;
  flags: FlagService;
}

export function createServices(db: DB): Services {
  return { db, flags: new FlagService(db) };
}

/** Every tool the server offers, in the order tools/list shows them. */
export function toolRegistry(services: Services): ToolDefinition[] {
  return [...flagTools(services.flags)];
}

export function createServer(services: Services): { server: McpServer; cleanup: () => void } {
  configureValidationMessages();
  const server = new McpServer(
    { name: 'coordinator-mcp', version: VERSION },
    {
      capabilities: { tools: {} },
      instructions:
        'Coordinate with other agents through FLAGS. Before new work, read your queue with get_agent_flags and lock a flag before working on it; complete it with notes when done. When your change affects another agent, create_flag for them.',
    },
  );
  registerTools(server, toolRegistry(services));
  return { server, cleanup: () => void server.close() };
}
