/**
 * Sends outside any transaction to a binding with `producer.transactionIdPrefix` run in a
 * transaction of their own, as Spring Cloud Stream's Kafka binder runs them (executeInTransaction,
 * unless `allowNonTransactional`). The sends made while its first send is in flight join it; once
 * that one is acknowledged no more join (a steady stream would otherwise hold one transaction open,
 * its records invisible, until the broker aborts it at its timeout). It commits once every send it
 * holds is acknowledged, and each send resolves only after that commit, so a resolved send is
 * visible to read_committed consumers. One transaction per binder and prefix gathers sends at a
 * time; the next one opens on another producer of the pool, and its sends go out only after the
 * previous one's have settled, so sends keep the order they were made in. A failed send aborts its
 * transaction: the other sends of it reject too.
 */
import type { Binder, OutboundRecord, SendResult } from '../../binder/Binder';
import type { ProducerConfig } from '../config/types';
import { LocalTransactionAbortedError } from './errors';
import type { ActiveTransaction } from './TransactionScope';

export class LocalTransactions {
  /** The latest transaction by binder and prefix: new sends join it while it gathers. */
  private readonly latest = new Map<Binder, Map<string, LocalTransaction>>();
  /** Transactions not yet ended (gathering or committing), for close(). */
  private readonly unfinished = new Set<Promise<void>>();

  constructor(private readonly newTransaction: () => ActiveTransaction) {}

  send(prefix: string, destination: string, record: OutboundRecord, binder: Binder, producer: ProducerConfig): Promise<SendResult> {
    let byPrefix = this.latest.get(binder);
    if (!byPrefix) this.latest.set(binder, (byPrefix = new Map()));
    const joined = byPrefix.get(prefix);
    if (joined?.gathering) return joined.send(destination, record, binder, producer);
    const opened = new LocalTransaction(this.newTransaction(), joined?.sent ?? Promise.resolve());
    byPrefix.set(prefix, opened);
    const result = opened.send(destination, record, binder, producer);
    // Watched here too: when every send of it failed, nothing else awaits its end.
    const ended = opened.ended.catch(() => undefined);
    this.unfinished.add(ended);
    void ended.then(() => this.unfinished.delete(ended));
    return result;
  }

  /** Resolves when every transaction begun so far has committed or aborted. */
  async drain(): Promise<void> {
    while (this.unfinished.size > 0) await Promise.all([...this.unfinished]);
  }
}

class LocalTransaction {
  private readonly sends: Promise<SendResult>[] = [];
  private ending: Promise<void> | undefined;
  /** Whether sends may still join. */
  gathering = true;
  /** Settles when every send of this transaction has settled (sent or failed). */
  readonly sent: Promise<void>;
  private markSent!: () => void;

  constructor(
    private readonly transaction: ActiveTransaction,
    /** The previous transaction's sends: this one's go out after them, in the order they were made. */
    private readonly after: Promise<void>,
  ) {
    this.sent = new Promise((resolve) => (this.markSent = resolve));
  }

  /** Resolves when the transaction has committed; rejects with why it aborted. Asked for after the first send. */
  get ended(): Promise<void> {
    this.ending ??= this.end();
    return this.ending;
  }

  send(destination: string, record: OutboundRecord, binder: Binder, producer: ProducerConfig): Promise<SendResult> {
    const sent = this.after.then(() => this.transaction.send(destination, record, binder, producer));
    this.sends.push(sent);
    const ended = this.ended;
    return sent.then(async (result) => {
      await ended;
      return result;
    });
  }

  private async end(): Promise<void> {
    // The sends made while the first is in flight commit with it; after it, no more join.
    await Promise.allSettled([this.sends[0]]);
    this.gathering = false;
    const outcomes = await Promise.allSettled(this.sends);
    this.markSent();
    const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failed) {
      await this.transaction.abort().catch(() => undefined);
      throw new LocalTransactionAbortedError(failed.reason);
    }
    await this.transaction.commit();
  }
}
