/**
 * The delivery loop every binder's consumer member runs over the records it fetched of one
 * partition: chunks of at most maxBatchRecords go to the handler one after the other. A chunk the
 * handler sought in, or failed on, ends the delivery: the partition continues from the offset the
 * handler sought, else from the failed chunk's first record (the runtime's listener container owns
 * retries; the binder only delivers again).
 */
import type { BatchHandler, ConsumerSession, InboundBatch, InboundRecord } from '../Binder';
import type { IdleWatch } from './IdleWatch';
import type { SeekRequests } from './SeekRequests';

export interface ChunkDelivery {
  readonly handler: BatchHandler;
  readonly session: ConsumerSession;
  readonly seeks: SeekRequests;
  readonly maxBatchRecords: number;
  /** The member's idle event, when the binding asked for one: told of every delivery. */
  readonly idle: IdleWatch | null;
  /** Checked before each chunk: false (stopping, revoked, paused, rebalancing) ends the delivery. */
  canDeliver(key: string): boolean;
  /** A chunk was handled and nothing sought: the partition's position moves to `nextOffset`. */
  handled(topic: string, partition: number, nextOffset: number): void;
  /** After a handler failure was reported: what the member waits before fetching again. */
  afterFailure(): Promise<void>;
  reportError(message: string, error: unknown): void;
}

/**
 * Hands `records` (of one partition, in offset order) to the handler. Resolves to undefined when
 * every record was handled, else to the offset the partition continues from.
 */
export async function deliverInChunks(
  topic: string,
  partition: number,
  key: string,
  records: InboundRecord[],
  highWatermark: number,
  delivery: ChunkDelivery,
): Promise<number | undefined> {
  const size = delivery.maxBatchRecords;
  const seeks = delivery.seeks;
  for (let start = 0; start < records.length; start += size) {
    // Mostly the whole fetch fits one chunk: no copy of the array then.
    const chunk = start === 0 && records.length <= size ? records : records.slice(start, start + size);
    if (seeks.has(key) || !delivery.canDeliver(key)) return seeks.take(key) ?? chunk[0].offset;
    const batch: InboundBatch = { topic, partition, records: chunk, highWatermark };
    seeks.delivering = key;
    delivery.idle?.delivered();
    try {
      await delivery.handler(batch, delivery.session);
    } catch (error) {
      // From where the handler sought (the record that failed), else from the chunk's first record.
      if (!seeks.has(key)) seeks.set(key, chunk[0].offset);
      delivery.reportError(`handler failed on ${topic}-${partition}; delivering again from ${seeks.get(key)}`, error);
      await delivery.afterFailure();
    } finally {
      seeks.delivering = null;
    }
    const target = seeks.take(key);
    if (target !== undefined) return target;
    delivery.handled(topic, partition, chunk[chunk.length - 1].offset + 1);
  }
  return undefined;
}
