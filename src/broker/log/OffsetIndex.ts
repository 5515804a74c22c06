import type { FileHandle } from '../storage/FileSystem';
import { IndexFile, ensureCapacity } from './IndexFile';

export interface OffsetPosition {
  offset: number;
  position: number;
}

/**
 * Kafka's `.index`: sparse entries (int32 offset relative to the segment base, int32 byte
 * position in the `.log`) mapping a batch's last offset to where the batch starts.
 */
export class OffsetIndex extends IndexFile {
  static readonly ENTRY_SIZE = 8;
  private relOffsets = new Int32Array(16);
  private positions = new Int32Array(16);

  constructor(file: FileHandle, baseOffset: number, maxIndexBytes: number) {
    super(file, baseOffset, maxIndexBytes, OffsetIndex.ENTRY_SIZE);
  }

  /**
   * Loads the entries of an existing file; returns false (and loads nothing) when the file is
   * inconsistent with a log of `logSize` bytes and must be rebuilt. A zero-filled preallocated
   * tail (left by a crash) ends the entries.
   */
  load(logSize: number): boolean {
    const size = this.file.size();
    if (size % OffsetIndex.ENTRY_SIZE !== 0) return false;
    const bytes = this.file.read(0, size);
    let n = 0;
    let at = 0;
    for (; at < bytes.length; at += OffsetIndex.ENTRY_SIZE) {
      const rel = bytes.readInt32BE(at);
      const pos = bytes.readInt32BE(at + 4);
      const prevRel = n > 0 ? this.relOffsets[n - 1] : -1;
      const prevPos = n > 0 ? this.positions[n - 1] : 0;
      if (rel <= prevRel || pos <= prevPos) break;
      if (pos >= logSize) return this.fail();
      this.push(rel, pos, n++);
    }
    // Kafka's sanity check: entries end at a zero-filled (preallocated) tail or the file's end;
    // anything else after them is an entry out of order
    if (!isZero(bytes, at)) return this.fail();
    this.count = n;
    return true;
  }

  private fail(): false {
    this.count = 0;
    return false;
  }

  private push(rel: number, pos: number, i: number): void {
    this.relOffsets = ensureCapacity(this.relOffsets, i + 1, (l) => new Int32Array(l));
    this.positions = ensureCapacity(this.positions, i + 1, (l) => new Int32Array(l));
    this.relOffsets[i] = rel;
    this.positions[i] = pos;
  }

  get lastOffset(): number {
    return this.count > 0 ? this.baseOffset + this.relOffsets[this.count - 1] : this.baseOffset;
  }

  entry(i: number): OffsetPosition {
    return { offset: this.baseOffset + this.relOffsets[i], position: this.positions[i] };
  }

  /** Appends an entry; ignored when the offset is not above the last one (a rebuilt index never goes backwards). */
  append(offset: number, position: number): void {
    const rel = offset - this.baseOffset;
    if (this.isFull || (this.count > 0 && rel <= this.relOffsets[this.count - 1])) return;
    const entry = Buffer.allocUnsafe(OffsetIndex.ENTRY_SIZE);
    entry.writeInt32BE(rel, 0);
    entry.writeInt32BE(position, 4);
    this.writeEntry(entry);
    this.push(rel, position, this.count);
    this.count++;
  }

  /** The entry with the largest offset <= target, or (baseOffset, 0). */
  lookup(target: number): OffsetPosition {
    const rel = target - this.baseOffset;
    const i = this.floorEntry(rel, (k) => this.relOffsets[k]);
    return i < 0 ? { offset: this.baseOffset, position: 0 } : this.entry(i);
  }

  /** Removes entries whose offset >= `offset`. */
  truncateTo(offset: number): void {
    this.truncateEntries(this.ceilEntry(offset - this.baseOffset, (k) => this.relOffsets[k]));
  }

  /** Removes entries pointing at or beyond byte `position` of the log. */
  truncateToPosition(position: number): void {
    this.truncateEntries(this.ceilEntry(position, (k) => this.positions[k]));
  }
}

/** Whether every byte of `bytes` from `from` on is zero. */
export function isZero(bytes: Buffer, from: number): boolean {
  for (let i = from; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}
