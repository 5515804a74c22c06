/** Dead-letter records: the original key, value and headers plus where it came from and why it failed. */
import type { InboundRecord, OutboundRecord, RecordHeader } from '../../binder/Binder';
import { describeThrown } from '../../binder/describeThrown';

/** error.<destination>.<group> (Spring Cloud Stream's naming). */
export function dlqTopicName(topic: string, group: string | undefined, configured?: string): string {
  return configured ?? `error.${topic}.${group ?? 'anonymous'}`;
}

const text = (value: string): Buffer => Buffer.from(value, 'utf8');

export function dlqRecord(record: InboundRecord, error: unknown, attempts: number): OutboundRecord {
  // A thrown non-Error has no stack of its own: its JSON stands in for both.
  const message = describeThrown(error);
  const stack = error instanceof Error ? (error.stack ?? `${error.name}: ${message}`) : `thrown: ${message}`;
  const ours = new Set([
    'x-original-topic',
    'x-original-partition',
    'x-original-offset',
    'x-exception-message',
    'x-exception-stacktrace',
    'x-attempts',
  ]);
  const headers: RecordHeader[] = record.headers.filter((h) => !ours.has(h.key));
  headers.push(
    { key: 'x-original-topic', value: text(record.topic) },
    { key: 'x-original-partition', value: text(String(record.partition)) },
    { key: 'x-original-offset', value: text(String(record.offset)) },
    { key: 'x-exception-message', value: text(message) },
    { key: 'x-exception-stacktrace', value: text(stack) },
    { key: 'x-attempts', value: text(String(attempts)) },
  );
  return { key: record.key, value: record.value, headers, partition: record.partition, timestamp: record.timestamp };
}
