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
  /** transaction.state.log.num.partitions */
  transactionStateLogNumPartitions: number;
  /** transaction.state.log.segment.bytes */
  transactionStateLogSegmentBytes: number;
  /** transaction.max.timeout.ms: the longest transaction timeout a producer may ask for. */
  transactionMaxTimeoutMs: number;
  /** transaction.abort.timed.out.transaction.cleanup.interval.ms: how often open transactions are checked against their timeout. */
  transactionAbortTimedOutTransactionCleanupIntervalMs: number;
  /** transactional.id.expiration.ms: a transactional id with no transaction open and no update for this long is removed. */
  transactionalIdExpirationMs: number;
  /** transaction.remove.expired.transaction.cleanup.interval.ms: how often transactional ids are checked for expiration. */
  transactionRemoveExpiredTransactionCleanupIntervalMs: number;
  /**
   * transaction.version: the finalized level of Kafka's transaction.version feature that
   * ApiVersions advertises. 2 = transactions version 2 (KIP-890: partitions join a transaction
   * through Produce v12+ and TxnOffsetCommit v5, every EndTxn bumps the producer epoch);
   * 1 = flexible `__transaction_state` records, clients run transactions version 1; 0 = as before KIP-890.
   */
  transactionVersion: number;
  /** After a failed marker or completion write of a decided transaction, the first retry waits this long (doubling per failure). */
  transactionMarkerRetryBackoffMs: number;
  /** The longest wait between two retries of a decided transaction's marker or completion writes. */
  transactionMarkerRetryBackoffMaxMs: number;
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
  transactionStateLogNumPartitions: define.integer(50, 1, 'partitions of `__transaction_state` when it is created', { kafkaName: 'transaction.state.log.num.partitions' }),
  transactionStateLogSegmentBytes: define.integer(104857600, 14, 'segment size of `__transaction_state`', { kafkaName: 'transaction.state.log.segment.bytes' }),
  transactionMaxTimeoutMs: define.integer(900000, 1, 'the longest transaction timeout a producer may ask for (longer: INVALID_TRANSACTION_TIMEOUT)', {
    kafkaName: 'transaction.max.timeout.ms',
  }),
  transactionAbortTimedOutTransactionCleanupIntervalMs: define.integer(10000, 1, 'how often open transactions are checked against their timeout (and aborted past it)', {
    kafkaName: 'transaction.abort.timed.out.transaction.cleanup.interval.ms',
  }),
  transactionalIdExpirationMs: define.integer(604800000, 1, 'a transactional id with no transaction open and no update for this long is removed from `__transaction_state`', {
    kafkaName: 'transactional.id.expiration.ms',
  }),
  transactionRemoveExpiredTransactionCleanupIntervalMs: define.integer(3600000, 1, 'how often transactional ids are checked against `transactional.id.expiration.ms`', {
    kafkaName: 'transaction.remove.expired.transaction.cleanup.interval.ms',
  }),
  transactionVersion: define.integer(2, 0, 'finalized level of the `transaction.version` feature advertised by ApiVersions: 2 = transactions version 2 (KIP-890 epoch bump per transaction, partitions added by Produce v12+), 1 or 0 = version 1 clients', {
    kafkaName: 'transaction.version',
    max: 2,
  }),
  transactionMarkerRetryBackoffMs: define.integer(100, 1, 'first wait before a decided transaction whose markers or completion record could not be written (a full disk) is tried again; doubles per failure'),
  transactionMarkerRetryBackoffMaxMs: define.integer(1000, 1, 'longest wait between two tries of a decided transaction whose markers or completion record could not be written'),
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
  queuedMaxRequestBytes: define.integer(
    268435456,
    1,
    'request bytes the wire server holds at once over every connection (a frame is admitted while any room is left); -1 = no bound, else at least `socket.request.max.bytes`',
    { kafkaName: 'queued.max.request.bytes', alsoAllowed: -1 },
  ),
  maxResponseBytesPerConnection: define.integer(33554432, 1, 'response bytes one connection may have in flight before its further requests wait (the first always starts)'),
  connectionsMaxIdleMs: define.integer(600000, 1, 'a connection idle this long (or not reading its responses) is closed; -1 = never', {
    kafkaName: 'connections.max.idle.ms',
    alsoAllowed: -1,
  }),
  requestFrameTimeoutMs: define.integer(60000, 1, 'a request frame must arrive whole within this long of its first byte, or the connection is closed; -1 = never', { alsoAllowed: -1 }),
  saslServerMaxReceiveSize: define.integer(524288, 1, 'largest request frame accepted before a SASL client has authenticated', { kafkaName: 'sasl.server.max.receive.size' }),
  connectionFailedAuthenticationDelayMs: define.integer(100, 0, 'a failed authentication is answered (and its connection closed) this long after the previous failure from the same address', {
    kafkaName: 'connection.failed.authentication.delay.ms',
  }),
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
    'transaction.state.log.num.partitions': String(cfg.transactionStateLogNumPartitions),
    'transaction.max.timeout.ms': String(cfg.transactionMaxTimeoutMs),
    'transactional.id.expiration.ms': String(cfg.transactionalIdExpirationMs),
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
