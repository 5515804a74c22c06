/**
 * Apache Kafka's DumpLogSegments reads bindery's transaction markers (control batches) and its
 * aborted-transaction index (`.txnindex`), written by a broker that committed one transaction and
 * aborted another; at transaction.version 1 (AddPartitionsToTxn, EndTxn v4) and 2 (partitions added
 * by the produce, the epoch bumped by EndTxn, flexible `__transaction_state` values).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Broker } from '../../src/broker/Broker';
import { encodeRecordBatchSync } from '../../src/protocol/records/encodeBatch';
import { commandWorks, describeIfPeer } from '../support/peers';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkaPaths = require('../../scripts/kafka/paths.js') as { classpath(): string; libsAvailable(): boolean };

const available = commandWorks('java', ['-version']) && kafkaPaths.libsAvailable();

function dump(file: string, ...options: string[]): string {
  return execFileSync('java', ['-cp', kafkaPaths.classpath(), 'kafka.tools.DumpLogSegments', '--files', file, '--print-data-log', ...options], {
    encoding: 'utf8',
    timeout: 60_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

describeIfPeer('Java 17 + Apache Kafka jars', available, "Apache Kafka's DumpLogSegments reads bindery's transaction markers and .txnindex", () => {
  describe.each([1, 2])('transaction.version %i', (transactionVersion) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-dump-txn-'));
    let abortedPid = -1;
    let statePartition = -1;
    jest.setTimeout(120_000);

    beforeAll(async () => {
      const broker = await Broker.open({ dataDir, logCleaner: null, config: { transactionVersion } });
      try {
        await broker.createTopics({ topics: [{ name: 'ledger', numPartitions: 1 }] });
        for (const [transactionalId, commit] of [['tx-aborted', false], ['tx-committed', true]] as const) {
          const init = await broker.transactions.initProducerId({ transactionalId, transactionTimeoutMs: 60000 });
          const producer = { transactionalId, producerId: init.producerId, producerEpoch: init.producerEpoch };
          if (!commit) {
            abortedPid = init.producerId;
            statePartition = broker.transactions.partitionFor(transactionalId);
          }
          const v2 = transactionVersion >= 2;
          if (!v2) await broker.transactions.addPartitions(producer, [{ name: 'ledger', partitions: [0] }]);
          const records = encodeRecordBatchSync({ records: [{ value: Buffer.from(`${transactionalId}-1`) }, { value: Buffer.from(`${transactionalId}-2`) }], producerId: init.producerId, producerEpoch: init.producerEpoch, baseSequence: 0, isTransactional: true });
          await broker.produce({ acks: -1, transactionalId, addPartitionsToTxn: v2, topics: [{ name: 'ledger', partitions: [{ index: 0, records }] }] });
          expect((await broker.transactions.endTransaction(producer, commit, v2 ? 2 : 0)).errorCode).toBe(0);
        }
      } finally {
        await broker.close();
      }
    });
    afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

    it('prints the COMMIT and ABORT markers of the segment and the aborted transaction of the index', () => {
      const segment = dump(path.join(dataDir, 'ledger-0', '00000000000000000000.log'));
      expect(segment).toMatch(/isTransactional: true.*isControl: true/);
      expect(segment).toMatch(/endTxnMarker: ABORT/);
      expect(segment).toMatch(/endTxnMarker: COMMIT/);
      const index = dump(path.join(dataDir, 'ledger-0', '00000000000000000000.txnindex'));
      expect(index).toMatch(new RegExp(`producerId: ${abortedPid}.*firstOffset: 0.*lastOffset: 2`));
    });

    it('decodes the __transaction_state records with its transaction log decoder', () => {
      const records = dump(path.join(dataDir, `__transaction_state-${statePartition}`, '00000000000000000000.log'), '--transaction-log-decoder');
      const payloads = records.split('\n').filter((l) => l.includes('"tx-aborted"'));
      // Empty, Ongoing, PrepareAbort, CompleteAbort, in Kafka's TransactionLogValue layout.
      expect(payloads.map((l) => /"transactionStatus":(\d)/.exec(l)?.[1])).toEqual(['0', '1', '3', '5']);
      expect(payloads[1]).toMatch(/"topic":"ledger","partitionIds":\[0\]/);
      if (transactionVersion >= 2) expect(payloads[2]).toMatch(/"clientTransactionVersion":2/);
    });
  });
});
