/**
 * Apache Kafka's DumpLogSegments reads bindery's transaction markers (control batches) and its
 * aborted-transaction index (`.txnindex`), written by a broker that committed one transaction and
 * aborted another.
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

function dump(file: string): string {
  return execFileSync('java', ['-cp', kafkaPaths.classpath(), 'kafka.tools.DumpLogSegments', '--files', file, '--print-data-log'], {
    encoding: 'utf8',
    timeout: 60_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

describeIfPeer('Java 17 + Apache Kafka jars', available, "Apache Kafka's DumpLogSegments reads bindery's transaction markers and .txnindex", () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-dump-txn-'));
  let abortedPid = -1;
  jest.setTimeout(120_000);

  beforeAll(async () => {
    const broker = await Broker.open({ dataDir, logCleaner: null });
    try {
      await broker.createTopics({ topics: [{ name: 'ledger', numPartitions: 1 }] });
      for (const [transactionalId, commit] of [['tx-aborted', false], ['tx-committed', true]] as const) {
        const init = await broker.transactions.initProducerId({ transactionalId, transactionTimeoutMs: 60000 });
        const producer = { transactionalId, producerId: init.producerId, producerEpoch: init.producerEpoch };
        if (!commit) abortedPid = init.producerId;
        await broker.transactions.addPartitions(producer, [{ name: 'ledger', partitions: [0] }]);
        const records = encodeRecordBatchSync({ records: [{ value: Buffer.from(`${transactionalId}-1`) }, { value: Buffer.from(`${transactionalId}-2`) }], producerId: init.producerId, producerEpoch: init.producerEpoch, baseSequence: 0, isTransactional: true });
        await broker.produce({ acks: -1, transactionalId, topics: [{ name: 'ledger', partitions: [{ index: 0, records }] }] });
        await broker.transactions.endTxn(producer, commit);
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
});
