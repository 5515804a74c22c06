/**
 * The transaction coordinator's state (Kafka's TransactionStateManager): every transactional id's
 * metadata in memory, each change written first to its `__transaction_state` partition (a
 * compacted topic: the newest record per id is its state), and reloaded from there at start-up.
 */
import type { CoordinatorRecord, OffsetsPartitionStore } from '../group/offsetsTopic/OffsetsPartitionStore';
import { decodeTransactionLogKey, decodeTransactionLogValue, encodeTransactionLogKey, encodeTransactionLogValue, transactionLogPartitionFor } from './TransactionLog';
import type { TransactionMetadata } from './TransactionMetadata';
import { TransactionState } from './TransactionState';

/** States in which a transactional id may expire (Kafka's isExpirationAllowed): no transaction open or completing. */
const EXPIRATION_ALLOWED: ReadonlySet<TransactionState> = new Set([TransactionState.Empty, TransactionState.CompleteCommit, TransactionState.CompleteAbort]);

export class TransactionStateManager {
  private readonly byId = new Map<string, TransactionMetadata>();

  constructor(
    /** The partitions of `__transaction_state` (the same record store the group coordinator uses for its topic). */
    private readonly store: OffsetsPartitionStore,
    readonly partitionCount: number,
    /** TransactionLogValue version written (both are read). */
    private readonly valueVersion = 0,
  ) {}

  partitionFor(transactionalId: string): number {
    return transactionLogPartitionFor(transactionalId, this.partitionCount);
  }

  get(transactionalId: string): TransactionMetadata | undefined {
    return this.byId.get(transactionalId);
  }

  all(): TransactionMetadata[] {
    return [...this.byId.values()];
  }

  /** Writes the metadata's current state to the log, then keeps it; throws (changing nothing kept) when the write fails. */
  async persist(metadata: TransactionMetadata): Promise<void> {
    const record: CoordinatorRecord = { key: encodeTransactionLogKey(metadata.transactionalId), value: encodeTransactionLogValue(metadata, this.valueVersion) };
    await this.store.append(this.partitionFor(metadata.transactionalId), [record]);
    this.byId.set(metadata.transactionalId, metadata);
  }

  /**
   * Kafka's removeExpiredTransactionalIds: every id with no transaction open or completing and no
   * update for `expirationMs` is removed; its next InitProducerId starts afresh with a new producer
   * id. Returns how many went; a failed removal is reported and retried at the next call.
   */
  async removeExpired(nowMs: number, expirationMs: number, onFailure: (transactionalId: string, err: unknown) => void): Promise<number> {
    let removed = 0;
    for (const m of this.all()) {
      if (!EXPIRATION_ALLOWED.has(m.state) || m.txnLastUpdateTimestamp > nowMs - expirationMs) continue;
      try {
        await this.expire(m, nowMs);
        removed++;
      } catch (err) {
        onFailure(m.transactionalId, err);
      }
    }
    return removed;
  }

  /**
   * One id: marked Dead (so no request changes it meanwhile), its tombstone written, then
   * forgotten. When the write fails it is left as it was.
   */
  private async expire(metadata: TransactionMetadata, nowMs: number): Promise<void> {
    const { state, txnLastUpdateTimestamp } = metadata;
    metadata.transitionTo(TransactionState.Dead, nowMs);
    try {
      await this.store.append(this.partitionFor(metadata.transactionalId), [{ key: encodeTransactionLogKey(metadata.transactionalId), value: null }]);
    } catch (err) {
      metadata.state = state;
      metadata.txnLastUpdateTimestamp = txnLastUpdateTimestamp;
      throw err;
    }
    if (this.byId.get(metadata.transactionalId) === metadata) this.byId.delete(metadata.transactionalId);
  }

  /** Reads every partition; the newest record of each id wins, a tombstone removes it. Returns how many ids were loaded. */
  async load(): Promise<number> {
    this.byId.clear();
    for (let p = 0; p < this.partitionCount; p++) {
      for (const record of await this.store.readAll(p)) {
        const id = decodeTransactionLogKey(record.key);
        if (id === null) continue;
        if (record.value === null) this.byId.delete(id);
        else this.byId.set(id, decodeTransactionLogValue(id, record.value));
      }
    }
    return this.byId.size;
  }
}
