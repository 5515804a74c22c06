/** Compression codec ids as stored in the low 3 bits of a batch's attributes. */
export enum CompressionType {
  None = 0,
  Gzip = 1,
  Snappy = 2,
  Lz4 = 3,
  Zstd = 4,
}

export enum TimestampType {
  CreateTime = 0,
  LogAppendTime = 1,
}

export interface RecordHeader {
  key: string;
  /** null is a legal header value in Kafka. */
  value: Buffer | null;
}

/** One record as the application sees it: absolute offset and timestamp already resolved. */
export interface Record {
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

/** Input to the batch encoder: what a producer has to say about one record. */
export interface RecordInput {
  key?: Buffer | null;
  value: Buffer | null;
  headers?: RecordHeader[];
  /** Defaults to the batch's base timestamp. */
  timestamp?: number;
}

/** Every header field of a RecordBatch v2 (see batchHeader.ts for the layout). */
export interface RecordBatchHeaderFields {
  baseOffset: number;
  partitionLeaderEpoch: number;
  compression: CompressionType;
  timestampType: TimestampType;
  isTransactional: boolean;
  isControl: boolean;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
}

export interface RecordBatch extends RecordBatchHeaderFields {
  records: Record[];
}
