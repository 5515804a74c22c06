/**
 * Time retention of an idle topic: once every record is older than retention.ms, Kafka rolls the
 * active segment and deletes it, so the earliest offset becomes the log end. kafkajs (admin and
 * producer) against `bindery broker` with a short retention check interval.
 */
import { Kafka, logLevel } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../support/broker-server';
import { waitFor } from '../support/processes';

describe('time retention of the active segment, seen by kafkajs', () => {
  let broker: TestBroker;
  jest.setTimeout(120000);
  beforeAll(async () => (broker = await startTestBroker({ args: ['--log-retention-check-interval-ms', '200'] })));
  afterAll(async () => broker?.stop());

  it('removes expired records of an idle topic whose only segment is the active one, and keeps appending after them', async () => {
    const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    const producer = kafka.producer();
    await Promise.all([admin.connect(), producer.connect()]);
    try {
      const topic = 'idle-expiring';
      await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
      const old = String(Date.now() - 120000);
      await producer.send({ topic, messages: Array.from({ length: 5 }, (_, i) => ({ value: `old ${i}`, timestamp: old })) });
      const offsets = async () => (await admin.fetchTopicOffsets(topic))[0];
      expect(await offsets()).toMatchObject({ low: '0', high: '5' });

      await admin.alterConfigs({ validateOnly: false, resources: [{ type: 2, name: topic, configEntries: [{ name: 'retention.ms', value: '60000' }] }] });
      await waitFor('the earliest offset to reach the log end', async () => (await offsets()).low === '5', 30000);
      expect(await offsets()).toMatchObject({ low: '5', high: '5' });

      await producer.send({ topic, messages: [{ value: 'fresh' }] });
      expect(await offsets()).toMatchObject({ low: '5', high: '6' });
    } finally {
      await Promise.all([admin.disconnect(), producer.disconnect()]);
    }
  });
});
