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

export const DEFAULT_BROKER_CONFIG: BrokerConfig = {
  nodeId: 0,
  host: '127.0.0.1',
  port: 9092,
  autoCreateTopicsEnable: true,
  numPartitions: 1,
  deleteTopicEnable: true,
  offsetsTopicNumPartitions: 50,
  offsetsTopicSegmentBytes: 104857600,
  logRetentionCheckIntervalMs: 300000,
  logFlushSchedulerIntervalMs: 1000,
  logFlushOffsetCheckpointIntervalMs: 60000,
  logCleanerBackoffMs: 15000,
  producerStateSnapshotIntervalMs: 30000,
  producerIdExpirationMs: 86400000,
  tailCacheBytesPerPartition: 1024 * 1024,
  fetchMaxBytes: 57671680,
  fetchLogReadMaxBytes: 57671680,
  topicDefaults: {},
};

export function resolveBrokerConfig(partial: Partial<BrokerConfig> = {}): BrokerConfig {
  const cfg = { ...DEFAULT_BROKER_CONFIG, ...partial, topicDefaults: { ...partial.topicDefaults } };
  if (!Number.isInteger(cfg.numPartitions) || cfg.numPartitions < 1) throw new RangeError(`numPartitions must be a positive integer, got ${cfg.numPartitions}`);
  if (!Number.isInteger(cfg.fetchLogReadMaxBytes) || cfg.fetchLogReadMaxBytes < 1) {
    throw new RangeError(`fetchLogReadMaxBytes must be a positive integer, got ${cfg.fetchLogReadMaxBytes}`);
  }
  if (!Number.isInteger(cfg.offsetsTopicNumPartitions) || cfg.offsetsTopicNumPartitions < 1) {
    throw new RangeError(`offsetsTopicNumPartitions must be a positive integer, got ${cfg.offsetsTopicNumPartitions}`);
  }
  return cfg;
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
