/**
 * Removing committed offsets: OffsetDelete requests and the periodic retention check (Kafka's
 * handleDeleteOffsets and cleanupGroupMetadata). Removals are tombstones in `__consumer_offsets`;
 * a group left Empty with nothing committed is deleted as a whole.
 */
import { ErrorCode } from '../../protocol/errorCodes';
import type { CoordinatorContext } from './CoordinatorContext';
import type { GroupMetadata } from './GroupMetadata';
import { GroupState } from './GroupState';
import type { CommittedOffset } from './offsetsTopic/OffsetsStore';
import type { OffsetDeleteRequest, OffsetDeleteResponse } from './types';

export class OffsetsCleanup {
  constructor(private readonly ctx: CoordinatorContext) {}

  /**
   * Deletes offsets of an Empty group, or of topics a consumer group no longer subscribes to;
   * offsets of subscribed topics get GROUP_SUBSCRIBED_TO_TOPIC.
   */
  async deleteOffsets(req: OffsetDeleteRequest): Promise<OffsetDeleteResponse> {
    const group = this.ctx.groups.get(req.groupId);
    if (!group || group.is(GroupState.Dead)) return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, topics: [] };
    let subscribed: Set<string>;
    if (group.is(GroupState.Empty)) subscribed = new Set();
    else if (group.protocolType === 'consumer') subscribed = group.subscribedTopics() ?? new Set();
    else return { errorCode: ErrorCode.NON_EMPTY_GROUP, topics: [] };

    const deletable: CommittedOffset[] = [];
    for (const t of req.topics) {
      if (subscribed.has(t.name)) continue;
      for (const p of t.partitions) {
        const o = this.ctx.offsets.get(req.groupId, t.name, p.partitionIndex);
        if (o) deletable.push(o);
      }
    }
    let writeError: number = ErrorCode.NONE;
    try {
      await this.removeOffsets(group, deletable);
    } catch {
      writeError = ErrorCode.COORDINATOR_NOT_AVAILABLE;
    }
    return {
      errorCode: ErrorCode.NONE,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          errorCode: subscribed.has(t.name) ? ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC : writeError,
        })),
      })),
    };
  }

  /**
   * Expires offsets past retention (Kafka's rules since 2.1): a group that only commits (no protocol
   * type) loses each offset `retention` after its commit; an Empty group loses all `retention` after it
   * became empty; a Stable consumer group loses only offsets of topics it no longer subscribes to.
   * Returns the number of offsets removed.
   */
  async expireOffsets(): Promise<number> {
    const now = this.ctx.clock.now();
    const retention = this.ctx.config.offsetsRetentionMs;
    let removed = 0;
    for (const group of [...this.ctx.groups.values()]) {
      if (group.pendingMembers.size > 0) continue;
      let expired: CommittedOffset[];
      if (group.protocolType === null) {
        expired = this.ctx.offsets.expired(group.groupId, now, retention, (o) => o.value.commitTimestamp);
      } else if (group.is(GroupState.Empty)) {
        expired = this.ctx.offsets.expired(group.groupId, now, retention, () => group.currentStateTimestamp);
      } else if (group.is(GroupState.Stable) && group.protocolType === 'consumer') {
        const subscribed = group.subscribedTopics();
        if (subscribed === null) continue;
        expired = this.ctx.offsets.expired(group.groupId, now, retention, (o) => o.value.commitTimestamp, subscribed);
      } else {
        continue;
      }
      try {
        await this.removeOffsets(group, expired);
      } catch {
        continue;
      }
      removed += expired.length;
    }
    return removed;
  }

  /** Writes tombstones for `offsets` (and for the group when it is Empty and nothing would remain), then forgets them. */
  private async removeOffsets(group: GroupMetadata, offsets: CommittedOffset[]): Promise<void> {
    const remaining = this.ctx.offsets.all(group.groupId).length - offsets.length;
    const dropGroup = remaining === 0 && group.is(GroupState.Empty);
    if (offsets.length === 0 && !dropGroup) return;
    const tombstones = this.ctx.offsets.tombstones(group.groupId, offsets);
    if (dropGroup) await this.ctx.groupStore.deleteGroup(group.groupId, tombstones);
    else await this.ctx.groupStore.append(group.groupId, tombstones);
    this.ctx.offsets.forget(group.groupId, offsets);
    // A member may have joined while the tombstones were written; then the group lives on.
    if (dropGroup && group.is(GroupState.Empty) && !this.ctx.offsets.hasOffsets(group.groupId)) {
      group.transitionTo(GroupState.Dead, this.ctx.clock.now());
      if (this.ctx.groups.get(group.groupId) === group) this.ctx.groups.delete(group.groupId);
    }
  }
}
