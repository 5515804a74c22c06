import type { FileHandle } from '../storage/FileSystem';
import type { OffsetIndex, OffsetPosition } from './OffsetIndex';
import type { TimeIndex } from './TimeIndex';
import { findBatchByOffset, walkHeaders, type BatchLocation } from './segmentScan';

/**
 * Kafka's index sanityCheck, and more, for a segment opened with its existing indexes: entries
 * increasing up to a zero tail (checked by the index loads), the last offset-index entry naming a
 * batch that starts where it says and lies inside the segment, and batches chaining from there to
 * the end of the `.log`. Returns the segment's next offset, or null when an index must be rebuilt.
 */
export function loadCheckedIndexes(log: FileHandle, offsetIndex: OffsetIndex, timeIndex: TimeIndex, baseOffset: number): number | null {
  const size = log.size();
  if (!offsetIndex.load(size)) return null;
  const lastEntry = offsetIndex.entries > 0 ? offsetIndex.entry(offsetIndex.entries - 1) : null;
  let first: BatchLocation | null = null;
  let last: BatchLocation | null = null;
  walkHeaders(log, lastEntry?.position ?? 0, size, (b) => {
    first ??= b;
    last = b;
    return b.magic === 2 && b.lastOffset >= b.baseOffset;
  });
  const end = last as BatchLocation | null;
  if (size > 0 && (!end || end.position + end.size !== size)) return null;
  const nextOffset = end ? end.lastOffset + 1 : baseOffset;
  const start = first as BatchLocation | null;
  if (lastEntry && (!start || start.baseOffset > lastEntry.offset || lastEntry.offset >= nextOffset)) return null;
  if (!timeIndex.load(nextOffset - 1)) return null;
  return nextOffset;
}

/**
 * The first batch whose last offset >= `offset`, walking from the index's floor entry for it
 * once that entry is checked against the batch it points at (a RecordBatch v2 starts there, at or
 * before the entry's offset). `badEntry` is set, and nothing found, when the check fails.
 */
export function findBatchThroughIndex(
  log: FileHandle,
  offsetIndex: OffsetIndex,
  offset: number,
): { found: BatchLocation | null; badEntry: OffsetPosition | null } {
  const end = log.size();
  const entry = offsetIndex.lookup(offset);
  if (entry.position === 0) return { found: findBatchByOffset(log, 0, end, offset), badEntry: null };
  let entryOk = false;
  let found: BatchLocation | null = null;
  walkHeaders(log, entry.position, end, (b) => {
    if (!entryOk) {
      entryOk = b.magic === 2 && b.baseOffset <= entry.offset && b.lastOffset >= b.baseOffset;
      if (!entryOk) return false;
    }
    if (b.lastOffset < offset) return true;
    found = b;
    return false;
  });
  // the caller asks only for offsets inside the segment: a walk that finds none started wrong too
  return entryOk && found !== null ? { found, badEntry: null } : { found: null, badEntry: entry };
}

/** Rebuilds an offset index from the batch headers of its `.log`, an entry every `intervalBytes`. */
export function rebuildOffsetIndex(log: FileHandle, offsetIndex: OffsetIndex, intervalBytes: number): void {
  offsetIndex.reset();
  let sinceLastEntry = 0;
  walkHeaders(log, 0, log.size(), (b) => {
    if (sinceLastEntry > intervalBytes) {
      offsetIndex.append(b.lastOffset, b.position);
      sinceLastEntry = 0;
    }
    sinceLastEntry += b.size;
    return true;
  });
}

/** Runs every step, then throws the first failure (closing files: each must be closed whatever the others do). */
export function runAll(steps: Array<() => void>): void {
  let failure: unknown = null;
  for (const step of steps) {
    try {
      step();
    } catch (err) {
      failure ??= err;
    }
  }
  if (failure !== null) throw failure;
}
