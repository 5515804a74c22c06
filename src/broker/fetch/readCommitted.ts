/**
 * read_committed (isolation level 1): a fetch returns only batches below the last stable offset,
 * and lists the aborted transactions overlapping them so the client drops their records.
 */
import { BatchHeaderView } from '../../protocol/records/batchHeader';
import type { Partition } from '../partition/Partition';

export const READ_COMMITTED = 1;

/** The chunks cut at the first batch starting at or after `upperBoundOffset` (whole batches only). */
export function batchesBelow(chunks: Buffer[], upperBoundOffset: number): Buffer[] {
  const kept: Buffer[] = [];
  for (const chunk of chunks) {
    let at = 0;
    while (at + 61 <= chunk.length) {
      const view = new BatchHeaderView(chunk, at);
      if (view.baseOffset >= upperBoundOffset) break;
      at += view.sizeInBytes;
    }
    if (at > 0) kept.push(at === chunk.length ? chunk : chunk.subarray(0, at));
    if (at < chunk.length) break;
  }
  return kept;
}

/** Aborted transactions with records in [fetchOffset, upperBoundOffset), as Fetch returns them. */
export function abortedTransactions(partition: Partition, fetchOffset: number, upperBoundOffset: number): { producerId: number; firstOffset: number }[] {
  return partition.txns.aborted(fetchOffset, upperBoundOffset).map((t) => ({ producerId: t.producerId, firstOffset: t.firstOffset }));
}
