import { CoordinatorError, invalid, quoted } from '../errors.js';
import { log } from '../log.js';
import type { AgentCatalog, AgentSource, AgentSummary } from './catalog.js';
import { matter, normalizeAgentName } from './parse.js';
import type { AgentSearch, SearchFilters } from './search.js';

export interface ListAgentsInput extends SearchFilters {
  limit?: number;
  offset?: number;
}

const SOURCES: AgentSource[] = ['bundled', 'extra', 'user', 'project'];

/** Reading the catalog: lookups, listings and the "did you mean" of unknown names. */
export class AgentService {
  constructor(readonly catalog: AgentCatalog, readonly search: AgentSearch) {}

  resolve(nameValue: unknown, field = 'name'): AgentSummary {
    if (typeof nameValue !== 'string' || nameValue.trim() === '') throw invalid(field, 'non_empty', `${field} must be an agent handle such as "@database.postgres"`);
    const name = normalizeAgentName(nameValue);
    const agent = name ? this.catalog.get(name) : undefined;
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
      name: a.name, description: a.description, source: a.source, tags: a.tags, model: a.model, path: a.path,
    }));
    return { total: all.length, offset, returned: page.length, has_more: offset + page.length < all.length, agents: page };
  }

  /**
   * A warning for a queue read under a name close to a catalog agent's (a typo reads an almost
   * empty queue). Handles of a team's own, like no catalog name, get none: they poll often. Only
   * once the search index is built, so that a queue read never waits for it, unless build is set
   * (the command line, which answers once and has no later call to wait for).
   */
  queueWarnings(agent: string, { build = false } = {}): string[] {
    try {
      if ((!build && !this.search.ready) || this.catalog.has(agent)) return [];
      const suggestions = this.search.suggest(agent);
      if (suggestions.length === 0) return [];
      return [`${agent} is not in the agent catalog; did you mean ${suggestions.join(', ')}? Only flags sent to exactly ${agent}, and broadcasts, are in this queue.`];
    } catch (err) {
      log.warn('could not check the agent against the agent catalog', err);
      return [];
    }
  }

  /**
   * Warnings for a flag's target: unknown agents get the closest known names. Called after the
   * flag is stored (done: 'created' or 'updated'): it must not turn that success into an error.
   */
  targetWarnings(target: string | null, done: 'created' | 'updated' = 'created'): string[] {
    try {
      if (target === null || this.catalog.size === 0 || this.catalog.has(target)) return [];
      const suggestions = this.search.suggest(target);
      return [`target_agent ${target} is not in the agent catalog${suggestions.length ? `; did you mean ${suggestions.join(', ')}?` : '.'} The flag was ${done}; update_flag can change its target.`];
    } catch (err) {
      log.warn('could not check target_agent against the agent catalog', err);
      return [`target_agent ${target} was not checked: the agent catalog could not be read. The flag was ${done}.`];
    }
  }
}
