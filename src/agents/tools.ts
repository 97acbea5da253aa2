import * as z from 'zod';
import { atMost, defineTool, nameArg } from '../mcp/define.js';
import { DEFAULT_MAX_ROWS, MAX_ROWS, MAX_SQL, type ReadOnlyQueries } from '../store/readonly.js';
import { MAX_QUERY_CHARS } from './search.js';
import type { AgentService } from './service.js';

/** As AGENT_SOURCES in catalog.ts. */
const source = z.enum(['bundled', 'plugin', 'extra', 'user', 'project']);
const filterShape = {
  domain: nameArg().optional().describe('Handle domain, e.g. "database" for @database.*'),
  source: source.optional().describe('Where defined'),
  tag: nameArg().optional().describe('Has this tag'),
  model: nameArg().optional().describe('Runs on this model'),
};

/** query_catalog parameters: how many, and how long each string. */
const MAX_PARAMS = 100;
const param = z.union([z.string().max(MAX_SQL), z.number(), z.null()]);

export function agentTools(agents: AgentService, queries: ReadOnlyQueries) {
  return [
    defineTool({
      name: 'search_agents',
      title: 'Find the agent for a task',
      description:
        'Who should handle this? Ranks agents for a task by relevance (rare words count more; synonyms like pg/postgres meet), with reasons and match strong/fair/weak; advice says when no agent clearly owns it. Pick a create_flag target.',
      kind: 'read',
      input: {
        query: z.string().superRefine(atMost(MAX_QUERY_CHARS)).describe('The task, e.g. "slow Postgres queries, tune indexes"'),
        limit: z.number().int().min(1).max(100).optional().describe('How many agents (default 5)'),
        filters: z.strictObject(filterShape).optional().describe('Narrow the candidates'),
      },
      output: {
        query: z.string(),
        total_matches: z.number(),
        results: z.array(z.object({
          rank: z.number(), name: z.string(), score: z.number(), relevance: z.number(), match: z.enum(['strong', 'fair', 'weak']),
          reasons: z.array(z.string()), description: z.string(), source, path: z.string(), tags: z.array(z.string()),
        })),
        advice: z.string().optional(),
      },
      handle: (args) => agents.search.search(args.query, args.limit, args.filters),
    }),
    defineTool({
      name: 'get_agent',
      title: 'Get agent',
      description: 'One agent: frontmatter, body (what it owns, when to route to it, hand-offs), its file and the files it overrides.',
      kind: 'read',
      input: { name: nameArg().describe('The agent handle, e.g. "@database.postgres" (a missing "@" is added)') },
      output: {
        name: z.string(), domain: z.string().nullable(), module: z.string(), source, path: z.string(), description: z.string(),
        tags: z.array(z.string()), capabilities: z.array(z.string()), model: z.string().nullable(), color: z.string().nullable(),
        tools: z.array(z.string()), shadows: z.array(z.string()), frontmatter: z.record(z.string(), z.unknown()), body: z.string(),
      },
      handle: (args) => agents.get(args.name),
    }),
    defineTool({
      name: 'list_agents',
      title: 'List agents',
      description: 'The agent catalog by name, with filters and paging.',
      kind: 'read',
      input: {
        ...filterShape,
        limit: z.number().int().min(1).max(500).optional().describe('Page size (default 50)'),
        offset: z.number().int().min(0).optional().describe('Agents to skip (default 0)'),
      },
      output: {
        total: z.number(), offset: z.number(), returned: z.number(), has_more: z.boolean(),
        agents: z.array(z.object({
          name: z.string(), description: z.string(), source, tags: z.array(z.string()), model: z.string().nullable(), path: z.string(),
        })),
      },
      handle: (args) => agents.list(args),
    }),
    defineTool({
      name: 'query_catalog',
      title: 'Query the store (read-only SQL)',
      description:
        'Read-only SQL over the store: tables flags, flag_history, agents_catalog. One SELECT or WITH; writes are refused; queries over 3 s are stopped.',
      kind: 'read',
      input: {
        sql: z.string().max(MAX_SQL).describe('One SELECT/WITH, ? or :name placeholders'),
        params: z.union([z.array(param).superRefine(atMost(MAX_PARAMS)), z.record(nameArg(), param).refine((o) => Object.keys(o).length <= MAX_PARAMS, {
          message: `at most ${MAX_PARAMS} named parameters`, params: { rule: 'max_items' },
        })])
          .optional().describe('List for ?, object for :name'),
        max_rows: z.number().int().min(1).max(MAX_ROWS).optional().describe(`At most this many rows (default ${DEFAULT_MAX_ROWS})`),
      },
      output: {
        columns: z.array(z.string()),
        rows: z.array(z.record(z.string(), z.unknown())),
        row_count: z.number(),
        truncated: z.boolean(),
      },
      handle: (args) => {
        agents.catalog.ensureFresh(); // agents_catalog mirrors the folders before it is queried
        return queries.run(args.sql, args.params, args.max_rows);
      },
    }),
  ];
}
