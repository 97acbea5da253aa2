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
  ['database', 'db', 'dbs', 'databases', 'rdbms', '+', 'orm', 'orms', 'sqlalchemy', 'prisma', 'typeorm', 'hibernate', 'sequelize', 'activerecord'],
  ['query optimization', 'query optimisation', 'query tuning', 'query performance', '+', 'slow query', 'slow queries', 'query plan', 'query plans', 'explain plan', 'explain analyze', 'execution plan', 'missing index', 'missing indexes', 'index tuning', 'full table scan', 'n+1', 'n+1 queries', 'n plus one'],
  ['data warehouse', 'data warehousing', 'data warehouses', '+', 'snowflake', 'redshift', 'databricks', 'lakehouse', 'data lake', 'star schema', 'dbt'],
  ['vector database', 'vector db', 'vector store', 'vector databases', 'vector stores', '+', 'vector search', 'pgvector', 'pinecone', 'weaviate', 'qdrant', 'milvus', 'chroma'],
  ['nosql', 'no-sql'],
  ['etl', 'extract transform load', '+', 'elt', 'data pipeline', 'data pipelines', 'airflow', 'dagster', 'prefect'],
  // machine learning
  ['machine learning', 'ml', '+', 'recommendation engine', 'recommender system', 'recommender', 'forecasting model', 'demand forecasting', 'churn prediction', 'model training', 'training data', 'classifier', 'predictive model', 'predictive models', 'prediction model', 'propensity model', 'predict which', 'predict who', 'predict whether'],
  ['ai', 'artificial intelligence'],
  ['large language model', 'llm', 'llms', 'large language models', '+', 'language model', 'language models', 'gpt', 'chatgpt', 'openai', 'anthropic', 'claude', 'chatbot', 'chatbots', 'chat bot', 'hallucination', 'hallucinations', 'hallucinate', 'hallucinates', 'hallucinating', 'making things up', 'makes things up', 'summarizer', 'summarization'],
  ['rag', 'retrieval augmented generation', 'retrieval-augmented generation', '+', 'retrieval', 'semantic search', 'knowledge base', 'reranking', 'reranker', 'chunking', 'cite sources', 'cites sources', 'cite the source', 'cites the source', 'grounding', 'grounded answers'],
  ['embedding', 'embeddings', 'vector embedding', 'vector embeddings'],
  ['nlp', 'natural language processing', '+', 'sentiment', 'sentiment analysis', 'text classification', 'named entity recognition', 'topic modeling', 'spacy', 'intent classification', 'intent detection', 'classify tickets', 'ticket classification', 'auto classify', 'auto-classify', 'auto tag', 'auto-tag', 'tagged by topic'],
  ['computer vision', 'cv', '+', 'image recognition', 'object detection', 'image classification', 'camera', 'cameras', 'opencv', 'yolo', 'ocr', 'video analytics', 'visual inspection'],
  ['mlops', 'ml ops', '+', 'model serving', 'model deployment'],
  ['fine tuning', 'finetuning', 'finetune'],
  ['prompt engineering', '+', 'prompt', 'prompts', 'prompting'],
  // infrastructure
  ['kubernetes', 'k8s', 'kube', '+', 'kubectl', 'helm', 'pod', 'pods', 'ingress', 'kustomize', 'eks', 'node pool', 'node pools', 'crashloopbackoff', 'statefulset', 'daemonset'],
  ['service mesh', '+', 'istio', 'linkerd', 'envoy', 'mtls', 'sidecar', 'sidecars'],
  ['docker', '+', 'dockerfile', 'containerize', 'containerise', 'containerization', 'containerisation'],
  ['ci/cd', 'ci', 'cd', 'cicd', 'ci-cd', 'continuous integration', 'continuous delivery', 'continuous deployment', '+', 'github actions', 'gitlab ci', 'jenkins', 'build pipeline', 'deployment pipeline', 'ci pipeline', 'circleci', 'buildkite', 'argocd', 'argo cd', 'gitops', 'flux', 'spinnaker', 'slow builds', 'build times'],
  ['infrastructure as code', 'iac', '+', 'terraform', 'opentofu', 'pulumi', 'cloudformation', 'tfstate', 'tf state', 'tf plan', 'tf apply', 'tf module', 'tf modules', 'state drift', 'terragrunt', 'hcl'],
  ['cost optimization', 'cost optimisation', 'finops', 'cloud cost', 'cloud costs', 'cost reduction', '+', 'cloud bill', 'aws bill', 'azure bill', 'gcp bill', 'cloud spend', 'infrastructure costs', 'infra costs', 'hosting costs', 'reserved instances', 'savings plans', 'spot instances', 'rightsizing', 'right-sizing', 'cost savings', 'costs'],
  ['aws', 'amazon web services', '+', 'ec2', 's3', 'lambda'],
  ['gcp', 'google cloud', 'google cloud platform', '+', 'gke', 'bigquery'],
  ['azure', 'microsoft azure', '+', 'aks'],
  ['observability', 'o11y', '+', 'monitoring', 'telemetry', 'opentelemetry', 'otel', 'tracing', 'prometheus', 'grafana', 'datadog', 'new relic', 'newrelic', 'splunk', 'kibana', 'loki', 'jaeger', 'alerting'],
  ['incident', 'incidents', '+', 'outage', 'outages', 'on-call', 'oncall', 'on call', 'pager', 'pagerduty', 'postmortem', 'post-mortem', 'downtime', 'was down', 'went down', 'is down', 'site down', 'site is down', 'bad gateway', '502s', '503s', '5xx', 'service unavailable', 'incident report', 'outage report', 'post mortem'],
  ['sre', 'site reliability', 'site reliability engineering', '+', 'slo', 'slos', 'sli', 'slis', 'error budget', 'error budgets'],
  ['chaos engineering', '+', 'chaos', 'fault injection', 'failure injection', 'game day', 'gameday', 'chaos monkey', 'litmus', 'gremlin', 'resilience testing', 'kill random', 'randomly kill', 'break things on purpose'],
  ['devops', 'dev ops'],
  ['devsecops', 'dev sec ops'],
  ['serverless', 'faas', '+', 'cloud functions'],
  ['load testing', 'load test', 'load tests', '+', 'stress testing', 'stress test', 'k6', 'jmeter', 'locust', 'gatling', 'artillery', 'concurrent users', 'virtual users', 'soak test', 'spike test', 'peak traffic', 'traffic spike', 'traffic spikes', 'black friday'],
  // web and apps
  ['frontend', 'front end', '+', 'client side'],
  ['backend', 'back end', '+', 'server side'],
  ['fullstack', 'full stack'],
  ['javascript', 'js', 'ecmascript', '+', 'es6'],
  ['typescript', 'ts', '+', 'tsx'],
  ['python', 'py', '+', 'pip', 'pypi', 'venv', 'virtualenv', 'poetry', 'pyproject', 'gil', 'asyncio', 'mypy'],
  ['haskell', '+', 'ghc', 'cabal', 'hackage', 'thunk', 'thunks', 'monad', 'monads', 'typeclass', 'typeclasses'],
  ['rust', '+', 'cargo', 'rustc', 'clippy', 'crates.io', 'borrow checker', 'lifetimes', 'tokio', 'unsafe rust'],
  ['java', '+', 'jvm', 'maven', 'gradle', 'jdk', 'openjdk', 'garbage collector', 'gc pauses'],
  ['ruby', '+', 'rubygems', 'bundler', 'gemfile', 'rbenv'],
  ['elixir', '+', 'genserver', 'otp', 'beam vm', 'liveview'],
  ['golang', 'go lang', '+', 'goroutine', 'goroutines', 'go.mod', 'go modules', 'gofmt'],
  ['csharp', 'c#', '+', '.net', 'dotnet', 'asp.net'],
  ['react', 'reactjs', '+', 'jsx'],
  ['vue', 'vuejs', 'vue.js', '+', 'nuxt', 'nuxtjs'],
  ['nextjs', 'next js'],
  ['nodejs', 'node js'],
  ['react native', 'react-native', 'rn', '+', 'expo'],
  ['ios', '+', 'iphone', 'ipad', 'swiftui'],
  ['android', '+', 'jetpack compose'],
  ['mobile', '+', 'mobile app', 'mobile apps', 'app store', 'play store', 'testflight', 'push notifications', 'deep links', 'deep linking'],
  ['css', '+', 'stylesheet', 'stylesheets', 'tailwind', 'tailwindcss', 'sass', 'scss'],
  ['graphql', 'gql', '+', 'apollo'],
  ['rest api', 'rest apis', 'restful api', '+', 'restful', 'openapi', 'swagger'],
  ['grpc', '+', 'protobuf', 'protocol buffers'],
  ['websocket', 'websockets', 'web socket', 'web sockets', '+', 'socket.io', 'real-time', 'realtime', 'live chat', 'chat messages', 'live updates', 'presence', 'typing indicator', 'typing indicators', 'server-sent events', 'sse', 'long polling'],
  ['ui', 'user interface'],
  ['ux', 'user experience', '+', 'usability', 'user research', 'wireframe', 'wireframes', 'user flows', 'user journey', 'user journeys', 'ux research', 'user interviews', 'interview users', 'usability testing', 'usability tests', 'talk to users', 'user testing', 'where they get stuck', 'looks dated', 'visual refresh', 'redesign', 'style guide'],
  ['design system', 'design systems', '+', 'figma', 'design tokens', 'component library', 'storybook'],
  ['accessibility', 'a11y', '+', 'wcag', 'aria', 'screen reader', 'screen readers', 'colour contrast', 'color contrast', 'keyboard navigation', 'voiceover', 'nvda', 'jaws', 'talkback', 'alt text'],
  ['internationalization', 'i18n', '+', 'localization', 'l10n', 'translations', 'translation', 'rtl', 'right-to-left', 'plurals', 'pluralization', 'locale', 'locales', 'gettext', 'unicode', 'utf-8', 'utf8', 'mojibake', 'character encoding', 'multilingual', 'time zones', 'timezone', 'timezones', 'currency formatting', 'japanese', 'chinese', 'korean', 'arabic', 'hebrew', 'cjk'],
  ['seo', 'search engine optimization', 'search engine optimisation', '+', 'organic traffic', 'search rankings', 'serp', 'serps', 'meta tags', 'meta descriptions', 'sitemap', 'sitemaps', 'backlinks', 'structured data', 'featured snippet', 'featured snippets', 'position zero', 'rich results', 'rich snippets', 'people also ask'],
  ['progressive web app', 'pwa'],
  // quality
  ['end-to-end testing', 'e2e', 'end to end', 'e2e tests', 'e2e testing', 'end-to-end tests', '+', 'playwright', 'cypress', 'selenium'],
  ['unit testing', 'unit test', 'unit tests', '+', 'jest', 'vitest', 'pytest', 'junit', 'mocha'],
  ['contract testing', 'contract tests', '+', 'pact', 'consumer-driven contracts', 'breaking change', 'breaking changes', 'backward compatibility', 'backwards compatibility', 'api compatibility'],
  ['test', 'qa', 'quality assurance', '+', 'flaky', 'flakey', 'flakiness', 'flake', 'test coverage', 'regression tests', 'snapshot tests'],
  ['error', 'exception', '+', 'stack trace', 'stacktrace', 'traceback', 'sentry', 'bugsnag', 'rollbar', 'segfault', 'panic', 'null pointer', 'npe', 'nullpointerexception', 'null reference'],
  ['failover', 'fail over', 'failing over', '+', 'disaster recovery', 'dr drill', 'rpo', 'rto', 'availability zone', 'availability zones', 'az', 'azs', 'multi-az', 'region outage', 'regional outage', 'backup', 'backups', 'point in time recovery', 'pitr', 'data loss', 'data lost', 'business continuity', 'recovery plan', 'recovery time', 'recovery point', 'restore', 'restores', 'restoring', 'restore service', 'primary region', 'region fails', 'region failure', 'lose data', 'losing data', 'recovery drill'],
  ['performance', 'perf', '+', 'latency', 'slow', 'slowness', 'throughput', 'speed up', 'bottleneck', 'bottlenecks', 'p95', 'p99', 'hot path', 'profiling', 'profiler', 'flame graph', 'memory leak', 'memory leaks', 'oom', 'out of memory', 'oomkilled', 'high cpu', 'cpu usage', 'page load', 'load time', 'load times', 'core web vitals', 'takes forever', 'timeouts', 'timing out', 'times out', 'sluggish', 'laggy', 'slowly', 'slower', 'slowdown', 'slowdowns', 'memory usage', 'memory growth', 'eats memory', 'eating memory', 'fps', 'frame rate', 'framerate', 'frame drops', 'dropped frames', 'stutter', 'stuttering', 'jank', 'janky', 'laggy'],
  ['full-text search', 'full text search', 'fulltext search', '+', 'search results', 'search box', 'fuzzy search', 'autocomplete', 'faceted search', 'typo tolerance', 'misspelled', 'misspellings', 'solr', 'algolia', 'meilisearch', 'typesense'],
  ['debugging', 'debug', '+', 'troubleshoot', 'troubleshooting', 'root cause', 'stack trace', 'crash', 'crashes', 'cant repro', "can't repro", 'cannot reproduce', "can't reproduce", 'cant reproduce', 'only in prod', 'only in production', 'heisenbug'],
  ['code review', 'code reviews', '+', 'pull request', 'pull requests', 'pr review', 'prs', 'the diff', 'review the diff'],
  ['developer', 'devs', 'dev'],
  ['developer experience', 'dx', 'devex', '+', 'developer productivity', 'onboarding', 'local development', 'dev environment', 'local environment', 'local env', 'dev env', 'new hires', 'new devs', 'new developers', 'first commit', 'ramp up', 'ramp-up'],
  ['refactoring', 'refactor', '+', 'tech debt', 'technical debt', 'legacy code', 'cleanup', 'clean up'],
  // security and identity
  ['authentication', 'authn', 'auth', '+', 'login', 'log in', 'sign in', 'signin', 'sign-in', 'password reset', 'forgot password', 'logged out', 'logs out', 'logging out', 'session expired', 'session expiry', 'magic link', 'magic links', 'passkey', 'passkeys', 'webauthn'],
  ['authorization', 'authz', '+', 'permissions', 'rbac', 'abac', 'access control'],
  ['oauth', 'oauth2', '+', 'oidc', 'openid connect', 'openid'],
  ['single sign-on', 'sso', 'single sign on', '+', 'saml'],
  ['jwt', 'json web token', 'json web tokens', 'jwts'],
  ['mfa', 'multi-factor authentication', '2fa', 'two factor', '+', 'totp'],
  ['penetration testing', 'pentest', 'pen test', 'pentesting', 'pen testing', '+', 'ethical hacking'],
  ['xss', 'cross-site scripting', 'cross site scripting', '+', 'script injection', 'html injection', 'script tag', 'script tags', 'raw html', 'unescaped', 'sanitize', 'sanitise', 'sanitization', 'sanitisation', 'sanitizer', 'dangerouslysetinnerhtml', 'innerhtml', 'content security policy'],
  ['vulnerability', 'vuln', 'vulns', '+', 'cve', 'cves', 'exploit', 'csrf', 'sql injection', 'owasp', 'bug bounty', 'threat model', 'threat models', 'threat modeling', 'security questionnaire', 'security questionnaires', 'data breach', 'breach', 'account takeover', 'credential stuffing', 'brute force', 'ssrf', 'path traversal', 'directory traversal', 'idor', 'auth bypass', 'authentication bypass', 'zip bomb', 'zip bombs', 'rce', 'remote code execution'],
  ['malware', '+', 'ransomware', 'trojan', 'backdoor', 'rootkit', 'suspicious binary', 'beaconing', 'beacon', 'c2 server', 'command and control', 'unknown executable', 'suspicious process', 'infected'],
  ['encryption', '+', 'encrypt', 'crypto', 'cryptography', 'tls', 'ssl', 'password hashing', 'hashed passwords', 'bcrypt', 'argon2', 'scrypt', 'pbkdf2', 'md5', 'sha1'],
  ['secrets', '+', 'secret management', 'secrets management', 'vault', 'api keys', 'credentials'],
  ['compliance', '+', 'gdpr', 'soc2', 'soc 2', 'hipaa', 'pci', 'pci-dss', 'pci dss', 'iso 27001', 'audit trail', 'ccpa', 'cookie consent', 'cookie banner', 'data protection', 'kyc', 'aml', 'know your customer', 'anti-money laundering', 'anti money laundering', 'sox', 'data subject access request', 'data subject request', 'subject access request', 'dsar', 'dsars', 'right to be forgotten', 'right to erasure', 'data processing agreement', 'privacy request', 'privacy requests'],
  ['legal', '+', 'contract', 'contracts', 'terms of service', 'privacy policy', 'nda', 'ndas', 'lawyer', 'lawyers', 'attorney', 'trademark', 'copyright'],
  // process and docs
  ['documentation', 'docs', '+', 'readme', 'readmes', 'technical writing', 'tutorial', 'tutorials', 'changelog', 'release notes', 'user guide', 'help articles', 'help docs', 'how-to guides', 'how-to guide'],
  ['api documentation', 'api docs', 'api reference'],
  ['architecture', '+', 'system design'],
  ['migration', '+', 'upgrade', 'upgrades'],
  ['payment', '+', 'stripe', 'billing', 'checkout', 'subscriptions', 'invoicing', 'paypal', 'refund', 'refunds', 'chargeback', 'chargebacks', 'adyen', 'braintree', 'charged twice', 'double charged', 'dunning', 'renewal', 'renewals', 'payout', 'payouts', 'card declined', 'cards declined', 'declined card', 'declined cards', 'failed payment', 'failed payments', 'sales tax', 'vat'],
  ['business intelligence', 'bi', '+', 'analytics', 'dashboards', 'dashboard', 'kpi', 'kpis', 'mrr', 'nrr', 'net revenue retention', 'revenue retention', 'board deck', 'board report'],
  ['web analytics', 'product analytics', '+', 'ga4', 'google analytics', 'mixpanel', 'amplitude', 'utm', 'attribution', 'conversion tracking', 'event tracking', 'funnel', 'funnels', 'cohort analysis'],
  ['churn', 'customer churn', 'churn rate', '+', 'cancellations', 'customer retention', 'likely to cancel', 'about to cancel', 'going to cancel', 'likely to churn', 'at-risk accounts', 'at risk accounts'],
  ['product management', '+', 'prd', 'prds', 'roadmap', 'roadmaps', 'user stories', 'user story', 'product requirements', 'feature prioritization', 'okr', 'okrs'],
  ['marketing', '+', 'campaign', 'campaigns', 'newsletter', 'ad spend', 'landing page', 'landing pages', 'growth marketing', 'content calendar', 'editorial calendar', 'social media', 'linkedin', 'nurture', 'drip campaign', 'email sequence'],
  ['sales', '+', 'crm', 'salesforce', 'hubspot', 'lead generation', 'prospects', 'cold email', 'cold outreach'],
  ['customer support', 'customer service', '+', 'support tickets', 'helpdesk', 'help desk', 'zendesk', 'intercom', 'faq', 'faqs', 'canned responses'],
  ['email deliverability', '+', 'spam folder', 'dkim', 'spf', 'dmarc', 'bounce rate', 'sender reputation', 'sendgrid', 'mailchimp', 'in spam', 'to spam', 'landing in spam', 'going to spam', 'marked as spam', 'junk folder', 'promotions tab', 'inbox placement'],
  ['hiring', 'recruiting', 'recruitment', '+', 'job description', 'job descriptions', 'candidates', 'headcount', 'job posting', 'interview loop'],
  ['crisis communication', 'crisis communications', '+', 'press release', 'press releases', 'journalists', 'media statement', 'backlash'],
  ['financial modeling', 'financial modelling', '+', 'revenue forecast', 'cash flow', 'burn rate', 'runway', 'unit economics', 'ltv', 'cac', 'tam', 'market sizing'],
  ['data quality', '+', 'data validation', 'bad records', 'bad data', 'double-counted', 'double counted', 'duplicate records', 'great expectations', 'data contracts', 'data observability', 'dbt tests', 'data checks', 'discrepancy', 'discrepancies', 'mismatch', 'mismatches', 'reconciliation', 'missing data', 'blank rows', 'empty rows', 'null values', 'missing values', 'stale data'],
  ['schema', '+', 'ddl', 'data model', 'data modeling'],
  ['cache', '+', 'memcached', 'redis', 'cdn', 'varnish', 'cache invalidation', 'cache hit', 'cache misses'],
  ['message queue', 'message queues', 'message broker', 'message brokers', '+', 'kafka', 'rabbitmq', 'sqs', 'pub/sub', 'pubsub', 'event streaming', 'event bus', 'nats', 'kinesis', 'flink', 'stream processing'],
  ['blockchain', '+', 'web3', 'smart contract', 'smart contracts', 'solidity', 'ethereum', 'defi', 'nft', 'nfts', 'layer 2', 'rollup', 'rollups'],
  ['multi-agent', 'multi agent', 'multiagent', 'multi-agent systems', '+', 'agent orchestration', 'orchestrate agents', 'subagents', 'sub-agents', 'parallel agents', 'claude sessions', 'agent teams', 'agent swarm', 'which specialists'],
  ['load balancer', 'load balancers', 'lb', 'lbs', 'load balancing', '+', 'haproxy', 'alb', 'elb', 'reverse proxy'],
  ['literature review', 'scientific literature', '+', 'peer-reviewed', 'peer reviewed', 'research papers', 'doi', 'dois', 'pubmed', 'arxiv', 'systematic review'],
  ['risk management', '+', 'hedging', 'hedge', 'fx exposure', 'currency risk', 'currency exposure', 'value at risk', 'market risk', 'credit risk'],
  ['trend analysis', '+', 'trends', 'hype', 'emerging technology', 'emerging technologies', 'where it is heading', "where it's heading"],
  ['iot', 'internet of things', '+', 'mqtt', 'sensor', 'sensors', 'sensor data', 'telemetry devices', 'connected devices', 'device fleet', 'edge devices', 'zigbee', 'lorawan', 'coap'],
  ['django', '+', 'makemigrations', 'manage.py', 'select related', 'prefetch related', 'django admin', 'django orm', 'drf', 'django rest framework'],
  ['competitive analysis', 'competitor analysis', '+', 'competitors', 'competitor', 'rivals', 'competitive landscape', 'competitor pricing'],
  ['market research', '+', 'market size', 'total addressable market', 'addressable market', 'market demand', 'demand sizing'],
  ['open source licensing', 'license compliance', 'licence compliance', '+', 'gpl', 'agpl', 'lgpl', 'copyleft', 'spdx', 'open source license', 'open source licenses', 'license audit', 'licensing'],
  ['agile', '+', 'scrum', 'standup', 'standups', 'stand-up', 'stand-ups', 'daily standup', 'retro', 'retros', 'retrospective', 'retrospectives', 'sprint planning', 'sprint velocity'],
  ['game development', 'gamedev', 'game dev', '+', 'unity', 'unreal', 'godot', 'pathfinding', 'navmesh', 'npc', 'npcs', 'sprite', 'sprites', 'enemies', 'game loop', 'gameplay', 'level design', 'game engine'],
  ['embedded', '+', 'firmware', 'microcontroller', 'microcontrollers', 'mcu', 'stm32', 'arduino', 'esp32', 'rtos', 'freertos', 'bare metal'],
  ['quantum computing', '+', 'qiskit', 'qubit', 'qubits', 'quantum circuit', 'quantum circuits'],
  ['augmented reality', 'ar', '+', 'virtual reality', 'vr', 'xr', 'mixed reality', 'arkit', 'arcore', 'visionos'],
  ['compiler', 'compilers', '+', 'lexer', 'llvm', 'codegen', 'interpreter', 'bytecode'],
  ['bash', '+', 'shell script', 'shell scripts', 'shellcheck', 'zsh'],
  ['git', '+', 'merge conflict', 'merge conflicts', 'rebase', 'branching strategy'],
  ['monorepo', 'mono repo', 'mono-repo', 'monorepos', '+', 'nx', 'turborepo', 'lerna', 'bazel', 'pnpm workspaces', 'yarn workspaces', 'npm workspaces', 'one repo', 'single repo', 'single repository', 'incremental build', 'incremental builds', 'build cache', 'remote cache', 'remote caching', 'affected packages', 'changed packages'],
  ['deploy', 'deployment', '+', 'rollback', 'roll back', 'rollbacks', 'blue-green', 'blue green', 'canary', 'canary release', 'canary releases', 'zero downtime', 'zero-downtime', 'feature flag', 'feature flags', 'release process'],
  ['capacity planning', '+', 'how many servers', 'how many nodes', 'how many instances', 'headroom', 'traffic growth', 'growth forecast', 'resource forecasting', 'provisioning'],
  ['legacy modernization', 'legacy modernisation', '+', 'legacy system', 'legacy systems', 'legacy app', 'legacy application', 'legacy stack', 'mainframe', 'cobol', 'strangler fig', 'strangler pattern', 'end of life', 'end-of-life', 'modernize', 'modernization'],
  ['a/b testing', 'ab testing', 'a/b test', 'a/b tests', 'ab test', 'ab tests', 'split test', 'split testing', '+', 'statistical significance', 'statistically significant', 'p-value', 'p value', 'confidence interval', 'sample size', 'hypothesis test', 'control group', 'holdout group'],
  // everyday abbreviations of developers' words
  ['message', 'messages', 'msg', 'msgs'],
  ['notification', 'notifications', 'notif', 'notifs'],
  ['configuration', 'config', 'configs', 'cfg'],
  ['repository', 'repositories', 'repo', 'repos'],
  ['infrastructure', 'infra'],
  ['environment', 'environments', 'env', 'envs'],
  ['production', 'prod'],
  ['dependency', 'dependencies', 'deps'],
  ['transaction', 'transactions', 'txn', 'txns'],
  ['statistics', 'stats'],
  ['specification', 'specifications', 'spec', 'specs'],
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
    // families Porter splits: deploy (deploi) and deployment (deploy), notify and notification, ...
    ['deploy', ['deploy', 'deploys', 'deployed', 'deploying', 'deployment', 'deployments']],
    ['analyz', ['analyze', 'analyzes', 'analyzed', 'analyzing', 'analysis', 'analyses']],
    ['architect', ['architect', 'architects', 'architecture', 'architectures', 'architectural']],
    ['scale', ['scale', 'scales', 'scaled', 'scaling', 'scalable', 'scalability']],
    ['notif', ['notify', 'notifies', 'notified', 'notifying', 'notification', 'notifications']],
    ['classif', ['classify', 'classifies', 'classified', 'classifying', 'classification', 'classifications', 'classifier', 'classifiers']],
    ['verif', ['verify', 'verifies', 'verified', 'verifying', 'verification']],
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
