/**
 * The partitions a consumer member holds, by topicPartitionKey. Listeners ask whether a partition
 * is still theirs once per record, mostly about one partition in a row: the last key built is
 * kept, so that question costs no string per record.
 */
import type { TopicPartition } from '../Binder';
import { topicPartitionKey } from './topicPartitionKey';

export class AssignedPartitions {
  private byKey = new Map<string, TopicPartition>();
  private lastTopic = '';
  private lastPartition = -1;
  private lastKey = '';

  /** topicPartitionKey, reusing the last one built. */
  keyOf(topic: string, partition: number): string {
    if (partition !== this.lastPartition || topic !== this.lastTopic) {
      this.lastKey = topicPartitionKey(topic, partition);
      this.lastTopic = topic;
      this.lastPartition = partition;
    }
    return this.lastKey;
  }

  has(topic: string, partition: number): boolean {
    return this.byKey.has(this.keyOf(topic, partition));
  }

  hasKey(key: string): boolean {
    return this.byKey.has(key);
  }

  get(key: string): TopicPartition | undefined {
    return this.byKey.get(key);
  }

  get size(): number {
    return this.byKey.size;
  }

  keys(): string[] {
    return [...this.byKey.keys()];
  }

  /** A copy: callers revoke or change the assignment while they go through it. */
  list(): TopicPartition[] {
    return [...this.byKey.values()];
  }

  /** The topics of the assignment, each once. */
  topics(): string[] {
    return [...new Set(this.list().map((tp) => tp.topic))];
  }

  /** Holds exactly `partitions` from now on; returns those it held and no longer does. */
  replace(partitions: readonly TopicPartition[]): TopicPartition[] {
    const next = new Map<string, TopicPartition>();
    for (const tp of partitions) next.set(topicPartitionKey(tp.topic, tp.partition), tp);
    const lost = [...this.byKey].filter(([key]) => !next.has(key)).map(([, tp]) => tp);
    this.byKey = next;
    return lost;
  }

  /** Forgets `tp` unless a newer assignment holds that partition under another object. */
  release(tp: TopicPartition): void {
    const key = topicPartitionKey(tp.topic, tp.partition);
    if (this.byKey.get(key) === tp) this.byKey.delete(key);
  }
}
