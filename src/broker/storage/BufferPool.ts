/**
 * Reusable buffers for the broker's data path (with protocol/messages/ZeroCopyWriter.ts and
 * server/Connection.ts's writev, the zero-copy fetch path): the partitions' in-memory tails and the log reads
 * of wire fetches. Without them every produced and fetched byte lands in a fresh buffer that only
 * V8's next full collection frees, and the process holds tens of megabytes of dead buffers at any
 * time. A pooled buffer goes back to its size class once every holder has let go of it; a holder
 * that cannot say when it is done (a record handed to application code) pins it instead, and the
 * garbage collector reclaims it as before — so a pooled buffer is never reused while anyone may
 * still read it.
 */

/** One pooled allocation and how many holders still use it. */
export class PooledBuffer {
  /** Holders; `Infinity` once pinned (never returned to the pool). */
  refs = 1;
  constructor(
    readonly bytes: Buffer,
    readonly sizeClass: number,
  ) {}
}

export interface BufferPoolOptions {
  /** Smallest pooled size class; smaller requests get plain buffers. */
  minBytes?: number;
  /** Largest pooled size class; larger requests get plain buffers. */
  maxBytes?: number;
  /** Free bytes kept for reuse across all classes; buffers released beyond it are left to the GC. */
  retainBytes?: number;
}

const DEFAULTS: Required<BufferPoolOptions> = { minBytes: 16 * 1024, maxBytes: 16 * 1024 * 1024, retainBytes: 16 * 1024 * 1024 };

/** Power-of-two size classes with bounded free lists. */
export class BufferPool {
  private readonly free = new Map<number, Buffer[]>();
  private readonly opts: Required<BufferPoolOptions>;
  private freeBytes = 0;

  constructor(opts: BufferPoolOptions = {}) {
    this.opts = { ...DEFAULTS, ...opts };
  }

  /** Bytes currently kept for reuse. */
  get retainedBytes(): number {
    return this.freeBytes;
  }

  /** A buffer of at least `size` bytes held once (refs = 1); its `bytes` may be longer than asked. */
  acquire(size: number): PooledBuffer {
    const sizeClass = this.classOf(size);
    if (sizeClass === 0) return new PooledBuffer(Buffer.allocUnsafeSlow(size), 0);
    const reused = this.free.get(sizeClass)?.pop();
    if (reused) {
      this.freeBytes -= sizeClass;
      return new PooledBuffer(reused, sizeClass);
    }
    return new PooledBuffer(Buffer.allocUnsafeSlow(sizeClass), sizeClass);
  }

  /** One more holder. */
  retain(p: PooledBuffer): void {
    p.refs++;
  }

  /** The buffer may be referenced by holders that never say when they are done: never reuse it. */
  pin(p: PooledBuffer): void {
    p.refs = Infinity;
  }

  /** One holder is done; the last one returns the buffer to its class (within retainBytes). */
  release(p: PooledBuffer): void {
    if (--p.refs !== 0) return;
    p.refs = -1; // released: a second release is a no-op, never a double free
    if (p.sizeClass === 0 || this.freeBytes + p.sizeClass > this.opts.retainBytes) return;
    let list = this.free.get(p.sizeClass);
    if (!list) this.free.set(p.sizeClass, (list = []));
    list.push(p.bytes);
    this.freeBytes += p.sizeClass;
  }

  private classOf(size: number): number {
    if (size > this.opts.maxBytes) return 0;
    let c = this.opts.minBytes;
    while (c < size) c *= 2;
    return c;
  }
}

/** The process's pool, shared by every broker in it (the free bytes are bounded once). */
export const defaultBufferPool = new BufferPool();

/** Allocates the buffer a read fills: exactly `size` bytes long. */
export type ReadAllocator = (size: number) => Buffer;

export const plainAllocator: ReadAllocator = (size) => Buffer.allocUnsafe(size);

/**
 * The pooled buffers one reader (a wire fetch) holds until its response has been written: log
 * reads allocated through `alloc` and tail-cache blocks retained with `hold`. `release` hands them
 * all back; a lease that is never released only costs the reuse.
 */
export class ReadLease {
  private held: PooledBuffer[] = [];

  constructor(private readonly pool: BufferPool = defaultBufferPool) {}

  readonly alloc: ReadAllocator = (size) => {
    const p = this.pool.acquire(size);
    this.held.push(p);
    return p.bytes.length === size ? p.bytes : p.bytes.subarray(0, size);
  };

  hold(p: PooledBuffer): void {
    this.pool.retain(p);
    this.held.push(p);
  }

  release(): void {
    const held = this.held;
    this.held = [];
    for (const p of held) this.pool.release(p);
  }
}
