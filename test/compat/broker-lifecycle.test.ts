import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../support/broker-server';
import { waitFor } from '../support/processes';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

describe('bindery broker on a data directory', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bindery-broker-lifecycle-'));
  const running: TestBroker[] = [];
  jest.setTimeout(120000);
  afterAll(async () => {
    for (const b of running) await b.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a --fetch-log-read-max-bytes below one byte, naming the setting', async () => {
    await expect(startTestBroker({ inProcess: true, args: ['--fetch-log-read-max-bytes', '0'] })).rejects.toThrow(/fetchLogReadMaxBytes must be a positive integer, got 0/);
    await expect(startTestBroker({ inProcess: true, args: ['--fetch-log-read-max-bytes', '1MB'] })).rejects.toThrow(/--fetch-log-read-max-bytes must be an integer, got '1MB'/);
  });

  it('refuses a --log-retention-check-interval-ms below 1 ms, naming the flag', async () => {
    await expect(startTestBroker({ inProcess: true, args: ['--log-retention-check-interval-ms', '0'] })).rejects.toThrow(/--log-retention-check-interval-ms must be 1 or more, got 0/);
  });

  it('refuses a negative or non-integer --group-initial-rebalance-delay-ms, naming the flag', async () => {
    await expect(startTestBroker({ inProcess: true, args: ['--group-initial-rebalance-delay-ms=-1'] })).rejects.toThrow(/--group-initial-rebalance-delay-ms must be 0 or more, got -1/);
    await expect(startTestBroker({ inProcess: true, args: ['--group-initial-rebalance-delay-ms', '3s'] })).rejects.toThrow(/--group-initial-rebalance-delay-ms must be an integer, got '3s'/);
  });

  it('shuts down cleanly on SIGTERM while a consumer long-polls, and restarts with its records and offsets', async () => {
    const first = await startTestBroker({ dataDir });
    running.push(first);
    const kafka = new Kafka({ brokers: [first.bootstrap], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'durable', acks: -1, messages: Array.from({ length: 100 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });
    await producer.disconnect();
    // Its broker goes away under it: kafkajs would otherwise restart the crashed consumer forever
    // against the dead address, keeping the test process alive after the suite.
    const consumer: Consumer = kafka.consumer({ groupId: 'durable-group', maxWaitTimeInMs: 10000, retry: { restartOnFailure: async () => false } });
    await consumer.connect();
    await consumer.subscribe({ topics: ['durable'], fromBeginning: true });
    let seen = 0;
    await consumer.run({ autoCommitThreshold: 1, eachMessage: async () => void seen++ });
    await waitFor('100 records consumed', () => seen >= 100);
    const admin = kafka.admin();
    await admin.connect();
    await waitFor('offset 100 committed', async () => (await admin.fetchOffsets({ groupId: 'durable-group', topics: ['durable'] }))[0].partitions[0].offset === '100');
    await admin.disconnect();
    // The consumer now waits in a long-poll fetch (maxWait 10 s) when the broker is told to stop.
    expect(await first.stop()).toBe(0);
    await consumer.disconnect().catch(() => undefined);

    const second = await startTestBroker({ dataDir });
    running.push(second);
    const again = new Kafka({ brokers: [second.bootstrap], logLevel: logLevel.NOTHING });
    const admin2 = again.admin();
    await admin2.connect();
    try {
      expect(await admin2.fetchTopicOffsets('durable')).toEqual([{ partition: 0, offset: '100', high: '100', low: '0' }]);
      expect((await admin2.fetchOffsets({ groupId: 'durable-group', topics: ['durable'] }))[0].partitions[0].offset).toBe('100');
    } finally {
      await admin2.disconnect();
    }
    const reader = again.consumer({ groupId: 'reread', maxWaitTimeInMs: 200 });
    await reader.connect();
    await reader.subscribe({ topics: ['durable'], fromBeginning: true });
    const values: string[] = [];
    await reader.run({ eachMessage: async ({ message }) => void values.push(String(message.value)) });
    await waitFor('records read back after the restart', () => values.length >= 100);
    await reader.disconnect();
    expect(values).toEqual(Array.from({ length: 100 }, (_, i) => `v${i}`));
  });
});
