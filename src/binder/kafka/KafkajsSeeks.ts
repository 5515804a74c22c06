/**
 * The seeks a kafka consumer member handed to kafkajs that kafkajs has not applied yet. kafkajs
 * keeps a seek until its next fetch of the partition, and fetches only partitions the member holds:
 * a seek of a partition the group moved away (the member learns of a rebalance only at its next
 * heartbeat) outlives the generation and would apply whenever the partition comes back, after other
 * members went on from there. Kafka's consumers drop a revoked partition's position and start a
 * newly assigned one from the committed offset; a member does the same for a partition it gets back
 * with such a seek outstanding (kafkajs has no way to drop a seek, only to replace it).
 */
import type { TopicPartition, TopicPartitionOffset } from '../Binder';
import type { PartitionOffsets } from '../consumer/seekAssigned';
import { topicPartitionKey } from '../consumer/topicPartitionKey';

export class KafkajsSeeks {
  /** Partitions with a seek kafkajs may still hold. */
  private readonly unapplied = new Set<string>();
  /** The partitions of the member's last assignment. */
  private held = new Set<string>();

  issued(key: string): void {
    this.unapplied.add(key);
  }

  /** kafkajs holds no seek of the partition now: every seek issued so far was applied. */
  applied(key: string): void {
    this.unapplied.delete(key);
  }

  /**
   * A new generation's assignment. Returns the partitions the member did not hold in the last one
   * for which a seek issued before is still outstanding: stale, they must not decide the position.
   */
  assign(partitions: readonly TopicPartition[]): TopicPartition[] {
    const previous = this.held;
    this.held = new Set(partitions.map(({ topic, partition }) => topicPartitionKey(topic, partition)));
    return partitions.filter(({ topic, partition }) => {
      const key = topicPartitionKey(topic, partition);
      return !previous.has(key) && this.unapplied.has(key);
    });
  }

  /** kafkajs' consumer restarted: it holds no seeks and the member no partitions. */
  clear(): void {
    this.unapplied.clear();
    this.held = new Set();
  }
}

/** What a member looks up to place partitions it gets back. */
export interface ResumeLookups {
  /** The group's committed offsets; partitions without one are left out. */
  committedOffsets(partitions: TopicPartition[]): Promise<TopicPartitionOffset[]>;
  offsets: PartitionOffsets;
  startOffset: 'earliest' | 'latest';
}

/**
 * Where `partitions`, newly assigned, resume: the group's committed offset, else the binding's
 * start (earliest or latest), as for a partition no member ever held.
 */
export async function resumePositions(partitions: TopicPartition[], lookups: ResumeLookups): Promise<TopicPartitionOffset[]> {
  const committed = new Map(
    (await lookups.committedOffsets(partitions)).map(({ topic, partition, offset }) => [topicPartitionKey(topic, partition), offset]),
  );
  const { offsets, startOffset } = lookups;
  const start = (topic: string, partition: number): Promise<number> =>
    startOffset === 'latest' ? offsets.latest(topic, partition) : offsets.earliest(topic, partition);
  return Promise.all(
    partitions.map(async ({ topic, partition }) => ({
      topic,
      partition,
      offset: committed.get(topicPartitionKey(topic, partition)) ?? (await start(topic, partition)),
    })),
  );
}
