// What a token may do over HTTP, checked before a tool runs: a read-only token calls only tools
// that change nothing; an agent token acts only as its own handles (an alias of one counts as it);
// an admin token acts as anyone. Who acted through which token goes into the flag's history.
import { AsyncLocalStorage } from 'node:async_hooks';
import { CoordinatorError } from '../errors.js';
import { normalizeHandle } from '../flags/rules.js';
import type { ToolDefinition } from '../mcp/define.js';
import type { TokenInfo } from './tokens.js';

/** The token behind the call being handled, as the history records it ("admin token 1a2b... as @x"). */
const actingVia = new AsyncLocalStorage<string>();

/** The history note of the current call (undefined outside an HTTP call with a token). */
export function currentVia(): string | undefined {
  return actingVia.getStore();
}

export interface AccessDeps {
  /** The real handle behind an alias (AgentService.resolveHandle). */
  resolve: (handle: string) => string;
  /** Whether two handles name the same agent (FlagService.sameAgent: equal, or one an alias of the other). */
  sameAgent: (a: string, b: string) => boolean;
}

const forbidden = (message: string, rule: string, field?: string) =>
  new CoordinatorError('forbidden', message, { ...(field ? { field } : {}), rule });

/** The handles a call acts as: the values of the tool's `acts` arguments, normalized; unreadable ones are left to the tool's own checks. */
function actingHandles(def: ToolDefinition, args: Record<string, unknown>, deps: AccessDeps): { field: string; handle: string }[] {
  const out: { field: string; handle: string }[] = [];
  for (const field of def.acts ?? []) {
    const value = args[field];
    if (typeof value !== 'string') continue;
    try {
      out.push({ field, handle: normalizeHandle(deps.resolve(value), field) });
    } catch {
      // not a handle: the tool refuses it, naming the argument
    }
  }
  return out;
}

/**
 * Throws a 'forbidden' refusal naming the rule when the token may not make this call; otherwise
 * returns the history note of the call.
 */
export function authorizeCall(token: TokenInfo, def: ToolDefinition, args: Record<string, unknown>, deps: AccessDeps): string | undefined {
  if (def.kind === 'read') return undefined;
  if (token.role === 'read-only') {
    throw forbidden(`token ${token.id} is read-only: it may call only tools that change nothing, and ${def.name} writes; use an agent token to write`, 'read_only_token');
  }
  const acting = actingHandles(def, args, deps);
  if (token.role === 'admin') {
    return `admin token ${token.id}${acting.length ? ` as ${acting.map((a) => a.handle).join(', ')}` : ''}`;
  }
  if (!def.acts || def.acts.length === 0) {
    throw forbidden(`${def.name} does not say which agent it acts for, so an agent token may not call it; use an admin token`, 'agent_token_scope');
  }
  for (const { field, handle } of acting) {
    if (!token.agents.some((own) => deps.sameAgent(own, handle))) {
      throw forbidden(
        `token ${token.id} acts only as ${token.agents.join(', ')} (and their aliases); ${field} ${handle} is another agent. `
          + `An agent token may act only as its own handles: call with ${field} ${token.agents[0]}, or use that agent's token`,
        'own_handles_only',
        field,
      );
    }
  }
  return `token ${token.id} of ${acting.length ? acting.map((a) => a.handle).join(', ') : token.agents.join(', ')}`;
}

/** Runs a tool's handler with the token's note set for the history writes it makes. */
export function runVia<T>(via: string | undefined, fn: () => T): T {
  return via === undefined ? fn() : actingVia.run(via, fn);
}
