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
  /**
   * Offset relative to the batch's base offset; defaults to the record's index in the batch.
   * Only the log cleaner sets it, to keep the original offsets of the records a compaction kept.
   */
  offsetDelta?: number;
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

/** What a producer (or the log cleaner) gives the batch encoder. Omitted fields take Kafka's defaults. */
export interface RecordBatchInput {
  records: RecordInput[];
  /** Default 0; the broker assigns the real offset on append by rewriting it in place. */
  baseOffset?: number;
  /** Default: the first record's timestamp, else the current time. */
  baseTimestamp?: number;
  /** Default: the largest record timestamp. With LogAppendTime, the time the broker appended the batch. */
  maxTimestamp?: number;
  /** Default: the last record's offsetDelta (0 for an empty batch). */
  lastOffsetDelta?: number;
  /** Default none. */
  compression?: CompressionType;
  /** gzip 1-9 (default 6) or zstd 1-22 (default 3); ignored by the other codecs. */
  compressionLevel?: number;
  /** Default CreateTime. */
  timestampType?: TimestampType;
  /** Default -1 (no idempotent producer). */
  producerId?: number;
  /** Default -1. */
  producerEpoch?: number;
  /** Default -1. */
  baseSequence?: number;
  /** Default -1 as the Java producer writes it (kafkajs writes 0); the broker stamps the leader epoch. */
  partitionLeaderEpoch?: number;
  isTransactional?: boolean;
  isControl?: boolean;
}

/**
 * One record exactly as stored inside a batch: deltas, not absolute values. Used by code that must
 * reproduce a batch byte for byte (log cleaner, golden tests); applications use Record.
 */
export interface RecordEntry {
  /** Unused by Kafka so far; written as 0. */
  attributes: number;
  timestampDelta: number;
  offsetDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}
