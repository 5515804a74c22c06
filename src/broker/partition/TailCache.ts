/**
 * The most recently appended batches of one partition, as stored (offsets assigned), kept in
 * memory so consumers that are caught up are served without reading the log files.
 *
 * Batches are copied into pooled blocks rather than kept as views into the requests that brought
 * them: a view would keep the whole received socket chunk alive until the batch leaves the tail,
 * long enough for V8 to promote it, so every produced byte would end as old-generation garbage.
 * A block goes back to the pool once it has left the tail and no reader holds it (see ReadLease);
 * a reader without a lease pins it, and it is then left to the garbage collector.
 */
import { BatchHeaderView } from '../../protocol/records/batchHeader';
import { defaultBufferPool, type BufferPool, type PooledBuffer, type ReadLease } from '../storage/BufferPool';

/** Batches are packed into blocks of at most this size (a larger batch gets a block of its own). */
const BLOCK_BYTES = 256 * 1024;
/**
 * A partition's first block: each later one is twice the last, up to BLOCK_BYTES, so a partition
 * that received a few records holds a few bytes, and a busy one reaches full blocks after a few.
 */
const FIRST_BLOCK_BYTES = 1024;

interface Block {
  pooled: PooledBuffer;
  used: number;
  /** Batches of this block still in the tail. */
  live: number;
}

interface CachedBatch {
  baseOffset: number;
  lastOffset: number;
  block: Block;
  start: number;
  size: number;
}

export class TailCache {
  private batches: CachedBatch[] = [];
  private head = 0;
  private bytes = 0;
  /** Blocks holding live batches, oldest first; the last one is being filled. */
  private blocks: Block[] = [];
  private readonly blockBytes: number;
  /** Size of the next block (grows to blockBytes). */
  private nextBlockBytes: number;

  constructor(
    private readonly capacityBytes: number,
    private readonly pool: BufferPool = defaultBufferPool,
  ) {
    this.blockBytes = Math.max(1, Math.min(BLOCK_BYTES, capacityBytes));
    this.nextBlockBytes = Math.min(FIRST_BLOCK_BYTES, this.blockBytes);
  }

  /** First offset served from memory, or null when empty. */
  get firstOffset(): number | null {
    return this.head < this.batches.length ? this.batches[this.head].baseOffset : null;
  }

  /** Adds stored batches (one buffer holding one or more whole batches with final offsets). */
  add(stored: Buffer): void {
    if (this.capacityBytes <= 0) return;
    let at = 0;
    while (at < stored.length) {
      const view = new BatchHeaderView(stored, at);
      const size = view.sizeInBytes;
      const block = this.blockFor(size);
      stored.copy(block.pooled.bytes, block.used, at, at + size);
      this.batches.push({ baseOffset: view.baseOffset, lastOffset: view.lastOffset, block, start: block.used, size });
      block.used += size;
      block.live++;
      this.bytes += size;
      at += size;
    }
    while (this.bytes > this.capacityBytes && this.head < this.batches.length - 1) this.evictOne();
    if (this.head > 1024 && this.head * 2 > this.batches.length) {
      this.batches = this.batches.slice(this.head);
      this.head = 0;
    }
  }

  /** The block the next `size` bytes go to: the current one when they fit, else a new one. */
  private blockFor(size: number): Block {
    const current = this.blocks[this.blocks.length - 1];
    if (current && current.used + size <= current.pooled.bytes.length) return current;
    const block: Block = { pooled: this.pool.acquire(Math.max(size, this.nextBlockBytes)), used: 0, live: 0 };
    this.nextBlockBytes = Math.min(this.nextBlockBytes * 2, this.blockBytes);
    this.blocks.push(block);
    this.releaseEmptyBlocks();
    return block;
  }

  private evictOne(): void {
    const batch = this.batches[this.head];
    this.bytes -= batch.size;
    batch.block.live--;
    this.head++;
    this.releaseEmptyBlocks();
  }

  /** Hands back leading blocks with no live batch (never the one being filled). */
  private releaseEmptyBlocks(): void {
    while (this.blocks.length > 1 && this.blocks[0].live === 0) this.pool.release((this.blocks.shift() as Block).pooled);
  }

  /** Forgets batches below `offset` (retention, DeleteRecords). */
  dropBefore(offset: number): void {
    while (this.head < this.batches.length && this.batches[this.head].lastOffset < offset) this.evictOne();
  }

  clear(): void {
    for (const block of this.blocks) this.pool.release(block.pooled);
    this.blocks = [];
    this.batches = [];
    this.head = 0;
    this.bytes = 0;
  }

  /**
   * Whole batches from the one containing `offset`, up to `maxBytes` (at least one when
   * `minOne`); null when `offset` is not in memory. Adjacent batches of one block come back as
   * one buffer. The blocks read are held by `lease` until it is released, or pinned without one.
   */
  read(offset: number, maxBytes: number, minOne: boolean, lease?: ReadLease): Buffer[] | null {
    const first = this.firstOffset;
    if (first === null || offset < first) return null;
    let lo = this.head;
    let hi = this.batches.length - 1;
    if (this.batches[hi].lastOffset < offset) return null;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.batches[mid].lastOffset < offset) lo = mid + 1;
      else hi = mid;
    }
    const out: Buffer[] = [];
    let size = 0;
    let run: CachedBatch | null = null;
    let runEnd = 0;
    const flushRun = (): void => {
      if (!run) return;
      out.push(run.block.pooled.bytes.subarray(run.start, runEnd));
      if (lease) lease.hold(run.block.pooled);
      else this.pool.pin(run.block.pooled);
    };
    for (let i = lo; i < this.batches.length; i++) {
      const b = this.batches[i];
      if (size + b.size > maxBytes && !(minOne && size === 0)) break;
      if (run && run.block === b.block && runEnd === b.start) {
        runEnd += b.size;
      } else {
        flushRun();
        run = b;
        runEnd = b.start + b.size;
      }
      size += b.size;
    }
    flushRun();
    return out;
  }
}
