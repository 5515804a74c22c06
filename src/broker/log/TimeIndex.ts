import type { FileHandle } from '../storage/FileSystem';
import { IndexFile, ensureCapacity } from './IndexFile';
import { isZero } from './OffsetIndex';

export interface TimestampOffset {
  timestamp: number;
  offset: number;
}

/**
 * Kafka's `.timeindex`: entries (int64 timestamp, int32 offset relative to the segment base),
 * timestamps strictly increasing; each names the largest timestamp seen so far and the last
 * offset of the batch that carried it.
 */
export class TimeIndex extends IndexFile {
  static readonly ENTRY_SIZE = 12;
  private timestamps = new Float64Array(16);
  private relOffsets = new Int32Array(16);

  constructor(file: FileHandle, baseOffset: number, maxIndexBytes: number) {
    super(file, baseOffset, maxIndexBytes, TimeIndex.ENTRY_SIZE);
  }

  /** Loads an existing file; false when inconsistent with a segment whose last offset is `lastOffset`. */
  load(lastOffset: number): boolean {
    const size = this.file.size();
    if (size % TimeIndex.ENTRY_SIZE !== 0) return false;
    const bytes = this.file.read(0, size);
    let n = 0;
    let at = 0;
    for (; at < bytes.length; at += TimeIndex.ENTRY_SIZE) {
      const ts = bytes.readInt32BE(at) * 0x100000000 + bytes.readUInt32BE(at + 4);
      const rel = bytes.readInt32BE(at + 8);
      if (n > 0 && (ts <= this.timestamps[n - 1] || rel < this.relOffsets[n - 1])) break;
      if (n === 0 && ts === 0 && rel === 0) break;
      if (rel < 0 || this.baseOffset + rel > lastOffset) {
        this.count = 0;
        return false;
      }
      this.push(ts, rel, n++);
    }
    // entries end at a zero-filled tail or the file's end (Kafka's sanity check)
    if (!isZero(bytes, at)) {
      this.count = 0;
      return false;
    }
    this.count = n;
    return true;
  }

  private push(ts: number, rel: number, i: number): void {
    this.timestamps = ensureCapacity(this.timestamps, i + 1, (l) => new Float64Array(l));
    this.relOffsets = ensureCapacity(this.relOffsets, i + 1, (l) => new Int32Array(l));
    this.timestamps[i] = ts;
    this.relOffsets[i] = rel;
  }

  /** The last entry, or (-1, baseOffset) when empty. */
  get lastEntry(): TimestampOffset {
    return this.count > 0 ? this.entry(this.count - 1) : { timestamp: -1, offset: this.baseOffset };
  }

  entry(i: number): TimestampOffset {
    return { timestamp: this.timestamps[i], offset: this.baseOffset + this.relOffsets[i] };
  }

  /** Appends when `timestamp` is above the last entry's (Kafka's maybeAppend). */
  maybeAppend(timestamp: number, offset: number, skipFullCheck = false): void {
    if ((!skipFullCheck && this.isFull) || this.count >= this.maxEntries) return;
    if (this.count > 0 && timestamp <= this.timestamps[this.count - 1]) return;
    const rel = offset - this.baseOffset;
    if (this.count > 0 && rel < this.relOffsets[this.count - 1]) return;
    const entry = Buffer.allocUnsafe(TimeIndex.ENTRY_SIZE);
    const hi = Math.floor(timestamp / 0x100000000);
    entry.writeInt32BE(hi, 0);
    entry.writeUInt32BE(timestamp - hi * 0x100000000, 4);
    entry.writeInt32BE(rel, 8);
    this.writeEntry(entry);
    this.push(timestamp, rel, this.count);
    this.count++;
  }

  /** The entry with the largest timestamp <= target, or (-1, baseOffset). */
  lookup(target: number): TimestampOffset {
    const i = this.floorEntry(target, (k) => this.timestamps[k]);
    return i < 0 ? { timestamp: -1, offset: this.baseOffset } : this.entry(i);
  }

  /** Removes entries whose offset >= `offset`. */
  truncateTo(offset: number): void {
    this.truncateEntries(this.ceilEntry(offset - this.baseOffset, (k) => this.relOffsets[k]));
  }
}
