/**
 * Idempotent-producer state of one partition (Kafka's ProducerStateManager; open transactions are in log/PartitionTransactions):
 * per producer id the current epoch and the metadata of its last 5 appended batches, so a retried
 * batch is recognised and answered with its original offset, and a gap or a stale epoch is refused.
 */
import { ErrorCode } from '../../protocol/errorCodes';
import { BrokerRequestError } from '../BrokerRequestError';

/** Kafka keeps this many batches per producer (max.in.flight.requests.per.connection ≤ 5). */
export const BATCHES_PER_PRODUCER = 5;
const INT32_MAX = 2147483647;

export interface BatchMetadata {
  firstSeq: number;
  lastSeq: number;
  firstOffset: number;
  lastOffset: number;
  maxTimestamp: number;
}

export interface ProducerEntry {
  producerId: number;
  epoch: number;
  /** Oldest first, at most BATCHES_PER_PRODUCER. */
  batches: BatchMetadata[];
}

export interface IncomingBatch {
  producerId: number;
  epoch: number;
  firstSeq: number;
  lastSeq: number;
}

export type SequenceCheck = { kind: 'append' } | { kind: 'duplicate'; original: BatchMetadata };

function nextSeq(seq: number): number {
  return seq === INT32_MAX ? 0 : seq + 1;
}

export function lastSequence(baseSequence: number, lastOffsetDelta: number): number {
  const last = baseSequence + lastOffsetDelta;
  return last > INT32_MAX ? last - INT32_MAX - 1 : last;
}

export class ProducerStateManager {
  private readonly producers = new Map<number, ProducerEntry>();

  get size(): number {
    return this.producers.size;
  }

  entry(producerId: number): ProducerEntry | undefined {
    return this.producers.get(producerId);
  }

  entries(): ProducerEntry[] {
    return [...this.producers.values()];
  }

  /**
   * Decides what to do with a batch: append it, or answer it as a duplicate. Throws
   * INVALID_PRODUCER_EPOCH for a fenced epoch and OUT_OF_ORDER_SEQUENCE_NUMBER for a gap.
   * `pending` holds batches of the same request already accepted but not yet appended.
   */
  check(batch: IncomingBatch, pending?: BatchMetadata[]): SequenceCheck {
    const current = this.producers.get(batch.producerId);
    if (!current) {
      // No state for this producer on this partition: only the start of a sequence is acceptable,
      // anything else means batches before it were lost.
      if (batch.firstSeq !== 0 && !pending?.length) {
        throw new BrokerRequestError(
          ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
          `Producer ${batch.producerId} is unknown on this partition and its first batch has sequence ${batch.firstSeq}, expected 0`,
        );
      }
      return this.inSequence(batch, pending, undefined);
    }
    if (batch.epoch < current.epoch) {
      throw new BrokerRequestError(
        ErrorCode.INVALID_PRODUCER_EPOCH,
        `Producer ${batch.producerId} epoch ${batch.epoch} is older than the current epoch ${current.epoch}: this producer was fenced by a newer instance`,
      );
    }
    if (batch.epoch > current.epoch) {
      if (batch.firstSeq !== 0 && !pending?.length) {
        throw new BrokerRequestError(
          ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
          `Producer ${batch.producerId} started epoch ${batch.epoch} with sequence ${batch.firstSeq}, a new epoch must start at 0`,
        );
      }
      return this.inSequence(batch, pending, undefined);
    }
    const duplicate = current.batches.find((b) => b.firstSeq === batch.firstSeq && b.lastSeq === batch.lastSeq);
    if (duplicate) return { kind: 'duplicate', original: duplicate };
    return this.inSequence(batch, pending, current.batches[current.batches.length - 1]);
  }

  private inSequence(batch: IncomingBatch, pending: BatchMetadata[] | undefined, last: BatchMetadata | undefined): SequenceCheck {
    const previous = pending?.length ? pending[pending.length - 1] : last;
    if (previous && batch.firstSeq !== nextSeq(previous.lastSeq)) {
      throw new BrokerRequestError(
        ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
        `Producer ${batch.producerId} sent sequence ${batch.firstSeq} but ${nextSeq(previous.lastSeq)} was expected (last appended ${previous.lastSeq})`,
      );
    }
    return { kind: 'append' };
  }

  /** Records an appended batch (after the log accepted it, or when replaying the log). */
  update(producerId: number, epoch: number, meta: BatchMetadata): void {
    let entry = this.producers.get(producerId);
    if (!entry || epoch > entry.epoch) {
      entry = { producerId, epoch, batches: [] };
      this.producers.set(producerId, entry);
    } else if (epoch < entry.epoch) {
      return; // a replayed batch of a fenced epoch says nothing about the current one
    }
    entry.batches.push(meta);
    if (entry.batches.length > BATCHES_PER_PRODUCER) entry.batches.shift();
  }

  /**
   * A transaction marker was appended for this producer: a higher epoch (a fenced or timed-out
   * transaction) becomes current, so batches of the older epoch are refused from now on and the
   * new epoch starts its sequence at 0. A marker of the current epoch leaves the sequence as is.
   */
  markerAppended(producerId: number, epoch: number): void {
    const entry = this.producers.get(producerId);
    if (entry && epoch <= entry.epoch) return;
    this.producers.set(producerId, { producerId, epoch, batches: [] });
  }

  /**
   * Forgets producers whose newest batch timestamp is older than `olderThanMs`
   * (Kafka's producer.id.expiration.ms); returns how many went.
   */
  expire(olderThanMs: number): number {
    let n = 0;
    for (const [id, e] of this.producers) {
      const newest = e.batches.length ? e.batches[e.batches.length - 1].maxTimestamp : -1;
      if (newest < olderThanMs) {
        this.producers.delete(id);
        n++;
      }
    }
    return n;
  }

  /** Forgets every producer (the log was emptied or truncated below the snapshot). */
  clear(): void {
    this.producers.clear();
  }

  toJSON(): ProducerEntry[] {
    return this.entries();
  }

  load(entries: ProducerEntry[]): void {
    this.producers.clear();
    for (const e of entries) this.producers.set(e.producerId, { producerId: e.producerId, epoch: e.epoch, batches: e.batches.slice(-BATCHES_PER_PRODUCER) });
  }
}
