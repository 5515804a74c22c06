/** The framework's transactions on the native binder and on the kafka binder against `bindery broker`. */
import { randomUUID } from 'node:crypto';
import { Bindery, EnableBinding, Input, MessageSender, Output, Payload, StreamListener, silentLogger, type BinderyConfig, type InputChannel, type MessageChannel } from '../../../src';
import type { NativeBinder } from '../../../src/binder/native';
import { transactionScenarios } from './transactionScenarios';
import { useInProcessBroker } from '../../support/inProcessBroker';

describe('native binder', () => {
  transactionScenarios(() => ({ binder: 'native' }));
});

describe('kafka binder on bindery broker', () => {
  const server = useInProcessBroker();

  transactionScenarios(() => ({ binder: 'kafka', binders: { kafka: { brokers: [`127.0.0.1:${server.port}`], logLevel: 'nothing' } } }));

  it('sends outside a transaction to a transactional binding, one by one and at once, reach a read_committed reader in order', async () => {
    const config = outputsConfig('kafka', randomUUID().slice(0, 8));
    const app = await Bindery.create({
      services: [Readers],
      config: { ...config, binders: { kafka: { brokers: [`127.0.0.1:${server.port}`], logLevel: 'nothing' } } },
      configFile: false,
      env: {},
      logger: silentLogger,
      shutdownOnSignals: false,
    });
    try {
      await app.start();
      await app.channel('events').send({ n: 1 });
      await Promise.all(Array.from({ length: 10 }, (_, i) => app.channel('events').send({ n: i + 2 })));
      await app.channel('plain').send({ n: 1 });
      const readers = app.get(Readers);
      await waitFor(`every record (events ${readers.events}, plain ${readers.plain})`, () => readers.events.length === 11 && readers.plain.length === 1);
      expect(readers.events).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
    } finally {
      await app.close();
    }
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
