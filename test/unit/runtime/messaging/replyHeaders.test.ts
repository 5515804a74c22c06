/** The request-reply headers as Spring for Apache Kafka writes and reads them. */
import type { InboundRecord, RecordHeader } from '../../../../src';
import { PlainInboundRecord } from '../../../../src/binder/consumer/PlainInboundRecord';
import { MessageIdGenerator } from '../../../../src/runtime/headers';
import { errorInReply, errorReplyRecord, replyTargetOf, requestHeaders } from '../../../../src/runtime/messaging/replyHeaders';

const record = (headers: RecordHeader[]): InboundRecord => new PlainInboundRecord('t', 0, 0, 0, Buffer.from('k'), null, headers);
const messageIds = new MessageIdGenerator();

describe('request-reply headers', () => {
  it('a request names its reply topic (UTF-8), partition (4-byte big-endian int) and correlation id (bytes)', () => {
    const correlation = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    const headers = requestHeaders('replies.a', 258, correlation);
    expect(headers.kafka_replyTopic).toEqual(Buffer.from('replies.a'));
    expect(headers.kafka_replyPartition).toEqual(Buffer.from([0, 0, 1, 2]));
    expect(headers.kafka_correlationId).toBe(correlation);
    const target = replyTargetOf(record(Object.entries(headers).map(([key, value]) => ({ key, value }))));
    expect(target).toEqual({ topic: 'replies.a', partition: 258, correlationId: correlation });
  });

  it('a record without kafka_replyTopic asks for no reply; a partition written as text is read too; no partition header = by key', () => {
    expect(replyTargetOf(record([{ key: 'kafka_correlationId', value: Buffer.from('x') }]))).toBeUndefined();
    expect(replyTargetOf(record([{ key: 'kafka_replyTopic', value: Buffer.from('r') }, { key: 'kafka_replyPartition', value: Buffer.from('3') }]))?.partition).toBe(3);
    expect(replyTargetOf(record([{ key: 'kafka_replyTopic', value: Buffer.from('r') }]))).toEqual({ topic: 'r', partition: undefined, correlationId: null });
  });

  it("an error reply carries the error's class and message, the stack only when asked, and the correlation id", () => {
    class OutOfStock extends Error {}
    const target = { topic: 'r', partition: 1, correlationId: Buffer.from('c') };
    const plain = errorReplyRecord({ target, request: record([]), error: new OutOfStock('sku A-1'), withStack: false, messageIds });
    expect(plain.partition).toBe(1);
    expect(plain.value).toBeNull();
    const received = record(plain.headers!);
    expect(errorInReply(received)).toEqual({ className: 'OutOfStock', message: 'sku A-1', stack: undefined });
    expect(plain.headers!.find((h) => h.key === 'kafka_correlationId')?.value).toEqual(Buffer.from('c'));
    const withStack = errorReplyRecord({ target, request: record([]), error: new OutOfStock('sku A-1'), withStack: true, messageIds });
    expect(errorInReply(record(withStack.headers!))?.stack).toContain('sku A-1');
    expect(errorInReply(record([]))).toBeUndefined();
  });
});
