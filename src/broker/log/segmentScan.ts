import { BATCH } from '../../protocol/records/batchHeader';
import type { FileHandle } from '../storage/FileSystem';
import { batchProblem } from './batchValidation';

/** Header fields of one stored batch, found while walking a segment file. */
export interface BatchLocation {
  position: number;
  size: number;
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  /** The magic byte: 2 for every RecordBatch v2 (anything else means the position is not a batch). */
  magic: number;
}

const HEADER_CHUNK = 8192;
const RECOVERY_CHUNK = 1024 * 1024;

function readInt64(buf: Buffer, at: number): number {
  return buf.readInt32BE(at) * 0x100000000 + buf.readUInt32BE(at + 4);
}

export function locationAt(buf: Buffer, at: number, position: number): BatchLocation {
  const baseOffset = readInt64(buf, at + BATCH.BASE_OFFSET);
  return {
    position,
    size: buf.readInt32BE(at + BATCH.BATCH_LENGTH) + BATCH.LOG_OVERHEAD,
    baseOffset,
    lastOffset: baseOffset + buf.readInt32BE(at + BATCH.LAST_OFFSET_DELTA),
    maxTimestamp: readInt64(buf, at + BATCH.MAX_TIMESTAMP),
    magic: buf.readInt8(at + BATCH.MAGIC),
  };
}

/**
 * Walks the headers of the (already validated) batches in [from, to), reading small chunks and
 * skipping batch bodies. `visit` returns false to stop. Returns the position where it stopped.
 */
export function walkHeaders(file: FileHandle, from: number, to: number, visit: (b: BatchLocation) => boolean): number {
  let pos = from;
  let chunk: Buffer = Buffer.alloc(0);
  let chunkStart = from;
  while (pos + BATCH.HEADER_SIZE <= to) {
    if (pos < chunkStart || pos + BATCH.HEADER_SIZE > chunkStart + chunk.length) {
      chunk = file.read(pos, Math.min(HEADER_CHUNK, to - pos));
      chunkStart = pos;
      if (chunk.length < BATCH.HEADER_SIZE) break;
    }
    const loc = locationAt(chunk, pos - chunkStart, pos);
    if (!visit(loc)) break;
    pos += loc.size;
  }
  return pos;
}

/** The first batch whose last offset >= `offset`, scanning from `from`; null when none. */
export function findBatchByOffset(file: FileHandle, from: number, to: number, offset: number): BatchLocation | null {
  let found: BatchLocation | null = null;
  walkHeaders(file, from, to, (b) => {
    if (b.lastOffset < offset) return true;
    found = b;
    return false;
  });
  return found;
}

export interface RecoveryProblem {
  position: number;
  reason: string;
}

/**
 * Validates every batch from position 0 (length, magic, CRC-32C, offsets increasing from
 * `baseOffset`), calling `accept` for each good one. Stops at the first bad batch and reports it.
 * With `checkContents` false only the structure is checked (lengths and offsets, what finding a
 * batch needs): a batch whose bytes were damaged but whose header still chains is accepted.
 */
export function validateSegment(
  file: FileHandle,
  baseOffset: number,
  accept: (b: BatchLocation) => void,
  checkContents = true,
): RecoveryProblem | null {
  const end = file.size();
  let pos = 0;
  let expectedMin = baseOffset;
  let chunk: Buffer = Buffer.alloc(0);
  let chunkStart = 0;
  while (pos < end) {
    if (end - pos < BATCH.HEADER_SIZE) return { position: pos, reason: `${end - pos} trailing bytes are not a whole batch header` };
    if (pos + BATCH.HEADER_SIZE > chunkStart + chunk.length) {
      chunk = file.read(pos, Math.min(RECOVERY_CHUNK, end - pos));
      chunkStart = pos;
    }
    const size = chunk.readInt32BE(pos - chunkStart + BATCH.BATCH_LENGTH) + BATCH.LOG_OVERHEAD;
    if (size < BATCH.HEADER_SIZE || pos + size > end) {
      return { position: pos, reason: `batch length ${size} does not fit the ${end - pos} bytes left in the file` };
    }
    if (pos + size > chunkStart + chunk.length) {
      chunk = file.read(pos, Math.max(size, Math.min(RECOVERY_CHUNK, end - pos)));
      chunkStart = pos;
    }
    const at = pos - chunkStart;
    const problem = checkContents ? batchProblem(chunk, at, at + size) : null;
    if (problem) return { position: pos, reason: problem };
    const loc = locationAt(chunk, at, pos);
    if (loc.baseOffset < expectedMin || loc.lastOffset < loc.baseOffset) {
      return { position: pos, reason: `offsets ${loc.baseOffset}..${loc.lastOffset} go backwards (expected >= ${expectedMin})` };
    }
    accept(loc);
    expectedMin = loc.lastOffset + 1;
    pos += size;
  }
  return null;
}
