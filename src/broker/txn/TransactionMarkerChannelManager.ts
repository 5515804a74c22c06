/**
 * Completes decided transactions (Kafka's TransactionMarkerChannelManager): once PrepareCommit or
 * PrepareAbort is in `__transaction_state`, the COMMIT/ABORT marker goes to every partition of the
 * transaction, then CompleteCommit/CompleteAbort is written. The decision cannot be taken back, so
 * a write that fails (a full or failing disk) is tried again, with a backoff doubling up to a
 * bound, until it succeeds or the broker closes; each partition's marker is written once, and the
 * failure is logged once per transaction. A restart completes what a closed broker left decided.
 *
 *   const markers = new TransactionMarkerChannelManager(states, log, clock, logger, backoff, onMarkersWritten);
 *   const completedNow = await markers.complete(m, true);   // false: retried in the background
 */
import { toErrorResult } from '../BrokerRequestError';
import type { CoordinatorClock, TimerHandle } from '../group/CoordinatorClock';
import type { Logger } from '../../logging';
import type { TransactionMetadata } from './TransactionMetadata';
import { TransactionState } from './TransactionState';
import type { TransactionStateManager } from './TransactionStateManager';
import type { TxnLogAccess } from './types';

const S = TransactionState;

export interface MarkerRetryBackoff {
  /** transactionMarkerRetryBackoffMs: the first wait after a failure. */
  initialMs: number;
  /** transactionMarkerRetryBackoffMaxMs: the longest wait. */
  maxMs: number;
}

interface PendingRetry {
  /** Failed tries of this transaction so far. */
  failures: number;
  timer: TimerHandle;
}

export class TransactionMarkerChannelManager {
  /** Transactions whose completion failed and waits for its next try, by transactional id. */
  private readonly retries = new Map<string, PendingRetry>();
  private running = true;

  constructor(
    private readonly states: TransactionStateManager,
    private readonly log: TxnLogAccess,
    private readonly clock: CoordinatorClock,
    private readonly logger: Logger,
    private readonly backoff: MarkerRetryBackoff,
    /** Told once every marker of a transaction is written (its committed offsets become visible). */
    private readonly onMarkersWritten: (m: TransactionMetadata, commit: boolean) => void,
  ) {}

  /**
   * Writes the markers and the completion of a transaction in PrepareCommit/PrepareAbort. True
   * when it completed now; false when a write failed and it is tried again later (never throws).
   */
  async complete(m: TransactionMetadata, commit: boolean): Promise<boolean> {
    try {
      await this.writeMarkersAndCompletion(m, commit);
      return true;
    } catch (err) {
      this.retryLater(m, commit, err);
      return false;
    }
  }

  /** Stops the retries (the broker closes); what stays decided is completed at the next start-up. */
  shutdown(): void {
    this.running = false;
    for (const pending of this.retries.values()) pending.timer.cancel();
    this.retries.clear();
  }

  private async writeMarkersAndCompletion(m: TransactionMetadata, commit: boolean): Promise<void> {
    const marker = { producerId: m.producerId, producerEpoch: m.producerEpoch, commit, timestamp: this.clock.now() };
    for (const [key, part] of [...m.partitions]) {
      await this.log.writeMarker(part.topic, part.partition, marker);
      // Written: a retry leaves this partition alone (Kafka removes it from the transaction likewise).
      m.partitions.delete(key);
    }
    this.onMarkersWritten(m, commit);
    const restore = m.snapshot();
    m.transitionTo(commit ? S.CompleteCommit : S.CompleteAbort, this.clock.now());
    if (m.nextProducerId !== -1) {
      // The epoch bump of this EndTxn overflowed: the producer continues under the new id.
      m.prevProducerId = m.producerId;
      m.producerId = m.nextProducerId;
      m.producerEpoch = 0;
      m.nextProducerId = -1;
    }
    try {
      await this.states.persist(m);
    } catch (err) {
      // Still decided, not complete, until the completion is in the log.
      restore();
      throw err;
    }
  }

  private retryLater(m: TransactionMetadata, commit: boolean, err: unknown): void {
    const failures = (this.retries.get(m.transactionalId)?.failures ?? 0) + 1;
    if (failures === 1) {
      const markersPending = m.partitions.size > 0;
      this.logger.warn(
        `the ${commit ? 'commit' : 'abort'} of transactional id ${m.transactionalId} (producer ${m.producerId}) is decided, but writing its ` +
          `${markersPending ? 'markers' : 'completion record'} failed: ${toErrorResult(err).errorMessage}; it is retried until the write succeeds` +
          `${markersPending ? ' (read_committed consumers of its partitions wait meanwhile)' : ''}: free disk space or check the disk`,
      );
    }
    if (!this.running) return;
    const delayMs = Math.min(this.backoff.initialMs * 2 ** Math.min(failures - 1, 30), this.backoff.maxMs);
    const timer = this.clock.schedule(delayMs, () => void this.retry(m, commit));
    this.retries.set(m.transactionalId, { failures, timer });
  }

  private async retry(m: TransactionMetadata, commit: boolean): Promise<void> {
    const decided = commit ? S.PrepareCommit : S.PrepareAbort;
    if (!this.running || this.states.get(m.transactionalId) !== m || m.state !== decided) {
      this.retries.delete(m.transactionalId);
      return;
    }
    try {
      await this.writeMarkersAndCompletion(m, commit);
    } catch (err) {
      this.retryLater(m, commit, err);
      return;
    }
    const failures = this.retries.get(m.transactionalId)?.failures ?? 0;
    this.retries.delete(m.transactionalId);
    this.logger.info(`the ${commit ? 'commit' : 'abort'} of transactional id ${m.transactionalId} completed after ${failures} failed tries`);
  }
}
