/**
 * Compaction of a topic written by transactions, as Kafka's LogCleaner does it: records of aborted
 * transactions are removed (and never shadow committed values of their keys), and transaction
 * markers stay while their transaction has data in the log, then delete.retention.ms longer.
 */
import { Broker } from '../../../src/broker/Broker';
import { MemoryFileSystem } from '../../../src/broker/storage/MemoryFileSystem';
import { ErrorCode } from '../../../src/protocol/errorCodes';
import { encodeRecordBatchSync } from '../../../src/protocol/records/encodeBatch';
import { decodeRecordBatchesSync } from '../../../src/protocol/records/decodeBatch';
import { recordSetBuffer } from '../../../src/protocol/messages/schemaTypes';
import type { RecordBatch } from '../../../src/protocol/records';

const TIMEOUT = 60000;
const DELETE_RETENTION_MS = 5000;

async function begin(broker: Broker, transactionalId: string, topic: string) {
  const init = await broker.transactions.initProducerId({ transactionalId, transactionTimeoutMs: TIMEOUT });
  expect(init.errorCode).toBe(ErrorCode.NONE);
  return { transactionalId, producerId: init.producerId, producerEpoch: init.producerEpoch, topic, seq: 0 };
}

type Writer = Awaited<ReturnType<typeof begin>>;

/** One transaction of `writer` writing `entries` (key=value), committed or aborted. */
async function transaction(broker: Broker, writer: Writer, entries: Array<[string, string]>, commit: boolean) {
  const added = await broker.transactions.addPartitions(writer, [{ name: writer.topic, partitions: [0] }]);
  expect(added[0].partitions[0].errorCode).toBe(ErrorCode.NONE);
  const records = entries.map(([k, v]) => ({ key: Buffer.from(k), value: Buffer.from(v) }));
  const batch = encodeRecordBatchSync({ records, producerId: writer.producerId, producerEpoch: writer.producerEpoch, baseSequence: writer.seq, isTransactional: true });
  writer.seq += entries.length;
  const res = await broker.produce({ acks: -1, transactionalId: writer.transactionalId, topics: [{ name: writer.topic, partitions: [{ index: 0, records: batch }] }] });
  expect(res.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.NONE);
  expect(await broker.transactions.endTxn(writer, commit)).toBe(ErrorCode.NONE);
}

/** Every batch of the partition with the isolation level's view: the batches and the aborted transactions reported. */
async function readAll(broker: Broker, topic: string, isolationLevel: 0 | 1) {
  const batches: RecordBatch[] = [];
  const aborted: Array<{ producerId: number; firstOffset: number }> = [];
  let offset = 0;
  for (let guard = 0; guard < 100; guard++) {
    const res = await broker.fetch({ maxWaitMs: 0, minBytes: 1, isolationLevel, topics: [{ topic, partitions: [{ partition: 0, fetchOffset: offset, partitionMaxBytes: 1 << 20 }] }] });
    const p = res.responses[0].partitions[0];
    const got = p.records ? decodeRecordBatchesSync(recordSetBuffer(p.records)) : [];
    if (got.length === 0) break;
    for (const a of p.abortedTransactions ?? []) if (!aborted.some((x) => x.producerId === a.producerId && x.firstOffset === a.firstOffset)) aborted.push(a);
    batches.push(...got);
    const last = got[got.length - 1];
    offset = last.baseOffset + last.lastOffsetDelta + 1;
  }
  return { batches, aborted };
}

const values = (batches: RecordBatch[]) => batches.filter((b) => !b.isControl).flatMap((b) => b.records.map((r) => `${r.key}=${r.value}`));
const markers = (batches: RecordBatch[], producerId: number) => batches.filter((b) => b.isControl && b.producerId === producerId).map((b) => b.baseOffset);

describe('compaction of transactional data', () => {
  let broker: Broker;
  afterEach(async () => broker?.close());

  it('removes aborted records, keeps the committed latest value per key, and removes markers in two passes', async () => {
    broker = await Broker.open({ fs: new MemoryFileSystem() });
    const configs = [
      { name: 'cleanup.policy', value: 'compact' },
      { name: 'segment.bytes', value: '200' },
      { name: 'delete.retention.ms', value: String(DELETE_RETENTION_MS) },
    ];
    await broker.createTopics({ topics: [{ name: 'table', numPartitions: 1, configs }] });
    const committer = await begin(broker, 'tx-committer', 'table');
    const aborter = await begin(broker, 'tx-aborter', 'table');
    await transaction(broker, committer, [['k1', 'a'], ['k2', 'b']], true);
    await transaction(broker, aborter, [['k1', 'X'], ['k3', 'Y']], false);
    await transaction(broker, committer, [['k2', 'c']], true);
    // more committed transactions on another key, so the ones above lie in inactive segments
    for (let i = 0; i < 6; i++) await transaction(broker, committer, [['k4', `d${i}`]], true);

    const before = await readAll(broker, 'table', 0);
    expect(values(before.batches)).toEqual(expect.arrayContaining(['k1=X', 'k3=Y']));
    const abortMarker = markers(before.batches, aborter.producerId);
    const commitMarkers = markers(before.batches, committer.producerId);
    expect(abortMarker).toHaveLength(1);
    expect((await readAll(broker, 'table', 1)).aborted).toEqual([{ producerId: aborter.producerId, firstOffset: 3 }]);

    const now = Date.now();
    await broker.runLogCleaner(now);
    const cleaned = await readAll(broker, 'table', 0);
    const seen = values(cleaned.batches);
    expect(seen).not.toContain('k1=X');
    expect(seen).not.toContain('k3=Y');
    expect(seen).toEqual(expect.arrayContaining(['k1=a', 'k2=c']));
    expect(seen).not.toContain('k2=b');
    // the first pass saw the aborted records: their marker stays
    expect(markers(cleaned.batches, aborter.producerId)).toEqual(abortMarker);

    // the second pass finds the transaction's data gone: the marker stays delete.retention.ms more
    await broker.runLogCleaner(now + 1);
    const second = await readAll(broker, 'table', 1);
    expect(markers(second.batches, aborter.producerId)).toEqual(abortMarker);
    expect(second.aborted).toEqual([]);
    await broker.runLogCleaner(now + DELETE_RETENTION_MS - 1000);
    expect(markers((await readAll(broker, 'table', 0)).batches, aborter.producerId)).toEqual(abortMarker);

    await broker.runLogCleaner(now + DELETE_RETENTION_MS + 1000);
    const last = await readAll(broker, 'table', 0);
    expect(markers(last.batches, aborter.producerId)).toEqual([]);
    // COMMIT markers of transactions whose records compaction removed (k4's older values) went the same way
    const commitsLeft = markers(last.batches, committer.producerId);
    expect(commitsLeft.length).toBeGreaterThan(0);
    expect(commitsLeft.length).toBeLessThan(commitMarkers.length);
    expect(values(last.batches)).toEqual(expect.arrayContaining(['k1=a', 'k2=c']));
    expect(values(last.batches)).not.toContain('k1=X');
    expect((await readAll(broker, 'table', 1)).batches.filter((b) => !b.isControl).length).toBeGreaterThan(0);
  });
});
