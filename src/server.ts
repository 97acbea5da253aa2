import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { AgentCatalog, type AgentRoot, type BundledMode } from './agents/catalog.js';
import { AgentSearch } from './agents/search.js';
import { AgentService } from './agents/service.js';
import { agentTools } from './agents/tools.js';
import { DatabaseCatalog } from './databases/catalog.js';
import { Recommender } from './databases/recommend.js';
import { databaseTools } from './databases/tools.js';
import { FlagService } from './flags/service.js';
import { MigrationPlanner } from './migration/plan.js';
import { migrationTools } from './migration/tools.js';
import { flagTools } from './flags/tools.js';
import { configureValidationMessages, prebuiltListing, serveTools, type ToolDefinition } from './mcp/define.js';
import type { DB } from './store/db.js';
import { ReadOnlyQueries } from './store/readonly.js';
import { VERSION } from './version.js';

export interface Services {
  db: DB;
  flags: FlagService;
  agents: AgentService;
  queries: ReadOnlyQueries;
  databases: DatabaseCatalog;
  recommender: Recommender;
  planner: MigrationPlanner;
  close: () => void;
}

let databaseCatalog: DatabaseCatalog | undefined;

export interface ServiceOptions {
  /** The database file, for the read-only query process (default: the file db has open). */
  dbPath?: string;
  agentRoots?: AgentRoot[];
  /** The bundled team (a 'bundled' root): auto (default) uses it only while no other agent is active; on always. */
  bundledAgents?: BundledMode;
  /** Refresh the catalog when agent files change (servers do; the CLI and tests need not). */
  watchAgents?: boolean;
  /** Read the agent folders on first use rather than now (the server: its handshake does not wait for them). */
  lazyCatalog?: boolean;
}

/** The services that need no store (the lookup-only CLI verbs open none): the database catalog, the recommender, the planner. */
export type LookupServices = Pick<Services, 'databases' | 'recommender' | 'planner'>;

export function createLookupServices(): LookupServices {
  databaseCatalog ??= new DatabaseCatalog();
  return { databases: databaseCatalog, recommender: new Recommender(databaseCatalog), planner: new MigrationPlanner(databaseCatalog) };
}

export function createServices(db: DB, options: ServiceOptions = {}): Services {
  const catalog = new AgentCatalog(db, options.agentRoots ?? [], { bundled: options.bundledAgents });
  if (!options.lazyCatalog) catalog.refresh();
  if (options.watchAgents) catalog.watch();
  const agents = new AgentService(catalog, new AgentSearch(catalog));
  const queries = new ReadOnlyQueries(options.dbPath ?? (db.name || ':memory:'));
  const flags = new FlagService(db, { identity: agents.identity() });
  return {
    db,
    flags,
    agents,
    queries,
    ...createLookupServices(),
    close: () => {
      catalog.close();
      queries.close();
    },
  };
}

/** Every tool the server offers, in the order tools/list shows them. */
export function toolRegistry(services: Services): ToolDefinition[] {
  return [
    ...flagTools(services.flags, services.agents),
    ...agentTools(services.agents, services.queries),
    ...databaseTools(services.databases, services.recommender),
    ...migrationTools(services.planner),
  ];
}

export function createServer(services: Services): { server: McpServer; cleanup: () => void } {
  configureValidationMessages();
  const server = new McpServer(
    { name: 'coordinator-mcp', version: VERSION },
    {
      capabilities: { tools: {}, resources: {} },
      instructions:
        'Coordinate with other agents through FLAGS. Before new work, read your queue with get_agent_flags and lock a flag before working on it; complete it with notes when done. When your change affects another agent, find the right one with search_agents and create_flag for them.',
    },
  );
  serveTools(server, () => toolRegistry(services), prebuiltListing(VERSION));
  server.registerResource(
    'agent',
    new ResourceTemplate('agent://{name}', {
      list: () => ({
        resources: services.agents.catalog.all().map((a) => ({
          // encoded: a plugin agent's "plugin:agent" would read as a host and port
          uri: `agent://${encodeURIComponent(a.name.slice(1))}`,
          name: a.name,
          description: a.description,
          mimeType: 'text/markdown',
        })),
      }),
    }),
    { title: 'Agent definition', description: 'An agent of the catalog as a markdown file with frontmatter', mimeType: 'text/markdown' },
    (uri, variables) => {
      const { name, text } = services.agents.markdown(decodeURIComponent(String(variables.name)));
      return { contents: [{ uri: uri.href, mimeType: 'text/markdown', text, _meta: { name } }] };
    },
  );
  server.registerResource(
    'database',
    new ResourceTemplate('database://{id}', {
      list: () => ({
        resources: services.databases.all.map((d) => ({ uri: `database://${d.id}`, name: d.name, description: d.sweet_spot, mimeType: 'application/json' })),
      }),
    }),
    { title: 'Database technology', description: 'A technology of the database catalog, as JSON', mimeType: 'application/json' },
    (uri, variables) => {
      const d = services.databases.get(decodeURIComponent(String(variables.id)), 'id');
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(d, null, 2) }] };
    },
  );
  return { server, cleanup: () => { services.close(); void server.close(); } };
}
