#!/usr/bin/env node
// The baseline for the spawn benchmark: the smallest useful MCP server on the same SDK as
// coordinator-mcp: one trivial tool over stdio, nothing else.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import * as z from 'zod';

const server = new McpServer({ name: 'one-tool', version: '0.0.0' }, { capabilities: { tools: {} } });

server.registerTool(
  'echo',
  {
    title: 'Echo',
    description: 'Returns its text argument unchanged.',
    inputSchema: { text: z.string().describe('Anything') },
  },
  async ({ text }) => ({ content: [{ type: 'text', text }] }),
);

// Same exit behaviour as coordinator-mcp: the client closing stdin ends the process.
process.stdin.on('end', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));

await server.connect(new StdioServerTransport());
