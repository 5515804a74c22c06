/**
 * Framework metrics on a prom-client registry: the application's own when it passes one,
 * else a registry of bindery's. Listener containers, producers and idempotency stores report
 * through the observers made here.
 */
import { Registry } from 'prom-client';
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

export class FrameworkMetrics {
  readonly registry: Registry;
  private readonly series: FrameworkSeries;

  constructor(options: MetricsOptions = {}) {
    this.registry = options.registry ?? new Registry();
    this.series = frameworkSeries(this.registry);
  }

  listener(definition: ConsumerDefinition): ListenerObserver {
    return new ListenerMetrics(this.series, definition.name, definition.group ?? '');
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
