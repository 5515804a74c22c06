/**
 * @GlobalProducerInterceptor: an injectable service whose beforeSend sees every record the
 * application sends (app.send, output channels, dead letters), after Bindery.create's producer
 * interceptors — on the native binder, the test binder, and the kafka binder against an
 * in-process bindery broker.
 */
import 'reflect-metadata';
import {
  Bindery,
  Context,
  EnableBinding,
  GlobalProducerInterceptor,
  Injectable,
  Payload,
  ProducerInterceptorError,
  RecordContext,
  Sink,
  Source,
  StreamListener,
  silentLogger,
  type Binder,
  type ProducedRecord,
  type ProducerInterceptor,
} from '../../../src';
import { NativeBinder } from '../../../src/binder/native';
import { TestBinder } from '../../../src/binder/test';
import { createKafkaBinder } from '../../../src/binder/kafka';
import { startTestBroker, type TestBroker as BinderyBroker } from '../../support/broker-server';
import { DEADLINE_MS, eventually, RawCollector, uniqueName } from '../delivery/deliverySupport';

/** A dependency of the interceptor, injected by the container. */
class Tenant {
  constructor(readonly id: string) {}
}

@GlobalProducerInterceptor()
class TenantStamp implements ProducerInterceptor {
  constructor(private readonly tenant: Tenant) {}

  beforeSend(record: ProducedRecord): void {
    record.headers!.push({ key: 'x-tenant', value: Buffer.from(this.tenant.id) }, { key: 'x-hop', value: Buffer.from('decorated') });
  }
}

/** What the reader saw: the payload's n, its x-tenant header and every x-hop header in order. */
class Seen {
  readonly records: { n: number; tenant: string | undefined; hops: string[] }[] = [];
}

@Injectable()
@EnableBinding(Sink)
class Reader {
  constructor(private readonly seen: Seen) {}

  @StreamListener(Sink.INPUT)
  read(@Payload() payload: { n: number }, @Context() context: RecordContext): void {
    const values = (key: string): string[] => context.rawHeaders.filter((h) => h.key === key).map((h) => h.value?.toString() ?? '');
    this.seen.records.push({ n: payload.n, tenant: values('x-tenant')[0], hops: values('x-hop') });
    if (payload.n === 3) throw new Error('three goes to the dead-letter topic');
  }
}

@EnableBinding(Source)
class Announcer {}

const header = (collector: RawCollector, index: number, name: string): string[] =>
  collector.records[index].headers.filter((h) => h.key === name).map((h) => h.value?.toString() ?? '');

/** `transactional`: the binder has transactional producers. */
function suite(name: string, newBinder: () => Binder, transactional: boolean): void {
  describe(`@GlobalProducerInterceptor: ${name}`, () => {
    const closing: Array<{ close(): Promise<void> } | { stop(): Promise<void> }> = [];
    afterEach(async () => {
      for (const c of closing.splice(0).reverse()) await ('close' in c ? c.close() : c.stop()).catch(() => undefined);
    });

    it('adds headers to app.send, output-channel and dead-letter records, after the interceptors of Bindery.create', async () => {
      const binder = newBinder();
      closing.push(binder);
      const topic = uniqueName('global-interceptor');
      const group = `${topic}.g`;
      await binder.provisionTopic(topic, 1);
      const dlq = await RawCollector.subscribe(binder, `error.${topic}.${group}`, 1);
      closing.push(dlq);
      const seen = new Seen();
      const app = await Bindery.create({
        services: [Reader, Announcer, TenantStamp, { provide: Seen, useValue: seen }, { provide: Tenant, useValue: new Tenant('acme') }],
        binder,
        config: {
          bindings: {
            input: { destination: topic, group, consumer: { maxAttempts: 1, enableDlq: true } },
            output: { destination: topic },
          },
        },
        producerInterceptors: [{ beforeSend: (record) => void record.headers!.push({ key: 'x-hop', value: Buffer.from('create') }) }],
        configFile: false,
        env: {},
        logger: silentLogger,
        shutdownOnSignals: false,
      });
      closing.push(app);
      await app.start();

      await app.send(topic, { n: 1 });
      await app.channel('output').send({ n: 2 });
      await app.send(topic, { n: 3 });
      await eventually(() => seen.records.length === 3 && dlq.records.length === 1, 'three records read and one dead letter');

      expect(seen.records).toEqual([
        { n: 1, tenant: 'acme', hops: ['create', 'decorated'] },
        { n: 2, tenant: 'acme', hops: ['create', 'decorated'] },
        { n: 3, tenant: 'acme', hops: ['create', 'decorated'] },
      ]);
      // The dead letter is a send of the framework's own: it passes through both once more.
      expect(header(dlq, 0, 'x-hop').slice(-2)).toEqual(['create', 'decorated']);
      expect(header(dlq, 0, 'x-tenant').at(-1)).toBe('acme');
    }, 2 * DEADLINE_MS);

    // Only where the binder has transactional producers (the test binder has none).
    if (transactional) it('adds headers to the sends of app.transaction and to sends that run in a transaction of their own', async () => {
      const binder = newBinder();
      closing.push(binder);
      const topic = uniqueName('global-interceptor-tx');
      await binder.provisionTopic(topic, 1);
      const seen = new Seen();
      const app = await Bindery.create({
        services: [Reader, Announcer, TenantStamp, { provide: Seen, useValue: seen }, { provide: Tenant, useValue: new Tenant('acme') }],
        binder,
        config: {
          bindings: {
            input: { destination: topic, group: `${topic}.g` },
            output: { destination: topic, producer: { transactionIdPrefix: `${topic}-` } },
          },
        },
        configFile: false,
        env: {},
        logger: silentLogger,
        shutdownOnSignals: false,
      });
      closing.push(app);
      await app.start();

      await app.transaction((tx) => tx.send(topic, { n: 1 }));
      await app.channel('output').send({ n: 2 });
      await eventually(() => seen.records.length === 2, 'both records read');
      expect(seen.records).toEqual([
        { n: 1, tenant: 'acme', hops: ['decorated'] },
        { n: 2, tenant: 'acme', hops: ['decorated'] },
      ]);
    }, 2 * DEADLINE_MS);
  });
}

suite('native binder', () => new NativeBinder(), true);
suite('test binder', () => new TestBinder(), false);

describe('kafka binder on bindery broker', () => {
  let broker: BinderyBroker;
  beforeAll(async () => {
    broker = await startTestBroker({ inProcess: true });
  });
  afterAll(async () => {
    await broker?.stop();
  });
  suite('kafka binder on bindery broker', () => createKafkaBinder({ brokers: [broker.bootstrap], logLevel: 'nothing' }), true);
});

describe('@GlobalProducerInterceptor on a class without beforeSend', () => {
  it('fails Bindery.create with PRODUCER_INTERCEPTOR naming the class', async () => {
    @GlobalProducerInterceptor()
    class NotAnInterceptor {
      before(): void {}
    }
    const created = Bindery.create({ services: [NotAnInterceptor], binder: new TestBinder(), configFile: false, env: {}, logger: silentLogger, shutdownOnSignals: false });
    await expect(created).rejects.toThrow(ProducerInterceptorError);
    await expect(created).rejects.toMatchObject({ code: 'PRODUCER_INTERCEPTOR', message: expect.stringContaining('NotAnInterceptor') });
  });
});
