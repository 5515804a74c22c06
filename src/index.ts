/** bindery's public API. */
import 'reflect-metadata';
// The in-memory 'test' binder is always available; 'native' and 'kafka' load on first use.
import './binder/test';

export * from './annotations';
export * from './runtime';
export { RedisIdempotencyStore, type RedisIdempotencyStoreOptions } from './runtime/redis';
export { registerBinder, registeredBinders, hasBinder, createBinder, UnknownBinderError } from './binder/registry';
export { setting as binderSetting, type ObjectSchema as BinderSettingsSchema } from './binder/settings';
export type { BinderFactory, BinderFactoryContext } from './binder/registry';
export type { NativeBinderConfig } from './binder/native/config';
export type {
  Binder,
  ProducerBinding,
  ConsumerBinding,
  BatchHandler,
  ConsumerSession,
  ConsumerOptions,
  ProducerOptions,
  InboundRecord,
  InboundBatch,
  OutboundRecord,
  TopicPartition,
  TopicPartitionOffset,
  Destination,
  RecordHeader,
  SeekPosition,
  PartitionSeeker,
  ConsumerIdleEvent,
  ExplicitTopicPartitions,
} from './binder/Binder';
export { PlainInboundRecord } from './binder/Binder';
export { PartitionNotAssignedError, SeekTimestampInFutureError, InvalidSeekOffsetError, UnknownAssignedPartitionError } from './binder/consumer/errors';
export { TestBinder, InputDestination, OutputDestination, OutputMessage } from './binder/test';
export type { InputSendOptions } from './binder/test';
export {
  ManagementServer,
  startManagementServer,
  managementHandler,
  ManagementPortInUseError,
  BINDING_STATES,
  type BindingStateChange,
  type ManagementHandler,
  type ManagementRoutesOptions,
} from './management';
export { BinderyError } from './protocol/primitives/errors';
