import type { FileHandle } from '../storage/FileSystem';

/**
 * What Kafka's offset and time indexes share: fixed-size entries in a file preallocated to
 * `maxIndexBytes` while the segment is active (so appends patch in place) and trimmed to the
 * valid entries when the segment becomes inactive or is closed. Lookups use the in-memory mirror;
 * new entries reach the file in batches (Kafka writes them through mmap, for free; a syscall per
 * entry would cost more than the append itself), at the latest on flush, roll and close.
 * Entries lost in a crash are rebuilt by recovery, which re-indexes everything after the
 * recovery point, and every segment below it was flushed.
 */
export abstract class IndexFile {
  protected count = 0;
  readonly maxEntries: number;
  private preallocated = false;
  /** Entries not yet written to the file: the last `pendingCount` of `count`. */
  private pending: Buffer;
  private pendingCount = 0;
  private static readonly PENDING_ENTRIES = 128;

  protected constructor(
    protected file: FileHandle,
    readonly baseOffset: number,
    maxIndexBytes: number,
    readonly entrySize: number,
  ) {
    this.maxEntries = Math.max(1, Math.floor(maxIndexBytes / entrySize));
    this.pending = Buffer.alloc(IndexFile.PENDING_ENTRIES * entrySize);
  }

  get entries(): number {
    return this.count;
  }

  get isFull(): boolean {
    return this.count >= this.maxEntries;
  }

  get path(): string {
    return this.file.path;
  }

  /** The file's handle (a background fsync reaches the file through it). */
  get handle(): FileHandle {
    return this.file;
  }

  /** Writes the entries still queued (without an fsync). */
  writeQueued(): void {
    this.writePending();
  }

  /** Extends the file to its full size, as Kafka does for the active segment's indexes. */
  preallocate(): void {
    if (this.preallocated) return;
    this.file.truncate(this.maxEntries * this.entrySize);
    this.preallocated = true;
  }

  /** Cuts the preallocated tail so readers (DumpLogSegments, a restart) see only real entries. */
  trimToValidSize(): void {
    this.writePending();
    this.file.truncate(this.count * this.entrySize);
    this.preallocated = false;
  }

  /**
   * Queues the entry that becomes number `count` (the caller increments count once this returns).
   * A full queue is written first, so a failed write leaves the queue and `count` as they were.
   */
  protected writeEntry(entry: Buffer): void {
    if (this.pendingCount === IndexFile.PENDING_ENTRIES) this.writePending();
    entry.copy(this.pending, this.pendingCount * this.entrySize);
    this.pendingCount++;
  }

  /** Writes queued entries (all counted in `count`). */
  private writePending(): void {
    if (this.pendingCount === 0) return;
    const first = this.count - this.pendingCount;
    this.file.writeAt(this.pending.subarray(0, this.pendingCount * this.entrySize), first * this.entrySize);
    this.pendingCount = 0;
  }

  /**
   * Forgets the entries from number `keep` on, added by an append that failed. Entries still
   * queued are dropped without a write (a full disk may refuse any write); entries already in the
   * file are cut or zeroed as far as the disk lets. Any left are overwritten by the next entries,
   * and before that only a crash could expose them: the active segment is then re-indexed, and an
   * index that fails the sanity check on load is rebuilt.
   */
  rollBackTo(keep: number): void {
    if (keep >= this.count) return;
    const written = this.count - this.pendingCount;
    this.count = keep;
    if (keep >= written) {
      this.pendingCount = keep - written;
      return;
    }
    this.pendingCount = 0;
    try {
      if (this.preallocated) this.file.writeAt(Buffer.alloc(this.entrySize), keep * this.entrySize);
      else this.file.truncate(keep * this.entrySize);
    } catch {
      // see above: stale entries are overwritten or rebuilt, never trusted
    }
  }

  protected truncateEntries(keep: number): void {
    this.writePending();
    this.count = keep;
    if (!this.preallocated) this.file.truncate(keep * this.entrySize);
    else this.file.writeAt(Buffer.alloc(this.entrySize), keep * this.entrySize);
  }

  /** Forgets every entry in memory only (the file is left for the next start to rebuild). */
  forgetEntries(): void {
    this.count = 0;
    this.pendingCount = 0;
  }

  /** Drops every entry (before a rebuild). */
  reset(): void {
    this.truncateEntries(0);
  }

  flush(): void {
    this.writePending();
    this.file.sync();
  }

  close(): void {
    try {
      this.trimToValidSize();
    } finally {
      this.file.close();
    }
  }

  /** Closes without writing anything, for a file about to be removed (on a full disk no write would succeed). */
  discard(): void {
    this.pendingCount = 0;
    this.file.close();
  }

  /** Closes without trimming (pending entries are written), for files about to be renamed or replaced. */
  closeHandle(): void {
    this.writePending();
    this.file.close();
  }

  /** Index of the last entry whose key <= target (keys ascending), or -1. */
  protected floorEntry(target: number, keyAt: (i: number) => number): number {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (keyAt(mid) <= target) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** Index of the first entry whose key >= target, or `count`. */
  protected ceilEntry(target: number, keyAt: (i: number) => number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keyAt(mid) < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Grows a typed array to hold at least `n` elements. */
export function ensureCapacity<T extends Int32Array | Float64Array>(arr: T, n: number, make: (len: number) => T): T {
  if (arr.length >= n) return arr;
  const grown = make(Math.max(n, arr.length * 2, 16));
  grown.set(arr);
  return grown;
}
