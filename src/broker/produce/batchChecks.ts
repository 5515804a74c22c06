/**
 * Produce-time checks on the batches of one partition, before the log's own validation
 * (length, magic, CRC, record count): structure, control markers, and CreateTime
 * timestamps against message.timestamp.before/after.max.ms.
 */
import { ErrorCode } from '../../protocol/errorCodes';
import { BATCH, BatchHeaderView } from '../../protocol/records/batchHeader';
import { BrokerRequestError } from '../BrokerRequestError';
import type { TopicConfig } from '../config/TopicConfig';
import { TimestampType } from '../../protocol/records/types';

/** One view per batch; throws CORRUPT_MESSAGE when the lengths do not tile the buffer. */
export function batchViews(records: Buffer): BatchHeaderView[] {
  const views: BatchHeaderView[] = [];
  let at = 0;
  while (at < records.length) {
    if (records.length - at < BATCH.HEADER_SIZE) {
      throw new BrokerRequestError(ErrorCode.CORRUPT_MESSAGE, `batch ${views.length} at byte ${at} is truncated: ${records.length - at} bytes left, a batch header needs ${BATCH.HEADER_SIZE}`);
    }
    const view = new BatchHeaderView(records, at);
    const size = view.sizeInBytes;
    if (size < BATCH.HEADER_SIZE || at + size > records.length) {
      throw new BrokerRequestError(ErrorCode.CORRUPT_MESSAGE, `batch ${views.length} at byte ${at} declares ${size} bytes but ${records.length - at} remain`);
    }
    if (view.magic !== 2) {
      throw new BrokerRequestError(ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, `batch ${views.length} has magic ${view.magic}: only RecordBatch v2 (magic 2) is accepted`);
    }
    views.push(view);
    at += size;
  }
  return views;
}

export function checkBatches(views: BatchHeaderView[], config: TopicConfig, nowMs: number): void {
  for (const [i, v] of views.entries()) {
    if (v.isControl) throw new BrokerRequestError(ErrorCode.INVALID_RECORD, `batch ${i} is a control batch: clients may not produce control records`);
    if (v.producerId >= 0 && v.baseSequence < 0) {
      throw new BrokerRequestError(ErrorCode.INVALID_RECORD, `batch ${i} has producer id ${v.producerId} but no sequence number`);
    }
  }
  if (config.timestampType !== TimestampType.CreateTime) return;
  const before = config.timestampBeforeMaxMs;
  const after = config.timestampAfterMaxMs;
  if (before === Infinity && after === Infinity) return;
  for (const [i, v] of views.entries()) {
    for (const ts of [v.baseTimestamp, v.maxTimestamp]) {
      if (ts < 0) continue;
      if (nowMs - ts > before || ts - nowMs > after) {
        throw new BrokerRequestError(
          ErrorCode.INVALID_TIMESTAMP,
          `batch ${i} has timestamp ${ts}, outside [now - ${before} ms, now + ${after} ms] allowed by message.timestamp.before/after.max.ms`,
          i,
        );
      }
    }
  }
}
