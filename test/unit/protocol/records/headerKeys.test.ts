import { decodeRecordBatchSync, encodeRecordBatchSync, type RecordInput } from '../../../../src/protocol/records';

const T0 = 1700000000000;

function roundTrip(headerKeys: string[][]): string[][] {
  const records: RecordInput[] = headerKeys.map((keys) => ({
    key: null,
    value: Buffer.from('v'),
    timestamp: T0,
    headers: keys.map((key) => ({ key, value: Buffer.from(key.toUpperCase()) })),
  }));
  return decodeRecordBatchSync(encodeRecordBatchSync({ records })).records.map((r) => r.headers.map((h) => h.key));
}

describe('record header keys', () => {
  it('reads each record’s own keys when records of a batch repeat, change or reorder them', () => {
    const keys = [
      ['message-id', 'content-type'],
      ['message-id', 'content-type'],
      ['message-ie', 'content-typf'],
      ['content-type', 'message-id'],
      ['trace', 'message-id', 'content-type'],
      [],
      ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'],
      ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'k'],
    ];
    expect(roundTrip(keys)).toEqual(keys);
  });

  it('reads non-ASCII keys, and ASCII keys of the same length after them', () => {
    const keys = [['clé'], ['cle_'], ['clé'], ['日本'], ['abcdef'], ['日本']];
    expect(roundTrip(keys)).toEqual(keys);
    // The same across batches too.
    expect(roundTrip([['cle_'], ['clé']])).toEqual([['cle_'], ['clé']]);
  });
});
