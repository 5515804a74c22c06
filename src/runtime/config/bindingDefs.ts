/**
 * The declarations of a binding's consumer and producer settings (`bindings.<name>.consumer`,
 * `.producer`, `default.consumer`, `default.producer`): type, default, doc. The config schema, the
 * defaults the explorer merges under annotations and config, and docs/configuration.md's tables
 * come from here; the consumer options every binder applies come from the binder SPI's table.
 */
import { CONSUMER_OPTION_DEFS } from '../../binder/consumerDefaults';
import { PRODUCER_OPTION_DEFS } from '../../binder/producerDefaults';
import { define, type ConfigDefs } from '../../protocol/config/ConfigDef';
import type { ConsumerConfig, ManagementConfig, ProducerConfig, RequestReplyConfig } from './types';

/** A binding's own settings (`bindings.<name>.*` besides consumer and producer). */
export interface BindingSettings {
  destination: string | undefined;
  group: string | undefined;
  contentType: string;
  binder: string | undefined;
}

export const BINDING_DEFS: ConfigDefs<BindingSettings> = {
  destination: define.optional({ type: 'string' }, 'topic', 'the binding name'),
  group: define.optional({ type: 'string' }, 'consumer group', 'none = anonymous (a fresh group); a `@KafkaListener` its id'),
  contentType: define.string('application/json', 'how payloads are converted: `application/json`, `text/plain`, `application/octet-stream` or a custom converter'),
  binder: define.optional(
    { type: 'string' },
    'the binder this binding uses: a `binders.<name>` entry or a binder type ([Binders](binders.md#several-binders-in-one-app))',
    'config `binder`',
  ),
};

export const BINDING_CONSUMER_DEFS: ConfigDefs<ConsumerConfig> = {
  maxAttempts: define.integer(3, 1, 'attempts per message including the first; 1 = no retry'),
  backOffInitialInterval: define.integer(1000, 0, 'first backoff, ms'),
  backOffMultiplier: define.number(2.0, 1, 'backoff growth per attempt'),
  backOffMaxInterval: define.integer(10000, 0, 'backoff ceiling, ms'),
  defaultRetryable: define.boolean(true, 'whether errors not listed in `retryableExceptions` are retried'),
  retryableExceptions: define.optional({ type: 'booleanMap' }, 'error class name → retried or not (the class or any ancestor matches)', '–'),
  enableDlq: define.boolean(false, 'send messages that exhausted their attempts to the dead-letter topic'),
  dlqName: define.optional({ type: 'string' }, 'dead-letter topic', '`error.<destination>.<group>` (`<destination>-dlt` with `retry: topics`)'),
  retry: define.enumOf(
    ['in-place', 'topics'],
    'in-place',
    '`in-place`: a failed record is retried while its partition waits; `topics`: forwarded to a retry topic per delay and on to the dead-letter topic while its partition moves on ([Delivery guarantees](delivery-guarantees.md#non-blocking-retries-retry-topics))',
  ),
  ackMode: define.enumOf(['record', 'batch', 'manual', 'manual_immediate'], 'record', 'when offsets are committed'),
  concurrency: CONSUMER_OPTION_DEFS.concurrency,
  partitionCount: define.optional({ type: 'integer', min: 1 }, 'partitions to create the destination with', "the binder's"),
  startOffset: define.optional(
    { type: 'enum', values: ['earliest', 'latest'] },
    'where a group with no committed offset starts',
    '`earliest` for a named group, `latest` for an anonymous one',
  ),
  autoStartup: define.boolean(true, '`false` = bound paused; `app.resume(name)` starts it'),
  batchMode: define.boolean(false, 'hand the listener whole batches (an array of payloads)'),
  maxBatchRecords: CONSUMER_OPTION_DEFS.maxBatchRecords,
  idempotent: define.boolean(false, 'skip messages already processed, using the idempotency store'),
  idempotencyTtlMs: define.integer(24 * 60 * 60 * 1000, 1, 'how long a processed message id is remembered, ms'),
  sessionTimeoutMs: CONSUMER_OPTION_DEFS.sessionTimeoutMs,
  handlerTimeoutMs: define.optional(
    { type: 'integer', min: 1 },
    'a handler not settled within this many ms counts as a failed attempt (retry, then the DLQ rules); its work is not cancelled',
    'none: a handler is waited for however long it takes',
  ),
  rebalanceTimeoutMs: CONSUMER_OPTION_DEFS.rebalanceTimeoutMs,
  heartbeatIntervalMs: CONSUMER_OPTION_DEFS.heartbeatIntervalMs,
  isolationLevel: CONSUMER_OPTION_DEFS.isolationLevel,
  transactional: define.boolean(
    false,
    "each record (each batch in batch mode) runs in a transaction: the sends it makes, its `@SendTo` output, its DLQ publish and its offset commit commit together or not at all (needs the outputs' `producer.transactionIdPrefix`; [Delivery guarantees](delivery-guarantees.md#transactions))",
  ),
  idleEventIntervalMs: define.optional(
    { type: 'integer', min: 1 },
    "an idle event to the listener's `onIdle` method when it received nothing for this long, ms ([Idle events](writing-services.md#idle-events))",
    'none',
  ),
};

export const BINDING_PRODUCER_DEFS: ConfigDefs<ProducerConfig> = {
  partitionCount: define.optional({ type: 'integer', min: 1 }, 'partitions to create the destination with', "the binder's"),
  ...PRODUCER_OPTION_DEFS,
  transactionIdPrefix: define.optional(
    { type: 'string' },
    "makes the binding's producer transactional: `app.transaction()` sends atomically, transactional listeners send in their transaction, a send outside any transaction runs in one of its own; transactional ids start with it ([Delivery guarantees](delivery-guarantees.md#transactions))",
    '– (not transactional)',
  ),
  allowNonTransactional: define.boolean(
    false,
    'with `transactionIdPrefix`: a send outside any transaction goes out through the plain (idempotent) producer instead of running in a transaction of its own (Spring Cloud Stream\'s `allowNonTransactional`)',
  ),
  outbox: {
    ...define.optional<{ dataDir: string }>(
      { type: 'freeObject' },
      'kafka binder: records the cluster cannot take wait in a durable outbox in `outbox.dataDir` ([Binders](binders.md#durable-outbox-produceroutbox))',
      '– (no outbox)',
    ),
    fields: { dataDir: define.string('', 'directory of the outbox log') } as ConfigDefs<Record<string, unknown>>,
  },
};

/** The application-wide settings (`config.*` besides `bindings`), declared once. */
export interface ApplicationSettings {
  binder: string;
  binders: object;
  default: object | undefined;
  shutdownTimeoutMs: number;
  strictBindings: boolean;
  management: ManagementConfig;
  requestReply: RequestReplyConfig;
}

/** Request-reply settings (`requestReply.*`): the requester's and the replier's. */
export const REQUEST_REPLY_CONFIG_DEFS = {
  timeoutMs: define.integer(5000, 1, 'how long a request waits for its reply before it fails with `RequestTimeoutError`, ms'),
  replyTopicPrefix: define.string('bindery.replies', 'each requester reads a reply topic of its own, named `<prefix>.<random id>`'),
  errorStackTrace: define.boolean(false, "error replies carry the replier's stack trace (`kafka_exception-stacktrace`)"),
} satisfies ConfigDefs<Required<RequestReplyConfig>>;

/** The management HTTP server's settings (`management.*`). */
export const MANAGEMENT_CONFIG_DEFS = {
  port: define.optional<number>(
    { type: 'integer', min: 0 },
    'port of the management HTTP server (`0` = any free port) ([Operations](operations.md#management-endpoints))',
    '– (no server)',
  ),
  host: define.string('127.0.0.1', 'interface the management server binds'),
  livenessThresholdMs: define.integer(5000, 1, '`/health/liveness` is DOWN once the event loop was blocked this long, ms'),
} satisfies ConfigDefs<ManagementConfig>;

export const APPLICATION_CONFIG_DEFS: ConfigDefs<ApplicationSettings> = {
  binder: define.string('native', 'the default binder: a binder type (`native`, `kafka`, `test`) or a `binders.<name>` entry'),
  binders: define.of(
    { type: 'freeObject' },
    {},
    'settings of each binder by name, `binders.<name>`; a name that is not a binder type sets `type` ([Binders](binders.md#several-binders-in-one-app))',
  ),
  default: define.optional({ type: 'freeObject' }, '`{ contentType, consumer, producer }` applied to every binding before its own settings', '–'),
  shutdownTimeoutMs: define.integer(10000, 0, 'how long `close()` lets handlers in flight finish ([Operations](operations.md#graceful-shutdown-and-signals))'),
  strictBindings: define.boolean(false, 'config for a binding no service declares is an error instead of a warning'),
  management: define.object(
    MANAGEMENT_CONFIG_DEFS,
    'the management HTTP server (`/metrics`, `/health`, `/bindings`), off while `port` is unset',
  ),
  requestReply: define.object(REQUEST_REPLY_CONFIG_DEFS, 'request-reply: `Requester` timeouts, reply topics, error replies ([Writing services](writing-services.md#request-reply))'),
};
