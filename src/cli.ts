#!/usr/bin/env node
import { spawn } from 'node:child_process';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { installBundledAgents } from './agents/install.js';
import { initProject } from './claude/init.js';
import { runHookCli } from './claude/hooks.js';
import { locateDb, resolveAgentRoots, resolveBundledMode, resolveDbPath } from './config.js';
import { CoordinatorError, invalid, quoted } from './errors.js';
import { existsSync, readFileSync } from 'node:fs';
import type { SearchFilters } from './agents/search.js';
import { type Requirements, requirementsSchema } from './databases/recommend.js';
import { convertSchemaChecked, leftOut } from './migration/convert/index.js';
import { FLAG_TYPES, IMPACT_LEVELS } from './flags/rules.js';
import { agentQueueWarned, createFlagWarned, flagWithAcks, updateFlagWarned, workableMarked } from './flags/tools.js';
import { createLookupServices, createServices, type LookupServices, type Services } from './server.js';
import { openStore, StoreOpenError } from './store/db.js';
import { type TokenRole, TokenService, type TokenStore } from './auth/tokens.js';
import { isPostgresUrl, redactUrl } from './store/postgres/url.js';
import type { FlagStore } from './flags/store.js';
import { VERSION } from './version.js';

type OptionSpec = { type: 'string' | 'boolean'; description: string; multiple?: boolean };
type Values = Record<string, string | boolean | string[] | undefined>;

type VerbRun<S> = (services: S, positionals: string[], values: Values) => unknown | Promise<unknown>;

type Verb = VerbInfo & (
  | { store?: true; run: VerbRun<Services> }
  /** A verb that needs no store: it opens none and must not create a database file. */
  | { store: false; run: VerbRun<LookupServices> }
);

interface VerbInfo {
  name: string;
  /** How many positional arguments it takes. */
  positionals: number;
  summary: string;
  usage: string;
  options?: Record<string, OptionSpec>;
}

const flagFieldOptions: Record<string, OptionSpec> = {
  flag_type: { type: 'string', description: `one of ${FLAG_TYPES.join(', ')}` },
  target_agent: { type: 'string', description: 'the agent who must act; leave out to broadcast to every agent' },
  change_description: { type: 'string', description: 'what changed and why it matters (at least 50 characters)' },
  action_required: { type: 'string', description: 'exactly what the target must do (at least 100 characters)' },
  impact_level: { type: 'string', description: `one of ${IMPACT_LEVELS.join(', ')} (default medium)` },
  related_files: { type: 'string', description: 'comma-separated file paths' },
  chain_origin_id: { type: 'string', description: 'id of the flag that caused this one' },
  code_location: { type: 'string', description: 'file:line' },
  example_usage: { type: 'string', description: 'a code example' },
  context: { type: 'string', description: 'a JSON object, e.g. \'{"ticket":"ABC-12"}\'' },
};

const agentOption: Record<string, OptionSpec> = {
  agent: { type: 'string', description: 'your agent handle (or the positional AGENT, or $COORDINATOR_AGENT)' },
};

function int(value: Values[string], field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\s*-?\d+\s*$/.test(value)) {
    throw invalid(field, 'integer', `--${field} must be a whole number, got ${quoted(value)}`);
  }
  return Number(value);
}

function str(value: Values[string]): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function need(value: string | undefined, field: string, usage: string): string {
  if (value === undefined || value.trim() === '') throw invalid(field, 'required', `${field} is required; usage: ${usage}`);
  return value;
}

/** The acting agent: positional, --agent, or $COORDINATOR_AGENT, in that order. */
function actingAgent(positional: string | undefined, values: Values, usage: string): string {
  return need(positional ?? str(values.agent) ?? process.env.COORDINATOR_AGENT, 'agent', `${usage} (or set COORDINATOR_AGENT)`);
}

function fieldsFrom(values: Values) {
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(flagFieldOptions)) {
    if (values[key] !== undefined) fields[key] = values[key];
  }
  if (fields.chain_origin_id !== undefined) fields.chain_origin_id = int(values.chain_origin_id, 'chain_origin_id');
  return fields;
}

/** A verb's answer printed as it is rather than as JSON (markdown, SQL). */
const RAW = Symbol('raw');
/** With RAW: what goes to stderr, and the exit code (a SQL rendering that left statements out). */
const RAW_WARNINGS = Symbol('raw warnings');
const RAW_EXIT = Symbol('raw exit');

/** --format: json (the default) or the verb's one other rendering. */
function formatOf(v: Values, other: string): string {
  const format = str(v.format) ?? 'json';
  if (format !== 'json' && format !== other) throw invalid('format', 'enum', `--format must be json or ${other}`);
  return format;
}

function readInput(path: string, field: string): string {
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (err) {
    throw invalid(field, 'readable', `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

const LIST_OPTIONS = ['query_needs', 'workloads', 'team_expertise', 'existing_systems', 'compliance'];
const NUMBER_OPTIONS = ['reads_per_second', 'writes_per_second', 'latency_ms'];

/** Requirements from --json and from single options (options win); zod checks them in the recommender. */
function requirementsFrom(v: Values): Requirements {
  let req: Record<string, unknown> = {};
  if (typeof v.json === 'string') {
    try {
      req = JSON.parse(v.json) as Record<string, unknown>;
    } catch (err) {
      throw invalid('json', 'json', `--json is not valid JSON (${(err as Error).message})`);
    }
    if (typeof req !== 'object' || req === null || Array.isArray(req)) throw invalid('json', 'type', '--json must be a JSON object of requirements');
    // limit and include_excluded are the tool's arguments beside the requirements; the options win over them
    if ('limit' in req) {
      v.limit ??= String(req.limit);
      delete req.limit;
    }
    if ('include_excluded' in req) {
      v.include_excluded ??= req.include_excluded === true;
      delete req.include_excluded;
    }
  }
  for (const [key, value] of Object.entries(v)) {
    if (['json', 'limit', 'include_excluded', 'db', 'help', 'agents_dir', 'bundled_agents', 'no_bundled_agents'].includes(key) || value === undefined) continue;
    if (LIST_OPTIONS.includes(key)) req[key] = String(value).split(',').map((s) => s.trim()).filter(Boolean);
    else if (NUMBER_OPTIONS.includes(key)) {
      const n = Number(value);
      if (!Number.isFinite(n)) throw invalid(key, 'number', `--${key} must be a number`);
      req[key] = n;
    } else req[key] = value;
  }
  const parsed = requirementsSchema.safeParse(req);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalid(issue.path.join('.') || 'json', issue.code, `${issue.path.join('.') || 'requirements'}: ${issue.message}`);
  }
  return parsed.data;
}

const AGENT_FILTER_OPTIONS: Record<string, OptionSpec> = {
  domain: { type: 'string', description: 'only agents of this domain (database for @database.*)' },
  source: { type: 'string', description: 'only agents from bundled, plugin, extra, user or project' },
  tag: { type: 'string', description: 'only agents with this tag' },
  model: { type: 'string', description: 'only agents on this model' },
};

function agentFilters(v: Values): SearchFilters {
  return { domain: str(v.domain), source: str(v.source) as SearchFilters['source'], tag: str(v.tag), model: str(v.model) };
}

const VERBS: Verb[] = [
  {
    name: 'create-flag',
    positionals: 0,
    summary: 'create a flag for another agent (or a broadcast)',
    usage: 'coordinator create-flag --flag_type TYPE --source_agent @me --target_agent @them --change_description TEXT --action_required TEXT [options]',
    options: {
      source_agent: { type: 'string', description: 'you, the sender (or --agent, or $COORDINATOR_AGENT)' },
      agent: { type: 'string', description: 'the same as --source_agent, as the other verbs name you' },
      ...flagFieldOptions,
    },
    run: async ({ flags, agents }, _p, v) => {
      if (v.source_agent !== undefined && v.agent !== undefined && v.source_agent !== v.agent) {
        throw invalid('source_agent', 'conflict', `--source_agent ${quoted(v.source_agent)} and --agent ${quoted(v.agent)} both name the sender; give one`);
      }
      const { flag: f, warnings } = await createFlagWarned(flags, agents, { target_agent: null, ...fieldsFrom(v), source_agent: v.source_agent ?? v.agent ?? process.env.COORDINATOR_AGENT });
      return {
        success: true, flag_id: f.id, message: `FLAG #${f.id} created: ${f.flag_type}`, from: f.source_agent, to: f.target_agent,
        priority: f.impact_level, flag: f, warnings,
      };
    },
  },
  {
    name: 'get-agent-flags',
    positionals: 1,
    summary: "an agent's pending flags and broadcasts, most urgent first",
    usage: 'coordinator get-agent-flags AGENT [--exclude_locked] [--limit N]',
    options: {
      ...agentOption,
      exclude_locked: { type: 'boolean', description: 'leave out flags locked by other agents' },
      limit: { type: 'string', description: 'at most N flags (default 20)' },
    },
    run: ({ flags, agents }, p, v) => agentQueueWarned(flags, agents, actingAgent(p[0], v, 'coordinator get-agent-flags AGENT'), {
      exclude_locked_by_others: v.exclude_locked === true, limit: int(v.limit, 'limit'),
    }, true),
  },
  {
    name: 'get-pending-flags',
    positionals: 0,
    summary: 'every pending flag, newest first',
    usage: 'coordinator get-pending-flags [--limit N] [--offset N]',
    options: { limit: { type: 'string', description: 'page size (default 20, at most 500)' }, offset: { type: 'string', description: 'flags to skip' } },
    run: ({ flags }, _p, v) => flags.list({ status: 'pending', limit: int(v.limit, 'limit'), offset: int(v.offset, 'offset') }),
  },
  {
    name: 'get-workable-flags',
    positionals: 0,
    summary: 'per agent: pending flags nobody holds, and the highest impact among them',
    usage: 'coordinator get-workable-flags',
    options: { limit: { type: 'string', description: 'at most N agents, most urgent first (default 50)' } },
    run: ({ flags, agents }, _p, v) => workableMarked(flags, agents, int(v.limit, 'limit')),
  },
  {
    name: 'list-flags',
    positionals: 0,
    summary: 'search flags by status, agents, type, impact, chain, text, date',
    usage: 'coordinator list-flags [--status pending|completed|all] [--target_agent @x] [--source_agent @y] [--flag_type T] [--impact_level L] [--chain_id N] [--text WORDS] [--since ISO] [--limit N] [--offset N]',
    options: {
      status: { type: 'string', description: 'pending (default), completed or all' },
      target_agent: { type: 'string', description: 'only flags for this agent' },
      source_agent: { type: 'string', description: 'only flags from this agent' },
      broadcast_only: { type: 'boolean', description: 'only broadcasts' },
      flag_type: { type: 'string', description: 'only this type' },
      impact_level: { type: 'string', description: 'only this impact' },
      chain_id: { type: 'string', description: 'only the chain containing this flag' },
      text: { type: 'string', description: 'words in the description, action or notes' },
      since: { type: 'string', description: 'created at or after this ISO 8601 time' },
      limit: { type: 'string', description: 'page size (default 20)' },
      offset: { type: 'string', description: 'flags to skip' },
    },
    run: ({ flags, agents }, _p, v) => flags.list({
      status: str(v.status) as 'pending' | 'completed' | 'all' | undefined,
      target_agent: agents.resolveHandle(str(v.target_agent)), source_agent: agents.resolveHandle(str(v.source_agent)), broadcast_only: v.broadcast_only === true,
      flag_type: str(v.flag_type), impact_level: str(v.impact_level), chain_id: int(v.chain_id, 'chain_id'),
      text: str(v.text), since: str(v.since), limit: int(v.limit, 'limit'), offset: int(v.offset, 'offset'),
    }),
  },
  {
    name: 'get-flag',
    positionals: 1,
    summary: 'one flag with its chain and history (a broadcast: who acknowledged it, who not)',
    usage: 'coordinator get-flag ID',
    run: ({ flags, agents }, p) => flagWithAcks(flags, agents, need(p[0], 'id', 'coordinator get-flag ID')),
  },
  {
    name: 'update-flag',
    positionals: 2,
    summary: 'edit a pending flag you sent (give only the fields to change)',
    usage: 'coordinator update-flag ID AGENT [--impact_level L] [--action_required TEXT] ...',
    options: { ...agentOption, ...flagFieldOptions },
    run: ({ flags, agents }, p, v) =>
      updateFlagWarned(flags, agents, need(p[0], 'id', 'coordinator update-flag ID AGENT ...'), actingAgent(p[1], v, 'coordinator update-flag ID AGENT ...'), fieldsFrom(v)),
  },
  {
    name: 'delete-flag',
    positionals: 2,
    summary: 'withdraw a pending flag you sent',
    usage: 'coordinator delete-flag ID AGENT',
    options: agentOption,
    run: ({ flags, agents }, p, v) => flags.delete(need(p[0], 'id', 'coordinator delete-flag ID AGENT'), agents.resolveHandle(actingAgent(p[1], v, 'coordinator delete-flag ID AGENT'))),
  },
  {
    name: 'lock-flag',
    positionals: 2,
    summary: 'take (or renew) the lease on a flag before working on it',
    usage: 'coordinator lock-flag ID AGENT [--lease_seconds N]',
    options: { ...agentOption, lease_seconds: { type: 'string', description: 'lease length (default 900)' } },
    run: ({ flags, agents }, p, v) => flags.lock(need(p[0], 'id', 'coordinator lock-flag ID AGENT'), agents.resolveHandle(actingAgent(p[1], v, 'coordinator lock-flag ID AGENT')), int(v.lease_seconds, 'lease_seconds')),
  },
  {
    name: 'unlock-flag',
    positionals: 2,
    summary: 'release your lock (or break another with --force)',
    usage: 'coordinator unlock-flag ID AGENT [--force]',
    options: { ...agentOption, force: { type: 'boolean', description: "break another agent's lock (recorded)" } },
    run: ({ flags, agents }, p, v) => flags.unlock(need(p[0], 'id', 'coordinator unlock-flag ID AGENT'), agents.resolveHandle(actingAgent(p[1], v, 'coordinator unlock-flag ID AGENT')), v.force === true),
  },
  {
    name: 'complete-flag',
    positionals: 2,
    summary: 'mark a flag done, with notes (a broadcast: acknowledge it for yourself)',
    usage: 'coordinator complete-flag ID AGENT [--notes TEXT] [--close_for_all [--force]]',
    options: {
      ...agentOption,
      notes: { type: 'string', description: 'what you did, or why it does not apply' },
      close_for_all: { type: 'boolean', description: 'a broadcast you sent: close it for every agent' },
      force: { type: 'boolean', description: 'with --close_for_all: close a broadcast you did not send (recorded)' },
    },
    run: ({ flags, agents }, p, v) => flags.complete(need(p[0], 'id', 'coordinator complete-flag ID AGENT'), agents.resolveHandle(actingAgent(p[1], v, 'coordinator complete-flag ID AGENT')), str(v.notes),
      { close_for_all: v.close_for_all === true, force: v.force === true }),
  },
  {
    name: 'search-agents',
    positionals: 2,
    summary: 'rank the agent catalog for a task, with reasons',
    usage: 'coordinator search-agents "TEXT" [N] [--domain D] [--source S] [--tag T]',
    options: AGENT_FILTER_OPTIONS,
    run: ({ agents }, p, v) => agents.search.search(need(p[0], 'query', 'coordinator search-agents "TEXT" [N]'), int(p[1], 'limit') ?? 5, agentFilters(v)),
  },
  {
    name: 'list-agents',
    positionals: 0,
    summary: 'the agent catalog by name',
    usage: 'coordinator list-agents [--domain D] [--source S] [--tag T] [--limit N] [--offset N]',
    options: {
      ...AGENT_FILTER_OPTIONS,
      limit: { type: 'string', description: 'page size (default 50)' },
      offset: { type: 'string', description: 'agents to skip' },
    },
    run: ({ agents }, _p, v) => agents.list({ ...agentFilters(v), limit: int(v.limit, 'limit'), offset: int(v.offset, 'offset') }),
  },
  {
    name: 'get-agent',
    positionals: 1,
    summary: 'one agent definition with its source file',
    usage: 'coordinator get-agent NAME',
    run: ({ agents }, p) => agents.get(need(p[0], 'name', 'coordinator get-agent NAME')),
  },
  {
    name: 'agents',
    positionals: 1,
    summary: 'agents install: copy the bundled team into .claude/agents, where Claude Code runs it',
    usage: 'coordinator agents install [--scope project|user] [--dry-run]\n'
      + '  copies the 48 bundled agents to <project>/.claude/agents/ (project: $CLAUDE_PROJECT_DIR or the working folder) or ~/.claude/agents/,\n'
      + '  named as Claude Code asks (database-postgres.md, name: database-postgres) with the dotted handle kept as an alias\n'
      + '  (aliases: ["@database.postgres"]). An existing file, or an agent of that name already in the folder, is never replaced: it is skipped.',
    store: false,
    options: {
      scope: { type: 'string', description: 'project (default: <project>/.claude/agents) or user (~/.claude/agents)' },
      dry_run: { type: 'boolean', description: 'print what would be written, and write nothing' },
    },
    run: (_s, p, v) => {
      if (p[0] !== 'install') throw invalid('arguments', 'enum', `unknown agents command ${JSON.stringify(p[0] ?? '')}; usage: coordinator agents install [--scope project|user] [--dry-run]`);
      return installBundledAgents({ scope: str(v.scope), dryRun: v.dry_run === true });
    },
  },
  {
    name: 'init',
    positionals: 0,
    summary: 'set up Claude Code in this project: .mcp.json, hooks in .claude/settings.json, CLAUDE.md, .gitignore',
    usage: 'coordinator init [--dry-run] [--remove] [--npx] [--as @handle] [--remote URL]\n'
      + '  in $CLAUDE_PROJECT_DIR or the working folder; idempotent (a re-run replaces what it wrote). Merges the server "coordinator" into .mcp.json,\n'
      + '  the hooks SessionStart, SubagentStart, UserPromptSubmit and PreToolUse (mcp__coordinator__.*) into .claude/settings.json,\n'
      + '  a protocol section between <!-- coordinator-mcp:begin/end --> markers into CLAUDE.md, and .claude/coordinator.db* into .gitignore.\n'
      + '  Everything else in those files is kept; a file that is not valid JSON is refused and nothing is changed.',
    store: false,
    options: {
      dry_run: { type: 'boolean', description: 'print what would change, and write nothing' },
      remove: { type: 'boolean', description: 'take out everything init added (the server, our hooks, the section, the .gitignore lines)' },
      npx: { type: 'boolean', description: 'run the server and hooks with npx -y coordinator-mcp instead of this installation\'s absolute paths' },
      as: { type: 'string', description: 'the main session\'s handle, filled in by the PreToolUse hook (default @main)' },
      remote: { type: 'string', description: 'a coordinator served over HTTP (coordinator-mcp --http): writes a "type": "http" entry for URL with "Authorization: Bearer ${COORDINATOR_TOKEN}"' },
    },
    run: (_s, _p, v) => initProject({ dryRun: v.dry_run === true, remove: v.remove === true, npx: v.npx === true, as: str(v.as), remote: str(v.remote) }),
  },
  {
    name: 'token',
    positionals: 2,
    summary: 'bearer tokens of the HTTP server: token create, token list, token revoke ID',
    usage: 'coordinator token create (--agent @handle [--agent ...] | --admin | --read-only) [--name TEXT]\n'
      + '       coordinator token list\n'
      + '       coordinator token revoke ID\n'
      + '  A token is shown once, when it is made; the database keeps only its SHA-256. An agent token may act only as its\n'
      + '  agents (and their aliases), a read-only token only reads, an admin token acts as anyone (written to the history).',
    options: {
      agent: { type: 'string', multiple: true, description: 'an agent the token may act as (repeatable)' },
      admin: { type: 'boolean', description: 'a token that may act as any agent (each act is recorded in the flag\'s history)' },
      read_only: { type: 'boolean', description: 'a token that may call only the tools that change nothing' },
      name: { type: 'string', description: 'a label shown by token list (who or what holds it)' },
    },
    run: async (s, p, v) => {
      const tokens = new TokenService(s.tokenStore);
      const usage = 'usage: coordinator token create|list|revoke; see coordinator token --help';
      const [action, id] = p;
      if (action !== 'revoke' && id !== undefined) throw invalid('arguments', 'count', `unexpected argument ${JSON.stringify(id)}; ${usage}`);
      if (action === 'list') {
        const list = await tokens.list();
        return { total: list.length, active: list.filter((t) => !t.revoked).length, tokens: list };
      }
      if (action === 'revoke') {
        if (id === undefined) throw invalid('id', 'required', 'token revoke needs the token id (coordinator token list shows them)');
        const out = await tokens.revoke(id);
        return { ...out, message: out.already_revoked ? `token ${out.token.id} was already revoked` : `token ${out.token.id} revoked: the server refuses it from now on (403)` };
      }
      if (action === 'create') {
        const agents = (v.agent as string[] | undefined) ?? [];
        const roles = [agents.length > 0 && 'agent', v.admin === true && 'admin', v.read_only === true && 'read-only'].filter(Boolean) as TokenRole[];
        if (roles.length !== 1) {
          throw invalid('role', roles.length === 0 ? 'required' : 'conflict', `token create takes exactly one of --agent @handle (repeatable), --admin, --read-only${roles.length ? `; got ${roles.map((r) => (r === 'agent' ? '--agent' : `--${r}`)).join(' and ')}` : ''}`);
        }
        const { token, info } = await tokens.create({ role: roles[0]!, agents, name: str(v.name) });
        return { token, ...info, message: `token ${info.id} made: it is shown only now; store it (e.g. in COORDINATOR_TOKEN) and send it as "Authorization: Bearer <token>"` };
      }
      throw invalid('arguments', 'enum', `unknown token command ${JSON.stringify(action ?? '')}; ${usage}`);
    },
  },
  {
    name: 'hook',
    positionals: 1,
    summary: 'a Claude Code hook (installed by init): reads the hook JSON on stdin, prints the hook\'s JSON',
    usage: 'coordinator hook SessionStart|SubagentStart|UserPromptSubmit|PreToolUse [--as @handle] [--db PATH | --remote URL] < hook.json\n'
      + '  SessionStart: in the main session, a paragraph of workable flags per agent (nothing when there are none).\n'
      + '  SubagentStart: the subagent\'s pending flags (@<agent_type> and broadcasts), most urgent first, as additionalContext.\n'
      + '  UserPromptSubmit: only the flags that arrived since this session last saw them.\n'
      + '  PreToolUse (mcp__coordinator__.*): agent/source_agent stamped as @<agent_type> in a subagent (another agent\'s handle is denied);\n'
      + '  in the main session the --as handle (default @main) is filled in when missing. A failure prints nothing on stdout,\n'
      + '  one line on stderr, and exits 0. --remote URL (init --remote): the flags are read from a coordinator served over\n'
      + '  HTTP, with the token of $COORDINATOR_TOKEN.',
    store: false,
    options: {
      as: { type: 'string', description: 'the main session\'s handle (default @main)' },
      remote: { type: 'string', description: 'a coordinator served over HTTP (coordinator-mcp --http): its URL; the token is read from $COORDINATOR_TOKEN' },
    },
    run: async (_s, p, v) => {
      // Normally dist/cli.js runs hooks without loading this file (src/cli-entry.ts); the same code here.
      process.exitCode = await runHookCli([...p, ...(typeof v.as === 'string' ? ['--as', v.as] : []), ...(typeof v.db === 'string' ? ['--db', v.db] : []), ...(typeof v.remote === 'string' ? ['--remote', v.remote] : [])], { stdout: (s) => process.stdout.write(s) });
      return { [RAW]: '' };
    },
  },
  {
    name: 'recommend-databases',
    positionals: 0,
    summary: 'rank database technologies for requirements, with reasons',
    usage: 'coordinator recommend-databases [--json \'{"workloads":["oltp"],...}\'] [--data_model M] [--data_volume 2TB] [--query_needs a,b] ...',
    store: false,
    options: {
      json: { type: 'string', description: 'all requirements as one JSON object (the fields of recommend_databases)' },
      data_model: { type: 'string', description: 'relational, document, key-value, wide-column, graph, time-series, vector, search-index, columnar' },
      data_volume: { type: 'string', description: 'e.g. 500GB, 3TB, 2PB' },
      reads_per_second: { type: 'string', description: 'peak reads per second' },
      writes_per_second: { type: 'string', description: 'peak writes per second' },
      read_write_ratio: { type: 'string', description: 'e.g. 90:10, read-heavy, write-heavy, balanced' },
      consistency: { type: 'string', description: 'strong or eventual' },
      transactions: { type: 'boolean', description: 'multi-record ACID transactions required' },
      latency_ms: { type: 'string', description: 'target p99 latency in ms' },
      query_needs: { type: 'string', description: 'comma-separated: joins, aggregations, full_text, vector_similarity, graph_traversal, geospatial, time_series, key_lookup' },
      workloads: { type: 'string', description: 'comma-separated: oltp, analytics, search, cache, vector, graph, time-series, event-sourcing, document' },
      multi_region: { type: 'string', description: 'none, read-replicas or active-active' },
      budget: { type: 'string', description: 'low, medium or high' },
      deployment: { type: 'string', description: 'managed, self-hosted, embedded or any' },
      cloud: { type: 'string', description: 'aws, gcp, azure or any' },
      open_source_only: { type: 'boolean', description: 'only open-source licences' },
      team_expertise: { type: 'string', description: 'comma-separated systems the team knows' },
      existing_systems: { type: 'string', description: 'comma-separated systems already in production' },
      compliance: { type: 'string', description: 'comma-separated, e.g. pci-dss,hipaa' },
      offline_sync: { type: 'boolean', description: 'clients work offline and sync later' },
      serverless: { type: 'boolean', description: 'pay per request, scale to zero' },
      limit: { type: 'string', description: 'how many to rank (default 5)' },
      include_excluded: { type: 'boolean', description: 'list every excluded system with its reasons (by default: a summary by reason)' },
    },
    run: ({ recommender }, _p, v) => {
      const req = requirementsFrom(v);
      return recommender.recommend(req, int(v.limit, 'limit') ?? 5, v.include_excluded === true);
    },
  },
  {
    name: 'get-database',
    positionals: 1,
    summary: 'one database technology from the catalog',
    usage: 'coordinator get-database NAME',
    store: false,
    run: ({ databases }, p) => ({ database: databases.get(need(p[0], 'name', 'coordinator get-database NAME')) }),
  },
  {
    name: 'plan-migration',
    positionals: 0,
    summary: 'a phased migration plan between two database systems',
    usage: 'coordinator plan-migration --from mysql --to postgresql [--volume-gb N] [--tables N] [--downtime zero|minutes|hours] [--ddl FILE] [--format json|markdown]',
    store: false,
    options: {
      from: { type: 'string', description: 'the source system (catalog id, name or alias)' },
      to: { type: 'string', description: 'the target system' },
      volume_gb: { type: 'string', description: 'data to move, in GB' },
      tables: { type: 'string', description: 'number of tables' },
      write_rate: { type: 'string', description: 'writes per second on the source' },
      downtime: { type: 'string', description: 'zero (default), minutes or hours' },
      cdc: { type: 'boolean', description: 'change data capture is possible on the source' },
      no_cdc: { type: 'boolean', description: 'change data capture is not possible' },
      ddl: { type: 'string', description: 'a file with the source DDL, converted and assessed' },
      format: { type: 'string', description: 'json (default) or markdown' },
    },
    run: ({ planner }, _p, v) => {
      const volume = v.volume_gb === undefined ? undefined : Number(v.volume_gb);
      if (volume !== undefined && !(volume > 0)) throw invalid('volume_gb', 'number', '--volume-gb must be a positive number of GB');
      const plan = planner.plan(need(str(v.from), 'from', 'coordinator plan-migration --from SYSTEM --to SYSTEM'), need(str(v.to), 'to', 'coordinator plan-migration --from SYSTEM --to SYSTEM'), {
        data_volume: volume === undefined ? undefined : `${volume}GB`,
        tables: int(v.tables, 'tables'),
        write_rate: v.write_rate === undefined ? undefined : Number(v.write_rate),
        downtime: str(v.downtime) as 'zero' | undefined,
        cdc_available: v.cdc === true ? true : v.no_cdc === true ? false : undefined,
        source_ddl: v.ddl === undefined ? undefined : readInput(String(v.ddl), 'ddl'),
      });
      return formatOf(v, 'markdown') === 'markdown' ? { [RAW]: plan.markdown } : plan;
    },
  },
  {
    name: 'convert-schema',
    positionals: 1,
    summary: 'convert MySQL, SQL Server or Oracle DDL to PostgreSQL',
    usage: 'coordinator convert-schema FILE --from mysql|mariadb|sqlserver|oracle [--format json|sql] [--no-validate]\n'
      + '  The DDL is run in PGlite (if installed); statements PostgreSQL rejects become action items. --no-validate skips that.\n'
      + '  --format sql prints the DDL; the action items and the statements it could not convert go to stderr, and exit code 2 means some were left out',
    store: false,
    options: {
      from: { type: 'string', description: 'the dialect of FILE' },
      format: { type: 'string', description: 'json (default: DDL, changes, action items, summary) or sql (the DDL; the rest on stderr)' },
      no_validate: { type: 'boolean', description: 'do not run the output in PGlite' },
    },
    run: async (_s, p, v) => {
      const result = await convertSchemaChecked(readInput(need(p[0], 'file', 'coordinator convert-schema FILE --from mysql'), 'file'), need(str(v.from), 'from', 'coordinator convert-schema FILE --from mysql'), { validate: v.no_validate !== true });
      if (formatOf(v, 'sql') !== 'sql') return result;
      const v8n = result.validation;
      const warnings = [
        ...result.action_items.map((a) => `action (${a.complexity}): ${a.object}: ${a.reason}; ${a.recommended_action}`),
        ...result.unparsed.map((u) => `not converted: ${u.statement.slice(0, 200)}: ${u.error}`),
        v8n.checked ? `checked with ${v8n.validated_with}: ${v8n.rejected} of ${v8n.statements} statements rejected` : `not checked in PostgreSQL: ${v8n.reason}`,
      ];
      return { [RAW]: result.ddl, [RAW_WARNINGS]: warnings, [RAW_EXIT]: leftOut(result).length > 0 ? 2 : 0 };
    },
  },
  {
    name: 'ui',
    positionals: 0,
    summary: 'the board: queues, flags, activity and search in a browser, live, on 127.0.0.1 only',
    usage: 'coordinator ui [--port N] [--db PATH|postgres://...] [--open] [--person NAME]\n'
      + '  Prints a URL with a random token (every request needs it; the first visit trades it for a session cookie) and serves until\n'
      + '  Ctrl-C. Actions (force-unlock, close a broadcast, withdraw) are recorded in the history as person:NAME.',
    options: {
      port: { type: 'string', description: 'the port on 127.0.0.1 (default 4280; 0: any free port)' },
      open: { type: 'boolean', description: 'open the URL in the default browser' },
      person: { type: 'string', description: 'your name in the history of your actions (default: your login name)' },
    },
    run: async (services, _p, v) => {
      const port = int(v.port, 'port') ?? 4280;
      if (port < 0 || port > 65535) throw invalid('port', 'range', `--port must be from 0 to 65535 (0: any free port); got ${port}`);
      const [{ createBoard, defaultPerson }, { startBoardServer }, { personHandle }] = await Promise.all([
        import('./ui/board.js'), import('./ui/server.js'), import('./flags/service.js')]);
      const person = str(v.person) ?? defaultPerson();
      personHandle(person);
      let server;
      try {
        server = await startBoardServer(createBoard(services), { port, person });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE') throw invalid('port', 'free', `port ${port} on 127.0.0.1 is in use; pass --port with another number, or --port 0 for any free one`);
        throw err;
      }
      process.stdout.write(`coordinator ui: the board of ${services.flags.store.dialect === 'postgres' ? 'the PostgreSQL store' : services.db.name} at\n${server.url}\n(keep the URL to yourself: it carries the token; Ctrl-C stops)\n`);
      if (v.open === true) openInBrowser(server.url);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await server.close();
      return { [RAW]: '' };
    },
  },
  {
    name: 'where',
    positionals: 0,
    summary: 'the database file the other verbs (and a server started here) use, and how it was chosen',
    usage: 'coordinator where [--db PATH] [--format json|plain]\n'
      + '  --db, then $COORDINATOR_DB, then <main worktree>/.claude/coordinator.db of the git repository of $CLAUDE_PROJECT_DIR or the\n'
      + '  working folder (every worktree and subfolder shares it), else <project>/.claude/coordinator.db. Creates nothing.\n'
      + '  --format plain prints the path alone: sqlite3 "$(coordinator where --format plain)"',
    store: false,
    options: { format: { type: 'string', description: 'json (default: path, source flag|env|git|project, reason, exists, ...) or plain (the path alone)' } },
    run: (_s, _p, v) => {
      const format = formatOf(v, 'plain');
      const { path, source, reason, project_dir, git } = locateDb(str(v.db));
      if (format === 'plain') return { [RAW]: path };
      return { path, source, reason, exists: path !== ':memory:' && existsSync(path), project_dir, ...(git ? { git } : {}) };
    },
  },
  {
    name: 'query',
    positionals: 2,
    summary: 'read-only SQL over the store (one SELECT or WITH)',
    usage: 'coordinator query "SELECT ..." [\'[params as JSON]\'] [--max_rows N]',
    options: { max_rows: { type: 'string', description: 'at most N rows (default 200)' } },
    run: ({ queries }, p, v) => {
      let params: unknown;
      if (p[1] !== undefined) {
        try {
          params = JSON.parse(p[1]);
        } catch (err) {
          throw invalid('params', 'json', `params must be JSON, e.g. '["@backend.api"]' or '{"agent": "@backend.api"}' (${(err as Error).message})`);
        }
      }
      return queries.run(need(p[0], 'sql', 'coordinator query "SELECT ..."'), params, int(v.max_rows, 'max_rows'));
    },
  },
];

const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  db: { type: 'string', description: 'database file (default $COORDINATOR_DB, else <main worktree>/.claude/coordinator.db of the git repository of $CLAUDE_PROJECT_DIR or cwd, else <project>/.claude/coordinator.db; see coordinator where)' },
  agents_dir: { type: 'string', description: 'an extra folder of agent files, repeatable (also $COORDINATOR_AGENTS_DIRS)' },
  bundled_agents: { type: 'string', description: 'the bundled team: auto (default: only while you have no agents of your own), on or off (also $COORDINATOR_BUNDLED_AGENTS)' },
  no_bundled_agents: { type: 'boolean', description: 'deprecated: the same as --bundled-agents off' },
  help: { type: 'boolean', description: 'explain the verb' },
};

function helpText(verb?: Verb): string {
  if (!verb) {
    const width = Math.max(...VERBS.map((v) => v.name.length));
    return [
      `coordinator ${VERSION}: FLAGS between agents, from the shell. Every verb prints JSON on stdout;`,
      'an error prints {"error": ...} and exits 1.',
      '',
      'Usage: coordinator VERB [ARGS] [--db PATH]',
      '',
      'Verbs:',
      ...VERBS.map((v) => `  ${v.name.padEnd(width)}  ${v.summary}`),
      '',
      'coordinator VERB --help explains a verb and its options. Options accept --snake_case or --kebab-case.',
      '',
      'Database: --db, else $COORDINATOR_DB, else one per git repository, <main worktree>/.claude/coordinator.db,',
      'shared by its worktrees and subfolders (outside git: <project>/.claude/coordinator.db). coordinator where',
      'prints it. The database and migration verbs (get-database, recommend-databases, plan-migration,',
      'convert-schema) open none.',
      '',
      'Agents: the bundled team of 48 is searched only while you have no agents of your own',
      '(--bundled-agents auto, the default; on or off to choose). coordinator agents install copies it',
      'into .claude/agents, where Claude Code can run it.',
    ].join('\n');
  }
  const options = { ...verb.options, ...GLOBAL_OPTIONS };
  const width = Math.max(...Object.keys(options).map((k) => k.length)) + 2;
  return [
    `coordinator ${verb.name}: ${verb.summary}`,
    '',
    `Usage: ${verb.usage}`,
    '',
    'Options:',
    ...Object.entries(options).map(([k, o]) => `  --${k.padEnd(width)}${o.type === 'string' ? '' : '(flag) '}${o.description}`),
  ].join('\n');
}

function parseOptions(verb: Verb, args: string[]) {
  const specs = { ...verb.options, ...GLOBAL_OPTIONS };
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const [key, spec] of Object.entries(specs)) {
    const multiple = key === 'agents_dir' || spec.multiple === true;
    options[key] = { type: spec.type, multiple };
    if (key.includes('_')) options[key.replaceAll('_', '-')] = { type: spec.type, multiple };
  }
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
  const merged: Values = {};
  for (const [key, value] of Object.entries(values)) {
    const k = key.replaceAll('-', '_');
    merged[k] = Array.isArray(value) ? [...((merged[k] as string[] | undefined) ?? []), ...value.map(String)] : value;
  }
  return { values: merged, positionals };
}

/** Tool names that have a verb here, and the verb. */
const VERB_OF_TOOL = new Map(VERBS.map((v) => [v.name.replaceAll('-', '_'), v.name]));

/**
 * The services word their refusals and warnings for MCP clients ("use update_flag", "pass force:
 * true"); here they name the verb and the option instead.
 */
function inCliWords(text: string): string {
  return text.replace(/\b[a-z]+(?:_[a-z]+)+\b/g, (name) => VERB_OF_TOOL.get(name) ?? name).replaceAll('force: true', '--force');
}

function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** An answer: its warnings in the command line's words. */
function printAnswer(value: unknown): void {
  const warnings = (value as { warnings?: unknown } | null)?.warnings;
  printJson(Array.isArray(warnings) && warnings.length ? { ...(value as object), warnings: warnings.map((w) => inCliWords(String(w))) } : value);
}

/** Opens a URL with the desktop's opener; a machine without one only misses the convenience. */
function openInBrowser(url: string): void {
  const [cmd, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => process.stderr.write(`coordinator ui: could not open a browser (${cmd}); open the URL above yourself\n`));
    child.unref();
  } catch {
    process.stderr.write('coordinator ui: could not open a browser; open the URL above yourself\n');
  }
}

/** A refusal, in the command line's words. */
function printError(err: unknown): void {
  const json = err instanceof CoordinatorError ? err.toJSON() : { error: (err as Error).message, code: 'internal' };
  printJson({ ...json, error: inCliWords(String(json.error)) });
}

/** A verb's answer: JSON, or its RAW rendering; the exit code. */
function printOutput(out: unknown): number {
  if (out && typeof out === 'object' && RAW in out) {
    const raw = out as Record<symbol, unknown>;
    const text = String(raw[RAW]).trimEnd();
    if (text) process.stdout.write(`${text}\n`);
    for (const w of (raw[RAW_WARNINGS] as string[] | undefined) ?? []) process.stderr.write(`${w}\n`);
    return (raw[RAW_EXIT] as number | undefined) ?? (typeof process.exitCode === 'number' ? process.exitCode : 0);
  }
  printAnswer(out);
  return 0;
}

/** The lookup services, built on first use: verbs such as `hook` and `init` never load the database catalog. */
function lazyLookupServices(): LookupServices {
  let built: LookupServices | undefined;
  const get = () => (built ??= createLookupServices());
  return {
    get databases() { return get().databases; },
    get recommender() { return get().recommender; },
    get planner() { return get().planner; },
  };
}

/** Global options written before the verb (coordinator --db x.db get-workable-flags) move after it. */
function verbFirst(argv: string[]): string[] {
  const before: string[] = [];
  let i = 0;
  while (i < argv.length && argv[i]!.startsWith('--')) {
    const [flag, inline] = argv[i]!.slice(2).replaceAll('-', '_').split('=', 2) as [string, string | undefined];
    const spec = GLOBAL_OPTIONS[flag];
    if (!spec || flag === 'help') break;
    before.push(argv[i]!);
    if (spec.type === 'string' && inline === undefined && i + 1 < argv.length) before.push(argv[++i]!);
    i++;
  }
  if (before.length === 0) return argv;
  if (i >= argv.length) throw new CoordinatorError('invalid_argument', `no verb after ${before.join(' ')}; see coordinator --help`, { field: 'verb', rule: 'required' });
  return [argv[i]!, ...before, ...argv.slice(i + 1)];
}

export async function runCli(args: string[]): Promise<number> {
  let argv: string[];
  try {
    argv = verbFirst(args);
  } catch (err) {
    printError(err);
    return 1;
  }
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${helpText()}\n`);
    return name === undefined ? 1 : 0;
  }
  if (name === '--version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const verb = VERBS.find((v) => v.name === name || v.name === name.replaceAll('_', '-'));
  if (!verb) {
    printJson({ error: `unknown verb "${name}"; the verbs are: ${VERBS.map((v) => v.name).join(', ')}`, code: 'invalid_argument' });
    return 1;
  }
  let parsed;
  try {
    parsed = parseOptions(verb, rest);
  } catch (err) {
    printJson({ error: `${(err as Error).message}; see coordinator ${verb.name} --help`, code: 'invalid_argument' });
    return 1;
  }
  if (parsed.values.help) {
    process.stdout.write(`${helpText(verb)}\n`);
    return 0;
  }
  if (parsed.positionals.length > verb.positionals) {
    const extra = parsed.positionals.slice(verb.positionals).map((p) => JSON.stringify(p)).join(' ');
    printJson({ error: `unexpected argument(s) ${extra}; usage: ${verb.usage}`, code: 'invalid_argument', field: 'arguments', rule: 'count' });
    return 1;
  }
  if (verb.store === false) {
    try {
      return printOutput(await verb.run(lazyLookupServices(), parsed.positionals, parsed.values));
    } catch (err) {
      printError(err);
      return 1;
    }
  }
  let bundled;
  try {
    bundled = resolveBundledMode(str(parsed.values.bundled_agents), parsed.values.no_bundled_agents === true);
  } catch (err) {
    printJson({ error: `${(err as Error).message}; see coordinator ${verb.name} --help`, code: 'invalid_argument', field: 'bundled_agents', rule: 'enum' });
    return 1;
  }
  // A postgres:// URL (--db, else COORDINATOR_DB): the flag verbs act on the shared PostgreSQL store.
  const pgUrl = [str(parsed.values.db), process.env.COORDINATOR_DB].find((v) => v !== undefined && v.trim() !== '');
  let db;
  let flagStore: FlagStore | undefined;
  let tokenStore: TokenStore | undefined;
  try {
    if (isPostgresUrl(pgUrl)) {
      const [{ PostgresFlagStore }, { PostgresTokenStore }, { poolConnector }] = await Promise.all([
        import('./store/postgres/flags.js'), import('./store/postgres/tokens.js'), import('./store/postgres/connect.js')]);
      const connector = poolConnector(pgUrl.trim(), { max: 2 });
      flagStore = await PostgresFlagStore.open(connector);
      tokenStore = new PostgresTokenStore(connector);
      db = openStore(':memory:');
    } else {
      db = openStore(resolveDbPath(str(parsed.values.db)));
    }
  } catch (err) {
    const reason = err instanceof StoreOpenError ? err.message : (err as Error).message;
    printJson({ error: isPostgresUrl(pgUrl) ? `cannot use the PostgreSQL store ${redactUrl(pgUrl.trim())}: ${reason}` : reason, code: 'store' });
    return 1;
  }
  let services: Services | undefined;
  try {
    const dbPath = flagStore ? ':memory:' : resolveDbPath(str(parsed.values.db));
    services = createServices(db, {
      dbPath,
      flagStore,
      tokenStore,
      agentRoots: resolveAgentRoots({ agentsDirs: (parsed.values.agents_dir as string[] | undefined) ?? [], bundled }),
      bundledAgents: bundled,
    });
    return printOutput(await verb.run(services, parsed.positionals, parsed.values));
  } catch (err) {
    printError(err);
    return 1;
  } finally {
    services?.close();
    db.close();
    await flagStore?.close();
  }
}

process.exitCode = await runCli(process.argv.slice(2));
