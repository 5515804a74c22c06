/** What every binder's consumer member is told by its binding, whatever else its binder adds. */
import type { ConsumerOptions, ConsumerSession, TopicPartition } from '../Binder';
import { CONSUMER_OPTION_DEFAULTS } from '../consumerDefaults';
import type { ConsumerGroup } from './consumerGroupOf';

export interface MemberSettings {
  anonymous: boolean;
  startOffset: 'earliest' | 'latest';
  maxBatchRecords: number;
  onPartitionsRevoked?: (partitions: TopicPartition[], session: ConsumerSession) => Promise<void>;
  onPartitionsAssigned?: (partitions: TopicPartition[]) => void;
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
    isPaused,
    reportError,
  };
}
