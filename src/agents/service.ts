import { splitDescription } from './examples.js';
import { CoordinatorError, invalid, quoted } from '../errors.js';
import { log } from '../log.js';
import type { AgentIdentity } from '../flags/service.js';
import { AGENT_SOURCES, type AgentCatalog, type AgentSummary } from './catalog.js';
import { matter, normalizeAgentName } from './parse.js';
import type { AgentSearch, SearchFilters } from './search.js';

export interface ListAgentsInput extends SearchFilters {
  limit?: number;
  offset?: number;
}

const SOURCES = AGENT_SOURCES;

/** How to get agents into the catalog, for warnings when it holds none. */
const NO_AGENTS = 'no agents are known: add agent files to <project>/.claude/agents/ or ~/.claude/agents/, or run "coordinator agents install" to copy the bundled team there';

/** A handle as the flags layer should store it: an alias becomes the agent's real handle. */
export interface ResolvedHandle {
  handle: string;
  /** The alias that was given, when it was one. */
  alias?: string;
}

/** Reading the catalog: lookups, listings and the "did you mean" of unknown names. */
export class AgentService {
  constructor(readonly catalog: AgentCatalog, readonly search: AgentSearch) {}

  resolve(nameValue: unknown, field = 'name'): AgentSummary {
    if (typeof nameValue !== 'string' || nameValue.trim() === '') throw invalid(field, 'non_empty', `${field} must be an agent handle such as "@database.postgres"`);
    const name = normalizeAgentName(nameValue);
    const agent = name ? this.catalog.lookup(name)?.agent : undefined;
    if (!agent) {
      const suggestions = this.search.suggest(name ?? nameValue); // none past 64 characters
      throw new CoordinatorError(
        'not_found',
        `no agent named ${name ?? quoted(nameValue)} in the catalog${suggestions.length ? `; did you mean ${suggestions.join(', ')}?` : ''} (search_agents finds agents by task)`,
        { field, rule: 'exists', suggestions },
      );
    }
    return agent;
  }

  get(nameValue: unknown) {
    const agent = this.resolve(nameValue);
    const details = this.catalog.details(agent.name) ?? { body: '', frontmatter: {} };
    const { content_hash: _h, ...summary } = agent;
    return { ...summary, frontmatter: details.frontmatter, body: details.body };
  }

  /** The agent's definition as a markdown file with frontmatter. */
  markdown(nameValue: unknown): { name: string; text: string } {
    const agent = this.resolve(nameValue);
    const details = this.catalog.details(agent.name) ?? { body: '', frontmatter: {} };
    return { name: agent.name, text: matter().stringify(`\n${details.body}\n`, details.frontmatter) };
  }

  /**
   * The handle the flags layer stores and reads for a given one: an alias of an active agent
   * becomes that agent's handle. Anything else (not a handle, not an alias) comes back as given,
   * for the flags rules to check. Never throws: a catalog that cannot be read leaves it as given.
   */
  resolveHandle<T>(value: T): T | string {
    return typeof value === 'string' ? this.resolveAlias(value)?.handle ?? value : value;
  }

  /** The real handle behind an alias, or undefined when value is no alias of an active agent. */
  resolveAlias(value: string): ResolvedHandle | undefined {
    try {
      const name = normalizeAgentName(value);
      const found = name ? this.catalog.lookup(name) : undefined;
      return found?.alias ? { handle: found.agent.name, alias: name! } : undefined;
    } catch (err) {
      log.warn('could not read the agent catalog to resolve an alias', err);
      return undefined;
    }
  }

  /**
   * For the flags layer: an alias and the agent it names are the same agent, in queues, filters
   * and every ownership check (source, lock holder), whichever of them a stored row was written
   * under. Read from the catalog at each call, so it follows the agent files as they change.
   */
  identity(): AgentIdentity {
    return {
      canonical: (handle) => this.resolveAlias(handle)?.handle ?? handle,
      handlesOf: (handle) => {
        const real = this.resolveAlias(handle)?.handle ?? handle;
        try {
          const agent = this.catalog.get(real);
          return agent ? [real, ...agent.aliases] : [real];
        } catch (err) {
          log.warn('could not read the agent catalog for the aliases of an agent', err);
          return [real];
        }
      },
    };
  }

  /** Whether a handle is an active agent of the catalog (an alias is not: flags are stored under real handles). */
  exists(handle: string): boolean {
    return this.catalog.has(handle);
  }

  list(input: ListAgentsInput = {}) {
    if (input.source !== undefined && !SOURCES.includes(input.source)) {
      throw invalid('source', 'enum', `source must be one of ${SOURCES.join(', ')}`);
    }
    const limit = input.limit ?? 50;
    const offset = input.offset ?? 0;
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw invalid('limit', 'range', 'limit must be a whole number from 1 to 500');
    if (!Number.isInteger(offset) || offset < 0) throw invalid('offset', 'non_negative_integer', 'offset must be a whole number >= 0');
    const domain = input.domain?.toLowerCase().replace(/^@/, '');
    const tag = input.tag?.toLowerCase();
    const all = this.catalog.all()
      .filter((a) => (!domain || a.domain === domain) && (!input.source || a.source === input.source) &&
        (!tag || a.tags.includes(tag)) && (!input.model || a.model === input.model))
      .sort((a, b) => a.name.localeCompare(b.name));
    const page = all.slice(offset, offset + limit).map((a) => ({
      name: a.name, description: splitDescription(a.description).summary, source: a.source, tags: a.tags, model: a.model, path: a.path,
    }));
    return { total: all.length, offset, returned: page.length, has_more: offset + page.length < all.length, agents: page };
  }

  /**
   * Warnings for a queue read: under an alias (read as the real agent's queue), or under a name
   * that is no active agent (its flags reach nobody who reads them), with the closest agents.
   * Only once the search index is built, so that a queue read never waits for it, unless build is
   * set (the command line, which answers once and has no later call to wait for).
   */
  queueWarnings(agent: string, { build = false, alias }: { build?: boolean; alias?: string } = {}): string[] {
    const warnings = alias ? [`${alias} is an alias of ${agent}; this is the queue of ${agent}.`] : [];
    try {
      if ((!build && !this.search.ready) || this.catalog.has(agent)) return warnings;
      if (this.catalog.size === 0) return [...warnings, `${agent} is not in the agent catalog: ${NO_AGENTS}.`];
      const suggestions = this.search.suggest(agent);
      return [...warnings, `${agent} is not in the agent catalog${suggestions.length ? `; did you mean ${suggestions.join(', ')}?` : '; list_agents shows the agents there are.'} Only flags sent to exactly ${agent}, and broadcasts, are in this queue.`];
    } catch (err) {
      log.warn('could not check the agent against the agent catalog', err);
      return warnings;
    }
  }

  /**
   * Warnings for a flag's target: sent to an alias (stored under the real handle), or to a handle
   * that is no active agent, naming the closest agents (by name, else by the flag's own text), or
   * how to find or add one. Broadcasts (null) get none. Called after the flag is stored (done:
   * 'created' or 'updated'): it must not turn that success into an error.
   */
  targetWarnings(target: string | null, done: 'created' | 'updated' = 'created', { alias, text }: { alias?: string; text?: string } = {}): string[] {
    if (target === null) return [];
    const flag = done === 'created' ? 'the flag was sent to' : 'the flag now goes to';
    if (alias) return [`target_agent ${alias} is an alias of ${target}; ${flag} ${target}.`];
    try {
      if (this.catalog.has(target)) return [];
      const head = `target_agent ${target} is not in the agent catalog`;
      const tail = `The flag was ${done}; update_flag can change its target.`;
      if (this.catalog.size === 0) return [`${head}: ${NO_AGENTS}. ${tail}`];
      const suggestions = this.search.suggest(target);
      if (suggestions.length) return [`${head}; did you mean ${suggestions.join(', ')}? ${tail}`];
      const byText = this.agentsForText(text);
      if (byText.length) return [`${head}; search_agents suggests ${byText.join(', ')} for this flag's text. ${tail}`];
      return [`${head}; find the right agent with search_agents (by task) or list_agents. ${tail}`];
    } catch (err) {
      log.warn('could not check target_agent against the agent catalog', err);
      return [`target_agent ${target} was not checked: the agent catalog could not be read. The flag was ${done}.`];
    }
  }

  /** Up to 3 agents search_agents ranks for a flag's text. */
  private agentsForText(text: string | undefined): string[] {
    const query = text?.trim().slice(0, 1000);
    if (!query) return [];
    try {
      return this.search.search(query, 3).results.map((r) => r.name);
    } catch {
      return [];
    }
  }
}
