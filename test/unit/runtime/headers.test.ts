import { PlainInboundRecord, type InboundRecord } from '../../../src/binder/Binder';
import { headersOf, headerValue, OutboundHeaders, recordHeadersOf } from '../../../src/runtime/headers';

function record(headers: [string, string | Buffer | null][], offset = 0): InboundRecord {
  return new PlainInboundRecord(
    'orders',
    2,
    offset,
    1700000000000,
    Buffer.from('k1'),
    null,
    headers.map(([key, value]) => ({ key, value: typeof value === 'string' ? Buffer.from(value) : value })),
  );
}

describe('headers as text', () => {
  it('gives each record its own values when values at one position repeat or change', () => {
    const values = ['application/json', 'application/json', 'application/jsoN', 'text/plain', 'application/json', 'bâtiment', 'batiment', 'bâtiment', ''];
    values.forEach((value, i) => {
      const r = record([['content-type', value]], i);
      expect(headersOf(r)['content-type']).toBe(value);
      expect(recordHeadersOf(r)).toEqual({ 'content-type': value });
      expect(headerValue(r, 'Content-Type')).toBe(value);
    });
  });

  it('decodes bytes that are not UTF-8 the same way each time', () => {
    for (const bytes of [[0x61, 0x80], [0x61, 0x80], [0x61, 0x62], [0xff, 0x62], [0x61, 0x62]]) {
      const r = record([['x', Buffer.from(bytes)]]);
      expect(headersOf(r).x).toBe(Buffer.from(bytes).toString('utf8'));
    }
  });

  it('keeps the kafka_* receive headers and the last value of a repeated key', () => {
    const r = record([['x', 'first'], ['x', 'second'], ['empty', null]], 41);
    expect(headersOf(r)).toEqual({
      x: 'second',
      empty: '',
      kafka_receivedMessageKey: 'k1',
      kafka_receivedTopic: 'orders',
      kafka_receivedPartitionId: '2',
      kafka_offset: '41',
      kafka_receivedTimestamp: '1700000000000',
    });
    expect(headerValue(r, 'X')).toBe('second');
    expect(headerValue(r, 'empty')).toBeUndefined();
    expect(headerValue(r, 'missing')).toBeUndefined();
  });
});

describe('outbound headers', () => {
  const outbound = new OutboundHeaders();
  const outboundHeaders = (contentType: string, given: Parameters<OutboundHeaders['of']>[1]) => outbound.of(contentType, given);
  it('gives every message a distinct UUID-shaped message-id and the content type', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const headers = outboundHeaders('application/json', undefined);
      expect(headers.map((h) => h.key)).toEqual(['message-id', 'content-type']);
      expect(headers[1].value?.toString()).toBe('application/json');
      const id = headers[0].value!.toString();
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      ids.add(id);
    }
    expect(ids.size).toBe(5000);
  });

  it('keeps each message-id’s bytes while later ones are made', () => {
    const first = outboundHeaders('application/json', undefined)[0].value!;
    const text = first.toString();
    const later = Array.from({ length: 3000 }, () => outboundHeaders('application/json', undefined)[0].value!);
    expect(first.toString()).toBe(text);
    expect(Buffer.isBuffer(first)).toBe(true);
    // Consecutive ids differ in their counter only.
    expect(later[0].toString().slice(0, 24)).toBe(text.slice(0, 24));
    expect(parseInt(later[2999].toString().slice(24).replace('-', ''), 16) - parseInt(text.slice(24).replace('-', ''), 16)).toBe(3000);
  });

  it('lets the caller’s message-id and content-type headers win, whatever their case', () => {
    const headers = outboundHeaders('application/json', { 'Message-Id': 'm-1', 'CONTENT-TYPE': 'text/plain', trace: Buffer.from('t') });
    expect(headers.map((h) => [h.key, h.value?.toString()])).toEqual([
      ['Message-Id', 'm-1'],
      ['CONTENT-TYPE', 'text/plain'],
      ['trace', 't'],
    ]);
  });
});
