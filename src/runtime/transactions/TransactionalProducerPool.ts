/**
 * The application's transactional producers, per binder and transactional id. `app.transaction()`
 * leases one of `<prefix>0`, `<prefix>1`, ... (as many as transactions run at once, as Spring's
 * producer factory caches them); a transactional listener uses the one of its group and partition.
 * A producer that was fenced or failed is closed and dropped: a listener's next lease makes a new
 * one of the same id, which fences whatever else holds it.
 */
import type { Binder, TransactionalProducer, TransactionalProducerOptions } from '../../binder/Binder';
import { TransactionsUnsupportedError } from './errors';

export interface ProducerLease {
  readonly producer: TransactionalProducer;
  /** Gives the producer back; `broken` closes it instead (fenced, or its transaction could not end). */
  release(broken: boolean): Promise<void>;
}

export class TransactionalProducerPool {
  /** Idle producers of `app.transaction()` by binder and prefix. */
  private readonly idle = new Map<Binder, Map<string, TransactionalProducer[]>>();
  private readonly nextIndex = new Map<Binder, Map<string, number>>();
  /** Producers of fixed ids (listeners: one per group and partition). */
  private readonly fixed = new Map<Binder, Map<string, Promise<TransactionalProducer>>>();
  private readonly open = new Set<TransactionalProducer>();
  private closed = false;

  /** A producer of `<prefix><n>` no other transaction of this application is using. */
  async lease(binder: Binder, prefix: string, options: TransactionalProducerOptions): Promise<ProducerLease> {
    const idle = submap(this.idle, binder);
    const waiting = idle.get(prefix) ?? [];
    idle.set(prefix, waiting);
    let producer = waiting.pop();
    if (!producer) {
      const indexes = submap(this.nextIndex, binder);
      const index = indexes.get(prefix) ?? 0;
      indexes.set(prefix, index + 1);
      producer = await this.create(binder, `${prefix}${index}`, options);
    }
    const leased = producer;
    return {
      producer: leased,
      release: async (broken) => {
        if (broken || this.closed) {
          this.open.delete(leased);
          await leased.close().catch(() => undefined);
          return;
        }
        waiting.push(leased);
      },
    };
  }

  /** The producer of a fixed transactional id (a listener's group and partition); one user at a time. */
  async fixedLease(binder: Binder, transactionalId: string, options: TransactionalProducerOptions): Promise<ProducerLease> {
    const byId = submap(this.fixed, binder);
    let pending = byId.get(transactionalId);
    if (!pending) {
      pending = this.create(binder, transactionalId, options);
      byId.set(transactionalId, pending);
      pending.catch(() => byId.delete(transactionalId));
    }
    const producer = await pending;
    return {
      producer,
      release: async (broken) => {
        if (!broken) return;
        if (byId.get(transactionalId) === pending) byId.delete(transactionalId);
        this.open.delete(producer);
        await producer.close().catch(() => undefined);
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    const producers = [...this.open];
    this.open.clear();
    await Promise.allSettled(producers.map((p) => p.close()));
  }

  private async create(binder: Binder, transactionalId: string, options: TransactionalProducerOptions): Promise<TransactionalProducer> {
    if (!binder.transactionalProducer) throw new TransactionsUnsupportedError(binder.name);
    const producer = await binder.transactionalProducer(transactionalId, options);
    this.open.add(producer);
    return producer;
  }
}

function submap<K, V>(map: Map<Binder, Map<K, V>>, binder: Binder): Map<K, V> {
  let found = map.get(binder);
  if (!found) map.set(binder, (found = new Map()));
  return found;
}
