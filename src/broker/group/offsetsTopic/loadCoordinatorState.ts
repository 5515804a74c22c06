/**
 * Rebuilds the coordinator's state from `__consumer_offsets` at start-up: the last record per key wins,
 * tombstones delete. Groups come back Stable with their members (who must heartbeat within their
 * session timeout or be evicted) or Empty; offsets come back as committed.
 */
import {
  decodeCoordinatorKey,
  decodeGroupMetadataValue,
  decodeOffsetCommitValue,
  type GroupMetadataValue,
} from '../../../protocol/coordinator';
import type { CoordinatorContext } from '../CoordinatorContext';
import { GroupMetadata } from '../GroupMetadata';
import { GroupState } from '../GroupState';
import { MemberMetadata } from '../MemberMetadata';
import type { OffsetsPartitionStore } from './OffsetsPartitionStore';
import type { Rebalancer } from '../Rebalancer';

export interface LoadSummary {
  groups: number;
  offsets: number;
  /** Records that could not be decoded (other record types, corruption); skipped. */
  skipped: number;
}

export async function loadCoordinatorState(
  ctx: CoordinatorContext,
  rebalancer: Rebalancer,
  store: OffsetsPartitionStore,
): Promise<LoadSummary> {
  const groupValues = new Map<string, GroupMetadataValue | null>();
  let skipped = 0;
  for (let partition = 0; partition < ctx.config.offsetsTopicPartitions; partition++) {
    for (const record of await store.readAll(partition)) {
      try {
        const key = decodeCoordinatorKey(record.key);
        if (key.type === 'group') {
          groupValues.set(key.group, record.value === null ? null : decodeGroupMetadataValue(record.value));
        } else if (record.value === null) {
          ctx.offsets.drop(key.group, key.topic, key.partition);
        } else {
          ctx.offsets.put(key.group, { topic: key.topic, partition: key.partition, value: decodeOffsetCommitValue(record.value) });
        }
      } catch {
        skipped++;
      }
    }
  }
  const now = ctx.clock.now();
  for (const [groupId, value] of groupValues) {
    if (value === null) continue;
    const group = restoreGroup(groupId, value, now);
    ctx.groups.set(groupId, group);
    for (const m of group.members.values()) rebalancer.scheduleHeartbeat(group, m);
  }
  let offsets = 0;
  for (const groupId of ctx.offsets.groups()) {
    offsets += ctx.offsets.all(groupId).length;
    if (!ctx.groups.has(groupId)) ctx.groups.set(groupId, new GroupMetadata(groupId, now));
  }
  return { groups: ctx.groups.size, offsets, skipped };
}

function restoreGroup(groupId: string, value: GroupMetadataValue, now: number): GroupMetadata {
  const state = value.members.length > 0 ? GroupState.Stable : GroupState.Empty;
  const group = new GroupMetadata(groupId, value.currentStateTimestamp >= 0 ? value.currentStateTimestamp : now, state);
  group.generationId = value.generation;
  group.protocolName = value.protocol;
  for (const r of value.members) {
    const member = new MemberMetadata(
      r.memberId,
      r.groupInstanceId,
      r.clientId,
      r.clientHost,
      r.rebalanceTimeout >= 0 ? r.rebalanceTimeout : r.sessionTimeout,
      r.sessionTimeout,
      value.protocolType,
      [{ name: value.protocol ?? '', metadata: r.subscription }],
    );
    member.assignment = r.assignment;
    group.add(member);
  }
  group.protocolType = value.protocolType === '' ? null : value.protocolType;
  if (value.leader !== null && group.has(value.leader)) group.leaderId = value.leader;
  return group;
}
