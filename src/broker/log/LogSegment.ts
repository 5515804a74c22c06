import type { FileHandle, FileSystem } from '../storage/FileSystem';
import type { ReadAllocator } from '../storage/BufferPool';
import { DeferredFile } from '../storage/DeferredFile';
import { OffsetIndex } from './OffsetIndex';
import { TimeIndex } from './TimeIndex';
import { segmentFiles } from './fileNames';
import { findBatchByOffset, validateSegment, walkHeaders, type BatchLocation, type RecoveryProblem } from './segmentScan';
import { firstRecordAtOrAfter } from './recordTimestamps';
import type { TimestampLookup } from './types';
import { LogStorageError, describeFsError, isDiskFull } from './errors';
import { silentLogger, type Logger } from '../../logging';
import { syncInBackground } from './backgroundSync';
import { findBatchThroughIndex, loadCheckedIndexes, rebuildOffsetIndex, runAll } from './segmentIndexes';
import { BATCH } from '../../protocol/records/batchHeader';

export interface SegmentConfig {
  indexIntervalBytes: number;
  segmentIndexBytes: number;
}

/** A batch about to be written: where it lies in the append buffer and its assigned offsets. */
export interface SegmentAppendBatch {
  at: number;
  size: number;
  lastOffset: number;
  maxTimestamp: number;
}

/**
 * One segment: `<base>.log` (batches as appended), `<base>.index` and `<base>.timeindex`
 * (Kafka's LogSegment). Index entries are added every `indexIntervalBytes` of log data.
 */
export class LogSegment {
  private bytesSinceLastIndexEntry = 0;
  /** Largest batch max timestamp in the segment, -1 when unknown/empty. */
  maxTimestampSoFar = -1;
  private offsetOfMaxTimestamp = -1;
  /** The offset after the last batch (baseOffset when empty). */
  nextOffset: number;
  /** Max timestamp of the first batch: the age segment.ms is measured from (Kafka's rolling base). */
  private firstBatchTimestamp: number | null = null;
  /** Where the batch after the last read starts (sequential readers skip the index lookup). */
  private readHint: { offset: number; position: number } | null = null;
  /** Where problems found while serving reads are reported: the owning log sets its logger. */
  logger: Logger = silentLogger;
  /** Set when a failed append could not be undone: appends are refused until a restart recovers the segment. */
  private offline: LogStorageError | null = null;

  private constructor(
    private readonly fs: FileSystem,
    readonly dir: string,
    readonly baseOffset: number,
    readonly log: FileHandle,
    readonly offsetIndex: OffsetIndex,
    readonly timeIndex: TimeIndex,
    private config: SegmentConfig,
    private suffix: string,
  ) {
    this.nextOffset = baseOffset;
  }

  /**
   * Creates a new, empty segment (any existing files of that name are emptied). With `deferFiles`
   * its files are made on its first write instead (DeferredFile): for the first segment of a new
   * log only, whose absence a reopen recreates as it was. A rolled segment must exist at once: a
   * reopen takes the last segment on disk as the active one.
   */
  static create(fs: FileSystem, dir: string, baseOffset: number, config: SegmentConfig, suffix = '', deferFiles = false): LogSegment {
    const seg = LogSegment.openFiles(fs, dir, baseOffset, config, suffix, deferFiles);
    seg.log.truncate(0);
    seg.offsetIndex.reset();
    seg.timeIndex.reset();
    return seg;
  }

  /**
   * Opens an existing segment trusting its indexes; returns the segment and whether the indexes
   * were consistent (when not, call `recover()`).
   */
  static open(fs: FileSystem, dir: string, baseOffset: number, config: SegmentConfig): { segment: LogSegment; indexesOk: boolean } {
    const files = segmentFiles(dir, baseOffset);
    const indexFilesExist = fs.exists(files.index) && fs.exists(files.timeIndex);
    const seg = LogSegment.openFiles(fs, dir, baseOffset, config, '');
    const indexesOk = seg.loadIndexes() && (indexFilesExist || seg.isEmpty);
    return { segment: seg, indexesOk };
  }

  private static openFiles(fs: FileSystem, dir: string, baseOffset: number, config: SegmentConfig, suffix: string, deferred = false): LogSegment {
    const files = segmentFiles(dir, baseOffset, suffix);
    let log: FileHandle;
    let index: FileHandle;
    let timeIndexFile: FileHandle;
    if (deferred) {
      // The three files come into being together, so a reopen finds the indexes it trusts.
      const deferredIndex = new DeferredFile(fs, files.index);
      const deferredTimeIndex = new DeferredFile(fs, files.timeIndex);
      index = deferredIndex;
      timeIndexFile = deferredTimeIndex;
      log = new DeferredFile(fs, files.log, () => {
        deferredIndex.create();
        deferredTimeIndex.create();
      });
    } else {
      log = fs.open(files.log);
      index = fs.open(files.index);
      timeIndexFile = fs.open(files.timeIndex);
    }
    const offsetIndex = new OffsetIndex(index, baseOffset, config.segmentIndexBytes);
    const timeIndex = new TimeIndex(timeIndexFile, baseOffset, config.segmentIndexBytes);
    return new LogSegment(fs, dir, baseOffset, log, offsetIndex, timeIndex, config, suffix);
  }

  /** Loads both indexes, checked against the log (loadCheckedIndexes); false when they must be rebuilt. */
  private loadIndexes(): boolean {
    const next = loadCheckedIndexes(this.log, this.offsetIndex, this.timeIndex, this.baseOffset);
    if (next === null) return false;
    this.nextOffset = next;
    const lastTime = this.timeIndex.lastEntry;
    this.maxTimestampSoFar = lastTime.timestamp;
    this.offsetOfMaxTimestamp = lastTime.offset;
    return true;
  }

  get size(): number {
    return this.log.size();
  }

  get isEmpty(): boolean {
    return this.log.size() === 0;
  }

  get isIndexFull(): boolean {
    return this.offsetIndex.isFull || this.timeIndex.isFull;
  }

  /** Newest record time for retention: the largest timestamp, else the file's modification time. */
  largestTimestamp(): number {
    if (this.maxTimestampSoFar >= 0) return this.maxTimestampSoFar;
    // A segment never written has no file yet: it is as new as can be.
    return this.log instanceof DeferredFile && !this.log.created ? Date.now() : this.fs.mtimeMs(this.log.path);
  }

  /** When segment.ms counts from: the first batch's max timestamp (null when empty). */
  rollingBaseTimestamp(): number | null {
    if (this.firstBatchTimestamp === null && !this.isEmpty) {
      walkHeaders(this.log, 0, this.log.size(), (b) => {
        this.firstBatchTimestamp = b.maxTimestamp;
        return false;
      });
    }
    return this.firstBatchTimestamp;
  }

  updateConfig(config: SegmentConfig): void {
    this.config = config;
  }

  /** Makes this the active segment: indexes preallocated for in-place appends. */
  activate(): void {
    this.offsetIndex.preallocate();
    this.timeIndex.preallocate();
  }

  /**
   * Appends `data` (validated batches with offsets assigned) in one write. Returns the file
   * position. All or nothing: when a write fails (ENOSPC, EIO) the segment is put back as it was
   * (the `.log` cut to its previous size, the entries of this append forgotten) and a
   * LogStorageError is thrown, so a retry reuses no bytes and no offsets.
   */
  append(data: Buffer, batches: SegmentAppendBatch[]): number {
    if (this.offline !== null) throw this.offline;
    const position = this.log.size();
    const maxTimestampSoFar = this.maxTimestampSoFar;
    const offsetOfMaxTimestamp = this.offsetOfMaxTimestamp;
    const bytesSinceLastIndexEntry = this.bytesSinceLastIndexEntry;
    const offsetEntries = this.offsetIndex.entries;
    const timeEntries = this.timeIndex.entries;
    try {
      this.log.append(data);
      for (const b of batches) this.indexBatch(position + b.at, b.size, b.lastOffset, b.maxTimestamp);
    } catch (err) {
      this.maxTimestampSoFar = maxTimestampSoFar;
      this.offsetOfMaxTimestamp = offsetOfMaxTimestamp;
      this.bytesSinceLastIndexEntry = bytesSinceLastIndexEntry;
      this.offsetIndex.rollBackTo(offsetEntries);
      this.timeIndex.rollBackTo(timeEntries);
      throw this.undoAppend(position, data.length, err);
    }
    if (this.firstBatchTimestamp === null && position === 0 && batches.length > 0) this.firstBatchTimestamp = batches[0].maxTimestamp;
    this.nextOffset = batches[batches.length - 1].lastOffset + 1;
    return position;
  }

  /** Cuts the `.log` back to `size` after a failed append; the error to throw. */
  private undoAppend(size: number, bytes: number, cause: unknown): LogStorageError {
    const why = describeFsError(cause);
    try {
      // always: a short write on disk may have left bytes past the size the handle reports
      this.log.truncate(size);
    } catch (truncateErr) {
      // The file may hold part of the failed write: no append may follow it until a restart
      // recovers the segment (its torn tail is cut there).
      this.offline = new LogStorageError(
        `${this.log.path}: an append failed (${why}) and cutting the file back failed too (${describeFsError(truncateErr)}): ` +
          'the partition takes no more appends until the broker restarts and recovers it',
        truncateErr,
      );
      return this.offline;
    }
    return new LogStorageError(
      `appending ${bytes} bytes to ${this.log.path} failed (${why}); nothing was written: ` +
        (isDiskFull(cause) ? 'free disk space, then retry' : 'check the disk, then retry'),
      cause,
    );
  }

  private indexBatch(position: number, size: number, lastOffset: number, maxTimestamp: number): void {
    if (maxTimestamp > this.maxTimestampSoFar) {
      this.maxTimestampSoFar = maxTimestamp;
      this.offsetOfMaxTimestamp = lastOffset;
    }
    if (this.bytesSinceLastIndexEntry > this.config.indexIntervalBytes) {
      this.offsetIndex.append(lastOffset, position);
      this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestamp);
      this.bytesSinceLastIndexEntry = 0;
    }
    this.bytesSinceLastIndexEntry += size;
  }

  /**
   * The first batch whose last offset >= `offset`, or null when the segment ends before it. A
   * wrong index entry would make the walk start past the wanted offset and silently skip records:
   * then the segment is scanned from its start and its offset index rebuilt.
   */
  findBatch(offset: number): BatchLocation | null {
    if (offset >= this.nextOffset) return null;
    const { found, badEntry } = findBatchThroughIndex(this.log, this.offsetIndex, offset);
    if (badEntry === null) return found;
    this.distrustOffsetIndex(`its entry for offset ${badEntry.offset} points at byte ${badEntry.position}, where no batch holding that offset starts`);
    return findBatchByOffset(this.log, 0, this.log.size(), offset);
  }

  /** Rebuilds the offset index from the batch headers after a lookup found it wrong. */
  private distrustOffsetIndex(why: string): void {
    this.logger.warn(`${this.offsetIndex.path}: ${why}; rebuilding it from ${this.log.path}`);
    this.readHint = null;
    try {
      rebuildOffsetIndex(this.log, this.offsetIndex, this.config.indexIntervalBytes);
    } catch (err) {
      // An index that cannot be rewritten now (a full disk) is left empty: lookups scan the
      // segment from its start, and the next start rebuilds the file.
      this.offsetIndex.forgetEntries();
      this.logger.warn(`${this.offsetIndex.path}: rebuilding failed (${describeFsError(err)}); reads scan the segment until the next start`);
    }
  }

  /**
   * Whole batches from the one containing `offset`: one read of up to `maxBytes`, cut at the last
   * whole batch (the first batch is returned whole even when larger). Batches at or past
   * `maxOffset` are left out. A sequential reader (the next read starts where the last ended)
   * skips the index lookup.
   */
  read(offset: number, maxBytes: number, maxOffset = Infinity, alloc?: ReadAllocator): { records: Buffer; nextOffset: number } | null {
    if (offset >= this.nextOffset) return null;
    const end = this.log.size();
    let position: number;
    if (this.readHint !== null && this.readHint.offset === offset && this.readHint.position < end) {
      position = this.readHint.position;
    } else {
      const first = this.findBatch(offset);
      if (!first) return null;
      position = first.position;
    }
    let data = this.log.read(position, Math.min(Math.max(maxBytes, BATCH.HEADER_SIZE), end - position), alloc);
    const firstSize = data.readInt32BE(BATCH.BATCH_LENGTH) + BATCH.LOG_OVERHEAD;
    if (firstSize > data.length) data = this.log.read(position, firstSize, alloc);
    let used = 0;
    let next = offset;
    while (used + BATCH.HEADER_SIZE <= data.length) {
      const size = data.readInt32BE(used + BATCH.BATCH_LENGTH) + BATCH.LOG_OVERHEAD;
      if (used + size > data.length) break;
      const base = data.readInt32BE(used + BATCH.BASE_OFFSET) * 0x100000000 + data.readUInt32BE(used + BATCH.BASE_OFFSET + 4);
      if (base >= maxOffset) break;
      next = base + data.readInt32BE(used + BATCH.LAST_OFFSET_DELTA) + 1;
      used += size;
    }
    if (used === 0) return null;
    if (used < data.length) data = data.subarray(0, used);
    this.readHint = { offset: next, position: position + used };
    return { records: data, nextOffset: next };
  }

  /** First record with timestamp >= ts in this segment, or null. */
  offsetForTimestamp(ts: number, minOffset: number): TimestampLookup | null {
    if (this.maxTimestampSoFar >= 0 && this.maxTimestampSoFar < ts) return null;
    const fromTime = this.timeIndex.lookup(ts);
    // through findBatch: a wrong index entry must not make the walk start past the answer
    const start = this.findBatch(Math.max(fromTime.offset, minOffset))?.position ?? this.log.size();
    let hit: BatchLocation | null = null;
    walkHeaders(this.log, start, this.log.size(), (b) => {
      if (b.maxTimestamp < ts || b.lastOffset < minOffset) return true;
      hit = b;
      return false;
    });
    if (!hit) return null;
    const found = hit as BatchLocation;
    const result = firstRecordAtOrAfter(this.log.read(found.position, found.size), ts);
    if (result && result.offset < minOffset) return { offset: minOffset, timestamp: result.timestamp };
    return result;
  }

  /**
   * Re-validates every batch and rebuilds both indexes; truncates at the first bad batch.
   * Returns the problem found (null when the whole file was good).
   */
  recover(): RecoveryProblem | null {
    const problem = this.reindex(true);
    if (problem) this.log.truncate(problem.position);
    return problem;
  }

  /**
   * Rebuilds both indexes of a closed segment from its batch headers, leaving its bytes as they
   * are (a batch with damaged contents is served as it lies, as Kafka serves flushed data);
   * only a tail whose headers no longer chain (lengths, offsets) is cut, since no read could find
   * a batch in it. Returns the problem that cut it, or null.
   */
  rebuildIndexes(): RecoveryProblem | null {
    const problem = this.reindex(false);
    if (problem) this.log.truncate(problem.position);
    return problem;
  }

  private reindex(checkContents: boolean): RecoveryProblem | null {
    this.offsetIndex.reset();
    this.timeIndex.reset();
    this.maxTimestampSoFar = -1;
    this.offsetOfMaxTimestamp = -1;
    this.bytesSinceLastIndexEntry = 0;
    this.nextOffset = this.baseOffset;
    this.firstBatchTimestamp = null;
    this.readHint = null;
    return validateSegment(
      this.log,
      this.baseOffset,
      (b) => {
        this.indexBatch(b.position, b.size, b.lastOffset, b.maxTimestamp);
        this.nextOffset = b.lastOffset + 1;
      },
      checkContents,
    );
  }

  /** The first batch problem in the segment (contents included), without changing anything. */
  firstProblem(): RecoveryProblem | null {
    return validateSegment(this.log, this.baseOffset, () => undefined);
  }

  /** Removes every batch from the one containing `offset` on; returns the bytes removed. */
  truncateTo(offset: number): number {
    const batch = this.findBatch(offset);
    if (!batch) return 0;
    const removed = this.log.size() - batch.position;
    this.readHint = null;
    this.log.truncate(batch.position);
    this.offsetIndex.truncateTo(batch.baseOffset);
    this.timeIndex.truncateTo(batch.baseOffset);
    this.nextOffset = batch.baseOffset;
    const lastTime = this.timeIndex.lastEntry;
    this.maxTimestampSoFar = lastTime.timestamp;
    this.offsetOfMaxTimestamp = lastTime.offset;
    const entries = this.offsetIndex.entries;
    const from = entries > 0 ? this.offsetIndex.entry(entries - 1).position : 0;
    this.bytesSinceLastIndexEntry = 0;
    walkHeaders(this.log, from, batch.position, (b) => {
      if (b.maxTimestamp > this.maxTimestampSoFar) {
        this.maxTimestampSoFar = b.maxTimestamp;
        this.offsetOfMaxTimestamp = b.lastOffset;
      }
      this.bytesSinceLastIndexEntry += b.size;
      return true;
    });
    if (batch.position === 0) this.firstBatchTimestamp = null;
    return removed;
  }

  /** Kafka's onBecomeInactiveSegment: final time index entry, indexes trimmed. */
  onBecomeInactive(): void {
    if (this.maxTimestampSoFar >= 0) this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestamp, true);
    this.offsetIndex.trimToValidSize();
    this.timeIndex.trimToValidSize();
  }

  flush(): void {
    this.log.sync();
    this.offsetIndex.flush();
    this.timeIndex.flush();
  }

  /** flush() of an inactive segment with the fsyncs off the event loop (its index entries were written when it became inactive). */
  async flushInBackground(): Promise<void> {
    this.offsetIndex.writeQueued();
    this.timeIndex.writeQueued();
    await Promise.all([
      syncInBackground(this.fs, this.log),
      syncInBackground(this.fs, this.offsetIndex.handle),
      syncInBackground(this.fs, this.timeIndex.handle),
    ]);
  }

  /** Writes the final index entries and closes the three files; every file is closed even when a write fails. */
  close(): void {
    runAll([
      () => {
        if (this.maxTimestampSoFar >= 0) this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestamp, true);
      },
      () => this.offsetIndex.close(),
      () => this.timeIndex.close(),
      () => this.log.close(),
    ]);
  }

  /** Closes the file handles as they are (an inactive segment about to be renamed or replaced). */
  closeFiles(): void {
    this.offsetIndex.closeHandle();
    this.timeIndex.closeHandle();
    this.log.close();
  }

  /** Closes and removes the three files; writes nothing, so it frees space on a full disk. */
  delete(): void {
    runAll([() => this.offsetIndex.discard(), () => this.timeIndex.discard(), () => this.log.close()]);
    const files = segmentFiles(this.dir, this.baseOffset, this.suffix);
    for (const f of [files.log, files.index, files.timeIndex]) this.fs.remove(f);
  }

  /** The paths of this segment's files with their current suffix. */
  files(): { log: string; index: string; timeIndex: string } {
    return segmentFiles(this.dir, this.baseOffset, this.suffix);
  }
}

