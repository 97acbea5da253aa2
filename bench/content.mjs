// Realistic flag content for bench/run.mjs (seeding, create_flag calls) and for
// bench/throughput-worker.mjs: every generator takes a seeded rng from lib.mjs.

const DOMAINS = ['frontend', 'backend', 'database', 'infra', 'mobile', 'qa', 'security', 'data', 'platform', 'docs'];
const MODULES = ['api', 'auth', 'react', 'vue', 'postgres', 'redis', 'ios', 'android', 'e2e', 'etl', 'search', 'billing',
  'ui', 'gateway', 'queue', 'ml', 'cdn', 'k8s', 'ci', 'schema'];

export function agentHandles(n) {
  const out = [];
  for (let i = 0; out.length < n; i++) {
    const d = DOMAINS[i % DOMAINS.length];
    const m = MODULES[Math.floor(i / DOMAINS.length) % MODULES.length];
    const round = Math.floor(i / (DOMAINS.length * MODULES.length));
    out.push(round === 0 ? `@${d}.${m}` : `@${d}.${m}-${round + 1}`);
  }
  return out;
}

const TYPE_WEIGHTS = [['change', 30], ['enhancement', 15], ['new_feature', 15], ['refactor', 12], ['breaking_change', 10],
  ['information_request', 8], ['deprecation', 6], ['security', 2], ['data_loss', 2]];
const SUBJECTS = ['the users endpoint', 'the session token format', 'the orders table', 'the checkout form', 'the search index',
  'the billing webhook', 'the feature flag config', 'the CI pipeline', 'the image upload path', 'the GraphQL schema'];
const VERBS = ['renamed', 'split', 'moved', 'made paginated', 'versioned', 'deprecated', 'reworked', 'cached', 'validated', 'rate limited'];
const FILES = ['src/api/users.ts', 'src/db/schema.sql', 'web/src/components/Checkout.tsx', 'infra/k8s/deploy.yaml',
  'src/auth/session.ts', 'mobile/ios/Api.swift', 'src/search/index.ts', 'docs/api.md'];

export function makeContent(r) {
  const subject = r.pick(SUBJECTS);
  const verb = r.pick(VERBS);
  const file = r.pick(FILES);
  const change = `I ${verb} ${subject} in ${file}:${1 + r.int(400)}; every caller that relies on the previous behaviour `
    + `sees different results from now on (ticket ${1000 + r.int(9000)}).`;
  const action = `Update your code that uses ${subject}: search your module for references, switch them to the new `
    + `behaviour described above, run your unit and integration tests, and confirm on the staging environment that `
    + `nothing regressed before you complete this flag.`;
  return { change, action, file };
}

/** A type, target and impact level that satisfy the service's rules. */
export function makeShape(r, agents, broadcastFraction) {
  let type = r.weighted(TYPE_WEIGHTS);
  const broadcast = r.next() < broadcastFraction;
  let impact;
  if (broadcast) {
    if (type === 'security' || type === 'data_loss') type = 'change';
    impact = type === 'breaking_change' ? 'medium' : r.weighted([['medium', 60], ['low', 40]]);
  } else if (type === 'security' || type === 'data_loss') {
    impact = 'critical';
  } else if (type === 'breaking_change') {
    impact = r.weighted([['critical', 20], ['high', 50], ['medium', 30]]);
  } else {
    impact = r.weighted([['high', 20], ['medium', 50], ['low', 30]]);
  }
  const target = broadcast ? null : r.pick(agents);
  let source = r.pick(agents);
  while (source === target) source = r.pick(agents);
  return { type, impact, target, source };
}

export function createArgs(r, agents) {
  const { type, impact, target, source } = makeShape(r, agents, 0.01);
  const { change, action, file } = makeContent(r);
  return {
    source_agent: source,
    target_agent: target,
    flag_type: type,
    change_description: change,
    action_required: action,
    impact_level: impact,
    related_files: [file],
  };
}
