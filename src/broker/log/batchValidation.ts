import { crc32c } from '../../protocol/crc32c';
import { BATCH } from '../../protocol/records/batchHeader';
import { CorruptBatchError, InvalidRecordError, RecordTooLargeError } from './errors';

/** Where one batch lies inside a buffer of concatenated batches, with the header fields the log needs. */
export interface BatchSpan {
  at: number;
  size: number;
  lastOffsetDelta: number;
  recordsCount: number;
  maxTimestamp: number;
}

/** Smallest legal batchLength: the header after the length field, with no records. */
const MIN_BATCH_LENGTH = BATCH.HEADER_SIZE - BATCH.LOG_OVERHEAD;

/**
 * Why the bytes at `at` are not a complete, intact RecordBatch v2 ending at or before `end`,
 * or null when they are. Checks the length, the magic byte and the CRC-32C; used by both
 * append (reject) and recovery (truncate).
 */
export function batchProblem(buf: Buffer, at: number, end: number): string | null {
  if (end - at < BATCH.HEADER_SIZE) return `only ${end - at} bytes left, a batch header needs ${BATCH.HEADER_SIZE}`;
  const batchLength = buf.readInt32BE(at + BATCH.BATCH_LENGTH);
  if (batchLength < MIN_BATCH_LENGTH) return `batchLength ${batchLength} is below the minimum ${MIN_BATCH_LENGTH}`;
  const size = batchLength + BATCH.LOG_OVERHEAD;
  if (at + size > end) return `batch of ${size} bytes is cut off after ${end - at} bytes`;
  const magic = buf.readInt8(at + BATCH.MAGIC);
  if (magic !== 2) return `magic byte is ${magic}, only RecordBatch v2 (magic 2) is supported`;
  const stored = buf.readUInt32BE(at + BATCH.CRC);
  const actual = crc32c(buf.subarray(at + BATCH.CRC_START, at + size));
  if (stored !== actual) return `CRC-32C mismatch (stored ${stored}, computed ${actual})`;
  return null;
}

function readInt64(buf: Buffer, at: number): number {
  return buf.readInt32BE(at) * 0x100000000 + buf.readUInt32BE(at + 4);
}

export function spanAt(buf: Buffer, at: number): BatchSpan {
  return {
    at,
    size: buf.readInt32BE(at + BATCH.BATCH_LENGTH) + BATCH.LOG_OVERHEAD,
    lastOffsetDelta: buf.readInt32BE(at + BATCH.LAST_OFFSET_DELTA),
    recordsCount: buf.readInt32BE(at + BATCH.RECORDS_COUNT),
    maxTimestamp: readInt64(buf, at + BATCH.MAX_TIMESTAMP),
  };
}

/**
 * Validates every batch of an append before anything is written. `fromProducer` batches must
 * have offset deltas 0..count-1 (the log assigns offsets); batches that already carry offsets
 * (compaction output, replication) may have gaps.
 */
export function validateBatches(buf: Buffer, maxMessageBytes: number, fromProducer: boolean): BatchSpan[] {
  if (buf.length === 0) throw new InvalidRecordError('append of an empty record set: send at least one RecordBatch');
  const spans: BatchSpan[] = [];
  let at = 0;
  while (at < buf.length) {
    if (buf.length - at >= BATCH.LOG_OVERHEAD) {
      const size = buf.readInt32BE(at + BATCH.BATCH_LENGTH) + BATCH.LOG_OVERHEAD;
      if (size > maxMessageBytes) {
        throw new RecordTooLargeError(
          `batch ${spans.length} is ${size} bytes, above max.message.bytes ${maxMessageBytes}: send smaller batches or raise max.message.bytes`,
        );
      }
    }
    const problem = batchProblem(buf, at, buf.length);
    if (problem) throw new CorruptBatchError(`batch ${spans.length} at byte ${at} is corrupt: ${problem}`);
    const span = spanAt(buf, at);
    if (span.recordsCount <= 0) throw new InvalidRecordError(`batch ${spans.length} has ${span.recordsCount} records: a batch needs at least one`);
    if (fromProducer ? span.lastOffsetDelta !== span.recordsCount - 1 : span.lastOffsetDelta < span.recordsCount - 1) {
      throw new InvalidRecordError(
        `batch ${spans.length} has lastOffsetDelta ${span.lastOffsetDelta} for ${span.recordsCount} records: the batch header is inconsistent`,
      );
    }
    spans.push(span);
    at += span.size;
  }
  return spans;
}
