/**
 * A kafka binder producer connecting to an in-process `bindery broker` leaves the application's
 * logger quiet: kafkajs has nothing to warn about in the binder's producer settings. Its sends still
 * end when the cluster cannot be reached, after the binder's bounded retries.
 */
import { createKafkaBinder, KafkaConnectionError, type KafkaBinder } from '../../../src/binder/kafka';
import { startTestBroker, type TestBroker } from '../../support/broker-server';
import { CapturingLogger } from '../../support/capturingLogger';

describe('kafka binder producer settings', () => {
  let broker: TestBroker;
  let binder: KafkaBinder | undefined;
  beforeAll(async () => {
    broker = await startTestBroker({ inProcess: true });
  });
  afterEach(async () => {
    await binder?.close();
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it.each([
    ['an idempotent producer (the default)', {}],
    ['a producer with idempotent: false', { idempotent: false }],
  ])('%s connects and sends without a kafkajs warning reaching the application logger', async (_, options) => {
    const logger = new CapturingLogger();
    binder = createKafkaBinder({ brokers: [broker.bootstrap], logLevel: 'warn' }, logger);
    const producer = await binder.bindProducer('producer-warnings', options);
    await producer.send({ value: Buffer.from('one') });
    expect(logger.lines.filter((line) => line.startsWith('WARN') || line.startsWith('ERROR'))).toEqual([]);
  });

  it('an idempotent producer whose cluster went away rejects a send with KafkaConnectionError after bounded retries', async () => {
    const own = await startTestBroker({ inProcess: true });
    binder = createKafkaBinder({
      brokers: [own.bootstrap],
      logLevel: 'nothing',
      connectionTimeoutMs: 300,
      retry: { retries: 2, initialRetryTime: 50, maxRetryTime: 200 },
    });
    const producer = await binder.bindProducer('producer-unreachable');
    await producer.send({ value: Buffer.from('before') });
    await own.stop();
    const failure = await producer.send({ value: Buffer.from('after') }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(KafkaConnectionError);
  });
});
