import { defaultsOf, define, resolveConfig, type ConfigDefs } from '../../protocol/config/ConfigDef';

/**
 * Broker-wide settings (Kafka's server.properties, camel-cased). Topic-level defaults live in
 * `topicDefaults` under Kafka's topic config names (retention.ms, segment.bytes, ...).
 */
export interface BrokerConfig {
  /** broker.id / node.id: this node in metadata responses. */
  nodeId: number;
  /** Advertised host and port; set by the wire server once it listens. */
  host: string;
  port: number;
  /** auto.create.topics.enable */
  autoCreateTopicsEnable: boolean;
  /** num.partitions: partitions of auto-created topics and of CreateTopics asking for -1. */
  numPartitions: number;
  /** delete.topic.enable */
  deleteTopicEnable: boolean;
  /** offsets.topic.num.partitions */
  offsetsTopicNumPartitions: number;
  /** offsets.topic.segment.bytes */
  offsetsTopicSegmentBytes: number;
  /** log.retention.check.interval.ms: how often retention runs. */
  logRetentionCheckIntervalMs: number;
  /** log.flush.scheduler.interval.ms: how often topics with flush.ms are checked. */
  logFlushSchedulerIntervalMs: number;
  /** log.flush.offset.checkpoint.interval.ms: how often recovery points and log start offsets are checkpointed. */
  logFlushOffsetCheckpointIntervalMs: number;
  /** log.cleaner.backoff.ms: how often compacted topics are offered to the log cleaner. */
  logCleanerBackoffMs: number;
  /** How often partitions appended to since their last producer-state snapshot write a new one (bounds replay after a crash). */
  producerStateSnapshotIntervalMs: number;
  /** producer.id.expiration.ms: idempotent-producer state is forgotten this long after the producer's last batch. */
  producerIdExpirationMs: number;
  /** Bytes of recently appended batches kept in memory per partition for caught-up fetches. */
  tailCacheBytesPerPartition: number;
  /** fetch.max.bytes: cap of one fetch response. */
  fetchMaxBytes: number;
  /**
   * Stored bytes one fetch reads from a partition's log files, at most (the first batch is always
   * whole); by default as much as a response may hold, so clients get what they ask for
   * (max.partition.fetch.bytes). Responses are assembled in memory (Kafka sends file ranges with
   * sendfile) from pooled pieces of at most 1 MiB, held until the socket has written them; a lower
   * limit bounds what one fetch holds, and a client asking for more gets it over more round trips.
   * Reads served from the in-memory tail are not limited by it.
   */
  fetchLogReadMaxBytes: number;
  /** Default topic configs by Kafka name (log.retention.ms → 'retention.ms', ...). */
  topicDefaults: Record<string, string>;
}

/**
 * The broker settings, declared once (Kafka's name, type, default, doc): Broker.open, runBroker,
 * `bindery broker` and the native binder take their defaults from here, and docs/cli.md's table is
 * generated from it. A new setting is a field of BrokerConfig and an entry here.
 */
export const BROKER_CONFIG_DEFS: ConfigDefs<BrokerConfig> = {
  nodeId: define.integer(0, 0, 'this node in metadata responses', { kafkaName: 'node.id' }),
  host: define.string('127.0.0.1', 'advertised host; set by the wire server once it listens'),
  port: define.integer(9092, 0, 'advertised port; set by the wire server once it listens'),
  autoCreateTopicsEnable: define.boolean(true, 'create a topic a client asks for and that does not exist', { kafkaName: 'auto.create.topics.enable' }),
  numPartitions: define.integer(1, 1, 'partitions of auto-created topics and of CreateTopics asking for -1', { kafkaName: 'num.partitions' }),
  deleteTopicEnable: define.boolean(true, 'whether DeleteTopics deletes', { kafkaName: 'delete.topic.enable' }),
  offsetsTopicNumPartitions: define.integer(50, 1, 'partitions of `__consumer_offsets` when it is created', { kafkaName: 'offsets.topic.num.partitions' }),
  offsetsTopicSegmentBytes: define.integer(104857600, 14, 'segment size of `__consumer_offsets`', { kafkaName: 'offsets.topic.segment.bytes' }),
  logRetentionCheckIntervalMs: define.integer(300000, 1, 'how often retention runs', { kafkaName: 'log.retention.check.interval.ms' }),
  logFlushSchedulerIntervalMs: define.integer(1000, 1, 'how often topics with `flush.ms` are checked', { kafkaName: 'log.flush.scheduler.interval.ms' }),
  logFlushOffsetCheckpointIntervalMs: define.integer(60000, 1, 'how often recovery points and log start offsets are checkpointed', {
    kafkaName: 'log.flush.offset.checkpoint.interval.ms',
  }),
  logCleanerBackoffMs: define.integer(15000, 1, 'how often compacted topics are offered to the log cleaner', { kafkaName: 'log.cleaner.backoff.ms' }),
  producerStateSnapshotIntervalMs: define.integer(30000, 1, 'how often partitions appended to write a producer-state snapshot (bounds replay after a crash)'),
  producerIdExpirationMs: define.integer(86400000, 1, "idempotent-producer state is forgotten this long after the producer's last batch", {
    kafkaName: 'producer.id.expiration.ms',
  }),
  tailCacheBytesPerPartition: define.integer(1024 * 1024, 0, 'bytes of recently appended batches kept in memory per partition for caught-up fetches'),
  fetchMaxBytes: define.integer(57671680, 1, 'cap of one fetch response', { kafkaName: 'fetch.max.bytes' }),
  fetchLogReadMaxBytes: define.integer(57671680, 1, "stored bytes one fetch reads from a partition's log files, at most (the first batch is always whole)"),
  topicDefaults: define.of({ type: 'freeObject' }, {}, 'default topic configs by Kafka topic config name (`retention.ms`, ...)'),
};

export const DEFAULT_BROKER_CONFIG: BrokerConfig = defaultsOf(BROKER_CONFIG_DEFS);

export function resolveBrokerConfig(partial: Partial<BrokerConfig> = {}): BrokerConfig {
  const cfg = resolveConfig(BROKER_CONFIG_DEFS, partial, (key, value, expected) => new RangeError(`${key} must be ${expected}, got ${String(value)}`));
  return { ...cfg, topicDefaults: { ...partial.topicDefaults } };
}

/** The broker settings as Kafka names them, for DescribeConfigs on the broker resource. */
export function brokerConfigEntries(cfg: BrokerConfig): Record<string, string> {
  return {
    'node.id': String(cfg.nodeId),
    'auto.create.topics.enable': String(cfg.autoCreateTopicsEnable),
    'num.partitions': String(cfg.numPartitions),
    'delete.topic.enable': String(cfg.deleteTopicEnable),
    'offsets.topic.num.partitions': String(cfg.offsetsTopicNumPartitions),
    'log.retention.check.interval.ms': String(cfg.logRetentionCheckIntervalMs),
    'log.flush.scheduler.interval.ms': String(cfg.logFlushSchedulerIntervalMs),
    'log.flush.offset.checkpoint.interval.ms': String(cfg.logFlushOffsetCheckpointIntervalMs),
    'log.cleaner.backoff.ms': String(cfg.logCleanerBackoffMs),
    'fetch.max.bytes': String(cfg.fetchMaxBytes),
    'default.replication.factor': '1',
  };
}
