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
  /**
   * A step failed because a newer producer of the id fenced this one: the producer is done for,
   * and its lease goes back broken (closed and dropped), so the next transaction of the id makes a
   * new one (which fences in turn and resumes where the group committed) instead of failing forever.
   */
  private fenced = false;

  constructor(private readonly openProducer: OpenProducer) {}

  send(destination: string, record: OutboundRecord, binder: Binder, producer: ProducerConfig): Promise<SendResult> {
    return this.noticeFencing(this.producerFor(binder, destination, producer).then((p) => p.send(destination, record)));
  }

  /** Commits a group's offsets in the transaction (a transactional listener's input positions, with its member's group metadata). */
  async sendOffsets(binder: Binder, group: string, offsets: TopicPartitionOffset[], producer: ProducerConfig, metadata?: ConsumerGroupMetadata): Promise<void> {
    await this.noticeFencing(this.producerFor(binder, offsets[0]?.topic ?? group, producer).then((p) => p.sendOffsets(group, offsets, metadata)));
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
    this.restarting = this.noticeFencing(previous.then(async () => (await lease).producer.abort()));
  }

  async commit(): Promise<void> {
    if (!this.lease) return;
    const lease = await this.lease;
    try {
      await this.restarting;
      if (this.fenced) throw new ProducerFencedError(lease.producer.transactionalId);
      if (this.begun) await this.noticeFencing(lease.producer.commit());
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
      if (this.begun && !this.fenced) await this.noticeFencing(lease.producer.abort());
      await lease.release(this.fenced);
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

  private noticeFencing<T>(step: Promise<T>): Promise<T> {
    return step.catch((error: unknown) => {
      if (error instanceof ProducerFencedError) this.fenced = true;
      throw error;
    });
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
