/**
 * The partitions a consumer member holds, by topicPartitionKey. Listeners ask whether a partition
 * is still theirs once per record, mostly about one partition in a row: the last key built is
 * kept, so that question costs no string per record.
 */
import type { TopicPartition } from '../Binder';
import { PartitionNotAssignedError } from './errors';
import { topicPartitionKey } from './topicPartitionKey';

export class AssignedPartitions {
  private byKey = new Map<string, TopicPartition>();
  /** Keys of held partitions paused one by one (pausePartition); kept while the partition stays held. */
  private readonly paused = new Set<string>();
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

  /** Keys of the held partitions not paused one by one: those to fetch. */
  unpausedKeys(): string[] {
    const keys = this.keys();
    return this.paused.size === 0 ? keys : keys.filter((key) => !this.paused.has(key));
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
    for (const key of [...this.paused]) if (!next.has(key)) this.paused.delete(key);
    return lost;
  }

  /** Pauses or resumes one held partition; PartitionNotAssignedError for one not held. */
  setPaused(topic: string, partition: number, paused: boolean): void {
    const key = this.keyOf(topic, partition);
    if (!this.byKey.has(key)) throw new PartitionNotAssignedError(topic, partition);
    if (paused) this.paused.add(key);
    else this.paused.delete(key);
  }

  isPausedKey(key: string): boolean {
    return this.paused.size > 0 && this.paused.has(key);
  }

  pausedList(): TopicPartition[] {
    return [...this.paused].map((key) => this.byKey.get(key)!);
  }

  /** Forgets `tp` unless a newer assignment holds that partition under another object. */
  release(tp: TopicPartition): void {
    const key = topicPartitionKey(tp.topic, tp.partition);
    if (this.byKey.get(key) === tp) this.byKey.delete(key);
  }
}
