/**
 * Redelivery after a failure in the middle of a delivered chunk: only the record that failed comes
 * back, never the ones before it that were processed and committed. Run on the test binder and
 * the native binder (both deliver the records sent before start in one chunk).
 */
import {
  Bindery,
  EnableBinding,
  InMemoryIdempotencyStore,
  Sink,
  StreamListener,
  TestBinder,
  type Binder,
  type BatchHandler,
  type ConsumerConfig,
  type ConsumerOptions,
  type Destination,
  type ProducerOptions,
} from '../../../src';
import { NativeBinder } from '../../../src/binder/native';
import { eventually, uniqueName } from './deliverySupport';
import { CapturingLogger } from '../../support/capturingLogger';

class Effects {
  readonly counts = new Map<number, number>();
  record(n: number): void {
    this.counts.set(n, (this.counts.get(n) ?? 0) + 1);
  }
  twice(): number[] {
    return [...this.counts].filter(([, c]) => c > 1).map(([n]) => n);
  }
}

@EnableBinding(Sink)
class CountingListener {
  constructor(private readonly effects: Effects) {}

  @StreamListener(Sink.INPUT)
  async handle(payload: { n: number }): Promise<void> {
    this.effects.record(payload.n);
  }
}

/** Passes everything through; the commit of `failOffset` (the next offset to consume) fails once. */
class FailingCommitBinder implements Binder {
  readonly name: string;
  committed = new Map<number, number>();
  private failed = false;

  constructor(
    readonly inner: Binder,
    private readonly failOffset: number,
  ) {
    this.name = inner.name;
  }

  provisionTopic(topic: string, partitions: number): Promise<void> {
    return this.inner.provisionTopic(topic, partitions);
  }

  bindProducer(destination: string, options?: ProducerOptions) {
    return this.inner.bindProducer(destination, options);
  }

  bindConsumer(destination: Destination, options: ConsumerOptions, handler: BatchHandler) {
    return this.inner.bindConsumer(destination, options, (batch, session) =>
      handler(batch, {
        ...session,
        commit: async (offsets) => {
          if (!this.failed && offsets.some((o) => o.offset === this.failOffset)) {
            this.failed = true;
            throw new Error('offset commit refused (injected)');
          }
          await session.commit(offsets);
          for (const o of offsets) this.committed.set(o.partition, Math.max(this.committed.get(o.partition) ?? 0, o.offset));
        },
        seek: (t) => session.seek(t),
        heartbeat: () => session.heartbeat(),
        isActive: (t, p) => session.isActive(t, p),
        seekTo: (t, p, position) => session.seekTo(t, p, position),
        pausePartition: (t, p) => session.pausePartition(t, p),
        resumePartition: (t, p) => session.resumePartition(t, p),
        pausedPartitions: () => session.pausedPartitions(),
      }),
    );
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** An in-memory store whose markDone fails once for one key. */
class MarkDoneFailsOnce extends InMemoryIdempotencyStore {
  private failed = false;
  constructor(private readonly failKey: (key: string) => boolean) {
    super();
  }
  override async markDone(key: string, ttlMs?: number): Promise<void> {
    if (!this.failed && this.failKey(key)) {
      this.failed = true;
      throw new Error('store unavailable (injected)');
    }
    return super.markDone(key, ttlMs);
  }
}


const targets: Array<{ name: string; binder: () => Binder }> = [
  { name: 'test binder', binder: () => new TestBinder() },
  { name: 'native binder', binder: () => new NativeBinder({ shared: false }) },
];

@EnableBinding(Sink)
class CountingBatchListener {
  constructor(private readonly effects: Effects) {}

  @StreamListener(Sink.INPUT)
  async handle(payloads: Array<{ n: number }>): Promise<void> {
    for (const payload of payloads) this.effects.record(payload.n);
  }
}

describe.each(targets)('redelivery after a failure inside a chunk ($name)', (target) => {
  const closing: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closing.splice(0).reverse()) await close();
  });

  async function startApp(binder: Binder, topic: string, consumer: ConsumerConfig, options: Partial<Parameters<typeof Bindery.create>[0]> = {}) {
    const effects = new Effects();
    const app = await Bindery.create({
      services: [CountingListener, { provide: Effects, useValue: effects }],
      binder,
      config: { bindings: { input: { destination: topic, group: 'g', consumer } } },
      configFile: false,
      env: {},
      logger: new CapturingLogger(),
      shutdownOnSignals: false,
      ...options,
    });
    closing.push(() => app.close());
    return { app, effects };
  }

  async function sendAll(binder: Binder, topic: string, count: number): Promise<void> {
    await binder.provisionTopic(topic, 1);
    const producer = await binder.bindProducer(topic);
    for (let n = 0; n < count; n++) {
      await producer.send({ key: null, value: Buffer.from(JSON.stringify({ n })), partition: 0, headers: [{ key: 'message-id', value: Buffer.from(`m-${n}`) }] });
    }
    await producer.close();
  }

  it('redelivers from the record whose commit failed, not from the first record of the chunk', async () => {
    const inner = target.binder();
    closing.push(() => inner.close());
    const binder = new FailingCommitBinder(inner, 6);
    const topic = uniqueName('commit-fails');
    await sendAll(inner, topic, 10);
    const { app, effects } = await startApp(binder, topic, { ackMode: 'record', maxAttempts: 1 });
    await app.start();
    await eventually(() => binder.committed.get(0) === 10, 'every record committed', 20000);
    expect(effects.counts.size).toBe(10);
    expect(effects.twice()).toEqual([]);
  });

  it('does not wait out its own claim when marking a record done failed', async () => {
    const binder = target.binder();
    closing.push(() => binder.close());
    const topic = uniqueName('markdone-fails');
    await sendAll(binder, topic, 10);
    const store = new MarkDoneFailsOnce((key) => key === 'g:m-3');
    const logger = new CapturingLogger();
    // A long lease: waiting it out would run past the deadline below.
    const consumer = { idempotent: true, sessionTimeoutMs: 60000, maxAttempts: 1 };
    const { app, effects } = await startApp(binder, topic, consumer, { idempotencyStore: store, logger });
    await app.start();
    await eventually(async () => (await store.isDone('g:m-9')) && effects.counts.size === 10, 'every record processed', 20000);
    expect(effects.twice()).toEqual([]);
    expect(await store.isDone('g:m-3')).toBe(true);
    expect(logger.lines.filter((l) => l.includes('held by another consumer'))).toEqual([]);
  });

  it('settles every key of a batch whose done marks failed part way, without waiting out its own claims', async () => {
    const binder = target.binder();
    closing.push(() => binder.close());
    const topic = uniqueName('batch-markdone-fails');
    await sendAll(binder, topic, 10);
    const store = new MarkDoneFailsOnce((key) => key === 'g:m-0');
    const logger = new CapturingLogger();
    const effects = new Effects();
    const app = await Bindery.create({
      services: [CountingBatchListener, { provide: Effects, useValue: effects }],
      binder,
      config: { bindings: { input: { destination: topic, group: 'g', consumer: { idempotent: true, batchMode: true, ackMode: 'batch', sessionTimeoutMs: 60000, maxAttempts: 1 } } } },
      configFile: false,
      env: {},
      logger,
      shutdownOnSignals: false,
      idempotencyStore: store,
    });
    closing.push(() => app.close());
    await app.start();
    const allDone = async () => {
      for (let n = 0; n < 10; n++) if (!(await store.isDone(`g:m-${n}`))) return false;
      return true;
    };
    await eventually(allDone, 'every key marked done', 20000);
    expect(effects.counts.size).toBe(10);
    expect(effects.twice()).toEqual([]);
    expect(logger.lines.filter((l) => l.includes('held by another consumer'))).toEqual([]);
  });
});
