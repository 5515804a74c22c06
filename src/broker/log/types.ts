/**
 * The contract of one partition's log (Apache Kafka's `UnifiedLog`, reduced to one node).
 * Implemented by `Log` in this folder; used by the broker's partition layer.
 * Offsets and timestamps are JS numbers (exact below 2^53).
 */
import type { ReadAllocator } from '../storage/BufferPool';

export type CleanupPolicy = 'delete' | 'compact' | 'compact,delete';

export interface LogConfig {
  /** Roll a new segment when the active one would exceed this size. Kafka default 1 GiB. */
  segmentBytes: number;
  /** Roll a new segment when the active one is older than this. Kafka default 7 days. */
  segmentMs: number;
  /** Bytes between sparse index entries. Kafka default 4096. */
  indexIntervalBytes: number;
  /** Max index file size; bounds entries per segment. Kafka default 10 MiB. */
  segmentIndexBytes: number;
  /** Delete segments whose newest record is older than this; -1 = never. */
  retentionMs: number;
  /** Delete oldest segments while the log is larger than this; -1 = unbounded. */
  retentionBytes: number;
  cleanupPolicy: CleanupPolicy;
  /** How long tombstones survive compaction. Kafka default 1 day. */
  deleteRetentionMs: number;
  /** Largest accepted batch in bytes. Kafka default 1048588. */
  maxMessageBytes: number;
  /** fsync after this many messages; undefined/Infinity = leave it to the OS page cache. */
  flushMessages?: number;
  /** fsync when the oldest unflushed append is older than this; undefined = never by time. */
  flushMs?: number;
}

export interface AppendResult {
  firstOffset: number;
  lastOffset: number;
  /** Largest record timestamp appended (CreateTime or the LogAppendTime stamped). */
  maxTimestamp: number;
  /** Set when the batch was stamped with LogAppendTime. */
  logAppendTime: number;
  /** File position of the first appended batch in the active segment. */
  position: number;
}

export interface AppendOptions {
  /** Stamp batches with this LogAppendTime (rewrites timestamps + CRC). */
  logAppendTimeMs?: number;
}

export interface LogReadResult {
  /** Whole batches, stored bytes untouched; the first may start before `offset`. Empty when nothing at `offset`. */
  records: Buffer;
  /** Offset after the last returned batch (or `offset` when empty). */
  nextOffset: number;
  logStartOffset: number;
  logEndOffset: number;
}

export interface TimestampLookup {
  offset: number;
  timestamp: number;
}

export interface PartitionLog {
  readonly dir: string;
  /** First offset still in the log. */
  readonly logStartOffset: number;
  /** Offset the next appended record will get. */
  readonly logEndOffset: number;
  readonly sizeInBytes: number;
  readonly config: LogConfig;
  /** Base offsets of the segments, oldest first (the aborted-transaction index is kept per segment). */
  readonly segmentBaseOffsets: number[];

  /**
   * Appends one or more concatenated RecordBatch v2 buffers. Validates each (magic, CRC, size,
   * lengths), assigns offsets by rewriting baseOffset in place, and writes the bytes unchanged.
   * Throws a typed error and writes nothing if any batch is invalid.
   */
  append(batches: Buffer, options?: AppendOptions): AppendResult;
  /** Appends batches that already carry offsets (recovery, replication, compaction output): offsets must be >= logEndOffset. */
  appendWithOffsets(batches: Buffer): AppendResult;
  /**
   * Reads whole batches starting at the batch containing `offset`, up to about maxBytes (at least one batch).
   * Batches whose base offset is >= `maxOffset` (exclusive bound, e.g. the high watermark) are left out.
   * Throws OffsetOutOfRangeError outside [logStartOffset, logEndOffset]; empty records at logEndOffset.
   * `alloc` supplies the buffers the bytes are read into (pooled for wire fetches).
   */
  read(offset: number, maxBytes: number, maxOffset?: number, alloc?: ReadAllocator): LogReadResult;
  /**
   * First offset whose timestamp >= ts (ListOffsets by time); null when none.
   * Kafka's special values: -2 (earliest) gives logStartOffset, -1 (latest) gives logEndOffset, both with timestamp -1.
   */
  offsetForTimestamp(ts: number): TimestampLookup | null;
  /**
   * Removes everything at or after `offset`. Whole batches only: when `offset` falls inside a batch,
   * that batch goes too and the log end becomes its base offset. Below logStartOffset the log is emptied
   * and restarts at `offset`.
   */
  truncateTo(offset: number): void;
  /** DeleteRecords: advances logStartOffset, deleting whole segments below it. */
  deleteRecordsBefore(offset: number): void;
  /** Applies retention (time, size) now; returns the number of deleted segments. */
  applyRetention(nowMs: number): number;
  updateConfig(config: Partial<LogConfig>): void;
  flush(): void;
  close(): void;
  /** Closes and removes every file of this log. */
  delete(): void;
}
