// Agent catalog benchmarks (npm run bench runs them; BENCH_ONLY=agents alone): search round trips
// at 100, 1,000 and 10,000 generated agents, and start-up at 0 and 1,000 agent files.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, fmt, median, msSince, nowNs, rng, summarize, table } from './lib.mjs';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const SERVER = join(ROOT, 'dist', 'index.js');
// A catalog generator with a vocabulary like real ones: a few hundred technical terms used with a
// skewed frequency (a few are everywhere, most are rare), plus each agent's own service name.
const TECH = ('api auth cache queue search index stream batch deploy metrics logs alerting schema migration vector graph token session payment '
  + 'email rendering layout testing linting build release cloud cluster container pipeline kafka redis postgresql mongodb react vue angular '
  + 'swift kotlin rust go python java nodejs terraform ansible helm docker grpc graphql rest oauth jwt saml ldap billing invoicing ledger fraud '
  + 'audit compliance gdpr hipaa pci encryption secrets vault iam rbac sso mfa webhooks websocket sse cdn dns tls nginx envoy istio linkerd '
  + 'prometheus grafana opentelemetry tracing profiling benchmarking load-testing chaos sre oncall incident postmortem backup restore replication '
  + 'sharding partitioning indexing caching memoization pagination ratelimiting throttling retries idempotency sagas outbox cdc debezium airflow '
  + 'dbt spark flink beam snowflake bigquery redshift clickhouse druid elasticsearch opensearch solr typesense meilisearch pinecone weaviate '
  + 'qdrant milvus pgvector embeddings rag llm prompts finetuning evaluation classification ranking recommendation personalization ab-testing '
  + 'feature-flags analytics dashboards reporting etl elt warehousing lakehouse parquet avro protobuf json yaml toml csv xml pdf images video '
  + 'audio transcoding thumbnails uploads s3 gcs azure-blob lambda cloud-functions fargate ecs eks gke aks kubernetes nomad consul serverless '
  + 'edge wasm ios android flutter react-native expo electron tauri pwa accessibility i18n l10n seo sitemaps forms validation state-management '
  + 'redux zustand tanstack nextjs nuxt remix astro svelte solid tailwind css sass storybook design-systems figma cypress playwright jest vitest '
  + 'pytest junit gradle maven bazel nx turborepo monorepo git ci cd github-actions gitlab jenkins argo flux gitops sbom sast dast pentest '
  + 'threat-modeling zero-trust waf ddos bot-detection captcha notifications push sms slack teams discord chatbots search-relevance geospatial '
  + 'maps routing scheduling cron workflows temporal camunda bpmn erp crm cms headless ecommerce checkout cart inventory shipping returns tax '
  + 'pricing subscriptions coupons loyalty marketplace catalog reviews support tickets sla onboarding kyc aml lending underwriting claims').split(' ');
const DOMAINS = ['platform', 'payments', 'growth', 'identity', 'data', 'mobile', 'web', 'infra', 'security', 'ml', 'commerce', 'support'];

/** n agent files with tags, capabilities, a description and a body, deterministic. */
export function generateAgents(dir, n, seed = 7) {
  mkdirSync(dir, { recursive: true });
  const r = rng(seed);
  // Zipf-like: term k is drawn with weight 1/(k+1).
  const weighted = TECH.map((w, k) => [w, 1 / (k + 1) ** 0.8]);
  const pick = (k) => Array.from({ length: k }, () => r.weighted(weighted));
  for (let i = 0; i < n; i++) {
    const domain = DOMAINS[i % DOMAINS.length];
    const service = `${r.pick(TECH).replace(/-/g, '')}${i}`;
    const tags = [...new Set(pick(6))];
    const caps = pick(5).map((w) => `${r.pick(['design', 'operate', 'migrate', 'debug', 'optimise', 'review'])} ${w} for ${service}`);
    writeFileSync(join(dir, `agent-${i}.md`), `---\nname: ${domain}.${service}\ndescription: Owns the ${service} service (${tags.slice(0, 3).join(', ')}) for the ${domain} team.\n`
      + `tags: [${tags.join(', ')}]\ncapabilities: [${caps.join(', ')}]\nmodel: sonnet\n---\n\n# ${service}\n\n## Owns\n- ${caps.join('\n- ')}\n\n`
      + `## Route work here when\n- ${pick(8).join(' ')}\n- ${pick(8).join(' ')}\n\n## Hands off to\n- @${DOMAINS[(i + 1) % DOMAINS.length]}.${r.pick(TECH).replace(/-/g, '')}${(i + 1) % n}\n`);
  }
}

async function spawnToList(args) {
  const t0 = nowNs();
  const s = await connect([SERVER, ...args]);
  await s.client.listTools();
  const ms = msSince(t0);
  await s.close();
  return ms;
}

/** log: prints a line; printTable(header, rows): prints a table (bench/run.mjs also puts it in its report). */
export async function runAgentBench(log = console.log, { printTable = (header, rows) => log(table(header, rows)) } = {}) {
  const tmp = mkdtempSync(join(os.tmpdir(), 'coordinator-agent-bench-'));
  const results = { search: [], startup: {} };
  try {
    const queries = ['jwt sso for the identity api', 'kafka cdc pipeline', 'postgresql schema migration', 'react state-management rendering',
      'terraform helm kubernetes', 'fraud ledger audit', 'vector embeddings rag', 'subscriptions invoicing email', 'rust grpc', 'flutter push notifications'];
    for (const n of [100, 1000, 10_000]) {
      const dir = join(tmp, `agents-${n}`);
      generateAgents(dir, n);
      const db = join(tmp, `search-${n}.db`);
      const s = await connect([SERVER, '--db', db, '--no-bundled-agents', '--agents-dir', dir]);
      const t0 = nowNs();
      await s.client.callTool({ name: 'search_agents', arguments: { query: 'warm up' } });
      const firstMs = msSince(t0);
      const times = [];
      for (let i = 0; i < 1000; i++) {
        const t = nowNs();
        const out = await s.client.callTool({ name: 'search_agents', arguments: { query: queries[i % queries.length], limit: 5 } });
        times.push(msSince(t));
        if (out.isError) throw new Error(`search failed: ${JSON.stringify(out.content)}`);
      }
      await s.close();
      results.search.push({ agents: n, first_search_ms: firstMs, ...summarize(times) });
    }
    log('\nsearch_agents round trip over stdio (1,000 searches, 10 queries, limit 5)');
    printTable(['agents', 'first search ms', 'p50 ms', 'p90 ms', 'p99 ms'], results.search.map((r) => [String(r.agents), fmt(r.first_search_ms, 1), fmt(r.p50, 3), fmt(r.p90, 3), fmt(r.p99, 3)]));

    const dir0 = join(tmp, 'none');
    mkdirSync(dir0);
    const dir1000 = join(tmp, 'agents-1000');
    const empty = join(tmp, 'start-0.db');
    const full = join(tmp, 'start-1000.db');
    const coldFull = await spawnToList(['--db', full, '--no-bundled-agents', '--agents-dir', dir1000]);
    await spawnToList(['--db', empty, '--no-bundled-agents', '--agents-dir', dir0]);
    const zero = [];
    const thousand = [];
    for (let i = 0; i < 15; i++) {
      zero.push(await spawnToList(['--db', empty, '--no-bundled-agents', '--agents-dir', dir0]));
      thousand.push(await spawnToList(['--db', full, '--no-bundled-agents', '--agents-dir', dir1000]));
    }
    results.startup = { zero_agents_p50_ms: median(zero), thousand_agents_p50_ms: median(thousand), thousand_agents_first_start_ms: coldFull };
    results.startup.added_ms = results.startup.thousand_agents_p50_ms - results.startup.zero_agents_p50_ms;
    log('\nstart-up (spawn -> tools/list, 15 runs each, alternating, database already holding the catalog)');
    printTable(['agent files', 'p50 ms'], [['0', fmt(results.startup.zero_agents_p50_ms, 1)], ['1,000', fmt(results.startup.thousand_agents_p50_ms, 1)]]);
    log(`1,000 agent files add ${fmt(results.startup.added_ms, 1)} ms (target <= 50 ms); the very first start took ${fmt(coldFull, 0)} ms. `
      + 'The server answers the handshake before it reads the agent folders: it reads them 300 ms after start or at the first question about '
      + 'agents (the "first search" column above includes reading every file of a new catalog and building the index)');
    const s1000 = results.search.find((r) => r.agents === 1000);
    const s10k = results.search.find((r) => r.agents === 10_000);
    log(`search p50 ${fmt(s1000.p50, 3)} ms at 1,000 agents (target < 1 ms): ${s1000.p50 < 1 ? 'MET' : 'MISSED'}; ${fmt(s10k.p50, 3)} ms at 10,000 (target < 5 ms): ${s10k.p50 < 5 ? 'MET' : 'MISSED'}`);
    return results;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runAgentBench().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
