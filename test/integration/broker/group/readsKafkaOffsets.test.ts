/**
 * The other direction of layout compatibility: Apache Kafka (KRaft, one node) runs a kafkajs consumer
 * group, then stops; bindery's coordinator loads the `__consumer_offsets` partition Kafka wrote —
 * through bindery's own Log — and serves the same committed offsets and group state.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { GroupCoordinator, ManualClock, type CoordinatorRecord, type OffsetsPartitionStore } from '../../../../src/broker/group';
import { LogDirectory } from '../../../../src/broker/log/LogDirectory';
import { decodeRecordBatchesSync } from '../../../../src/protocol/records';
import { commandWorks, describeIfPeer } from '../../../support/peers';
import { silentLogger } from '../../../../src/logging';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkaPaths = require('../../../../scripts/kafka/paths.js') as { libsAvailable(): boolean };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startKafka } = require('../../../../scripts/kafka/kafka-node.js') as typeof import('../../../../scripts/kafka/kafka-node');

const available = commandWorks('java', ['-version']) && kafkaPaths.libsAvailable();

jest.setTimeout(300_000);

/** Serves one copied `__consumer_offsets` partition to the coordinator through bindery's Log. */
function storeOver(log: ReturnType<LogDirectory['openLog']>, partition: number): OffsetsPartitionStore {
  return {
    append: () => {
      throw new Error('read-only copy of a Kafka partition');
    },
    readAll: (p) => {
      const out: CoordinatorRecord[] = [];
      if (p !== partition) return out;
      for (let offset = log.logStartOffset; offset < log.logEndOffset; ) {
        const read = log.read(offset, 1 << 20);
        if (read.records.length === 0) break;
        for (const batch of decodeRecordBatchesSync(read.records)) {
          if (batch.isControl) continue;
          for (const r of batch.records) if (r.key && r.offset >= offset) out.push({ key: r.key, value: r.value });
        }
        offset = read.nextOffset;
      }
      return out;
    },
  };
}

describeIfPeer('Java 17 + Apache Kafka jars', available, "bindery's coordinator loads Apache Kafka's __consumer_offsets", () => {
  let copyRoot: string;

  afterAll(() => {
    if (copyRoot) fs.rmSync(copyRoot, { recursive: true, force: true });
  });

  it('serves the offsets and the Empty group a Kafka broker recorded', async () => {
    const cluster = await startKafka({ brokerConfig: { 'offsets.topic.num.partitions': 50 } });
    try {
      const kafka = new Kafka({ brokers: [cluster.brokers], logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 3 }], waitForLeaders: true });
      const consumer = kafka.consumer({ groupId: 'test-group' });
      await consumer.connect();
      await consumer.subscribe({ topic: 'orders', fromBeginning: true });
      let joined = false;
      consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
      await consumer.run({ autoCommit: false, eachMessage: async () => undefined });
      for (let i = 0; i < 600 && !joined; i++) await new Promise((r) => setTimeout(r, 100));
      expect(joined).toBe(true);
      await consumer.disconnect(); // leaves: the group is Empty
      // Offsets committed to the Empty group (a consumer's own commits race with its shutdown).
      await admin.setOffsets({ groupId: 'test-group', topic: 'orders', partitions: [{ partition: 0, offset: '7' }, { partition: 2, offset: '3' }] });
      await admin.disconnect();
      await cluster.nodes[0].stop();
      // Kafka places "test-group" in partition 12 of 50: copy that partition out of its data dir.
      copyRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-kafka-offsets-'));
      fs.cpSync(path.join(cluster.dir, 'node-1', 'data', '__consumer_offsets-12'), path.join(copyRoot, '__consumer_offsets-12'), { recursive: true });
    } finally {
      await cluster.stop();
    }

    const logs = new LogDirectory(copyRoot, { logger: silentLogger });
    try {
      const coordinator = new GroupCoordinator({ store: storeOver(logs.openLog('__consumer_offsets', 12), 12), clock: new ManualClock() });
      const summary = await coordinator.startup();
      expect(summary.skipped).toBe(0);
      const fetched = coordinator.fetchOffsets({ groupId: 'test-group', topics: [{ name: 'orders', partitionIndexes: [0, 1, 2] }] });
      const byPartition = new Map(fetched.topics[0].partitions.map((p) => [p.partitionIndex, p]));
      expect(byPartition.get(0)).toMatchObject({ committedOffset: 7 });
      expect(byPartition.get(2)).toMatchObject({ committedOffset: 3 });
      expect(coordinator.describeGroups(['test-group'])[0]).toMatchObject({ groupState: 'Empty', protocolType: 'consumer', members: [] });
      coordinator.shutdown();
    } finally {
      logs.close();
    }
  });
});
