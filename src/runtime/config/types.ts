/** The configuration model. Every field is optional; the defaults (Spring Cloud Stream's) are declared in bindingDefs.ts. */
import type { AckMode } from '../../annotations';
import type { KafkaBinderConfig } from '../../binder/kafka/config';
import type { NativeBinderConfig } from '../../binder/native/config';
import type { TestBinderOptions } from '../../binder/test/TestBinder';
import { defaultsOf } from '../../protocol/config/ConfigDef';
import { APPLICATION_CONFIG_DEFS, BINDING_CONSUMER_DEFS, BINDING_DEFS, MANAGEMENT_CONFIG_DEFS, REQUEST_REPLY_CONFIG_DEFS } from './bindingDefs';

export interface ConsumerConfig {
  /** Attempts per message including the first; 1 = no retry. */
  maxAttempts?: number;
  /** First backoff in ms. */
  backOffInitialInterval?: number;
  /** Backoff growth per attempt. */
  backOffMultiplier?: number;
  /** Backoff ceiling in ms. */
  backOffMaxInterval?: number;
  /** Whether errors not listed in retryableExceptions are retried. */
  defaultRetryable?: boolean;
  /** Error class name → retried or not (the class or any ancestor's name matches). */
  retryableExceptions?: Record<string, boolean>;
  /** Send messages that exhausted their attempts to error.<destination>.<group>. */
  enableDlq?: boolean;
  /** DLQ topic instead of error.<destination>.<group>. */
  dlqName?: string;
  /** 'in-place' (default): retried while the partition waits; 'topics': through retry topics, the partition moves on. */
  retry?: 'in-place' | 'topics';
  /** When offsets are committed. */
  ackMode?: AckMode;
  /** Group members this binding runs. */
  concurrency?: number;
  /** Partitions to create the destination with. */
  partitionCount?: number;
  startOffset?: 'earliest' | 'latest';
  /** false = bound paused; `app.resume(name)` starts it. */
  autoStartup?: boolean;
  /** Hand the listener whole batches (an array of payloads). */
  batchMode?: boolean;
  /** Records per delivered batch. */
  maxBatchRecords?: number;
  /** Skip messages already processed (key: message-id header, else topic-partition-offset, scoped per group) using the idempotency store. */
  idempotent?: boolean;
  /** How long a processed message id is remembered, ms. */
  idempotencyTtlMs?: number;
  /** Group session timeout, ms. A handler running longer is reported stuck (log, health). */
  sessionTimeoutMs?: number;
  /**
   * A handler that has not settled within this many ms counts as a failed attempt (retry, then the DLQ
   * rules); its work is not cancelled. Unset: a handler is waited for however long it takes.
   */
  handlerTimeoutMs?: number;
  rebalanceTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** Which records the listener sees: only committed transactions' (default) or everything. */
  isolationLevel?: 'read_committed' | 'read_uncommitted';
  /** Each record (or batch) runs in a transaction with its sends and its offset commit (needs the outputs' producer.transactionIdPrefix). */
  transactional?: boolean;
  /** An idle event to the listener's onIdle method when it received nothing for this long, ms. */
  idleEventIntervalMs?: number;
}

export type CompressionName = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

export interface ProducerConfig {
  partitionCount?: number;
  compression?: CompressionName;
  batchSize?: number;
  lingerMs?: number;
  acks?: 0 | 1 | -1;
  idempotent?: boolean;
  /** Makes the binding's producer transactional; transactional ids start with it (Spring's transactionIdPrefix). */
  transactionIdPrefix?: string;
  /** With transactionIdPrefix: sends outside a transaction go out through the plain producer instead of a transaction of their own. */
  allowNonTransactional?: boolean;
  /** Transactional producers: the coordinator aborts a transaction left open this long, ms. */
  transactionTimeoutMs?: number;
  /** Kafka binder: records the cluster cannot take wait in a durable outbox in `dataDir` (docs/binders.md). */
  outbox?: { dataDir: string };
}

export interface BindingConfig {
  /** Topic. */
  destination?: string;
  /** Consumer group. */
  group?: string;
  /** How payloads are converted (a content type with a registered converter). */
  contentType?: string;
  /** The binder of this binding: a `binders.<name>` entry or a binder type. Default: config `binder`. */
  binder?: string;
  consumer?: ConsumerConfig;
  producer?: ProducerConfig;
}

export interface BinderyConfig {
  /** Binder name from the registry: 'native' (default when present), 'kafka', 'test', ... */
  binder?: string;
  /** Binder-specific settings, by binder name (e.g. binders.kafka.brokers), checked at start-up. */
  binders?: BindersConfig;
  /** Per binding (or @KafkaListener id) settings. */
  bindings?: Record<string, BindingConfig>;
  /** Applied to every binding before its own settings. */
  default?: { contentType?: string; consumer?: ConsumerConfig; producer?: ProducerConfig };
  /** How long close() waits for handlers in flight to finish, and then for the binder to close, ms. */
  shutdownTimeoutMs?: number;
  /**
   * Config for a binding no service of this app declares is an error instead of a warning. Off by
   * default: several services often share one environment (one ConfigMap).
   */
  strictBindings?: boolean;
  /** The management HTTP server (/metrics, /health, /bindings): off unless a port is set. */
  management?: ManagementConfig;
  /** Request-reply: the requester's timeout and reply topics, the replier's error replies. */
  requestReply?: RequestReplyConfig;
}

export interface RequestReplyConfig {
  /** How long a request waits for its reply, ms. */
  timeoutMs?: number;
  /** Reply topics are named `<prefix>.<random id>`. */
  replyTopicPrefix?: string;
  /** Error replies carry the replier's stack trace. */
  errorStackTrace?: boolean;
}

/** Settings of the built-in binders, typed; a binder registered under another name takes its own. */
export interface BindersConfig {
  native?: NativeBinderConfig;
  kafka?: KafkaBinderConfig;
  test?: Pick<TestBinderOptions, 'defaultPartitions'>;
  [binder: string]: object | undefined;
}

export interface ManagementConfig {
  /** Port to listen on (0 = any free port). Unset: no server. */
  port?: number;
  /** Interface to bind. */
  host?: string;
  /** Liveness is DOWN once the event loop was blocked this long, ms. */
  livenessThresholdMs?: number;
}

export const DEFAULT_REQUEST_REPLY = defaultsOf(REQUEST_REPLY_CONFIG_DEFS) as Required<RequestReplyConfig>;
export const DEFAULT_MANAGEMENT_HOST = MANAGEMENT_CONFIG_DEFS.host.default;
export const DEFAULT_LIVENESS_THRESHOLD_MS = MANAGEMENT_CONFIG_DEFS.livenessThresholdMs.default;

/** Defaults of a binding's consumer settings, from their declarations (bindingDefs.ts). */
type ResolvedDefaults = Required<
  Pick<
    ConsumerConfig,
    | 'maxAttempts'
    | 'backOffInitialInterval'
    | 'backOffMultiplier'
    | 'backOffMaxInterval'
    | 'defaultRetryable'
    | 'enableDlq'
    | 'ackMode'
    | 'concurrency'
    | 'autoStartup'
    | 'batchMode'
    | 'idempotent'
    | 'idempotencyTtlMs'
    | 'heartbeatIntervalMs'
  >
>;
export const DEFAULT_CONSUMER: ResolvedDefaults = defaultsOf(BINDING_CONSUMER_DEFS) as ResolvedDefaults;

export const DEFAULT_BINDER = APPLICATION_CONFIG_DEFS.binder.default;
export const DEFAULT_CONTENT_TYPE = BINDING_DEFS.contentType.default;
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = APPLICATION_CONFIG_DEFS.shutdownTimeoutMs.default;
export { DEFAULT_SESSION_TIMEOUT_MS } from '../../binder/Binder';
