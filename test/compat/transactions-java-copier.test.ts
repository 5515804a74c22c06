/**
 * Read-process-write with Apache Kafka 4.x's Java clients against bindery broker, at
 * transaction.version 2 (the clients run transactions version 2: partitions and offsets join the
 * transaction through Produce v12 and TxnOffsetCommit v5, every commit bumps the epoch) and at 1
 * (AddPartitionsToTxn, AddOffsetsToTxn, one epoch). test/compat/java/TransactionalCopier.java copies
 * an input topic to an output topic, each poll in one transaction with the consumer's offsets
 * (sendOffsetsToTransaction with the group metadata), after one aborted transaction.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { classpath, libsAvailable } from '../../scripts/kafka/paths';
import { commandWorks, describeIfPeer } from '../support/peers';
import { startTestBroker, type TestBroker } from '../support/broker-server';
import { killAll, run, waitFor } from '../support/processes';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const available = commandWorks('javac', ['-version']) && commandWorks('java', ['-version']) && libsAvailable();
const COUNT = 300;

describeIfPeer('Java 17 (javac) + Apache Kafka jars (node scripts/kafka/fetch.js)', available, 'Java transactional read-process-write against bindery broker', () => {
  const work = mkdtempSync(join(tmpdir(), 'bindery-java-copier-'));
  const classes = join(work, 'classes');
  jest.setTimeout(240000);

  beforeAll(async () => {
    const javac = await run('javac', ['-J-Xmx256m', '-nowarn', '-d', classes, '-cp', classpath(), join(__dirname, 'java', 'TransactionalCopier.java')], { timeoutMs: 120000 });
    if (javac.code !== 0) throw new Error(`javac failed (${javac.code}):\n${javac.stdout}\n${javac.stderr}`);
  });
  afterAll(async () => {
    await killAll();
    rmSync(work, { recursive: true, force: true });
  });

  describe.each([2, 1])('transaction.version %i', (transactionVersion) => {
    let broker: TestBroker;
    beforeAll(async () => (broker = await startTestBroker({ args: ['--transaction-version', String(transactionVersion)] })));
    afterAll(async () => broker?.stop());

    it('copies every input record exactly once, commits the offsets with the output, and never shows the aborted record', async () => {
      const kafka = new Kafka({ brokers: [broker.bootstrap], clientId: 'copier-check', logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: 'copy-in', numPartitions: 1 }, { topic: 'copy-out', numPartitions: 1 }] });
      const producer = kafka.producer({ idempotent: true });
      await producer.connect();
      const inputs = Array.from({ length: COUNT }, (_, i) => `record-${i}`);
      await producer.send({ topic: 'copy-in', messages: inputs.map((value) => ({ value })) });
      await producer.disconnect();

      const copier = await run(
        'java',
        ['-Xmx256m', '-cp', `${classes}${delimiter}${classpath()}`, 'TransactionalCopier', broker.bootstrap, 'copy-in', 'copy-out', 'copier', 'tx-copier', String(COUNT)],
        { timeoutMs: 180000 },
      );
      const done = /copied (\d+) in (\d+) transactions/.exec(copier.stdout);
      if (!done) throw new Error(`the copier failed (${copier.code}):\n${copier.stdout}\n${copier.stderr}`);
      const transactions = Number(done[2]);

      const consumer = kafka.consumer({ groupId: 'copy-reader', maxWaitTimeInMs: 100 });
      await consumer.connect();
      await consumer.subscribe({ topic: 'copy-out', fromBeginning: true });
      const seen: string[] = [];
      await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
      await waitFor('every copied record read_committed', () => seen.length >= COUNT, 60000);
      await consumer.disconnect();
      expect(seen).toEqual(inputs);
      expect((await admin.fetchOffsets({ groupId: 'copier', topics: ['copy-in'] }))[0].partitions[0].offset).toBe(String(COUNT));
      await admin.disconnect();

      // CoordinatorId TransactionalId ProducerId ProducerEpoch TransactionState ...
      const described = await run('java', ['-Xmx256m', '-cp', classpath(), 'org.apache.kafka.tools.TransactionsCommand', '--bootstrap-server', broker.bootstrap, 'describe', '--transactional-id', 'tx-copier'], { timeoutMs: 120000 });
      const [, , , epoch, state] = described.stdout.trim().split('\n')[1].trim().split(/\s+/);
      expect(state).toBe('CompleteCommit');
      // Version 2: the abort and every commit bumped the epoch; version 1: InitProducerId alone set it.
      expect(Number(epoch)).toBe(transactionVersion >= 2 ? transactions + 1 : 0);
    });
  });
});
