/**
 * What the log cleaner knows of transactions while it walks a range of the log in offset order
 * (Kafka's CleanedTransactionMetadata): which batches belong to aborted transactions (removed, and
 * never entered in the offset map), and whether a marker may go. A marker stays while its
 * transaction still had batches in this pass; once a pass finds none, it may be removed (after
 * delete.retention.ms, see LogCleaner), so removing a transaction's data and its marker takes two
 * passes, and a reader that saw the data also sees the marker.
 */
import type { BatchHeaderView } from '../../protocol/records/batchHeader';
import { ControlRecordType, controlRecordType } from '../../protocol/records/controlRecord';
import type { AbortedTxn } from './TransactionIndex';

interface OngoingAbortedTxn {
  txn: AbortedTxn;
  /** Whether this pass met a batch of the transaction. */
  batchSeen: boolean;
}

export class CleanedTransactionMetadata {
  /** Aborted transactions not reached yet, by first offset. */
  private readonly pending: AbortedTxn[];
  private readonly ongoingAborted = new Map<number, OngoingAbortedTxn>();
  private readonly ongoingCommitted = new Set<number>();
  /** Aborted transactions whose marker this pass met after removing some of their data: their index entries stay. */
  readonly retainedAborted: AbortedTxn[] = [];
  /** Aborted transactions whose marker this pass met with no data of theirs left: their index entries go. */
  readonly finishedAborted: AbortedTxn[] = [];

  constructor(abortedTxns: readonly AbortedTxn[]) {
    this.pending = [...abortedTxns].sort((a, b) => a.firstOffset - b.firstOffset);
  }

  /** A data batch was read; true when it belongs to an aborted transaction (it can be discarded). */
  onBatchRead(batch: BatchHeaderView): boolean {
    this.consumeAbortedUpTo(batch.lastOffset);
    if (!batch.isTransactional) return false;
    const aborted = this.ongoingAborted.get(batch.producerId);
    if (aborted) {
      aborted.batchSeen = true;
      return true;
    }
    this.ongoingCommitted.add(batch.producerId);
    return false;
  }

  /** A control batch was read; true when no data of its transaction was met in this pass (the marker can go). */
  onControlBatchRead(batch: BatchHeaderView): boolean {
    this.consumeAbortedUpTo(batch.lastOffset);
    // an empty control batch was cleaned already
    if (batch.recordsCount === 0) return true;
    const type = controlRecordType(batch);
    if (type === ControlRecordType.ABORT) {
      const aborted = this.ongoingAborted.get(batch.producerId);
      this.ongoingAborted.delete(batch.producerId);
      if (aborted?.batchSeen) {
        this.retainedAborted.push(aborted.txn);
        return false;
      }
      if (aborted) this.finishedAborted.push(aborted.txn);
      return true;
    }
    if (type === ControlRecordType.COMMIT) return !this.ongoingCommitted.delete(batch.producerId);
    return false;
  }

  private consumeAbortedUpTo(offset: number): void {
    while (this.pending.length > 0 && this.pending[0].firstOffset <= offset) {
      const txn = this.pending.shift()!;
      if (!this.ongoingAborted.has(txn.producerId)) this.ongoingAborted.set(txn.producerId, { txn, batchSeen: false });
    }
  }
}
