/**
 * Helpers of the binder contract suite: unique topic names, a consumer that records what it
 * receives and lets tests wait for it with a deadline, and waiting on a condition that is
 * re-checked whenever something is received.
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type {
  Binder,
  ConsumerBinding,
  ConsumerOptions,
  ConsumerSession,
  Destination,
  InboundBatch,
  InboundRecord,
} from '../../../src/binder/Binder';

export const DEADLINE_MS = 60000;

export function uniqueTopic(label: string): string {
  return `contract.${label}.${randomUUID().slice(0, 8)}`;
}

export function text(buffer: Buffer | null): string | null {
  return buffer === null ? null : buffer.toString('utf8');
}

export interface Delivery {
  batch: InboundBatch;
  session: ConsumerSession;
}

/** Resolves when `condition()` holds; re-checked on every `event` of `emitter`; rejects at the deadline. */
export function waitUntil(
  emitter: EventEmitter,
  event: string,
  condition: () => boolean,
  what: string,
  timeoutMs = DEADLINE_MS,
): Promise<void> {
  if (condition()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!condition()) return;
      cleanup();
      resolve();
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      emitter.off(event, check);
    };
    emitter.on(event, check);
  });
}

export type CollectorHandler = (batch: InboundBatch, session: ConsumerSession, collector: Collector) => Promise<void>;

/** A consumer binding that keeps every delivered record; by default it commits each batch after receiving it. */
export class Collector extends EventEmitter {
  readonly records: InboundRecord[] = [];
  readonly deliveries: Delivery[] = [];
  readonly assignments: { topic: string; partition: number }[][] = [];
  binding!: ConsumerBinding;

  static async subscribe(
    binder: Binder,
    destination: Destination,
    options: ConsumerOptions,
    handler?: CollectorHandler,
  ): Promise<Collector> {
    const collector = new Collector();
    const userAssigned = options.onPartitionsAssigned;
    collector.binding = await binder.bindConsumer(
      destination,
      {
        ...options,
        onPartitionsAssigned: async (partitions, seeker) => {
          collector.assignments.push(partitions);
          await userAssigned?.(partitions, seeker);
          collector.emit('assigned');
        },
      },
      async (batch, session) => {
        if (handler) {
          await handler(batch, session, collector);
        } else {
          collector.receive(batch, session);
          const last = batch.records[batch.records.length - 1];
          await session.commit([{ topic: batch.topic, partition: batch.partition, offset: last.offset + 1 }]);
        }
      },
    );
    return collector;
  }

  /** Records a delivered batch (custom handlers call it for what they accept). */
  receive(batch: InboundBatch, session: ConsumerSession, records: InboundRecord[] = batch.records): void {
    this.deliveries.push({ batch, session });
    this.records.push(...records);
    this.emit('record');
  }

  values(): (string | null)[] {
    return this.records.map((record) => text(record.value));
  }

  waitForCount(count: number, timeoutMs = DEADLINE_MS): Promise<void> {
    return waitUntil(this, 'record', () => this.records.length >= count, `${count} records (have ${this.records.length})`, timeoutMs);
  }

  waitFor(condition: () => boolean, what: string, timeoutMs = DEADLINE_MS): Promise<void> {
    return waitUntil(this, 'record', condition, what, timeoutMs);
  }

  waitForAssignment(condition: () => boolean, what: string, timeoutMs = DEADLINE_MS): Promise<void> {
    return waitUntil(this, 'assigned', condition, what, timeoutMs);
  }

  /** Partitions of the most recent assignment. */
  latestAssignment(): number[] {
    const last = this.assignments[this.assignments.length - 1] ?? [];
    return last.map((tp) => tp.partition).sort((a, b) => a - b);
  }

  stop(): Promise<void> {
    return this.binding.stop();
  }
}

/** A promise with its resolve function exposed (the test decides when work finishes). */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** One emitter that fires 'any' whenever one of `sources` emits one of `events`. */
export function relay(sources: EventEmitter[], events: string[]): EventEmitter {
  const combined = new EventEmitter();
  for (const source of sources) for (const event of events) source.on(event, () => combined.emit('any'));
  return combined;
}
