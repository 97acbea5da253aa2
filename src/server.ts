import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { AgentCatalog, type AgentRoot, type BundledMode } from './agents/catalog.js';
import { AgentSearch } from './agents/search.js';
import { AgentService } from './agents/service.js';
import { agentTools } from './agents/tools.js';
import { DatabaseCatalog } from './databases/catalog.js';
import { Recommender } from './databases/recommend.js';
import { databaseTools } from './databases/tools.js';
import { FlagService } from './flags/service.js';
import type { FlagStore } from './flags/store.js';
import type { TokenStore } from './auth/tokens.js';
import { SqliteTokenStore } from './store/sqlite/tokens.js';
import { MigrationPlanner } from './migration/plan.js';
import { migrationTools } from './migration/tools.js';
import { flagTools } from './flags/tools.js';
import { registerQueueResources } from './flags/resources.js';
import { type CallWrapper, configureValidationMessages, prebuiltListing, serveTools, type ToolDefinition } from './mcp/define.js';
import type { DB } from './store/db.js';
import { ReadOnlyQueries } from './store/readonly.js';
import { VERSION } from './version.js';
import { registerPrompts } from './mcp/prompts.js';

export interface Services {
  db: DB;
  flags: FlagService;
  agents: AgentService;
  queries: ReadOnlyQueries;
  databases: DatabaseCatalog;
  recommender: Recommender;
  planner: MigrationPlanner;
  /** Where the bearer tokens of the HTTP transport live: the store the flags are on. */
  tokenStore: TokenStore;
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
  /** Where the flags live (default: the SQLite database db). */
  flagStore?: FlagStore;
  /** Where the tokens live (default: the SQLite database db); with flagStore, the same server. */
  tokenStore?: TokenStore;
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
  const flags = new FlagService(options.flagStore ?? db, { identity: agents.identity() });
  return {
    db,
    flags,
    agents,
    queries,
    tokenStore: options.tokenStore ?? new SqliteTokenStore(db),
    ...createLookupServices(),
    close: () => {
      catalog.close();
      queries.close();
    },
  };
}

/**
 * The toolsets a server can be started with (--toolsets, COORDINATOR_TOOLSETS), in the order
 * tools/list shows their tools: a project that only coordinates serves flags (and agents) and
 * does not pay for the other definitions in every context.
 */
export const TOOLSETS = ['flags', 'agents', 'databases', 'migration'] as const;
export type Toolset = (typeof TOOLSETS)[number];

/**
 * A comma-separated list of toolsets ("flags,agents"; "all" or nothing: every toolset), in
 * TOOLSETS order without repeats. Throws one line naming each unknown name and the accepted ones.
 */
export function parseToolsets(value: string | undefined, from = '--toolsets'): Toolset[] {
  if (value === undefined || value.trim() === '' || value.trim().toLowerCase() === 'all') return [...TOOLSETS];
  const names = value.split(',').map((n) => n.trim().toLowerCase()).filter((n) => n !== '');
  const unknown = names.filter((n) => n !== 'all' && !(TOOLSETS as readonly string[]).includes(n));
  if (unknown.length > 0) {
    throw new Error(`unknown toolset${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => JSON.stringify(n)).join(', ')} in ${from}; the toolsets are ${TOOLSETS.join(', ')} (or all)`);
  }
  return names.includes('all') ? [...TOOLSETS] : TOOLSETS.filter((t) => names.includes(t));
}

/** The tools of each toolset. */
export function toolGroups(services: Services): Record<Toolset, ToolDefinition[]> {
  return {
    flags: flagTools(services.flags, services.agents),
    agents: agentTools(services.agents, services.queries),
    databases: databaseTools(services.databases, services.recommender),
    migration: migrationTools(services.planner),
  };
}

/** Every tool the server offers (of the toolsets given, default all), in the order tools/list shows them. */
export function toolRegistry(services: Services, toolsets: readonly Toolset[] = TOOLSETS): ToolDefinition[] {
  const groups = toolGroups(services);
  return TOOLSETS.filter((t) => toolsets.includes(t)).flatMap((t) => groups[t]);
}

/** The server's instructions, naming only the tools it serves. */
function instructionsFor(toolsets: readonly Toolset[]): string {
  const flags = toolsets.includes('flags');
  const agents = toolsets.includes('agents');
  if (flags) {
    return 'Coordinate with other agents through FLAGS. Before new work, read your queue with get_agent_flags and lock a flag before working on it; complete it with notes when done. '
      + `When your change affects another agent, ${agents ? 'find the right one with search_agents and ' : ''}create_flag for them.`;
  }
  if (agents) return 'Find the agent who should handle a task with search_agents; get_agent shows what it owns.';
  return 'Database technology lookups: catalog, comparisons, recommendations and migration plans.';
}

export interface ServerOptions {
  /** The toolsets to serve (default all). */
  toolsets?: readonly Toolset[];
  /** Wraps every tool call (the HTTP transport checks the caller's token there). */
  wrapCall?: CallWrapper;
  /** Declare the logging capability (logging/setLevel): the HTTP transport does. */
  logging?: boolean;
}

export function createServer(services: Services, options: ServerOptions = {}): { server: McpServer; cleanup: () => void } {
  configureValidationMessages();
  const toolsets = TOOLSETS.filter((t) => (options.toolsets ?? TOOLSETS).includes(t));
  const all = toolsets.length === TOOLSETS.length;
  const server = new McpServer(
    { name: 'coordinator-mcp', version: VERSION },
    {
      capabilities: { tools: {}, resources: {}, ...(options.logging ? { logging: {} } : {}) },
      instructions: instructionsFor(toolsets),
    },
  );
  // Which toolset has a tool this server does not serve: the names of every tool, made once, on the first such call.
  let owners: Map<string, Toolset> | undefined;
  const ownerOf = (name: string) => (owners ??= new Map(Object.entries(toolGroups(services)).flatMap(([t, defs]) => defs.map((d) => [d.name, t as Toolset] as const)))).get(name);
  serveTools(server, () => toolRegistry(services, toolsets), prebuiltListing(VERSION, all ? undefined : toolsets), (name) => {
    const owner = all ? undefined : ownerOf(name);
    return owner
      ? `Tool ${name} is in the toolset ${owner}, which this server does not serve (it serves ${toolsets.join(', ')}); start it with --toolsets ${[...toolsets, owner].join(',')} or without --toolsets`
      : `Tool ${name} not found; tools/list shows the tools there are`;
  }, options.wrapCall);
  registerPrompts(server, services, toolsets);
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
  const stopQueues = toolsets.includes('flags') ? registerQueueResources(server, services.flags, services.agents) : () => undefined;
  return { server, cleanup: () => { stopQueues(); services.close(); void server.close(); } };
}
