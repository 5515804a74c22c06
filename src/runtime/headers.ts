/** Header conversions between the wire (RecordHeader[]) and what listeners and producers use. */
// Imported rather than the global: on Node 20 the global Buffer is a getter, called per message here.
import { Buffer } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import type { HeaderValues } from '../annotations';
import type { InboundRecord, RecordHeader } from '../binder/Binder';
import { bufferView } from '../protocol/primitives/bufferView';
import { utf8Bytes } from '../protocol/primitives/utf8';
import { isHeaderNamed } from '../protocol/records/FetchedRecord';
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
  // The binder's record answers: the native binder's finds it in its bytes, without decoding its other headers.
  return record.headerText(name);
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

const MESSAGE_ID_COUNTER_LIMIT = 2 ** 48;
const MESSAGE_ID_PREFIX_BYTES = 24;
const MESSAGE_ID_BYTES = 36;
const MESSAGE_ID_LOW_DIGITS = 6;
const MESSAGE_IDS_PER_SLAB = 1024;
const HEX = Buffer.from('0123456789abcdef');
const CONTENT_TYPE_CACHE_LIMIT = 256;

/**
 * message-id values: a random UUID's first 74 random bits, fixed per generator, then a 48-bit
 * counter in the last group — UUID-shaped, unique across generators in practice (as random as a
 * UUID per generator), and without a call into the random generator per message.
 *
 * Ids are cut from slabs: a slab holds the next ids' bytes with the prefix and the counter's high
 * 24 bits already written (one fill per slab), so an id costs six hex digits and a view, not a
 * Buffer of its own per message.
 */
export class MessageIdGenerator {
  private prefix = randomUUID().slice(0, MESSAGE_ID_PREFIX_BYTES);
  private counter = 0;
  private slabMemory: ArrayBufferLike = new ArrayBuffer(0);
  private slabOffset = 0;
  /** Ids left in the slab; the next one starts at slabOffset. */
  private slabIds = 0;

  /** The next message-id, as the header's bytes (ASCII). */
  next(): Buffer {
    if (this.slabIds === 0) this.newSlab();
    const at = this.slabOffset;
    const id = bufferView(this.slabMemory, at, MESSAGE_ID_BYTES);
    this.slabOffset = at + MESSAGE_ID_BYTES;
    this.slabIds--;
    // The low 24 bits as the last six hex digits; the rest of the id is in the slab already.
    let low = this.counter++ % 0x1000000;
    for (let i = MESSAGE_ID_BYTES - 1; i >= MESSAGE_ID_BYTES - MESSAGE_ID_LOW_DIGITS; i--, low >>>= 4) id[i] = HEX[low & 15];
    return id;
  }

  private newSlab(): void {
    if (this.counter >= MESSAGE_ID_COUNTER_LIMIT) {
      this.prefix = randomUUID().slice(0, MESSAGE_ID_PREFIX_BYTES);
      this.counter = 0;
    }
    // A slab ends where the counter's high 24 bits change, so they can be written into it once.
    const low = this.counter % 0x1000000;
    const ids = Math.min(MESSAGE_IDS_PER_SLAB, 0x1000000 - low);
    const highDigits = MESSAGE_ID_BYTES - MESSAGE_ID_PREFIX_BYTES - MESSAGE_ID_LOW_DIGITS;
    const high = Math.floor(this.counter / 0x1000000).toString(16).padStart(highDigits, '0');
    const slab = Buffer.allocUnsafeSlow(ids * MESSAGE_ID_BYTES);
    slab.fill(`${this.prefix}${high}${'0'.repeat(MESSAGE_ID_LOW_DIGITS)}`, 'latin1');
    this.slabMemory = slab.buffer;
    this.slabOffset = slab.byteOffset;
    this.slabIds = ids;
  }
}

/** The headers a producer puts on outgoing records: it owns their message-ids and encoded content types. */
export class OutboundHeaders {
  readonly messageIds = new MessageIdGenerator();
  /** Encoded content-type header values, by content type (a handful per application). */
  private readonly contentTypeBytes = new Map<string, Buffer>();

  /** A fresh message-id, the content type, then the caller's headers (which win). */
  of(contentType: string, given: HeaderValues | undefined): RecordHeader[] {
    if (given === undefined) {
      return [
        { key: MESSAGE_ID_HEADER, value: this.messageIds.next() },
        { key: 'content-type', value: this.contentTypeValue(contentType) },
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
    if (!hasMessageId) headers.push({ key: MESSAGE_ID_HEADER, value: this.messageIds.next() });
    if (!hasContentType) headers.push({ key: 'content-type', value: this.contentTypeValue(contentType) });
    for (const key of keys) {
      const value = given[key];
      headers.push({ key, value: Buffer.isBuffer(value) ? value : Buffer.from(String(value)) });
    }
    return headers;
  }

  private contentTypeValue(contentType: string): Buffer {
    let bytes = this.contentTypeBytes.get(contentType);
    if (bytes === undefined) {
      bytes = Buffer.from(contentType);
      if (this.contentTypeBytes.size < CONTENT_TYPE_CACHE_LIMIT) this.contentTypeBytes.set(contentType, bytes);
    }
    return bytes;
  }
}

export function keyBytes(key: string | Buffer | null | undefined): Buffer | null {
  if (key === undefined || key === null) return null;
  if (typeof key === 'string') return utf8Bytes(key);
  return Buffer.isBuffer(key) ? key : Buffer.from(String(key));
}
