/**
 * Apache Kafka's Java producer (4.x, transactions version 2) against a coordinator whose decision
 * write fails once (MemoryFileSystem fault on `__transaction_state`): EndTxn answers NOT_COORDINATOR,
 * the transaction stays open, the Java client finds the coordinator again and retries, and every
 * record it sent is committed once.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classpath, libsAvailable } from '../../../scripts/kafka/paths';
import { Broker } from '../../../src/broker/Broker';
import { startWireServer, type WireServer } from '../../../src/broker/server/WireServer';
import { MemoryFileSystem } from '../../../src/broker/storage/MemoryFileSystem';
import { recordSetBuffer } from '../../../src/protocol/messages/schemaTypes';
import { decodeRecordBatchesSync } from '../../../src/protocol/records/decodeBatch';
import { warningsInto } from '../../support/capturingLogger';
import { commandWorks, describeIfPeer } from '../../support/peers';
import { killAll, run } from '../../support/processes';

const javaAvailable = commandWorks('java', ['-version']) && libsAvailable();
const TOPIC = 'java-out';
const RECORDS = 200;

describeIfPeer('Apache Kafka 4.x Java tools (java + node scripts/kafka/fetch.js)', javaAvailable, 'Java transactional producer through a failed decision write', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bindery-txn-faults-java-'));
  jest.setTimeout(240000);
  afterAll(async () => {
    await killAll();
    rmSync(dir, { recursive: true, force: true });
  });

  it('retries the EndTxn answered NOT_COORDINATOR and commits every record once', async () => {
    const fs = new MemoryFileSystem();
    const warnings: string[] = [];
    const broker = await Broker.open({ fs, dataDir: '/data', logger: warningsInto(warnings), logCleaner: null, config: { transactionVersion: 2 } });
    let server: WireServer | undefined;
    try {
      server = await startWireServer(broker, { port: 0 });
      await broker.createTopics({ topics: [{ name: TOPIC, numPartitions: 1 }] });
      // `__transaction_state` writes: InitProducerId, the partition joining the first transaction, then its PrepareCommit, which fails.
      const fault = fs.injectFault({ op: 'append', path: /\/__transaction_state-\d+\/\d+\.log$/, code: 'ENOSPC', after: 2, times: 1 });
      const payloads = join(dir, 'payloads.txt');
      writeFileSync(payloads, 'java-committed');
      const produced = await run(
        'java',
        ['-Xmx256m', '-cp', classpath(), 'org.apache.kafka.tools.ProducerPerformance',
          '--topic', TOPIC, '--num-records', String(RECORDS), '--payload-file', payloads, '--throughput', '1000',
          '--transactional-id', 'tx-java-faults', '--transaction-duration-ms', '50', '--producer-props', `bootstrap.servers=127.0.0.1:${server.port}`],
        { timeoutMs: 180000 },
      );
      expect(produced.stdout + produced.stderr).toMatch(new RegExp(`^${RECORDS} records sent`, 'm'));
      expect(fault.failures).toBe(1);
      expect(broker.transactions.describe(['tx-java-faults'])[0].transactionState).toBe('CompleteCommit');

      const values: string[] = [];
      let offset = 0;
      for (let i = 0; i < RECORDS; i++) {
        const res = await broker.fetch({ maxWaitMs: 0, minBytes: 1, isolationLevel: 1, topics: [{ topic: TOPIC, partitions: [{ partition: 0, fetchOffset: offset, partitionMaxBytes: 1 << 20 }] }] });
        const p = res.responses[0].partitions[0];
        expect(p.abortedTransactions ?? []).toEqual([]);
        const batches = p.records ? decodeRecordBatchesSync(recordSetBuffer(p.records)) : [];
        if (batches.length === 0) break;
        for (const b of batches) if (!b.isControl) for (const r of b.records) if (r.offset >= offset) values.push(r.value!.toString());
        const last = batches[batches.length - 1];
        offset = last.baseOffset + last.lastOffsetDelta + 1;
      }
      expect(values).toEqual(Array.from({ length: RECORDS }, () => 'java-committed'));
    } finally {
      await server?.close();
      await broker.close();
    }
  });
});
