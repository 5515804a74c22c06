/**
 * A record as a consumer reads it: topic, partition, offset, timestamp, key and value decoded,
 * its headers left in the batch bytes until first asked for. Most listeners read one header of a
 * record (its content type); decoding every header of every record (an object and a Buffer view
 * each, plus the array) cost the native binder ≈ 10 % of its time per message.
 * The header framing is checked when the record is read (skipHeaders), so a malformed record
 * still fails its batch's decode, and the later decode cannot fail.
 */
import { Buffer } from 'node:buffer';
import { ByteReader } from '../primitives';
import { recentText, utf8Length } from '../primitives/utf8';
import { readHeaders } from './recordCodec';
import type { Record, RecordHeader } from './types';

/** A record with the topic partition it was read from. */
export interface TopicPartitionRecord extends Record {
  topic: string;
  partition: number;
}

/** Header names match exactly, else ignoring case (Spring's headers are case-insensitive). */
export function isHeaderNamed(key: string, name: string): boolean {
  return key === name || (key.length === name.length && key.toLowerCase() === name.toLowerCase());
}

const lowerAscii = (c: number): number => (c >= 0x41 && c <= 0x5a ? c + 0x20 : c);

/**
 * isHeaderNamed for a key still in its bytes, `nameBytes` being the name's when it is ASCII.
 * Against an ASCII name a key can only match with as many chars as the name has bytes: a key with
 * fewer bytes has fewer chars; a key of the name's length matches byte for byte ignoring ASCII
 * case, and an ASCII byte that differs rules it out whatever follows (non-ASCII bytes after it
 * leave the key fewer chars than bytes, or U+FFFDs that match nothing). Anything else is compared
 * as text.
 */
function isKeyNamed(buf: Buffer, at: number, length: number, name: string, nameBytes: Uint8Array | null): boolean {
  if (nameBytes !== null) {
    if (length < nameBytes.length) return false;
    if (length === nameBytes.length) {
      for (let i = 0; i < length; i++) {
        const b = buf[at + i];
        const c = nameBytes[i];
        if (b === c) continue;
        if (b >= 0x80) return isHeaderNamed(buf.toString('utf8', at, at + length), name);
        if (lowerAscii(b) !== lowerAscii(c)) return false;
      }
      return true;
    }
    let ascii = 0;
    while (ascii < length && buf[at + ascii] < 0x80) ascii++;
    if (ascii === length) return false;
  }
  return isHeaderNamed(buf.toString('utf8', at, at + length), name);
}

export class FetchedRecord implements TopicPartitionRecord {
  private decodedHeaders: RecordHeader[] | undefined = undefined;

  /** `source[headersAt, end)` holds the record's header count and headers, already checked. */
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly offset: number,
    readonly timestamp: number,
    readonly key: Buffer | null,
    readonly value: Buffer | null,
    private readonly source: Buffer,
    private readonly headersAt: number,
    private readonly end: number,
  ) {}

  /** Decoded on first use; header values are views into the batch bytes, as the key and value are. */
  get headers(): RecordHeader[] {
    return (this.decodedHeaders ??= readHeaders(new ByteReader(this.source, this.headersAt, this.end), this.end));
  }

  /**
   * The value of the last header named `name` (isHeaderNamed) as UTF-8 text, read from the bytes
   * without decoding the other headers; undefined when there is none or its value is null.
   */
  headerText(name: string): string | undefined {
    const buf = this.source;
    const nameBytes = asciiBytesOf(name);
    const count = varintAt(buf, this.headersAt);
    let at = afterVarint;
    let slot = -1;
    let valueAt = 0;
    let valueLength = -1;
    for (let i = 0; i < count; i++) {
      const keyLength = varintAt(buf, at);
      const keyAt = afterVarint;
      const length = varintAt(buf, keyAt + keyLength);
      at = afterVarint;
      if (isKeyNamed(buf, keyAt, keyLength, name, nameBytes)) {
        slot = i;
        valueAt = at;
        valueLength = length;
      }
      if (length > 0) at += length;
    }
    return slot < 0 || valueLength < 0 ? undefined : recentText(buf, valueAt, valueAt + valueLength, slot);
  }
}

/** Names looked up (a handful per application: content-type, message-id...) → their bytes when ASCII, else null. */
const nameBytesCache = new Map<string, Uint8Array | null>();
const NAME_BYTES_CACHE_LIMIT = 256;

function asciiBytesOf(name: string): Uint8Array | null {
  let bytes = nameBytesCache.get(name);
  if (bytes === undefined) {
    bytes = utf8Length(name) === name.length ? Buffer.from(name, 'latin1') : null;
    if (nameBytesCache.size < NAME_BYTES_CACHE_LIMIT) nameBytesCache.set(name, bytes);
  }
  return bytes;
}

/** Where the VARINT last read by varintAt ends (one reader, one thread: no object per read). */
let afterVarint = 0;

/** The zigzag VARINT at buf[at], of headers already checked by skipHeaders (so no bounds checks here). */
function varintAt(buf: Buffer, at: number): number {
  let b = buf[at++];
  if (b < 0x80) {
    // One byte (header counts and short lengths): integer arithmetic only.
    afterVarint = at;
    return (b >>> 1) ^ -(b & 1);
  }
  let u = b & 0x7f;
  for (let scale = 0x80; b >= 0x80; scale *= 0x80) {
    b = buf[at++];
    u += (b & 0x7f) * scale;
  }
  afterVarint = at;
  return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
}
