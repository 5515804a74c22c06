import { Buffer } from 'node:buffer';
import { Utf8Lengths } from './utf8';

/**
 * Growable big-endian writer for Kafka's primitive types.
 *
 * Grammar (Kafka protocol guide):
 *   INT8/16/32/64     fixed-width two's complement, big-endian
 *   UNSIGNED_VARINT   LEB128, 7 bits per byte, high bit = "more"
 *   VARINT / VARLONG  zigzag-encoded then written as UNSIGNED_VARINT
 *   VARINT BYTES      VARINT length + bytes (-1 = null); record keys, values, header values
 *   VARINT STRING     VARINT length + UTF-8; record header keys
 *   STRING            INT16 length + UTF-8 (NULLABLE: length -1 = null)
 *   COMPACT_STRING    UNSIGNED_VARINT (length + 1) + UTF-8 (0 = null)
 *   BYTES             INT32 length + bytes (NULLABLE: -1 = null)
 *   COMPACT_BYTES     UNSIGNED_VARINT (length + 1) + bytes (0 = null)
 *   UUID              16 raw bytes
 */
export class ByteWriter {
  /** Header keys repeat record after record: their lengths are remembered per writer. */
  private readonly utf8Lengths = new Utf8Lengths();
  private buf: Buffer;
  private pos = 0;

  constructor(initialCapacity = 256) {
    this.buf = Buffer.allocUnsafe(Math.max(16, initialCapacity));
  }

  get length(): number {
    return this.pos;
  }

  /**
   * The current buffer, for a caller that reserve()d room and fills it itself; valid until the
   * next write (a write may move the bytes to a larger buffer).
   */
  get buffer(): Buffer {
    return this.buf;
  }

  /** Bytes the current buffer holds before it has to grow. */
  get capacity(): number {
    return this.buf.length;
  }

  /** Bytes written so far; a view, valid until the next write. */
  toBuffer(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** An independent copy of the bytes written so far. */
  toBufferCopy(): Buffer {
    return Buffer.from(this.toBuffer());
  }

  private ensure(extra: number): void {
    const need = this.pos + extra;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = Buffer.allocUnsafe(cap);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** Reserves `n` bytes and returns their position, to be patched later (lengths, CRCs). */
  reserve(n: number): number {
    this.ensure(n);
    const at = this.pos;
    this.pos += n;
    return at;
  }

  patchInt32(at: number, value: number): void {
    this.buf.writeInt32BE(value, at);
  }

  patchUInt32(at: number, value: number): void {
    this.buf.writeUInt32BE(value >>> 0, at);
  }

  int8(v: number): this {
    this.ensure(1);
    this.buf.writeInt8(v, this.pos);
    this.pos += 1;
    return this;
  }

  uint8(v: number): this {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
    return this;
  }

  bool(v: boolean): this {
    return this.uint8(v ? 1 : 0);
  }

  int16(v: number): this {
    this.ensure(2);
    this.buf.writeInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }

  uint16(v: number): this {
    this.ensure(2);
    this.buf.writeUInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }

  int32(v: number): this {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }

  uint32(v: number): this {
    this.ensure(4);
    this.buf.writeUInt32BE(v >>> 0, this.pos);
    this.pos += 4;
    return this;
  }

  /** INT64 from a bigint (exact over the whole range). */
  int64(v: bigint): this {
    this.ensure(8);
    this.buf.writeBigInt64BE(v, this.pos);
    this.pos += 8;
    return this;
  }

  /** INT64 from a JS number; exact for |v| < 2^53 (offsets, timestamps, producer ids). */
  int64n(v: number): this {
    this.ensure(8);
    const hi = Math.floor(v / 0x100000000);
    const lo = v - hi * 0x100000000;
    this.buf.writeInt32BE(hi, this.pos);
    this.buf.writeUInt32BE(lo, this.pos + 4);
    this.pos += 8;
    return this;
  }

  float64(v: number): this {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
    return this;
  }

  uvarint(v: number): this {
    // Values up to 2^32-1 with bit ops; larger ones (rare: lengths never are) with arithmetic.
    if (!(v >= 0 && v <= 2 ** 53) || !Number.isInteger(v)) {
      throw new RangeError(`UNSIGNED_VARINT must be a non-negative integer <= 2^53, got ${v}`);
    }
    this.ensure(10);
    let n = v;
    if (n <= 0xffffffff) {
      n = n >>> 0;
      while (n > 0x7f) {
        this.buf[this.pos++] = (n & 0x7f) | 0x80;
        n >>>= 7;
      }
      this.buf[this.pos++] = n;
      return this;
    }
    while (n > 0x7f) {
      this.buf[this.pos++] = (n % 128) | 0x80;
      n = Math.floor(n / 128);
    }
    this.buf[this.pos++] = n;
    return this;
  }

  /** Zigzag VARINT (32-bit). */
  varint(v: number): this {
    if (!(v >= -0x80000000 && v <= 0x7fffffff) || !Number.isInteger(v)) {
      throw new RangeError(`VARINT must be a 32-bit integer, got ${v}`);
    }
    return this.uvarint(((v << 1) ^ (v >> 31)) >>> 0);
  }

  /** Zigzag VARLONG from a number, exact for |v| < 2^52. */
  varlong(v: number): this {
    if (v >= -0x80000000 && v <= 0x7fffffff && Number.isInteger(v)) return this.varint(v);
    if (!(Math.abs(v) <= 2 ** 52) || !Number.isInteger(v)) {
      throw new RangeError(`VARLONG from a number must be an integer with |v| <= 2^52 (use varlongBig), got ${v}`);
    }
    const zz = v >= 0 ? v * 2 : -v * 2 - 1;
    return this.uvarint(zz);
  }

  /** Zigzag VARLONG from a bigint (full 64-bit range). */
  varlongBig(v: bigint): this {
    let zz = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
    this.ensure(10);
    while (zz > 0x7fn) {
      this.buf[this.pos++] = Number(zz & 0x7fn) | 0x80;
      zz >>= 7n;
    }
    this.buf[this.pos++] = Number(zz);
    return this;
  }

  raw(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  /**
   * Writes `len` UTF-8 bytes of `s` (len = utf8Length(s)). Short ASCII strings (byte length
   * equals char count only when every char is ASCII) are copied in JS: cheaper than a native call.
   */
  private utf8(s: string, len: number): void {
    this.ensure(len);
    if (len === s.length && len <= 32) {
      const buf = this.buf;
      const at = this.pos;
      for (let i = 0; i < len; i++) buf[at + i] = s.charCodeAt(i);
    } else {
      this.buf.write(s, this.pos, len, 'utf8');
    }
    this.pos += len;
  }

  /** Record-format BYTES (record keys, values, header values): zigzag VARINT length, -1 = null, then the bytes. */
  varintBytes(b: Uint8Array | null): this {
    if (b === null) return this.uint8(0x01); // zigzag(-1)
    this.varint(b.length);
    return this.raw(b);
  }

  /** Record-format STRING (header keys): zigzag VARINT byte length, then UTF-8. */
  varintString(s: string): this {
    const len = this.utf8Lengths.of(s);
    this.varint(len);
    this.utf8(s, len);
    return this;
  }

  string(s: string): this {
    const len = Buffer.byteLength(s, 'utf8');
    this.int16(len);
    this.utf8(s, len);
    return this;
  }

  nullableString(s: string | null): this {
    return s === null ? this.int16(-1) : this.string(s);
  }

  compactString(s: string): this {
    const len = Buffer.byteLength(s, 'utf8');
    this.uvarint(len + 1);
    this.utf8(s, len);
    return this;
  }

  compactNullableString(s: string | null): this {
    return s === null ? this.uvarint(0) : this.compactString(s);
  }

  bytes(b: Uint8Array): this {
    this.int32(b.length);
    return this.raw(b);
  }

  nullableBytes(b: Uint8Array | null): this {
    return b === null ? this.int32(-1) : this.bytes(b);
  }

  compactBytes(b: Uint8Array): this {
    this.uvarint(b.length + 1);
    return this.raw(b);
  }

  compactNullableBytes(b: Uint8Array | null): this {
    return b === null ? this.uvarint(0) : this.compactBytes(b);
  }

  /** UUID as 16 bytes; accepts the canonical 8-4-4-4-12 hex form. */
  uuid(u: string): this {
    const hex = u.replace(/-/g, '');
    if (hex.length !== 32) throw new RangeError(`UUID must have 32 hex digits, got "${u}"`);
    return this.raw(Buffer.from(hex, 'hex'));
  }
}
