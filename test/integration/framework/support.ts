/** Helpers shared by the framework's tests: condition waits, a clock that does not wait, a counting binder. */
import type { Binder, BatchHandler, ConsumerOptions, ConsumerSession, Destination, OutboundRecord, ProducerOptions } from '../../../src';
import type { Clock } from '../../../src';

/** Resolves once `condition()` holds; fails after `timeoutMs` (generous: machines are shared). */
export async function waitFor(condition: () => boolean, timeoutMs = 20000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A clock whose sleeps return at once and are recorded (backoff is asserted, never waited for). */
export class RecordingClock implements Clock {
  readonly sleeps: number[] = [];
  private time = 0;
  now(): number {
    return this.time;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.time += ms;
    // Yield to the event loop so a redelivery cycle cannot starve the test's own waits.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Wraps a binder: counts heartbeats and commits, and can make sends to some topics fail. */
export class InstrumentedBinder implements Binder {
  readonly name: string;
  heartbeats = 0;
  readonly commits: number[][] = [];
  failSendsTo: (topic: string) => boolean = () => false;

  constructor(readonly inner: Binder) {
    this.name = inner.name;
  }

  provisionTopic(topic: string, partitions: number): Promise<void> {
    return this.inner.provisionTopic(topic, partitions);
  }

  async bindProducer(destination: string, options?: ProducerOptions) {
    const producer = await this.inner.bindProducer(destination, options);
    const failing = (): boolean => this.failSendsTo(destination);
    return {
      destination,
      send: (record: OutboundRecord) =>
        failing() ? Promise.reject(new Error(`send to ${destination} refused`)) : producer.send(record),
      sendMany: (records: OutboundRecord[]) => producer.sendMany(records),
      flush: () => producer.flush(),
      close: () => producer.close(),
    };
  }

  bindConsumer(destination: Destination, options: ConsumerOptions, handler: BatchHandler) {
    // One instrumented session per member, as a binder hands each member's batches the same session.
    const sessions = new WeakMap<ConsumerSession, ConsumerSession>();
    const instrumented = (session: ConsumerSession): ConsumerSession => {
      let found = sessions.get(session);
      if (!found) sessions.set(session, (found = this.instrument(session)));
      return found;
    };
    return this.inner.bindConsumer(destination, options, (batch, session) => handler(batch, instrumented(session)));
  }

  private instrument(session: ConsumerSession): ConsumerSession {
    return {
        commit: (o) => {
          this.commits.push(o.map((x) => x.offset));
          return session.commit(o);
        },
        seek: (t) => session.seek(t),
        isActive: (t, p) => session.isActive(t, p),
        seekTo: (t, p, position) => session.seekTo(t, p, position),
        pausePartition: (t, p) => session.pausePartition(t, p),
        resumePartition: (t, p) => session.resumePartition(t, p),
        pausedPartitions: () => session.pausedPartitions(),
        heartbeat: async () => {
          this.heartbeats++;
          await session.heartbeat();
        },
      };
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
