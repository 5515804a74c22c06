/** The framework's transactions on the native binder and on the kafka binder against `bindery broker`. */
import { randomUUID } from 'node:crypto';
import { Bindery, EnableBinding, Input, MessageSender, Output, Payload, StreamListener, silentLogger, type BinderyConfig, type InputChannel, type MessageChannel } from '../../../src';
import type { ConsumerBinding, ConsumerGroupMetadata, InboundRecord, TopicPartitionOffset, TransactionalProducer, TransactionalProducerOptions } from '../../../src/binder/Binder';
import { NativeBinder } from '../../../src/binder/native';
import { transactionScenarios } from './transactionScenarios';
import { useInProcessBroker } from '../../support/inProcessBroker';

describe('native binder', () => {
  transactionScenarios(() => ({ binder: 'native' }));
});

describe('kafka binder on bindery broker', () => {
  const server = useInProcessBroker();

  transactionScenarios(() => ({ binder: 'kafka', binders: { kafka: { brokers: [`127.0.0.1:${server.port}`], logLevel: 'nothing' } } }));

  /** An application of the outputs config on the kafka binder against the in-process broker, closed after `use`. */
  const withKafkaApp = async (id: string, use: (app: Bindery) => Promise<void>): Promise<void> => {
    const app = await Bindery.create({
      services: [Readers],
      config: { ...outputsConfig('kafka', id), binders: { kafka: { brokers: [`127.0.0.1:${server.port}`], logLevel: 'nothing' } } },
      configFile: false,
      env: {},
      logger: silentLogger,
      shutdownOnSignals: false,
    });
    try {
      await app.start();
      await use(app);
    } finally {
      await app.close();
    }
  };

  it('sends outside a transaction to a transactional binding, one by one and at once, reach a read_committed reader in order', () =>
    withKafkaApp(randomUUID().slice(0, 8), async (app) => {
      await app.channel('events').send({ n: 1 });
      await Promise.all(Array.from({ length: 10 }, (_, i) => app.channel('events').send({ n: i + 2 })));
      await app.channel('plain').send({ n: 1 });
      const readers = app.get(Readers);
      await waitFor(`every record (events ${readers.events}, plain ${readers.plain})`, () => readers.events.length === 11 && readers.plain.length === 1);
      expect(readers.events).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
    }));

  it('under a steady stream of sends outside a transaction, the first resolves while the stream still runs, and order holds', () => {
    const id = randomUUID().slice(0, 8);
    return withKafkaApp(id, (app) => steadyStream(app, `local.events.${id}`));
  });
});

class Outputs {
  @Output('events') readonly events!: MessageChannel;
  @Output('plain') readonly plain!: MessageChannel;
  @Input('eventsIn') readonly eventsIn!: InputChannel;
  @Input('plainIn') readonly plainIn!: InputChannel;
}

/** read_committed (the default) readers of both outputs. */
@EnableBinding(Outputs)
class Readers {
  readonly events: number[] = [];
  readonly plain: number[] = [];

  @StreamListener('eventsIn')
  onEvent(@Payload() v: { n: number }): void {
    this.events.push(v.n);
  }

  @StreamListener('plainIn')
  onPlain(@Payload() v: { n: number }): void {
    this.plain.push(v.n);
  }
}

/**
 * A steady stream of sends must not hold one transaction open: its records would stay invisible
 * until the stream paused, and past transaction.timeout.ms the broker would abort them. Each round
 * sends a few more while the earlier ones are in flight, until the first send has resolved.
 */
async function steadyStream(app: Bindery, topic: string): Promise<void> {
  const cap = 3000;
  let firstResolved = false;
  let made = 0;
  const sends: Promise<unknown>[] = [];
  while (!firstResolved && made < cap) {
    for (let i = 0; i < 5; i++) {
      sends.push(app.send(topic, { n: ++made }));
      if (made === 1) void sends[0].then(() => (firstResolved = true));
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  const madeWhenFirstResolved = made;
  await Promise.all(sends);
  expect({ firstResolvedWhileStreaming: madeWhenFirstResolved < cap }).toEqual({ firstResolvedWhileStreaming: true });
  const readers = app.get(Readers);
  await waitFor(`every record (events ${readers.events.length} of ${made})`, () => readers.events.length === made);
  expect(readers.events).toEqual(Array.from({ length: made }, (_, i) => i + 1));
}

async function waitFor(what: string, condition: () => boolean, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not seen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** `events` is transactional; `plain` has a prefix too but allowNonTransactional. */
function outputsConfig(binder: string, id: string): BinderyConfig {
  return {
    binder,
    bindings: {
      events: { destination: `local.events.${id}`, producer: { transactionIdPrefix: `local-${id}-`, partitionCount: 1 } },
      plain: { destination: `local.plain.${id}`, producer: { transactionIdPrefix: `plain-${id}-`, allowNonTransactional: true, partitionCount: 1 } },
      eventsIn: { destination: `local.events.${id}`, group: 'events-reader', consumer: { partitionCount: 1 } },
      plainIn: { destination: `local.plain.${id}`, group: 'plain-reader', consumer: { partitionCount: 1 } },
    },
  };
}

describe('sends outside a transaction to a transactional binding', () => {
  let app: Bindery | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  const create = async (config: BinderyConfig): Promise<Bindery> => {
    app = await Bindery.create({ services: [Readers], config, configFile: false, env: {}, logger: silentLogger, shutdownOnSignals: false });
    await app.start();
    return app;
  };

  it('native binder: each runs in a transaction of its own on <prefix>n (sends in flight together share one); allowNonTransactional keeps the plain producer', async () => {
    const id = randomUUID().slice(0, 8);
    const a = await create(outputsConfig('native', id));
    const broker = await (a.binder as NativeBinder).broker();
    const ids = (prefix: string): string[] => broker.transactions.list([], []).transactions.map((t) => t.transactionalId).filter((t) => t.startsWith(prefix)).sort();

    await a.channel('events').send({ n: 1 });
    // The send resolved: its transaction has committed (the markers may still be on their way).
    const [described] = broker.transactions.describe([`local-${id}-0`]);
    expect({ errorCode: described.errorCode, committed: ['PrepareCommit', 'CompleteCommit'].includes(described.transactionState) }).toEqual({ errorCode: 0, committed: true });
    await a.send(`local.events.${id}`, { n: 2 });
    // Twenty sends at once join one transaction: the same producer, leased again from the pool.
    await Promise.all(Array.from({ length: 20 }, (_, i) => a.send(`local.events.${id}`, { n: i + 3 })));
    expect(ids(`local-${id}-`)).toEqual([`local-${id}-0`]);

    await a.channel('plain').send({ n: 1 });
    expect(ids(`plain-${id}-`)).toEqual([]);

    const readers = a.get(Readers);
    await waitFor(`every record (events ${readers.events}, plain ${readers.plain})`, () => readers.events.length === 22 && readers.plain.length === 1);
    expect(readers.events).toEqual(Array.from({ length: 22 }, (_, i) => i + 1));
    expect(readers.plain).toEqual([1]);
  });

  it('native binder: a failed send aborts the transaction it shares; the others reject and are never seen', async () => {
    const id = randomUUID().slice(0, 8);
    const a = await create(outputsConfig('native', id));
    const topic = `local.events.${id}`;
    await a.send(topic, { n: 1 });
    const good = a.send(topic, { n: 2 });
    const bad = a.send(topic, { n: 3 }, { partition: 5 });
    await expect(bad).rejects.toMatchObject({ code: 'TRANSACTION_FAILED' });
    await expect(good).rejects.toMatchObject({ code: 'LOCAL_TRANSACTION_ABORTED' });
    await a.send(topic, { n: 4 });
    const readers = a.get(Readers);
    await waitFor(`the record after the aborted ones (events ${readers.events})`, () => readers.events.includes(4));
    expect(readers.events).toEqual([1, 4]);
  });

  it('native binder: MessageSender.sendMany joins app.transaction (aborted with it), and outside one runs in one of its own', async () => {
    const id = randomUUID().slice(0, 8);
    const a = await create(outputsConfig('native', id));
    const sender = a.get(MessageSender);
    await expect(
      a.transaction(async () => {
        await sender.sendMany('events', [{ payload: { n: 1 } }, { payload: { n: 2 } }]);
        throw new Error('refused after sending');
      }),
    ).rejects.toThrow('refused after sending');
    await sender.sendMany('events', [{ payload: { n: 3 } }, { payload: { n: 4 } }]);
    const broker = await (a.binder as NativeBinder).broker();
    expect(broker.transactions.list([], []).transactions.map((t) => t.transactionalId).filter((t) => t.startsWith(`local-${id}-`))).toEqual([`local-${id}-0`]);
    const readers = a.get(Readers);
    await waitFor(`the records sent after the aborted ones (events ${readers.events})`, () => readers.events.includes(4));
    expect(readers.events).toEqual([3, 4]);
  });

  it('test binder (no transactional producers): they go out through the plain producer', async () => {
    const a = await create(outputsConfig('test', randomUUID().slice(0, 8)));
    await a.channel('events').send({ n: 1 });
    await a.channel('plain').send({ n: 1 });
    const readers = a.get(Readers);
    await waitFor('both records', () => readers.events.length === 1 && readers.plain.length === 1);
  });
});

describe('native binder: a transaction\'s offset commit carries the member\'s group metadata (KIP-447)', () => {
  const binder = new NativeBinder();
  const consumers: ConsumerBinding[] = [];
  afterAll(async () => {
    for (const c of consumers) await c.stop();
    await binder.close();
  });

  it('a commit with the generation a rebalance left behind is rejected with ILLEGAL_GENERATION and the transaction aborts', async () => {
    const id = randomUUID().slice(0, 8);
    const [input, output, group] = [`kip447.in.${id}`, `kip447.out.${id}`, `kip447.copier.${id}`];
    await binder.provisionTopic(input, 2);
    await binder.provisionTopic(output, 1);
    await (await binder.bindProducer(input)).send({ key: null, value: Buffer.from('in'), partition: 0 });

    // The member that read the record keeps its place in the group as it was then.
    let stale: ConsumerGroupMetadata | undefined;
    consumers.push(await binder.bindConsumer(input, { group, startOffset: 'earliest' }, async (_batch, session) => void (stale ??= session.groupMetadata?.())));
    await waitFor('the first member reading the record', () => stale !== undefined);
    expect(stale).toMatchObject({ groupId: group, generationId: expect.any(Number) });
    expect(stale!.memberId).not.toBe('');
    // A second member joins: the group moves to a new generation (the first member rejoins it).
    consumers.push(await binder.bindConsumer(input, { group, startOffset: 'earliest' }, async () => undefined));

    const zombie = await binder.transactionalProducer(`kip447-${id}`);
    zombie.begin();
    await zombie.send(output, { key: null, value: Buffer.from('from the zombie') });
    await expect(zombie.sendOffsets(group, [{ topic: input, partition: 0, offset: 1 }], stale)).rejects.toThrow(/ILLEGAL_GENERATION/);
    await expect(zombie.commit()).rejects.toThrow(/ILLEGAL_GENERATION/);

    // The aborted output is never read; a later committed record is.
    zombie.begin();
    await zombie.send(output, { key: null, value: Buffer.from('after') });
    await zombie.commit();
    const read: InboundRecord[] = [];
    consumers.push(await binder.bindConsumer(output, { group: `kip447.reader.${id}`, startOffset: 'earliest', isolationLevel: 'read_committed' }, async (batch) => void read.push(...batch.records)));
    await waitFor('the committed record after the aborted one', () => read.some((r) => r.value?.toString() === 'after'));
    expect(read.map((r) => r.value?.toString())).toEqual(['after']);
    await zombie.close();
  });

  it("a transactional listener's offset commit names its member and generation", async () => {
    const id = randomUUID().slice(0, 8);
    const sent: Array<ConsumerGroupMetadata | undefined> = [];
    // The binder as the application sees it, its transactional producers noting what their offset commits carry.
    const noting = new Proxy(binder, {
      get(target, property) {
        if (property !== 'transactionalProducer') {
          const value: unknown = Reflect.get(target, property, target);
          return typeof value === 'function' ? value.bind(target) : value;
        }
        return async (transactionalId: string, options?: TransactionalProducerOptions): Promise<TransactionalProducer> => {
          const producer = await target.transactionalProducer(transactionalId, options);
          return {
            transactionalId: producer.transactionalId,
            begin: () => producer.begin(),
            send: (topic, record) => producer.send(topic, record),
            sendOffsets: (group: string, offsets: TopicPartitionOffset[], metadata?: ConsumerGroupMetadata) => {
              sent.push(metadata);
              return producer.sendOffsets(group, offsets, metadata);
            },
            commit: () => producer.commit(),
            abort: () => producer.abort(),
            close: () => producer.close(),
          };
        };
      },
    });
    const copier = await Bindery.create({
      services: [Readers],
      binder: noting,
      config: {
        bindings: {
          eventsIn: { destination: `kip447.listener.${id}`, group: 'copier', consumer: { transactional: true, partitionCount: 1 } },
          plainIn: { destination: `kip447.unused.${id}`, group: 'unused', consumer: { partitionCount: 1 } },
        },
        default: { producer: { transactionIdPrefix: `kip447-listener-${id}-` } },
      },
      configFile: false,
      env: {},
      logger: silentLogger,
      shutdownOnSignals: false,
    });
    try {
      await copier.start();
      await copier.transaction((tx) => tx.send(`kip447.listener.${id}`, { n: 1 }));
      await waitFor('the offset commit of the transactional listener', () => sent.length > 0);
      expect(sent[0]).toMatchObject({ groupId: 'copier', generationId: expect.any(Number), groupInstanceId: null });
      expect(sent[0]!.generationId).toBeGreaterThan(0);
      expect(sent[0]!.memberId).not.toBe('');
    } finally {
      await copier.close();
    }
  });
});
