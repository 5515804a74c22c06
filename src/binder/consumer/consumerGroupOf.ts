/**
 * The group a consumer binding joins, as every binder names it: the binding's group, else an
 * anonymous one of its own (`anonymous.<uuid>`, the name Spring Cloud Stream gives it) that starts
 * where the topics end and commits nothing to the cluster.
 */
import { randomUUID } from 'node:crypto';
import type { ConsumerOptions } from '../Binder';
import { CONSUMER_OPTION_DEFAULTS } from '../consumerDefaults';

export interface ConsumerGroup {
  id: string;
  anonymous: boolean;
  /** Where partitions without a committed offset start. */
  startOffset: 'earliest' | 'latest';
  /** Group members the binding runs (ConsumerOptions.concurrency). */
  members: number;
}

export const ANONYMOUS_GROUP_PREFIX = 'anonymous.';

export function consumerGroupOf(options: ConsumerOptions): ConsumerGroup {
  const anonymous = options.group === undefined;
  return {
    id: options.group ?? `${ANONYMOUS_GROUP_PREFIX}${randomUUID()}`,
    anonymous,
    startOffset: options.startOffset ?? (anonymous ? 'latest' : 'earliest'),
    members: Math.max(1, options.concurrency ?? CONSUMER_OPTION_DEFAULTS.concurrency),
  };
}
