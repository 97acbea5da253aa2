import * as z from 'zod';
import type { AgentService } from '../agents/service.js';
import { atMost, defineTool, idArg, nameArg } from '../mcp/define.js';
import { CoordinatorError } from '../errors.js';
import { contextProblem, FLAG_TYPES, IMPACT_LEVELS, MAX_NAME_INPUT, MAX_RELATED_FILES, MAX_SHORT_TEXT, MAX_TEXT, MIN_ACTION_REQUIRED, MIN_CHANGE_DESCRIPTION, normalizeHandle } from './rules.js';
import {
  BROADCAST_WORDS, type CreateFlagInput, MISSING_TARGET, DEFAULT_LEASE_SECONDS, DEFAULT_LIST_LIMIT, DEFAULT_QUEUE_LIMIT, DEFAULT_WORKABLE_LIMIT, type FlagFields,
  MAX_LEASE_SECONDS, MAX_NOTES, MIN_LEASE_SECONDS, type Flag, type FlagService,
} from './service.js';

const HANDLE_HINT = 'e.g. "@backend.api"';
const handle = (what: string) => nameArg().describe(`${what}: ${HANDLE_HINT}`);
/**
 * Text arguments: the service counts characters (code points) after trimming and refuses past
 * max with the exact count; the schema admits twice as many UTF-16 units, so that any text within
 * the rule passes it, and stops a megabyte before it reaches the service.
 */
const text = (max: number) => z.string().superRefine(atMost(2 * max));
/** context: a JSON object of at most MAX_CONTEXT_DEPTH levels and MAX_CONTEXT_VALUES values (its bytes are checked by the service). */
const contextValue = z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
  const problem = contextProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem.message, params: { rule: problem.rule } });
});
/** A flag id: a number, or a string of digits ("12", "#12"), which the server takes as that number. */
const flagId = (what = 'the flag id') => idArg(what);
const flagType = z.enum(FLAG_TYPES);
const impact = z.enum(IMPACT_LEVELS);

const lockShape = z.object({ holder: z.string(), locked_at: z.string(), expires_at: z.string() });
const flagShape = z.object({
  id: z.number(),
  chain_origin_id: z.number().nullable(),
  flag_type: flagType,
  source_agent: z.string(),
  target_agent: z.string().nullable(),
  change_description: z.string(),
  action_required: z.string(),
  impact_level: impact,
  status: z.enum(['pending', 'completed']),
  related_files: z.array(z.string()),
  code_location: z.string().nullable(),
  example_usage: z.string().nullable(),
  context: z.record(z.string(), z.unknown()).nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  locked: z.boolean(),
  lock: lockShape.nullable(),
  completed_at: z.string().nullable(),
  completed_by: z.string().nullable(),
  notes: z.string().nullable(),
});

const contentFields = {
  flag_type: flagType.describe(
    'breaking_change: integrations break; refactor: same external API; change: anything else; information_request: you need an answer; security, data_loss: always critical',
  ),
  change_description: text(MAX_TEXT).describe(`What changed, where, why it matters (>= ${MIN_CHANGE_DESCRIPTION} chars)`),
  action_required: text(MAX_TEXT).describe(`What the target must do: files, steps, checks (>= ${MIN_ACTION_REQUIRED} chars)`),
  impact_level: impact.describe('critical: breaks now (breaking_change, security, data_loss only); high: act soon; medium (default); low: FYI. high/critical need a target'),
  related_files: z.union([z.array(text(MAX_SHORT_TEXT)).superRefine(atMost(2 * MAX_RELATED_FILES)), text((MAX_SHORT_TEXT + 1) * MAX_RELATED_FILES)]).describe('Affected files: a list or a comma-separated string'),
  chain_origin_id: flagId('Id of the flag that caused this one'),
  code_location: text(MAX_SHORT_TEXT).describe('file:line, e.g. "src/api/users.ts:42"'),
  example_usage: text(MAX_TEXT).describe('Code showing how to use the change'),
  context: contextValue.describe('Structured extra data (JSON object)'),
};

/**
 * A page of flags, as JSON, in characters: 500 flags of 20,000-character texts would be tens of
 * megabytes, sent twice (structuredContent and text). A page is cut at the last whole flag that
 * fits (at least one is always sent) and says so (truncated, has_more); the next page follows it.
 */
export const MAX_FLAGS_ANSWER_CHARS = 2_000_000;

function fitPage<T extends { flags: Flag[]; returned: number }>(page: T): { page: T; cut: boolean } {
  let chars = 0;
  let kept = 0;
  for (const flag of page.flags) {
    chars += JSON.stringify(flag).length + 1;
    if (chars > MAX_FLAGS_ANSWER_CHARS && kept > 0) break;
    kept++;
  }
  if (kept === page.flags.length) return { page, cut: false };
  return { page: { ...page, flags: page.flags.slice(0, kept), returned: kept }, cut: true };
}

/**
 * The agent catalog as the flags layer sees it: aliases resolve to real handles before anything is
 * stored or read, and a target or queue that is no active agent gets a warning. The tools and the
 * command line both go through these.
 */
const aliasOf = (agents: AgentService, value: unknown) =>
  typeof value === 'string' && !BROADCAST_WORDS.has(value.trim().toLowerCase()) ? agents.resolveAlias(value) : undefined;
const flagText = (flag: Flag) => `${flag.change_description} ${flag.action_required}`;

export async function createFlagWarned(flags: FlagService, agents: AgentService, input: CreateFlagInput) {
  const alias = aliasOf(agents, input.target_agent);
  const flag = await flags.create({ ...input, source_agent: agents.resolveHandle(input.source_agent), ...(alias ? { target_agent: alias.handle } : {}) });
  return { flag, warnings: agents.targetWarnings(flag.target_agent, 'created', { alias: alias?.alias, text: flagText(flag) }) };
}

export async function updateFlagWarned(flags: FlagService, agents: AgentService, id: unknown, agent: unknown, changes: FlagFields) {
  const alias = aliasOf(agents, changes.target_agent);
  const out = await flags.update(id, agents.resolveHandle(agent), alias ? { ...changes, target_agent: alias.handle } : changes);
  const warnings = agents.targetWarnings(out.flag.target_agent, 'updated', { alias: alias?.alias, text: flagText(out.flag) });
  return warnings.length ? { ...out, warnings } : out;
}

export async function agentQueueWarned(
  flags: FlagService, agents: AgentService, agent: unknown, options: { exclude_locked_by_others?: boolean; limit?: number }, build = false,
) {
  const alias = aliasOf(agents, agent);
  const { page, cut } = fitPage(await flags.agentQueue(alias?.handle ?? agent, options));
  const queue = cut ? { ...page, truncated: true } : page;
  const warnings = agents.queueWarnings(queue.agent, { build, alias: alias?.alias });
  return warnings.length ? { ...queue, warnings } : queue;
}

/**
 * get_workable_flags: each agent's queue says whether that agent exists in the catalog. Flags
 * sent to an alias are counted in the queue of the agent it names (the flag service merges them).
 */
export async function workableMarked(flags: FlagService, agents: AgentService, limit: unknown) {
  const out = await flags.workable(limit);
  return {
    ...out,
    agents: out.agents.map((q) => {
      if (q.target_agent === null) return q;
      return agents.exists(q.target_agent) ? { ...q, agent_exists: true } : { ...q, agent_exists: false, note: 'no such agent in the catalog: nobody reads these' };
    }),
  };
}

/** The handle arguments' problems (fields), for a refusal that also lists them when the schema refuses other arguments. */
function handleProblems(agents: AgentService, args: Record<string, unknown>, fields: readonly string[]): CoordinatorError[] {
  const problems: CoordinatorError[] = [];
  for (const field of fields) {
    try {
      normalizeHandle(agents.resolveHandle(args[field]), field);
    } catch (err) {
      if (err instanceof CoordinatorError) problems.push(err);
      else throw err;
    }
  }
  return problems;
}

/**
 * get_flag: a broadcast also lists who has acknowledged it and, while it is pending, which active
 * agents of the catalog have not (its sender is not expected to). Acknowledgements stored under an
 * alias count for the agent it names.
 */
export async function flagWithAcks(flags: FlagService, agents: AgentService, id: unknown) {
  const out = await flags.get(id);
  if (!out.acknowledged_by) return out;
  const done = new Set(out.acknowledged_by.map((a) => agents.resolveHandle(a.agent)));
  const sender = agents.resolveHandle(out.flag.source_agent);
  let active: string[] = [];
  try {
    active = agents.catalog.all().map((a) => a.name);
  } catch {
    active = []; // a catalog that cannot be read: nobody is listed as missing
  }
  const not_acknowledged = out.flag.status === 'pending' ? active.filter((h) => h !== sender && !done.has(h)).sort() : [];
  return { ...out, not_acknowledged };
}

export function flagTools(flags: FlagService, agents: AgentService) {
  const as = (value: string) => agents.resolveHandle(value);
  const agentCheck = (args: Record<string, unknown>) => handleProblems(agents, args, ['agent']);
  return [
    defineTool({
      name: 'create_flag',
      title: 'Create flag',
      description:
        'Tell another agent your change affects their work (schema, API, auth, config...); it waits in their queue by impact. Pick the target with search_agents; a null target_agent broadcasts to all.',
      kind: 'write',
      acts: ['source_agent'],
      input: {
        source_agent: handle('You, the sender'),
        // Missing, it is refused saying that null broadcasts (the message of the service's own refusal).
        target_agent: z.string({ error: (iss) => (iss.input === undefined ? MISSING_TARGET : undefined) }).superRefine(atMost(MAX_NAME_INPUT))
          .nullable().describe('The agent who must act, or null to broadcast to all'),
        flag_type: contentFields.flag_type,
        change_description: contentFields.change_description,
        action_required: contentFields.action_required,
        impact_level: contentFields.impact_level.optional(),
        related_files: contentFields.related_files.optional(),
        chain_origin_id: contentFields.chain_origin_id.optional(),
        code_location: contentFields.code_location.optional(),
        example_usage: contentFields.example_usage.optional(),
        context: contentFields.context.optional(),
      },
      output: {
        success: z.literal(true),
        flag_id: z.number(),
        message: z.string(),
        from: z.string(),
        to: z.string().nullable(),
        priority: impact,
        flag: flagShape,
        warnings: z.array(z.string()),
      },
      check: (args) => flags.createProblems({ ...args, source_agent: typeof args.source_agent === 'string' ? as(args.source_agent) : args.source_agent }),
      handle: async (args) => {
        const { flag, warnings } = await createFlagWarned(flags, agents, args);
        return {
          success: true as const,
          flag_id: flag.id,
          message: `FLAG #${flag.id} created: ${flag.flag_type}${flag.target_agent ? ` for ${flag.target_agent}` : ' (broadcast)'}`,
          from: flag.source_agent,
          to: flag.target_agent,
          priority: flag.impact_level,
          flag,
          warnings,
        };
      },
    }),
    defineTool({
      name: 'get_agent_flags',
      title: 'Get my flag queue',
      description:
        'Your pending flags (to you, and broadcasts you have not completed), most urgent first, then oldest. Check it before new work; lock one before working on it.',
      kind: 'read',
      input: {
        agent: handle('The agent whose queue to read'),
        exclude_locked_by_others: z.boolean().optional().describe('Leave out flags locked by others'),
        limit: z.number().int().min(1).max(500).optional().describe(`Max flags (default ${DEFAULT_QUEUE_LIMIT})`),
      },
      output: {
        agent: z.string(),
        total_pending: z.number(),
        held_by_others: z.number(),
        returned: z.number(),
        truncated: z.boolean(),
        flags: z.array(flagShape),
        warnings: z.array(z.string()).optional(),
      },
      check: agentCheck,
      handle: (args) => agentQueueWarned(flags, agents, args.agent, args),
    }),
    defineTool({
      name: 'list_flags',
      title: 'List flags',
      description: 'Search flags (default pending) by target, source, type, impact, chain, text or date; newest first, paged.',
      kind: 'read',
      input: {
        status: z.enum(['pending', 'completed', 'all']).optional().describe('Default pending'),
        target_agent: nameArg().optional().describe('Addressed to this agent'),
        broadcast_only: z.boolean().optional().describe('Only broadcasts'),
        source_agent: nameArg().optional().describe('Sent by this agent'),
        flag_type: flagType.optional().describe('This type'),
        impact_level: impact.optional().describe('This impact'),
        chain_id: flagId('The chain containing this flag').optional(),
        text: z.string().max(500).optional().describe('Text in description, action or notes'),
        since: nameArg().optional().describe('Created at or after (ISO 8601)'),
        not_acknowledged_by: nameArg().optional().describe('Hide broadcasts it acknowledged'),
        limit: z.number().int().min(1).max(500).optional().describe(`Page size (default ${DEFAULT_LIST_LIMIT})`),
        offset: z.number().int().min(0).superRefine(atMost(1_000_000_000)).optional().describe('Skip (default 0)'),
      },
      output: {
        total: z.number(),
        offset: z.number(),
        returned: z.number(),
        has_more: z.boolean(),
        flags: z.array(flagShape),
      },
      handle: async (args) => {
        const { page, cut } = fitPage(await flags.list({
          ...args,
          target_agent: args.target_agent === undefined ? undefined : as(args.target_agent),
          source_agent: args.source_agent === undefined ? undefined : as(args.source_agent),
          not_acknowledged_by: args.not_acknowledged_by === undefined ? undefined : as(args.not_acknowledged_by),
        }));
        return cut ? { ...page, has_more: true } : page;
      },
    }),
    defineTool({
      name: 'get_flag',
      title: 'Get flag',
      description: 'One flag in full, with its chain (origin and descendants), history and, for a broadcast, who acknowledged it.',
      kind: 'read',
      input: { id: flagId() },
      output: {
        flag: flagShape,
        chain: z.array(z.object({
          id: z.number(), chain_origin_id: z.number().nullable(), depth: z.number(), flag_type: flagType, impact_level: impact,
          status: z.enum(['pending', 'completed']), source_agent: z.string(), target_agent: z.string().nullable(), change_description: z.string(),
        })),
        history: z.array(z.object({
          id: z.number(), flag_id: z.number(), action: z.string(), agent: z.string(), at: z.string(),
          details: z.record(z.string(), z.unknown()).nullable(),
        })),
        acknowledged_by: z.array(z.object({ agent: z.string(), at: z.string(), notes: z.string().nullable() })).optional(),
        not_acknowledged: z.array(z.string()).optional(),
      },
      handle: (args) => flagWithAcks(flags, agents, args.id),
    }),
    defineTool({
      name: 'update_flag',
      title: 'Update flag',
      description: 'Edit a pending flag you sent: give only the fields to change. Refused while another agent holds it; the rules of create_flag apply to the result.',
      kind: 'write',
      idempotent: true,
      acts: ['agent'],
      input: {
        id: flagId(),
        agent: handle('You, its sender'),
        target_agent: nameArg().nullable().optional().describe('null: broadcast'),
        flag_type: flagType.optional().describe('As in create_flag'),
        change_description: text(MAX_TEXT).optional().describe(`>= ${MIN_CHANGE_DESCRIPTION} chars`),
        action_required: text(MAX_TEXT).optional().describe(`>= ${MIN_ACTION_REQUIRED} chars`),
        impact_level: impact.optional().describe('As in create_flag'),
        related_files: contentFields.related_files.optional(),
        chain_origin_id: idArg().nullable().optional().describe('null: detach'),
        code_location: text(MAX_SHORT_TEXT).nullable().optional().describe('null: clear'),
        example_usage: text(MAX_TEXT).nullable().optional().describe('null: clear'),
        context: contextValue.nullable().optional().describe('null: clear'),
      },
      output: { flag: flagShape, changed: z.array(z.string()), warnings: z.array(z.string()).optional() },
      check: (args) => flags.updateProblems({ ...args, agent: agents.resolveHandle(args.agent) }),
      handle: ({ id, agent, ...changes }) => updateFlagWarned(flags, agents, id, agent, changes),
    }),
    defineTool({
      name: 'delete_flag',
      title: 'Withdraw flag',
      description: 'Withdraw a pending flag you sent, unless another agent holds it; the history keeps a copy. Handled flags are completed, not deleted.',
      kind: 'destructive',
      acts: ['agent'],
      input: { id: flagId(), agent: handle('You, its sender') },
      output: { deleted: z.literal(true), flag_id: z.number(), flag: flagShape },
      check: agentCheck,
      handle: (args) => flags.delete(args.id, as(args.agent)),
    }),
    defineTool({
      name: 'lock_flag',
      title: 'Lock flag',
      description:
        'Claim a flag before working on it: exactly one agent wins, others are told the holder. A lease: it ends after lease_seconds; locking again renews it.',
      kind: 'write',
      acts: ['agent'],
      input: {
        id: flagId(),
        agent: handle('You, taking the lock'),
        lease_seconds: z.number().int().min(MIN_LEASE_SECONDS).max(MAX_LEASE_SECONDS).optional()
          .describe(`Lease length (default ${DEFAULT_LEASE_SECONDS})`),
      },
      output: {
        success: z.literal(true),
        flag_id: z.number(),
        locked: z.literal(true),
        action: z.enum(['locked', 'renewed', 'lock_taken_over']),
        lock: lockShape,
      },
      check: agentCheck,
      handle: (args) => flags.lock(args.id, as(args.agent), args.lease_seconds),
    }),
    defineTool({
      name: 'unlock_flag',
      title: 'Unlock flag',
      description: 'Release your lock on a flag. Only the holder may, unless force is true (recorded).',
      kind: 'write',
      idempotent: true,
      acts: ['agent'],
      input: {
        id: flagId(),
        agent: handle('You, the lock holder'),
        force: z.boolean().optional().describe("Break another agent's lock; only when the holder is gone"),
      },
      output: {
        success: z.literal(true),
        flag_id: z.number(),
        locked: z.literal(false),
        was_locked: z.boolean(),
        forced: z.boolean().optional(),
        previous_holder: z.string().nullable().optional(),
        message: z.string().optional(),
      },
      check: agentCheck,
      handle: (args) => flags.unlock(args.id, as(args.agent), args.force ?? false),
    }),
    defineTool({
      name: 'complete_flag',
      title: 'Complete flag',
      description: 'Mark a flag done, with notes: what you did, or why it does not apply. Refused while another agent holds it; a repeat returns the first completion. A broadcast is done for you alone; its sender closes it for all.',
      kind: 'write',
      idempotent: true,
      acts: ['agent'],
      input: {
        id: flagId(),
        agent: handle('You, who handled it'),
        notes: text(MAX_NOTES).optional().describe('What you did, or why it needs nothing from you'),
        close_for_all: z.boolean().optional().describe('Close your broadcast for all'),
        force: z.boolean().optional().describe('With close_for_all: one not yours'),
      },
      output: {
        success: z.literal(true),
        flag_id: z.number(),
        already_completed: z.boolean(),
        completed_by: z.string().nullable(),
        completed_at: z.string().nullable(),
        notes: z.string().nullable(),
        already_acknowledged: z.boolean().optional(),
        acknowledged_at: z.string().optional(),
        flag: flagShape,
      },
      check: agentCheck,
      handle: (args) => flags.complete(args.id, as(args.agent), args.notes, { close_for_all: args.close_for_all, force: args.force }),
    }),
    defineTool({
      name: 'get_workable_flags',
      title: 'Workable flags per agent',
      description: 'Per agent with pending flags: how many nobody holds, how many are held, the highest workable impact. Broadcasts: target_agent null.',
      kind: 'read',
      input: { limit: z.number().int().min(1).max(1000).optional().describe(`Max agents, most urgent first (default ${DEFAULT_WORKABLE_LIMIT})`) },
      output: {
        total_agents: z.number(),
        returned: z.number(),
        agents: z.array(z.object({
          target_agent: z.string().nullable(),
          workable: z.number(),
          held: z.number(),
          highest_impact: impact.nullable(),
          oldest_workable_at: z.string().nullable(),
          agent_exists: z.boolean().optional(),
          note: z.string().optional(),
        })),
      },
      handle: (args) => workableMarked(flags, agents, args.limit),
    }),
  ];
}
