import { fromKafkajsHeaders, toKafkajsHeaders } from '../../../../src/binder/kafka/headers';
import { NullHeaderValueError } from '../../../../src/binder/kafka/errors';

describe('kafka binder headers', () => {
  it('round-trips a header list through kafkajs\' header object', () => {
    const headers = [
      { key: 'content-type', value: Buffer.from('application/json') },
      { key: 'binary', value: Buffer.from([0, 255, 1]) },
    ];
    expect(fromKafkajsHeaders(toKafkajsHeaders(headers))).toEqual(headers);
  });

  it('keeps repeated keys, in order per key', () => {
    const headers = [
      { key: 'hop', value: Buffer.from('a') },
      { key: 'hop', value: Buffer.from('b') },
    ];
    expect(toKafkajsHeaders(headers)).toEqual({ hop: [Buffer.from('a'), Buffer.from('b')] });
    expect(fromKafkajsHeaders(toKafkajsHeaders(headers))).toEqual(headers);
  });

  it('reads string values as UTF-8 and missing values as null', () => {
    expect(fromKafkajsHeaders({ a: 'h\u00e9', b: undefined })).toEqual([
      { key: 'a', value: Buffer.from('h\u00e9') },
      { key: 'b', value: null },
    ]);
  });

  it('sends no header object for no headers', () => {
    expect(toKafkajsHeaders([])).toBeUndefined();
    expect(toKafkajsHeaders(undefined)).toBeUndefined();
  });

  it('refuses a null header value with a typed error naming the header (kafkajs cannot write one)', () => {
    expect(() => toKafkajsHeaders([{ key: 'reason', value: null }])).toThrow(NullHeaderValueError);
    expect(() => toKafkajsHeaders([{ key: 'reason', value: null }])).toThrow(/'reason'/);
  });

  it('reads a null header value that another client wrote', () => {
    expect(fromKafkajsHeaders({ reason: null as unknown as undefined })).toEqual([{ key: 'reason', value: null }]);
  });
});
