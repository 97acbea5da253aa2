// Section 3 of bench/run.mjs: coordinator-mcp beside the official memory server
// (@modelcontextprotocol/server-memory), both starting empty: the same number of writes
// (create_flag vs create_entities with one entity holding the same text) and then the same
// number of text searches (list_flags {text} vs search_nodes), with queries that match about 1%
// of the records, so that both answers carry a handful of full records.
import { createArgs } from './content.mjs';
import { Recorder, timedCall } from './lib.mjs';

const SUBJECTS = ['the users endpoint', 'the session token format', 'the orders table', 'the checkout form', 'the search index',
  'the billing webhook', 'the feature flag config', 'the CI pipeline', 'the image upload path', 'the GraphQL schema'];
const VERBS = ['renamed', 'split', 'moved', 'made paginated', 'versioned', 'deprecated', 'reworked', 'cached', 'validated', 'rate limited'];

/** The memory server's version of a flag: one entity whose observations hold the flag's text. */
export function entityFor(args, i) {
  return {
    name: `flag-${i}`,
    entityType: args.flag_type,
    observations: [
      args.change_description,
      args.action_required,
      `from ${args.source_agent} to ${args.target_agent ?? 'everyone'}`,
      `impact ${args.impact_level}`,
      `files ${args.related_files.join(', ')}`,
    ],
  };
}

/**
 * ours, memory: SDK clients (without tools/list, so neither answer is checked against an output
 * schema by the client). Returns the recorders and the mean request sizes.
 */
export async function runMemoryComparison({ ours, memory, agents, r, creates, searches, warmup }) {
  const recs = {
    ours_create: new Recorder('coordinator-mcp create_flag'),
    memory_create: new Recorder('server-memory create_entities'),
    ours_search: new Recorder('coordinator-mcp list_flags {text}'),
    memory_search: new Recorder('server-memory search_nodes'),
  };
  const requestBytes = { ours_create: 0, memory_create: 0, ours_search: 0, memory_search: 0 };
  const hits = { ours: 0, memory: 0 };
  // The same records for both, built before the clocks start.
  const flags = Array.from({ length: warmup + creates }, () => createArgs(r, agents));
  // Interleaved, so that both see the same machine at the same moment.
  for (let i = 0; i < flags.length; i++) {
    const timed = i >= warmup;
    const a = flags[i];
    const e = { entities: [entityFor(a, i)] };
    if (timed) {
      requestBytes.ours_create += JSON.stringify(a).length;
      requestBytes.memory_create += JSON.stringify(e).length;
    }
    await timedCall(ours, 'create_flag', a, timed ? recs.ours_create : null);
    await timedCall(memory, 'create_entities', e, timed ? recs.memory_create : null);
  }
  for (let i = 0; i < warmup + searches; i++) {
    const timed = i >= warmup;
    const q = `${r.pick(VERBS)} ${r.pick(SUBJECTS)}`;
    const oa = { text: q, status: 'all', limit: 50 };
    const ma = { query: q };
    if (timed) {
      requestBytes.ours_search += JSON.stringify(oa).length;
      requestBytes.memory_search += JSON.stringify(ma).length;
    }
    const o = await timedCall(ours, 'list_flags', oa, timed ? recs.ours_search : null);
    const m = await timedCall(memory, 'search_nodes', ma, timed ? recs.memory_search : null);
    if (timed) {
      hits.ours += o?.returned ?? 0;
      hits.memory += m?.entities?.length ?? 0;
    }
  }
  const mean = (k, n) => Math.round(requestBytes[k] / n);
  return {
    recs,
    request_chars: {
      ours_create: mean('ours_create', creates), memory_create: mean('memory_create', creates),
      ours_search: mean('ours_search', searches), memory_search: mean('memory_search', searches),
    },
    mean_hits: { ours: hits.ours / searches, memory: hits.memory / searches },
  };
}
