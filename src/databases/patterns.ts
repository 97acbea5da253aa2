export type ArchitecturePattern = {
  id: string;
  name: string;
  aliases: string[];
  summary: string;
  when_to_use: string[];
  components: { role: string; systems: string[]; why: string }[];
  synchronization: { method: string; consistency: string; conflict_resolution: string; transport: string[] };
  trade_offs: string[];
};

/** The seed's polyglot patterns, plus the two building blocks they lean on. */
export const ARCHITECTURE_PATTERNS: Record<string, ArchitecturePattern> = {
  'database-per-service': {
    id: 'database-per-service',
    name: 'Database per service',
    aliases: ['polyglot persistence', 'microservices data architecture'],
    summary: 'Each microservice owns its store, chosen for its own access pattern; other services reach the data only through its API or its events.',
    when_to_use: [
      'Services with clearly different access patterns (transactions, search, sessions, analytics)',
      'Teams that deploy independently and must not share schemas',
      'A monolith being split, one bounded context at a time',
    ],
    components: [
      { role: 'users', systems: ['postgresql'], why: 'ACID profiles, unique constraints, relational integrity' },
      { role: 'orders', systems: ['mongodb'], why: 'order documents whose shape varies by channel and product' },
      { role: 'inventory', systems: ['postgresql'], why: 'transactional stock counts: no overselling' },
      { role: 'search', systems: ['elasticsearch'], why: 'relevance-ranked product search with facets' },
      { role: 'sessions', systems: ['redis'], why: 'sub-millisecond reads, expiry by TTL' },
      { role: 'analytics', systems: ['clickhouse'], why: 'real-time aggregations over event streams' },
      { role: 'recommendations', systems: ['weaviate'], why: 'vector similarity over item and user embeddings' },
    ],
    synchronization: {
      method: 'Events: each service publishes changes (outbox table or change data capture); others keep their own projections',
      consistency: 'Eventually consistent across services; strong within one',
      conflict_resolution: 'One owner per entity; last-write-wins or CRDTs where several write',
      transport: ['Kafka', 'RabbitMQ', 'Debezium (CDC)'],
    },
    trade_offs: [
      'No joins or transactions across services: sagas and compensating actions instead',
      'More systems to operate, monitor, back up and secure',
      'Duplicated data must be kept in step and can be briefly stale',
    ],
  },
  lambda: {
    id: 'lambda',
    name: 'Lambda architecture',
    aliases: ['lambda architecture', 'batch and speed layers'],
    summary: 'A batch layer recomputes exact views over all history, a speed layer covers the recent data in real time, and a serving layer merges both for queries.',
    when_to_use: [
      'Analytics that need both complete historical accuracy and second-level freshness',
      'Very large event volumes where recomputing everything continuously is too costly',
    ],
    components: [
      { role: 'batch storage', systems: ['S3', 'HDFS'], why: 'cheap, immutable master dataset' },
      { role: 'batch processing', systems: ['Spark', 'Hadoop'], why: 'recomputes views from all history' },
      { role: 'batch views', systems: ['bigquery', 'Hive'], why: 'query the recomputed views with SQL' },
      { role: 'stream', systems: ['Kafka', 'Kinesis'], why: 'ordered, replayable event transport' },
      { role: 'stream processing', systems: ['Flink', 'Storm'], why: 'incremental views of recent data' },
      { role: 'real-time views', systems: ['cassandra', 'dynamodb'], why: 'high write rates, key lookups' },
      { role: 'serving', systems: ['hbase', 'cassandra', 'redis', 'memcached'], why: 'merged views and a cache in front of them' },
    ],
    synchronization: {
      method: 'Every event goes to both layers; batch views periodically replace the speed layer for the period they cover',
      consistency: 'Speed views approximate; batch views exact once recomputed',
      conflict_resolution: 'Batch results win over speed results for the same period',
      transport: ['Kafka', 'Kinesis'],
    },
    trade_offs: [
      'The same logic written twice (batch and stream) and kept in agreement',
      'Operating two processing stacks',
      'Kappa architecture (stream only, replay for recomputation) avoids the duplication when the stream can be replayed',
    ],
  },
  'cqrs-event-sourcing': {
    id: 'cqrs-event-sourcing',
    name: 'CQRS with event sourcing',
    aliases: ['cqrs', 'event sourcing', 'event sourcing + cqrs'],
    summary: 'Commands append events to an event store, the source of truth; read models are projections built from the events and shaped for each query.',
    when_to_use: [
      'A full audit trail is a requirement (finance, healthcare, compliance)',
      'Reads and writes have very different shapes or loads',
      'Past states must be reconstructed or new views built from history',
    ],
    components: [
      { role: 'event store', systems: ['eventstoredb', 'Kafka'], why: 'append-only, ordered streams per aggregate' },
      { role: 'command side', systems: ['postgresql'], why: 'validates commands against current state transactionally' },
      { role: 'read models', systems: ['mongodb', 'elasticsearch'], why: 'documents and search indexes shaped per query' },
      { role: 'cache', systems: ['redis'], why: 'hot read models' },
    ],
    synchronization: {
      method: 'Projections subscribe to the event streams and rebuild read models asynchronously; a read model can be dropped and replayed',
      consistency: 'Eventually consistent reads; writes consistent per aggregate',
      conflict_resolution: 'Optimistic concurrency on the aggregate version when appending',
      transport: ['EventStoreDB subscriptions', 'Kafka'],
    },
    trade_offs: [
      'Event schemas are forever: versioning and upcasting are needed',
      'Readers may see stale data just after a write',
      'More moving parts than CRUD; not worth it for simple domains',
    ],
  },
  'cache-aside': {
    id: 'cache-aside',
    name: 'Cache-aside',
    aliases: ['lazy loading cache', 'read-through cache'],
    summary: 'The application reads the cache first, loads from the database on a miss and stores the result with a TTL; writes go to the database and invalidate the entry.',
    when_to_use: ['Read-heavy data that tolerates brief staleness', 'Expensive queries repeated with the same parameters'],
    components: [
      { role: 'cache', systems: ['redis', 'memcached', 'valkey'], why: 'sub-millisecond reads' },
      { role: 'system of record', systems: ['postgresql', 'mysql'], why: 'the data itself' },
    ],
    synchronization: {
      method: 'Invalidate on write; TTL as a safety net',
      consistency: 'Stale for at most the TTL, or until invalidation',
      conflict_resolution: 'The database wins; the cache is disposable',
      transport: ['application code'],
    },
    trade_offs: ['A cold cache sends every read to the database (stampedes: use request coalescing)', 'Invalidation bugs serve stale data'],
  },
  'change-data-capture': {
    id: 'change-data-capture',
    name: 'Change data capture',
    aliases: ['cdc', 'outbox'],
    summary: "Committed changes are read from the source database's log (WAL, binlog, oplog) and streamed to other stores, which stay in step without dual writes.",
    when_to_use: ['Feeding search indexes, caches and warehouses from a system of record', 'Zero-downtime migrations between databases'],
    components: [
      { role: 'source', systems: ['postgresql', 'mysql', 'mongodb', 'sqlserver', 'oracle'], why: 'its log is the change feed' },
      { role: 'capture', systems: ['Debezium', 'AWS DMS'], why: 'reads the log, emits ordered change events' },
      { role: 'transport', systems: ['Kafka'], why: 'durable, replayable, partitioned by key' },
      { role: 'sinks', systems: ['elasticsearch', 'clickhouse', 'redis'], why: 'projections of the source' },
    ],
    synchronization: {
      method: 'Log-based capture, at-least-once delivery, idempotent upserts in the sinks',
      consistency: 'Eventually consistent; ordered per key',
      conflict_resolution: 'The source wins; sinks are rebuilt from a snapshot plus the log',
      transport: ['Kafka', 'Kinesis'],
    },
    trade_offs: ['Schema changes at the source must be handled by every sink', 'Replication slots or binlog retention must be watched'],
  },
};

export function findPattern(name: string): ArchitecturePattern | undefined {
  const key = name.trim().toLowerCase().replace(/[\s_]+/g, '-');
  return Object.values(ARCHITECTURE_PATTERNS).find((p) =>
    p.id === key || p.name.toLowerCase().replace(/\s+/g, '-') === key || p.aliases.some((a) => a.toLowerCase().replace(/\s+/g, '-') === key));
}
