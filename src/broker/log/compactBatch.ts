import { decodeRecordBatch, decodeRecordBatchSync, encodeRecordBatch, encodeRecordBatchSync, type RecordBatch } from '../../protocol/records';
import { ATTR, BATCH, BatchHeaderView } from '../../protocol/records/batchHeader';
import { TimestampType } from '../../protocol/records/types';
import type { CleanedTransactionMetadata } from './CleanedTransactionMetadata';

/** Which records of the log are the latest for their key: key (latin1) → offset. */
export type OffsetMap = Map<string, number>;

export interface RetainDecision {
  /** The offset map (latest offset per key), built over the segments being cleaned. */
  latest: OffsetMap;
  /** Tombstones (null value) with a timestamp below this are dropped. */
  tombstoneHorizonMs: number;
}

export function keyOf(key: Buffer): string {
  return key.toString('latin1');
}

/**
 * Adds every keyed record of one stored batch to the offset map (later offsets win). Records of
 * aborted transactions are left out, so they never shadow a committed value of their key.
 */
export async function addToOffsetMap(map: OffsetMap, batch: Buffer, txns: CleanedTransactionMetadata): Promise<void> {
  const view = new BatchHeaderView(batch);
  if (view.isControl) {
    txns.onControlBatchRead(view);
    return;
  }
  if (txns.onBatchRead(view)) return;
  const decoded = await decodeRecordBatch(batch);
  for (const r of decoded.records) if (r.key !== null) map.set(keyOf(r.key), r.offset);
}

export interface CompactedBatch {
  /** The batch to keep (the stored bytes when nothing was removed), or null when nothing is left. */
  bytes: Buffer | null;
  removedRecords: number;
}

/**
 * Kafka's MemoryRecords.filterTo for one batch: keeps the records that are the latest for their
 * key (and not expired tombstones); keyless records and control batches are kept. A batch that
 * keeps everything is returned untouched; otherwise it is re-encoded with its original base
 * offset, last offset delta, codec and producer fields, so every kept record keeps its offset.
 */
export async function compactBatch(stored: Buffer, decision: RetainDecision): Promise<CompactedBatch> {
  const batch = await decodeRecordBatch(stored);
  if (batch.isControl) return { bytes: stored, removedRecords: 0 };
  const kept = batch.records.filter((r) => {
    if (r.key === null) return true;
    if (decision.latest.get(keyOf(r.key)) !== r.offset) return false;
    return r.value !== null || r.timestamp >= decision.tombstoneHorizonMs;
  });
  const removedRecords = batch.records.length - kept.length;
  if (removedRecords === 0) return { bytes: stored, removedRecords };
  if (kept.length === 0) return { bytes: null, removedRecords };
  return { bytes: await reencode(batch, kept), removedRecords };
}

function reencode(batch: RecordBatch, kept: RecordBatch['records']): Promise<Buffer> {
  const logAppendTime = batch.timestampType === TimestampType.LogAppendTime;
  return encodeRecordBatch({
    records: kept.map((r) => ({
      key: r.key,
      value: r.value,
      headers: r.headers,
      timestamp: r.timestamp,
      offsetDelta: r.offset - batch.baseOffset,
    })),
    baseOffset: batch.baseOffset,
    baseTimestamp: batch.baseTimestamp,
    maxTimestamp: logAppendTime ? batch.maxTimestamp : undefined,
    lastOffsetDelta: batch.lastOffsetDelta,
    compression: batch.compression,
    timestampType: batch.timestampType,
    producerId: batch.producerId,
    producerEpoch: batch.producerEpoch,
    baseSequence: batch.baseSequence,
    partitionLeaderEpoch: batch.partitionLeaderEpoch,
    isTransactional: batch.isTransactional,
    isControl: batch.isControl,
  });
}

/** The delete horizon a cleaner set on a batch (Kafka's deleteHorizonMs, KIP-534), or null. */
export function deleteHorizonOf(view: BatchHeaderView): number | null {
  return (view.attributes & ATTR.DELETE_HORIZON) !== 0 ? view.baseTimestamp : null;
}

/**
 * A transaction marker whose transaction has no data left, stamped with the time after which the
 * cleaner removes it: the horizon becomes the base timestamp with the delete-horizon attribute
 * set, the record keeping its own timestamp (as Kafka's MemoryRecordsBuilder writes it).
 */
export function withDeleteHorizon(stored: Buffer, horizonMs: number): Buffer {
  const batch = decodeRecordBatchSync(stored);
  const out = encodeRecordBatchSync({
    records: batch.records.map((r) => ({ key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp, offsetDelta: r.offset - batch.baseOffset })),
    baseOffset: batch.baseOffset,
    baseTimestamp: horizonMs,
    maxTimestamp: batch.maxTimestamp,
    lastOffsetDelta: batch.lastOffsetDelta,
    timestampType: batch.timestampType,
    producerId: batch.producerId,
    producerEpoch: batch.producerEpoch,
    baseSequence: batch.baseSequence,
    partitionLeaderEpoch: batch.partitionLeaderEpoch,
    isTransactional: batch.isTransactional,
    isControl: batch.isControl,
  });
  out.writeInt16BE(out.readInt16BE(BATCH.ATTRIBUTES) | ATTR.DELETE_HORIZON, BATCH.ATTRIBUTES);
  new BatchHeaderView(out).updateCrc();
  return out;
}
