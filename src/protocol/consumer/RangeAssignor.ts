/**
 * Kafka's RangeAssignor: per topic, members (sorted) each take a contiguous range of partitions; the
 * first `partitions % members` members take one extra. Ranges line up across topics with the same
 * partition count, which co-partitioned joins rely on.
 */
import {
  addPartition,
  emptyAssignment,
  normalize,
  sortMembers,
  subscribedTopics,
  type AssignorMember,
  type GroupAssignment,
  type PartitionAssignor,
} from './Assignor';

export class RangeAssignor implements PartitionAssignor {
  readonly name = 'range' as const;

  assign(members: AssignorMember[], partitionsPerTopic: Map<string, number>): GroupAssignment {
    const out = emptyAssignment(members);
    const sorted = sortMembers(members);
    const topics = subscribedTopics(members);
    for (const topic of topics) {
      const count = partitionsPerTopic.get(topic);
      if (count === undefined || count <= 0) continue;
      const consumers = sorted.filter((m) => m.subscription.topics.includes(topic));
      const perConsumer = Math.floor(count / consumers.length);
      const extra = count % consumers.length;
      consumers.forEach((m, i) => {
        const start = perConsumer * i + Math.min(i, extra);
        const length = perConsumer + (i < extra ? 1 : 0);
        for (let p = start; p < start + length; p++) addPartition(out, m.memberId, topic, p);
      });
    }
    return normalize(out);
  }
}
