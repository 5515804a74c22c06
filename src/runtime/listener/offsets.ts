/** Offsets processed but not yet committed, per partition (the next offset to consume). */
import type { InboundRecord, TopicPartition, TopicPartitionOffset } from '../../binder/Binder';

export class OffsetTracker {
  /** topic → partition → pending offset. An entry is updated in place until take() hands it out. */
  private readonly byTopic = new Map<string, Map<number, TopicPartitionOffset>>();

  /** The record (its topic, partition and offset) is done: the next commit goes past it. */
  mark(record: Pick<InboundRecord, 'topic' | 'partition' | 'offset'>): void {
    const next = record.offset + 1;
    let byPartition = this.byTopic.get(record.topic);
    if (byPartition === undefined) this.byTopic.set(record.topic, (byPartition = new Map()));
    const existing = byPartition.get(record.partition);
    if (existing === undefined) byPartition.set(record.partition, { topic: record.topic, partition: record.partition, offset: next });
    else if (existing.offset < next) existing.offset = next;
  }

  /** Puts offsets whose commit failed back, unless a later offset was marked meanwhile: the next commit carries them. */
  restore(offsets: TopicPartitionOffset[]): void {
    for (const o of offsets) this.mark({ topic: o.topic, partition: o.partition, offset: o.offset - 1 });
  }

  /** The offset the next commit of this partition would carry, if any. */
  pendingOffset(topic: string, partition: number): number | undefined {
    return this.byTopic.get(topic)?.get(partition)?.offset;
  }

  /** Removes and returns the pending offsets of the given partitions. */
  take(partitions: TopicPartition[]): TopicPartitionOffset[] {
    const out: TopicPartitionOffset[] = [];
    for (const tp of partitions) {
      const byPartition = this.byTopic.get(tp.topic);
      const found = byPartition?.get(tp.partition);
      if (found) {
        out.push(found);
        byPartition!.delete(tp.partition);
      }
    }
    return out;
  }
}
