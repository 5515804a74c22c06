/**
 * The kafka binder's partitioner: a keyed record goes where the native binder and the Java client
 * put it (murmur2 of the key bytes, positive, modulo the partition count); a record with an
 * explicit partition stays there; a null key goes round-robin over partitions that have a leader.
 * The chosen partition is remembered per message object, so a kafkajs retry (which partitions the
 * same messages again) never moves a record, and the producer can read back where each record went.
 */
import type { ICustomPartitioner, Message, PartitionMetadata } from 'kafkajs';
import { partitionForKey } from '../../protocol/murmur2';

export class PartitionChoices {
  private readonly chosen = new WeakMap<Message, number>();
  private readonly roundRobin = new Map<string, number>();

  /** kafkajs `createPartitioner` option. */
  readonly partitioner: ICustomPartitioner = () => ({ topic, partitionMetadata, message }) =>
    this.choose(topic, partitionMetadata, message);

  partitionOf(message: Message): number | undefined {
    return this.chosen.get(message);
  }

  private choose(topic: string, partitionMetadata: PartitionMetadata[], message: Message): number {
    const previous = this.chosen.get(message);
    if (previous !== undefined) return previous;
    const partition = this.pick(topic, partitionMetadata, message);
    this.chosen.set(message, partition);
    return partition;
  }

  private pick(topic: string, partitionMetadata: PartitionMetadata[], message: Message): number {
    if (typeof message.partition === 'number') return message.partition;
    const count = partitionMetadata.length;
    if (message.key !== null && message.key !== undefined) {
      const key = typeof message.key === 'string' ? Buffer.from(message.key) : message.key;
      return partitionForKey(key, count);
    }
    const available = partitionMetadata.filter((p) => p.leader >= 0).map((p) => p.partitionId);
    const candidates = available.length > 0 ? available : partitionMetadata.map((p) => p.partitionId);
    const next = this.roundRobin.get(topic) ?? 0;
    this.roundRobin.set(topic, next + 1);
    return candidates.sort((a, b) => a - b)[next % candidates.length];
  }
}
