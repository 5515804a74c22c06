export { Bindery, type BinderyOptions, type ApplicationHealth, type ListenerHealth, type TransactionSends } from './Bindery';
export {
  TransactionsUnsupportedError,
  TransactionConfigError,
  TransactionBinderMismatchError,
  LocalTransactionAbortedError,
  OutboxTransactionConflictError,
} from './transactions/errors';
export * from './config/types';
export { loadConfig, mergeConfig, CONFIG_FILE_NAMES, type ConfigSources } from './config/load';
export { UnknownConfigKeyError } from './config/validate';
export * from './errors';
export { ConverterRegistry, jsonConverter, textConverter, bytesConverter, type MessageConverter } from './conversion';
export { InMemoryIdempotencyStore, MESSAGE_ID_HEADER, defaultIdempotencyKey, type IdempotencyStore, type IdempotencyStoreHealth, type IdempotencyKeySource } from './idempotency';
export type { IdempotencyKeyFn } from './listener/idempotencyGuard';
export type { StuckPartition } from './listener/handlerWatch';
export { systemClock, type Clock } from './clock';
export { ConsoleLogger, LOG_LEVELS, LogLevelError, defaultLogger, silentLogger, type LogFields, type LogLevel, type LogMethod, type Logger } from './logger';
export { exponentialBackoff, type RetryablePredicate } from './retry';
export { ServiceContainer, NotRegisteredError, DependencyResolutionError, type ParentContainer, type ServiceEntry, type ValueProvider } from './container';
export { explore } from './explorer';
export type { ApplicationModel, ConsumerDefinition, ListenerMethod } from './model';
export { FrameworkMetrics, type MetricsOptions } from './observability/FrameworkMetrics';
export type { ProcessingOutcome } from './observability/observers';
export type { TracingOptions } from './observability/tracing';
export { readiness, BinderProbe, EventLoopMonitor, type HealthReport, type HealthComponent, type HealthStatus, type BindingStatus, type BindingRunState } from './observability/health';
export { MessageSender, type OutgoingMessage } from './messaging/MessageSender';
export { Requester, type RequestOptions, type DroppedReplyReason } from './messaging/Requester';
export { RequestTimeoutError, RemoteReplyError } from './messaging/errors';
export { UndefinedBinderError } from './messaging/BinderSet';
export {
  REPLY_TOPIC_HEADER,
  REPLY_PARTITION_HEADER,
  CORRELATION_ID_HEADER,
  EXCEPTION_CLASS_HEADER,
  EXCEPTION_MESSAGE_HEADER,
  EXCEPTION_STACKTRACE_HEADER,
} from './messaging/replyHeaders';
export { RetryConfigError } from './listener/retryTopics';
export { SeekTopicRequiredError, type ListenerSeekTarget } from './listener/seeks';
