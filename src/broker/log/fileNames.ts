import * as path from 'node:path';

/** Kafka's file naming: the segment base offset zero-padded to 20 digits. */
export const LOG_SUFFIX = '.log';
export const INDEX_SUFFIX = '.index';
export const TIME_INDEX_SUFFIX = '.timeindex';
/** Compaction output being written. */
export const CLEANED_SUFFIX = '.cleaned';
/** Compaction output complete, about to replace the segments it covers. */
export const SWAP_SUFFIX = '.swap';
/** A segment scheduled for removal. */
export const DELETED_SUFFIX = '.deleted';

export const RECOVERY_POINT_CHECKPOINT = 'recovery-point-offset-checkpoint';
export const LOG_START_OFFSET_CHECKPOINT = 'log-start-offset-checkpoint';

export function offsetFileName(offset: number): string {
  return String(offset).padStart(20, '0');
}

export function segmentFiles(dir: string, baseOffset: number, suffix = ''): { log: string; index: string; timeIndex: string } {
  const stem = path.join(dir, offsetFileName(baseOffset));
  return {
    log: stem + LOG_SUFFIX + suffix,
    index: stem + INDEX_SUFFIX + suffix,
    timeIndex: stem + TIME_INDEX_SUFFIX + suffix,
  };
}

/** The base offset a segment file name carries, or null when the name is not one of ours. */
export function baseOffsetOf(name: string): number | null {
  const m = /^(\d{20})\./.exec(name);
  return m ? Number(m[1]) : null;
}

export function partitionDirName(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

/** Splits `<topic>-<partition>` at the last dash; null for other directory names. */
export function parsePartitionDir(name: string): { topic: string; partition: number } | null {
  const m = /^(.+)-(\d+)$/.exec(name);
  return m ? { topic: m[1], partition: Number(m[2]) } : null;
}
