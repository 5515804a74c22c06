/**
 * Committed offsets, cached per group and written to the group's `__consumer_offsets` partition as
 * OffsetCommitKey/OffsetCommitValue records (tombstones when they are deleted or expire).
 */
import { encodeOffsetCommitKey, encodeOffsetCommitValue, type OffsetCommitValue } from '../../../protocol/coordinator';
import type { CoordinatorRecord, OffsetsPartitionStore } from './OffsetsPartitionStore';

export interface CommittedOffset {
  topic: string;
  partition: number;
  value: OffsetCommitValue;
}

const tpKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

export class OffsetsStore {
  private readonly byGroup = new Map<string, Map<string, CommittedOffset>>();

  constructor(
    private readonly store: OffsetsPartitionStore,
    private readonly partitionFor: (groupId: string) => number,
  ) {}

  /** Writes the commits, then makes them visible; nothing changes when the write fails. */
  async commit(groupId: string, offsets: CommittedOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    const records: CoordinatorRecord[] = offsets.map((o) => ({
      key: encodeOffsetCommitKey({ group: groupId, topic: o.topic, partition: o.partition }),
      value: encodeOffsetCommitValue(o.value),
    }));
    await this.store.append(this.partitionFor(groupId), records);
    for (const o of offsets) this.put(groupId, o);
  }

  /** Applies a commit read back from the log at start-up. */
  put(groupId: string, offset: CommittedOffset): void {
    let group = this.byGroup.get(groupId);
    if (!group) this.byGroup.set(groupId, (group = new Map()));
    group.set(tpKey(offset.topic, offset.partition), offset);
  }

  /** Applies a tombstone read back from the log at start-up. */
  drop(groupId: string, topic: string, partition: number): void {
    const group = this.byGroup.get(groupId);
    group?.delete(tpKey(topic, partition));
    if (group?.size === 0) this.byGroup.delete(groupId);
  }

  get(groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.byGroup.get(groupId)?.get(tpKey(topic, partition));
  }

  all(groupId: string): CommittedOffset[] {
    return [...(this.byGroup.get(groupId)?.values() ?? [])];
  }

  hasOffsets(groupId: string): boolean {
    return (this.byGroup.get(groupId)?.size ?? 0) > 0;
  }

  groups(): string[] {
    return [...this.byGroup.keys()];
  }

  /** Tombstone records for the given offsets; the caller appends them (with any group tombstone) and then calls forget. */
  tombstones(groupId: string, offsets: CommittedOffset[]): CoordinatorRecord[] {
    return offsets.map((o) => ({ key: encodeOffsetCommitKey({ group: groupId, topic: o.topic, partition: o.partition }), value: null }));
  }

  forget(groupId: string, offsets: CommittedOffset[]): void {
    for (const o of offsets) this.drop(groupId, o.topic, o.partition);
  }

  /**
   * Offsets past retention: each expires `retentionMs` after `baseTimestamp(offset)`, or at its explicit
   * expiry when it was committed with one (v1 records). Topics in `keep` never expire here.
   */
  expired(
    groupId: string,
    nowMs: number,
    retentionMs: number,
    baseTimestamp: (o: CommittedOffset) => number,
    keep: Set<string> = new Set(),
  ): CommittedOffset[] {
    return this.all(groupId).filter((o) => {
      if (keep.has(o.topic)) return false;
      if (o.value.expireTimestamp >= 0) return o.value.expireTimestamp <= nowMs;
      return baseTimestamp(o) + retentionMs <= nowMs;
    });
  }
}
