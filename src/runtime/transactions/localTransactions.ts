/**
 * Sends outside any transaction to a binding with `producer.transactionIdPrefix` run in a
 * transaction of their own, as Spring Cloud Stream's Kafka binder runs them (executeInTransaction,
 * unless `allowNonTransactional`). The sends made while such a transaction is open join it; it
 * commits once every send it holds is acknowledged, and each send resolves only after that commit,
 * so a resolved send is visible to read_committed consumers. One transaction per binder and prefix
 * gathers sends at a time; the next one opens (on another producer of the pool) while the previous
 * commits. A failed send aborts its transaction: the other sends of it reject too.
 */
import type { Binder, OutboundRecord, SendResult } from '../../binder/Binder';
import type { ProducerConfig } from '../config/types';
import { LocalTransactionAbortedError } from './errors';
import type { ActiveTransaction } from './TransactionScope';

export class LocalTransactions {
  /** The transaction that new sends join, by binder and prefix. */
  private readonly gathering = new Map<Binder, Map<string, LocalTransaction>>();
  /** Transactions not yet ended (gathering or committing), for close(). */
  private readonly unfinished = new Set<Promise<void>>();

  constructor(private readonly newTransaction: () => ActiveTransaction) {}

  send(prefix: string, destination: string, record: OutboundRecord, binder: Binder, producer: ProducerConfig): Promise<SendResult> {
    let byPrefix = this.gathering.get(binder);
    if (!byPrefix) this.gathering.set(binder, (byPrefix = new Map()));
    const joined = byPrefix.get(prefix);
    if (joined) return joined.send(destination, record, binder, producer);
    const gathering = byPrefix;
    const opened: LocalTransaction = new LocalTransaction(this.newTransaction(), () => {
      if (gathering.get(prefix) === opened) gathering.delete(prefix);
    });
    gathering.set(prefix, opened);
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

  constructor(
    private readonly transaction: ActiveTransaction,
    /** Called once no more sends may join. */
    private readonly close: () => void,
  ) {}

  /** Resolves when the transaction has committed; rejects with why it aborted. Asked for after the first send. */
  get ended(): Promise<void> {
    this.ending ??= this.end();
    return this.ending;
  }

  send(destination: string, record: OutboundRecord, binder: Binder, producer: ProducerConfig): Promise<SendResult> {
    const sent = this.transaction.send(destination, record, binder, producer);
    this.sends.push(sent);
    const ended = this.ended;
    return sent.then(async (result) => {
      await ended;
      return result;
    });
  }

  private async end(): Promise<void> {
    // Sends that join while earlier ones are in flight commit with them.
    let waited = 0;
    let failure: unknown;
    while (waited < this.sends.length) {
      const batch = this.sends.slice(waited);
      waited = this.sends.length;
      for (const outcome of await Promise.allSettled(batch)) if (outcome.status === 'rejected' && failure === undefined) failure = outcome.reason;
    }
    this.close();
    if (failure !== undefined) {
      await this.transaction.abort().catch(() => undefined);
      throw new LocalTransactionAbortedError(failure);
    }
    await this.transaction.commit();
  }
}
