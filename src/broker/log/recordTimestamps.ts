import { ATTR, BATCH, BatchHeaderView } from '../../protocol/records/batchHeader';
import type { TimestampLookup } from './types';

type DecodeModule = typeof import('../../protocol/records/decodeBatch');
let decodeModule: DecodeModule | undefined;
/** Loaded on first use: the codecs' native modules cost ~100 ms at startup, and only compressed lookups need them. */
function decoder(): DecodeModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  decodeModule ??= require('../../protocol/records/decodeBatch') as DecodeModule;
  return decodeModule;
}

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
 * batches carry one timestamp for all records. A compressed batch is decoded (gzip, snappy, lz4
 * on the calling thread); when its codec has no synchronous decoder (zstd) the answer is the
 * batch's first offset with its max timestamp.
 */
export function firstRecordAtOrAfter(batch: Buffer, ts: number): TimestampLookup | null {
  const view = new BatchHeaderView(batch);
  if (view.maxTimestamp < ts) return null;
  if (view.isLogAppendTime) return { offset: view.baseOffset, timestamp: view.maxTimestamp };
  if ((view.attributes & ATTR.COMPRESSION_MASK) !== 0) return firstDecodedAtOrAfter(batch, view, ts);
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

function firstDecodedAtOrAfter(batch: Buffer, view: BatchHeaderView, ts: number): TimestampLookup {
  try {
    const hit = decoder().decodeRecordBatchSync(batch).records.find((r) => r.timestamp >= ts);
    if (hit) return { offset: hit.offset, timestamp: hit.timestamp };
  } catch {
    // no synchronous decoder for this codec: answer at batch granularity
  }
  return { offset: view.baseOffset, timestamp: view.maxTimestamp };
}
