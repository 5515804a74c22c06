/**
 * Checks the broker and the log run on incoming or recovered bytes before trusting them:
 * framing (batchLength within the buffer, not shorter than a header), magic 2, CRC-32C over
 * attributes .. end, a known codec, and for uncompressed batches that the records the
 * length prefixes delimit are as many as recordsCount says.
 */
import { crc32c } from '../crc32c';
import { ErrorCode } from '../errorCodes';
import { ATTR, BATCH, BatchHeaderView } from './batchHeader';
import { CorruptRecordError, InvalidRecordBatchError } from './errors';
import { MIN_RECORD_SIZE } from './recordCodec';
import { CompressionType } from './types';

export interface ValidatedBatch {
  /** Zero-copy view of the batch header at the validated position. */
  header: BatchHeaderView;
  /** Whole batch in bytes, header included: where the next batch starts relative to this one. */
  sizeInBytes: number;
  recordsCount: number;
  lastOffsetDelta: number;
  compression: CompressionType;
}

export interface ValidateOptions {
  /** Default true. Recovery of an already verified segment may skip it. */
  verifyCrc?: boolean;
  /** Default true: walk the record length prefixes of uncompressed batches and compare with recordsCount. */
  countRecords?: boolean;
}

const MIN_BATCH_LENGTH = BATCH.HEADER_SIZE - BATCH.LOG_OVERHEAD;
const MAX_CODEC = CompressionType.Zstd;

/**
 * Reads the framing of the batch at `at`: its total size, or null when the buffer ends before
 * the batch does (a partial batch, as fetch responses and torn log tails contain).
 * Throws InvalidRecordBatchError when the length field itself is impossible.
 */
export function completeBatchSize(buf: Buffer, at: number): number | null {
  if (buf.length - at < BATCH.LOG_OVERHEAD) return null;
  const batchLength = buf.readInt32BE(at + BATCH.BATCH_LENGTH);
  if (batchLength < MIN_BATCH_LENGTH) {
    throw new InvalidRecordBatchError(
      'RECORD_BATCH_TOO_SMALL',
      at,
      `record batch at byte ${at} has batchLength ${batchLength}, less than the ${MIN_BATCH_LENGTH} bytes of a v2 header; the data is corrupt`,
    );
  }
  const size = batchLength + BATCH.LOG_OVERHEAD;
  return size <= buf.length - at ? size : null;
}

function checkMagic(buf: Buffer, at: number): void {
  const magic = buf.readInt8(at + BATCH.MAGIC);
  if (magic !== 2) {
    throw new InvalidRecordBatchError(
      'RECORD_BATCH_MAGIC',
      at,
      `record batch at byte ${at} has magic ${magic}; only RecordBatch v2 (magic 2, Kafka 0.11+) is supported — ` +
        'upgrade the producing client or set its message format to v2',
      // A legacy message set (magic 0/1) is well-formed, just older; anything else is garbage.
      magic === 0 || magic === 1 ? ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT : ErrorCode.CORRUPT_MESSAGE,
    );
  }
}

function countRecords(buf: Buffer, start: number, end: number): number {
  let at = start;
  let count = 0;
  while (at < end) {
    // Inline zigzag VARINT read of the record length: no allocation, bounded to 5 bytes.
    let u = 0;
    let shift = 0;
    let b: number;
    do {
      if (at >= end || shift > 28) return -1;
      b = buf[at++];
      u |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    const length = (u >>> 1) ^ -(u & 1);
    if (length < MIN_RECORD_SIZE - 1 || length > end - at) return -1;
    at += length;
    count++;
  }
  return count;
}

/** Validates the batch at `at` (see the module comment); throws InvalidRecordBatchError / CorruptRecordError. */
export function validateBatch(buf: Buffer, at = 0, options: ValidateOptions = {}): ValidatedBatch {
  const size = completeBatchSize(buf, at);
  if (size === null) {
    const claimed = buf.length - at >= BATCH.LOG_OVERHEAD ? buf.readInt32BE(at + BATCH.BATCH_LENGTH) + BATCH.LOG_OVERHEAD : BATCH.LOG_OVERHEAD;
    throw new InvalidRecordBatchError(
      'RECORD_BATCH_TRUNCATED',
      at,
      `record batch at byte ${at} needs ${claimed} bytes but only ${buf.length - at} remain; the batch was cut off`,
    );
  }
  checkMagic(buf, at);
  const header = new BatchHeaderView(buf, at);
  const end = at + size;
  if (options.verifyCrc !== false) {
    const actual = crc32c(buf.subarray(at + BATCH.CRC_START, end));
    if (actual !== header.crc) {
      throw new CorruptRecordError(
        'RECORD_BATCH_CRC',
        at,
        `record batch at byte ${at} has CRC-32C ${header.crc.toString(16)} but its bytes sum to ${actual.toString(16)}; the data was damaged in transit or on disk`,
      );
    }
  }
  const compression = header.attributes & ATTR.COMPRESSION_MASK;
  if (compression > MAX_CODEC) {
    throw new InvalidRecordBatchError(
      'RECORD_BATCH_UNKNOWN_CODEC',
      at,
      `record batch at byte ${at} uses compression codec id ${compression}, which Kafka does not define`,
      ErrorCode.UNSUPPORTED_COMPRESSION_TYPE,
    );
  }
  const recordsCount = header.recordsCount;
  if (recordsCount < 0) {
    throw new CorruptRecordError('RECORD_COUNT_MISMATCH', at, `record batch at byte ${at} claims ${recordsCount} records`);
  }
  const payloadSize = size - BATCH.HEADER_SIZE;
  if (compression === CompressionType.None) {
    if (options.countRecords !== false) {
      const found = countRecords(buf, at + BATCH.HEADER_SIZE, end);
      if (found !== recordsCount) {
        throw new CorruptRecordError(
          'RECORD_COUNT_MISMATCH',
          at,
          found < 0
            ? `record batch at byte ${at}: a record length runs past the end of the batch`
            : `record batch at byte ${at} says ${recordsCount} records but holds ${found}`,
        );
      }
    }
  } else if (recordsCount > 0 && payloadSize === 0) {
    throw new CorruptRecordError('RECORD_COUNT_MISMATCH', at, `compressed record batch at byte ${at} says ${recordsCount} records but has no payload`);
  }
  return { header, sizeInBytes: size, recordsCount, lastOffsetDelta: header.lastOffsetDelta, compression };
}

/**
 * Yields a header view for each complete batch in `buf`, in order, and stops silently at a
 * trailing partial batch. Checks framing and magic only; run validateBatch for the CRC.
 */
export function* iterateBatches(buf: Buffer, start = 0): Generator<BatchHeaderView> {
  let at = start;
  for (;;) {
    const size = completeBatchSize(buf, at);
    if (size === null) return;
    checkMagic(buf, at);
    yield new BatchHeaderView(buf, at);
    at += size;
  }
}
