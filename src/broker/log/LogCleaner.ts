import { BatchHeaderView } from '../../protocol/records/batchHeader';
import type { Log } from './Log';
import { LogSegment, type SegmentAppendBatch } from './LogSegment';
import { CleanedTransactionMetadata } from './CleanedTransactionMetadata';
import { addToOffsetMap, compactBatch, deleteHorizonOf, withDeleteHorizon, type OffsetMap } from './compactBatch';
import { defaultLogger, type Logger } from '../../logging';
import { CLEANED_SUFFIX, DELETED_SUFFIX, SWAP_SUFFIX } from './fileNames';
import { segmentChunks } from './segmentChunks';
import type { AbortedTxn } from './TransactionIndex';

export interface LogCleanerOptions {
  logger?: Logger;
  now?: () => number;
  /** Bytes read per step before yielding to the event loop. */
  stepBytes?: number;
}

/** The transactional state of the partition whose log is cleaned (its PartitionTransactions). */
export interface CleanerTransactions {
  /** First offset of the oldest open transaction (the last stable offset), or null when none is open. */
  firstUnstableOffset(): number | null;
  /** Aborted transactions that may have records in [fromOffset, upperBoundOffset). */
  aborted(fromOffset: number, upperBoundOffset: number): AbortedTxn[];
  /** Aborted transactions the cleaner found without data left: their index entries are no longer needed. */
  forgetAborted(txns: readonly AbortedTxn[]): void;
}

const NO_TRANSACTIONS: CleanerTransactions = { firstUnstableOffset: () => null, aborted: () => [], forgetAborted: () => undefined };

export interface CleanResult {
  segmentsCleaned: number;
  recordsRemoved: number;
  bytesBefore: number;
  bytesAfter: number;
  /** The log changed underneath (truncation, retention, close) and the cleaning was dropped. */
  aborted: boolean;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Compaction (cleanup.policy=compact), Kafka's LogCleaner: keeps the latest record per key in the
 * inactive segments, drops tombstones older than delete.retention.ms (by record timestamp), and
 * rewrites whole batches keeping the original offsets. It works in small asynchronous steps, so
 * appends and reads carry on meanwhile; the active segment is never touched. Each group of
 * cleaned segments is written as `.cleaned`, renamed to `.swap` once durable, and swapped in
 * atomically on the event loop (a crash mid-swap is finished at the next startup).
 *
 * Transactions as in Kafka: only segments below the last stable offset are cleaned; records of
 * aborted transactions are removed and left out of the offset map; a marker stays while its
 * transaction has data, then gets a delete horizon (now + delete.retention.ms) and goes in a
 * later pass past it (CleanedTransactionMetadata).
 */
export class LogCleaner {
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly stepBytes: number;
  private readonly cleaning = new WeakSet<Log>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> = Promise.resolve();

  constructor(options: LogCleanerOptions = {}) {
    this.logger = options.logger ?? defaultLogger();
    this.now = options.now ?? Date.now;
    this.stepBytes = options.stepBytes ?? 256 * 1024;
  }

  /** Cleans `log` once; a no-op unless its cleanup.policy includes compact. `nowMs` sets the tombstone and marker horizons. */
  async clean(log: Log, nowMs: number = this.now(), txns: CleanerTransactions = NO_TRANSACTIONS): Promise<CleanResult> {
    const result: CleanResult = { segmentsCleaned: 0, recordsRemoved: 0, bytesBefore: 0, bytesAfter: 0, aborted: false };
    if (!log.config.cleanupPolicy.split(',').includes('compact') || this.cleaning.has(log)) return result;
    this.cleaning.add(log);
    const generation = log.generation;
    const stale = () => log.generation !== generation;
    try {
      // the outcome of an open transaction is unknown: nothing from its first record on is cleaned
      const lastStableOffset = txns.firstUnstableOffset() ?? Infinity;
      const segments = log.inactiveSegments().filter((s) => s.nextOffset <= lastStableOffset);
      if (segments.length === 0) return result;
      const latest: OffsetMap = new Map();
      const mapTxns = new CleanedTransactionMetadata(txns.aborted(segments[0].baseOffset, segments[segments.length - 1].nextOffset));
      for (const seg of segments) {
        for (const batches of segmentChunks(seg, this.stepBytes)) {
          for (const b of batches) await addToOffsetMap(latest, b, mapTxns);
          await yieldToEventLoop();
          if (stale()) return { ...result, aborted: true };
        }
      }
      for (const group of groupBySize(segments, log.config.segmentBytes)) {
        const done = await this.cleanGroup(log, group, { latest, nowMs, txns }, stale, result);
        if (!done) return { ...result, aborted: true };
      }
      return result;
    } catch (err) {
      // a log closed or deleted meanwhile may take the files being read or written with it
      if (stale()) return { ...result, aborted: true };
      throw err;
    } finally {
      this.cleaning.delete(log);
    }
  }

  private async cleanGroup(log: Log, group: LogSegment[], pass: CleaningPass, stale: () => boolean, result: CleanResult): Promise<boolean> {
    const fs = log.fileSystem;
    const { latest, nowMs, txns } = pass;
    const tombstoneHorizonMs = nowMs - log.config.deleteRetentionMs;
    const groupTxns = new CleanedTransactionMetadata(txns.aborted(group[0].baseOffset, group[group.length - 1].nextOffset));
    const cleaned = LogSegment.create(fs, log.dir, group[0].baseOffset, log.config, CLEANED_SUFFIX);
    cleaned.activate();
    let removed = 0;
    try {
      for (const seg of group) {
        for (const batches of segmentChunks(seg, this.stepBytes)) {
          const out: Buffer[] = [];
          for (const b of batches) {
            const view = new BatchHeaderView(b);
            if (view.isControl) {
              const marker = retainMarker(b, groupTxns.onControlBatchRead(view), nowMs, log.config.deleteRetentionMs);
              if (marker) out.push(marker);
              else removed += view.recordsCount;
            } else if (groupTxns.onBatchRead(view)) {
              removed += view.recordsCount;
            } else {
              const c = await compactBatch(b, { latest, tombstoneHorizonMs });
              removed += c.removedRecords;
              if (c.bytes) out.push(c.bytes);
            }
          }
          if (out.length > 0) appendBatches(cleaned, out);
          await yieldToEventLoop();
          if (stale()) throw new Error('stale');
        }
      }
      cleaned.onBecomeInactive();
      cleaned.flush();
    } catch (err) {
      cleaned.delete();
      if ((err as Error).message === 'stale') return false;
      throw err;
    }
    // from here on everything is synchronous: no append, read or truncation can interleave
    const before = group.reduce((n, s) => n + s.size, 0);
    const cleanedFiles = cleaned.files();
    cleaned.close();
    if (stale()) {
      for (const f of Object.values(cleanedFiles)) fs.remove(f);
      return false;
    }
    // the output is swapped in even when empty: as in Kafka, compaction never moves the log start
    // offset, so the group's base offset stays as a (possibly empty) segment
    const swapFiles = mapFiles(cleanedFiles, (f) => f.slice(0, -CLEANED_SUFFIX.length) + SWAP_SUFFIX);
    for (const k of keys(cleanedFiles)) fs.rename(cleanedFiles[k], swapFiles[k]);
    for (const seg of group) {
      seg.closeFiles();
      for (const f of Object.values(seg.files())) if (fs.exists(f)) fs.rename(f, f + DELETED_SUFFIX);
    }
    for (const k of keys(swapFiles)) fs.rename(swapFiles[k], swapFiles[k].slice(0, -SWAP_SUFFIX.length));
    const opened = LogSegment.open(fs, log.dir, group[0].baseOffset, log.config);
    if (!opened.indexesOk) opened.segment.recover();
    const replacement = opened.segment;
    log.replaceSegments(group, replacement);
    txns.forgetAborted(groupTxns.finishedAborted);
    for (const seg of group) for (const f of Object.values(seg.files())) fs.remove(f + DELETED_SUFFIX);
    result.segmentsCleaned += group.length;
    result.recordsRemoved += removed;
    result.bytesBefore += before;
    result.bytesAfter += replacement.size;
    return true;
  }

  /** Cleans every compacted log from `logs()` every `intervalMs`, one log at a time, in the background. */
  start(logs: () => Iterable<Log>, intervalMs = 15_000): void {
    if (this.timer) return;
    const tick = () => {
      this.running = (async () => {
        for (const log of logs()) {
          try {
            await this.clean(log);
          } catch (err) {
            this.logger.warn(`${log.dir}: compaction failed and will be retried: ${(err as Error).message}`);
          }
        }
      })();
      this.running.finally(() => {
        if (this.timer) this.timer = setTimeout(tick, intervalMs).unref();
      });
    };
    this.timer = setTimeout(tick, intervalMs).unref();
  }

  /** Stops the background loop and waits for a cleaning in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running.catch(() => undefined);
  }
}

interface CleaningPass {
  latest: OffsetMap;
  nowMs: number;
  txns: CleanerTransactions;
}

/**
 * What becomes of a transaction marker (Kafka's checkBatchRetention for control batches): kept
 * while its transaction has data; once it has none, stamped with a delete horizon, and removed
 * (null) by a pass past that horizon.
 */
function retainMarker(stored: Buffer, discardable: boolean, nowMs: number, deleteRetentionMs: number): Buffer | null {
  if (!discardable) return stored;
  const horizon = deleteHorizonOf(new BatchHeaderView(stored));
  if (horizon === null) return withDeleteHorizon(stored, nowMs + deleteRetentionMs);
  return horizon <= nowMs ? null : stored;
}

/**
 * Consecutive segments whose total size stays within segment.bytes and whose offsets stay within
 * the int32 range an index can hold relative to the group's base (each group becomes one segment).
 */
function groupBySize(segments: LogSegment[], maxBytes: number): LogSegment[][] {
  const groups: LogSegment[][] = [];
  let current: LogSegment[] = [];
  let size = 0;
  for (const seg of segments) {
    const offsetsOverflow = current.length > 0 && seg.nextOffset - 1 - current[0].baseOffset > 0x7fffffff;
    if (current.length > 0 && (size + seg.size > maxBytes || offsetsOverflow)) {
      groups.push(current);
      current = [];
      size = 0;
    }
    current.push(seg);
    size += seg.size;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

function appendBatches(segment: LogSegment, batches: Buffer[]): void {
  const data = batches.length === 1 ? batches[0] : Buffer.concat(batches);
  const spans: SegmentAppendBatch[] = [];
  let at = 0;
  for (const b of batches) {
    const view = new BatchHeaderView(b);
    spans.push({ at, size: b.length, lastOffset: view.lastOffset, maxTimestamp: view.maxTimestamp });
    at += b.length;
  }
  segment.append(data, spans);
}

type SegmentFiles = { log: string; index: string; timeIndex: string };
const keys = (f: SegmentFiles) => Object.keys(f) as Array<keyof SegmentFiles>;
function mapFiles(f: SegmentFiles, fn: (p: string) => string): SegmentFiles {
  return { log: fn(f.log), index: fn(f.index), timeIndex: fn(f.timeIndex) };
}
