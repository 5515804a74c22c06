import { ATTR, BATCH, BatchHeaderView } from '../../protocol/records/batchHeader';
import { crc32c } from '../../protocol/crc32c';
import type { BatchSpan } from './batchValidation';

/** Sets the LogAppendTime timestamp type and max timestamp, then the CRC they are covered by. */
export function stampLogAppendTime(buf: Buffer, span: BatchSpan, timeMs: number): void {
  const view = new BatchHeaderView(buf, span.at);
  buf.writeInt16BE(view.attributes | ATTR.TIMESTAMP_TYPE_LOG_APPEND, span.at + BATCH.ATTRIBUTES);
  const hi = Math.floor(timeMs / 0x100000000);
  buf.writeInt32BE(hi, span.at + BATCH.MAX_TIMESTAMP);
  buf.writeUInt32BE(timeMs - hi * 0x100000000, span.at + BATCH.MAX_TIMESTAMP + 4);
  buf.writeUInt32BE(crc32c(buf.subarray(span.at + BATCH.CRC_START, span.at + span.size)), span.at + BATCH.CRC);
  span.maxTimestamp = timeMs;
}
