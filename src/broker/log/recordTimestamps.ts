import { ATTR, BATCH, BatchHeaderView } from '../../protocol/records/batchHeader';
import type { TimestampLookup } from './types';

/** Reads a zigzag varint/varlong (as a JS number) at `state.at`, advancing it. */
function readZigzag(buf: Buffer, state: { at: number }): number {
  let result = 0;
  let multiplier = 1;
  for (let i = 0; i < 10; i++) {
    const b = buf[state.at++];
    result += (b & 0x7f) * multiplier;
    if ((b & 0x80) === 0) break;
    multiplier *= 128;
  }
  return result % 2 === 0 ? result / 2 : -(result + 1) / 2;
}

/**
 * The first record of one stored batch whose timestamp >= `ts` (ListOffsets by time). Walks the
 * uncompressed records in place (length, attributes, timestampDelta, offsetDelta). LogAppendTime
 * batches carry one timestamp for all records; for a compressed batch the answer is its first
 * offset with the batch's max timestamp, since records are not decompressed on the broker here.
 */
export function firstRecordAtOrAfter(batch: Buffer, ts: number): TimestampLookup | null {
  const view = new BatchHeaderView(batch);
  if (view.maxTimestamp < ts) return null;
  if (view.isLogAppendTime || (view.attributes & ATTR.COMPRESSION_MASK) !== 0) {
    return { offset: view.baseOffset, timestamp: view.maxTimestamp };
  }
  const state = { at: BATCH.HEADER_SIZE as number };
  const baseTimestamp = view.baseTimestamp;
  const count = view.recordsCount;
  for (let i = 0; i < count && state.at < batch.length; i++) {
    const length = readZigzag(batch, state);
    const bodyStart = state.at;
    state.at += 1; // attributes
    const timestamp = baseTimestamp + readZigzag(batch, state);
    const offsetDelta = readZigzag(batch, state);
    if (timestamp >= ts) return { offset: view.baseOffset + offsetDelta, timestamp };
    state.at = bodyStart + length;
  }
  return { offset: view.baseOffset, timestamp: view.maxTimestamp };
}
