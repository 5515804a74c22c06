/**
 * Turns the stored batches of one fetched partition into InboundRecords: control batches are
 * skipped, and so are records below the fetch offset (a fetch returns whole batches, so the first
 * may start before the position). For a read_committed fetch, the records of the aborted
 * transactions the broker listed are dropped as Kafka's consumer drops them: a producer's
 * transactional batches from the aborted transaction's first offset up to its ABORT marker.
 */
import { ATTR, BATCH, BatchHeaderView } from '../../protocol/records/batchHeader';
import { controlRecordType, ControlRecordType } from '../../protocol/records/controlRecord';
import { decodeTopicPartitionBatch, decodeTopicPartitionBatchSync, type TopicPartitionRecord } from '../../protocol/records/decodeBatch';
import type { RecordSet } from '../../protocol/messages/schemaTypes';
import type { FetchedRecord } from '../../protocol/records/FetchedRecord';
import { HeaderTextReader } from '../../protocol/records/HeaderTextReader';
import { completeBatchSize } from '../../protocol/records/validate';
import { CompressionType } from '../../protocol/records/types';
import type { InboundRecord } from '../Binder';

export interface DecodedPartition {
  records: InboundRecord[];
  /** Offset after the last batch read (past control batches too): where the next fetch starts when nothing is delivered. */
  nextOffset: number;
}

/** The aborted transactions a read_committed fetch answered, and the producers inside one at this point of the read. */
class AbortedFilter {
  private readonly pending: { producerId: number; firstOffset: number }[];
  private readonly open = new Set<number>();

  constructor(aborted: { producerId: number; firstOffset: number }[]) {
    this.pending = [...aborted].sort((a, b) => a.firstOffset - b.firstOffset);
  }

  /** Whether the batch at `at` is to be skipped (a control batch is always skipped; an ABORT one closes its transaction). */
  skips(bytes: Buffer, at: number, lastOffset: number): boolean {
    while (this.pending.length > 0 && this.pending[0].firstOffset <= lastOffset) this.open.add(this.pending.shift()!.producerId);
    const view = new BatchHeaderView(bytes, at);
    if (view.isControl) {
      if (controlRecordType(view) === ControlRecordType.ABORT) this.open.delete(view.producerId);
      return true;
    }
    return view.isTransactional && this.open.has(view.producerId);
  }
}

export async function decodeFetched(
  topic: string,
  partition: number,
  set: RecordSet,
  fetchOffset: number,
  abortedTransactions?: { producerId: number; firstOffset: number }[] | null,
): Promise<DecodedPartition> {
  const out: DecodedPartition = { records: [], nextOffset: fetchOffset };
  // One header-text reader for every batch of the partition's answer: its caches span them.
  const origin = { topic, partition, headerTexts: new HeaderTextReader() };
  const filter = abortedTransactions && abortedTransactions.length > 0 ? new AbortedFilter(abortedTransactions) : null;
  if (Buffer.isBuffer(set)) await decodePiece(set, origin, fetchOffset, out, filter);
  else for (const piece of set) await decodePiece(piece, origin, fetchOffset, out, filter);
  return out;
}

/** Adds the records of one piece of whole batches to `out`. */
async function decodePiece(bytes: Buffer, origin: { topic: string; partition: number }, fetchOffset: number, out: DecodedPartition, filter: AbortedFilter | null): Promise<void> {
  const records = out.records;
  let nextOffset = out.nextOffset;
  let at = 0;
  for (;;) {
    const size = completeBatchSize(bytes, at);
    if (size === null) break;
    const attributes = bytes.readInt16BE(at + BATCH.ATTRIBUTES);
    const lastOffset = readOffset(bytes, at) + bytes.readInt32BE(at + BATCH.LAST_OFFSET_DELTA);
    const skipped = filter !== null && filter.skips(bytes, at, lastOffset);
    if (lastOffset >= fetchOffset && (attributes & ATTR.CONTROL) === 0 && !skipped) {
      const slice = bytes.subarray(at, at + size);
      // zstd has only an asynchronous binding; every other codec decodes in place.
      const decoded: TopicPartitionRecord[] =
        (attributes & ATTR.COMPRESSION_MASK) === CompressionType.Zstd
          ? (await decodeTopicPartitionBatch(slice, origin)).records
          : decodeTopicPartitionBatchSync(slice, origin).records;
      // The decoded records are the inbound ones (no copy per record on the hot path): read with
      // an origin, each is a FetchedRecord, which finds a header's text in the batch bytes.
      for (let i = 0; i < decoded.length; i++) {
        const r = decoded[i] as FetchedRecord;
        if (r.offset < fetchOffset) continue;
        records.push(r);
        nextOffset = r.offset + 1;
      }
    }
    nextOffset = Math.max(nextOffset, lastOffset + 1);
    at += size;
  }
  out.nextOffset = nextOffset;
}

function readOffset(buf: Buffer, at: number): number {
  return buf.readInt32BE(at + BATCH.BASE_OFFSET) * 0x100000000 + buf.readUInt32BE(at + BATCH.BASE_OFFSET + 4);
}
