/**
 * What the fault scenarios need to know about a partition directory on disk: its segment files in
 * offset order, the record batches of one (by their v2 header: baseOffset int64, batchLength int32,
 * …, lastOffsetDelta int32 at byte 23), and the recovery point the broker has checkpointed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SegmentFile {
  path: string;
  name: string;
  baseOffset: number;
}

export interface BatchLocation {
  /** Byte position of the batch in its segment file. */
  position: number;
  size: number;
  baseOffset: number;
  lastOffset: number;
}

export function segmentFiles(partitionDir: string): SegmentFile[] {
  return readdirSync(partitionDir)
    .filter((name) => /^\d{20}\.log$/.test(name))
    .map((name) => ({ path: join(partitionDir, name), name, baseOffset: Number(name.slice(0, 20)) }))
    .sort((a, b) => a.baseOffset - b.baseOffset);
}

export function batchesOf(segment: Buffer): BatchLocation[] {
  const batches: BatchLocation[] = [];
  let position = 0;
  while (position + 27 <= segment.length) {
    const baseOffset = Number(segment.readBigInt64BE(position));
    const size = 12 + segment.readInt32BE(position + 8);
    if (size < 61 || position + size > segment.length) break;
    batches.push({ position, size, baseOffset, lastOffset: baseOffset + segment.readInt32BE(position + 23) });
    position += size;
  }
  return batches;
}

/** The recovery point checkpointed for `topic`-`partition` (-1 when there is none yet). */
export function checkpointedRecoveryPoint(dataDir: string, topic: string, partition: number): number {
  let text: string;
  try {
    text = readFileSync(join(dataDir, 'recovery-point-offset-checkpoint'), 'utf8');
  } catch {
    return -1;
  }
  for (const line of text.split('\n').slice(2)) {
    const [t, p, offset] = line.split(' ');
    if (t === topic && Number(p) === partition) return Number(offset);
  }
  return -1;
}
