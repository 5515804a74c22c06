/**
 * Explicit assignment (topicPartitions) on kafkajs, which fetches only as a member of a group:
 * each consumer member runs in a private group of its own (`<group>.assign.<uuid>`) whose
 * assigner hands it exactly its partitions, so no other consumer ever joins it and nothing
 * rebalances. Offsets go to the binding's named group as a standalone Java consumer commits them
 * (KafkaConsumer.assign and commitSync): OffsetCommit with generation -1 and no member id, which
 * the coordinator accepts while that group has no active members. The private group holds none.
 */
import { randomUUID } from 'node:crypto';
import type { Broker, Cluster, PartitionAssigner, TopicOffsets } from 'kafkajs';
import type { TopicPartition, TopicPartitionOffset } from '../Binder';
import { encodeAssignment, encodeSubscription, toTopicPartitions } from '../../protocol/consumer/ConsumerProtocol';
import { isCoordinatorLoss, KafkaBinderError } from './errors';

/** The protocol name the private group's one member offers (no other member shares the group). */
const FIXED_ASSIGNOR = 'bindery-fixed';

/** The private group of one member of an explicitly assigned binding. */
export function privateGroupId(group: string | undefined): string {
  return `${group ?? 'anonymous'}.assign.${randomUUID()}`;
}

export class FixedAssignment {
  /** The consumer's cluster, which kafkajs hands to its partition assigners when the consumer is made. */
  private cluster: Cluster | null = null;
  private coordinator: Broker | null = null;

  constructor(
    /** The partitions this member holds. */
    readonly partitions: TopicPartition[],
    /** The group the kafkajs consumer joins alone. */
    readonly privateGroup: string,
    /** Where offsets are committed; null for a binding without a group, which commits nothing. */
    readonly commitGroup: string | null,
  ) {}

  /** The kafkajs partition assigner of the private group: its only member gets `partitions`. */
  readonly assigner: PartitionAssigner = ({ cluster }) => {
    this.cluster = cluster;
    const byTopic = new Map<string, number[]>();
    for (const { topic, partition } of this.partitions) byTopic.set(topic, [...(byTopic.get(topic) ?? []), partition]);
    return {
      name: FIXED_ASSIGNOR,
      version: 0,
      protocol: ({ topics }) => ({ name: FIXED_ASSIGNOR, metadata: encodeSubscription({ topics }) }),
      async assign({ members }) {
        // A fresh uuid names the group: this member is its only one (anyone else would get nothing).
        return members.map(({ memberId }, i) => ({
          memberId,
          memberAssignment: encodeAssignment({ assignedPartitions: toTopicPartitions(i === 0 ? byTopic : new Map()) }),
        }));
      },
    };
  };

  /**
   * Commits `offsets` to the named group, outside any generation. A coordinator that moved or
   * went away is looked up again once; other refusals (UNKNOWN_MEMBER_ID while subscribed members
   * of that group are active) reach the caller.
   */
  async commit(offsets: TopicPartitionOffset[]): Promise<void> {
    const groupId = this.commitGroup;
    if (groupId === null || offsets.length === 0) return;
    const byTopic = new Map<string, TopicOffsets>();
    for (const { topic, partition, offset } of offsets) {
      const entry = byTopic.get(topic) ?? { topic, partitions: [] };
      entry.partitions.push({ partition, offset: String(offset) });
      byTopic.set(topic, entry);
    }
    const request = { groupId, groupGenerationId: -1, memberId: '', topics: [...byTopic.values()] };
    try {
      await (await this.groupCoordinator(groupId)).offsetCommit(request);
    } catch (error) {
      this.coordinator = null;
      if (!isCoordinatorLoss(error)) throw error;
      await (await this.groupCoordinator(groupId)).offsetCommit(request);
    }
  }

  private async groupCoordinator(groupId: string): Promise<Broker> {
    if (this.coordinator?.isConnected()) return this.coordinator;
    if (!this.cluster) throw new KafkaBinderError(`committing to group '${groupId}'`, new Error('the consumer was made without its explicit assigner'));
    this.coordinator = await this.cluster.findGroupCoordinator({ groupId });
    return this.coordinator;
  }
}
