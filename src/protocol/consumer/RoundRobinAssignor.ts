/**
 * Kafka's RoundRobinAssignor: every partition of every subscribed topic, ordered by topic then
 * partition, is dealt to the sorted members in turn, skipping members not subscribed to its topic.
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

export class RoundRobinAssignor implements PartitionAssignor {
  readonly name = 'roundrobin' as const;

  assign(members: AssignorMember[], partitionsPerTopic: Map<string, number>): GroupAssignment {
    const out = emptyAssignment(members);
    const ring = sortMembers(members);
    if (ring.length === 0) return out;
    const topics = subscribedTopics(members);
    let next = 0;
    for (const topic of topics) {
      const count = partitionsPerTopic.get(topic) ?? 0;
      for (let p = 0; p < count; p++) {
        // Someone subscribes to every topic in `topics`, so this stops within one lap.
        while (!ring[next % ring.length].subscription.topics.includes(topic)) next++;
        addPartition(out, ring[next % ring.length].memberId, topic, p);
        next++;
      }
    }
    return normalize(out);
  }
}
