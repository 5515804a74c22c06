/**
 * Request-reply headers, as Spring for Apache Kafka writes them so either side interoperates:
 * `kafka_replyTopic` (the topic name, UTF-8), `kafka_replyPartition` (a 4-byte big-endian int),
 * `kafka_correlationId` (opaque bytes, copied unchanged into the reply). An error reply carries
 * the replier's error in `kafka_exception-fqcn`, `kafka_exception-message` and, when configured,
 * `kafka_exception-stacktrace` (Spring's KafkaHeaders names), with a null value.
 */
import { randomBytes } from 'node:crypto';
import type { InboundRecord, OutboundRecord, RecordHeader } from '../../binder/Binder';
import { headerValue, rawHeaderValue, type MessageIdGenerator } from '../headers';
import { MESSAGE_ID_HEADER } from '../idempotency';

export const REPLY_TOPIC_HEADER = 'kafka_replyTopic';
export const REPLY_PARTITION_HEADER = 'kafka_replyPartition';
export const CORRELATION_ID_HEADER = 'kafka_correlationId';
export const EXCEPTION_CLASS_HEADER = 'kafka_exception-fqcn';
export const EXCEPTION_MESSAGE_HEADER = 'kafka_exception-message';
export const EXCEPTION_STACKTRACE_HEADER = 'kafka_exception-stacktrace';

/** Bytes of a correlation id: 16 random bytes, as Spring's default (a UUID's two longs). */
const CORRELATION_ID_BYTES = 16;

export interface ReplyTarget {
  topic: string;
  /** Undefined: the reply is partitioned by its key. */
  partition: number | undefined;
  /** Copied into the reply unchanged; null when the request carried none. */
  correlationId: Buffer | null;
}

export function newCorrelationId(): Buffer {
  return randomBytes(CORRELATION_ID_BYTES);
}

/** The reply partition header's value: a 4-byte big-endian int (a decimal text is accepted too). */
export function replyPartitionBytes(partition: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeInt32BE(partition);
  return bytes;
}

function replyPartitionOf(bytes: Buffer | null | undefined): number | undefined {
  if (!bytes) return undefined;
  if (bytes.length === 4) return bytes.readInt32BE(0);
  const text = bytes.toString('latin1');
  return /^\d+$/.test(text) ? Number(text) : undefined;
}

/** Where a request asks its reply to go, or undefined when it asks for none. */
export function replyTargetOf(record: InboundRecord): ReplyTarget | undefined {
  const topic = headerValue(record, REPLY_TOPIC_HEADER);
  if (topic === undefined || topic === '') return undefined;
  return {
    topic,
    partition: replyPartitionOf(rawHeaderValue(record, REPLY_PARTITION_HEADER)),
    correlationId: rawHeaderValue(record, CORRELATION_ID_HEADER) ?? null,
  };
}

/** The headers a request carries so its reply comes back to `topic`/`partition` with `correlationId`. */
export function requestHeaders(topic: string, partition: number, correlationId: Buffer): Record<string, Buffer> {
  return {
    [REPLY_TOPIC_HEADER]: Buffer.from(topic),
    [REPLY_PARTITION_HEADER]: replyPartitionBytes(partition),
    [CORRELATION_ID_HEADER]: correlationId,
  };
}

function errorClassName(error: unknown): string {
  if (error instanceof Error) return error.constructor.name || error.name;
  return typeof error;
}

/** A reply saying the replier failed: its error's class name and message, and its stack when asked for. */
export function errorReplyRecord(options: { target: ReplyTarget; request: InboundRecord; error: unknown; withStack: boolean; messageIds: MessageIdGenerator }): OutboundRecord {
  const { target, request, error, withStack } = options;
  const headers: RecordHeader[] = [
    { key: MESSAGE_ID_HEADER, value: options.messageIds.next() },
    { key: EXCEPTION_CLASS_HEADER, value: Buffer.from(errorClassName(error)) },
    { key: EXCEPTION_MESSAGE_HEADER, value: Buffer.from(error instanceof Error ? error.message : String(error)) },
  ];
  if (withStack && error instanceof Error && error.stack) headers.push({ key: EXCEPTION_STACKTRACE_HEADER, value: Buffer.from(error.stack) });
  if (target.correlationId !== null) headers.push({ key: CORRELATION_ID_HEADER, value: target.correlationId });
  return { key: request.key, value: null, headers, partition: target.partition };
}

/** The replier's error in a reply, or undefined for an ordinary reply. */
export function errorInReply(record: InboundRecord): { className: string; message: string; stack: string | undefined } | undefined {
  const className = headerValue(record, EXCEPTION_CLASS_HEADER);
  if (className === undefined) return undefined;
  return { className, message: headerValue(record, EXCEPTION_MESSAGE_HEADER) ?? '', stack: headerValue(record, EXCEPTION_STACKTRACE_HEADER) };
}
