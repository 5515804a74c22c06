/**
 * The kafka binder's transactional producer over a kafkajs transactional producer
 * (`transactionalId`, `producer.transaction()`, `sendOffsets`, `commit`, `abort`). Sends of one tick
 * to one topic go out in one produce request; requests never overlap, so per-key order holds.
 */
import type { Message, Producer, Transaction } from 'kafkajs';
import type { OutboundRecord, SendResult, TopicPartitionOffset, TransactionalProducer } from '../Binder';
import type { CompressionType } from '../../protocol/records/types';
import { TransactionSteps } from '../TransactionSteps';
import { ProducerFencedError, TransactionStateError } from '../transactionErrors';
import { toKafkajsCompression } from './codecs';
import { hasErrorType } from './errors';
import { toKafkajsHeaders } from './headers';
import type { PartitionChoices } from './partitioner';

interface Pending {
  topic: string;
  message: Message;
  resolve(result: SendResult): void;
  reject(error: unknown): void;
}

export interface KafkaTransactionalSettings {
  compression?: CompressionType;
  /** Makes the topic when missing (kafkajs does not create topics). */
  provision(topic: string): Promise<void>;
  toError(what: string, error: unknown): Error;
}

export class KafkaTransactionalProducer implements TransactionalProducer {
  private transaction: Transaction | null = null;
  private opening: Promise<Transaction> | null = null;
  private queue: Pending[] = [];
  private draining: Promise<void> | null = null;
  private readonly work = new TransactionSteps();
  private readonly provisioned = new Set<string>();
  private inTransaction = false;
  private fenced = false;
  private closed = false;

  constructor(
    readonly transactionalId: string,
    private readonly producer: Producer,
    private readonly choices: PartitionChoices,
    private readonly settings: KafkaTransactionalSettings,
    private readonly onClose: () => void,
  ) {}

  begin(): void {
    this.assertUsable();
    if (this.inTransaction) throw new TransactionStateError(this.transactionalId, 'begin() was called while a transaction is open: commit or abort it first.');
    this.inTransaction = true;
    this.work.failure = null;
  }

  send(topic: string, record: OutboundRecord): Promise<SendResult> {
    try {
      this.assertInTransaction('send()');
      const message: Message = {
        key: record.key ?? null,
        value: record.value,
        headers: toKafkajsHeaders(record.headers),
        partition: record.partition,
        timestamp: record.timestamp === undefined ? undefined : String(record.timestamp),
      };
      const sent = new Promise<SendResult>((resolve, reject) => {
        this.queue.push({ topic, message, resolve, reject });
        this.scheduleDrain();
      });
      this.work.track(sent);
      return sent;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async sendOffsets(group: string, offsets: TopicPartitionOffset[]): Promise<void> {
    this.assertInTransaction('sendOffsets()');
    const step = (async () => {
      // Offsets follow the records sent before them, as a Kafka client orders them.
      while (this.draining) await this.draining;
      const txn = await this.open();
      const byTopic = new Map<string, { partition: number; offset: string }[]>();
      for (const o of offsets) byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), { partition: o.partition, offset: String(o.offset) }]);
      try {
        await txn.sendOffsets({ consumerGroupId: group, topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })) });
      } catch (error) {
        throw this.translate(`sending the offsets of group '${group}'`, error);
      }
    })();
    this.work.track(step);
    return step;
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
      if (this.transaction) await this.transaction.commit();
    } catch (error) {
      const failure = this.translate('committing', error);
      await this.abort().catch(() => undefined);
      throw failure;
    } finally {
      this.endTransaction();
    }
  }

  async abort(): Promise<void> {
    if (!this.inTransaction) return;
    await this.work.settle();
    try {
      if (this.transaction && !this.fenced && this.transaction.isActive()) await this.transaction.abort();
    } catch (error) {
      throw this.translate('aborting', error);
    } finally {
      this.endTransaction();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.inTransaction) await this.abort().catch(() => undefined);
    this.closed = true;
    await this.producer.disconnect().catch(() => undefined);
    this.onClose();
  }

  private endTransaction(): void {
    this.inTransaction = false;
    this.transaction = null;
    this.opening = null;
    this.work.failure = null;
  }

  /** kafkajs starts the transaction on the cluster at the first send: opened lazily, once per transaction. */
  private open(): Promise<Transaction> {
    if (this.transaction) return Promise.resolve(this.transaction);
    this.opening ??= this.producer.transaction().then((txn) => (this.transaction = txn));
    return this.opening;
  }



  private scheduleDrain(): void {
    if (this.draining) return;
    this.draining = new Promise<void>((done) => setImmediate(() => void this.drain().finally(done))).then(() => {
      this.draining = null;
      if (this.queue.length > 0) this.scheduleDrain();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const topic = this.queue[0].topic;
      const chunk = this.queue.filter((p) => p.topic === topic);
      this.queue = this.queue.filter((p) => p.topic !== topic);
      try {
        if (!this.provisioned.has(topic)) {
          await this.settings.provision(topic);
          this.provisioned.add(topic);
        }
        const txn = await this.open();
        const metadata = await txn.send({ topic, acks: -1, compression: toKafkajsCompression(this.settings.compression), messages: chunk.map((p) => p.message) });
        const baseOffsets = new Map(metadata.map((m) => [m.partition, Number(m.baseOffset ?? -1)]));
        const seen = new Map<number, number>();
        for (const pending of chunk) {
          const partition = this.choices.partitionOf(pending.message) ?? pending.message.partition ?? -1;
          const index = seen.get(partition) ?? 0;
          seen.set(partition, index + 1);
          const base = baseOffsets.get(partition) ?? -1;
          pending.resolve({ topic, partition, offset: base >= 0 ? base + index : -1 });
        }
      } catch (error) {
        const failure = this.translate(`sending to '${topic}'`, error);
        for (const pending of chunk) pending.reject(failure);
      }
    }
  }

  private translate(what: string, error: unknown): Error {
    if (error instanceof ProducerFencedError) return error;
    if (hasErrorType(error, 'PRODUCER_FENCED') || hasErrorType(error, 'INVALID_PRODUCER_EPOCH') || hasErrorType(error, 'INVALID_PRODUCER_ID_MAPPING')) {
      this.fenced = true;
      return new ProducerFencedError(this.transactionalId, `${what}: ${(error as Error).message}`);
    }
    return this.settings.toError(`transactional producer '${this.transactionalId}' ${what}`, error);
  }

  private assertUsable(): void {
    if (this.closed) throw new TransactionStateError(this.transactionalId, 'the producer is closed: create a new one.');
    if (this.fenced) throw new ProducerFencedError(this.transactionalId);
  }

  private assertInTransaction(what: string): void {
    this.assertUsable();
    if (!this.inTransaction) throw new TransactionStateError(this.transactionalId, `${what} outside a transaction: call begin() first.`);
  }
}
