/**
 * A producer binding over a kafkajs producer. send() calls are queued and drained one produce
 * request at a time: records sent in the same tick (or within lingerMs) share one request, and
 * records of one key keep their order across calls because requests never overlap.
 */
import type { Message, Producer } from 'kafkajs';
import type { OutboundRecord, OutboxStatus, ProducerBinding, SendResult } from '../Binder';
import type { CompressionType } from '../../protocol/records/types';
import { toKafkajsCompression } from './codecs';
import { toKafkajsHeaders } from './headers';
import type { PartitionChoices } from './partitioner';
import type { Outbox } from './outbox/Outbox';

interface Pending {
  record: OutboundRecord;
  message: Message;
  size: number;
  resolve(result: SendResult): void;
  reject(error: unknown): void;
}

/** Kafka's default max.request.size. */
const MAX_REQUEST_BYTES = 1024 * 1024;

export interface KafkaProducerSettings {
  acks: 0 | 1 | -1;
  compression?: CompressionType;
  lingerMs: number;
  toError(error: unknown): Error;
  /** Durable outbox for records the cluster cannot take (producer.outbox). */
  outbox?: Outbox;
}

export class KafkaProducerBinding implements ProducerBinding {
  private queue: Pending[] = [];
  private draining: Promise<void> | null = null;
  private closed = false;

  constructor(
    readonly destination: string,
    private readonly producer: Producer,
    private readonly choices: PartitionChoices,
    private readonly settings: KafkaProducerSettings,
    private readonly onClose: () => void,
  ) {}

  send(record: OutboundRecord): Promise<SendResult> {
    if (this.closed) return Promise.reject(new Error(`producer binding to '${this.destination}' is closed`));
    let headers: Message['headers'];
    try {
      headers = toKafkajsHeaders(record.headers);
    } catch (error) {
      return Promise.reject(error);
    }
    const message: Message = {
      key: record.key ?? null,
      value: record.value,
      headers,
      partition: record.partition,
      timestamp: record.timestamp === undefined ? undefined : String(record.timestamp),
    };
    const size = (record.key?.length ?? 0) + (record.value?.length ?? 0) + 32;
    return new Promise<SendResult>((resolve, reject) => {
      this.queue.push({ record, message, size, resolve, reject });
      this.scheduleDrain();
    });
  }

  sendMany(records: OutboundRecord[]): Promise<SendResult[]> {
    return Promise.all(records.map((record) => this.send(record)));
  }

  async flush(): Promise<void> {
    while (this.draining) await this.draining;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    await this.settings.outbox?.close();
    await this.producer.disconnect();
    this.onClose();
  }

  private scheduleDrain(): void {
    if (this.draining) return;
    this.draining = new Promise<void>((done) => {
      const start = () => this.drain().finally(done);
      if (this.settings.lingerMs > 0) setTimeout(start, this.settings.lingerMs);
      else setImmediate(start);
    }).then(() => {
      this.draining = null;
      if (this.queue.length > 0) this.scheduleDrain();
    });
  }

  /** The outbox's directory and depth, when this binding has one (for health and metrics). */
  get outboxStatus(): OutboxStatus | undefined {
    return this.settings.outbox?.status();
  }

  /** Resolves when the outbox holds nothing (at once without an outbox). */
  outboxDrained(): Promise<void> {
    return this.settings.outbox?.drained() ?? Promise.resolve();
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      let chunk = this.takeChunk();
      if (this.settings.outbox) chunk = await this.divertToOutbox(this.settings.outbox, chunk);
      if (chunk.length === 0) continue;
      try {
        const metadata = await this.producer.send({
          topic: this.destination,
          acks: this.settings.acks,
          compression: toKafkajsCompression(this.settings.compression),
          messages: chunk.map((pending) => pending.message),
        });
        this.settle(chunk, metadata);
      } catch (error) {
        if (this.settings.outbox?.takesOver(error)) {
          this.settings.outbox.markUnreachable();
          this.store(this.settings.outbox, chunk);
          continue;
        }
        const failure = this.settings.toError(error);
        for (const pending of chunk) pending.reject(failure);
      }
    }
  }

  /** Stores what must queue behind stored records (or cannot reach the cluster); returns what may be sent now. */
  private async divertToOutbox(outbox: Outbox, chunk: Pending[]): Promise<Pending[]> {
    try {
      await outbox.ready();
    } catch (error) {
      if (!outbox.takesOver(error)) {
        const failure = this.settings.toError(error);
        for (const pending of chunk) pending.reject(failure);
        return [];
      }
      outbox.markUnreachable();
    }
    const held: Pending[] = [];
    const free: Pending[] = [];
    for (const pending of chunk) (outbox.mustStore(pending.record) ? held : free).push(pending);
    if (held.length > 0) this.store(outbox, held);
    return free;
  }

  private store(outbox: Outbox, chunk: Pending[]): void {
    try {
      outbox.storeRecords(chunk.map((pending) => pending.record));
    } catch (error) {
      for (const pending of chunk) pending.reject(error);
      return;
    }
    for (const pending of chunk) {
      pending.resolve({ topic: this.destination, partition: pending.record.partition ?? -1, offset: -1, outcome: 'stored' });
    }
  }

  /** Forwards stored records (the outbox's transport): one request, acknowledged by all in-sync replicas. */
  async sendStored(records: OutboundRecord[]): Promise<Array<{ partition: number; offset: number }>> {
    const metadata = await this.producer.send({
      topic: this.destination,
      acks: -1,
      compression: toKafkajsCompression(this.settings.compression),
      messages: records.map((record) => ({
        key: record.key ?? null,
        value: record.value,
        headers: toKafkajsHeaders(record.headers),
        partition: record.partition,
        timestamp: record.timestamp === undefined ? undefined : String(record.timestamp),
      })),
    });
    return metadata.map((m) => ({ partition: m.partition, offset: Number(m.baseOffset ?? -1) })).filter((m) => m.offset >= 0);
  }

  /** Up to MAX_REQUEST_BYTES (at least one record): kafkajs sends one request per leader per call. */
  private takeChunk(): Pending[] {
    let bytes = 0;
    let count = 0;
    while (count < this.queue.length && (count === 0 || bytes + this.queue[count].size <= MAX_REQUEST_BYTES)) {
      bytes += this.queue[count].size;
      count++;
    }
    return this.queue.splice(0, count);
  }

  /** Offsets: a partition's records of one request are contiguous from its baseOffset, in send order. */
  private settle(chunk: Pending[], metadata: { partition: number; baseOffset?: string }[]): void {
    const baseOffsets = new Map(metadata.map((m) => [m.partition, Number(m.baseOffset ?? -1)]));
    const seen = new Map<number, number>();
    for (const pending of chunk) {
      const partition = this.choices.partitionOf(pending.message) ?? pending.message.partition ?? -1;
      const index = seen.get(partition) ?? 0;
      seen.set(partition, index + 1);
      const base = baseOffsets.get(partition) ?? -1;
      const result: SendResult = { topic: this.destination, partition, offset: base >= 0 ? base + index : -1 };
      if (this.settings.outbox) result.outcome = 'delivered';
      pending.resolve(result);
    }
  }
}
