import { Broker } from '../../../src/broker/Broker';
import { MemoryFileSystem } from '../../../src/broker/storage/MemoryFileSystem';
import type { PartitionLog } from '../../../src/broker/log/types';
import { ErrorCode } from '../../../src/protocol/errorCodes';
import { decodeRecordBatches } from '../../../src/protocol/records/decodeBatch';
import { encodeRecordBatchSync } from '../../../src/protocol/records/encodeBatch';
import { fetchOne, makeBatch, produceOne } from './support/batches';

describe('ListOffsets, DeleteRecords, retention and the cleaner hook', () => {
  let broker: Broker;
  const cleaned: string[] = [];
  beforeEach(async () => {
    cleaned.length = 0;
    broker = await Broker.open({
      fs: new MemoryFileSystem(),
      dataDir: '/data',
      logCleaner: { clean: (log: PartitionLog) => void cleaned.push(log.dir) },
    });
  });
  afterEach(async () => {
    await broker.close();
  });

  const list = async (topic: string, timestamp: number) =>
    (await broker.listOffsets({ topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp }] }] })).topics[0].partitions[0];

  it('answers earliest, latest, max timestamp and by-timestamp lookups', async () => {
    await broker.createTopics({ topics: [{ name: 'ts', numPartitions: 1 }] });
    expect(await list('ts', -3)).toMatchObject({ errorCode: 0, offset: -1, timestamp: -1 });
    await produceOne(broker, 'ts', 0, makeBatch({ count: 2, timestamp: 1000 }));
    await produceOne(broker, 'ts', 0, makeBatch({ count: 2, timestamp: 5000 }));
    await produceOne(broker, 'ts', 0, makeBatch({ count: 2, timestamp: 3000 }));
    expect(await list('ts', -2)).toMatchObject({ errorCode: 0, offset: 0, timestamp: -1 });
    expect(await list('ts', -1)).toMatchObject({ errorCode: 0, offset: 6, timestamp: -1 });
    // Kafka's max timestamp offset is the first record carrying it, not the batch's last.
    expect(await list('ts', -3)).toMatchObject({ errorCode: 0, offset: 2, timestamp: 5000 });
    expect(await list('ts', -5)).toMatchObject({ errorCode: 0, offset: -1, timestamp: -1 });
    expect(await list('ts', 2000)).toMatchObject({ errorCode: 0, offset: 2, timestamp: 5000 });
    expect(await list('ts', 9000)).toMatchObject({ errorCode: 0, offset: -1, timestamp: -1 });
  });

  it('DeleteRecords moves the log start offset; -1 means the high watermark', async () => {
    for (let i = 0; i < 3; i++) await produceOne(broker, 'dr', 0, makeBatch({ count: 2 }));
    const r = await broker.deleteRecords({ topics: [{ name: 'dr', partitions: [{ partitionIndex: 0, offset: 3 }] }] });
    expect(r.topics[0].partitions[0]).toMatchObject({ errorCode: 0, lowWatermark: 3 });
    expect(await list('dr', -2)).toMatchObject({ offset: 3 });
    expect((await fetchOne(broker, 'dr', 0, 2)).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    expect((await fetchOne(broker, 'dr', 0, 3)).logStartOffset).toBe(3);
    const all = await broker.deleteRecords({ topics: [{ name: 'dr', partitions: [{ partitionIndex: 0, offset: -1 }] }] });
    expect(all.topics[0].partitions[0].lowWatermark).toBe(6);
  });

  it('retention deletes old segments and the log start offset follows', async () => {
    await broker.createTopics({ topics: [{ name: 'ret', configs: [{ name: 'segment.bytes', value: '300' }, { name: 'retention.bytes', value: '600' }] }] });
    for (let i = 0; i < 10; i++) await produceOne(broker, 'ret', 0, makeBatch({ count: 2, valueSize: 60 }));
    expect((await list('ret', -2)).offset).toBe(0);
    expect(broker.applyRetention()).toBeGreaterThan(0);
    const start = (await list('ret', -2)).offset;
    expect(start).toBeGreaterThan(0);
    expect((await fetchOne(broker, 'ret', 0, 0)).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    expect((await fetchOne(broker, 'ret', 0, start)).errorCode).toBe(ErrorCode.NONE);
  });

  it('finds the max timestamp among what retention left', async () => {
    await broker.createTopics({ topics: [{ name: 'maxts', configs: [{ name: 'segment.bytes', value: '300' }] }] });
    const stamps = [9000, 1000, 2000, 3000, 4000, 5000, 4500, 1500];
    for (const ts of stamps) await produceOne(broker, 'maxts', 0, makeBatch({ count: 1, valueSize: 60, timestamp: ts }));
    expect(await list('maxts', -3)).toMatchObject({ offset: 0, timestamp: 9000 });
    await broker.deleteRecords({ topics: [{ name: 'maxts', partitions: [{ partitionIndex: 0, offset: 3 }] }] });
    const start = (await list('maxts', -2)).offset;
    const remaining = stamps.slice(start);
    expect(await list('maxts', -3)).toMatchObject({ offset: start + remaining.indexOf(Math.max(...remaining)), timestamp: Math.max(...remaining) });
  });

  it('offers compacted partitions, and only those, to the log cleaner', async () => {
    await broker.createTopics({ topics: [{ name: 'compacted', numPartitions: 2, configs: [{ name: 'cleanup.policy', value: 'compact' }] }, { name: 'plain' }] });
    await broker.runLogCleaner();
    expect(cleaned.filter((d) => d.includes('/compacted-'))).toHaveLength(2);
    expect(cleaned.filter((d) => d.includes('/__consumer_offsets-'))).toHaveLength(50);
    expect(cleaned.some((d) => d.includes('/plain-'))).toBe(false);
  });
});

const list = async (broker: Broker, topic: string, timestamp: number) =>
  (await broker.listOffsets({ topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp }] }] })).topics[0].partitions[0];

describe('compaction scheduled by the broker', () => {
  it('keeps the latest record per key in compacted topics with the default cleaner', async () => {
    const broker = await Broker.open({ fs: new MemoryFileSystem(), dataDir: '/data' });
    try {
      await broker.createTopics({ topics: [{ name: 'latest', configs: [{ name: 'cleanup.policy', value: 'compact' }, { name: 'segment.bytes', value: '400' }] }] });
      for (let round = 0; round < 6; round++) {
        for (const key of ['a', 'b', 'c']) {
          const batch = encodeRecordBatchSync({ records: [{ key: Buffer.from(key), value: Buffer.from(`${key}${round}`) }] });
          expect((await produceOne(broker, 'latest', 0, batch)).errorCode).toBe(0);
        }
      }
      await broker.runLogCleaner();
      const values: string[] = [];
      let offset = (await list(broker, 'latest', -2)).offset;
      for (let i = 0; i < 100; i++) {
        const f = await fetchOne(broker, 'latest', 0, offset);
        if (!f.records?.length) break;
        for (const b of await decodeRecordBatches(f.records)) {
          for (const r of b.records) if (r.offset >= offset) values.push(r.value!.toString());
          offset = b.baseOffset + b.lastOffsetDelta + 1;
        }
      }
      expect(values.length).toBeLessThan(18);
      // The newest value of every key is still there, in offset order.
      expect(values.slice(-3)).toEqual(['a5', 'b5', 'c5']);
      for (const key of ['a', 'b', 'c']) expect(values.filter((v) => v.startsWith(key)).length).toBeGreaterThanOrEqual(1);
    } finally {
      await broker.close();
    }
  });
});
