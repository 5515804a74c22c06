import { RecordBatchBuilder } from '../../../../src/protocol/records/RecordBatchBuilder';
import { decodeRecordBatch, decodeRecordBatchSync } from '../../../../src/protocol/records/decodeBatch';
import { encodeRecordBatchSync } from '../../../../src/protocol/records/encodeBatch';
import { CompressionType, type RecordInput } from '../../../../src/protocol/records/types';
import { BatchBuiltError } from '../../../../src/protocol/records/errors';
import { validateBatch } from '../../../../src/protocol/records/validate';

const T0 = 1_700_000_000_000;

function records(): RecordInput[] {
  return [
    { key: Buffer.from('k1'), value: Buffer.from('{"a":1}'), headers: [{ key: 'content-type', value: Buffer.from('application/json') }], timestamp: T0 },
    { key: null, value: null, headers: [], timestamp: T0 + 5 },
    { key: Buffer.from('k2'), value: Buffer.from('x'.repeat(300)), headers: [{ key: 'naïve', value: null }], timestamp: T0 - 3 },
  ];
}

function built(options = {}): Buffer {
  const builder = new RecordBatchBuilder(64);
  for (const r of records()) builder.append(r.key ?? null, r.value, r.headers, r.timestamp!);
  return builder.build(options);
}

describe('RecordBatchBuilder', () => {
  test('builds the bytes encodeRecordBatchSync makes from the same records', () => {
    const identity = { producerId: 7, producerEpoch: 2, baseSequence: 40 };
    expect(built(identity)).toEqual(encodeRecordBatchSync({ records: records(), ...identity }));
    expect(built()).toEqual(encodeRecordBatchSync({ records: records() }));
  });

  test('counts records and bytes as they are appended, past its initial capacity', () => {
    const builder = new RecordBatchBuilder(0);
    expect(builder.recordCount).toBe(0);
    expect(builder.sizeInBytes).toBe(61);
    for (const r of records()) builder.append(r.key ?? null, r.value, r.headers, r.timestamp!);
    expect(builder.recordCount).toBe(3);
    expect(builder.sizeInBytes).toBe(builder.build().length);
  });

  test('can be built again with another producer id, each time into a buffer of its own', () => {
    const builder = new RecordBatchBuilder(1024);
    for (const r of records()) builder.append(r.key ?? null, r.value, r.headers, r.timestamp!);
    const first = builder.build({ producerId: 1, producerEpoch: 0, baseSequence: 0 });
    const second = builder.build({ producerId: 9, producerEpoch: 3, baseSequence: 0 });
    expect(second).not.toBe(first);
    expect(decodeRecordBatchSync(first).producerId).toBe(1);
    const decoded = decodeRecordBatchSync(second);
    expect(decoded.producerId).toBe(9);
    expect(decoded.producerEpoch).toBe(3);
    expect(decoded.records.map((r) => r.timestamp)).toEqual([T0, T0 + 5, T0 - 3]);
    expect(decoded.maxTimestamp).toBe(T0 + 5);
    validateBatch(first);
    validateBatch(second);
  });

  test.each([CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4])('compresses with codec %s', (compression) => {
    const batch = built({ compression });
    const decoded = decodeRecordBatchSync(batch);
    expect(decoded.compression).toBe(compression);
    expect(decoded.records.map((r) => r.value?.toString() ?? null)).toEqual(records().map((r) => r.value?.toString() ?? null));
  });

  test('buildAsync compresses with zstd', async () => {
    const builder = new RecordBatchBuilder(64);
    for (const r of records()) builder.append(r.key ?? null, r.value, r.headers, r.timestamp!);
    const decoded = await decodeRecordBatch(await builder.buildAsync({ compression: CompressionType.Zstd }));
    expect(decoded.compression).toBe(CompressionType.Zstd);
    expect(decoded.records).toHaveLength(3);
  });

  test('a record that cannot be encoded leaves no trace', () => {
    const builder = new RecordBatchBuilder(64);
    const [first, second] = records();
    builder.append(first.key ?? null, first.value, first.headers, first.timestamp!);
    const size = builder.sizeInBytes;
    expect(() => builder.append(Buffer.from('bad'), Buffer.from('v'), [], T0 + 0.5)).toThrow(RangeError);
    expect(builder.recordCount).toBe(1);
    expect(builder.sizeInBytes).toBe(size);
    builder.append(second.key ?? null, second.value, second.headers, second.timestamp!);
    const decoded = decodeRecordBatchSync(builder.build());
    expect(decoded.records.map((r) => r.offset)).toEqual([0, 1]);
    expect(decoded.maxTimestamp).toBe(T0 + 5);
  });
});

describe('RecordBatchBuilder buffers', () => {
  test('the first build hands the buffer over; appends after it are refused', () => {
    const builder = new RecordBatchBuilder(128);
    builder.append(null, Buffer.alloc(40), undefined, T0);
    const first = builder.build();
    const second = builder.build({ producerId: 3, producerEpoch: 0, baseSequence: 0 });
    // The second build wrote a header of its own, not over the first one's.
    expect(decodeRecordBatchSync(first).producerId).toBe(-1);
    expect(decodeRecordBatchSync(second).producerId).toBe(3);
    expect(() => builder.append(null, null, undefined, T0)).toThrow(BatchBuiltError);
  });
});
