import { type McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SubscribeRequestSchema, UnsubscribeRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { AgentService } from '../agents/service.js';
import type { FlagService } from './service.js';
import { agentQueueWarned } from './tools.js';

const PREFIX = 'flags://queue/';

/**
 * flags://queue/{agent}: an agent's queue (get_agent_flags as JSON) as a resource a client may
 * subscribe to. When a flag changes (created, locked, completed...) in its queue or a broadcast
 * does, every subscriber of that queue gets notifications/resources/updated: for this server's own
 * writes on SQLite, and for every server's writes on PostgreSQL (LISTEN/NOTIFY, no polling).
 * Returns the function that stops listening.
 */
export function registerQueueResources(server: McpServer, flags: FlagService, agents: AgentService): () => void {
  server.registerResource(
    'agent-queue',
    new ResourceTemplate(`${PREFIX}{agent}`, { list: undefined }),
    {
      title: 'Agent flag queue',
      description: "An agent's pending flags and unacknowledged broadcasts, most urgent first, as JSON (get_agent_flags); subscribe to be told when it changes",
      mimeType: 'application/json',
    },
    async (uri, variables) => {
      const queue = await agentQueueWarned(flags, agents, decodeURIComponent(String(variables.agent)), {});
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(queue, null, 2) }] };
    },
  );
  const subscribed = new Set<string>();
  server.server.registerCapabilities({ resources: { subscribe: true } });
  server.server.setRequestHandler(SubscribeRequestSchema, async (request) => {
    subscribed.add(request.params.uri);
    return {};
  });
  server.server.setRequestHandler(UnsubscribeRequestSchema, async (request) => {
    subscribed.delete(request.params.uri);
    return {};
  });
  const stop = flags.store.onChange?.((change) => {
    for (const uri of subscribed) {
      if (!uri.startsWith(PREFIX)) continue;
      let agent: string;
      try {
        agent = agents.resolveHandle(decodeURIComponent(uri.slice(PREFIX.length)));
      } catch {
        continue;
      }
      if (change.target_agent === null || change.target_agent === agent || flags.sameAgent(change.target_agent, agent)) {
        server.server.sendResourceUpdated({ uri }).catch(() => undefined); // a client gone: nothing to tell
      }
    }
  });
  return () => stop?.();
}
