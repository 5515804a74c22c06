/** Header conversions between the wire (RecordHeader[]) and what listeners and producers use. */
import { randomUUID } from 'node:crypto';
import type { HeaderValues } from '../annotations';
import type { InboundRecord, RecordHeader } from '../binder/Binder';
import { MESSAGE_ID_HEADER } from './idempotency';

/** Record headers as text (last one wins for repeated keys), plus the kafka_* receive headers. */
export function headersOf(record: InboundRecord): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const h of record.headers) headers[h.key] = h.value === null ? '' : h.value.toString('utf8');
  if (record.key !== null) headers.kafka_receivedMessageKey = record.key.toString('utf8');
  headers.kafka_receivedTopic = record.topic;
  headers.kafka_receivedPartitionId = String(record.partition);
  headers.kafka_offset = String(record.offset);
  headers.kafka_receivedTimestamp = String(record.timestamp);
  return headers;
}

/** Record headers only (no kafka_* ones), as text. */
export function recordHeadersOf(record: InboundRecord): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const h of record.headers) headers[h.key] = h.value === null ? '' : h.value.toString('utf8');
  return headers;
}

export function headerValue(record: InboundRecord, name: string): string | undefined {
  for (let i = record.headers.length - 1; i >= 0; i--) {
    const h = record.headers[i];
    if (h.key.toLowerCase() === name.toLowerCase()) return h.value === null ? undefined : h.value.toString('utf8');
  }
  return undefined;
}

/** Outgoing headers: a fresh message-id, the content type, then the caller's headers (which win). */
export function outboundHeaders(contentType: string, given: HeaderValues | undefined): RecordHeader[] {
  const headers: RecordHeader[] = [];
  const names = new Set(Object.keys(given ?? {}).map((k) => k.toLowerCase()));
  if (!names.has(MESSAGE_ID_HEADER)) headers.push({ key: MESSAGE_ID_HEADER, value: Buffer.from(randomUUID()) });
  if (!names.has('content-type')) headers.push({ key: 'content-type', value: Buffer.from(contentType) });
  for (const [key, value] of Object.entries(given ?? {})) {
    headers.push({ key, value: Buffer.isBuffer(value) ? value : Buffer.from(String(value)) });
  }
  return headers;
}

export function keyBytes(key: string | Buffer | null | undefined): Buffer | null {
  if (key === undefined || key === null) return null;
  return Buffer.isBuffer(key) ? key : Buffer.from(String(key));
}
