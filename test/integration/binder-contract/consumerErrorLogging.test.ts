/**
 * Every binder reports a consumer failure it recovers from (a handler that threw, delivered again)
 * through the logger it was given, and nothing reaches the console: the native binder, the kafka
 * binder against bindery's broker in this process, and the test binder.
 */
import type { Binder } from '../../../src/binder/Binder';
import { createKafkaBinder } from '../../../src/binder/kafka';
import { NativeBinder } from '../../../src/binder/native';
import { TestBinder } from '../../../src/binder/test';
import { CapturingLogger } from '../../support/capturingLogger';
import { startTestBroker, type TestBroker } from '../../support/broker-server';
import { Collector } from './contractSupport';

describe('a consumer failure reaches the logger the binder was given', () => {
  let broker: TestBroker | undefined;
  let consoleSpies: jest.SpyInstance[] = [];
  beforeEach(() => {
    consoleSpies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => jest.spyOn(console, m).mockImplementation(() => undefined));
  });
  afterEach(() => consoleSpies.forEach((s) => s.mockRestore()));
  afterAll(async () => {
    await broker?.stop();
  });

  const binders: Array<[string, (logger: CapturingLogger) => Promise<Binder>]> = [
    ['native', async (logger) => new NativeBinder({ shared: false }, logger)],
    [
      'kafka on bindery broker',
      async (logger) => {
        broker ??= await startTestBroker({ inProcess: true });
        return createKafkaBinder({ brokers: [broker.bootstrap], logLevel: 'nothing' }, logger);
      },
    ],
    ['test', async (logger) => new TestBinder({ logger })],
  ];

  it.each(binders)('%s binder', async (name, create) => {
    const logger = new CapturingLogger();
    const binder = await create(logger);
    const topic = `logged-${name.replace(/\W/g, '-')}`;
    try {
      const producer = await binder.bindProducer(topic, {});
      await producer.send({ value: Buffer.from('a') });
      let calls = 0;
      const consumer = await Collector.subscribe(binder, topic, { group: `${topic}-group`, startOffset: 'earliest' }, async (batch, session, collector) => {
        if (++calls === 1) throw new Error('handler boom');
        collector.receive(batch, session);
        await session.commit([{ topic, partition: 0, offset: batch.records[batch.records.length - 1].offset + 1 }]);
      });
      await consumer.waitForCount(1);
      expect(consumer.values()).toEqual(['a']);
      const reported = logger.lines.filter((l) => l.startsWith('ERROR') && l.includes(`${topic}-group`) && l.includes('handler boom'));
      expect(reported).toEqual([expect.stringContaining(`handler failed on ${topic}-0; delivering again from 0`)]);
      const printed = consoleSpies.flatMap((s) => s.mock.calls);
      expect(printed).toEqual([]);
      await consumer.binding.stop();
    } finally {
      await binder.close();
    }
  });
});
