/**
 * The aborted-transaction index of one partition (Kafka's TransactionIndex): one `.txnindex` file
 * per segment, named after the segment's base offset, holding an entry for every transaction
 * aborted by a marker written while that segment was active. Entries are Kafka's layout (34 bytes):
 *
 *   version: int16 (0), producerId: int64, firstOffset: int64, lastOffset: int64, lastStableOffset: int64
 *
 * A read_committed fetch is answered with the aborted transactions overlapping what it returns,
 * so the client drops their records. Aborts are rare, so each entry opens, appends and closes its
 * file rather than holding a descriptor per segment.
 */
import type { FileSystem } from '../storage/FileSystem';
import { baseOffsetOf, offsetFileName } from './fileNames';

export const TXN_INDEX_SUFFIX = '.txnindex';
const ENTRY_SIZE = 34;
const VERSION = 0;

export interface AbortedTxn {
  producerId: number;
  /** Offset of the transaction's first record in this partition. */
  firstOffset: number;
  /** Offset of the ABORT marker. */
  lastOffset: number;
  /** The partition's last stable offset once the marker was written. */
  lastStableOffset: number;
}

function writeInt64(buf: Buffer, at: number, v: number): void {
  buf.writeBigInt64BE(BigInt(v), at);
}

function readInt64(buf: Buffer, at: number): number {
  return Number(buf.readBigInt64BE(at));
}

export function encodeAbortedTxn(e: AbortedTxn): Buffer {
  const buf = Buffer.alloc(ENTRY_SIZE);
  buf.writeInt16BE(VERSION, 0);
  writeInt64(buf, 2, e.producerId);
  writeInt64(buf, 10, e.firstOffset);
  writeInt64(buf, 18, e.lastOffset);
  writeInt64(buf, 26, e.lastStableOffset);
  return buf;
}

/** Entries of one file; a torn last entry (a crash mid-write) is ignored. */
export function decodeAbortedTxns(buf: Buffer): AbortedTxn[] {
  const out: AbortedTxn[] = [];
  for (let at = 0; at + ENTRY_SIZE <= buf.length; at += ENTRY_SIZE) {
    if (buf.readInt16BE(at) !== VERSION) break;
    out.push({ producerId: readInt64(buf, at + 2), firstOffset: readInt64(buf, at + 10), lastOffset: readInt64(buf, at + 18), lastStableOffset: readInt64(buf, at + 26) });
  }
  return out;
}

export class TransactionIndex {
  /** Oldest first (markers are appended in offset order). */
  private entries: AbortedTxn[] = [];
  /** The segment layout the files were last laid out for (the cleaner runs often and usually changes nothing). */
  private rewrittenFor = '';

  constructor(
    private readonly fs: FileSystem,
    private readonly dir: string,
  ) {
    this.load();
  }

  private load(): void {
    if (!this.fs.exists(this.dir)) return;
    const files = this.fs
      .list(this.dir)
      .filter((name) => name.endsWith(TXN_INDEX_SUFFIX))
      .map((name) => ({ name, base: baseOffsetOf(name) }))
      .filter((f): f is { name: string; base: number } => f.base !== null)
      .sort((a, b) => a.base - b.base);
    for (const f of files) this.entries.push(...decodeAbortedTxns(this.fs.readFile(`${this.dir}/${f.name}`) ?? Buffer.alloc(0)));
  }

  /** Records an abort, in the file of the segment the marker went to. */
  append(entry: AbortedTxn, segmentBaseOffset: number): void {
    if (this.entries.some((e) => e.producerId === entry.producerId && e.lastOffset === entry.lastOffset)) return;
    this.entries.push(entry);
    const file = this.fs.open(this.fileOf(segmentBaseOffset));
    try {
      file.append(encodeAbortedTxn(entry));
    } finally {
      file.close();
    }
  }

  /** Aborted transactions that may have records in [fetchOffset, upperBoundOffset), as Kafka's collectAbortedTxns. */
  collect(fetchOffset: number, upperBoundOffset: number): AbortedTxn[] {
    return this.entries.filter((e) => e.lastOffset >= fetchOffset && e.firstOffset < upperBoundOffset);
  }

  all(): readonly AbortedTxn[] {
    return this.entries;
  }

  /** After retention or truncation: forgets entries below the log start or at/after the log end, and files of removed segments. */
  retain(logStartOffset: number, logEndOffset: number, segmentBaseOffsets: readonly number[]): void {
    this.entries = this.entries.filter((e) => e.lastOffset >= logStartOffset && e.lastOffset < logEndOffset);
    if (!this.fs.exists(this.dir)) return;
    const live = new Set(segmentBaseOffsets);
    for (const name of this.fs.list(this.dir)) {
      if (!name.endsWith(TXN_INDEX_SUFFIX)) continue;
      const base = baseOffsetOf(name);
      if (base !== null && !live.has(base)) this.fs.remove(`${this.dir}/${name}`);
    }
  }

  /** Forgets entries (their data is gone); the files follow at the next rewrite. */
  forget(txns: readonly AbortedTxn[]): void {
    if (txns.length === 0) return;
    const gone = (e: AbortedTxn) => txns.some((t) => t.producerId === e.producerId && t.lastOffset === e.lastOffset);
    this.entries = this.entries.filter((e) => !gone(e));
    this.rewrittenFor = '';
  }

  /**
   * After compaction replaced segments (the cleaned one keeps the first one's base offset): each
   * entry is written again to the file of the segment now holding its marker, and the files of
   * segments that are gone are removed, so a restart (which drops index files without a segment)
   * still finds every entry.
   */
  rewrite(segmentBaseOffsets: readonly number[]): void {
    const layout = segmentBaseOffsets.join(',');
    if (layout === this.rewrittenFor || !this.fs.exists(this.dir)) return;
    this.rewrittenFor = layout;
    const byBase = new Map<number, AbortedTxn[]>();
    for (const e of this.entries) {
      let base = segmentBaseOffsets[0] ?? 0;
      for (const b of segmentBaseOffsets) if (b <= e.lastOffset) base = b;
      byBase.set(base, [...(byBase.get(base) ?? []), e]);
    }
    for (const [base, entries] of byBase) {
      this.fs.writeFileAtomic(this.fileOf(base), Buffer.concat(entries.map(encodeAbortedTxn)));
    }
    for (const name of this.fs.list(this.dir)) {
      const base = baseOffsetOf(name);
      if (name.endsWith(TXN_INDEX_SUFFIX) && base !== null && !byBase.has(base)) this.fs.remove(`${this.dir}/${name}`);
    }
  }

  private fileOf(segmentBaseOffset: number): string {
    return `${this.dir}/${offsetFileName(segmentBaseOffset)}${TXN_INDEX_SUFFIX}`;
  }

  clear(): void {
    this.entries = [];
  }
}
