/**
 * The domain lexicon: names that developers write in several ways for one thing. Each group lists
 * a canonical term first, then the other ways of writing it (single words or phrases). The same
 * groups apply to agent files and to queries, so "pg", "postgres" and "PostgreSQL" all meet, and
 * "end-to-end", "e2e" and "end to end" do too.
 *
 * Only unambiguous spellings belong here: "tf" (Terraform or TensorFlow?) and "es" (Elasticsearch
 * or Spanish?) are left out on purpose, and so is any word with an everyday meaning.
 */
export const LEXICON: readonly (readonly string[])[] = [
  // databases and stores
  ['postgresql', 'postgres', 'pg', 'psql', 'pgsql'],
  ['mysql', '+', 'mariadb'],
  ['mongodb', 'mongo'],
  ['elasticsearch', 'elastic search', '+', 'opensearch'],
  ['sqlserver', 'sql server', 'mssql', 'ms sql', 't-sql', 'tsql'],
  ['dynamodb', 'dynamo db', 'dynamo'],
  ['cassandra', '+', 'scylladb', 'scylla'],
  ['database', 'db', 'dbs', 'databases', 'rdbms'],
  ['vector database', 'vector db', 'vector store', 'vector databases', 'vector stores', '+', 'vector search', 'pgvector', 'pinecone', 'weaviate', 'qdrant', 'milvus', 'chroma'],
  ['nosql', 'no-sql'],
  ['etl', 'extract transform load', '+', 'elt', 'data pipeline', 'data pipelines'],
  // machine learning
  ['machine learning', 'ml'],
  ['ai', 'artificial intelligence'],
  ['large language model', 'llm', 'llms', 'large language models', '+', 'language model', 'language models', 'gpt', 'chatgpt', 'openai', 'anthropic', 'claude'],
  ['rag', 'retrieval augmented generation', 'retrieval-augmented generation'],
  ['embedding', 'embeddings', 'vector embedding', 'vector embeddings'],
  ['nlp', 'natural language processing'],
  ['computer vision', 'cv', '+', 'image recognition', 'object detection'],
  ['mlops', 'ml ops', '+', 'model serving', 'model deployment'],
  ['fine tuning', 'finetuning', 'finetune'],
  ['prompt engineering', '+', 'prompt', 'prompts', 'prompting'],
  // infrastructure
  ['kubernetes', 'k8s', 'kube', '+', 'kubectl', 'helm'],
  ['docker', '+', 'dockerfile', 'containerize', 'containerise', 'containerization', 'containerisation'],
  ['ci/cd', 'ci', 'cd', 'cicd', 'ci-cd', 'continuous integration', 'continuous delivery', 'continuous deployment', '+', 'github actions', 'gitlab ci', 'jenkins', 'build pipeline', 'deployment pipeline', 'ci pipeline'],
  ['infrastructure as code', 'iac', '+', 'terraform', 'opentofu', 'pulumi', 'cloudformation'],
  ['aws', 'amazon web services', '+', 'ec2', 's3', 'lambda'],
  ['gcp', 'google cloud', 'google cloud platform', '+', 'gke', 'bigquery'],
  ['azure', 'microsoft azure', '+', 'aks'],
  ['observability', 'o11y', '+', 'monitoring', 'telemetry', 'opentelemetry', 'otel', 'tracing', 'prometheus', 'grafana'],
  ['incident', 'incidents', '+', 'outage', 'outages', 'on-call', 'oncall', 'on call', 'pager', 'pagerduty', 'postmortem', 'post-mortem'],
  ['sre', 'site reliability', 'site reliability engineering'],
  ['devops', 'dev ops'],
  ['devsecops', 'dev sec ops'],
  ['serverless', 'faas', '+', 'cloud functions'],
  ['load testing', 'load test', 'load tests', '+', 'stress testing', 'stress test', 'k6', 'jmeter', 'locust'],
  // web and apps
  ['frontend', 'front end', '+', 'client side'],
  ['backend', 'back end', '+', 'server side'],
  ['fullstack', 'full stack'],
  ['javascript', 'js', 'ecmascript', '+', 'es6'],
  ['typescript', 'ts', '+', 'tsx'],
  ['python', 'py'],
  ['golang', 'go lang'],
  ['csharp', 'c#', '+', '.net', 'dotnet', 'asp.net'],
  ['react', 'reactjs', '+', 'jsx'],
  ['vue', 'vuejs', 'vue.js', '+', 'nuxt', 'nuxtjs'],
  ['nextjs', 'next js'],
  ['nodejs', 'node js'],
  ['react native', 'react-native', 'rn', '+', 'expo'],
  ['ios', '+', 'iphone', 'ipad', 'swiftui'],
  ['android', '+', 'jetpack compose'],
  ['mobile', '+', 'mobile app', 'mobile apps'],
  ['css', '+', 'stylesheet', 'stylesheets', 'tailwind', 'tailwindcss', 'sass', 'scss'],
  ['graphql', 'gql', '+', 'apollo'],
  ['rest api', 'rest apis', 'restful api', '+', 'restful', 'openapi', 'swagger'],
  ['grpc', '+', 'protobuf', 'protocol buffers'],
  ['websocket', 'websockets', 'web socket', 'web sockets', '+', 'socket.io', 'real-time', 'realtime'],
  ['ui', 'user interface'],
  ['ux', 'user experience'],
  ['accessibility', 'a11y', '+', 'wcag', 'aria', 'screen reader', 'screen readers', 'colour contrast', 'color contrast', 'keyboard navigation', 'voiceover', 'nvda', 'jaws', 'talkback', 'alt text'],
  ['internationalization', 'i18n', '+', 'localization', 'l10n', 'translations', 'translation', 'rtl', 'right-to-left', 'plurals', 'pluralization', 'locale', 'locales', 'gettext'],
  ['seo', 'search engine optimization', 'search engine optimisation'],
  ['progressive web app', 'pwa'],
  // quality
  ['end-to-end testing', 'e2e', 'end to end', 'e2e tests', 'e2e testing', 'end-to-end tests', '+', 'playwright', 'cypress', 'selenium'],
  ['unit testing', 'unit test', 'unit tests', '+', 'jest', 'vitest', 'pytest', 'junit', 'mocha'],
  ['test', 'qa', 'quality assurance', '+', 'flaky', 'flakey', 'flakiness', 'flake'],
  ['error', 'exception', '+', 'stack trace', 'stacktrace', 'traceback', 'sentry', 'bugsnag', 'rollbar', 'segfault', 'panic', 'null pointer'],
  ['failover', 'fail over', 'failing over', '+', 'disaster recovery', 'dr drill', 'rpo', 'rto'],
  ['performance', 'perf', '+', 'latency', 'slow', 'slowness', 'throughput', 'speed up', 'bottleneck', 'bottlenecks', 'p95', 'p99', 'hot path', 'profiling', 'profiler', 'flame graph'],
  ['debugging', 'debug', '+', 'troubleshoot', 'troubleshooting', 'root cause', 'stack trace', 'crash', 'crashes'],
  ['code review', 'code reviews', '+', 'pull request', 'pull requests', 'pr review', 'prs'],
  ['developer', 'devs', 'dev'],
  ['developer experience', 'dx', 'devex', '+', 'developer productivity', 'onboarding', 'local development', 'dev environment', 'local environment', 'local env', 'dev env'],
  ['refactoring', 'refactor', '+', 'tech debt', 'technical debt', 'legacy code', 'cleanup', 'clean up'],
  // security and identity
  ['authentication', 'authn', 'auth', '+', 'login', 'log in', 'sign in', 'signin', 'sign-in'],
  ['authorization', 'authz', '+', 'permissions', 'rbac', 'abac', 'access control'],
  ['oauth', 'oauth2', '+', 'oidc', 'openid connect', 'openid'],
  ['single sign-on', 'sso', 'single sign on', '+', 'saml'],
  ['jwt', 'json web token', 'json web tokens', 'jwts'],
  ['mfa', 'multi-factor authentication', '2fa', 'two factor', '+', 'totp'],
  ['penetration testing', 'pentest', 'pen test', 'pentesting', 'pen testing', '+', 'ethical hacking'],
  ['vulnerability', 'vuln', 'vulns', '+', 'cve', 'cves', 'exploit', 'xss', 'csrf', 'sql injection', 'owasp'],
  ['encryption', '+', 'encrypt', 'crypto', 'cryptography', 'tls', 'ssl'],
  ['secrets', '+', 'secret management', 'secrets management', 'vault', 'api keys', 'credentials'],
  ['compliance', '+', 'gdpr', 'soc2', 'soc 2', 'hipaa', 'pci', 'pci-dss', 'pci dss', 'iso 27001', 'audit trail'],
  // process and docs
  ['documentation', 'docs', '+', 'readme', 'readmes', 'technical writing'],
  ['api documentation', 'api docs', 'api reference'],
  ['architecture', '+', 'system design'],
  ['migration', '+', 'upgrade', 'upgrades'],
  ['payment', '+', 'stripe', 'billing', 'checkout', 'subscriptions', 'invoicing', 'paypal'],
  ['business intelligence', 'bi', '+', 'analytics', 'dashboards', 'dashboard', 'kpi', 'kpis'],
  ['schema', '+', 'ddl', 'data model', 'data modeling'],
  ['cache', '+', 'memcached'],
  ['message queue', 'message queues', 'message broker', 'message brokers', '+', 'kafka', 'rabbitmq', 'sqs', 'pub/sub', 'pubsub', 'event streaming', 'event bus', 'nats'],
  ['blockchain', '+', 'web3', 'smart contract', 'smart contracts', 'solidity', 'ethereum'],
  ['game development', 'gamedev', 'game dev', '+', 'unity', 'unreal', 'godot'],
];

/**
 * Words whose Porter stems would join words that mean different things ("embeddings" and
 * "embedded" both become "embed"; "general" and "generative" become "gener"). Each word here gets
 * the stem written beside it instead.
 */
export const STEM_EXCEPTIONS: ReadonlyMap<string, string> = new Map(
  ([
    ['embedding', ['embedding', 'embeddings']],
    ['embedded', ['embedded', 'embed', 'embeds']],
    ['general', ['general', 'generally']],
    ['generic', ['generic', 'generics']],
    ['generat', ['generate', 'generated', 'generates', 'generating', 'generation', 'generations', 'generator', 'generators', 'generative']],
    ['integrity', ['integrity']],
    ['integer', ['integer', 'integers']],
    ['accessibl', ['accessibility', 'accessible']],
    ['container', ['container', 'containers', 'containerized', 'containerised']],
    ['production', ['production', 'productions']],
    ['productiv', ['productivity', 'productive']],
    ['communicat', ['communication', 'communications', 'communicate', 'communicating']],
    ['communiti', ['community', 'communities']],
    ['news', ['news']],
    ['universal', ['universal']],
    ['organiz', ['organization', 'organizations', 'organize', 'organizing', 'organized']],
    ['polic', ['police', 'policing']],
    ['operat', ['operate', 'operating', 'operation', 'operations', 'operational', 'operator', 'operators']],
    ['relat', ['relation', 'relations', 'relational']],
    ['experiment', ['experiment', 'experiments', 'experimental', 'experimentation']],
    ['compute', ['compute', 'computing']],
    ['computer', ['computer', 'computers']],
    ['series', ['series']],
    ['data', ['data']],
    ['dates', ['date', 'dates', 'dated']],
    // -ization words whose Porter stem is another word: localization is not local, authorization not author
    ['localiz', ['localization', 'localizations', 'localize', 'localized', 'localizing']],
    ['internationaliz', ['internationalization', 'internationalize', 'internationalized']],
    ['authoriz', ['authorization', 'authorizations', 'authorize', 'authorized', 'authorizing']],
    ['specializ', ['specialization', 'specialize', 'specialized', 'specializes', 'specializing']],
    ['normaliz', ['normalization', 'normalize', 'normalized', 'normalizing']],
    ['serializ', ['serialization', 'serialize', 'serialized', 'serializing', 'deserialization', 'deserialize']],
    ['personaliz', ['personalization', 'personalize', 'personalized']],
    ['materializ', ['materialization', 'materialize', 'materialized']],
  ] as const).flatMap(([stem, forms]) => forms.map((f): [string, string] => [f, stem])),
);

/** British spellings whose American forms the catalogs and queries mix. */
const BRITISH = [
  [/(colo|behavio|favo|hono|labo|flavo|neighbo|rumo|armo|harbo|vapo)ur(s|ed|ing|ite|ites)?$/, '$1r$2'],
  [/isation(s)?$/, 'ization$1'],
  [/ysing$/, 'yzing'], [/ysed$/, 'yzed'], [/yse(s)?$/, 'yze$1'],
  [/tre(s)?$/, 'ter$1'], // centre, metre
  [/ogue(s)?$/, 'og$1'], // catalogue, dialogue
] as const;

/** Words ending in -ise that are not British spellings of -ize. */
const ISE_WORDS = new Set(('advertise advise apprise arise chastise circumcise clockwise comprise compromise concise cruise demise despise devise '
  + 'disguise enterprise excise exercise expertise franchise guise improvise incise likewise merchandise noise otherwise paradise poise praise precise '
  + 'premise promise raise reprise revise rise sunrise supervise surmise surprise televise treatise turquoise wise braise bruise cerise anise valise')
  .split(' '));

/** The American spelling of a British word (optimise: optimize, colour: color); other words as they are. */
export function americanSpelling(word: string): string {
  if (word.length < 5 || !/^[a-z]+$/.test(word)) return word;
  const ise = /^(.+?)is(e|es|ed|ing|er|ers)$/.exec(word);
  if (ise && !ISE_WORDS.has(`${ise[1]}ise`) && ise[1]!.length >= 3 && !/[aeiou]$/.test(ise[1]!)) {
    return `${ise[1]}iz${ise[2]}`;
  }
  // -ll- doubling: only where the single-l word is a known stem (modelling, labelling, travelling, cancelled)
  if (/(model|label|travel|cancel|signal|tunnel|fuel|level|channel|funnel|panel)l(ing|ed|er|ers)$/.test(word)) return word.replace(/ll(ing|ed|er|ers)$/, 'l$1');
  for (const [pattern, replacement] of BRITISH) {
    if (pattern.test(word)) return word.replace(pattern, replacement);
  }
  return word;
}
