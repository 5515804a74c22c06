/** The binder's ConsumerOptions for a consumer definition. */
import type { ConsumerOptions } from '../../binder/Binder';
import { CONSUMER_OPTION_DEFAULTS } from '../../binder/consumerDefaults';
import type { ConsumerDefinition } from '../model';

export function consumerOptions(
  definition: ConsumerDefinition,
  onPartitionsRevoked: NonNullable<ConsumerOptions['onPartitionsRevoked']>,
): ConsumerOptions {
  const c = definition.consumer;
  return {
    group: definition.group,
    startOffset: c.startOffset,
    concurrency: c.concurrency,
    partitionCount: c.partitionCount,
    maxBatchRecords: c.maxBatchRecords ?? CONSUMER_OPTION_DEFAULTS.maxBatchRecords,
    sessionTimeoutMs: c.sessionTimeoutMs,
    rebalanceTimeoutMs: c.rebalanceTimeoutMs,
    heartbeatIntervalMs: c.heartbeatIntervalMs,
    isolationLevel: c.isolationLevel,
    // autoStartup=false: join the group but fetch nothing until resume().
    startPaused: !c.autoStartup,
    onPartitionsRevoked,
    topicPartitions: definition.topicPartitions,
    idleEventIntervalMs: c.idleEventIntervalMs,
  };
}
