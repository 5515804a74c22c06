/**
 * The native binder's transactional producer: the steps a Kafka client takes against the
 * transaction coordinator (InitProducerId with the transactional id, AddPartitionsToTxn before the
 * first write to a partition, AddOffsetsToTxn + TxnOffsetCommit, EndTxn), called on the broker in
 * the same process. Records sent in the same tick to one partition share one transactional batch;
 * one batch per partition is in flight at a time, so sequence numbers and order hold.
 */
import type { Broker } from '../../broker/Broker';
import { ErrorCode, errorName } from '../../protocol/errorCodes';
import { partitionForKey } from '../../protocol/murmur2';
import { encodeRecordBatch } from '../../protocol/records/encodeBatch';
import { CompressionType } from '../../protocol/records/types';
import type { ConsumerGroupMetadata, OutboundRecord, SendResult, TopicPartitionOffset, TransactionalProducer } from '../Binder';
import { TransactionSteps } from '../TransactionSteps';
import { ProducerFencedError, TransactionFailedError, TransactionStateError } from '../transactionErrors';
import { NativeBinderClosedError } from './errors';

export interface NativeTransactionalSettings {
  compression: CompressionType;
  transactionTimeoutMs: number;
  /** Makes the topic when missing and answers its partition count. */
  partitionsOf(topic: string): Promise<number>;
}

interface Queued {
  record: OutboundRecord;
  resolve(result: SendResult): void;
  reject(error: unknown): void;
}

interface PartitionLane {
  topic: string;
  partition: number;
  queue: Queued[];
  sending: Promise<void> | null;
}

const MAX_SEQUENCE = 0x7fffffff;
const FENCED = new Set<number>([ErrorCode.PRODUCER_FENCED, ErrorCode.INVALID_PRODUCER_EPOCH, ErrorCode.INVALID_PRODUCER_ID_MAPPING]);

export class NativeTransactionalProducer implements TransactionalProducer {
  private producerId = -1;
  private producerEpoch = -1;
  private inTransaction = false;
  private fenced = false;
  private closed = false;
  /** Partitions (and `__consumer_offsets` via groups) added to the open transaction. */
  private readonly added = new Set<string>();
  private readonly groupsAdded = new Set<string>();
  private readonly lanes = new Map<string, PartitionLane>();
  private readonly sequences = new Map<string, number>();
  private readonly partitionCounts = new Map<string, number>();
  private readonly work = new TransactionSteps();
  private roundRobin = 0;

  private constructor(
    private readonly broker: Broker,
    readonly transactionalId: string,
    private readonly settings: NativeTransactionalSettings,
    private readonly onClose: () => void,
  ) {}

  static async create(broker: Broker, transactionalId: string, settings: NativeTransactionalSettings, onClose: () => void): Promise<NativeTransactionalProducer> {
    const producer = new NativeTransactionalProducer(broker, transactionalId, settings, onClose);
    await producer.initTransactions();
    return producer;
  }

  private async initTransactions(): Promise<void> {
    for (;;) {
      const res = await this.broker.initProducerId({ transactionalId: this.transactionalId, transactionTimeoutMs: this.settings.transactionTimeoutMs });
      // The id is completing an earlier transaction (of a fenced predecessor): ask again.
      if (res.errorCode === ErrorCode.CONCURRENT_TRANSACTIONS) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        continue;
      }
      if (res.errorCode !== ErrorCode.NONE) throw new TransactionFailedError(this.transactionalId, 'InitProducerId', `${errorName(res.errorCode)}${res.errorMessage ? `: ${res.errorMessage}` : ''}`);
      this.producerId = res.producerId;
      this.producerEpoch = res.producerEpoch;
      return;
    }
  }

  begin(): void {
    this.assertUsable();
    if (this.inTransaction) throw new TransactionStateError(this.transactionalId, 'begin() was called while a transaction is open: commit or abort it first.');
    this.inTransaction = true;
    this.work.failure = null;
  }

  send(topic: string, record: OutboundRecord): Promise<SendResult> {
    try {
      this.assertInTransaction('send()');
    } catch (error) {
      return Promise.reject(error);
    }
    const sent = this.partitionOf(topic, record).then(
      (partition) =>
        new Promise<SendResult>((resolve, reject) => {
          const lane = this.lane(topic, partition);
          lane.queue.push({ record, resolve, reject });
          if (!lane.sending) lane.sending = this.drainSoon(lane);
        }),
    );
    this.work.track(sent);
    return sent;
  }

  async sendOffsets(group: string, offsets: TopicPartitionOffset[], metadata?: ConsumerGroupMetadata): Promise<void> {
    this.assertInTransaction('sendOffsets()');
    const step = this.sendOffsetsNow(group, offsets, metadata);
    this.work.track(step);
    return step;
  }

  private async sendOffsetsNow(group: string, offsets: TopicPartitionOffset[], metadata: ConsumerGroupMetadata | undefined): Promise<void> {
    const p = this.identity();
    if (!this.groupsAdded.has(group)) {
      this.check('AddOffsetsToTxn', await this.broker.transactions.addOffsets(p, group));
      this.groupsAdded.add(group);
    }
    const byTopic = new Map<string, TopicPartitionOffset[]>();
    for (const o of offsets) byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), o]);
    const res = await this.broker.transactions.txnOffsetCommit({
      ...p,
      groupId: group,
      // KIP-447: the member's generation lets the coordinator fence a member a rebalance left behind.
      generationId: metadata?.generationId ?? -1,
      memberId: metadata?.memberId ?? '',
      groupInstanceId: metadata?.groupInstanceId ?? null,
      topics: [...byTopic].map(([name, list]) => ({
        name,
        partitions: list.map((o) => ({ partitionIndex: o.partition, committedOffset: o.offset, committedLeaderEpoch: -1, committedMetadata: null })),
      })),
    });
    for (const t of res.topics) for (const x of t.partitions) this.check(`TxnOffsetCommit of ${t.name}-${x.partitionIndex}`, x.errorCode);
  }

  async commit(): Promise<void> {
    this.assertInTransaction('commit()');
    await this.work.settle();
    if (this.work.failure) {
      const failure = this.work.failure;
      await this.abort().catch(() => undefined);
      throw failure;
    }
    try {
      if (this.added.size > 0 || this.groupsAdded.size > 0) this.check('EndTxn(commit)', await this.broker.transactions.endTxn(this.identity(), true));
    } finally {
      this.endTransaction();
    }
  }

  async abort(): Promise<void> {
    if (!this.inTransaction) return;
    await this.work.settle();
    try {
      if (!this.fenced && (this.added.size > 0 || this.groupsAdded.size > 0)) this.check('EndTxn(abort)', await this.broker.transactions.endTxn(this.identity(), false));
    } finally {
      this.endTransaction();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.inTransaction) await this.abort().catch(() => undefined);
    this.closed = true;
    this.onClose();
  }

  private endTransaction(): void {
    this.inTransaction = false;
    this.added.clear();
    this.groupsAdded.clear();
    this.work.failure = null;
  }



  private async partitionOf(topic: string, record: OutboundRecord): Promise<number> {
    let count = this.partitionCounts.get(topic);
    if (count === undefined) {
      count = await this.settings.partitionsOf(topic);
      this.partitionCounts.set(topic, count);
    }
    if (record.partition !== undefined && record.partition !== null) {
      if (record.partition < 0 || record.partition >= count) {
        throw new TransactionFailedError(this.transactionalId, `sending to partition ${record.partition} of '${topic}'`, `the topic has ${count} partitions`);
      }
      return record.partition;
    }
    if (record.key) return partitionForKey(record.key, count);
    return this.roundRobin++ % count;
  }

  private lane(topic: string, partition: number): PartitionLane {
    const key = `${topic}\u0000${partition}`;
    let lane = this.lanes.get(key);
    if (!lane) this.lanes.set(key, (lane = { topic, partition, queue: [], sending: null }));
    return lane;
  }

  /** After this tick's sends to the lane are queued, writes them as batches until the queue is empty. */
  private async drainSoon(lane: PartitionLane): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      while (lane.queue.length > 0) {
        const batch = lane.queue.splice(0, lane.queue.length);
        try {
          const baseOffset = await this.write(lane.topic, lane.partition, batch.map((q) => q.record));
          batch.forEach((q, i) => q.resolve({ topic: lane.topic, partition: lane.partition, offset: baseOffset + i }));
        } catch (error) {
          for (const q of batch) q.reject(error);
        }
      }
    } finally {
      lane.sending = null;
    }
  }

  private async write(topic: string, partition: number, records: OutboundRecord[]): Promise<number> {
    const key = `${topic}\u0000${partition}`;
    const p = this.identity();
    if (!this.added.has(key)) {
      const results = await this.broker.transactions.addPartitions(p, [{ name: topic, partitions: [partition] }]);
      this.check(`AddPartitionsToTxn of ${topic}-${partition}`, results[0].partitions[0].errorCode);
      this.added.add(key);
    }
    const baseSequence = this.sequences.get(key) ?? 0;
    const next = baseSequence + records.length;
    const now = Date.now();
    const bytes = await encodeRecordBatch({
      records: records.map((r) => ({ key: r.key ?? null, value: r.value, headers: r.headers, timestamp: r.timestamp ?? now })),
      compression: this.settings.compression,
      producerId: p.producerId,
      producerEpoch: p.producerEpoch,
      baseSequence,
      isTransactional: true,
    });
    const response = await this.broker.produce({ transactionalId: this.transactionalId, acks: -1, topics: [{ name: topic, partitions: [{ index: partition, records: bytes }] }] });
    const result = response.responses[0].partitionResponses[0];
    this.check(`writing to ${topic}-${partition}`, result.errorCode, result.errorMessage);
    this.sequences.set(key, next > MAX_SEQUENCE ? next - MAX_SEQUENCE - 1 : next);
    return result.baseOffset;
  }

  private identity(): { transactionalId: string; producerId: number; producerEpoch: number } {
    return { transactionalId: this.transactionalId, producerId: this.producerId, producerEpoch: this.producerEpoch };
  }

  private check(step: string, errorCode: number, detail?: string | null): void {
    if (errorCode === ErrorCode.NONE) return;
    if (FENCED.has(errorCode)) {
      this.fenced = true;
      throw new ProducerFencedError(this.transactionalId, `${step}: ${errorName(errorCode)}`);
    }
    throw new TransactionFailedError(this.transactionalId, step, `${errorName(errorCode)}${detail ? `: ${detail}` : ''}`);
  }

  private assertUsable(): void {
    if (this.closed) throw new NativeBinderClosedError(`The transactional producer '${this.transactionalId}'`);
    if (this.fenced) throw new ProducerFencedError(this.transactionalId);
  }

  private assertInTransaction(what: string): void {
    this.assertUsable();
    if (!this.inTransaction) throw new TransactionStateError(this.transactionalId, `${what} outside a transaction: call begin() first.`);
  }
}
