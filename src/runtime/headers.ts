/** Header conversions between the wire (RecordHeader[]) and what listeners and producers use. */
// Imported rather than the global: on Node 20 the global Buffer is a getter, called per message here.
import { Buffer } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import type { HeaderValues } from '../annotations';
import type { InboundRecord, RecordHeader } from '../binder/Binder';
import { bufferView } from '../protocol/primitives/bufferView';
import { utf8Bytes } from '../protocol/primitives/utf8';
import { FetchedRecord, isHeaderNamed } from '../protocol/records/FetchedRecord';
import { MESSAGE_ID_HEADER } from './idempotency';

/**
 * The value as UTF-8 text (the empty string for null); `_slot` is the header's position. The native
 * binder's header lookups reuse texts through their decoder's RecentTexts; these full-map reads decode.
 */
function textOf(value: Buffer | null, _slot: number): string {
  return value === null ? '' : value.toString();
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

/** The last header of that name (compared case-insensitively), as text; undefined when absent or null. */
export function headerValue(record: InboundRecord, name: string): string | undefined {
  // A fetched record finds it in its bytes, without decoding its other headers.
  if (record instanceof FetchedRecord) return record.headerText(name);
  const list = record.headers;
  for (let i = list.length - 1; i >= 0; i--) {
    const h = list[i];
    if (isHeaderNamed(h.key, name)) return h.value === null ? undefined : textOf(h.value, i);
  }
  return undefined;
}

/**
 * The last header of that name (compared as headerValue does) as its bytes, copied so the listener
 * may keep them; null for a null value, undefined when absent.
 */
export function rawHeaderValue(record: InboundRecord, name: string): Buffer | null | undefined {
  const list = record.headers;
  for (let i = list.length - 1; i >= 0; i--) {
    const h = list[i];
    if (isHeaderNamed(h.key, name)) return h.value === null ? null : Buffer.from(h.value);
  }
  return undefined;
}

/**
 * message-id values: a random UUID's first 74 random bits, fixed per process, then a 48-bit
 * counter in the last group — UUID-shaped, unique across processes in practice (as random as a
 * UUID per process), and without a call into the random generator per message.
 *
 * Ids are cut from slabs: a slab holds the next ids' bytes with the prefix and the counter's high
 * 24 bits already written (one fill per slab), so an id costs six hex digits and a view, not a
 * Buffer of its own (a pooled Buffer per message was ≈ 4 % of the native binder's time).
 */
const MESSAGE_ID_COUNTER_LIMIT = 2 ** 48;
const MESSAGE_ID_PREFIX_BYTES = 24;
const MESSAGE_ID_BYTES = 36;
const MESSAGE_ID_LOW_DIGITS = 6;
const MESSAGE_IDS_PER_SLAB = 1024;
const HEX = Buffer.from('0123456789abcdef');
let messageIdPrefix = randomUUID().slice(0, MESSAGE_ID_PREFIX_BYTES);
let messageIdCounter = 0;
let slabMemory: ArrayBufferLike = new ArrayBuffer(0);
let slabOffset = 0;
/** Ids left in the slab; the next one starts at slabOffset. */
let slabIds = 0;

function newMessageIdSlab(): void {
  if (messageIdCounter >= MESSAGE_ID_COUNTER_LIMIT) {
    messageIdPrefix = randomUUID().slice(0, MESSAGE_ID_PREFIX_BYTES);
    messageIdCounter = 0;
  }
  // A slab ends where the counter's high 24 bits change, so they can be written into it once.
  const low = messageIdCounter % 0x1000000;
  const ids = Math.min(MESSAGE_IDS_PER_SLAB, 0x1000000 - low);
  const highDigits = MESSAGE_ID_BYTES - MESSAGE_ID_PREFIX_BYTES - MESSAGE_ID_LOW_DIGITS;
  const high = Math.floor(messageIdCounter / 0x1000000).toString(16).padStart(highDigits, '0');
  const slab = Buffer.allocUnsafeSlow(ids * MESSAGE_ID_BYTES);
  slab.fill(`${messageIdPrefix}${high}${'0'.repeat(MESSAGE_ID_LOW_DIGITS)}`, 'latin1');
  slabMemory = slab.buffer;
  slabOffset = slab.byteOffset;
  slabIds = ids;
}

/** The next message-id, as the header's bytes (ASCII). */
export function nextMessageId(): Buffer {
  if (slabIds === 0) newMessageIdSlab();
  const memory = slabMemory;
  const at = slabOffset;
  const id = bufferView(memory, at, MESSAGE_ID_BYTES);
  slabOffset = at + MESSAGE_ID_BYTES;
  slabIds--;
  // The low 24 bits as the last six hex digits; the rest of the id is in the slab already.
  let low = messageIdCounter++ % 0x1000000;
  for (let i = MESSAGE_ID_BYTES - 1; i >= MESSAGE_ID_BYTES - MESSAGE_ID_LOW_DIGITS; i--, low >>>= 4) id[i] = HEX[low & 15];
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
