/**
 * Writes a group's metadata (generation, protocol, leader, members with their subscriptions and
 * assignments) to its `__consumer_offsets` partition, so a restarted coordinator knows the group.
 */
import { encodeGroupMetadataKey, encodeGroupMetadataValue, type GroupMetadataValue } from '../../../protocol/coordinator';
import type { GroupMetadata } from '../GroupMetadata';
import type { CoordinatorRecord, OffsetsPartitionStore } from './OffsetsPartitionStore';

export function groupMetadataValue(group: GroupMetadata, assignments?: Map<string, Buffer>): GroupMetadataValue {
  return {
    protocolType: group.protocolType ?? '',
    generation: group.generationId,
    protocol: group.protocolName,
    leader: group.leaderId,
    currentStateTimestamp: group.currentStateTimestamp,
    members: [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      rebalanceTimeout: m.rebalanceTimeoutMs,
      sessionTimeout: m.sessionTimeoutMs,
      subscription: m.metadata(group.protocolName),
      assignment: assignments?.get(m.memberId) ?? m.assignment,
    })),
  };
}

export class GroupStore {
  constructor(
    private readonly store: OffsetsPartitionStore,
    private readonly partitionFor: (groupId: string) => number,
  ) {}

  async storeGroup(group: GroupMetadata, assignments?: Map<string, Buffer>): Promise<void> {
    const record: CoordinatorRecord = {
      key: encodeGroupMetadataKey(group.groupId),
      value: encodeGroupMetadataValue(groupMetadataValue(group, assignments)),
    };
    await this.store.append(this.partitionFor(group.groupId), [record]);
  }

  /** Appends the group tombstone after `extra` records (offset tombstones) in one write. */
  async deleteGroup(groupId: string, extra: CoordinatorRecord[]): Promise<void> {
    await this.store.append(this.partitionFor(groupId), [...extra, { key: encodeGroupMetadataKey(groupId), value: null }]);
  }

  async append(groupId: string, records: CoordinatorRecord[]): Promise<void> {
    if (records.length > 0) await this.store.append(this.partitionFor(groupId), records);
  }
}
