/** Idempotent consumption in the listener container, on the test binder with an in-memory store. */
import {
  Acknowledgment,
  Bindery,
  EnableBinding,
  InMemoryIdempotencyStore,
  InputDestination,
  Sink,
  StreamListener,
  TestBinder,
  silentLogger,
  type BinderyOptions,
  type ConsumerConfig,
} from '../../../../src';
import { RecordingClock, waitFor } from '../../../integration/framework/support';

/** An in-memory store that counts calls and records the lease and ttl it is given. */
class CountingStore extends InMemoryIdempotencyStore {
  readonly calls: string[] = [];
  readonly leases: number[] = [];
  readonly ttls: (number | undefined)[] = [];
  renewals = 0;
  override async renew(key: string, leaseMs: number): Promise<boolean> {
    this.renewals++;
    return super.renew(key, leaseMs);
  }
  override async claim(key: string, leaseMs: number): Promise<boolean> {
    this.calls.push(`claim ${key}`);
    this.leases.push(leaseMs);
    return super.claim(key, leaseMs);
  }
  override async markDone(key: string, ttlMs?: number): Promise<void> {
    this.calls.push(`done ${key}`);
    this.ttls.push(ttlMs);
    return super.markDone(key, ttlMs);
  }
  override async isDone(key: string): Promise<boolean> {
    this.calls.push(`isDone ${key}`);
    return super.isDone(key);
  }
}

class Seen {
  readonly payloads: unknown[] = [];
  nackFirst = false;
  during: () => Promise<void> = async () => undefined;
}

@EnableBinding(Sink)
class Handler {
  constructor(private readonly seen: Seen) {}

  @StreamListener(Sink.INPUT)
  async handle(payload: unknown, ack: Acknowledgment): Promise<void> {
    this.seen.payloads.push(payload);
    await this.seen.during();
    if (this.seen.nackFirst && this.seen.payloads.length === 1) ack.nack(0);
    else ack.ack();
  }
}

class SeenBatches {
  readonly batches: unknown[][] = [];
}

@EnableBinding(Sink)
class BatchHandler {
  constructor(private readonly seen: SeenBatches) {}

  @StreamListener(Sink.INPUT)
  handle(payloads: unknown[]): void {
    this.seen.batches.push(payloads);
  }
}

async function startBatch(test: TestBinder, store: InMemoryIdempotencyStore) {
  const seen = new SeenBatches();
  const app = await Bindery.create({
    services: [BatchHandler, { provide: SeenBatches, useValue: seen }],
    binder: test,
    clock: new RecordingClock(),
    config: { bindings: { input: { destination: 'orders', group: 'g', consumer: { idempotent: true, batchMode: true, ackMode: 'batch' } } } },
    configFile: false,
    env: {},
    logger: silentLogger,
    shutdownOnSignals: false,
    idempotencyStore: store,
  });
  return { app, seen };
}

async function start(test: TestBinder, group: string, consumer: ConsumerConfig, options: Partial<BinderyOptions>) {
  const seen = new Seen();
  const app = await Bindery.create({
    services: [Handler, { provide: Seen, useValue: seen }],
    binder: test,
    clock: new RecordingClock(),
    config: { bindings: { input: { destination: 'orders', group, consumer: { idempotent: true, ...consumer } } } },
    configFile: false,
    env: {},
    logger: silentLogger,
    shutdownOnSignals: false,
    ...options,
  });
  await app.start();
  return { app, seen };
}

describe('idempotent listener container', () => {
  const apps: Bindery[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.close()));
  });
  const started = async (...args: Parameters<typeof start>) => {
    const s = await start(...args);
    apps.push(s.app);
    return s;
  };

  it('claims for the session timeout plus the backoff, and keeps a done key for idempotencyTtlMs', async () => {
    const test = new TestBinder();
    const store = new CountingStore();
    const consumer = { sessionTimeoutMs: 10000, maxAttempts: 3, backOffInitialInterval: 100, idempotencyTtlMs: 777777 };
    const { seen } = await started(test, 'g', consumer, { idempotencyStore: store });
    InputDestination.of(test).send({ n: 1 }, { headers: { 'message-id': 'm-1' } });
    await waitFor(() => seen.payloads.length === 1 && store.ttls.length === 1);
    expect(store.calls).toEqual(['claim g:m-1', 'done g:m-1']);
    expect(store.leases).toEqual([10000 + 100 + 200]);
    expect(store.ttls).toEqual([777777]);
  });

  it('keeps renewing the claim while a handler runs longer than the lease', async () => {
    const test = new TestBinder();
    const store = new CountingStore();
    // Lease = session timeout (300 ms) with no backoff: renewed every 100 ms.
    const { seen } = await started(test, 'g', { sessionTimeoutMs: 300, maxAttempts: 1 }, { idempotencyStore: store });
    let claimedElsewhere: boolean | undefined;
    seen.during = async () => {
      const began = Date.now();
      await waitFor(() => store.renewals >= 4 && Date.now() - began > 300, 20000, 'renewals past the first lease');
      claimedElsewhere = await store.claim('g:m-1', 60000);
    };
    InputDestination.of(test).send({ n: 1 }, { headers: { 'message-id': 'm-1' } });
    await waitFor(() => test.broker.committedOffset('g', 'orders', 0) === 1);
    expect(claimedElsewhere).toBe(false);
    expect(await store.isDone('g:m-1')).toBe(true);
  });

  it('waits for a key another consumer holds and skips the message once that consumer marks it done', async () => {
    const test = new TestBinder();
    const store = new CountingStore();
    await store.claim('g:m-1', 60000);
    const { seen } = await started(test, 'g', {}, { idempotencyStore: store });
    InputDestination.of(test).send({ n: 1 }, { headers: { 'message-id': 'm-1' } });
    InputDestination.of(test).send({ n: 2 }, { headers: { 'message-id': 'm-2' } });
    await waitFor(() => store.calls.filter((c) => c === 'isDone g:m-1').length >= 2, 20000, 'the container to poll the held key');
    // Order holds: nothing after the held message ran while it waited.
    expect(seen.payloads).toEqual([]);
    await store.markDone('g:m-1', 60000);
    await waitFor(() => test.broker.committedOffset('g', 'orders', 0) === 2);
    expect(seen.payloads).toEqual([{ n: 2 }]);
  });

  it('processes a held message once the other consumer releases it after a failure', async () => {
    const test = new TestBinder();
    const store = new CountingStore();
    await store.claim('g:m-1', 60000);
    const { seen } = await started(test, 'g', {}, { idempotencyStore: store });
    InputDestination.of(test).send({ n: 1 }, { headers: { 'message-id': 'm-1' } });
    await waitFor(() => store.calls.includes('isDone g:m-1'), 20000, 'the container to find the key held');
    await store.release('g:m-1');
    await waitFor(() => test.broker.committedOffset('g', 'orders', 0) === 1);
    expect(seen.payloads).toEqual([{ n: 1 }]);
  });

  it('releases the key of a nacked record so its redelivery is processed', async () => {
    const test = new TestBinder();
    const store = new CountingStore();
    const s = await started(test, 'g', { ackMode: 'manual' }, { idempotencyStore: store });
    s.seen.nackFirst = true;
    InputDestination.of(test).send({ n: 1 }, { headers: { 'message-id': 'm-1' } });
    await waitFor(() => test.broker.committedOffset('g', 'orders', 0) === 1);
    expect(s.seen.payloads).toEqual([{ n: 1 }, { n: 1 }]);
  });

  it('scopes keys per group: two groups sharing a store each process the message once', async () => {
    const test = new TestBinder();
    const store = new InMemoryIdempotencyStore();
    const a = await started(test, 'ga', {}, { idempotencyStore: store });
    const b = await started(test, 'gb', {}, { idempotencyStore: store });
    InputDestination.of(test).send({ n: 1 }, { headers: { 'message-id': 'same' } });
    InputDestination.of(test).send({ n: 1 }, { headers: { 'message-id': 'same' } });
    await waitFor(() => test.broker.committedOffset('ga', 'orders', 0) === 2 && test.broker.committedOffset('gb', 'orders', 0) === 2);
    expect(a.seen.payloads).toEqual([{ n: 1 }]);
    expect(b.seen.payloads).toEqual([{ n: 1 }]);
  });

  it('uses a listener\'s own key function and its own store', async () => {
    const test = new TestBinder();
    const stores = new Map<string, CountingStore>();
    const { seen } = await started(test, 'g', {}, {
      idempotencyStore: (listener) => {
        const store = new CountingStore();
        stores.set(listener, store);
        return store;
      },
      idempotencyKey: (record) => `order-${record.key?.toString()}`,
    });
    InputDestination.of(test).send({ n: 1 }, { key: '42' });
    InputDestination.of(test).send({ n: 2 }, { key: '42' });
    await waitFor(() => test.broker.committedOffset('g', 'orders', 0) === 2);
    expect(seen.payloads).toEqual([{ n: 1 }]);
    expect([...stores.keys()]).toEqual(['input']);
    expect(stores.get('input')!.calls.slice(0, 2)).toEqual(['claim order-42', 'done order-42']);
  });

  it('batch listeners get only the records not yet processed, each once', async () => {
    const test = new TestBinder();
    const store = new CountingStore();
    await store.markDone('g:m-2', 60000);
    const input = InputDestination.of(test);
    for (const [n, id] of [[1, 'm-1'], [2, 'm-2'], [3, 'm-3'], [1, 'm-1']] as const) input.send({ n }, { destination: 'orders', headers: { 'message-id': id } });
    const { app, seen } = await startBatch(test, store);
    apps.push(app);
    await app.start();
    await waitFor(() => test.broker.committedOffset('g', 'orders', 0) === 4);
    expect(seen.batches.flat()).toEqual([{ n: 1 }, { n: 3 }]);
    expect(await store.isDone('g:m-3')).toBe(true);
    // A batch of nothing but duplicates is skipped and committed.
    input.send({ n: 3 }, { headers: { 'message-id': 'm-3' } });
    await waitFor(() => test.broker.committedOffset('g', 'orders', 0) === 5);
    expect(seen.batches.flat()).toEqual([{ n: 1 }, { n: 3 }]);
  });
});
