// `coordinator hook EVENT`: Claude Code's hooks (see `coordinator init`). Each reads the hook's JSON
// on stdin and prints the hook's JSON on stdout:
// - SessionStart: in the main session, one paragraph of workable flags per agent, so the lead delegates.
// - SubagentStart: the subagent's own queue (its handle is @<agent_type>), most urgent first, as facts.
// - UserPromptSubmit: only the flags that arrived since this session last saw them (hook_sessions).
// - PreToolUse on mcp__coordinator__*: stamps the caller's identity into agent/source_agent, and
//   denies a subagent's call that claims another agent's identity.
// A hook never breaks a session: any failure prints nothing on stdout and one line on stderr, and
// exits 0. The hot path is small: this module needs no database; hook-store.ts (SQLite, the flags
// service) is loaded only by the events that read the store. No agent folders are read, the store
// is opened without the schema pass unless it needs an upgrade, and a missing database is not created.
import { readFileSync } from 'node:fs';
import { isPostgresUrl } from '../store/postgres/url.js';
import { HANDLE_PATTERN, normalizeHandle } from '../flags/rules.js';
import { DEFAULT_MAIN_HANDLE, HOOK_EVENTS, type HookEvent, remoteUrl } from './events.js';
import type { Caller } from './hook-store.js';

/**
 * The arguments of our tools that name the acting agent: a subagent's are stamped with its own
 * handle, and a claim of another is refused. (list_flags' source_agent and target_agent are
 * filters; create_flag's and update_flag's target_agent name the receiver.)
 */
export const IDENTITY_ARGUMENTS: Readonly<Record<string, string>> = {
  create_flag: 'source_agent',
  update_flag: 'agent',
  delete_flag: 'agent',
  lock_flag: 'agent',
  unlock_flag: 'agent',
  complete_flag: 'agent',
};
/** Arguments that choose whose queue to read: filled in with the caller when missing, never refused. */
export const QUEUE_ARGUMENTS: Readonly<Record<string, string>> = { get_agent_flags: 'agent' };

export interface HookInput {
  session_id?: unknown;
  hook_event_name?: unknown;
  agent_type?: unknown;
  agent_id?: unknown;
  source?: unknown;
  prompt?: unknown;
  tool_name?: unknown;
  tool_input?: unknown;
  cwd?: unknown;
  [key: string]: unknown;
}

export interface HookOptions {
  /** The database file (default: as the server finds it, from CLAUDE_PROJECT_DIR). */
  dbPath?: string;
  /** The main session's handle (init --as; default @main). */
  as?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Milliseconds since the epoch (tests). */
  now?: () => number;
  /** A coordinator served over HTTP (init --remote): the hooks read it through its tools, with $COORDINATOR_TOKEN. */
  remote?: string;
}

export type HookOutput = { hookSpecificOutput: Record<string, unknown> } | null;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Claude Code's agent_type as a handle: `Explore` is @explore, `my-plugin:reviewer` @my-plugin:reviewer. */
export function handleOfAgentType(agentType: string): string | null {
  const asHandle = (raw: string) => {
    const handle = `@${raw.trim().replace(/^@/, '').toLowerCase().replace(/\s+/g, '-')}`;
    return handle.length <= 64 && HANDLE_PATTERN.test(handle) ? handle : null;
  };
  return asHandle(agentType) ?? asHandle(agentType.trim().toLowerCase().replace(/[^a-z0-9:._-]+/g, '-').replace(/^[-_.]+|[-_.]+$/g, ''));
}

function sessionOf(input: HookInput): string {
  if (typeof input.session_id !== 'string' || input.session_id.trim() === '') throw new Error('the hook input has no session_id');
  return input.session_id.slice(0, 200);
}

/** The caller's handle: @<agent_type> inside a subagent (or a session run as an agent), else the configured main handle. */
function callerOf(input: HookInput, options: HookOptions): { me: string; subagent: boolean } {
  if (typeof input.agent_type === 'string' && input.agent_type.trim() !== '') {
    const me = handleOfAgentType(input.agent_type);
    if (!me) throw new Error(`agent_type ${JSON.stringify(input.agent_type.slice(0, 80))} cannot be made into an agent handle`);
    return { me, subagent: true };
  }
  return { me: normalizeHandle(options.as ?? DEFAULT_MAIN_HANDLE, 'as'), subagent: false };
}

/** The tool's name without its server prefix, when it is one of ours (mcp__coordinator__x, or a plugin's mcp__plugin_p_coordinator__x). */
export function ourToolName(toolName: unknown): string | null {
  if (typeof toolName !== 'string') return null;
  const m = /^mcp__(?:coordinator|plugin_[a-z0-9_-]*_coordinator|plugin_coordinator[a-z0-9_-]*)__([a-z_]+)$/i.exec(toolName);
  return m ? m[1]! : null;
}

function deny(reason: string): HookOutput {
  return { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: reason } };
}

function allowWith(updatedInput: Record<string, unknown>, reason: string): HookOutput {
  return { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'allow', permissionDecisionReason: reason, updatedInput } };
}

async function preToolUse(input: HookInput, options: HookOptions): Promise<HookOutput> {
  const tool = ourToolName(input.tool_name);
  if (tool === null) return null;
  const identityArg = IDENTITY_ARGUMENTS[tool];
  const queueArg = QUEUE_ARGUMENTS[tool];
  const arg = identityArg ?? queueArg;
  if (arg === undefined) return null;
  const toolInput = isObject(input.tool_input) ? input.tool_input : {};
  const given = toolInput[arg];
  const missing = given === undefined || given === null || (typeof given === 'string' && given.trim() === '');
  const { me, subagent } = callerOf(input, options);
  if (missing) {
    return allowWith({ ...toolInput, [arg]: me }, `coordinator-mcp: ${arg} filled in as ${me}, ${subagent ? 'this subagent\'s agent type' : 'the main session\'s handle'}`);
  }
  // The main session keeps what it gives; a subagent reading another agent's queue is no claim of identity.
  if (!subagent || identityArg === undefined) return null;
  let claimed: string | undefined;
  try {
    claimed = normalizeHandle(given, arg);
  } catch {
    claimed = undefined;
  }
  if (claimed === me) return given === me ? null : allowWith({ ...toolInput, [arg]: me }, `coordinator-mcp: ${arg} stamped as ${me}`);
  // An alias of this very agent (the catalog table says so) is the same identity.
  if (claimed !== undefined && options.remote === undefined && !isPostgresUrl(options.dbPath ?? (options.env ?? process.env).COORDINATOR_DB)) {
    const same = await (await import('./hook-store.js')).sameAgent(options, claimed, me);
    if (same) return allowWith({ ...toolInput, [arg]: me }, `coordinator-mcp: ${arg} stamped as ${me} (${claimed} is an alias of it)`);
  }
  const shown = typeof given === 'string' ? JSON.stringify(given.slice(0, 80)) : 'a value that is no handle';
  return deny(`coordinator-mcp: this subagent is ${me} (its agent type), so ${tool} acts as ${me}; ${arg} ${shown} claims another agent's identity. `
    + `Call ${tool} again with ${arg} "${me}" or leave ${arg} out (it is filled in).`);
}

/** One hook event: the JSON to print, or null for nothing. Throws on bad input (the caller turns that into one line on stderr). */
export async function runHook(event: string, input: unknown, options: HookOptions = {}): Promise<HookOutput> {
  if (!(HOOK_EVENTS as readonly string[]).includes(event)) throw new Error(`unknown hook event ${JSON.stringify(event)}; the events are ${HOOK_EVENTS.join(', ')}`);
  if (!isObject(input)) throw new Error('the hook input is not a JSON object');
  if (event === 'PreToolUse') return preToolUse(input, options);
  const caller: Caller = { session: sessionOf(input), ...callerOf(input, options) };
  // Flags shared beyond this machine (a coordinator over HTTP, or a PostgreSQL store): marks in the user's cache.
  if (options.remote !== undefined || isPostgresUrl(options.dbPath ?? (options.env ?? process.env).COORDINATOR_DB)) {
    const shared = await import('./shared-hooks.js');
    return event === 'UserPromptSubmit' ? shared.sharedUserPrompt(caller, options) : shared.sharedStartContext(event as HookEvent, caller, options);
  }
  const store = await import('./hook-store.js');
  return event === 'UserPromptSubmit' ? store.userPrompt(caller, options) : store.startContext(event as HookEvent, caller, options);
}

/**
 * The process side: `coordinator hook EVENT [--as @handle] [--db PATH]`. Never fails the session:
 * on any error nothing goes to stdout, one line to stderr, and the exit code is 0.
 */
export async function runHookCli(args: string[], io: { stdin?: () => string; stdout: (s: string) => void; stderr?: (s: string) => void }): Promise<number> {
  const out = io.stdout; // the command line's stdout, given by the CLI: this module writes none itself
  const err = io.stderr ?? ((s: string) => process.stderr.write(s));
  let event = '?';
  try {
    const options: HookOptions = {};
    const rest = [...args];
    const positional: string[] = [];
    while (rest.length) {
      const a = rest.shift()!;
      const [flag, inline] = a.startsWith('--') ? (a.split('=', 2) as [string, string | undefined]) : [a, undefined];
      if (flag === '--as' || flag === '--db' || flag === '--remote') {
        const value = inline ?? rest.shift();
        if (value === undefined) throw new Error(`${flag} needs a value`);
        if (flag === '--as') options.as = value;
        else if (flag === '--remote') options.remote = remoteUrl(value);
        else options.dbPath = value;
      } else if (a.startsWith('--')) {
        throw new Error(`unknown option ${a}`);
      } else positional.push(a);
    }
    event = positional[0] ?? '?';
    if (positional.length !== 1) throw new Error('usage: coordinator hook SessionStart|SubagentStart|UserPromptSubmit|PreToolUse [--as @handle] [--db PATH | --remote URL], with the hook JSON on stdin');
    if (!io.stdin && process.stdin.isTTY) throw new Error('the hook JSON is read from stdin (Claude Code pipes it)');
    const raw = io.stdin ? io.stdin() : readFileSync(0, 'utf8');
    let input: unknown;
    try {
      input = JSON.parse(raw);
    } catch (e) {
      throw new Error(`stdin is not JSON (${(e as Error).message})`);
    }
    const result = await runHook(event, input, options);
    if (result) out(`${JSON.stringify(result)}\n`);
  } catch (e) {
    err(`coordinator hook ${event}: ${String((e as Error)?.message ?? e).split('\n')[0]}\n`);
  }
  return 0;
}
