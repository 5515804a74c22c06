/**
 * Writes one record (Kafka's DefaultRecord, grammar in recordCodec.ts) straight into a buffer
 * that already has room for it. A producer appends records one at a time at high rates; sizing a
 * record once and writing it with local position arithmetic avoids a capacity check and a method
 * call per field of ByteWriter. The bytes are the same as writeRecordEntry's.
 */
import { Buffer } from 'node:buffer';
import { utf8Length, type Utf8Lengths } from '../primitives/utf8';
import { recordBodySize, sizeOfVarint } from './recordCodec';
import type { RecordHeader } from './types';

/** Largest |timestamp delta| a record's VARLONG takes from a JS number exactly. */
const MAX_TIMESTAMP_DELTA = 2 ** 52;
/** Lengths and offset deltas are VARINTs (32-bit). */
const MAX_VARINT = 0x7fffffff;

/**
 * The record's body size (bytes after its length prefix), after checking that every field fits
 * the record grammar, so that writing it cannot fail halfway. Throws RangeError for a timestamp
 * delta that is not an integer within ±2^52 (or an offset delta or size beyond 32 bits),
 * TypeError for a header key that is not a string.
 */
export function checkedRecordBodySize(
  timestampDelta: number,
  offsetDelta: number,
  key: Uint8Array | null,
  value: Uint8Array | null,
  headers: readonly RecordHeader[] | undefined,
  lengths?: Utf8Lengths,
): number {
  if (!Number.isInteger(timestampDelta) || Math.abs(timestampDelta) > MAX_TIMESTAMP_DELTA) {
    throw new RangeError(`a record's timestamp must be an integer within 2^52 ms of its batch's first, got a delta of ${timestampDelta}`);
  }
  if (!Number.isInteger(offsetDelta) || offsetDelta < 0 || offsetDelta > MAX_VARINT) {
    throw new RangeError(`a record's offset delta must be a 32-bit integer, got ${offsetDelta}`);
  }
  if (headers !== undefined) {
    for (let i = 0; i < headers.length; i++) {
      if (typeof headers[i].key !== 'string') throw new TypeError(`record header ${i} has a key that is not a string`);
    }
  }
  const bodySize = recordBodySize(timestampDelta, offsetDelta, key, value, headers, lengths);
  if (bodySize > MAX_VARINT) throw new RangeError(`a record of ${bodySize} bytes is larger than the record format allows`);
  return bodySize;
}

/** Bytes of a whole record with this body size, length prefix included. */
export function recordSize(bodySize: number): number {
  return sizeOfVarint(bodySize) + bodySize;
}

/** UNSIGNED_VARINT of a non-negative integer below 2^53; returns the position after it. */
function putUnsignedVarint(buf: Buffer, at: number, u: number): number {
  if (u < 0x80) {
    buf[at] = u;
    return at + 1;
  }
  if (u <= 0xffffffff) {
    let n = u >>> 0;
    while (n > 0x7f) {
      buf[at++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    buf[at++] = n;
    return at;
  }
  let n = u;
  while (n > 0x7f) {
    buf[at++] = (n % 128) | 0x80;
    n = Math.floor(n / 128);
  }
  buf[at++] = n;
  return at;
}

/** Zigzag VARINT / VARLONG of an integer within ±2^52. */
function putVarint(buf: Buffer, at: number, v: number): number {
  return putUnsignedVarint(buf, at, v >= 0 ? v * 2 : -v * 2 - 1);
}

function putBytes(buf: Buffer, at: number, b: Uint8Array | null): number {
  if (b === null) {
    buf[at] = 0x01; // zigzag(-1)
    return at + 1;
  }
  const n = b.length;
  at = putVarint(buf, at, n);
  buf.set(b, at);
  return at + n;
}

/** VARINT byte length, then the UTF-8 of a header key. */
function putKey(buf: Buffer, at: number, s: string, lengths: Utf8Lengths | undefined): number {
  const n = lengths === undefined ? utf8Length(s) : lengths.of(s);
  at = putVarint(buf, at, n);
  if (n === s.length) {
    // ASCII: one byte per char.
    for (let i = 0; i < n; i++) buf[at + i] = s.charCodeAt(i);
  } else {
    buf.write(s, at, n, 'utf8');
  }
  return at + n;
}

/**
 * Writes a record (length prefix included) at `at` of a buffer with recordSize(bodySize) bytes of
 * room there; `bodySize` comes from checkedRecordBodySize. Returns the position after the record.
 */
export function writeRecordAt(
  buf: Buffer,
  at: number,
  bodySize: number,
  timestampDelta: number,
  offsetDelta: number,
  key: Uint8Array | null,
  value: Uint8Array | null,
  headers: readonly RecordHeader[] | undefined,
  lengths?: Utf8Lengths,
): number {
  at = putUnsignedVarint(buf, at, bodySize * 2); // zigzag of a non-negative length
  buf[at++] = 0; // attributes
  at = putVarint(buf, at, timestampDelta);
  at = putVarint(buf, at, offsetDelta);
  at = putBytes(buf, at, key);
  at = putBytes(buf, at, value);
  if (headers === undefined || headers.length === 0) {
    buf[at] = 0;
    return at + 1;
  }
  at = putVarint(buf, at, headers.length);
  for (let i = 0; i < headers.length; i++) {
    at = putKey(buf, at, headers[i].key, lengths);
    at = putBytes(buf, at, headers[i].value);
  }
  return at;
}
