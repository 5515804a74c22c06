/**
 * Until bindery has a transaction coordinator, a transactional producer must fail at once with a
 * message naming transactions (not retry a "coordinator not available" answer until its own
 * timeout), and the broker says so in its log, once per client and transactional id.
 */
import { Kafka, logLevel } from 'kafkajs';
import { classpath, libsAvailable } from '../../scripts/kafka/paths';
import { commandWorks, describeIfPeer } from '../support/peers';
import { startTestBroker, type TestBroker } from '../support/broker-server';
import { killAll, run } from '../support/processes';

const brokerLines = (broker: TestBroker, transactionalId: string) =>
  broker.output().split('\n').filter((l) => l.includes(`"${transactionalId}"`) && /transactions are not supported/i.test(l));

describe('a transactional kafkajs producer against bindery broker', () => {
  let broker: TestBroker;
  jest.setTimeout(120000);
  beforeAll(async () => (broker = await startTestBroker()));
  afterAll(async () => broker?.stop());

  it('fails on its first transaction with an error naming transactions, logged once by the broker', async () => {
    const kafka = new Kafka({ brokers: [broker.bootstrap], clientId: 'txn-app', logLevel: logLevel.NOTHING });
    for (let attempt = 0; attempt < 2; attempt++) {
      const producer = kafka.producer({ transactionalId: 'tx-kafkajs', idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      try {
        await expect(producer.transaction()).rejects.toThrow(/transactional/i);
      } finally {
        await producer.disconnect();
      }
    }
    expect(brokerLines(broker, 'tx-kafkajs')).toHaveLength(1);
    expect(brokerLines(broker, 'tx-kafkajs')[0]).toContain('txn-app');
  });
});

describeIfPeer('kcat', commandWorks('kcat', ['-V']), 'a transactional kcat (librdkafka) producer against bindery broker', () => {
  let broker: TestBroker;
  jest.setTimeout(120000);
  beforeAll(async () => (broker = await startTestBroker()));
  afterAll(async () => {
    await killAll();
    await broker?.stop();
  });

  it('fails with a fatal error naming the transactional id', async () => {
    const res = await run('kcat', ['-b', broker.bootstrap, '-P', '-t', 'txn-kcat', '-X', 'transactional.id=tx-kcat'], { input: 'one\n', timeoutMs: 60000 });
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/init_transactions\(\): Failed to acquire transactional PID .*Transactional Id authorization failed/);
    expect(brokerLines(broker, 'tx-kcat')).toHaveLength(1);
  });
});

const javaAvailable = commandWorks('java', ['-version']) && libsAvailable();

describeIfPeer('Apache Kafka 4.x Java tools (java + node scripts/kafka/fetch.js)', javaAvailable, 'a transactional Java producer (ProducerPerformance) against bindery broker', () => {
  let broker: TestBroker;
  jest.setTimeout(180000);
  beforeAll(async () => (broker = await startTestBroker()));
  afterAll(async () => {
    await killAll();
    await broker?.stop();
  });

  it("fails in initTransactions with the broker's explanation instead of a timeout", async () => {
    const res = await run('java', [
      '-Xmx256m', '-cp', classpath(), 'org.apache.kafka.tools.ProducerPerformance',
      '--topic', 'txn-java', '--num-records', '1', '--record-size', '10', '--throughput', '-1',
      '--transactional-id', 'tx-java', '--producer-props', `bootstrap.servers=${broker.bootstrap}`,
    ], { timeoutMs: 150000 });
    expect(res.code).not.toBe(0);
    const output = res.stdout + res.stderr;
    expect(output).not.toMatch(/TimeoutException/);
    expect(output).toMatch(/coordinator with type TRANSACTION with key tx-java due to unexpected error: Transactions are not supported by this broker/);
    expect(brokerLines(broker, 'tx-java')).toHaveLength(1);
  });
});
