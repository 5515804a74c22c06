/**
 * The transactional side of one partition's log (Kafka keeps it in ProducerStateManager and
 * UnifiedLog): the transactions still open here (producer id → offset of its first record), which
 * give the last stable offset, and the aborted-transaction index. Fed with every appended batch
 * header, at append time and when the log is replayed at start-up.
 */
import type { BatchHeaderView } from '../../protocol/records/batchHeader';
import { ControlRecordType, controlRecordType } from '../../protocol/records/controlRecord';
import type { FileSystem } from '../storage/FileSystem';
import { TransactionIndex, type AbortedTxn } from './TransactionIndex';

export interface OngoingTxn {
  producerId: number;
  firstOffset: number;
}

export class PartitionTransactions {
  /** Open transactions, in the order they started (so the first holds the lowest first offset). */
  private readonly ongoing = new Map<number, number>();
  readonly index: TransactionIndex;

  constructor(fs: FileSystem, dir: string) {
    this.index = new TransactionIndex(fs, dir);
  }

  /** Offset of the first record of the oldest open transaction, or null when none is open. */
  firstUnstableOffset(): number | null {
    let first: number | null = null;
    for (const offset of this.ongoing.values()) if (first === null || offset < first) first = offset;
    return first;
  }

  get hasOngoing(): boolean {
    return this.ongoing.size > 0;
  }

  isOngoing(producerId: number): boolean {
    return this.ongoing.has(producerId);
  }

  /** Offset of the first record of this producer's open transaction here, or -1. */
  startOffsetOf(producerId: number): number {
    return this.ongoing.get(producerId) ?? -1;
  }

  /**
   * Takes note of an appended (or replayed) batch. `segmentBaseOffset` names the segment it went to,
   * where an abort is indexed; `logEndOffset` is the log end after it.
   */
  observe(view: BatchHeaderView, segmentBaseOffset: number, logEndOffset: number): void {
    if (!view.isTransactional || view.producerId < 0) return;
    if (!view.isControl) {
      if (!this.ongoing.has(view.producerId)) this.ongoing.set(view.producerId, view.baseOffset);
      return;
    }
    const firstOffset = this.ongoing.get(view.producerId);
    const type = controlRecordType(view);
    this.ongoing.delete(view.producerId);
    if (type === ControlRecordType.ABORT && firstOffset !== undefined) {
      const lastStableOffset = this.firstUnstableOffset() ?? logEndOffset;
      this.index.append({ producerId: view.producerId, firstOffset, lastOffset: view.baseOffset, lastStableOffset }, segmentBaseOffset);
    }
  }

  aborted(fetchOffset: number, upperBoundOffset: number): AbortedTxn[] {
    return this.index.collect(fetchOffset, upperBoundOffset);
  }

  /** The log cleaner removed every record of these aborted transactions: reads need not hear of them. */
  forgetAborted(txns: readonly AbortedTxn[]): void {
    this.index.forget(txns);
  }

  toJSON(): OngoingTxn[] {
    return [...this.ongoing].map(([producerId, firstOffset]) => ({ producerId, firstOffset }));
  }

  load(entries: readonly OngoingTxn[] | undefined): void {
    this.ongoing.clear();
    for (const e of entries ?? []) this.ongoing.set(e.producerId, e.firstOffset);
  }

  /** After truncation or retention: open transactions that started past the log end are gone. */
  retain(logStartOffset: number, logEndOffset: number, segmentBaseOffsets: readonly number[]): void {
    for (const [pid, first] of this.ongoing) if (first >= logEndOffset) this.ongoing.delete(pid);
    this.index.retain(logStartOffset, logEndOffset, segmentBaseOffsets);
  }

  clear(): void {
    this.ongoing.clear();
    this.index.clear();
  }
}
