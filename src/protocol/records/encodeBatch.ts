/**
 * RecordBatch v2 encoder (Kafka's DefaultRecordBatch, magic 2):
 *
 *   RecordBatch =>
 *     baseOffset: INT64
 *     batchLength: INT32            bytes after this field
 *     partitionLeaderEpoch: INT32
 *     magic: INT8                   2
 *     crc: UINT32                   CRC-32C of attributes .. end of batch
 *     attributes: INT16             bits 0-2 codec, 3 timestampType, 4 isTransactional, 5 isControl
 *     lastOffsetDelta: INT32
 *     baseTimestamp: INT64
 *     maxTimestamp: INT64
 *     producerId: INT64
 *     producerEpoch: INT16
 *     baseSequence: INT32
 *     recordsCount: INT32
 *     records: Record[recordsCount] (see recordCodec.ts), compressed as one block when a codec is set
 *
 * The records are sized first, then written once into a buffer of the exact size; the CRC is
 * computed once over the finished bytes.
 */
import { compress, compressSync } from '../compression';
import { ByteWriter } from '../primitives';
import { crc32c } from '../crc32c';
import { ATTR, BATCH } from './batchHeader';
import { recordBodySize, sizeOfVarint, writeRecordFields } from './recordCodec';
import { Utf8Lengths } from '../primitives/utf8';
import { CompressionType, TimestampType, type RecordBatchHeaderFields, type RecordBatchInput, type RecordInput } from './types';

interface PlannedBatch {
  baseTimestamp: number;
  maxTimestamp: number;
  lastOffsetDelta: number;
  /** Body size of each record, so the length prefix is known before writing. */
  bodySizes: Int32Array;
  recordsSize: number;
}

function timestampOf(r: RecordInput, baseTimestamp: number): number {
  return r.timestamp ?? baseTimestamp;
}

function plan(input: RecordBatchInput): PlannedBatch {
  const records = input.records;
  const n = records.length;
  const baseTimestamp = input.baseTimestamp ?? (n > 0 ? records[0].timestamp : undefined) ?? Date.now();
  const bodySizes = new Int32Array(n);
  let recordsSize = 0;
  let maxTimestamp = n > 0 ? -Infinity : baseTimestamp;
  const lengths = new Utf8Lengths();
  for (let i = 0; i < n; i++) {
    const r = records[i];
    const ts = timestampOf(r, baseTimestamp);
    if (ts > maxTimestamp) maxTimestamp = ts;
    const body = recordBodySize(ts - baseTimestamp, r.offsetDelta ?? i, r.key ?? null, r.value ?? null, r.headers, lengths);
    bodySizes[i] = body;
    recordsSize += sizeOfVarint(body) + body;
  }
  const lastOffsetDelta = input.lastOffsetDelta ?? (n > 0 ? (records[n - 1].offsetDelta ?? n - 1) : 0);
  return { baseTimestamp, maxTimestamp: input.maxTimestamp ?? maxTimestamp, lastOffsetDelta, bodySizes, recordsSize };
}

function writeRecords(w: ByteWriter, input: RecordBatchInput, p: PlannedBatch): void {
  const records = input.records;
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    w.varint(p.bodySizes[i]);
    writeRecordFields(w, timestampOf(r, p.baseTimestamp) - p.baseTimestamp, r.offsetDelta ?? i, r.key ?? null, r.value ?? null, r.headers);
  }
}

/** The attributes field of a batch with these settings. */
export function attributesOf(input: Pick<RecordBatchInput, 'compression' | 'timestampType' | 'isTransactional' | 'isControl'>): number {
  let a = (input.compression ?? CompressionType.None) & ATTR.COMPRESSION_MASK;
  if (input.timestampType === TimestampType.LogAppendTime) a |= ATTR.TIMESTAMP_TYPE_LOG_APPEND;
  if (input.isTransactional === true) a |= ATTR.TRANSACTIONAL;
  if (input.isControl === true) a |= ATTR.CONTROL;
  return a;
}

function writeInt64(buf: Buffer, at: number, v: number): void {
  const hi = Math.floor(v / 0x100000000);
  buf.writeInt32BE(hi, at);
  buf.writeUInt32BE(v - hi * 0x100000000, at + 4);
}

/**
 * Every header field but the length and the CRC, which follow from the bytes: the decoded
 * fields with the attribute flags as their encoded int16 (see attributesOf).
 */
export type BatchHeaderFields = Omit<RecordBatchHeaderFields, 'compression' | 'timestampType' | 'isTransactional' | 'isControl'> & {
  attributes: number;
  recordsCount: number;
};

/** Fills the 61-byte header of a batch whose records already follow it, then its CRC. */
export function writeBatchHeader(batch: Buffer, h: BatchHeaderFields): Buffer {
  writeInt64(batch, BATCH.BASE_OFFSET, h.baseOffset);
  batch.writeInt32BE(batch.length - BATCH.LOG_OVERHEAD, BATCH.BATCH_LENGTH);
  batch.writeInt32BE(h.partitionLeaderEpoch, BATCH.PARTITION_LEADER_EPOCH);
  batch.writeInt8(2, BATCH.MAGIC);
  batch.writeInt16BE(h.attributes, BATCH.ATTRIBUTES);
  batch.writeInt32BE(h.lastOffsetDelta, BATCH.LAST_OFFSET_DELTA);
  writeInt64(batch, BATCH.BASE_TIMESTAMP, h.baseTimestamp);
  writeInt64(batch, BATCH.MAX_TIMESTAMP, h.maxTimestamp);
  writeInt64(batch, BATCH.PRODUCER_ID, h.producerId);
  batch.writeInt16BE(h.producerEpoch, BATCH.PRODUCER_EPOCH);
  batch.writeInt32BE(h.baseSequence, BATCH.BASE_SEQUENCE);
  batch.writeInt32BE(h.recordsCount, BATCH.RECORDS_COUNT);
  batch.writeUInt32BE(crc32c(batch.subarray(BATCH.CRC_START)), BATCH.CRC);
  return batch;
}

function finishHeader(batch: Buffer, input: RecordBatchInput, p: PlannedBatch): Buffer {
  return writeBatchHeader(batch, {
    baseOffset: input.baseOffset ?? 0,
    partitionLeaderEpoch: input.partitionLeaderEpoch ?? -1,
    attributes: attributesOf(input),
    lastOffsetDelta: p.lastOffsetDelta,
    baseTimestamp: p.baseTimestamp,
    maxTimestamp: p.maxTimestamp,
    producerId: input.producerId ?? -1,
    producerEpoch: input.producerEpoch ?? -1,
    baseSequence: input.baseSequence ?? -1,
    recordsCount: input.records.length,
  });
}

function encodeUncompressed(input: RecordBatchInput, p: PlannedBatch): Buffer {
  const w = new ByteWriter(BATCH.HEADER_SIZE + p.recordsSize);
  w.reserve(BATCH.HEADER_SIZE);
  writeRecords(w, input, p);
  return finishHeader(w.toBuffer(), input, p);
}

function encodePayload(input: RecordBatchInput, p: PlannedBatch): Buffer {
  const w = new ByteWriter(p.recordsSize);
  writeRecords(w, input, p);
  return w.toBuffer();
}

function assemble(compressed: Buffer, input: RecordBatchInput, p: PlannedBatch): Buffer {
  const batch = Buffer.allocUnsafe(BATCH.HEADER_SIZE + compressed.length);
  compressed.copy(batch, BATCH.HEADER_SIZE);
  return finishHeader(batch, input, p);
}

/** Encodes one RecordBatch v2 with any codec; compression runs off the event loop. */
export async function encodeRecordBatch(input: RecordBatchInput): Promise<Buffer> {
  const p = plan(input);
  const codec = input.compression ?? CompressionType.None;
  if (codec === CompressionType.None) return encodeUncompressed(input, p);
  const compressed = await compress(codec, encodePayload(input, p), { level: input.compressionLevel });
  return assemble(compressed, input, p);
}

/**
 * Encodes one RecordBatch v2 on the calling thread: codecs none, gzip, snappy and lz4.
 * zstd throws SyncCompressionUnavailableError (use encodeRecordBatch).
 */
export function encodeRecordBatchSync(input: RecordBatchInput): Buffer {
  const p = plan(input);
  const codec = input.compression ?? CompressionType.None;
  if (codec === CompressionType.None) return encodeUncompressed(input, p);
  const compressed = compressSync(codec, encodePayload(input, p), { level: input.compressionLevel });
  return assemble(compressed, input, p);
}
