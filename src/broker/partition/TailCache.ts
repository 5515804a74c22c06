/**
 * The most recently appended batches of one partition, as stored (offsets assigned), kept in
 * memory so consumers that are caught up are served without reading the log files.
 */
import { BatchHeaderView } from '../../protocol/records/batchHeader';

interface CachedBatch {
  baseOffset: number;
  lastOffset: number;
  bytes: Buffer;
}

export class TailCache {
  private batches: CachedBatch[] = [];
  private head = 0;
  private bytes = 0;

  constructor(private readonly capacityBytes: number) {}

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
      const bytes = at === 0 && size === stored.length ? stored : stored.subarray(at, at + size);
      this.batches.push({ baseOffset: view.baseOffset, lastOffset: view.lastOffset, bytes });
      this.bytes += size;
      at += size;
    }
    while (this.bytes > this.capacityBytes && this.head < this.batches.length - 1) this.evictOne();
    if (this.head > 1024 && this.head * 2 > this.batches.length) {
      this.batches = this.batches.slice(this.head);
      this.head = 0;
    }
  }

  private evictOne(): void {
    this.bytes -= this.batches[this.head].bytes.length;
    this.head++;
  }

  /** Forgets batches below `offset` (retention, DeleteRecords). */
  dropBefore(offset: number): void {
    while (this.head < this.batches.length && this.batches[this.head].lastOffset < offset) this.evictOne();
  }

  clear(): void {
    this.batches = [];
    this.head = 0;
    this.bytes = 0;
  }

  /**
   * Whole batches from the one containing `offset`, up to `maxBytes` (at least one when
   * `minOne`); null when `offset` is not in memory.
   */
  read(offset: number, maxBytes: number, minOne: boolean): Buffer[] | null {
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
    for (let i = lo; i < this.batches.length; i++) {
      const b = this.batches[i].bytes;
      if (size + b.length > maxBytes && !(minOne && out.length === 0)) break;
      out.push(b);
      size += b.length;
    }
    return out;
  }
}
