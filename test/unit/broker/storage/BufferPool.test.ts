import { BufferPool, ReadLease } from '../../../../src/broker/storage/BufferPool';

describe('BufferPool', () => {
  const pool = () => new BufferPool({ minBytes: 1024, maxBytes: 8192, retainBytes: 8192 });

  it('rounds up to a power-of-two class and hands a released buffer out again', () => {
    const p = pool();
    const a = p.acquire(1500);
    expect(a.bytes.length).toBe(2048);
    p.release(a);
    expect(p.retainedBytes).toBe(2048);
    expect(p.acquire(2000).bytes).toBe(a.bytes);
    expect(p.retainedBytes).toBe(0);
  });

  it('returns a buffer only when its last holder lets go, once', () => {
    const p = pool();
    const a = p.acquire(1024);
    p.retain(a);
    p.release(a);
    expect(p.retainedBytes).toBe(0);
    p.release(a);
    p.release(a); // a second release of a released buffer must not free it twice
    expect(p.retainedBytes).toBe(1024);
    expect(p.acquire(1024).bytes).toBe(a.bytes);
    expect(p.acquire(1024).bytes).not.toBe(a.bytes);
  });

  it('never hands out a pinned buffer again', () => {
    const p = pool();
    const a = p.acquire(1024);
    p.pin(a);
    p.release(a);
    expect(p.retainedBytes).toBe(0);
    expect(p.acquire(1024).bytes).not.toBe(a.bytes);
  });

  it('keeps at most retainBytes free and leaves sizes outside its classes to the GC', () => {
    const p = pool();
    const held = [p.acquire(8192), p.acquire(4096), p.acquire(100_000)];
    expect(held[2].bytes.length).toBe(100_000);
    for (const h of held) p.release(h);
    expect(p.retainedBytes).toBe(8192);
  });
});

describe('ReadLease', () => {
  it('allocates exact-length views and returns every buffer it holds on release', () => {
    const p = new BufferPool({ minBytes: 1024, retainBytes: 1 << 20 });
    const lease = new ReadLease(p);
    const a = lease.alloc(1000);
    const b = lease.alloc(3000);
    expect([a.length, b.length]).toEqual([1000, 3000]);
    const block = p.acquire(1024);
    lease.hold(block);
    p.release(block); // the owner lets go; the lease still holds it
    expect(p.retainedBytes).toBe(0);
    lease.release();
    expect(p.retainedBytes).toBe(1024 + 4096 + 1024);
    lease.release();
    expect(p.retainedBytes).toBe(1024 + 4096 + 1024);
  });
});
