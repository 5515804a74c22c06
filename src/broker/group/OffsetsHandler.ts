/** OffsetCommit, OffsetFetch and offset expiry (Kafka's classic handleCommitOffsets / handleFetchOffsets). */
import { ErrorCode } from '../../protocol/errorCodes';
import type { CoordinatorContext } from './context';
import { GroupMetadata } from './GroupMetadata';
import { GroupState } from './GroupState';
import { validateMember } from './Membership';
import type { TopicPartitionOffset } from './OffsetsStore';
import type { Rebalancer } from './Rebalancer';
import type { OffsetCommitRequest, OffsetCommitResponse, OffsetFetchPartition, OffsetFetchRequest, OffsetFetchResponse } from './types';

export class OffsetsHandler {
  constructor(
    private readonly ctx: CoordinatorContext,
    private readonly rebalancer: Rebalancer,
  ) {}

  async commit(req: OffsetCommitRequest): Promise<OffsetCommitResponse> {
    const every = (errorCode: number): OffsetCommitResponse => ({
      topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })),
    });
    if (req.groupId === '') return every(ErrorCode.INVALID_GROUP_ID);
    const generationId = req.generationId ?? -1;
    const memberId = req.memberId ?? '';
    let group = this.ctx.groups.get(req.groupId);
    if (!group) {
      // A group that only stores offsets (consumers with manual assignment) springs into being here.
      if (generationId >= 0) return every(ErrorCode.ILLEGAL_GENERATION);
      group = new GroupMetadata(req.groupId, this.ctx.clock.now());
      this.ctx.groups.set(req.groupId, group);
    }
    const rejected = this.validate(group, generationId, memberId, req.groupInstanceId);
    if (rejected !== ErrorCode.NONE) return every(rejected);
    const member = group.get(memberId);
    if (member && !group.is(GroupState.Empty)) this.rebalancer.scheduleHeartbeat(group, member);

    const now = this.ctx.clock.now();
    const retention = req.retentionTimeMs ?? -1;
    const accepted: TopicPartitionOffset[] = [];
    const errors = new Map<string, number>();
    for (const t of req.topics) {
      for (const p of t.partitions) {
        const metadata = p.committedMetadata ?? '';
        if (Buffer.byteLength(metadata, 'utf8') > this.ctx.config.offsetMetadataMaxBytes) {
          errors.set(`${t.name}\u0000${p.partitionIndex}`, ErrorCode.OFFSET_METADATA_TOO_LARGE);
          continue;
        }
        accepted.push({
          topic: t.name,
          partition: p.partitionIndex,
          value: {
            offset: p.committedOffset,
            leaderEpoch: p.committedLeaderEpoch ?? -1,
            metadata,
            commitTimestamp: now,
            expireTimestamp: retention >= 0 ? now + retention : -1,
          },
        });
      }
    }
    let writeError: number = ErrorCode.NONE;
    try {
      await this.ctx.offsets.commit(req.groupId, accepted);
    } catch {
      writeError = ErrorCode.COORDINATOR_NOT_AVAILABLE;
    }
    return {
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          errorCode: errors.get(`${t.name}\u0000${p.partitionIndex}`) ?? writeError,
        })),
      })),
    };
  }

  /**
   * TxnOffsetCommit's group check (Kafka's doTxnCommitOffsets): the member and generation must be
   * current when given; a group unknown here only stores offsets and comes into being.
   */
  validateTxnCommit(groupId: string, generationId: number, memberId: string, groupInstanceId: string | null): number {
    if (groupId === '') return ErrorCode.INVALID_GROUP_ID;
    let group = this.ctx.groups.get(groupId);
    if (!group) {
      if (generationId >= 0) return ErrorCode.ILLEGAL_GENERATION;
      group = new GroupMetadata(groupId, this.ctx.clock.now());
      this.ctx.groups.set(groupId, group);
    }
    return this.validate(group, generationId, memberId, groupInstanceId, true);
  }

  /** Offsets of a committed transaction, already in the log, become visible. */
  applyTxnOffsets(groupId: string, offsets: TopicPartitionOffset[]): void {
    for (const o of offsets) this.ctx.offsets.put(groupId, o);
  }

  private validate(group: GroupMetadata, generationId: number, memberId: string, instanceId: string | null | undefined, transactional = false): number {
    if (group.is(GroupState.Dead)) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (generationId >= 0 || memberId !== '' || instanceId) {
      const invalid = validateMember(group, memberId, instanceId);
      if (invalid !== ErrorCode.NONE) return invalid;
      if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
      // Assignments of this generation are not known yet: commit after SyncGroup.
      if (group.is(GroupState.CompletingRebalance)) return ErrorCode.REBALANCE_IN_PROGRESS;
      return ErrorCode.NONE;
    }
    // Outside any generation only a group without members may commit; a transactional commit
    // without member (TxnOffsetCommit before v3, kafkajs) may, as Kafka's coordinator allows it:
    // the transactional id's fencing guards it instead.
    return transactional || group.is(GroupState.Empty) ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
  }

  fetch(req: OffsetFetchRequest): OffsetFetchResponse {
    const offsets = this.ctx.offsets;
    const toPartition = (topic: string, partition: number): OffsetFetchPartition => {
      const o = offsets.get(req.groupId, topic, partition);
      return {
        partitionIndex: partition,
        committedOffset: o?.value.offset ?? -1,
        committedLeaderEpoch: o?.value.leaderEpoch ?? -1,
        metadata: o ? o.value.metadata : '',
        errorCode: ErrorCode.NONE,
      };
    };
    if (req.topics !== null) {
      return {
        errorCode: ErrorCode.NONE,
        topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((p) => toPartition(t.name, p)) })),
      };
    }
    const byTopic = new Map<string, number[]>();
    for (const o of offsets.all(req.groupId)) byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), o.partition]);
    return {
      errorCode: ErrorCode.NONE,
      topics: [...byTopic.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([name, parts]) => ({ name, partitions: parts.sort((a, b) => a - b).map((p) => toPartition(name, p)) })),
    };
  }
}
