/**
 * RecordBatch v2 decoder (grammar in encodeBatch.ts). Every batch is validated first (framing,
 * magic, CRC-32C); records are then read from the batch bytes, or from the decompressed payload.
 * Keys, values and header values are views into those bytes, not copies.
 * With LogAppendTime every record's timestamp is the batch's maxTimestamp, as in Kafka.
 */
import { decompress, decompressSync } from '../compression';
import { ByteReader } from '../primitives';
import { BATCH, type BatchHeaderView } from './batchHeader';
import { CorruptRecordError } from './errors';
import { FetchedRecord, type TopicPartitionRecord } from './FetchedRecord';
import { HeaderTextReader } from './HeaderTextReader';
import { MIN_RECORD_SIZE, readHeaders, readRecordLength, skipHeaders } from './recordCodec';
import { CompressionType, TimestampType, type Record, type RecordBatch, type RecordBatchHeaderFields } from './types';
import { completeBatchSize, validateBatch, type ValidatedBatch } from './validate';

export type { TopicPartitionRecord } from './FetchedRecord';

function headerFields(h: BatchHeaderView): RecordBatchHeaderFields {
  return {
    baseOffset: h.baseOffset,
    partitionLeaderEpoch: h.partitionLeaderEpoch,
    compression: h.compression as CompressionType,
    timestampType: h.isLogAppendTime ? TimestampType.LogAppendTime : TimestampType.CreateTime,
    isTransactional: h.isTransactional,
    isControl: h.isControl,
    lastOffsetDelta: h.lastOffsetDelta,
    baseTimestamp: h.baseTimestamp,
    maxTimestamp: h.maxTimestamp,
    producerId: h.producerId,
    producerEpoch: h.producerEpoch,
    baseSequence: h.baseSequence,
  };
}

/** Where a consumer read a batch from: its records then carry the topic and partition. */
export interface RecordOrigin {
  topic: string;
  partition: number;
  /** Reads the records' header texts; a consumer that keeps one keeps its caches across batches (default: one per decode). */
  headerTexts?: HeaderTextReader;
}

/**
 * The batch's records. With an origin (a consumer's read) each is a FetchedRecord: it carries its
 * topic and partition from the start, and decodes its headers when first asked for.
 */
function readRecords(payload: Buffer, v: ValidatedBatch, fields: RecordBatchHeaderFields, origin: RecordOrigin | null): Record[] {
  const count = v.recordsCount;
  const position = v.header.at;
  if (count > payload.length / MIN_RECORD_SIZE) {
    throw new CorruptRecordError(
      'RECORD_COUNT_MISMATCH',
      position,
      `record batch at byte ${position} says ${count} records but its ${payload.length} payload bytes cannot hold them`,
    );
  }
  const records = new Array<Record>(count);
  const r = new ByteReader(payload);
  const logAppend = fields.timestampType === TimestampType.LogAppendTime;
  const { baseOffset, baseTimestamp, maxTimestamp } = fields;
  const headerTexts = origin === null ? null : (origin.headerTexts ?? new HeaderTextReader());
  let i = 0;
  try {
    for (; i < count; i++) {
      const end = readRecordLength(r);
      r.skip(1); // attributes, unused
      const timestampDelta = r.varlong();
      const offsetDelta = r.varint();
      const key = r.varintBytes();
      const value = r.varintBytes();
      const offset = baseOffset + offsetDelta;
      const timestamp = logAppend ? maxTimestamp : baseTimestamp + timestampDelta;
      if (origin === null) {
        records[i] = { offset, timestamp, key, value, headers: readHeaders(r, end) };
      } else {
        const headersAt = r.offset;
        skipHeaders(r, end);
        records[i] = new FetchedRecord(origin.topic, origin.partition, offset, timestamp, key, value, payload, headersAt, end, headerTexts!);
      }
    }
  } catch (err) {
    throw new CorruptRecordError(
      'RECORD_MALFORMED',
      position,
      `record batch at byte ${position}: record ${i} of ${count} is malformed (${(err as Error).message})`,
    );
  }
  if (r.remaining !== 0) {
    throw new CorruptRecordError(
      'RECORD_COUNT_MISMATCH',
      position,
      `record batch at byte ${position} says ${count} records but ${r.remaining} bytes follow the last of them`,
    );
  }
  return records;
}

function payloadOf(buf: Buffer, v: ValidatedBatch): Buffer {
  const start = v.header.at + BATCH.HEADER_SIZE;
  return buf.subarray(start, v.header.at + v.sizeInBytes);
}

/** Decodes the batch at the start of `buf` on the calling thread; codecs none, gzip, snappy, lz4. */
export function decodeRecordBatchSync(buf: Buffer): RecordBatch {
  return decodeAtSync(buf, 0, null);
}

/** decodeRecordBatchSync for a consumer: the records carry the topic partition they were fetched from. */
export function decodeTopicPartitionBatchSync(buf: Buffer, origin: RecordOrigin): RecordBatch & { records: TopicPartitionRecord[] } {
  return decodeAtSync(buf, 0, origin) as RecordBatch & { records: TopicPartitionRecord[] };
}

/** decodeRecordBatch for a consumer: the records carry the topic partition they were fetched from. */
export async function decodeTopicPartitionBatch(buf: Buffer, origin: RecordOrigin): Promise<RecordBatch & { records: TopicPartitionRecord[] }> {
  return (await decodeAt(buf, 0, origin)) as RecordBatch & { records: TopicPartitionRecord[] };
}

function decodeAtSync(buf: Buffer, at: number, origin: RecordOrigin | null): RecordBatch {
  const v = validateBatch(buf, at, { countRecords: false });
  const fields = headerFields(v.header);
  const raw = payloadOf(buf, v);
  // An empty batch has no payload even when its attributes name a codec (Kafka's cleaner keeps such batches).
  const payload = raw.length === 0 ? raw : decompressSync(v.compression, raw);
  return { ...fields, records: readRecords(payload, v, fields, origin) };
}

async function decodeAt(buf: Buffer, at: number, origin: RecordOrigin | null): Promise<RecordBatch> {
  const v = validateBatch(buf, at, { countRecords: false });
  const fields = headerFields(v.header);
  const raw = payloadOf(buf, v);
  const payload = v.compression === CompressionType.None || raw.length === 0 ? raw : await decompress(v.compression, raw);
  return { ...fields, records: readRecords(payload, v, fields, origin) };
}

/**
 * Decodes the batch at the start of `buf` (bytes after it are ignored; see decodeRecordBatches),
 * with any codec. Throws InvalidRecordBatchError, CorruptRecordError or CorruptCompressedDataError.
 */
export function decodeRecordBatch(buf: Buffer): Promise<RecordBatch> {
  return decodeAt(buf, 0, null);
}

/** Decodes every complete batch in `buf` in order; a trailing partial batch is ignored. */
export async function decodeRecordBatches(buf: Buffer): Promise<RecordBatch[]> {
  const batches: RecordBatch[] = [];
  let at = 0;
  for (;;) {
    const size = completeBatchSize(buf, at);
    if (size === null) return batches;
    batches.push(await decodeAt(buf, at, null));
    at += size;
  }
}

/** Synchronous decodeRecordBatches; codecs none, gzip, snappy, lz4. */
export function decodeRecordBatchesSync(buf: Buffer): RecordBatch[] {
  const batches: RecordBatch[] = [];
  let at = 0;
  for (;;) {
    const size = completeBatchSize(buf, at);
    if (size === null) return batches;
    batches.push(decodeAtSync(buf, at, null));
    at += size;
  }
}
