import type { LogSegment } from './LogSegment';
import type { LogConfig } from './types';

/**
 * How many of the oldest segments retention removes now (Kafka's deleteOldSegments): a prefix of
 * segments that are wholly below the log start offset, or (cleanup.policy has `delete`) whose
 * newest record is older than retention.ms, or whose removal keeps the log at or above
 * retention.bytes. As in Kafka, the active segment counts too once it holds records (an idle
 * topic's records expire); an empty active segment never goes. When every segment is a victim the
 * log rolls first, so it keeps one (empty) segment starting at the log end.
 */
export function retentionVictims(segments: readonly LogSegment[], config: LogConfig, logStartOffset: number, nowMs: number): number {
  const deletePolicy = config.cleanupPolicy.split(',').includes('delete');
  let excess = config.retentionBytes >= 0 ? segments.reduce((n, s) => n + s.size, 0) - config.retentionBytes : -1;
  let count = 0;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    const next = segments[i + 1];
    if (!next && seg.isEmpty) break;
    const belowStart = next !== undefined && next.baseOffset <= logStartOffset;
    const expired = deletePolicy && config.retentionMs >= 0 && nowMs - newestRecordTime(segments, i) > config.retentionMs;
    const oversize = deletePolicy && config.retentionBytes >= 0 && excess - seg.size >= 0;
    if (!belowStart && !expired && !oversize) break;
    excess -= seg.size;
    count++;
  }
  return count;
}

/**
 * The time retention.ms counts from for segment `i`. A segment compaction left empty has no record
 * time and a file time that each cleaning renews, so it ages with the next inactive segment that
 * holds records: it goes with that one, never blocking time retention nor moving the log start
 * over records retention would keep.
 */
function newestRecordTime(segments: readonly LogSegment[], i: number): number {
  let j = i;
  while (segments[j].isEmpty && j + 2 < segments.length) j++;
  return segments[j].largestTimestamp();
}
