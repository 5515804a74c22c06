/**
 * Framework metrics on a prom-client registry: the application's own when it passes one,
 * else a registry of bindery's. Listener containers, producers and idempotency stores report
 * through the observers made here.
 */
import { Registry } from 'prom-client';
import type { Binder } from '../../binder/Binder';
import type { IdempotencyStore } from '../idempotency';
import type { IdempotencyStoreChoice } from '../listener/idempotencyGuard';
import type { ConsumerDefinition } from '../model';
import { ListenerMetrics } from './ListenerMetrics';
import { frameworkSeries, type FrameworkSeries } from './metricSeries';
import type { Cell, HistogramCell } from './localSeries';
import type { ListenerObserver, ProducerObserver } from './observers';

export interface MetricsOptions {
  /** Register bindery's series here (e.g. prom-client's global `register`). Default: a registry of bindery's own. */
  registry?: Registry;
}

const errorClass = (error: unknown): string => (error instanceof Error ? error.constructor.name : typeof error);

/** How long a scrape waits for the binder's end offsets before rendering the lag it has. */
const END_OFFSETS_TIMEOUT_MS = 1000;

export class FrameworkMetrics {
  readonly registry: Registry;
  private readonly series: FrameworkSeries;
  private readonly listeners = new Set<ListenerMetrics>();
  /** The binder each listener's lag is read from (its binding's binder). */
  private readonly binderOf = new Map<ListenerMetrics, Binder>();

  constructor(options: MetricsOptions = {}) {
    this.registry = options.registry ?? new Registry();
    this.series = frameworkSeries(this.registry);
    this.series.lag.onCollect(() => this.refreshLag());
  }

  /**
   * Lag is updated on every fetch; with the binder's end offsets (Binder.endOffsets) it is also
   * brought up to date at each scrape, so it rises while a binding is paused and fetches nothing.
   */
  /** The observer of one listener, whose lag is read from `binder` (the listener's binding's binder). */
  listener(definition: ConsumerDefinition, binder?: Binder): ListenerObserver {
    const observer = new ListenerMetrics(this.series, definition.name, definition.group ?? '');
    this.listeners.add(observer);
    if (binder) this.binderOf.set(observer, binder);
    return observer;
  }

  private async refreshLag(): Promise<void> {
    const byBinder = new Map<Binder, ListenerMetrics[]>();
    for (const listener of this.listeners) {
      const binder = this.binderOf.get(listener);
      if (!binder?.endOffsets || listener.lagPartitions().length === 0) continue;
      const listeners = byBinder.get(binder) ?? [];
      listeners.push(listener);
      byBinder.set(binder, listeners);
    }
    await Promise.all([...byBinder].map(([binder, listeners]) => this.refreshLagFrom(binder, listeners)));
  }

  private async refreshLagFrom(binder: Binder, listeners: ListenerMetrics[]): Promise<void> {
    const all = listeners.flatMap((l) => l.lagPartitions());
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), END_OFFSETS_TIMEOUT_MS)));
    try {
      // Unreachable or slow broker: the scrape shows the lag of the last fetch.
      const ends = await Promise.race([binder.endOffsets!(all).catch(() => undefined), timedOut]);
      if (!ends) return;
      for (const listener of listeners) for (const e of ends) listener.endOffset(e.topic, e.partition, e.offset);
    } finally {
      clearTimeout(timer);
    }
  }

  producer(): ProducerObserver {
    const { sent, sendLatency, sendErrors } = this.series;
    const cells = new Map<string, { sent: Cell; latency: HistogramCell }>();
    return {
      sending<T>(destination: string, sending: Promise<T>): Promise<T> {
        const started = performance.now();
        let c = cells.get(destination);
        if (c === undefined) cells.set(destination, (c = { sent: sent.child({ destination }), latency: sendLatency.child({ destination }) }));
        const own = c;
        // Observed beside the caller, not chained in front of it: the caller's own reactions run as
        // soon as the binder settles, and the send costs one reaction more, not a promise hop.
        sending.then(
          () => {
            own.sent.value++;
            own.latency.observe((performance.now() - started) / 1000);
          },
          (error: unknown) => {
            sendErrors.child({ destination, error: errorClass(error) }).value++;
          },
        );
        return sending;
      },
    };
  }

  /** Outbox depths, read from `outboxes` at each scrape. */
  outboxes(outboxes: () => ReadonlyArray<{ destination: string; depth: number }>): void {
    const gauge = this.series.outboxRecords;
    gauge.onCollect(() => {
      for (const { destination, depth } of outboxes()) gauge.child({ destination }).value = depth;
    });
  }

  /** Counts the replies a Requester drops, by reason. */
  droppedReply(): (reason: 'late' | 'unknown') => void {
    const { repliesDropped } = this.series;
    return (reason) => void repliesDropped.child({ reason }).value++;
  }

  /** The stores of idempotent listeners, timed per listener and operation. */
  idempotencyStores(choice: IdempotencyStoreChoice): IdempotencyStoreChoice {
    return (listener: string) => this.timedStore(typeof choice === 'function' ? choice(listener) : choice, listener);
  }

  private timedStore(store: IdempotencyStore, binding: string): IdempotencyStore {
    const { storeLatency, storeErrors } = this.series;
    const timed = <A extends unknown[], R>(operation: string, call: (...args: A) => Promise<R>) => {
      const latency = storeLatency.child({ binding, operation });
      return async (...args: A): Promise<R> => {
        const started = performance.now();
        try {
          return await call(...args);
        } catch (error) {
          storeErrors.child({ binding, operation }).value++;
          throw error;
        } finally {
          latency.observe((performance.now() - started) / 1000);
        }
      };
    };
    return {
      claim: timed('claim', (key: string, leaseMs: number) => store.claim(key, leaseMs)),
      markDone: timed('markDone', (key: string, ttlMs?: number) => store.markDone(key, ttlMs)),
      release: timed('release', (key: string) => store.release(key)),
      renew: store.renew && timed('renew', (key: string, leaseMs: number) => store.renew!(key, leaseMs)),
      isDone: store.isDone && timed('isDone', (key: string) => store.isDone!(key)),
    };
  }
}
