import { FetchPurgatory } from '../../../../src/broker/fetch/FetchPurgatory';
import { Partition } from '../../../../src/broker/partition/Partition';
import { Log } from '../../../../src/broker/log/Log';
import { MemoryFileSystem } from '../../../../src/broker/storage/MemoryFileSystem';
import { encodeRecordBatchSync } from '../../../../src/protocol/records/encodeBatch';

function partition(fs: MemoryFileSystem, name: string): Partition {
  fs.mkdirp(`/d/${name}`);
  return new Partition(name, 0, Log.open(`/d/${name}`, {}, { fs }), fs, 1 << 20);
}

const batch = () => encodeRecordBatchSync({ records: [{ value: Buffer.from('x') }] });

describe('FetchPurgatory', () => {
  it('completes with "data" once minBytes were appended to any watched partition, and stops watching', async () => {
    const fs = new MemoryFileSystem();
    const a = partition(fs, 'a-0');
    const b = partition(fs, 'b-0');
    const purgatory = new FetchPurgatory();
    const one = batch().length;
    const waiting = purgatory.wait([a, b], one * 2, 600_000);
    expect(purgatory.size).toBe(1);
    a.append(batch());
    expect(purgatory.size).toBe(1);
    b.append(batch());
    await expect(waiting).resolves.toBe('data');
    expect(purgatory.size).toBe(0);
    a.append(batch()); // no listener left to call
  });

  it('completes with "timeout" at maxWaitMs, and with "closed" on completeAll', async () => {
    const fs = new MemoryFileSystem();
    const p = partition(fs, 'c-0');
    const purgatory = new FetchPurgatory();
    await expect(purgatory.wait([p], 1, 5)).resolves.toBe('timeout');
    const parked = purgatory.wait([p], 1, 600_000);
    purgatory.completeAll();
    await expect(parked).resolves.toBe('closed');
    expect(purgatory.size).toBe(0);
  });

  it('counts bytes already available toward minBytes', async () => {
    const fs = new MemoryFileSystem();
    const p = partition(fs, 'd-0');
    const purgatory = new FetchPurgatory();
    const waiting = purgatory.wait([p], batch().length + 10, 600_000, 10);
    p.append(batch());
    await expect(waiting).resolves.toBe('data');
  });
});
