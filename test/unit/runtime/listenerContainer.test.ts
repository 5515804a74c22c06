import {
  Ack,
  Acknowledgment,
  Bindery,
  EnableBinding,
  Headers,
  Injectable,
  InputDestination,
  KafkaListener,
  OutputDestination,
  RecordContext,
  Sink,
  StreamListener,
  TestBinder,
  silentLogger,
  type BinderyConfig,
  type RetryablePredicate,
} from '../../../src';
import { InstrumentedBinder, RecordingClock, waitFor } from '../../integration/framework/support';

class Calls {
  readonly seen: unknown[] = [];
  failuresLeft = 0;
  error: () => Error = () => new Error('boom');
  hook: (payload: unknown, ack: Acknowledgment | undefined, context: RecordContext | undefined) => void = () => undefined;
}

@EnableBinding(Sink)
class Flaky {
  constructor(private readonly calls: Calls) {}

  @StreamListener(Sink.INPUT)
  handle(payload: unknown, ack: Acknowledgment, context: RecordContext): void {
    this.calls.seen.push(payload);
    if (this.calls.failuresLeft > 0) {
      this.calls.failuresLeft--;
      throw this.calls.error();
    }
    this.calls.hook(payload, ack, context);
  }
}

async function start(config: BinderyConfig['bindings'], setup: (calls: Calls) => void = () => undefined, retryable?: RetryablePredicate) {
  const test = new TestBinder();
  const binder = new InstrumentedBinder(test);
  const clock = new RecordingClock();
  const calls = new Calls();
  setup(calls);
  const app = await Bindery.create({
    services: [Flaky, { provide: Calls, useValue: calls }],
    config: { bindings: config },
    binder,
    clock,
    retryable,
    configFile: false,
    env: {},
    logger: process.env.DEBUG_LC ? undefined : silentLogger,
    shutdownOnSignals: false,
  });
  await app.start();
  return { app, test, binder, clock, calls, input: InputDestination.of(test), output: OutputDestination.of(test) };
}

const inputBinding = (consumer: object = {}) => ({ input: { destination: 'orders', group: 'g', consumer } });

describe('listener container', () => {
  it('retries with exponential backoff and heartbeats while backing off', async () => {
    const t = await start(inputBinding({ maxAttempts: 4, heartbeatIntervalMs: 500 }), (c) => (c.failuresLeft = 3));
    try {
      t.input.send({ n: 1 });
      await waitFor(() => t.calls.seen.length === 4 && t.test.broker.committedOffset('g', 'orders', 0) === 1);
      // 1000, 2000, 4000 ms backoff, slept in heartbeat-sized slices
      expect(t.clock.sleeps.reduce((a, b) => a + b, 0)).toBe(7000);
      expect(t.binder.heartbeats).toBe(14);
    } finally {
      await t.app.close();
    }
  });

  it('caps backoff at backOffMaxInterval', async () => {
    const t = await start(
      inputBinding({ maxAttempts: 5, backOffInitialInterval: 100, backOffMultiplier: 3, backOffMaxInterval: 1000, heartbeatIntervalMs: 100000 }),
      (c) => (c.failuresLeft = 4),
    );
    try {
      t.input.send({ n: 1 });
      await waitFor(() => t.calls.seen.length === 5);
      expect(t.clock.sleeps).toEqual([100, 300, 900, 1000]);
    } finally {
      await t.app.close();
    }
  });

  it('sends an exhausted message to error.<destination>.<group> with the failure headers and commits it', async () => {
    const t = await start(inputBinding({ enableDlq: true }), (c) => (c.failuresLeft = 99));
    try {
      t.input.send({ n: 7 }, { key: 'k1', headers: { trace: 'abc' } });
      const dead = await t.output.receive(20000, 'error.orders.g');
      expect(dead).not.toBeNull();
      expect(dead!.payload()).toEqual({ n: 7 });
      expect(dead!.keyText).toBe('k1');
      expect(dead!.partition).toBe(0);
      expect(dead!.headers).toMatchObject({
        'x-original-topic': 'orders',
        'x-original-partition': '0',
        'x-original-offset': '0',
        'x-exception-message': 'boom',
        'x-attempts': '3',
        trace: 'abc',
      });
      expect(dead!.headers['x-exception-stacktrace']).toContain('Error: boom');
      await waitFor(() => t.test.broker.committedOffset('g', 'orders', 0) === 1);
      expect(t.calls.seen).toHaveLength(3);
    } finally {
      await t.app.close();
    }
  });

  it('does not retry errors marked not retryable by class', async () => {
    const t = await start(inputBinding({ retryableExceptions: { TypeError: false }, enableDlq: true }), (c) => {
      c.failuresLeft = 99;
      c.error = () => new TypeError('bad input');
    });
    try {
      t.input.send({ n: 1 });
      const dead = await t.output.receive(20000, 'error.orders.g');
      expect(dead!.headers['x-attempts']).toBe('1');
      expect(t.calls.seen).toHaveLength(1);
      expect(t.clock.sleeps).toEqual([]);
    } finally {
      await t.app.close();
    }
  });

  it('asks the retryable predicate first, with the binding name', async () => {
    const asked: string[] = [];
    class Permanent extends Error {}
    const t = await start(
      inputBinding({ retryableExceptions: { Permanent: true } }),
      (c) => {
        c.failuresLeft = 99;
        c.error = () => new Permanent('permanent');
      },
      (error, binding) => {
        asked.push(binding);
        return error instanceof Permanent ? false : undefined;
      },
    );
    try {
      t.input.send({ n: 1 });
      await waitFor(() => t.test.broker.committedOffset('g', 'orders', 0) === 1);
      expect(t.calls.seen).toHaveLength(1);
      expect(asked).toEqual(['input']);
    } finally {
      await t.app.close();
    }
  });

  it('sends unreadable bytes to the DLQ without invoking or retrying', async () => {
    const t = await start(inputBinding({ enableDlq: true }));
    try {
      t.input.send(Buffer.from('{not json'), { headers: { 'content-type': 'application/json' } });
      const dead = await t.output.receive(20000, 'error.orders.g');
      expect(dead!.headers['x-attempts']).toBe('1');
      expect(dead!.headers['x-exception-message']).toContain("Cannot convert a 'application/json' message");
      expect(t.calls.seen).toHaveLength(0);
    } finally {
      await t.app.close();
    }
  });

  it('skips and commits unreadable bytes when the DLQ is off, and goes on', async () => {
    const t = await start(inputBinding());
    try {
      t.input.send(Buffer.from('{not json'), { headers: { 'content-type': 'application/json' } });
      t.input.send({ n: 2 });
      await waitFor(() => t.calls.seen.length === 1 && t.test.broker.committedOffset('g', 'orders', 0) === 2);
      expect(t.calls.seen).toEqual([{ n: 2 }]);
    } finally {
      await t.app.close();
    }
  });

  it('does not commit when the DLQ publish fails, so the message comes again', async () => {
    const t = await start(inputBinding({ enableDlq: true, maxAttempts: 1 }), (c) => (c.failuresLeft = Infinity));
    t.binder.failSendsTo = (topic) => topic.startsWith('error.');
    try {
      t.input.send({ n: 3 });
      await waitFor(() => t.calls.seen.length >= 3);
      expect(t.test.broker.committedOffset('g', 'orders', 0)).toBeUndefined();
    } finally {
      await t.app.close();
    }
  });

  it.each([
    ['record', [[1], [2], [3]]],
    ['batch', [[3]]],
  ])('ackMode %s commits %j', async (ackMode, expected) => {
    const test = new TestBinder();
    const input = InputDestination.of(test);
    for (let n = 0; n < 3; n++) input.send({ n }, { destination: 'orders' });
    const binder = new InstrumentedBinder(test);
    const app = await Bindery.create({
      services: [Flaky, { provide: Calls, useValue: new Calls() }],
      config: { bindings: inputBinding({ ackMode }) },
      binder,
      configFile: false,
      env: {},
      logger: silentLogger,
      shutdownOnSignals: false,
    });
    await app.start();
    try {
      await waitFor(() => test.broker.committedOffset('g', 'orders', 0) === 3);
      expect(binder.commits).toEqual(expected);
    } finally {
      await app.close();
    }
  });

  it('commits manual acks at the end of the batch and only what was acknowledged', async () => {
    const t = await start(inputBinding({ ackMode: 'manual' }), (c) => {
      c.hook = (payload, ack) => {
        if ((payload as { n: number }).n < 2) ack!.ack();
      };
    });
    try {
      t.input.send({ n: 0 });
      await waitFor(() => t.test.broker.committedOffset('g', 'orders', 0) === 1);
      t.input.send({ n: 5 });
      await waitFor(() => t.calls.seen.length === 2);
      await t.app.close();
      expect(t.test.broker.committedOffset('g', 'orders', 0)).toBe(1);
    } finally {
      await t.app.close();
    }
  });

  it('commits at once on ack() in manual_immediate mode', async () => {
    const committedInside: Array<number | undefined> = [];
    let broker: TestBinder['broker'] | undefined;
    const t = await start(inputBinding({ ackMode: 'manual_immediate' }), (c) => {
      c.hook = (_payload, ack, context) => {
        ack!.ack();
        committedInside.push(broker!.committedOffset('g', context!.topic, context!.partition));
      };
    });
    broker = t.test.broker;
    try {
      t.input.send({ n: 1 });
      await waitFor(() => committedInside.length === 1);
      expect(committedInside).toEqual([1]);
    } finally {
      await t.app.close();
    }
  });

  it('redelivers a nacked record after the requested sleep', async () => {
    let first = true;
    const t = await start(inputBinding({ ackMode: 'manual' }), (c) => {
      c.hook = (_payload, ack) => {
        if (first) {
          first = false;
          ack!.nack(250);
        } else ack!.ack();
      };
    });
    try {
      t.input.send({ n: 1 });
      await waitFor(() => t.calls.seen.length === 2 && t.test.broker.committedOffset('g', 'orders', 0) === 1);
      expect(t.clock.sleeps).toContain(250);
    } finally {
      await t.app.close();
    }
  });

  it('skips a message whose message-id was already processed when idempotent', async () => {
    const t = await start(inputBinding({ idempotent: true }));
    try {
      t.input.send({ n: 1 }, { headers: { 'message-id': 'same' } });
      t.input.send({ n: 1 }, { headers: { 'message-id': 'same' } });
      t.input.send({ n: 2 }, { headers: { 'message-id': 'other' } });
      await waitFor(() => t.test.broker.committedOffset('g', 'orders', 0) === 3);
      expect(t.calls.seen).toEqual([{ n: 1 }, { n: 2 }]);
    } finally {
      await t.app.close();
    }
  });

  it('gives the listener its record context', async () => {
    const contexts: RecordContext[] = [];
    const t = await start(inputBinding(), (c) => (c.hook = (_p, _a, context) => contexts.push(context!)));
    try {
      t.input.send({ n: 1 }, { key: 'abc', headers: { h: 'v' } });
      await waitFor(() => contexts.length === 1);
      expect(contexts[0]).toMatchObject({ topic: 'orders', partition: 0, offset: 0, attempt: 1 });
      expect(contexts[0].key?.toString()).toBe('abc');
      expect(contexts[0].headers.h).toBe('v');
      expect(typeof contexts[0].timestamp).toBe('number');
    } finally {
      await t.app.close();
    }
  });
});

class BatchSeen {
  readonly batches: unknown[][] = [];
}

@Injectable()
class BatchService {
  constructor(private readonly seen: BatchSeen) {}
  @KafkaListener({ id: 'bulk', topics: 'bulk', groupId: 'bulk-g', batch: true, autoStartup: false })
  onBatch(payloads: unknown[], @Headers() headers: Array<Record<string, string>>, @Ack() ack: Acknowledgment): void {
    this.seen.batches.push(payloads);
    expect(headers).toHaveLength(payloads.length);
    ack.ack();
  }
}

describe('@KafkaListener batch listeners and autoStartup', () => {
  it('stays paused until resumed, then gets the waiting records as one array', async () => {
    const seen = new BatchSeen();
    const test = new TestBinder();
    const app = await Bindery.create({
      services: [BatchService, { provide: BatchSeen, useValue: seen }],
      binder: test,
      configFile: false,
      env: {},
      logger: silentLogger,
      shutdownOnSignals: false,
    });
    await app.start();
    try {
      expect(app.isPaused('bulk')).toBe(true);
      const input = InputDestination.of(test);
      for (let n = 0; n < 3; n++) input.send({ n }, { destination: 'bulk' });
      app.resume('bulk');
      await waitFor(() => test.broker.committedOffset('bulk-g', 'bulk', 0) === 3);
      expect(seen.batches).toEqual([[{ n: 0 }, { n: 1 }, { n: 2 }]]);
    } finally {
      await app.close();
    }
  });
});
