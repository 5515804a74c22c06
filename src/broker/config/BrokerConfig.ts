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
  /**
   * queued.max.request.bytes: request bytes the wire server holds at once, over every connection
   * (frames being received, queued or handled). A frame's declared size is reserved when its size
   * prefix arrives; while the pool is used up, no connection starts a new frame. As in Kafka, a
   * frame is admitted while any room is left, so one frame may take the pool past this size.
   * -1 = no bound. At least socket.request.max.bytes when bounded.
   */
  queuedMaxRequestBytes: number;
  /**
   * Response bytes one connection may have in flight (requests being answered plus responses not
   * yet written to the socket) before its further requests wait: a fetch counts its maxBytes
   * from the moment it starts, before it reads the log. The first request in flight always starts.
   */
  maxResponseBytesPerConnection: number;
  /**
   * connections.max.idle.ms: a connection that sends no bytes, takes none of its responses and has
   * no request being answered for this long is closed; so is one that stops reading its responses.
   */
  connectionsMaxIdleMs: number;
  /** A request frame must arrive whole within this long of its first byte, or the connection is closed (-1 = never). */
  requestFrameTimeoutMs: number;
  /** sasl.server.max.receive.size: largest request frame accepted before a SASL client has authenticated. */
  saslServerMaxReceiveSize: number;
  /**
   * connection.failed.authentication.delay.ms: a failed authentication is answered (and its
   * connection closed) this long after the previous failure from the same address.
   */
  connectionFailedAuthenticationDelayMs: number;
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
  queuedMaxRequestBytes: 268435456,
  maxResponseBytesPerConnection: 33554432,
  connectionsMaxIdleMs: 600000,
  requestFrameTimeoutMs: 60000,
  saslServerMaxReceiveSize: 524288,
  connectionFailedAuthenticationDelayMs: 100,
  topicDefaults: {},
};

export function resolveBrokerConfig(partial: Partial<BrokerConfig> = {}): BrokerConfig {
  const cfg = { ...DEFAULT_BROKER_CONFIG, ...partial, topicDefaults: { ...partial.topicDefaults } };
  if (!Number.isInteger(cfg.numPartitions) || cfg.numPartitions < 1) throw new RangeError(`numPartitions must be a positive integer, got ${cfg.numPartitions}`);
  if (!Number.isInteger(cfg.fetchLogReadMaxBytes) || cfg.fetchLogReadMaxBytes < 1) {
    throw new RangeError(`fetchLogReadMaxBytes must be a positive integer, got ${cfg.fetchLogReadMaxBytes}`);
  }
  for (const name of ['maxResponseBytesPerConnection', 'saslServerMaxReceiveSize'] as const) {
    if (!Number.isInteger(cfg[name]) || cfg[name] < 1) throw new RangeError(`${name} must be a positive integer, got ${cfg[name]}`);
  }
  for (const name of ['queuedMaxRequestBytes', 'connectionsMaxIdleMs', 'requestFrameTimeoutMs'] as const) {
    if (!Number.isInteger(cfg[name]) || (cfg[name] < 1 && cfg[name] !== -1)) throw new RangeError(`${name} must be a positive integer or -1 (no limit), got ${cfg[name]}`);
  }
  if (!Number.isInteger(cfg.connectionFailedAuthenticationDelayMs) || cfg.connectionFailedAuthenticationDelayMs < 0) {
    throw new RangeError(`connectionFailedAuthenticationDelayMs must be 0 or more, got ${cfg.connectionFailedAuthenticationDelayMs}`);
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
    'queued.max.request.bytes': String(cfg.queuedMaxRequestBytes),
    'connections.max.idle.ms': String(cfg.connectionsMaxIdleMs),
    'sasl.server.max.receive.size': String(cfg.saslServerMaxReceiveSize),
    'connection.failed.authentication.delay.ms': String(cfg.connectionFailedAuthenticationDelayMs),
    'default.replication.factor': '1',
  };
}
