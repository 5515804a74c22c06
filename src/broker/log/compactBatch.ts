import { decodeRecordBatch, encodeRecordBatch, type RecordBatch } from '../../protocol/records';
import { TimestampType } from '../../protocol/records/types';

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

/** Adds every keyed record of one stored batch to the offset map (later offsets win). */
export async function addToOffsetMap(map: OffsetMap, batch: Buffer): Promise<void> {
  const decoded = await decodeRecordBatch(batch);
  if (decoded.isControl) return;
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
