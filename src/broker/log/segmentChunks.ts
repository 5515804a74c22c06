import { BATCH } from '../../protocol/records/batchHeader';
import type { LogSegment } from './LogSegment';

/**
 * The stored batches of a segment in chunks of whole batches (about `chunkBytes` each, or one
 * batch when larger), so a background task can process a segment in steps. The end position is
 * fixed when the walk starts; inactive segments do not grow.
 */
export function* segmentChunks(segment: LogSegment, chunkBytes: number): Generator<Buffer[]> {
  const end = segment.size;
  let pos = 0;
  while (pos < end) {
    let chunk = segment.log.read(pos, Math.min(chunkBytes, end - pos));
    const first = chunk.readInt32BE(BATCH.BATCH_LENGTH) + BATCH.LOG_OVERHEAD;
    if (first > chunk.length) chunk = segment.log.read(pos, first);
    const batches: Buffer[] = [];
    let at = 0;
    while (at + BATCH.LOG_OVERHEAD <= chunk.length) {
      const size = chunk.readInt32BE(at + BATCH.BATCH_LENGTH) + BATCH.LOG_OVERHEAD;
      if (at + size > chunk.length) break;
      batches.push(chunk.subarray(at, at + size));
      at += size;
    }
    pos += at;
    yield batches;
  }
}
