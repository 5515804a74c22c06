/**
 * bindery's assignors (`range`, `roundrobin`, `sticky`, the names Kafka's Java clients advertise)
 * as kafkajs partition assigners, so kafkajs members can share a group with native-binder members
 * and Java consumers: a group forms only when every member offers a common protocol name.
 */
import type { PartitionAssigner } from 'kafkajs';
import { assignorByName } from '../../protocol/consumer/assignors';
import type { AssignorMember, AssignorName } from '../../protocol/consumer/Assignor';
import { decodeSubscription, encodeAssignment, encodeSubscription, toTopicPartitions } from '../../protocol/consumer/ConsumerProtocol';

export function kafkajsAssigner(name: AssignorName): PartitionAssigner {
  return ({ cluster }) => {
    const assignor = assignorByName(name)!;
    return {
      name,
      version: 0,
      protocol: ({ topics }) => ({ name, metadata: encodeSubscription({ topics }) }),
      async assign({ members, topics }) {
        const subscribers: AssignorMember[] = members.map((m) => ({ memberId: m.memberId, subscription: decodeSubscription(m.memberMetadata) }));
        const partitionsPerTopic = new Map(topics.map((topic) => [topic, cluster.findTopicPartitionMetadata(topic).length]));
        const assignment = assignor.assign(subscribers, partitionsPerTopic);
        return subscribers.map(({ memberId }) => ({
          memberId,
          memberAssignment: encodeAssignment({ assignedPartitions: toTopicPartitions(assignment.get(memberId) ?? new Map()) }),
        }));
      },
    };
  };
}
