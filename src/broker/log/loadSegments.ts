import * as path from 'node:path';
import type { FileSystem } from '../storage/FileSystem';
import { LogSegment, type SegmentConfig } from './LogSegment';
import type { Logger } from '../../logging';
import {
  CLEANED_SUFFIX,
  DELETED_SUFFIX,
  LOG_SUFFIX,
  SWAP_SUFFIX,
  baseOffsetOf,
  offsetFileName,
} from './fileNames';
import { walkHeaders } from './segmentScan';

/**
 * Startup of one partition directory (Kafka's LogLoader): removes leftovers of interrupted work,
 * finishes an interrupted compaction swap, opens every segment, and re-validates each segment
 * holding data past the recovery point, truncating a torn or corrupt tail.
 */
export function loadSegments(
  fs: FileSystem,
  dir: string,
  config: SegmentConfig,
  recoveryPoint: number,
  logger: Logger,
): LogSegment[] {
  // A missing directory is an empty log: its first segment's files make it (DeferredFile).
  // One listing serves every step unless a step changed the directory (rare: after a crash).
  let names = fs.list(dir);
  if (removeLeftovers(fs, dir, names, logger)) names = fs.list(dir);
  const rebuild = completeSwaps(fs, dir, names, logger);
  if (rebuild.size > 0) names = fs.list(dir);
  const bases = names
    .filter((n) => n.endsWith(LOG_SUFFIX))
    .map(baseOffsetOf)
    .filter((b): b is number => b !== null)
    .sort((a, b) => a - b);
  removeOrphanIndexes(fs, dir, names, new Set(bases));

  const segments: LogSegment[] = [];
  for (let i = 0; i < bases.length; i++) {
    const nextBase = i + 1 < bases.length ? bases[i + 1] : Infinity;
    const isActive = i === bases.length - 1;
    const { segment, indexesOk } = LogSegment.open(fs, dir, bases[i], config);
    segments.push(segment);
    // The active segment holds data past the recovery point unless its consistent indexes and the
    // batch headers after them, which chain to the file's end, show it ends at or below it (a
    // clean shutdown, or a log idle since its last flush): then nothing there is re-validated.
    const flushedToEnd = isActive ? indexesOk && segment.nextOffset <= recoveryPoint : nextBase <= recoveryPoint;
    const needsRecovery = !flushedToEnd || rebuild.has(bases[i]);
    if (!needsRecovery && indexesOk) continue;
    if (isActive && needsRecovery) {
      // the active segment may end in a torn write: cut it at the first bad batch
      const problem = segment.recover();
      if (problem) {
        logger.warn(
          `${segment.files().log}: ${problem.reason} at byte ${problem.position}; truncating the log there, ` +
            `the log now ends at offset ${segment.nextOffset}`,
        );
      }
      continue;
    }
    recoverClosedSegment(segment, needsRecovery, logger);
  }
  return segments;
}

/**
 * A segment with a successor was whole when the log rolled past it (a crash tears only the
 * active segment's tail): damage found in it is reported and left as it lies, and the segments
 * after it are kept. Only a tail whose batch headers no longer chain is cut, as nothing there
 * could be found by a read.
 */
function recoverClosedSegment(segment: LogSegment, validate: boolean, logger: Logger): void {
  const file = segment.files().log;
  const damage = validate ? segment.firstProblem() : null;
  if (!validate) logger.warn(`${file}: its .index/.timeindex are missing or inconsistent with it, rebuilding them`);
  const cut = segment.rebuildIndexes();
  if (damage && (!cut || cut.position !== damage.position)) {
    logger.warn(
      `${file}: ${damage.reason} at byte ${damage.position}; the segment is closed, so it is kept as it is and so are ` +
        'the segments after it (clients that check CRCs reject the damaged batch); `bindery verify-data-dir` lists every bad batch',
    );
  }
  if (cut) {
    logger.warn(
      `${file}: ${cut.reason} at byte ${cut.position}; no batch after it can be found, so the segment is cut there ` +
        `(it now ends at offset ${segment.nextOffset}); the segments after it are kept`,
    );
  }
}

/** Returns whether it removed anything. */
function removeLeftovers(fs: FileSystem, dir: string, names: string[], logger: Logger): boolean {
  let removed = false;
  for (const name of names) {
    if (name.endsWith(CLEANED_SUFFIX) || name.endsWith(DELETED_SUFFIX) || name.endsWith('.tmp')) {
      logger.warn(`${path.join(dir, name)}: removing the leftover of an interrupted operation`);
      fs.remove(path.join(dir, name));
      removed = true;
    }
  }
  return removed;
}

/**
 * A `.log.swap` is complete compaction output that replaces every segment in its offset range;
 * the swap was interrupted after the output was durable, so it is finished now: the replaced
 * segments are removed and the swap file takes its final name. Returns the bases to re-index.
 */
function completeSwaps(fs: FileSystem, dir: string, names: string[], logger: Logger): Set<number> {
  const rebuilt = new Set<number>();
  const swaps = names.filter((n) => n.endsWith(LOG_SUFFIX + SWAP_SUFFIX));
  for (const name of swaps) {
    const base = baseOffsetOf(name);
    if (base === null) continue;
    const swapPath = path.join(dir, name);
    // an empty swap (a group compacted to nothing) still replaces the segment at its own base
    const lastOffset = Math.max(lastOffsetOf(fs, swapPath), base);
    logger.warn(`${swapPath}: finishing an interrupted compaction swap`);
    for (const other of fs.list(dir)) {
      const otherBase = baseOffsetOf(other);
      if (otherBase === null || other.endsWith(SWAP_SUFFIX) || otherBase < base || otherBase > lastOffset) continue;
      fs.remove(path.join(dir, other));
    }
    for (const other of fs.list(dir)) {
      if (other.startsWith(offsetFileName(base)) && other.endsWith(SWAP_SUFFIX)) {
        fs.rename(path.join(dir, other), path.join(dir, other.slice(0, -SWAP_SUFFIX.length)));
      }
    }
    rebuilt.add(base);
  }
  return rebuilt;
}

function lastOffsetOf(fs: FileSystem, logPath: string): number {
  const file = fs.open(logPath);
  let last = -1;
  walkHeaders(file, 0, file.size(), (b) => {
    last = b.lastOffset;
    return true;
  });
  file.close();
  return last;
}

function removeOrphanIndexes(fs: FileSystem, dir: string, names: string[], bases: Set<number>): void {
  for (const name of names) {
    const base = baseOffsetOf(name);
    if (base !== null && !bases.has(base) && !name.endsWith(LOG_SUFFIX)) fs.remove(path.join(dir, name));
  }
}
