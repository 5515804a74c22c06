/**
 * For tests that hand a listener's batches to it as group members would: a member's session that
 * records what the runtime commits and seeks, and a batch of one JSON record.
 */
import { PlainInboundRecord, type ConsumerSession, type InboundBatch, type TopicPartition, type TopicPartitionOffset } from '../../src/binder/Binder';

export class ScriptedMemberSession implements ConsumerSession {
  readonly commits: TopicPartitionOffset[][] = [];
  readonly sought: TopicPartitionOffset[] = [];

  /** `commitError`: what every commit fails with (a member the group removed). */
  constructor(private readonly commitError?: Error) {}

  async commit(offsets: TopicPartitionOffset[]): Promise<void> {
    if (this.commitError) throw this.commitError;
    this.commits.push(offsets.map((o) => ({ ...o })));
  }
  seek(target: TopicPartitionOffset): void {
    this.sought.push(target);
  }
  async seekTo(): Promise<void> {}
  async heartbeat(): Promise<void> {}
  isActive(): boolean {
    return true;
  }
  pausePartition(): void {}
  resumePartition(): void {}
  pausedPartitions(): TopicPartition[] {
    return [];
  }
}

/** Partition 0's record at `offset`, whose value is `{ n: offset }`. */
export function singleRecordBatch(topic: string, offset: number): InboundBatch {
  const record = new PlainInboundRecord(topic, 0, offset, Date.now(), null, Buffer.from(JSON.stringify({ n: offset })), []);
  return { topic, partition: 0, records: [record], highWatermark: offset + 1 };
}
