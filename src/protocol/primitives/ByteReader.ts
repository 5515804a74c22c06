import { bufferView } from './bufferView';
import { ProtocolDecodeError } from './errors';

/**
 * Bounds-checked big-endian reader; the mirror of ByteWriter (see its grammar comment).
 * Every read past the end throws ProtocolDecodeError so a malformed frame can never
 * make a decoder read garbage or allocate from a forged length.
 */
export class ByteReader {
  offset: number;
  readonly end: number;
  /** buf's memory and where buf starts in it, read on the first raw() (for its views). */
  private memory: ArrayBufferLike | null = null;
  private memoryOffset = 0;

  constructor(
    readonly buf: Buffer,
    start = 0,
    end = buf.length,
  ) {
    this.offset = start;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  private need(n: number, what: string): void {
    if (n < 0 || this.offset + n > this.end) {
      throw new ProtocolDecodeError(
        `cannot read ${what}: needs ${n} bytes at offset ${this.offset}, only ${this.end - this.offset} remain`,
      );
    }
  }

  int8(): number {
    this.need(1, 'INT8');
    return this.buf.readInt8(this.offset++);
  }

  uint8(): number {
    this.need(1, 'UINT8');
    return this.buf[this.offset++];
  }

  bool(): boolean {
    return this.uint8() !== 0;
  }

  int16(): number {
    this.need(2, 'INT16');
    const v = this.buf.readInt16BE(this.offset);
    this.offset += 2;
    return v;
  }

  uint16(): number {
    this.need(2, 'UINT16');
    const v = this.buf.readUInt16BE(this.offset);
    this.offset += 2;
    return v;
  }

  int32(): number {
    this.need(4, 'INT32');
    const v = this.buf.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  uint32(): number {
    this.need(4, 'UINT32');
    const v = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  int64(): bigint {
    this.need(8, 'INT64');
    const v = this.buf.readBigInt64BE(this.offset);
    this.offset += 8;
    return v;
  }

  /** INT64 as a JS number; exact for |v| < 2^53. */
  int64n(): number {
    this.need(8, 'INT64');
    const hi = this.buf.readInt32BE(this.offset);
    const lo = this.buf.readUInt32BE(this.offset + 4);
    this.offset += 8;
    return hi * 0x100000000 + lo;
  }

  float64(): number {
    this.need(8, 'FLOAT64');
    const v = this.buf.readDoubleBE(this.offset);
    this.offset += 8;
    return v;
  }

  uvarint(): number {
    // One-byte fast path: most lengths and deltas in a record are below 128.
    const at = this.offset;
    if (at < this.end) {
      const first = this.buf[at];
      if (first < 0x80) {
        this.offset = at + 1;
        return first;
      }
    }
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      this.need(1, 'UNSIGNED_VARINT');
      const b = this.buf[this.offset++];
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return result;
      mul *= 128;
    }
    throw new ProtocolDecodeError(`UNSIGNED_VARINT longer than 10 bytes at offset ${this.offset}`);
  }

  /** Zigzag VARINT (32-bit). */
  varint(): number {
    const u = this.uvarint();
    if (u > 0xffffffff) throw new ProtocolDecodeError(`VARINT out of 32-bit range at offset ${this.offset}`);
    return (u >>> 1) ^ -(u & 1);
  }

  /** Zigzag VARLONG as a number, exact for |v| < 2^52. */
  varlong(): number {
    const u = this.uvarint();
    if (u <= 0xffffffff) return (u >>> 1) ^ -(u & 1);
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  /** Zigzag VARLONG as a bigint (full 64-bit range). */
  varlongBig(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      this.need(1, 'VARLONG');
      const b = this.buf[this.offset++];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return BigInt.asIntN(64, (result >> 1n) ^ -(result & 1n));
      shift += 7n;
    }
    throw new ProtocolDecodeError(`VARLONG longer than 10 bytes at offset ${this.offset}`);
  }

  /** Record-format BYTES: zigzag VARINT length (-1 = null), then a view (no copy) of the bytes. */
  varintBytes(): Buffer | null {
    const n = this.varintBytesLength();
    return n === -1 ? null : this.raw(n);
  }

  /** Steps over record-format BYTES; returns their length (-1 = null). */
  skipVarintBytes(): number {
    const n = this.varintBytesLength();
    if (n > 0) this.skip(n);
    return n;
  }

  private varintBytesLength(): number {
    const n = this.varint();
    if (n < -1) throw new ProtocolDecodeError(`negative length ${n} for record BYTES at offset ${this.offset}`);
    return n;
  }

  /** Record-format STRING (header keys): zigzag VARINT length, then UTF-8. */
  varintString(): string {
    return this.utf8(this.varintStringLength());
  }

  /** Steps over a record-format STRING; returns its length in bytes. */
  skipVarintString(): number {
    const n = this.varintStringLength();
    this.skip(n);
    return n;
  }

  private varintStringLength(): number {
    const n = this.varint();
    if (n < 0) throw new ProtocolDecodeError(`negative length ${n} for record header key at offset ${this.offset}`);
    return n;
  }

  /** A view (no copy) of the next n bytes. */
  raw(n: number): Buffer {
    this.need(n, 'bytes');
    if (this.memory === null) {
      this.memory = this.buf.buffer;
      this.memoryOffset = this.buf.byteOffset;
    }
    const v = bufferView(this.memory, this.memoryOffset + this.offset, n);
    this.offset += n;
    return v;
  }

  skip(n: number): void {
    this.need(n, 'bytes');
    this.offset += n;
  }

  private utf8(n: number): string {
    this.need(n, 'string');
    const s = this.buf.toString('utf8', this.offset, this.offset + n);
    this.offset += n;
    return s;
  }

  string(): string {
    const n = this.int16();
    if (n < 0) throw new ProtocolDecodeError(`null STRING where a value is required at offset ${this.offset - 2}`);
    return this.utf8(n);
  }

  nullableString(): string | null {
    const n = this.int16();
    return n < 0 ? null : this.utf8(n);
  }

  compactString(): string {
    const n = this.uvarint();
    if (n === 0) throw new ProtocolDecodeError(`null COMPACT_STRING where a value is required at offset ${this.offset}`);
    return this.utf8(n - 1);
  }

  compactNullableString(): string | null {
    const n = this.uvarint();
    return n === 0 ? null : this.utf8(n - 1);
  }

  bytes(): Buffer {
    const n = this.int32();
    if (n < 0) throw new ProtocolDecodeError(`null BYTES where a value is required at offset ${this.offset - 4}`);
    return this.raw(n);
  }

  nullableBytes(): Buffer | null {
    const n = this.int32();
    return n < 0 ? null : this.raw(n);
  }

  compactBytes(): Buffer {
    const n = this.uvarint();
    if (n === 0) throw new ProtocolDecodeError(`null COMPACT_BYTES where a value is required at offset ${this.offset}`);
    return this.raw(n - 1);
  }

  compactNullableBytes(): Buffer | null {
    const n = this.uvarint();
    return n === 0 ? null : this.raw(n - 1);
  }

  uuid(): string {
    const h = this.raw(16).toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
}
