/**
 * The producer's accumulator: one queue of record batches per partition. Records are encoded into
 * the partition's open batch as they arrive (RecordBatchBuilder); a batch closes when the next
 * record would push it past `batchSize` bytes (a record larger than that gets a batch of its own),
 * when it reaches `batchSize`, or when the sender closes it after lingering. Closed batches wait,
 * in order, for the sender.
 */
import { utf8Length } from '../../protocol/primitives/utf8';
import { RecordBatchBuilder } from '../../protocol/records/RecordBatchBuilder';
import type { RecordInput } from '../../protocol/records/types';

/** RecordBatch v2 header bytes. */
export const BATCH_HEADER_BYTES = 61;
/** Upper bound of a record's varint framing (length, attributes, deltas, key/value lengths, header count). */
const RECORD_FRAMING_BYTES = 21;

export function estimateRecordBytes(record: RecordInput): number {
  let bytes = RECORD_FRAMING_BYTES + (record.key?.length ?? 0) + (record.value?.length ?? 0);
  const headers = record.headers;
  if (headers) for (let i = 0; i < headers.length; i++) bytes += 10 + utf8Length(headers[i].key) + (headers[i].value?.length ?? 0);
  return bytes;
}

/**
 * A batch's buffer starts at batchSize up to this, and grows past it only when records arrive:
 * with a large batchSize, a producer that sends a record at a time does not take a large buffer
 * per record.
 */
const MAX_INITIAL_BATCH_CAPACITY = 64 * 1024;

export class ProducerBatch {
  /** The records, encoded as they were appended. */
  readonly builder: RecordBatchBuilder;
  /** Estimated size (an upper bound): what batchSize is compared with. */
  bytes = BATCH_HEADER_BYTES;
  closed = false;
  /** Resolves with the offset the broker gave the first record, or rejects with the send error. */
  readonly result: Promise<number>;
  resolve!: (baseOffset: number) => void;
  reject!: (error: Error) => void;

  constructor(
    readonly partition: number,
    readonly createdAt: number,
    batchSize: number,
  ) {
    this.builder = new RecordBatchBuilder(Math.min(batchSize, MAX_INITIAL_BATCH_CAPACITY));
    this.result = new Promise<number>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // Callers attach to `result` per record; an unobserved rejection must not crash the process.
    this.result.catch(() => undefined);
  }

  get recordCount(): number {
    return this.builder.recordCount;
  }
}

interface PartitionQueue {
  open: ProducerBatch | null;
  ready: ProducerBatch[];
}

export interface Appended {
  batch: ProducerBatch;
  /** Position of the record in its batch: its offset is the batch's base offset plus this. */
  index: number;
  /** Whether this append closed a batch (the sender may send it now). */
  closedBatch: boolean;
}

export class RecordAccumulator {
  private readonly queues = new Map<number, PartitionQueue>();

  constructor(
    readonly batchSize: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Encodes the record into its partition's open batch; `timestamp` is its CreateTime. */
  append(partition: number, record: RecordInput, timestamp: number = this.now()): Appended {
    const queue = this.queue(partition);
    const size = estimateRecordBytes(record);
    let closedBatch = false;
    let batch = queue.open;
    if (batch && batch.recordCount > 0 && batch.bytes + size > this.batchSize) {
      this.close(queue);
      closedBatch = true;
      batch = null;
    }
    if (!batch) {
      batch = new ProducerBatch(partition, this.now(), this.batchSize);
      queue.open = batch;
    }
    const index = batch.recordCount;
    try {
      batch.builder.append(record.key ?? null, record.value, record.headers, timestamp);
    } catch (error) {
      // The record is not in any batch; a batch opened for it goes away again.
      if (index === 0) queue.open = null;
      throw error;
    }
    batch.bytes += size;
    if (batch.bytes >= this.batchSize) {
      this.close(queue);
      closedBatch = true;
    }
    return { batch, index, closedBatch };
  }

  /** Closes every open batch (flush, lingerMs 0). */
  closeAll(): void {
    for (const queue of this.queues.values()) if (queue.open) this.close(queue);
  }

  /** Closes open batches created at or before `createdBy` (their linger time is over). */
  closeCreatedBy(createdBy: number): void {
    for (const queue of this.queues.values()) if (queue.open && queue.open.createdAt <= createdBy) this.close(queue);
  }

  /** Creation time of the oldest open batch, or undefined when none is open. */
  oldestOpen(): number | undefined {
    let oldest: number | undefined;
    for (const queue of this.queues.values()) {
      if (queue.open && (oldest === undefined || queue.open.createdAt < oldest)) oldest = queue.open.createdAt;
    }
    return oldest;
  }

  /** Partitions with a closed batch waiting. */
  readyPartitions(): number[] {
    const out: number[] = [];
    for (const [partition, queue] of this.queues) if (queue.ready.length > 0) out.push(partition);
    return out;
  }

  /** The oldest closed batch of a partition, removed from the queue. */
  takeReady(partition: number): ProducerBatch | undefined {
    return this.queues.get(partition)?.ready.shift();
  }

  /** Whether any record is still in an open or closed batch. */
  hasPending(): boolean {
    for (const queue of this.queues.values()) if (queue.open || queue.ready.length > 0) return true;
    return false;
  }

  private queue(partition: number): PartitionQueue {
    let queue = this.queues.get(partition);
    if (!queue) {
      queue = { open: null, ready: [] };
      this.queues.set(partition, queue);
    }
    return queue;
  }

  private close(queue: PartitionQueue): void {
    const batch = queue.open!;
    batch.closed = true;
    queue.ready.push(batch);
    queue.open = null;
  }
}
