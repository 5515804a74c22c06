export {
  CompressionType,
  TimestampType,
  type Record,
  type RecordHeader,
  type RecordInput,
  type RecordBatch,
  type RecordBatchHeaderFields,
  type RecordBatchInput,
  type RecordEntry,
} from './types';
export { BATCH, ATTR, BatchHeaderView } from './batchHeader';
export { encodeRecordBatch, encodeRecordBatchSync } from './encodeBatch';
export { decodeRecordBatch, decodeRecordBatchSync, decodeRecordBatches, decodeRecordBatchesSync } from './decodeBatch';
export { validateBatch, iterateBatches, completeBatchSize, type ValidatedBatch, type ValidateOptions } from './validate';
export {
  InvalidRecordBatchError,
  CorruptRecordError,
  type InvalidRecordBatchCode,
  type CorruptRecordCode,
} from './errors';
export {
  readRecordEntry,
  readRecordBody,
  writeRecordEntry,
  writeRecordBody,
  recordBodySize,
  sizeOfVarint,
  MIN_RECORD_SIZE,
} from './recordCodec';
