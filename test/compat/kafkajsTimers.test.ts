/**
 * kafkajs 2.2.4 passes a negative delay to setTimeout whenever its request queue is not throttled
 * (tulios/kafkajs#1751); Node runs it after 1 ms, and from Node 24 on prints a TimeoutNegativeWarning
 * on the user's terminal (every CLI command, every app on the kafka binder). bindery's clients must not.
 */
import { CliClient } from '../../src/cli/CliClient';
import { createKafkaBinder } from '../../src/binder/kafka';
import { startTestBroker, type TestBroker } from '../support/broker-server';

describe('kafkajs timers', () => {
  let broker: TestBroker;
  jest.setTimeout(60000);
  beforeAll(async () => (broker = await startTestBroker({ inProcess: true })));
  afterAll(async () => broker?.stop());

  function negativeDelays(): { delays: number[]; restore(): void } {
    const delays: number[] = [];
    const original = global.setTimeout;
    const spy = jest.spyOn(global, 'setTimeout').mockImplementation(((fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
      if (typeof ms === 'number' && ms < 0) delays.push(ms);
      return original(fn, ms, ...args);
    }) as typeof setTimeout);
    return { delays, restore: () => spy.mockRestore() };
  }

  it('the CLI client schedules no timer with a negative delay', async () => {
    const watch = negativeDelays();
    const client = new CliClient({ brokers: [broker.bootstrap] });
    try {
      await client.createTopic('timers-cli', 1, 1, {});
      expect(await client.listTopics()).toContain('timers-cli');
    } finally {
      await client.close();
      watch.restore();
    }
    expect(watch.delays).toEqual([]);
  });

  it('the kafka binder schedules no timer with a negative delay', async () => {
    const watch = negativeDelays();
    const binder = createKafkaBinder({ brokers: [broker.bootstrap], logLevel: 'nothing' });
    try {
      const producer = await binder.bindProducer('timers-binder');
      await producer.send({ key: null, value: Buffer.from('x') });
    } finally {
      await binder.close();
      watch.restore();
    }
    expect(watch.delays).toEqual([]);
  });
});
