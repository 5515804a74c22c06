/**
 * Transactions across clients against bindery broker: a transactional Java producer (Apache Kafka
 * 4.x ProducerPerformance) and a transactional kcat (librdkafka) producer commit; kafkajs aborts a
 * transaction in between; read_committed consumers (Java's ConsoleConsumer, kcat) see every
 * committed record and never an aborted one, while read_uncommitted ones see both. The Java clients
 * run against the broker at transaction.version 2 (they then run transactions version 2, KIP-890)
 * and at 1 (version 1, as before).
 */
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { classpath, libsAvailable } from '../../scripts/kafka/paths';
import { commandWorks, describeIfPeer } from '../support/peers';
import { startTestBroker, type TestBroker } from '../support/broker-server';
import { killAll, run } from '../support/processes';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const javaAvailable = commandWorks('java', ['-version']) && libsAvailable();
const kcatAvailable = commandWorks('kcat', ['-V']);

async function kafkajsTransaction(bootstrap: string, transactionalId: string, topic: string, values: string[], commit: boolean): Promise<void> {
  const kafka = new Kafka({ brokers: [bootstrap], clientId: 'txn-peers', logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    const txn = await producer.transaction();
    await txn.send({ topic, messages: values.map((value) => ({ value })) });
    await (commit ? txn.commit() : txn.abort());
  } finally {
    await producer.disconnect();
  }
}

describeIfPeer('Apache Kafka 4.x Java tools (java + node scripts/kafka/fetch.js)', javaAvailable, 'Java transactional producer and read_committed consumer against bindery broker', () => {
  describe.each([2, 1])('transaction.version %i', (transactionVersion) => {
    let broker: TestBroker;
    const dir = mkdtempSync(join(tmpdir(), 'bindery-txn-java-'));
    jest.setTimeout(240000);
    const java = (mainClass: string, args: string[]) => run('java', ['-Xmx256m', '-cp', classpath(), mainClass, ...args], { timeoutMs: 180000 });
    const consume = (isolation: string, maxMessages: number) =>
      java('org.apache.kafka.tools.consumer.ConsoleConsumer', [
        '--bootstrap-server', broker.bootstrap, '--topic', 'txn-java', '--from-beginning', '--max-messages', String(maxMessages),
        '--isolation-level', isolation, '--timeout-ms', '60000',
      ]);

    beforeAll(async () => (broker = await startTestBroker({ args: ['--transaction-version', String(transactionVersion)] })));
    afterAll(async () => {
      await killAll();
      await broker?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('commits ProducerPerformance transactions that a read_committed ConsoleConsumer reads, without the aborted ones', async () => {
      await kafkajsTransaction(broker.bootstrap, 'tx-js-aborted', 'txn-java', ['aborted-1', 'aborted-2'], false);
      const payloads = join(dir, 'payloads.txt');
      writeFileSync(payloads, 'java-committed');
      const produced = await java('org.apache.kafka.tools.ProducerPerformance', [
        '--topic', 'txn-java', '--num-records', '500', '--payload-file', payloads, '--throughput', '2000',
        '--transactional-id', 'tx-java', '--transaction-duration-ms', '50', '--producer-props', `bootstrap.servers=${broker.bootstrap}`,
      ]);
      expect(produced.stdout + produced.stderr).toMatch(/^500 records sent/m);
      await kafkajsTransaction(broker.bootstrap, 'tx-js-last', 'txn-java', ['last'], true);

      const committed = await consume('read_committed', 501);
      const lines = committed.stdout.trim().split('\n');
      expect(lines.filter((l) => l === 'java-committed')).toHaveLength(500);
      expect(lines[lines.length - 1]).toBe('last');
      expect(lines.some((l) => l.startsWith('aborted'))).toBe(false);
      const uncommitted = await consume('read_uncommitted', 503);
      expect(uncommitted.stdout.trim().split('\n').filter((l) => l.startsWith('aborted'))).toEqual(['aborted-1', 'aborted-2']);
    });

    it('lists and describes the transactional ids with kafka-transactions (TransactionsCommand)', async () => {
      const listed = await java('org.apache.kafka.tools.TransactionsCommand', ['--bootstrap-server', broker.bootstrap, 'list']);
      const states = new Map(listed.stdout.trim().split('\n').slice(1).map((l) => l.split(/\s+/)).map((c) => [c[0], c[3]]));
      expect(states.get('tx-java')).toBe('CompleteCommit');
      expect(states.get('tx-js-aborted')).toBe('CompleteAbort');
      const described = await java('org.apache.kafka.tools.TransactionsCommand', ['--bootstrap-server', broker.bootstrap, 'describe', '--transactional-id', 'tx-js-aborted']);
      expect(described.stdout).toMatch(/CompleteAbort/);
      const producers = await java('org.apache.kafka.tools.TransactionsCommand', ['--bootstrap-server', broker.bootstrap, 'describe-producers', '--topic', 'txn-java', '--partition', '0']);
      // ProducerId ProducerEpoch LatestCoordinatorEpoch LastSequence LastTimestamp CurrentTransactionStartOffset
      const rows = producers.stdout.trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/));
      expect(rows.length).toBeGreaterThanOrEqual(3);
      const describedJava = await java('org.apache.kafka.tools.TransactionsCommand', ['--bootstrap-server', broker.bootstrap, 'describe', '--transactional-id', 'tx-java']);
      // CoordinatorId TransactionalId ProducerId ProducerEpoch TransactionState ...
      const javaProducerId = describedJava.stdout.trim().split('\n')[1].trim().split(/\s+/)[2];
      const javaRow = rows.find((r) => r[0] === javaProducerId)!;
      if (transactionVersion >= 2) {
        // Every commit bumped the epoch and the next transaction started its sequence afresh.
        expect(Number(javaRow[1])).toBeGreaterThan(1);
        expect(Number(javaRow[3])).toBeLessThan(499);
      } else {
        expect(Number(javaRow[3])).toBe(499);
      }
    });
  });
});

describeIfPeer('kcat', kcatAvailable, 'kcat (librdkafka) transactions and read_committed against bindery broker', () => {
  let broker: TestBroker;
  jest.setTimeout(120000);
  beforeAll(async () => (broker = await startTestBroker()));
  afterAll(async () => {
    await killAll();
    await broker?.stop();
  });

  it('produces in a transaction and reads committed records only', async () => {
    const produced = await run('kcat', ['-b', broker.bootstrap, '-P', '-t', 'txn-kcat', '-X', 'transactional.id=tx-kcat'], { input: 'kcat-1\nkcat-2\n', timeoutMs: 60000 });
    expect(produced.code).toBe(0);
    await kafkajsTransaction(broker.bootstrap, 'tx-js-aborted', 'txn-kcat', ['aborted'], false);
    await kafkajsTransaction(broker.bootstrap, 'tx-js-last', 'txn-kcat', ['last'], true);
    const read = (isolation: string) =>
      run('kcat', ['-b', broker.bootstrap, '-C', '-t', 'txn-kcat', '-o', 'beginning', '-e', '-q', '-X', `isolation.level=${isolation}`], { timeoutMs: 60000 });
    expect((await read('read_committed')).stdout.trim().split('\n')).toEqual(['kcat-1', 'kcat-2', 'last']);
    expect((await read('read_uncommitted')).stdout.trim().split('\n')).toEqual(['kcat-1', 'kcat-2', 'aborted', 'last']);
  });
});
