/**
 * One record inside a RecordBatch v2 (Kafka's DefaultRecord):
 *
 *   Record =>
 *     length: VARINT              bytes after this field
 *     attributes: INT8            unused, written 0
 *     timestampDelta: VARLONG     timestamp - batch.baseTimestamp
 *     offsetDelta: VARINT         offset - batch.baseOffset
 *     keyLength: VARINT           -1 = null key
 *     key: BYTES[keyLength]
 *     valueLength: VARINT         -1 = null value (a tombstone)
 *     value: BYTES[valueLength]
 *     headersCount: VARINT
 *     Header =>
 *       headerKeyLength: VARINT
 *       headerKey: UTF-8[headerKeyLength]
 *       headerValueLength: VARINT -1 = null value
 *       headerValue: BYTES[headerValueLength]
 *
 * VARINT / VARLONG are zigzag-encoded LEB128 (see ByteWriter).
 */
import { ByteReader, ByteWriter, ProtocolDecodeError } from '../primitives';
import { utf8Length, type Utf8Lengths } from '../primitives/utf8';
import type { RecordEntry, RecordHeader } from './types';

/** The smallest possible record: 1-byte length, then six one-byte fields. */
export const MIN_RECORD_SIZE = 7;

export function sizeOfUnsignedVarint(u: number): number {
  if (u < 0x80) return 1;
  if (u < 0x4000) return 2;
  if (u < 0x200000) return 3;
  if (u < 0x10000000) return 4;
  let size = 5;
  let rest = Math.floor(u / 2 ** 35);
  while (rest > 0) {
    size++;
    rest = Math.floor(rest / 128);
  }
  return size;
}

/** Size of a zigzag VARINT / VARLONG holding v. */
export function sizeOfVarint(v: number): number {
  return sizeOfUnsignedVarint(v >= 0 ? v * 2 : -v * 2 - 1);
}

function sizeOfVarintBytes(b: Uint8Array | null): number {
  return b === null ? 1 : sizeOfVarint(b.length) + b.length;
}

/** Bytes of the record body (everything after the length field). */
export function recordBodySize(
  timestampDelta: number,
  offsetDelta: number,
  key: Uint8Array | null,
  value: Uint8Array | null,
  headers: readonly RecordHeader[] | undefined,
  lengths?: Utf8Lengths,
): number {
  let size = 1 + sizeOfVarint(timestampDelta) + sizeOfVarint(offsetDelta) + sizeOfVarintBytes(key) + sizeOfVarintBytes(value);
  const count = headers === undefined ? 0 : headers.length;
  size += sizeOfVarint(count);
  for (let i = 0; i < count; i++) {
    const h = headers![i];
    const keyLength = lengths === undefined ? utf8Length(h.key) : lengths.of(h.key);
    size += sizeOfVarint(keyLength) + keyLength + sizeOfVarintBytes(h.value);
  }
  return size;
}

/** Writes the record body (no length prefix); the caller has written the length. */
export function writeRecordFields(
  w: ByteWriter,
  timestampDelta: number,
  offsetDelta: number,
  key: Uint8Array | null,
  value: Uint8Array | null,
  headers: readonly RecordHeader[] | undefined,
): void {
  w.uint8(0); // attributes
  w.varlong(timestampDelta);
  w.varint(offsetDelta);
  w.varintBytes(key);
  w.varintBytes(value);
  if (headers === undefined || headers.length === 0) {
    w.uint8(0);
    return;
  }
  w.varint(headers.length);
  for (let i = 0; i < headers.length; i++) {
    w.varintString(headers[i].key);
    w.varintBytes(headers[i].value);
  }
}

/** Writes one record with its length prefix. */
export function writeRecordEntry(w: ByteWriter, e: RecordEntry): void {
  w.varint(recordBodySize(e.timestampDelta, e.offsetDelta, e.key, e.value, e.headers));
  writeRecordFields(w, e.timestampDelta, e.offsetDelta, e.key, e.value, e.headers);
}

/** Writes a record body without its length prefix (the unit kafkajs' record fixtures capture). */
export function writeRecordBody(w: ByteWriter, e: RecordEntry): void {
  writeRecordFields(w, e.timestampDelta, e.offsetDelta, e.key, e.value, e.headers);
}

/**
 * Reads a record body that ends at `end`. Keys, values and header values are views into the
 * reader's buffer (no copies): they stay valid as long as that buffer is not reused.
 * Throws ProtocolDecodeError when the fields run past `end` or do not fill it exactly.
 */
export function readRecordBody(r: ByteReader, end: number): RecordEntry {
  const attributes = r.int8();
  const timestampDelta = r.varlong();
  const offsetDelta = r.varint();
  const key = r.varintBytes();
  const value = r.varintBytes();
  const headers = readHeaders(r, end);
  return { attributes, timestampDelta, offsetDelta, key, value, headers };
}

/**
 * The header keys last read at each position. Records of one batch mostly repeat their header
 * keys, so comparing the bytes with the previous key replaces a string decode per header.
 * Only keys of as many chars as bytes are kept: a byte-for-char match then means the bytes are
 * that ASCII string.
 */
const recentHeaderKeys: (string | undefined)[] = [];
const RECENT_HEADER_KEYS = 8;
const RECENT_HEADER_KEY_MAX_BYTES = 64;

/** A header key (VARINT length, UTF-8), as r.varintString() reads it. */
function readHeaderKey(r: ByteReader, index: number): string {
  if (index >= RECENT_HEADER_KEYS) return r.varintString();
  const start = r.offset;
  const n = r.varint();
  const at = r.offset;
  const recent = recentHeaderKeys[index];
  if (recent !== undefined && recent.length === n && at + n <= r.end) {
    const buf = r.buf;
    let i = 0;
    while (i < n && buf[at + i] === recent.charCodeAt(i)) i++;
    if (i === n) {
      r.offset = at + n;
      return recent;
    }
  }
  // Anything else (a new key, or a malformed length) is read, and rejected, as before.
  r.offset = start;
  const key = r.varintString();
  // As many chars as bytes: each char came from one byte, so it is ASCII or U+FFFD (which no byte matches).
  if (key.length === n && n <= RECENT_HEADER_KEY_MAX_BYTES) recentHeaderKeys[index] = key;
  return key;
}

/** Reads the headers that close a record ending at `end`, and checks the record ends there. */
export function readHeaders(r: ByteReader, end: number): RecordHeader[] {
  const count = readHeaderCount(r, end);
  const headers: RecordHeader[] = new Array<RecordHeader>(count);
  for (let i = 0; i < count; i++) {
    const headerKey = readHeaderKey(r, i);
    headers[i] = { key: headerKey, value: r.varintBytes() };
  }
  checkRecordEnd(r, end);
  return headers;
}

/**
 * Checks the headers that close a record ending at `end` as readHeaders does, without decoding
 * them: a consumer's records decode their headers when first asked for (FetchedRecord).
 */
export function skipHeaders(r: ByteReader, end: number): void {
  const count = readHeaderCount(r, end);
  for (let i = 0; i < count; i++) {
    r.skipVarintString();
    r.skipVarintBytes();
  }
  checkRecordEnd(r, end);
}

function readHeaderCount(r: ByteReader, end: number): number {
  const count = r.varint();
  if (count < 0 || count > end - r.offset) {
    throw new ProtocolDecodeError(`record claims ${count} headers with ${end - r.offset} bytes left`);
  }
  return count;
}

function checkRecordEnd(r: ByteReader, end: number): void {
  if (r.offset !== end) {
    throw new ProtocolDecodeError(`record fields end at byte ${r.offset} but its length says ${end}`);
  }
}

/** Reads the length prefix of a record and returns where the record ends. */
export function readRecordLength(r: ByteReader): number {
  const length = r.varint();
  if (length < MIN_RECORD_SIZE - 1 || length > r.end - r.offset) {
    throw new ProtocolDecodeError(`record length ${length} at byte ${r.offset} does not fit the ${r.end - r.offset} bytes left`);
  }
  return r.offset + length;
}

/** Reads one length-prefixed record. */
export function readRecordEntry(r: ByteReader): RecordEntry {
  return readRecordBody(r, readRecordLength(r));
}
