import { TailCache } from '../../../../src/broker/partition/TailCache';
import { BATCH } from '../../../../src/protocol/records/batchHeader';

/** A header-only stand-in for a stored batch: the cache reads only baseOffset, length and lastOffsetDelta. */
function stored(baseOffset: number, records: number, size = 100): Buffer {
  const b = Buffer.alloc(size);
  b.writeBigInt64BE(BigInt(baseOffset), BATCH.BASE_OFFSET);
  b.writeInt32BE(size - BATCH.LOG_OVERHEAD, BATCH.BATCH_LENGTH);
  b.writeInt32BE(records - 1, BATCH.LAST_OFFSET_DELTA);
  return b;
}

describe('TailCache', () => {
  it('serves whole batches from the one containing the offset', () => {
    const c = new TailCache(10000);
    c.add(stored(0, 5));
    c.add(stored(5, 5));
    c.add(stored(10, 5));
    const out = c.read(7, 10000, true)!;
    expect(out.map((b) => b.readBigInt64BE(0))).toEqual([5n, 10n]);
    expect(c.read(15, 10000, true)).toBeNull();
  });

  it('splits a buffer holding several batches', () => {
    const c = new TailCache(10000);
    c.add(Buffer.concat([stored(0, 2), stored(2, 3)]));
    expect(c.read(3, 10000, true)!.map((b) => b.readBigInt64BE(0))).toEqual([2n]);
  });

  it('evicts the oldest batches past its capacity', () => {
    const c = new TailCache(250);
    for (let i = 0; i < 5; i++) c.add(stored(i * 10, 10));
    expect(c.firstOffset).toBe(30);
    expect(c.read(5, 1000, true)).toBeNull();
  });

  it('respects maxBytes but always returns one batch when asked to', () => {
    const c = new TailCache(10000);
    for (let i = 0; i < 3; i++) c.add(stored(i, 1));
    expect(c.read(0, 250, true)).toHaveLength(2);
    expect(c.read(0, 50, true)).toHaveLength(1);
    expect(c.read(0, 50, false)).toHaveLength(0);
  });

  it('forgets batches below a new log start offset', () => {
    const c = new TailCache(10000);
    for (let i = 0; i < 3; i++) c.add(stored(i * 5, 5));
    c.dropBefore(6);
    expect(c.firstOffset).toBe(5);
    expect(c.read(2, 1000, true)).toBeNull();
  });
});
