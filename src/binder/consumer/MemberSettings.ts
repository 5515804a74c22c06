/** What every binder's consumer member is told by its binding, whatever else its binder adds. */
import type { ConsumerIdleEvent, ConsumerOptions, ConsumerSession, PartitionSeeker, SeekPosition, TopicPartition } from '../Binder';
import { initialOffsetsOf } from './explicitAssignments';
import { CONSUMER_OPTION_DEFAULTS } from '../consumerDefaults';
import type { ConsumerGroup } from './consumerGroupOf';
import { InvalidConsumerOptionError } from './errors';
import { IdleWatch } from './IdleWatch';

export interface MemberSettings {
  anonymous: boolean;
  startOffset: 'earliest' | 'latest';
  maxBatchRecords: number;
  onPartitionsRevoked?: (partitions: TopicPartition[], session: ConsumerSession) => Promise<void>;
  onPartitionsAssigned?: (partitions: TopicPartition[], seeker: PartitionSeeker) => void;
  idleEventIntervalMs?: number;
  onIdle?: (event: ConsumerIdleEvent) => void;
  /** Explicitly assigned partitions' initialOffset, by topicPartitionKey: where they start whatever was committed. */
  initialOffsets: Map<string, SeekPosition>;
  /** The binding's pause state (pause() and resume() act on every member). */
  isPaused(): boolean;
  /** Failures the member recovers from, for the binder's logger. */
  reportError(message: string, error: unknown): void;
}

export function memberSettingsOf(
  options: ConsumerOptions,
  group: ConsumerGroup,
  isPaused: () => boolean,
  reportError: (message: string, error: unknown) => void,
): MemberSettings {
  return {
    anonymous: group.anonymous,
    startOffset: group.startOffset,
    maxBatchRecords: options.maxBatchRecords ?? CONSUMER_OPTION_DEFAULTS.maxBatchRecords,
    onPartitionsRevoked: options.onPartitionsRevoked,
    onPartitionsAssigned: options.onPartitionsAssigned,
    idleEventIntervalMs: options.idleEventIntervalMs,
    onIdle: options.onIdle,
    initialOffsets: initialOffsetsOf(options),
    isPaused,
    reportError,
  };
}

/** The member's idle watch when the binding asked for idle events, else null. */
export function idleWatchOf(settings: MemberSettings, partitions: () => TopicPartition[]): IdleWatch | null {
  const { idleEventIntervalMs, onIdle } = settings;
  if (onIdle === undefined || idleEventIntervalMs === undefined) return null;
  if (!Number.isInteger(idleEventIntervalMs) || idleEventIntervalMs < 1) throw new InvalidConsumerOptionError('idleEventIntervalMs', idleEventIntervalMs, 'a whole number of milliseconds, 1 or more');
  return new IdleWatch(idleEventIntervalMs, onIdle, partitions, settings.reportError);
}

/**
 * Tells the runtime of a new assignment, with a seeker for it; seeks made before the callback
 * settles apply to the first delivery. A failing callback is reported: the assignment stands.
 */
export async function announceAssignment(settings: MemberSettings, partitions: TopicPartition[], seeker: PartitionSeeker): Promise<void> {
  const callback = settings.onPartitionsAssigned;
  if (!callback) return;
  try {
    await callback(partitions, seeker);
  } catch (error) {
    settings.reportError('onPartitionsAssigned failed', error);
  }
}
