/**
 * The Binder SPI: what the runtime needs from a broker, and nothing more. Every binder
 * (native, kafka, test) implements it and passes the same contract suite
 * (test/integration/binder-contract/). Retries, DLQ, deserialization and ack policy live in
 * the runtime's listener container, never in a binder: a binder delivers batches per
 * partition in order, commits what it is told, and keeps group membership alive.
 */
import type { RecordHeader, CompressionType } from '../protocol/records/types';
import { CONSUMER_OPTION_DEFAULTS } from './consumerDefaults';

export type { RecordHeader };

/** A message on its way out. `partition` overrides key-based partitioning. */
export interface OutboundRecord {
  key?: Buffer | null;
  value: Buffer | null;
  headers?: RecordHeader[];
  partition?: number;
  timestamp?: number;
}

export interface SendResult {
  topic: string;
  partition: number;
  offset: number;
  /**
   * Set by a binding with an outbox: 'delivered' (acknowledged by the cluster) or 'stored' (durably in
   * the local outbox, forwarded later; partition and offset are then -1).
   */
  outcome?: 'delivered' | 'stored';
}

export interface ProducerOptions {
  /** Codec of produced batches. Default none. */
  compression?: CompressionType;
  /** Close a batch at this many bytes. Default 262144 on the native binder (the kafka binder's kafkajs sends what a tick produced in one request). */
  batchSize?: number;
  /** Wait up to this long for more records before closing a batch. Default 0 (native) / kafkajs default. */
  lingerMs?: number;
  /** Idempotent producer (sequence numbers, no duplicates on retry). Default true. */
  idempotent?: boolean;
  /** 0, 1 or -1 (all). Default -1. */
  acks?: 0 | 1 | -1;
  /** Partitions to create the topic with when it does not exist. */
  partitionCount?: number;
  /** Kafka binder: keep records the cluster cannot take in a durable local outbox in `dataDir`, forward them later. */
  outbox?: { dataDir: string };
}

export interface ProducerBinding {
  readonly destination: string;
  send(record: OutboundRecord): Promise<SendResult>;
  sendMany(records: OutboundRecord[]): Promise<SendResult[]>;
  /** Resolves when every record handed to send() so far is acknowledged. */
  flush(): Promise<void>;
  close(): Promise<void>;
  /** A binding with a durable outbox (kafka binder `producer.outbox`): its directory and undelivered records. */
  readonly outboxStatus?: OutboxStatus;
}

export interface OutboxStatus {
  dataDir: string;
  /** Records stored and not yet delivered. */
  depth: number;
  /** Whether the last attempt to reach the cluster failed. */
  unreachable: boolean;
}

/**
 * A record as delivered to the runtime. Read the fields by name: a binder may decode `headers`
 * on first access (the native binder does), so a spread copy of a record can lack them; a record
 * made from another is a new PlainInboundRecord.
 */
export interface InboundRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
  /**
   * The value of the last header named `name` (compared exactly, else ignoring case) as UTF-8
   * text; undefined when there is none or its value is null. A binder may answer without
   * decoding the record's other headers (the native binder reads it from the batch bytes).
   */
  headerText(name: string): string | undefined;
}

export { PlainInboundRecord } from './consumer/PlainInboundRecord';

/** Records of one partition, in offset order. */
export interface InboundBatch {
  topic: string;
  partition: number;
  records: InboundRecord[];
  highWatermark: number;
}

export interface TopicPartitionOffset {
  topic: string;
  partition: number;
  /** The next offset to consume (Kafka's committed-offset convention). */
  offset: number;
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

/**
 * Where a seek moves a partition: its first record, past its last one, an offset, or the first
 * record whose timestamp is at or after `timestamp` (Kafka's ListOffsets by time; past the last
 * record when there is none).
 */
export type SeekPosition = 'beginning' | 'end' | { offset: number } | { timestamp: number };

/**
 * Moves partitions the consumer member holds (Spring's ConsumerSeekCallback). Seeking a partition
 * the member does not hold rejects with PartitionNotAssignedError; a timestamp in the future with
 * SeekTimestampInFutureError. The next delivery of the partition starts at the new position.
 */
export interface PartitionSeeker {
  seekTo(topic: string, partition: number, position: SeekPosition): Promise<void>;
}

/** Handed to the batch handler; valid while its partitions stay assigned. */
export interface ConsumerSession extends PartitionSeeker {
  /** Commits offsets for the group (no-op for anonymous groups). */
  commit(offsets: TopicPartitionOffset[]): Promise<void>;
  /** Redeliver from `offset` on the next poll (nack / retry after a pause). */
  seek(target: TopicPartitionOffset): void;
  /** Keeps group membership alive during long handler work or backoff. */
  heartbeat(): Promise<void>;
  /** False once the partition was revoked or the binding is stopping: stop processing the batch. */
  isActive(topic: string, partition: number): boolean;
  /**
   * Delivers nothing more of the partition (after the batch in hand) until resumePartition; the
   * member stays in its group. A pause outlives a rebalance that leaves the partition with the
   * member. Throws PartitionNotAssignedError for a partition the member does not hold.
   */
  pausePartition(topic: string, partition: number): void;
  resumePartition(topic: string, partition: number): void;
  /** Partitions of this member paused with pausePartition. */
  pausedPartitions(): TopicPartition[];
  /**
   * The member's place in its group now (Java's consumer.groupMetadata()), for a transaction's
   * offset commit; undefined for an anonymous group or a binder that cannot tell.
   */
  groupMetadata?(): ConsumerGroupMetadata | undefined;
}

/** A group member's identity and generation (KIP-447): the broker refuses an offset commit of a stale generation. */
export interface ConsumerGroupMetadata {
  groupId: string;
  memberId: string;
  generationId: number;
  groupInstanceId: string | null;
}

/**
 * `session` is the member's: the same object for every batch one group member delivers, so the
 * runtime keeps what a member owes (offsets to commit) apart from what another member owes.
 */
export type BatchHandler = (batch: InboundBatch, session: ConsumerSession) => Promise<void>;

/** The group session timeout when a binding sets none, as declared in the binder SPI's table. */
export const DEFAULT_SESSION_TIMEOUT_MS = CONSUMER_OPTION_DEFAULTS.sessionTimeoutMs;

export interface ConsumerOptions {
  /** Consumer group; undefined = anonymous (a fresh group per binding, starts at latest). */
  group?: string;
  /** Where a group with no committed offset starts. Default: earliest for named groups, latest for anonymous. */
  startOffset?: 'earliest' | 'latest';
  /** Number of group members this binding runs. Default 1. */
  concurrency?: number;
  /** Partitions to create the topic with when it does not exist. */
  partitionCount?: number;
  /** Upper bound of records per delivered batch. */
  maxBatchRecords?: number;
  sessionTimeoutMs?: number;
  rebalanceTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** Called before partitions are taken away, so pending acknowledgments can be committed. */
  onPartitionsRevoked?: (partitions: TopicPartition[], session: ConsumerSession) => Promise<void>;
  /**
   * Called with a member's new assignment before anything of it is delivered, with a seeker for
   * those partitions (Spring's ConsumerSeekAware.onPartitionsAssigned). A promise it returns is
   * waited for: seeks made before it settles apply to the first delivery.
   */
  onPartitionsAssigned?: (partitions: TopicPartition[], seeker: PartitionSeeker) => void;
  /** Join the group but deliver nothing until resume() (autoStartup=false). Default false. */
  startPaused?: boolean;
  /**
   * Explicit assignment (Spring's `@KafkaListener(topicPartitions)`): the binding holds exactly these
   * partitions, split among its members, without a group rebalance; commits still go to `group`
   * when given. `initialOffset` is where the partitions start, whatever the group committed. The
   * destination's topics are then these topics.
   */
  topicPartitions?: ExplicitTopicPartitions[];
  /** With onIdle: called when a member delivered nothing for this long (and again after each such interval). */
  idleEventIntervalMs?: number;
  /** The idle event (Spring's ListenerContainerIdleEvent): the member's partitions and how long it has been idle. */
  onIdle?: (event: ConsumerIdleEvent) => void;
  /**
   * read_committed: only records of committed transactions (and non-transactional ones), up to the
   * last stable offset; read_uncommitted: everything up to the high watermark. Default read_committed.
   */
  isolationLevel?: IsolationLevel;
}

export interface ExplicitTopicPartitions {
  topic: string;
  partitions: number[];
  initialOffset?: SeekPosition;
}

export interface ConsumerIdleEvent {
  partitions: TopicPartition[];
  idleMs: number;
}

export type IsolationLevel = 'read_committed' | 'read_uncommitted';

export interface TransactionalProducerOptions {
  compression?: CompressionType;
  /** The coordinator aborts a transaction left open this long (Kafka's transaction.timeout.ms). */
  transactionTimeoutMs?: number;
  /** Partitions to create a topic with when it does not exist. */
  partitionCount?: number;
}

/**
 * A transactional producer (Kafka's transactional.id): the records it sends between begin() and
 * commit(), to any topics, and the group offsets it adds with sendOffsets(), become visible to
 * read_committed consumers together, or, after abort(), never. Creating one with the id of another
 * fences the older: its later sends, commits and offsets fail with ProducerFencedError.
 */
export interface TransactionalProducer {
  readonly transactionalId: string;
  /** Starts a transaction (one at a time). */
  begin(): void;
  send(topic: string, record: OutboundRecord): Promise<SendResult>;
  /**
   * Commits the consumed positions of a group as part of the transaction (the offsets are the next
   * to consume). With the consuming member's `metadata` (Java's sendOffsetsToTransaction(offsets,
   * groupMetadata)) the broker rejects the commit of a member fenced by a rebalance.
   */
  sendOffsets(group: string, offsets: TopicPartitionOffset[], metadata?: ConsumerGroupMetadata): Promise<void>;
  /** Waits for the transaction's sends, then commits; rejects (and aborts what it can) when a send failed. */
  commit(): Promise<void>;
  /** Aborts the transaction: its records are never seen by read_committed consumers. */
  abort(): Promise<void>;
  close(): Promise<void>;
}

/** Either explicit topic names or a pattern matched against existing topics. */
export type Destination = string | string[] | RegExp;

export interface ConsumerBinding {
  readonly group: string | undefined;
  pause(): void;
  resume(): void;
  isPaused(): boolean;
  /**
   * Moves a partition one of the binding's members holds (app.seek): rejects with
   * PartitionNotAssignedError when none does.
   */
  seekTo(topic: string, partition: number, position: SeekPosition): Promise<void>;
  /**
   * Stops fetching, waits for in-flight handlers, leaves the group. With `handlerWaitMs`, a handler
   * still running after that long is given up on: the binding leaves the group and releases what it
   * holds (timers, connections) without waiting for it.
   */
  stop(handlerWaitMs?: number): Promise<void>;
}

export interface Binder {
  readonly name: string;
  /** Creates the topic when missing (idempotent). */
  provisionTopic(topic: string, partitions: number): Promise<void>;
  /** The topic's partition count, undefined when it does not exist (retry topics copy the main topic's). */
  partitionCount?(topic: string): Promise<number | undefined>;
  bindProducer(destination: string, options?: ProducerOptions): Promise<ProducerBinding>;
  bindConsumer(destination: Destination, options: ConsumerOptions, handler: BatchHandler): Promise<ConsumerBinding>;
  /** Stops every binding (giving up on handlers after `handlerWaitMs`, as ConsumerBinding.stop) and frees the binder's resources. */
  close(handlerWaitMs?: number): Promise<void>;
  /**
   * Resolves when the binder's broker answers now (readiness probes); rejects with why not. A binder
   * whose broker is in the process leaves it out.
   */
  checkConnection?(): Promise<void>;
  /** The high watermark of each partition the broker knows (consumer lag between fetches, e.g. while paused). */
  endOffsets?(partitions: TopicPartition[]): Promise<TopicPartitionOffset[]>;
  /**
   * The offsets a group committed on these partitions (partitions without one are left out). A
   * transactional listener reads them after its producer fenced the partition's previous owner.
   */
  committedOffsets?(group: string, partitions: TopicPartition[]): Promise<TopicPartitionOffset[]>;
  /** A transactional producer with this transactional id (fencing any older producer of the id). */
  transactionalProducer?(transactionalId: string, options?: TransactionalProducerOptions): Promise<TransactionalProducer>;
}
