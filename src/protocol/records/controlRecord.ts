/**
 * Transaction markers (Kafka's EndTransactionMarker): a control batch with one record whose key is
 * (version: int16 = 0, type: int16: 0 ABORT, 1 COMMIT) and whose value is
 * (version: int16 = 0, coordinatorEpoch: int32). Written by the transaction coordinator, never by clients.
 */
import { ByteReader, ByteWriter } from '../primitives';
import { BATCH, type BatchHeaderView } from './batchHeader';
import { encodeRecordBatchSync } from './encodeBatch';

export const ControlRecordType = { ABORT: 0, COMMIT: 1 } as const;
export type ControlRecordType = (typeof ControlRecordType)[keyof typeof ControlRecordType];

export interface TxnMarker {
  producerId: number;
  producerEpoch: number;
  commit: boolean;
  coordinatorEpoch?: number;
  timestamp?: number;
}

/** One control batch holding the marker, ready to append (offset 0, rewritten by the log). */
export function encodeTxnMarkerBatch(marker: TxnMarker): Buffer {
  const key = new ByteWriter(4).int16(0).int16(marker.commit ? ControlRecordType.COMMIT : ControlRecordType.ABORT).toBufferCopy();
  const value = new ByteWriter(6).int16(0).int32(marker.coordinatorEpoch ?? 0).toBufferCopy();
  const timestamp = marker.timestamp ?? Date.now();
  return encodeRecordBatchSync({
    records: [{ key, value, timestamp }],
    producerId: marker.producerId,
    producerEpoch: marker.producerEpoch,
    baseSequence: -1,
    isTransactional: true,
    isControl: true,
  });
}

/**
 * The marker type of a stored control batch, read in place (control batches are never compressed),
 * or null when its first record's key is not a control key.
 */
export function controlRecordType(view: BatchHeaderView): ControlRecordType | null {
  const r = new ByteReader(view.buf, view.at + BATCH.HEADER_SIZE, view.at + view.sizeInBytes);
  r.varint(); // record length
  r.int8(); // attributes
  r.varlong(); // timestamp delta
  r.varint(); // offset delta
  const keyLength = r.varint();
  if (keyLength < 4) return null;
  r.int16(); // version
  const type = r.int16();
  return type === ControlRecordType.ABORT || type === ControlRecordType.COMMIT ? type : null;
}
