/**
 * Explicit assignment (ConsumerOptions.topicPartitions, Spring's `@KafkaListener(topicPartitions)`):
 * the binding's members hold the listed partitions without a group rebalance, split among them
 * in turn; commits still go to the group when the binding names one.
 */
import type { ConsumerOptions, SeekPosition, TopicPartition } from '../Binder';
import { UnknownAssignedPartitionError } from './errors';
import { topicPartitionKey } from './topicPartitionKey';

/** Each member's partitions, or null when the binding subscribes through its group. */
export function explicitAssignments(options: ConsumerOptions, members: number): TopicPartition[][] | null {
  if (options.topicPartitions === undefined) return null;
  const all = options.topicPartitions.flatMap(({ topic, partitions }) => partitions.map((partition) => ({ topic, partition })));
  const split: TopicPartition[][] = Array.from({ length: Math.max(1, Math.min(members, all.length)) }, () => []);
  all.forEach((tp, i) => split[i % split.length].push(tp));
  return split;
}

/** Where explicitly assigned partitions start (their initialOffset), by topicPartitionKey. */
export function initialOffsetsOf(options: ConsumerOptions): Map<string, SeekPosition> {
  const out = new Map<string, SeekPosition>();
  for (const { topic, partitions, initialOffset } of options.topicPartitions ?? []) {
    if (initialOffset === undefined) continue;
    for (const partition of partitions) out.set(topicPartitionKey(topic, partition), initialOffset);
  }
  return out;
}

/** Rejects an explicit assignment of a partition its topic does not have (it could never be fetched). */
export async function checkAssignedPartitions(options: ConsumerOptions, partitionCount: (topic: string) => Promise<number>): Promise<void> {
  for (const { topic, partitions } of options.topicPartitions ?? []) {
    const count = await partitionCount(topic);
    const missing = partitions.find((p) => !Number.isInteger(p) || p < 0 || p >= count);
    if (missing !== undefined) throw new UnknownAssignedPartitionError(topic, missing, count);
  }
}

/** The topics of an explicit assignment. */
export function explicitTopics(options: ConsumerOptions): string[] | null {
  return options.topicPartitions ? [...new Set(options.topicPartitions.map((t) => t.topic))] : null;
}
