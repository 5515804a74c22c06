/** Header conversions between the wire (RecordHeader[]) and what listeners and producers use. */
// Imported rather than the global: on Node 20 the global Buffer is a getter, called per message here.
import { Buffer } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import type { HeaderValues } from '../annotations';
import type { InboundRecord, RecordHeader } from '../binder/Binder';
import { utf8Bytes } from '../protocol/primitives/utf8';
import { MESSAGE_ID_HEADER } from './idempotency';

/**
 * Header values last decoded, by header position. Records mostly repeat some values (the
 * content type), so a byte compare with the previous value there replaces a UTF-8 decode. Only
 * values of as many chars as bytes are kept: a byte-for-char match then means the bytes are that
 * ASCII string.
 */
const recentValues: (string | undefined)[] = [];
const RECENT_VALUE_SLOTS = 8;
const RECENT_VALUE_MAX_BYTES = 64;

/** The value as UTF-8 text (the empty string for null). */
function textOf(value: Buffer | null, slot: number): string {
  if (value === null) return '';
  const n = value.length;
  if (slot >= RECENT_VALUE_SLOTS || n > RECENT_VALUE_MAX_BYTES) return value.toString();
  const recent = recentValues[slot];
  if (recent !== undefined && recent.length === n) {
    // From the end: values that differ (ids, counters) mostly differ there.
    let i = n - 1;
    while (i >= 0 && value[i] === recent.charCodeAt(i)) i--;
    if (i < 0) return recent;
  }
  // toString() without arguments is UTF-8 without the encoding lookup.
  const text = value.toString();
  // As many chars as bytes: each char came from one byte, so it is ASCII or U+FFFD (which no byte matches).
  if (text.length === n) recentValues[slot] = text;
  return text;
}

/** Record headers as text (UTF-8; last one wins for repeated keys), plus the kafka_* receive headers. */
export function headersOf(record: InboundRecord): Record<string, string> {
  const headers: Record<string, string> = {};
  const list = record.headers;
  for (let i = 0; i < list.length; i++) {
    const h = list[i];
    headers[h.key] = textOf(h.value, i);
  }
  if (record.key !== null) headers.kafka_receivedMessageKey = record.key.toString();
  headers.kafka_receivedTopic = record.topic;
  headers.kafka_receivedPartitionId = `${record.partition}`;
  headers.kafka_offset = `${record.offset}`;
  headers.kafka_receivedTimestamp = `${record.timestamp}`;
  return headers;
}

/** Record headers only (no kafka_* ones), as text. */
export function recordHeadersOf(record: InboundRecord): Record<string, string> {
  const headers: Record<string, string> = {};
  const list = record.headers;
  for (let i = 0; i < list.length; i++) headers[list[i].key] = textOf(list[i].value, i);
  return headers;
}

/** The last header of that name (compared case-insensitively), as text. */
export function headerValue(record: InboundRecord, name: string): string | undefined {
  const list = record.headers;
  let lower: string | undefined;
  for (let i = list.length - 1; i >= 0; i--) {
    const h = list[i];
    // Exact spelling first: the common case needs no lower-casing.
    if (h.key !== name) {
      if (h.key.length !== name.length) continue;
      lower ??= name.toLowerCase();
      if (h.key.toLowerCase() !== lower) continue;
    }
    return h.value === null ? undefined : textOf(h.value, i);
  }
  return undefined;
}

/**
 * message-id values: a random UUID's first 74 random bits, fixed per process, then a 48-bit
 * counter in the last group — UUID-shaped, unique across processes in practice (as random as a
 * UUID per process), and without a call into the random generator per message.
 */
const MESSAGE_ID_COUNTER_LIMIT = 2 ** 48;
const MESSAGE_ID_PREFIX_BYTES = 24;
const MESSAGE_ID_BYTES = 36;
const HEX = Buffer.from('0123456789abcdef');
let messageIdPrefix = Buffer.from(randomUUID().slice(0, MESSAGE_ID_PREFIX_BYTES));
let messageIdCounter = 0;

/** The next message-id, as the header's bytes (ASCII). */
export function nextMessageId(): Buffer {
  if (messageIdCounter >= MESSAGE_ID_COUNTER_LIMIT) {
    messageIdPrefix = Buffer.from(randomUUID().slice(0, MESSAGE_ID_PREFIX_BYTES));
    messageIdCounter = 0;
  }
  const id = Buffer.allocUnsafe(MESSAGE_ID_BYTES);
  const prefix = messageIdPrefix;
  for (let i = 0; i < MESSAGE_ID_PREFIX_BYTES; i++) id[i] = prefix[i];
  // 12 hex digits: the low 24 bits, then the high 24 (bit operations stay within 32 bits).
  const counter = messageIdCounter++;
  let low = counter % 0x1000000;
  for (let i = MESSAGE_ID_BYTES - 1; i >= MESSAGE_ID_BYTES - 6; i--, low >>>= 4) id[i] = HEX[low & 15];
  let high = Math.floor(counter / 0x1000000);
  for (let i = MESSAGE_ID_BYTES - 7; i >= MESSAGE_ID_PREFIX_BYTES; i--, high >>>= 4) id[i] = HEX[high & 15];
  return id;
}

/** Encoded content-type header values, by content type (a handful per application). */
const contentTypeBytes = new Map<string, Buffer>();
const CONTENT_TYPE_CACHE_LIMIT = 256;

function contentTypeValue(contentType: string): Buffer {
  let bytes = contentTypeBytes.get(contentType);
  if (bytes === undefined) {
    bytes = Buffer.from(contentType);
    if (contentTypeBytes.size < CONTENT_TYPE_CACHE_LIMIT) contentTypeBytes.set(contentType, bytes);
  }
  return bytes;
}

/** Outgoing headers: a fresh message-id, the content type, then the caller's headers (which win). */
export function outboundHeaders(contentType: string, given: HeaderValues | undefined): RecordHeader[] {
  if (given === undefined) {
    return [
      { key: MESSAGE_ID_HEADER, value: nextMessageId() },
      { key: 'content-type', value: contentTypeValue(contentType) },
    ];
  }
  const headers: RecordHeader[] = [];
  const keys = Object.keys(given);
  let hasMessageId = false;
  let hasContentType = false;
  for (const key of keys) {
    const lower = key.toLowerCase();
    if (lower === MESSAGE_ID_HEADER) hasMessageId = true;
    else if (lower === 'content-type') hasContentType = true;
  }
  if (!hasMessageId) headers.push({ key: MESSAGE_ID_HEADER, value: nextMessageId() });
  if (!hasContentType) headers.push({ key: 'content-type', value: contentTypeValue(contentType) });
  for (const key of keys) {
    const value = given[key];
    headers.push({ key, value: Buffer.isBuffer(value) ? value : Buffer.from(String(value)) });
  }
  return headers;
}

export function keyBytes(key: string | Buffer | null | undefined): Buffer | null {
  if (key === undefined || key === null) return null;
  if (typeof key === 'string') return utf8Bytes(key);
  return Buffer.isBuffer(key) ? key : Buffer.from(String(key));
}
