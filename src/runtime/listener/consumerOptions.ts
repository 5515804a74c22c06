/** The binder's ConsumerOptions for a consumer definition. */
import type { ConsumerOptions } from '../../binder/Binder';
import type { ConsumerDefinition } from '../model';

/**
 * Records per delivered batch when the binding sets none: Kafka's max.poll.records. It bounds what
 * a crash or a lost partition hands back to be processed again in batch and manual ack modes,
 * whose commits come at the end of a batch, the same on every binder.
 */
export const DEFAULT_MAX_BATCH_RECORDS = 500;

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
    maxBatchRecords: c.maxBatchRecords ?? DEFAULT_MAX_BATCH_RECORDS,
    sessionTimeoutMs: c.sessionTimeoutMs,
    rebalanceTimeoutMs: c.rebalanceTimeoutMs,
    heartbeatIntervalMs: c.heartbeatIntervalMs,
    // autoStartup=false: join the group but fetch nothing until resume().
    startPaused: !c.autoStartup,
    onPartitionsRevoked,
  };
}
