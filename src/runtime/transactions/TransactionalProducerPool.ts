/**
 * The application's transactional producers, per binder and transactional id. `app.transaction()`
 * leases one of `<prefix>0`, `<prefix>1`, ... (as many as transactions run at once, as Spring's
 * producer factory caches them); a transactional listener uses the one of its group and partition.
 * A producer that was fenced or failed is closed and dropped: a listener's next lease makes a new
 * one of the same id, which fences whatever else holds it.
 *
 * A fixed id's producer belongs to one owner (a group member's session): when another member of
 * the application takes the partition over, it gets a producer of its own, whose creation fences
 * the previous owner's (Kafka's InitProducerId), and the previous one is closed once let go of.
 */
import type { Binder, TransactionalProducer, TransactionalProducerOptions } from '../../binder/Binder';
import { TransactionsUnsupportedError } from './errors';

export interface ProducerLease {
  readonly producer: TransactionalProducer;
  /** Gives the producer back; `broken` closes it instead (fenced, or its transaction could not end). */
  release(broken: boolean): Promise<void>;
  /**
   * A fixed lease whose producer was made for its owner and whose owner has not yet confirmed
   * where it resumes: transactions the previous holder of the id committed before this producer
   * fenced it may be past the position the owner started from.
   */
  readonly unconfirmed?: boolean;
  /** The owner knows where it resumes (it read the group's committed offset after the fencing). */
  confirm?(): void;
}

/** The producer of a fixed transactional id and the member it was made for. */
interface FixedEntry {
  readonly owner: object;
  readonly producer: Promise<TransactionalProducer>;
  /** Leases not yet released. */
  inUse: number;
  /** Another owner's producer replaced this one: closed when its last lease is released. */
  superseded: boolean;
  unconfirmed: boolean;
}

export class TransactionalProducerPool {
  /** Idle producers of `app.transaction()` by binder and prefix. */
  private readonly idle = new Map<Binder, Map<string, TransactionalProducer[]>>();
  private readonly nextIndex = new Map<Binder, Map<string, number>>();
  /** Producers of fixed ids (listeners: one per group and partition). */
  private readonly fixed = new Map<Binder, Map<string, FixedEntry>>();
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

  /**
   * The producer of a fixed transactional id (a listener's group and partition) for `owner`, the
   * group member processing the partition. Another owner's producer is replaced by a new one,
   * which fences it, so two members never share a transaction's producer.
   */
  async fixedLease(binder: Binder, transactionalId: string, options: TransactionalProducerOptions, owner: object): Promise<ProducerLease> {
    const byId = submap(this.fixed, binder);
    let entry = byId.get(transactionalId);
    if (!entry || entry.owner !== owner) {
      if (entry) this.supersede(entry);
      const created: FixedEntry = { owner, producer: this.create(binder, transactionalId, options), inUse: 0, superseded: false, unconfirmed: true };
      created.producer.catch(() => byId.get(transactionalId) === created && byId.delete(transactionalId));
      byId.set(transactionalId, created);
      entry = created;
    }
    const leased = entry;
    leased.inUse++;
    let producer: TransactionalProducer;
    try {
      producer = await leased.producer;
    } catch (error) {
      leased.inUse--;
      throw error;
    }
    return {
      producer,
      get unconfirmed() {
        return leased.unconfirmed;
      },
      confirm: () => {
        leased.unconfirmed = false;
      },
      release: async (broken) => {
        leased.inUse--;
        if (broken && byId.get(transactionalId) === leased) byId.delete(transactionalId);
        if (broken || (leased.superseded && leased.inUse === 0)) await this.closeProducer(producer);
      },
    };
  }

  /** A fixed producer another owner replaces: it is fenced already, closed when nobody uses it. */
  private supersede(entry: FixedEntry): void {
    entry.superseded = true;
    if (entry.inUse === 0) void entry.producer.then((p) => this.closeProducer(p), () => undefined);
  }

  private async closeProducer(producer: TransactionalProducer): Promise<void> {
    if (!this.open.delete(producer)) return;
    await producer.close().catch(() => undefined);
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
