/**
 * The in-memory store behind the test binder: topics of partitions of records, committed
 * offsets per group, and group membership with a simple modulo assignment.
 */
import { PlainInboundRecord, type InboundRecord, type OutboundRecord, type SendResult, type TopicPartition } from '../Binder';
import { partitionForKey } from '../../protocol/murmur2';
import { topicPartitionKey } from '../consumer/topicPartitionKey';
import { Signal } from './Signal';

export interface ProducedRecord {
  topic: string;
  record: InboundRecord;
  /** True when sent by an application producer (not by InputDestination). */
  fromApplication: boolean;
}

/** A group member as the broker sees it: told when its assignment changes. */
export interface GroupMember {
  readonly topics: () => string[];
  assignmentChanged(assignment: TopicPartition[]): Promise<void>;
}

export class TestBroker {
  readonly changed = new Signal();
  readonly produced: ProducedRecord[] = [];
  private readonly topics = new Map<string, InboundRecord[][]>();
  private readonly committed = new Map<string, Map<string, number>>();
  private readonly groups = new Map<string, GroupMember[]>();
  private roundRobin = 0;

  constructor(readonly defaultPartitions = 1) {}

  provision(topic: string, partitions = this.defaultPartitions): void {
    if (this.topics.has(topic)) return;
    this.topics.set(topic, Array.from({ length: Math.max(1, partitions) }, () => []));
    this.changed.notify();
  }

  topicNames(): string[] {
    return [...this.topics.keys()];
  }

  partitionCount(topic: string): number {
    return this.topics.get(topic)?.length ?? 0;
  }

  append(topic: string, input: OutboundRecord, fromApplication: boolean): SendResult {
    this.provision(topic);
    const partitions = this.topics.get(topic) as InboundRecord[][];
    let partition = input.partition;
    if (partition === undefined) {
      partition = input.key ? partitionForKey(input.key, partitions.length) : this.roundRobin++ % partitions.length;
    }
    if (partition < 0 || partition >= partitions.length) {
      throw new RangeError(`Topic ${topic} has ${partitions.length} partition(s); partition ${partition} does not exist`);
    }
    const log = partitions[partition];
    const record: InboundRecord = new PlainInboundRecord(topic, partition, log.length, input.timestamp ?? Date.now(), input.key ?? null, input.value, input.headers ?? []);
    log.push(record);
    this.produced.push({ topic, record, fromApplication });
    this.changed.notify();
    return { topic, partition, offset: record.offset };
  }

  read(topic: string, partition: number, from: number, max: number): InboundRecord[] {
    const log = this.topics.get(topic)?.[partition] ?? [];
    return log.slice(from, from + max);
  }

  /** The first offset whose record's timestamp is at or after `timestamp`; null when there is none. */
  offsetForTimestamp(topic: string, partition: number, timestamp: number): number | null {
    const found = (this.topics.get(topic)?.[partition] ?? []).find((r) => r.timestamp >= timestamp);
    return found ? found.offset : null;
  }

  endOffset(topic: string, partition: number): number {
    return this.topics.get(topic)?.[partition]?.length ?? 0;
  }

  committedOffset(group: string, topic: string, partition: number): number | undefined {
    return this.committed.get(group)?.get(topicPartitionKey(topic, partition));
  }

  commit(group: string, topic: string, partition: number, offset: number): void {
    let offsets = this.committed.get(group);
    if (!offsets) this.committed.set(group, (offsets = new Map()));
    offsets.set(topicPartitionKey(topic, partition), offset);
  }

  async join(group: string, member: GroupMember): Promise<void> {
    const members = this.groups.get(group) ?? [];
    members.push(member);
    this.groups.set(group, members);
    await this.rebalance(group);
  }

  async leave(group: string, member: GroupMember): Promise<void> {
    const members = (this.groups.get(group) ?? []).filter((m) => m !== member);
    this.groups.set(group, members);
    await member.assignmentChanged([]);
    await this.rebalance(group);
  }

  /** Re-assigns a group's partitions: partition i of the sorted list goes to member i mod n. */
  async rebalance(group: string): Promise<void> {
    const members = this.groups.get(group) ?? [];
    const all = new Set<string>();
    for (const member of members) for (const topic of member.topics()) all.add(topic);
    const partitions: TopicPartition[] = [];
    for (const topic of [...all].sort()) {
      for (let p = 0; p < this.partitionCount(topic); p++) partitions.push({ topic, partition: p });
    }
    const assignments = members.map(() => [] as TopicPartition[]);
    partitions.forEach((tp, i) => {
      // Only members subscribed to the topic may get its partitions.
      const candidates = members.map((m, idx) => ({ m, idx })).filter(({ m }) => m.topics().includes(tp.topic));
      if (candidates.length > 0) assignments[candidates[i % candidates.length].idx].push(tp);
    });
    await Promise.all(members.map((member, i) => member.assignmentChanged(assignments[i])));
  }
}
