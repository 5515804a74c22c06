import { BATCH_HEADER_BYTES, estimateRecordBytes, RecordAccumulator } from '../../../../src/binder/native/RecordAccumulator';

const record = (bytes: number) => ({ key: null, value: Buffer.alloc(bytes) });

describe('RecordAccumulator', () => {
  it('collects the records of a partition in one open batch, in order, until closed', () => {
    const acc = new RecordAccumulator(16384);
    const appended = [0, 1, 2].map(() => acc.append(3, record(10)));
    expect(appended.map((a) => a.index)).toEqual([0, 1, 2]);
    expect(new Set(appended.map((a) => a.batch)).size).toBe(1);
    expect(appended.some((a) => a.closedBatch)).toBe(false);
    expect(acc.readyPartitions()).toEqual([]);
    acc.closeAll();
    expect(acc.readyPartitions()).toEqual([3]);
    const batch = acc.takeReady(3)!;
    expect(batch.recordCount).toBe(3);
    expect(batch.closed).toBe(true);
    expect(acc.hasPending()).toBe(false);
  });

  it('keeps one queue per partition', () => {
    const acc = new RecordAccumulator(16384);
    const a = acc.append(0, record(1));
    const b = acc.append(1, record(1));
    expect(a.batch).not.toBe(b.batch);
    expect([a.batch.partition, b.batch.partition]).toEqual([0, 1]);
    acc.closeAll();
    expect(acc.readyPartitions().sort()).toEqual([0, 1]);
  });

  it('closes a batch when the next record would not fit, and when it reaches batchSize', () => {
    const perRecord = estimateRecordBytes(record(100));
    const batchSize = BATCH_HEADER_BYTES + 2 * perRecord + 10;
    const acc = new RecordAccumulator(batchSize);
    const first = acc.append(0, record(100));
    const second = acc.append(0, record(100));
    const third = acc.append(0, record(100));
    expect(second.batch).toBe(first.batch);
    expect(third.batch).not.toBe(first.batch);
    expect(third.closedBatch).toBe(true);
    expect(third.index).toBe(0);
    expect(acc.takeReady(0)).toBe(first.batch);
    const exact = new RecordAccumulator(BATCH_HEADER_BYTES + perRecord);
    expect(exact.append(0, record(100)).closedBatch).toBe(true);
    expect(exact.readyPartitions()).toEqual([0]);
  });

  it('gives a record larger than batchSize a batch of its own', () => {
    const acc = new RecordAccumulator(100);
    const small = acc.append(0, record(1));
    const big = acc.append(0, record(1000));
    expect(big.batch).not.toBe(small.batch);
    expect(big.batch.recordCount).toBe(1);
    expect(big.closedBatch).toBe(true);
    expect(acc.takeReady(0)).toBe(small.batch);
    expect(acc.takeReady(0)).toBe(big.batch);
    expect(acc.takeReady(0)).toBeUndefined();
  });

  it('closes only batches whose linger time is over', () => {
    let now = 1000;
    const acc = new RecordAccumulator(16384, () => now);
    acc.append(0, record(1));
    now = 1005;
    acc.append(1, record(1));
    expect(acc.oldestOpen()).toBe(1000);
    acc.closeCreatedBy(1002);
    expect(acc.readyPartitions()).toEqual([0]);
    expect(acc.oldestOpen()).toBe(1005);
    acc.closeCreatedBy(1005);
    expect(acc.readyPartitions().sort()).toEqual([0, 1]);
    expect(acc.oldestOpen()).toBeUndefined();
  });

  it('counts headers and keys in the batch size', () => {
    const plain = estimateRecordBytes({ key: null, value: Buffer.alloc(10) });
    const withMore = estimateRecordBytes({ key: Buffer.alloc(5), value: Buffer.alloc(10), headers: [{ key: 'trace', value: Buffer.alloc(7) }] });
    expect(withMore).toBeGreaterThanOrEqual(plain + 5 + 'trace'.length + 7);
  });
});
