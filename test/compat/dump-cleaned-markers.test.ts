/**
 * Apache Kafka's DumpLogSegments reads the segments bindery's log cleaner wrote for a compacted
 * topic with transactions: the aborted records are gone, and the ABORT marker whose transaction
 * has no data left carries its delete horizon (KIP-534's batch attribute), with a valid CRC.
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
const DELETE_RETENTION_MS = 86_400_000;

function dump(file: string): string {
  return execFileSync('java', ['-cp', kafkaPaths.classpath(), 'kafka.tools.DumpLogSegments', '--files', file, '--print-data-log', '--deep-iteration'], {
    encoding: 'utf8',
    timeout: 60_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

describeIfPeer('Java 17 + Apache Kafka jars', available, "Apache Kafka's DumpLogSegments reads segments bindery's cleaner wrote for transactional data", () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-dump-cleaned-'));
  let cleanedAt = 0;
  jest.setTimeout(120_000);

  beforeAll(async () => {
    const broker = await Broker.open({ dataDir });
    try {
      const configs = [
        { name: 'cleanup.policy', value: 'compact' },
        { name: 'segment.bytes', value: '200' },
        { name: 'delete.retention.ms', value: String(DELETE_RETENTION_MS) },
      ];
      await broker.createTopics({ topics: [{ name: 'table', numPartitions: 1, configs }] });
      for (const [transactionalId, value, commit] of [
        ['tx-a', 'kept', true],
        ['tx-b', 'never', false],
        ['tx-a', 'later', true],
        ['tx-a', 'last', true],
      ] as const) {
        const init = await broker.transactions.initProducerId({ transactionalId, transactionTimeoutMs: 60000 });
        const producer = { transactionalId, producerId: init.producerId, producerEpoch: init.producerEpoch };
        await broker.transactions.addPartitions(producer, [{ name: 'table', partitions: [0] }]);
        const records = encodeRecordBatchSync({ records: [{ key: Buffer.from(`key-${value}`), value: Buffer.from(value) }], producerId: init.producerId, producerEpoch: init.producerEpoch, baseSequence: 0, isTransactional: true });
        await broker.produce({ acks: -1, transactionalId, topics: [{ name: 'table', partitions: [{ index: 0, records }] }] });
        await broker.transactions.endTxn(producer, commit);
      }
      cleanedAt = Date.now();
      await broker.runLogCleaner(cleanedAt);
      await broker.runLogCleaner(cleanedAt + 1);
    } finally {
      await broker.close();
    }
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('shows no aborted record and the ABORT marker with its delete horizon, every batch valid', () => {
    const dir = path.join(dataDir, 'table-0');
    const out = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.log'))
      .sort()
      .map((f) => dump(path.join(dir, f)))
      .join('\n');
    expect(out).toContain('payload: kept');
    expect(out).not.toContain('payload: never');
    expect(out).not.toMatch(/isvalid: false/);
    const abortBatch = out.split('\n').findIndex((l) => /endTxnMarker: ABORT/.test(l));
    expect(abortBatch).toBeGreaterThan(0);
    const header = out.split('\n').slice(0, abortBatch).reverse().find((l) => l.startsWith('baseOffset'));
    expect(header).toContain(`deleteHorizonMs: OptionalLong[${cleanedAt + 1 + DELETE_RETENTION_MS}]`);
  });
});
