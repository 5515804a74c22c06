import { DiskFileSystem } from '../storage/DiskFileSystem';
import type { FileSystem } from '../storage/FileSystem';
import type { ReadAllocator } from '../storage/BufferPool';
import { BatchHeaderView } from '../../protocol/records/batchHeader';
import { stampLogAppendTime } from './stampLogAppendTime';
import { LogSegment, type SegmentAppendBatch } from './LogSegment';
import { validateBatches, type BatchSpan } from './batchValidation';
import { logConfig } from './config';
import { defaultLogger, type Logger } from '../../logging';
import { InvalidRecordError, LogClosedError, LogStorageError, OffsetOutOfRangeError, describeFsError, isFsError } from './errors';
import { loadSegments } from './loadSegments';
import { FlushPolicy } from './FlushPolicy';
import { RollFlusher } from './RollFlusher';
import { retentionVictims } from './retention';
import type { AppendOptions, AppendResult, LogConfig, LogReadResult, PartitionLog, TimestampLookup } from './types';

export interface LogOptions {
  fs?: FileSystem;
  /** Offset below which data is known flushed (from the recovery-point checkpoint); 0 re-validates everything. */
  recoveryPoint?: number;
  /** Log start offset from the log-start-offset checkpoint. */
  logStartOffset?: number;
  logger?: Logger;
  /** Clock for the flush.ms policy (tests inject one). */
  now?: () => number;
  /** Called after the recovery point moved (a rolled segment was flushed): the owner checkpoints it. */
  onRecoveryPointAdvanced?: () => void;
  /** Called after flush() or flushInBackground() wrote something, with how long it took in seconds (Kafka's LogFlushRateAndTimeMs). */
  onFlushed?: (seconds: number) => void;
}

/** Kafka's ListOffsets special timestamps. */
export const LATEST_TIMESTAMP = -1;
export const EARLIEST_TIMESTAMP = -2;

const MAX_RELATIVE_OFFSET = 0x7fffffff;

/**
 * One partition's log (Kafka's UnifiedLog on one node): an ordered list of segments, the last one
 * active. All operations are synchronous, so each is atomic on the event loop.
 */
export class Log implements PartitionLog {
  private segments: LogSegment[];
  private startOffset: number;
  private endOffset: number;
  private recovery: number;
  private closed = false;
  private readonly fs: FileSystem;
  private readonly now: () => number;
  private readonly flushPolicy: FlushPolicy;
  private readonly logger: Logger;
  private readonly onRecoveryPointAdvanced: () => void;
  private readonly onFlushed: ((seconds: number) => void) | undefined;
  private readonly rollFlusher: RollFlusher;
  /** Bumped whenever segments are removed or truncated or the log closes, so a background cleaner can tell its view is stale. */
  generation = 0;

  private constructor(
    readonly dir: string,
    private cfg: LogConfig,
    options: LogOptions,
  ) {
    this.fs = options.fs ?? new DiskFileSystem();
    this.now = options.now ?? Date.now;
    const logger = options.logger ?? defaultLogger();
    this.logger = logger;
    this.onRecoveryPointAdvanced = options.onRecoveryPointAdvanced ?? (() => undefined);
    this.onFlushed = options.onFlushed;
    this.segments = loadSegments(this.fs, dir, cfg, options.recoveryPoint ?? 0, logger);
    if (this.segments.length === 0) {
      // An empty log: its files are made on the first append (a reopen before that starts the same way).
      this.segments.push(LogSegment.create(this.fs, dir, Math.max(0, options.logStartOffset ?? 0), cfg, '', true));
    }
    for (const seg of this.segments) seg.logger = logger;
    this.active.activate();
    this.endOffset = this.active.nextOffset;
    this.startOffset = Math.min(Math.max(options.logStartOffset ?? 0, this.segments[0].baseOffset), this.endOffset);
    // recovered data may still be only in the page cache: it counts as flushed after the next fsync
    this.recovery = Math.min(options.recoveryPoint ?? 0, this.endOffset);
    this.flushPolicy = new FlushPolicy(cfg, () => this.flush());
    this.rollFlusher = new RollFlusher(
      {
        dir,
        isClosed: () => this.closed,
        generation: () => this.generation,
        segmentsToFlush: (offset) => this.segments.filter((s) => s !== this.active && s.baseOffset < offset && s.nextOffset > this.recovery),
        flushedUpTo: (offset, seconds) => {
          this.onFlushed?.(seconds);
          const upTo = Math.min(offset, this.active.baseOffset, this.endOffset);
          if (upTo <= this.recovery) return;
          this.recovery = upTo;
          this.onRecoveryPointAdvanced();
        },
      },
      logger,
    );
  }

  /** Opens (creating when missing) the log in `dir`, recovering it first. */
  static open(dir: string, config: Partial<LogConfig> = {}, options: LogOptions = {}): Log {
    return new Log(dir, logConfig(config), options);
  }

  get config(): LogConfig {
    return this.cfg;
  }
  get logStartOffset(): number {
    return this.startOffset;
  }
  get logEndOffset(): number {
    return this.endOffset;
  }
  /** Offsets below this are on disk (fsync'd); what the recovery-point checkpoint records. */
  get recoveryPoint(): number {
    return this.recovery;
  }
  get sizeInBytes(): number {
    return this.segments.reduce((n, s) => n + s.size, 0);
  }
  get segmentCount(): number {
    return this.segments.length;
  }
  /** Base offsets of the segments, oldest first. */
  get segmentBaseOffsets(): number[] {
    return this.segments.map((s) => s.baseOffset);
  }
  get isClosed(): boolean {
    return this.closed;
  }
  private get active(): LogSegment {
    return this.segments[this.segments.length - 1];
  }

  append(batches: Buffer, options: AppendOptions = {}): AppendResult {
    this.ensureOpen();
    const spans = validateBatches(batches, this.cfg.maxMessageBytes, true);
    let next = this.endOffset;
    const appendTime = options.logAppendTimeMs;
    for (const span of spans) {
      new BatchHeaderView(batches, span.at).baseOffset = next;
      if (appendTime !== undefined) stampLogAppendTime(batches, span, appendTime);
      next += span.lastOffsetDelta + 1;
    }
    return this.write(batches, spans, this.endOffset, appendTime ?? -1);
  }

  appendWithOffsets(batches: Buffer): AppendResult {
    this.ensureOpen();
    const spans = validateBatches(batches, this.cfg.maxMessageBytes, false);
    let expected = this.endOffset;
    for (const span of spans) {
      const base = new BatchHeaderView(batches, span.at).baseOffset;
      if (base < expected) {
        throw new InvalidRecordError(`batch at byte ${span.at} starts at offset ${base}, below the next free offset ${expected}: offsets never go backwards`);
      }
      expected = base + span.lastOffsetDelta + 1;
    }
    return this.write(batches, spans, new BatchHeaderView(batches, 0).baseOffset, -1);
  }

  private write(data: Buffer, spans: BatchSpan[], firstOffset: number, logAppendTime: number): AppendResult {
    const now = this.now();
    let maxTimestamp = -1;
    let messages = 0;
    const batches: SegmentAppendBatch[] = spans.map((s) => {
      const view = new BatchHeaderView(data, s.at);
      const ts = view.maxTimestamp;
      if (ts > maxTimestamp) maxTimestamp = ts;
      messages += s.recordsCount;
      return { at: s.at, size: s.size, lastOffset: view.lastOffset, maxTimestamp: ts };
    });
    const lastOffset = batches[batches.length - 1].lastOffset;
    try {
      this.maybeRoll(data.length, firstOffset, lastOffset, maxTimestamp);
    } catch (err) {
      if (!isFsError(err)) throw err;
      throw new LogStorageError(`rolling a new segment of ${this.dir} failed (${describeFsError(err)}); nothing was appended: free disk space or check the disk, then retry`, err);
    }
    const position = this.active.append(data, batches);
    this.endOffset = lastOffset + 1;
    this.flushPolicy.appended(messages, now);
    return { firstOffset, lastOffset, maxTimestamp, logAppendTime, position };
  }

  /**
   * Kafka's shouldRoll: the segment would pass segment.bytes, an index is full, relative offsets
   * would overflow, or the incoming records are segment.ms newer than the segment's first batch.
   */
  private maybeRoll(incomingBytes: number, firstOffset: number, lastOffset: number, incomingMaxTimestamp: number): void {
    const seg = this.active;
    const overflow = lastOffset - seg.baseOffset > MAX_RELATIVE_OFFSET;
    if (seg.isEmpty) {
      // an empty active segment cannot index offsets this far above its base: restart it at the first incoming offset
      if (overflow) {
        this.segments.pop()!.delete();
        this.startSegment(firstOffset);
      }
      return;
    }
    const rollBase = seg.rollingBaseTimestamp();
    const full = seg.size + incomingBytes > this.cfg.segmentBytes || seg.isIndexFull;
    const old = rollBase !== null && rollBase >= 0 && incomingMaxTimestamp - rollBase > this.cfg.segmentMs;
    if (full || old || overflow) {
      seg.onBecomeInactive();
      this.startSegment(Math.max(firstOffset, this.endOffset));
    }
  }

  private startSegment(baseOffset: number): void {
    const seg = LogSegment.create(this.fs, this.dir, baseOffset, this.cfg);
    seg.logger = this.logger;
    seg.activate();
    this.segments.push(seg);
    this.rollFlusher.schedule(baseOffset);
  }

  /** Closes the active segment to appends and starts a new one at the log end offset. */
  roll(): void {
    this.ensureOpen();
    if (this.active.isEmpty) return;
    this.active.onBecomeInactive();
    this.startSegment(this.endOffset);
  }

  read(offset: number, maxBytes: number, maxOffset?: number, alloc?: ReadAllocator): LogReadResult {
    this.ensureOpen();
    if (offset < this.startOffset || offset > this.endOffset) {
      throw new OffsetOutOfRangeError(
        `offset ${offset} is outside the log [${this.startOffset}, ${this.endOffset}]: reset the position to the start or end`,
      );
    }
    const bounds = { logStartOffset: this.startOffset, logEndOffset: this.endOffset };
    for (let i = this.segmentIndexFor(offset); i < this.segments.length; i++) {
      const found = this.segments[i].read(offset, maxBytes, maxOffset, alloc);
      if (found) return { records: found.records, nextOffset: found.nextOffset, ...bounds };
      if (maxOffset !== undefined && i + 1 < this.segments.length && this.segments[i + 1].baseOffset >= maxOffset) break;
    }
    return { records: Buffer.alloc(0), nextOffset: offset, ...bounds };
  }

  /** Index of the last segment whose base offset <= offset (0 when before all). */
  private segmentIndexFor(offset: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.segments[mid].baseOffset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  offsetForTimestamp(ts: number): TimestampLookup | null {
    this.ensureOpen();
    if (ts === EARLIEST_TIMESTAMP) return { offset: this.startOffset, timestamp: -1 };
    if (ts === LATEST_TIMESTAMP) return { offset: this.endOffset, timestamp: -1 };
    for (let i = this.segmentIndexFor(this.startOffset); i < this.segments.length; i++) {
      const hit = this.segments[i].offsetForTimestamp(ts, this.startOffset);
      if (hit) return hit;
    }
    return null;
  }

  truncateTo(offset: number): void {
    this.ensureOpen();
    if (offset < 0) throw new OffsetOutOfRangeError(`cannot truncate to negative offset ${offset}`);
    if (offset >= this.endOffset) return;
    this.generation++;
    if (offset < this.startOffset || offset <= this.segments[0].baseOffset) {
      this.truncateFullyAndStartAt(offset < this.startOffset ? offset : this.segments[0].baseOffset);
      return;
    }
    while (this.segments.length > 1 && this.active.baseOffset >= offset) this.segments.pop()!.delete();
    // a batch holding `offset` goes whole; an offset in a compacted hole (or past the segment's
    // last batch) becomes the log end itself, as in Kafka
    const next = this.active.findBatch(offset);
    this.active.truncateTo(offset);
    this.active.activate();
    this.endOffset = next && next.baseOffset < offset ? next.baseOffset : offset;
    this.recovery = Math.min(this.recovery, this.endOffset);
  }

  /** Removes every segment and starts an empty log at `offset`. */
  private truncateFullyAndStartAt(offset: number): void {
    for (const seg of this.segments) seg.delete();
    this.segments = [LogSegment.create(this.fs, this.dir, offset, this.cfg)];
    this.active.logger = this.logger;
    this.active.activate();
    this.startOffset = this.endOffset = this.recovery = offset;
  }

  deleteRecordsBefore(offset: number): void {
    this.ensureOpen();
    if (offset > this.endOffset) {
      throw new OffsetOutOfRangeError(`cannot delete records before ${offset}: the log ends at ${this.endOffset}`);
    }
    if (offset <= this.startOffset) return;
    this.startOffset = offset;
    this.deleteOldestSegments(this.segments.filter((s, i) => i + 1 < this.segments.length && this.segments[i + 1].baseOffset <= offset).length);
  }

  applyRetention(nowMs: number): number {
    this.ensureOpen();
    const victims = retentionVictims(this.segments, this.cfg, this.startOffset, nowMs);
    // Kafka rolls when retention takes every segment, so the log keeps one starting at its end.
    if (victims > 0 && victims === this.segments.length) this.roll();
    return this.deleteOldestSegments(victims);
  }

  private deleteOldestSegments(count: number): number {
    const n = Math.min(count, this.segments.length - 1);
    if (n <= 0) return 0;
    this.generation++;
    for (const seg of this.segments.splice(0, n)) seg.delete();
    this.startOffset = Math.max(this.startOffset, this.segments[0].baseOffset);
    return n;
  }

  updateConfig(config: Partial<LogConfig>): void {
    this.cfg = { ...this.cfg, ...config };
    for (const seg of this.segments) seg.updateConfig(this.cfg);
    this.flushPolicy.updateConfig(this.cfg);
  }

  /**
   * fsync of every segment holding data past the recovery point (none when nothing was appended
   * since the last flush, as Kafka flushes only segments above it); then the recovery point is
   * the log end.
   */
  flush(): void {
    this.ensureOpen();
    const started = this.onFlushed && this.endOffset > this.recovery ? performance.now() : undefined;
    for (const seg of this.segments) if (seg.nextOffset > this.recovery) seg.flush();
    this.recovery = this.endOffset;
    this.flushPolicy.flushed();
    if (started !== undefined) this.onFlushed!((performance.now() - started) / 1000);
  }

  /**
   * flush() with the fsyncs off the event loop, for many logs at once (a clean shutdown): the
   * recovery point moves to the log end seen at the start, unless segments were truncated or
   * deleted meanwhile (then a later flush covers them).
   */
  async flushInBackground(): Promise<void> {
    if (this.closed) return;
    const upTo = this.endOffset;
    const generation = this.generation;
    const segments = this.segments.filter((s) => s.nextOffset > this.recovery);
    if (segments.length === 0) return;
    const started = performance.now();
    await Promise.all(segments.map((s) => s.flushInBackground()));
    this.onFlushed?.((performance.now() - started) / 1000);
    if (this.closed || generation !== this.generation || upTo <= this.recovery) return;
    this.recovery = upTo;
    this.flushPolicy.flushed();
  }

  /** Flushes and closes every segment; the log is closed even when a write fails (the first failure is thrown after). */
  close(): void {
    if (this.closed) return;
    let failure: unknown = null;
    try {
      this.flush();
    } catch (err) {
      failure = err;
    }
    this.flushPolicy.stop();
    for (const seg of this.segments) {
      try {
        seg.close();
      } catch (err) {
        failure ??= err;
      }
    }
    this.closed = true;
    this.generation++;
    if (failure !== null) throw failure;
  }

  delete(): void {
    if (!this.closed) {
      this.flushPolicy.stop();
      for (const seg of this.segments) seg.delete();
      this.closed = true;
      this.generation++;
    }
    this.fs.removeDir(this.dir);
  }

  /** Inactive segments, oldest first: what compaction may rewrite. */
  inactiveSegments(): readonly LogSegment[] {
    return this.segments.slice(0, -1);
  }

  /**
   * Replaces consecutive inactive segments `old` by `cleaned` (same base offset as old[0], possibly
   * empty). Returns false, changing nothing, when `old` is no longer a run of this log's inactive
   * segments. The log start offset never moves here: only retention and DeleteRecords move it.
   */
  replaceSegments(old: readonly LogSegment[], cleaned: LogSegment): boolean {
    const at = this.segments.indexOf(old[0]);
    if (this.closed || at < 0 || at + old.length >= this.segments.length) return false;
    if (old.some((s, i) => this.segments[at + i] !== s)) return false;
    if (cleaned.baseOffset !== old[0].baseOffset) return false;
    cleaned.logger = this.logger;
    this.segments.splice(at, old.length, cleaned);
    return true;
  }

  get fileSystem(): FileSystem {
    return this.fs;
  }

  private ensureOpen(): void {
    if (this.closed) throw new LogClosedError(this.dir);
  }
}
