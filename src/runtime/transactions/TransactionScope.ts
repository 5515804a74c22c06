/**
 * The transaction a send belongs to. Whatever runs inside `scope.run(tx, work)` (app.transaction's
 * callback, a transactional listener's invocation, its @SendTo forward and DLQ publish) sends
 * through the transaction's producer: the runtime's send paths ask `scope.current()`, so services
 * sending through channels or the MessageSender need no transaction handle.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Binder, ConsumerGroupMetadata, OutboundRecord, SendResult, TopicPartitionOffset } from '../../binder/Binder';
import { ProducerFencedError } from '../../binder/transactionErrors';
import type { ProducerConfig } from '../config/types';
import { TransactionBinderMismatchError } from './errors';
import type { ProducerLease } from './TransactionalProducerPool';

/** How a transaction gets its producer, on the binder of its first send. */
export type OpenProducer = (binder: Binder, destination: string, producer: ProducerConfig) => Promise<ProducerLease>;

export class ActiveTransaction {
  private lease: Promise<ProducerLease> | null = null;
  private binder: Binder | null = null;
  /** Set while the transaction's producer aborts a failed attempt; the next send starts a new one after it. */
  private restarting: Promise<void> | null = null;
  private begun = false;

  constructor(private readonly openProducer: OpenProducer) {}

  send(destination: string, record: OutboundRecord, binder: Binder, producer: ProducerConfig): Promise<SendResult> {
    return this.producerFor(binder, destination, producer).then((p) => p.send(destination, record));
  }

  /** Commits a group's offsets in the transaction (a transactional listener's input positions, with its member's group metadata). */
  async sendOffsets(binder: Binder, group: string, offsets: TopicPartitionOffset[], producer: ProducerConfig, metadata?: ConsumerGroupMetadata): Promise<void> {
    const p = await this.producerFor(binder, offsets[0]?.topic ?? group, producer);
    await p.sendOffsets(group, offsets, metadata);
  }

  /**
   * Drops what a failed attempt sent (an abort), so the next attempt, the DLQ publish or the skip
   * starts a clean transaction of the same producer.
   */
  rollbackAttempt(): void {
    if (!this.lease || !this.begun) return;
    const lease = this.lease;
    this.begun = false;
    const previous = this.restarting ?? Promise.resolve();
    this.restarting = previous.then(async () => (await lease).producer.abort());
  }

  async commit(): Promise<void> {
    if (!this.lease) return;
    const lease = await this.lease;
    try {
      await this.restarting;
      if (this.begun) await lease.producer.commit();
      await lease.release(false);
    } catch (error) {
      await lease.release(true);
      throw error;
    }
  }

  async abort(): Promise<void> {
    if (!this.lease) return;
    const lease = await this.lease.catch(() => null);
    if (!lease) return;
    try {
      await this.restarting?.catch(() => undefined);
      // A lease taken before anything was sent (a listener's) has no transaction to abort.
      if (this.begun) await lease.producer.abort();
      await lease.release(false);
    } catch (error) {
      await lease.release(true);
      if (!(error instanceof ProducerFencedError)) throw error;
    }
  }

  /** The transaction's producer lease on `binder`, taken now (before anything is sent) when not yet. */
  open(binder: Binder, destination: string, producer: ProducerConfig): Promise<ProducerLease> {
    if (this.binder && this.binder !== binder) return Promise.reject(new TransactionBinderMismatchError(this.binder.name, binder.name, destination));
    this.binder = binder;
    this.lease ??= this.openProducer(binder, destination, producer);
    return this.lease;
  }

  private async producerFor(binder: Binder, destination: string, producer: ProducerConfig): Promise<ProducerLease['producer']> {
    const lease = await this.open(binder, destination, producer);
    if (this.restarting) await this.restarting;
    if (!this.begun) {
      lease.producer.begin();
      this.begun = true;
    }
    return lease.producer;
  }
}

export class TransactionScope {
  private readonly storage = new AsyncLocalStorage<ActiveTransaction>();

  current(): ActiveTransaction | undefined {
    return this.storage.getStore();
  }

  run<T>(transaction: ActiveTransaction, work: () => Promise<T>): Promise<T> {
    return this.storage.run(transaction, work);
  }

  /**
   * Runs `work` outside any transaction: producers (and a broker opened on the way) made for a
   * transaction must not carry it into the timers and loops they start.
   */
  outside<T>(work: () => T): T {
    return this.storage.exit(work);
  }
}
