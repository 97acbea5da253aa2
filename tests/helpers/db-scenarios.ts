import type { Requirements } from '../../src/databases/recommend.js';

/** The recommender's scenario tests: also the set its confidence levels are calibrated on (see confidenceOf). */
export type Scenario = {
  name: string;
  req: Requirements;
  /** At least one of these is in the top 3. */
  expect: string[];
  /** Excluded by a hard constraint (in excluded, absent from the ranking). */
  excluded?: string[];
  /** Must not be in the top 3. */
  notTop?: string[];
};

// Written from domain knowledge before the recommender was run.
export const SCENARIOS: Scenario[] = [
  { name: 'IoT metrics at high write rates', req: { data_model: 'time-series', writes_per_second: 500_000, data_volume: '50TB', query_needs: ['time_series', 'aggregations'], deployment: 'self-hosted' }, expect: ['influxdb', 'questdb', 'victoriametrics'], excluded: ['dynamodb'], notTop: ['sqlite', 'postgresql'] },
  { name: 'social graph', req: { data_model: 'graph', query_needs: ['graph_traversal'], data_volume: '2TB' }, expect: ['neo4j'], notTop: ['redis', 'mysql'] },
  { name: 'e-commerce orders', req: { workloads: ['oltp'], transactions: true, consistency: 'strong', query_needs: ['joins', 'aggregations'], data_volume: '800GB', writes_per_second: 2000 }, expect: ['postgresql'], excluded: ['cassandra', 'memcached'] },
  { name: 'product search', req: { workloads: ['search'], query_needs: ['full_text', 'aggregations'], data_volume: '200GB' }, expect: ['elasticsearch', 'opensearch'], notTop: ['memcached', 'postgresql'] },
  { name: 'RAG embeddings inside an existing PostgreSQL shop', req: { data_model: 'vector', query_needs: ['vector_similarity'], existing_systems: ['postgresql'], team_expertise: ['postgres'], data_volume: '50GB' }, expect: ['pgvector'] },
  { name: 'session cache', req: { workloads: ['cache'], latency_ms: 1, reads_per_second: 200_000, data_volume: '20GB', consistency: 'eventual' }, expect: ['redis', 'valkey'], notTop: ['snowflake', 'postgresql'] },
  { name: 'global multi-region writes', req: { multi_region: 'active-active', consistency: 'strong', transactions: true, data_model: 'relational', query_needs: ['joins'] }, expect: ['cockroachdb', 'spanner', 'yugabytedb'], excluded: ['postgresql', 'mysql'] },
  { name: 'analytics over TBs, self-hosted', req: { workloads: ['analytics'], data_volume: '40TB', query_needs: ['aggregations', 'joins'], deployment: 'self-hosted' }, expect: ['clickhouse'], excluded: ['snowflake', 'bigquery', 'redshift'] },
  { name: 'AWS serverless key-value', req: { serverless: true, cloud: 'aws', data_model: 'key-value', query_needs: ['key_lookup'] }, expect: ['dynamodb'], excluded: ['firestore', 'cosmosdb', 'mysql', 'spanner'] },
  { name: 'offline mobile app', req: { offline_sync: true, deployment: 'embedded', data_model: 'relational' }, expect: ['sqlite'], excluded: ['postgresql', 'mongodb'] },
  { name: 'audit-heavy finance', req: { transactions: true, consistency: 'strong', compliance: ['sox', 'pci-dss'], data_model: 'relational', query_needs: ['joins', 'aggregations'], budget: 'high' }, expect: ['postgresql', 'oracle', 'sqlserver', 'db2'], excluded: ['cassandra', 'memcached'] },
  { name: 'self-hosted vector search', req: { data_model: 'vector', deployment: 'self-hosted', query_needs: ['vector_similarity'], data_volume: '500GB' }, expect: ['qdrant', 'milvus', 'weaviate'], excluded: ['pinecone'] },
  { name: 'Azure .NET shop, managed relational', req: { cloud: 'azure', data_model: 'relational', transactions: true, team_expertise: ['sql server'], deployment: 'managed' }, expect: ['sqlserver'], excluded: ['aurora-mysql', 'aurora-postgresql', 'spanner', 'bigquery'] },
  { name: 'petabyte analytics on GCP, serverless', req: { cloud: 'gcp', workloads: ['analytics'], data_volume: '3PB', deployment: 'managed', serverless: true }, expect: ['bigquery'], excluded: ['redshift', 'aurora-mysql', 'aurora-postgresql'] },
  { name: 'analytics embedded in an application', req: { deployment: 'embedded', workloads: ['analytics'], query_needs: ['aggregations', 'joins'], data_volume: '50GB' }, expect: ['duckdb'], excluded: ['snowflake', 'bigquery'] },
  { name: 'open-source document store', req: { data_model: 'document', open_source_only: true }, expect: ['couchdb', 'ravendb', 'postgresql', 'couchbase'], excluded: ['mongodb', 'cosmosdb', 'firestore'] },
  { name: 'cluster coordination metadata', req: { data_model: 'key-value', consistency: 'strong', data_volume: '2GB', query_needs: ['key_lookup'], deployment: 'self-hosted', open_source_only: true }, expect: ['etcd', 'foundationdb'], excluded: ['dynamodb'] },
  { name: 'real-time leaderboards', req: { data_model: 'key-value', latency_ms: 1, writes_per_second: 50_000, query_needs: ['key_lookup'] }, expect: ['redis', 'valkey', 'keydb'], notTop: ['snowflake', 'neo4j'] },
  { name: 'write-heavy messages across regions', req: { data_model: 'wide-column', writes_per_second: 1_000_000, multi_region: 'active-active', data_volume: '1PB' }, expect: ['cassandra', 'scylladb'], excluded: ['postgresql', 'mysql', 'redis'] },
  { name: 'geospatial delivery tracking', req: { data_model: 'relational', query_needs: ['geospatial', 'joins'], transactions: true }, expect: ['postgresql'], excluded: ['cassandra'] },
  { name: 'fraud graph, managed on AWS', req: { data_model: 'graph', cloud: 'aws', deployment: 'managed', query_needs: ['graph_traversal'] }, expect: ['neptune', 'neo4j'], excluded: ['cosmosdb', 'spanner'] },
  { name: 'time series inside SQL with joins', req: { data_model: 'time-series', query_needs: ['time_series', 'joins'], existing_systems: ['postgresql'], transactions: true }, expect: ['timescaledb'], excluded: ['influxdb', 'prometheus'] },
  { name: 'metrics for Kubernetes monitoring', req: { workloads: ['time-series'], writes_per_second: 200_000, open_source_only: true, deployment: 'self-hosted' }, expect: ['prometheus', 'victoriametrics', 'influxdb'], excluded: ['pinecone', 'snowflake'] },
];
