/**
 * One topic partition on this node: its log, its idempotent-producer state, the in-memory tail
 * of recent batches, its open and aborted transactions, and the listeners (delayed fetches) woken
 * by appends. Single node, so the high watermark is the log end offset; the last stable offset is
 * the first offset of the oldest open transaction, or the high watermark when none is open.
 */
import type { AppendOptions, AppendResult, PartitionLog } from '../log/types';
import type { ReadLease } from '../storage/BufferPool';
import type { FileSystem } from '../storage/FileSystem';
import { BATCH, BatchHeaderView } from '../../protocol/records/batchHeader';
import { ProducerStateManager, lastSequence, type ProducerEntry } from '../produce/ProducerStateManager';
import { TailCache } from './TailCache';
import { PartitionTransactions, type OngoingTxn } from '../log/PartitionTransactions';

export const PRODUCER_STATE_FILE = 'bindery-producer-state.json';

interface Snapshot {
  offset: number;
  maxTimestamp: number;
  maxTimestampOffset: number;
  producers: ProducerEntry[];
  ongoingTxns?: OngoingTxn[];
}

/** Largest piece of one log read (a pooled size class the pool keeps when freed). */
export const LOG_READ_PIECE_BYTES = 1024 * 1024;

export interface PartitionRead {
  /** Whole stored batches, in order; each buffer holds whole batches. */
  chunks: Buffer[];
  bytes: number;
}

export type AppendListener = (partition: Partition, appendedBytes: number) => void;

export class Partition {
  readonly producers = new ProducerStateManager();
  /** Open transactions (the last stable offset) and the aborted-transaction index. */
  readonly txns: PartitionTransactions;
  private readonly tail: TailCache;
  private readonly listeners = new Set<AppendListener>();
  /** Largest record timestamp and the offset of its batch's last record (ListOffsets -3). */
  maxTimestamp = -1;
  maxTimestampOffset = -1;
  /** Appends since the last flush (the flush.ms scheduler skips clean logs). */
  unflushedAppends = 0;
  lastFlushMs = Date.now();
  private appendsSinceSnapshot = 0;
  /** The log end offset the snapshot on disk was taken at; null when there is none (or it was unusable). */
  private snapshotOffset: number | null = null;
  /** Tail of the chain serialising appends that had to wait (recompression). */
  appendChain: Promise<void> | null = null;

  constructor(
    readonly topic: string,
    readonly index: number,
    readonly log: PartitionLog,
    private readonly fs: FileSystem,
    tailCacheBytes: number,
  ) {
    this.tail = new TailCache(tailCacheBytes);
    this.txns = new PartitionTransactions(fs, log.dir);
    this.loadProducerState();
  }

  get logStartOffset(): number {
    return this.log.logStartOffset;
  }
  get logEndOffset(): number {
    return this.log.logEndOffset;
  }
  get highWatermark(): number {
    return this.log.logEndOffset;
  }
  get lastStableOffset(): number {
    return this.txns.firstUnstableOffset() ?? this.log.logEndOffset;
  }

  onAppend(listener: AppendListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Appends validated batches. The buffer becomes the broker's: the log rewrites offsets (and
   * LogAppendTime) in place and the tail cache keeps it.
   */
  append(batches: Buffer, options?: AppendOptions): AppendResult {
    const result = this.log.append(batches, options);
    this.observeTransactions(batches);
    this.afterAppend(batches, result);
    return result;
  }

  /** Transactional batches open a transaction here, markers close it (an abort is indexed). */
  private observeTransactions(stored: Buffer): void {
    const segmentBase = this.activeSegmentBase();
    for (let at = 0; at + 61 <= stored.length; ) {
      const view = new BatchHeaderView(stored, at);
      if (view.isTransactional) this.txns.observe(view, segmentBase, this.log.logEndOffset);
      at += view.sizeInBytes;
    }
  }

  private activeSegmentBase(): number {
    const bases = this.log.segmentBaseOffsets;
    return bases[bases.length - 1] ?? this.log.logStartOffset;
  }

  private afterAppend(stored: Buffer, result: AppendResult): void {
    this.tail.add(stored);
    this.unflushedAppends++;
    this.appendsSinceSnapshot++;
    if (result.maxTimestamp > this.maxTimestamp) {
      this.maxTimestamp = result.maxTimestamp;
      this.maxTimestampOffset = result.lastOffset;
    }
    // Listeners remove themselves when they complete, so iterate over a copy.
    if (this.listeners.size > 0) for (const listener of [...this.listeners]) listener(this, stored.length);
  }

  /**
   * Whole batches from the one containing `offset`, up to `maxBytes` (at least one when `minOne`).
   * With a lease, the buffers are pooled and reused once the lease is released. At most
   * `logReadMaxBytes` come from the log files (the first batch is always whole).
   */
  read(offset: number, maxBytes: number, minOne: boolean, lease?: ReadLease, logReadMaxBytes = Infinity): PartitionRead {
    const cached = this.tail.read(offset, maxBytes, minOne, lease);
    if (cached) return { chunks: cached, bytes: cached.reduce((n, b) => n + b.length, 0) };
    maxBytes = Math.min(maxBytes, logReadMaxBytes);
    const chunks: Buffer[] = [];
    let bytes = 0;
    let at = offset;
    // Pieces of at most LOG_READ_PIECE_BYTES: a large fetch is served whole from buffers the pool
    // keeps, instead of one large buffer per fetch. A batch larger than a piece is read whole.
    while (at < this.log.logEndOffset) {
      const room = maxBytes - bytes;
      const firstBatch = minOne && chunks.length === 0;
      if (room <= 0 && !firstBatch) break;
      const read = this.log.read(at, Math.max(1, Math.min(room, LOG_READ_PIECE_BYTES)), undefined, lease?.alloc);
      let records = read.records;
      const trimmed = !firstBatch && records.length > room;
      if (trimmed) records = wholeBatchesWithin(records, room);
      if (records.length > 0) chunks.push(records);
      bytes += records.length;
      if (trimmed || records.length === 0) break;
      at = read.nextOffset;
    }
    return { chunks, bytes };
  }

  /**
   * The largest timestamp still in the log and its offset (ListOffsets -3), or null when empty.
   * When retention removed the batch that held it, the log's batch headers are scanned again.
   */
  maxTimestampInLog(): { timestamp: number; offset: number } | null {
    if (this.log.logEndOffset === this.log.logStartOffset) return null;
    if (this.maxTimestampOffset < this.log.logStartOffset) {
      this.maxTimestamp = -1;
      this.maxTimestampOffset = -1;
      this.scanHeaders(this.log.logStartOffset, (view) => this.trackMaxTimestamp(view));
    }
    return this.maxTimestampOffset < 0 ? null : { timestamp: this.maxTimestamp, offset: this.maxTimestampOffset };
  }

  /** After retention, DeleteRecords or truncation moved the log's bounds. */
  logBoundsChanged(): void {
    this.txns.retain(this.log.logStartOffset, this.log.logEndOffset, this.log.segmentBaseOffsets);
    this.tail.dropBefore(this.log.logStartOffset);
    if (this.log.logEndOffset < (this.tail.firstOffset ?? 0)) this.tail.clear();
  }

  /**
   * After the log cleaner rewrote inactive segments: the log start stays, but batches kept in
   * memory may still hold records compaction removed, so reads go to the log again.
   */
  logCompacted(): void {
    this.txns.index.rewrite(this.log.segmentBaseOffsets);
    this.tail.clear();
  }

  flush(nowMs = Date.now()): void {
    this.log.flush();
    this.unflushedAppends = 0;
    this.lastFlushMs = nowMs;
  }

  private get snapshotPath(): string {
    return `${this.log.dir}/${PRODUCER_STATE_FILE}`;
  }

  /**
   * Writes the producer state snapshot so a restart replays only what follows it. It is written
   * without fsyncs: the loader checks it against the log and rebuilds the state from the log
   * when a crash left it missing, stale or torn, so it saves replay time, never holds data.
   */
  writeSnapshot(): void {
    const snap: Snapshot = {
      offset: this.log.logEndOffset,
      maxTimestamp: this.maxTimestamp,
      maxTimestampOffset: this.maxTimestampOffset,
      producers: this.producers.entries(),
      ongoingTxns: this.txns.toJSON(),
    };
    this.fs.writeFileAtomic(this.snapshotPath, Buffer.from(JSON.stringify(snap)), { durable: false });
    this.appendsSinceSnapshot = 0;
    this.snapshotOffset = snap.offset;
  }

  /** Expires idle producers, then writes a snapshot when anything changed since the last one. */
  snapshotIfChanged(producerExpiredBeforeMs = -Infinity): void {
    const expired = this.producers.expire(producerExpiredBeforeMs);
    if (this.appendsSinceSnapshot > 0 || expired > 0) this.writeSnapshot();
  }

  removeSnapshot(): void {
    if (this.fs.exists(this.snapshotPath)) this.fs.remove(this.snapshotPath);
    this.snapshotOffset = null;
  }

  /** Snapshots producer state and drops listeners; the log itself is closed by its directory. */
  close(): void {
    // A partition never written has no directory yet (its log makes it on the first append), and
    // no producer state to keep; one unchanged since its snapshot keeps that one.
    const unchanged = this.appendsSinceSnapshot === 0 && this.snapshotOffset === this.log.logEndOffset;
    if (!unchanged && this.fs.exists(this.log.dir)) this.writeSnapshot();
    this.listeners.clear();
  }

  /** Forgets in-memory state and the snapshot before the log is deleted. */
  delete(): void {
    this.listeners.clear();
    this.tail.clear();
    this.removeSnapshot();
  }

  private loadProducerState(): void {
    let from = this.log.logStartOffset;
    const raw = this.fs.readFile(this.snapshotPath);
    if (raw) {
      try {
        const snap = JSON.parse(raw.toString('utf8')) as Snapshot;
        if (snap.offset <= this.log.logEndOffset && Array.isArray(snap.producers)) {
          this.producers.load(snap.producers);
          this.txns.load(snap.ongoingTxns);
          this.maxTimestamp = snap.maxTimestamp;
          this.maxTimestampOffset = snap.maxTimestampOffset;
          from = Math.max(snap.offset, this.log.logStartOffset);
          this.snapshotOffset = snap.offset;
        }
      } catch {
        // An unreadable snapshot is rebuilt from the log below.
      }
    }
    this.replay(from);
  }

  /** Calls `visit` with the header of every batch in [from, logEndOffset). */
  private scanHeaders(from: number, visit: (view: BatchHeaderView) => void): void {
    let offset = from;
    const end = this.log.logEndOffset;
    for (let guard = 0; offset < end && guard < 1e7; guard++) {
      const { records, nextOffset } = this.log.read(offset, 1 << 20);
      if (records.length === 0 || nextOffset <= offset) break;
      for (let at = 0; at + BATCH.HEADER_SIZE <= records.length; ) {
        const view = new BatchHeaderView(records, at);
        if (view.lastOffset >= offset) visit(view);
        at += view.sizeInBytes;
      }
      offset = nextOffset;
    }
  }

  private segmentBaseOf(offset: number): number {
    let base = this.log.logStartOffset;
    for (const b of this.log.segmentBaseOffsets) if (b <= offset) base = b;
    return base;
  }

  private trackMaxTimestamp(view: BatchHeaderView): void {
    if (view.maxTimestamp > this.maxTimestamp) {
      this.maxTimestamp = view.maxTimestamp;
      this.maxTimestampOffset = view.lastOffset;
    }
  }

  /** Rebuilds producer state and the max timestamp from batch headers in [from, logEndOffset). */
  private replay(from: number): void {
    this.scanHeaders(from, (view) => this.replayBatch(view));
  }

  private replayBatch(view: BatchHeaderView): void {
    this.trackMaxTimestamp(view);
    if (view.isTransactional) this.txns.observe(view, this.segmentBaseOf(view.baseOffset), view.lastOffset + 1);
    if (view.producerId < 0) return;
    if (view.isControl) return this.producers.markerAppended(view.producerId, view.producerEpoch);
    this.producers.update(view.producerId, view.producerEpoch, {
      firstSeq: view.baseSequence,
      lastSeq: lastSequence(view.baseSequence, view.lastOffsetDelta),
      firstOffset: view.baseOffset,
      lastOffset: view.lastOffset,
      maxTimestamp: view.maxTimestamp,
    });
  }
}

/** The longest prefix of whole batches that fits in `maxBytes`. */
export function wholeBatchesWithin(records: Buffer, maxBytes: number): Buffer {
  let at = 0;
  while (at + BATCH.LOG_OVERHEAD <= records.length) {
    const size = new BatchHeaderView(records, at).sizeInBytes;
    if (at + size > maxBytes) break;
    at += size;
  }
  return records.subarray(0, at);
}
