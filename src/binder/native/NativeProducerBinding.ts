/**
 * A producer binding of the native binder: the seed's accumulator + sender in one process.
 * send() picks the partition (explicit, murmur2 of the key as Kafka's Java client, or the sticky
 * partition for null keys, which moves on when its batch closes) and appends to the accumulator;
 * the sender closes batches at batchSize or after lingerMs (0 = what arrives in the same tick),
 * encodes them (compressed, with the idempotent producer's id and per-partition sequence) and
 * appends them with broker.produce, one batch in flight per partition so order holds.
 */
import type { Broker } from '../../broker/Broker';
import { ErrorCode, isRetriable } from '../../protocol/errorCodes';
import { partitionForKey } from '../../protocol/murmur2';
import { CompressionType } from '../../protocol/records/types';
import type { OutboundRecord, ProducerBinding, SendResult } from '../Binder';
import { NativeBinderClosedError, NativeBrokerError } from './errors';
import { type Appended, ProducerBatch, RecordAccumulator } from './RecordAccumulator';

export interface NativeProducerSettings {
  compression: CompressionType;
  batchSize: number;
  lingerMs: number;
  idempotent: boolean;
  acks: 0 | 1 | -1;
  /** Attempts per batch for retriable broker errors. */
  attempts: number;
  retryBackoffMs: number;
}

const MAX_SEQUENCE = 0x7fffffff;

export class NativeProducerBinding implements ProducerBinding {
  private readonly accumulator: RecordAccumulator;
  private readonly inFlight = new Set<number>();
  private readonly sequences = new Map<number, number>();
  private readonly outstanding = new Set<Promise<number>>();
  private producerId = -1;
  private producerEpoch = -1;
  private partitionCount: number;
  private sticky = -1;
  private drainScheduled = false;
  private lingerTimer: NodeJS.Timeout | null = null;
  private closed = false;

  private constructor(
    private readonly broker: Broker,
    readonly destination: string,
    partitionCount: number,
    private readonly settings: NativeProducerSettings,
    private readonly onClose: () => void,
  ) {
    this.partitionCount = partitionCount;
    this.accumulator = new RecordAccumulator(settings.batchSize);
  }

  static async create(broker: Broker, destination: string, partitionCount: number, settings: NativeProducerSettings, onClose: () => void): Promise<NativeProducerBinding> {
    const producer = new NativeProducerBinding(broker, destination, partitionCount, settings, onClose);
    if (settings.idempotent) await producer.initProducerId();
    return producer;
  }

  send(record: OutboundRecord): Promise<SendResult> {
    if (this.closed) return Promise.reject(new NativeBinderClosedError(`The producer of '${this.destination}'`));
    const explicit = record.partition;
    if (explicit !== undefined && explicit !== null && (explicit < 0 || explicit >= this.partitionCount)) {
      return this.refreshPartitionCount().then(() => {
        if (explicit < 0 || explicit >= this.partitionCount) {
          throw new NativeBrokerError(`Sending to partition ${explicit} of '${this.destination}'`, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `the topic has ${this.partitionCount} partitions`);
        }
        return this.append(explicit, record);
      });
    }
    return this.append(explicit ?? this.partitionFor(record.key ?? null), record);
  }

  sendMany(records: OutboundRecord[]): Promise<SendResult[]> {
    return Promise.all(records.map((record) => this.send(record)));
  }

  async flush(): Promise<void> {
    this.accumulator.closeAll();
    this.drain();
    while (this.outstanding.size > 0) await Promise.allSettled([...this.outstanding]);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.onClose();
  }

  private append(partition: number, record: OutboundRecord): Promise<SendResult> {
    let appended: Appended;
    try {
      appended = this.accumulator.append(partition, record, record.timestamp ?? Date.now());
    } catch (error) {
      // The record could not be encoded; a batch it made the accumulator close still goes out.
      this.schedule(true);
      return Promise.reject(error);
    }
    const { batch, index } = appended;
    if (index === 0) this.track(batch);
    if (appended.closedBatch && partition === this.sticky) this.sticky = -1;
    this.schedule(appended.closedBatch);
    const topic = this.destination;
    return batch.result.then((baseOffset) => ({ topic, partition, offset: baseOffset + index }));
  }

  private partitionFor(key: Buffer | null): number {
    if (key !== null) return partitionForKey(key, this.partitionCount);
    if (this.sticky < 0 || this.sticky >= this.partitionCount) {
      const previous = this.sticky;
      do this.sticky = Math.floor(Math.random() * this.partitionCount);
      while (this.partitionCount > 1 && this.sticky === previous);
    }
    return this.sticky;
  }

  private track(batch: ProducerBatch): void {
    const result = batch.result;
    this.outstanding.add(result);
    const forget = (): void => void this.outstanding.delete(result);
    result.then(forget, forget);
  }

  private schedule(batchClosed: boolean): void {
    if (this.settings.lingerMs === 0 || batchClosed) {
      if (this.drainScheduled) return;
      this.drainScheduled = true;
      setImmediate(() => {
        this.drainScheduled = false;
        this.drain();
      });
      return;
    }
    if (!this.lingerTimer) {
      this.lingerTimer = setTimeout(() => {
        this.lingerTimer = null;
        this.drain();
      }, this.settings.lingerMs);
    }
  }

  /** Closes batches whose time is up and sends every closed batch whose partition has none in flight. */
  private drain(): void {
    const linger = this.settings.lingerMs;
    if (linger === 0) this.accumulator.closeAll();
    else this.accumulator.closeCreatedBy(Date.now() - linger);
    // Null keys move to another partition once their batch closed (Kafka's sticky partitioner).
    if (this.sticky >= 0 && this.accumulator.readyPartitions().includes(this.sticky)) this.sticky = -1;
    for (const partition of this.accumulator.readyPartitions()) if (!this.inFlight.has(partition)) void this.sendNext(partition);
    const oldest = this.accumulator.oldestOpen();
    if (oldest !== undefined && !this.lingerTimer && linger > 0) {
      this.lingerTimer = setTimeout(() => {
        this.lingerTimer = null;
        this.drain();
      }, Math.max(1, oldest + linger - Date.now()));
    }
  }

  private async sendNext(partition: number): Promise<void> {
    this.inFlight.add(partition);
    try {
      for (let batch = this.accumulator.takeReady(partition); batch; batch = this.accumulator.takeReady(partition)) {
        try {
          batch.resolve(await this.produce(batch));
        } catch (error) {
          batch.reject(error as Error);
        }
      }
    } finally {
      this.inFlight.delete(partition);
    }
  }

  private async produce(batch: ProducerBatch): Promise<number> {
    let bytes = await this.encode(batch);
    for (let attempt = 1; ; attempt++) {
      const response = await this.broker.produce({
        acks: this.settings.acks,
        topics: [{ name: this.destination, partitions: [{ index: batch.partition, records: bytes }] }],
      });
      const result = response.responses[0].partitionResponses[0];
      if (result.errorCode === ErrorCode.NONE) return result.baseOffset;
      const what = `Sending to partition ${batch.partition} of '${this.destination}'`;
      if (result.errorCode === ErrorCode.UNKNOWN_PRODUCER_ID || result.errorCode === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER) {
        // The broker lost our producer state (e.g. a restart): start over as a new producer.
        if (attempt >= this.settings.attempts) throw new NativeBrokerError(what, result.errorCode, result.errorMessage);
        await this.initProducerId();
        this.sequences.clear();
        bytes = await this.encode(batch);
        continue;
      }
      if (!isRetriable(result.errorCode) || attempt >= this.settings.attempts || this.broker.isClosed) {
        throw new NativeBrokerError(what, result.errorCode, result.errorMessage);
      }
      await new Promise((resolve) => setTimeout(resolve, this.settings.retryBackoffMs * 2 ** (attempt - 1)));
    }
  }

  private encode(batch: ProducerBatch): Buffer | Promise<Buffer> {
    let baseSequence = -1;
    if (this.producerId >= 0) {
      baseSequence = this.sequences.get(batch.partition) ?? 0;
      const next = baseSequence + batch.recordCount;
      this.sequences.set(batch.partition, next > MAX_SEQUENCE ? next - MAX_SEQUENCE - 1 : next);
    }
    const options = {
      compression: this.settings.compression,
      producerId: this.producerId,
      producerEpoch: this.producerEpoch,
      baseSequence,
    };
    // zstd has no synchronous binding; the other codecs are quick enough for the event loop.
    return this.settings.compression === CompressionType.Zstd ? batch.builder.buildAsync(options) : batch.builder.build(options);
  }

  private async initProducerId(): Promise<void> {
    const response = await this.broker.initProducerId({ producerId: this.producerId, producerEpoch: this.producerEpoch });
    if (response.errorCode !== ErrorCode.NONE) {
      throw new NativeBrokerError(`Registering the idempotent producer of '${this.destination}'`, response.errorCode, response.errorMessage);
    }
    this.producerId = response.producerId;
    this.producerEpoch = response.producerEpoch;
  }

  private async refreshPartitionCount(): Promise<void> {
    const metadata = await this.broker.metadata({ topics: [{ name: this.destination }], allowAutoTopicCreation: false });
    const topic = metadata.topics.find((t) => t.name === this.destination);
    if (topic && topic.errorCode === ErrorCode.NONE) this.partitionCount = topic.partitions.length;
  }
}
