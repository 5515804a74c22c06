/**
 * Where a kafka consumer binding's partitions start, looked up before its consumers join: kafkajs
 * would look them up only at its first fetch, a moment after bindConsumer resolved.
 */
import type { Admin } from 'kafkajs';
import type { SeekPosition, TopicPartition, TopicPartitionOffset } from '../Binder';
import { offsetOf, type PartitionOffsets } from '../consumer/seekAssigned';
import { topicPartitionKey } from '../consumer/topicPartitionKey';

/** The binder's cluster look-ups; `attempt` turns a kafkajs failure of `what` into a typed error. */
export interface OffsetLookups {
  admin: Admin;
  attempt<T>(what: string, action: () => Promise<T>): Promise<T>;
  offsets: PartitionOffsets;
}

/**
 * The current end of every partition that has no committed offset for the group. A 'latest'
 * binding starts there, so it sees exactly what is sent after bindConsumer resolves.
 */
export async function endsOfUncommitted({ admin, attempt }: OffsetLookups, groupId: string, topics: string[]): Promise<TopicPartitionOffset[]> {
  const positions: TopicPartitionOffset[] = [];
  for (const topic of topics) {
    const [committed, ends] = await Promise.all([
      attempt('fetching group offsets', () => admin.fetchOffsets({ groupId, topics: [topic] })),
      attempt('fetching topic offsets', () => admin.fetchTopicOffsets(topic)),
    ]);
    const uncommitted = new Set((committed[0]?.partitions ?? []).filter((p) => Number(p.offset) < 0).map((p) => p.partition));
    for (const end of ends) {
      if (uncommitted.has(end.partition)) positions.push({ topic, partition: end.partition, offset: Number(end.high) });
    }
  }
  return positions;
}

/**
 * Where each explicitly assigned partition starts, as on the native binder: its initialOffset
 * when given (Spring seeks there at every start), else the offset `commitGroup` committed, else
 * the earliest or latest offset per `startOffset`.
 */
export async function fixedStartPositions(
  lookups: OffsetLookups,
  partitions: TopicPartition[],
  initialOffsets: Map<string, SeekPosition>,
  startOffset: 'earliest' | 'latest',
  commitGroup: string | null,
): Promise<TopicPartitionOffset[]> {
  const { admin, attempt, offsets } = lookups;
  const positions: TopicPartitionOffset[] = [];
  for (const topic of new Set(partitions.map((tp) => tp.topic))) {
    const found = commitGroup === null ? [] : await attempt(`fetching the offsets of group '${commitGroup}'`, () => admin.fetchOffsets({ groupId: commitGroup, topics: [topic] }));
    const committed = new Map((found[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    for (const { partition } of partitions.filter((tp) => tp.topic === topic)) {
      const initial = initialOffsets.get(topicPartitionKey(topic, partition));
      const done = committed.get(partition) ?? -1;
      const offset =
        initial !== undefined
          ? await offsetOf(topic, partition, initial, offsets)
          : done >= 0
            ? done
            : await (startOffset === 'latest' ? offsets.latest(topic, partition) : offsets.earliest(topic, partition));
      positions.push({ topic, partition, offset });
    }
  }
  return positions;
}
