import { TailCache } from '../../../../src/broker/partition/TailCache';
import { BufferPool, ReadLease, type PooledBuffer } from '../../../../src/broker/storage/BufferPool';
import { BATCH } from '../../../../src/protocol/records/batchHeader';

/** A header-only stand-in for a stored batch: the cache reads only baseOffset, length and lastOffsetDelta. */
function stored(baseOffset: number, records: number, size = 100): Buffer {
  const b = Buffer.alloc(size);
  b.writeBigInt64BE(BigInt(baseOffset), BATCH.BASE_OFFSET);
  b.writeInt32BE(size - BATCH.LOG_OVERHEAD, BATCH.BATCH_LENGTH);
  b.writeInt32BE(records - 1, BATCH.LAST_OFFSET_DELTA);
  return b;
}

/** The base offsets of the batches in what a read returned, however it was cut into buffers. */
/** A pool that counts what it hands out and gets back. */
class CountingPool extends BufferPool {
  heldBytes = 0;
  acquired = 0;
  override acquire(size: number): PooledBuffer {
    const p = super.acquire(size);
    this.acquired++;
    this.heldBytes += p.bytes.length;
    return p;
  }
  override release(p: PooledBuffer): void {
    if (p.refs === 1) this.heldBytes -= p.bytes.length;
    super.release(p);
  }
}

function baseOffsets(chunks: Buffer[]): bigint[] {
  const out: bigint[] = [];
  for (const c of chunks) {
    for (let at = 0; at < c.length; at += c.readInt32BE(at + BATCH.BATCH_LENGTH) + BATCH.LOG_OVERHEAD) out.push(c.readBigInt64BE(at));
  }
  return out;
}

describe('TailCache', () => {
  it('serves whole batches from the one containing the offset', () => {
    const c = new TailCache(10000);
    c.add(stored(0, 5));
    c.add(stored(5, 5));
    c.add(stored(10, 5));
    expect(baseOffsets(c.read(7, 10000, true)!)).toEqual([5n, 10n]);
    expect(c.read(15, 10000, true)).toBeNull();
  });

  it('splits a buffer holding several batches', () => {
    const c = new TailCache(10000);
    c.add(Buffer.concat([stored(0, 2), stored(2, 3)]));
    expect(baseOffsets(c.read(3, 10000, true)!)).toEqual([2n]);
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
    expect(baseOffsets(c.read(0, 250, true)!)).toEqual([0n, 1n]);
    expect(baseOffsets(c.read(0, 50, true)!)).toEqual([0n]);
    expect(c.read(0, 50, false)).toHaveLength(0);
  });

  it('forgets batches below a new log start offset', () => {
    const c = new TailCache(10000);
    for (let i = 0; i < 3; i++) c.add(stored(i * 5, 5));
    c.dropBefore(6);
    expect(c.firstOffset).toBe(5);
    expect(c.read(2, 1000, true)).toBeNull();
  });

  it('keeps its own copy: later changes to the appended buffer do not show', () => {
    const c = new TailCache(10000);
    const b = stored(0, 5);
    c.add(b);
    b.fill(0xff);
    expect(baseOffsets(c.read(0, 10000, true)!)).toEqual([0n]);
  });

  describe('block reuse', () => {
    // Capacity 1000 with 100-byte batches: blocks of 1000 bytes, each holding ten batches.
    const fill = (c: TailCache, from: number, n: number): void => {
      for (let i = from; i < from + n; i++) c.add(stored(i, 1));
    };

    it('reuses an evicted block once the lease that read it is released, and not before', () => {
      const pool = new BufferPool({ minBytes: 1000, retainBytes: 1 << 20 });
      const c = new TailCache(1000, pool);
      fill(c, 0, 10);
      const lease = new ReadLease(pool);
      const read = c.read(0, 1000, true, lease)!;
      expect(baseOffsets(read)).toEqual([0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n]);
      fill(c, 10, 20); // the first block leaves the tail, and so does the second
      expect(baseOffsets(read)).toEqual([0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n]); // still held: untouched
      lease.release();
      fill(c, 30, 20); // the freed block is taken again and overwritten
      expect(baseOffsets(read)).not.toEqual([0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n]);
      expect(baseOffsets(c.read(45, 1000, true)!)).toEqual([45n, 46n, 47n, 48n, 49n]);
    });

    it('never reuses a block read without a lease', () => {
      const pool = new BufferPool({ minBytes: 1000, retainBytes: 1 << 20 });
      const c = new TailCache(1000, pool);
      fill(c, 0, 10);
      const read = c.read(0, 1000, true)!;
      fill(c, 10, 50);
      expect(baseOffsets(read)).toEqual([0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n]);
    });
  });

  it('holds little memory for partitions that received one small batch', () => {
    const pool = new CountingPool();
    const caches = Array.from({ length: 1000 }, () => new TailCache(1024 * 1024, pool));
    caches.forEach((c, i) => c.add(stored(i, 1)));
    expect(pool.heldBytes).toBeLessThanOrEqual(1000 * 16 * 1024);
    caches.forEach((c, i) => expect(baseOffsets(c.read(i, 1000, true)!)).toEqual([BigInt(i)]));
  });

  it('grows its blocks as a busy partition keeps appending, and keeps serving every batch in its capacity', () => {
    const pool = new CountingPool();
    const c = new TailCache(1024 * 1024, pool);
    for (let i = 0; i < 20000; i++) c.add(stored(i, 1, 1000));
    // blocks grew: twenty million bytes of batches took a hundred blocks at most, not one per few batches
    expect(pool.acquired).toBeLessThan(100);
    const first = c.firstOffset!;
    expect(19999 - first).toBeGreaterThan(900);
    expect(baseOffsets(c.read(first, 1 << 30, true)!)).toEqual(Array.from({ length: 20000 - first }, (_, k) => BigInt(first + k)));
  });
});
