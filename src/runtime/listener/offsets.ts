/** Offsets processed but not yet committed, per partition (the next offset to consume). */
import type { InboundRecord, TopicPartition, TopicPartitionOffset } from '../../binder/Binder';

export class OffsetTracker {
  private readonly pending = new Map<string, TopicPartitionOffset>();

  mark(record: InboundRecord): void {
    const key = `${record.topic}:${record.partition}`;
    const next = record.offset + 1;
    const existing = this.pending.get(key);
    if (!existing || existing.offset < next) this.pending.set(key, { topic: record.topic, partition: record.partition, offset: next });
  }

  /** Removes and returns the pending offsets of the given partitions. */
  take(partitions: TopicPartition[]): TopicPartitionOffset[] {
    const out: TopicPartitionOffset[] = [];
    for (const tp of partitions) {
      const key = `${tp.topic}:${tp.partition}`;
      const found = this.pending.get(key);
      if (found) {
        out.push(found);
        this.pending.delete(key);
      }
    }
    return out;
  }
}
