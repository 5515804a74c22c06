/**
 * What the listener container and the producers report as they work. The container calls these
 * at each step of a record; a metrics implementation (FrameworkMetrics) turns them into
 * Prometheus series. With metrics off the no-op observers stand in, so the hot path pays one
 * empty call per step and never reads a clock.
 */
import type { ConsumerOptions, InboundBatch, InboundRecord, TopicPartitionOffset } from '../../binder/Binder';

/** What became of a record in the listener container. */
export type ProcessingOutcome = 'success' | 'failure' | 'dead_lettered' | 'skipped' | 'filtered';

export interface ListenerObserver {
  /** A monotonic time in seconds, or 0 when nothing is timed. */
  now(): number;
  /** A batch was fetched: `records.length` records received; the high watermark updates the lag. */
  received(batch: InboundBatch): void;
  /** `count` records (from `record`'s partition) ended with `outcome`. */
  processed(record: InboundRecord, outcome: ProcessingOutcome, count?: number): void;
  /** A record (or a batch, from its first record) went through the listeners, from `started` (a `now()`) until now. */
  timed(record: InboundRecord, started: number): void;
  /** A failed attempt is to be retried. */
  retried(record: InboundRecord): void;
  /** Records were published to the dead-letter topic, or publishing them failed. */
  deadLetterSent(record: InboundRecord, count: number): void;
  deadLetterFailed(record: InboundRecord): void;
  /** Offsets were committed, from `started` (a `now()`) until now. */
  committed(offsets: TopicPartitionOffset[], started: number): void;
  /** Wraps the rebalance callbacks so assignments are counted; returns the options. */
  consumerOptions(options: ConsumerOptions): ConsumerOptions;
}

export interface ProducerObserver {
  /** A record handed to the binder for `destination`; returns `sending` itself, observed on the side. */
  sending<T>(destination: string, sending: Promise<T>): Promise<T>;
}

export const NO_LISTENER_OBSERVER: ListenerObserver = Object.freeze({
  now: () => 0,
  received: () => undefined,
  processed: () => undefined,
  timed: () => undefined,
  retried: () => undefined,
  deadLetterSent: () => undefined,
  deadLetterFailed: () => undefined,
  committed: () => undefined,
  consumerOptions: (options: ConsumerOptions) => options,
});

export const NO_PRODUCER_OBSERVER: ProducerObserver = Object.freeze({
  sending: <T>(_destination: string, sending: Promise<T>) => sending,
});

/** One observer reporting to each of `observers` in turn (metrics and tracing). */
export function allObservers(observers: ListenerObserver[]): ListenerObserver {
  if (observers.length === 1) return observers[0];
  const [a, b] = observers;
  if (observers.length !== 2) return observers.reduce((x, y) => allObservers([x, y]));
  return {
    now: () => a.now() || b.now(),
    received: (batch) => (a.received(batch), b.received(batch)),
    processed: (record, outcome, count) => (a.processed(record, outcome, count), b.processed(record, outcome, count)),
    timed: (record, started) => (a.timed(record, started), b.timed(record, started)),
    retried: (record) => (a.retried(record), b.retried(record)),
    deadLetterSent: (record, count) => (a.deadLetterSent(record, count), b.deadLetterSent(record, count)),
    deadLetterFailed: (record) => (a.deadLetterFailed(record), b.deadLetterFailed(record)),
    committed: (offsets, started) => (a.committed(offsets, started), b.committed(offsets, started)),
    // The last one's options are what the binder gets (tracing recognises its binding by them).
    consumerOptions: (options) => b.consumerOptions(a.consumerOptions(options)),
  };
}
