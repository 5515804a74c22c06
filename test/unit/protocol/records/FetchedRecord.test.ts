import { PlainInboundRecord, type InboundRecord } from '../../../../src/binder/Binder';
import { crc32c } from '../../../../src/protocol/crc32c';
import { BATCH, decodeRecordBatchSync, encodeRecordBatchSync, type RecordHeader, type RecordInput } from '../../../../src/protocol/records';
import { decodeTopicPartitionBatchSync } from '../../../../src/protocol/records/decodeBatch';
import { FetchedRecord } from '../../../../src/protocol/records/FetchedRecord';
import { headerValue } from '../../../../src/runtime/headers';

const T0 = 1700000000000;
const origin = { topic: 'orders', partition: 1 };

const h = (key: string, value: string | Buffer | null): RecordHeader => ({ key, value: typeof value === 'string' ? Buffer.from(value) : value });

/** Header sets that exercise the wire format: multi-byte lengths and counts, null values, non-ASCII keys, repeats. */
const headerSets: RecordHeader[][] = [
  [h('message-id', '3f1c-0001'), h('content-type', 'application/json')],
  [h('message-id', '3f1c-0002'), h('content-type', 'application/json')],
  [h('Content-Type', 'text/plain'), h('x', 'first'), h('x', null)],
  [h('clé', 'valeur'), h('CLÉ', 'autre'), h('\u212a', 'kelvin')],
  [h('long', 'v'.repeat(200)), h('content-type', 'application/vnd.bindery.order+json;version=2;charset=utf-8;q=1;x=' + 'y'.repeat(40))],
  Array.from({ length: 70 }, (_, i) => h(`h${i}`, `${i}`)),
  [],
  [h('', 'empty key'), h('empty', Buffer.alloc(0))],
];

function batchOf(sets: RecordHeader[][]): Buffer {
  const records: RecordInput[] = sets.map((headers, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`), timestamp: T0 + i, headers }));
  return encodeRecordBatchSync({ records, baseOffset: 100 });
}

const described = (headers: RecordHeader[]): [string, string | null][] => headers.map((x) => [x.key, x.value === null ? null : x.value.toString('hex')]);

describe('FetchedRecord (a consumer’s record)', () => {
  const bytes = batchOf(headerSets);
  // Read with an origin, each record is a FetchedRecord.
  const fetched = decodeTopicPartitionBatchSync(bytes, origin).records as FetchedRecord[];
  const eager = decodeRecordBatchSync(bytes).records;

  it('carries the same fields and headers as the batch decoder gives', () => {
    expect(fetched).toHaveLength(headerSets.length);
    fetched.forEach((r, i) => {
      expect(r).toBeInstanceOf(FetchedRecord);
      expect([r.topic, r.partition, r.offset, r.timestamp, r.key?.toString(), r.value?.toString()]).toEqual(['orders', 1, 100 + i, T0 + i, `k${i}`, `v${i}`]);
      expect(described(r.headers)).toEqual(described(eager[i].headers));
      expect(described(r.headers)).toEqual(described(headerSets[i]));
      // Decoded once: the same array on every access.
      expect(r.headers).toBe(r.headers);
    });
  });

  it('finds a header by name as headerValue does on decoded headers: last one wins, case ignored, null is no value', () => {
    const names = ['content-type', 'Content-Type', 'CONTENT-TYPE', 'message-id', 'x', 'X', 'missing', 'clé', 'CLÉ', 'k', 'K', 'long', 'h0', 'h69', 'H42', '', 'empty', 'content-typ'];
    fetched.forEach((r, i) => {
      const plain: InboundRecord = new PlainInboundRecord(origin.topic, origin.partition, r.offset, r.timestamp, r.key, r.value, eager[i].headers);
      for (const name of names) expect([i, name, headerValue(r, name)]).toEqual([i, name, headerValue(plain, name)]);
    });
    expect(headerValue(fetched[2], 'CONTENT-type')).toBe('text/plain');
    expect(headerValue(fetched[2], 'x')).toBeUndefined();
    expect(headerValue(fetched[3], 'k')).toBe('kelvin');
    expect(headerValue(fetched[5], 'H42')).toBe('42');
    expect(headerValue(fetched[7], 'empty')).toBe('');
  });

  it('gives each record its own header text when records repeat or change a value', () => {
    const values = ['application/json', 'application/json', 'application/jsoN', 'text/plain', 'bâtiment', 'batiment', 'bâtiment', ''];
    const records = decodeTopicPartitionBatchSync(batchOf(values.map((v) => [h('content-type', v)])), origin).records as FetchedRecord[];
    expect(records.map((r) => headerValue(r, 'content-type'))).toEqual(values);
  });

  it('fails the batch when a record’s headers do not fit it, as the batch decoder does', () => {
    // One record, one header: ... headers count 1 (zigzag 0x02), key "a", value "b".
    const valid = encodeRecordBatchSync({ records: [{ key: null, value: Buffer.from('v'), timestamp: T0, headers: [h('a', 'b')] }] });
    const countAt = valid.lastIndexOf(0x61) - 2;
    expect(valid[countAt]).toBe(0x02);
    for (const [at, forged] of [
      [countAt, 0x04], // two headers claimed
      [countAt + 3, 0x7e], // a header value of 63 bytes claimed
    ]) {
      const bad = Buffer.from(valid);
      bad[at] = forged;
      bad.writeUInt32BE(crc32c(bad.subarray(BATCH.CRC_START)), BATCH.CRC);
      expect(() => decodeRecordBatchSync(bad)).toThrow(expect.objectContaining({ code: 'RECORD_MALFORMED' }));
      expect(() => decodeTopicPartitionBatchSync(bad, origin)).toThrow(expect.objectContaining({ code: 'RECORD_MALFORMED' }));
    }
  });
});
