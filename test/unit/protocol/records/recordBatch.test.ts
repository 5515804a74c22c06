import { crc32c } from '../../../../src/protocol/crc32c';
import { SyncCompressionUnavailableError, UnknownCompressionCodecError } from '../../../../src/protocol/compression';
import {
  BATCH,
  BatchHeaderView,
  CompressionType,
  CorruptRecordError,
  TimestampType,
  decodeRecordBatch,
  decodeRecordBatchSync,
  decodeRecordBatches,
  decodeRecordBatchesSync,
  encodeRecordBatch,
  encodeRecordBatchSync,
  type RecordBatchInput,
  type RecordInput,
} from '../../../../src/protocol/records';

const T0 = 1700000000000;
const b = (s: string): Buffer => Buffer.from(s);

const varied: RecordInput[] = [
  { key: b('k1'), value: b('v1'), timestamp: T0, headers: [{ key: 'trace', value: b('abc') }] },
  { key: null, value: b('no key'), timestamp: T0 + 5 },
  { key: b('tombstone'), value: null, timestamp: T0 - 3 },
  { value: b('defaults'), headers: [] },
  {
    key: b('h'),
    value: b(''),
    timestamp: T0 + 2 ** 33, // a delta beyond 32 bits
    headers: [
      { key: 'dup', value: b('1') },
      { key: 'dup', value: b('2') },
      { key: 'null-value', value: null },
      { key: 'ünïcode-κλειδί', value: Buffer.alloc(300, 7) },
    ],
  },
];

const allCodecs = [CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd];
const syncCodecs = [CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4];

describe('RecordBatch v2 round trip', () => {
  test.each(allCodecs)('codec %d: every header field and record survives', async (compression) => {
    const input: RecordBatchInput = {
      records: varied,
      baseOffset: 2 ** 40 + 17,
      baseTimestamp: T0,
      compression,
      producerId: 123456789012,
      producerEpoch: 7,
      baseSequence: 42,
      partitionLeaderEpoch: 9,
      isTransactional: true,
    };
    const bytes = await encodeRecordBatch(input);
    const batch = await decodeRecordBatch(bytes);
    expect(batch).toMatchObject({
      baseOffset: 2 ** 40 + 17,
      partitionLeaderEpoch: 9,
      compression,
      timestampType: TimestampType.CreateTime,
      isTransactional: true,
      isControl: false,
      lastOffsetDelta: 4,
      baseTimestamp: T0,
      maxTimestamp: T0 + 2 ** 33,
      producerId: 123456789012,
      producerEpoch: 7,
      baseSequence: 42,
    });
    expect(batch.records.map((r) => r.offset)).toEqual([0, 1, 2, 3, 4].map((d) => 2 ** 40 + 17 + d));
    expect(batch.records.map((r) => r.timestamp)).toEqual([T0, T0 + 5, T0 - 3, T0, T0 + 2 ** 33]);
    expect(batch.records.map((r) => r.key?.toString() ?? null)).toEqual(['k1', null, 'tombstone', null, 'h']);
    expect(batch.records.map((r) => r.value?.toString() ?? null)).toEqual(['v1', 'no key', null, 'defaults', '']);
    expect(batch.records[0].headers).toEqual([{ key: 'trace', value: b('abc') }]);
    expect(batch.records[1].headers).toEqual([]);
    expect(batch.records[4].headers).toEqual([
      { key: 'dup', value: b('1') },
      { key: 'dup', value: b('2') },
      { key: 'null-value', value: null },
      { key: 'ünïcode-κλειδί', value: Buffer.alloc(300, 7) },
    ]);
  });

  test.each(syncCodecs)('codec %d: sync and async encoders produce identical bytes that both decoders read', async (compression) => {
    const input: RecordBatchInput = { records: varied, baseTimestamp: T0, compression };
    const sync = encodeRecordBatchSync(input);
    const async_ = await encodeRecordBatch(input);
    expect(sync.toString('hex')).toBe(async_.toString('hex'));
    expect(decodeRecordBatchSync(sync)).toEqual(await decodeRecordBatch(sync));
  });

  test('defaults: offset 0, no producer (-1/-1/-1), leader epoch -1, CreateTime, timestamps from the records', async () => {
    const bytes = encodeRecordBatchSync({ records: [{ value: b('a'), timestamp: T0 + 10 }, { value: b('b'), timestamp: T0 + 4 }] });
    const h = new BatchHeaderView(bytes);
    expect(h.baseOffset).toBe(0);
    expect(h.producerId).toBe(-1);
    expect(h.producerEpoch).toBe(-1);
    expect(h.baseSequence).toBe(-1);
    expect(h.partitionLeaderEpoch).toBe(-1);
    expect(h.magic).toBe(2);
    expect(h.attributes).toBe(0);
    expect(h.baseTimestamp).toBe(T0 + 10); // the first record's, as the Java producer does
    expect(h.maxTimestamp).toBe(T0 + 10);
    expect(h.lastOffsetDelta).toBe(1);
    expect(h.recordsCount).toBe(2);
    expect(h.sizeInBytes).toBe(bytes.length);
    const batch = await decodeRecordBatch(bytes);
    expect(batch.records.map((r) => r.timestamp)).toEqual([T0 + 10, T0 + 4]);
  });

  test('records without timestamps get the base timestamp; without any, the current time', () => {
    const before = Date.now();
    const batch = decodeRecordBatchSync(encodeRecordBatchSync({ records: [{ value: b('x') }, { value: b('y') }] }));
    const after = Date.now();
    expect(batch.baseTimestamp).toBeGreaterThanOrEqual(before);
    expect(batch.baseTimestamp).toBeLessThanOrEqual(after);
    expect(batch.records.map((r) => r.timestamp)).toEqual([batch.baseTimestamp, batch.baseTimestamp]);
  });

  test('the CRC is CRC-32C over attributes .. end, and the byte layout matches the header constants', () => {
    const bytes = encodeRecordBatchSync({ records: varied, baseTimestamp: T0 });
    expect(bytes.readUInt32BE(BATCH.CRC)).toBe(crc32c(bytes.subarray(BATCH.CRC_START)));
    expect(bytes.readInt32BE(BATCH.BATCH_LENGTH)).toBe(bytes.length - 12);
  });

  test('LogAppendTime: flag set, and every record reports the batch maxTimestamp', async () => {
    const bytes = await encodeRecordBatch({
      records: [{ value: b('a'), timestamp: T0 }, { value: b('b'), timestamp: T0 + 1 }],
      timestampType: TimestampType.LogAppendTime,
      maxTimestamp: T0 + 1000,
    });
    expect(new BatchHeaderView(bytes).isLogAppendTime).toBe(true);
    const batch = await decodeRecordBatch(bytes);
    expect(batch.timestampType).toBe(TimestampType.LogAppendTime);
    expect(batch.maxTimestamp).toBe(T0 + 1000);
    expect(batch.records.map((r) => r.timestamp)).toEqual([T0 + 1000, T0 + 1000]);
  });

  test('control batches: transactional + control flags, e.g. a commit marker', async () => {
    // Control record key: version INT16 0, type INT16 (1 = COMMIT); value: version INT16 0, coordinatorEpoch INT32.
    const bytes = await encodeRecordBatch({
      records: [{ key: Buffer.from('00000001', 'hex'), value: Buffer.from('000000000005', 'hex'), timestamp: T0 }],
      isTransactional: true,
      isControl: true,
      producerId: 4000,
      producerEpoch: 1,
    });
    const h = new BatchHeaderView(bytes);
    expect(h.isControl).toBe(true);
    expect(h.isTransactional).toBe(true);
    const batch = await decodeRecordBatch(bytes);
    expect(batch).toMatchObject({ isControl: true, isTransactional: true, producerId: 4000, producerEpoch: 1 });
    expect(batch.records[0].key?.toString('hex')).toBe('00000001');
  });

  test('offset gaps (a compacted batch) keep their offsets and lastOffsetDelta', async () => {
    const bytes = await encodeRecordBatch({
      records: [
        { key: b('a'), value: b('1'), offsetDelta: 0, timestamp: T0 },
        { key: b('c'), value: b('3'), offsetDelta: 5, timestamp: T0 },
      ],
      baseOffset: 100,
      lastOffsetDelta: 9,
    });
    const batch = await decodeRecordBatch(bytes);
    expect(batch.records.map((r) => r.offset)).toEqual([100, 105]);
    expect(batch.lastOffsetDelta).toBe(9);
  });

  test('an empty batch', async () => {
    const bytes = await encodeRecordBatch({ records: [], baseTimestamp: T0 });
    expect(bytes.length).toBe(BATCH.HEADER_SIZE);
    const batch = await decodeRecordBatch(bytes);
    expect(batch.records).toEqual([]);
    expect(batch.maxTimestamp).toBe(T0);
  });

  test('an empty batch whose attributes name a codec but that has no payload (as Kafka\'s log cleaner leaves them)', async () => {
    const bytes = encodeRecordBatchSync({ records: [], baseTimestamp: T0, producerId: 77, producerEpoch: 2 });
    bytes.writeInt16BE(CompressionType.Lz4, BATCH.ATTRIBUTES);
    bytes.writeUInt32BE(crc32c(bytes.subarray(BATCH.CRC_START)), BATCH.CRC);
    expect((await decodeRecordBatch(bytes)).records).toEqual([]);
    expect(decodeRecordBatchSync(bytes)).toMatchObject({ records: [], compression: CompressionType.Lz4, producerId: 77 });
  });

  test('large batches with many records and compression', async () => {
    const records: RecordInput[] = [];
    for (let i = 0; i < 5000; i++) {
      records.push({ key: b(`key-${i % 50}`), value: b(JSON.stringify({ i, name: `user-${i}`, ok: i % 2 === 0 })), timestamp: T0 + i });
    }
    for (const compression of allCodecs) {
      const batch = await decodeRecordBatch(await encodeRecordBatch({ records, compression }));
      expect(batch.records).toHaveLength(5000);
      expect(batch.records[4999].value?.toString()).toBe(JSON.stringify({ i: 4999, name: 'user-4999', ok: false }));
      expect(batch.records[4999].offset).toBe(4999);
      expect(batch.records[4999].timestamp).toBe(T0 + 4999);
    }
  });
});

describe('sync API limits and typed errors', () => {
  test('zstd is refused by the sync encoder and decoder with a typed error', async () => {
    expect(() => encodeRecordBatchSync({ records: varied, compression: CompressionType.Zstd })).toThrow(SyncCompressionUnavailableError);
    const zstd = await encodeRecordBatch({ records: varied, compression: CompressionType.Zstd });
    expect(() => decodeRecordBatchSync(zstd)).toThrow(SyncCompressionUnavailableError);
  });

  test('an unknown codec id cannot be encoded', async () => {
    await expect(encodeRecordBatch({ records: varied, compression: 6 as CompressionType })).rejects.toBeInstanceOf(UnknownCompressionCodecError);
  });

  test('a flipped bit anywhere after the CRC field is a CorruptRecordError with code RECORD_BATCH_CRC', async () => {
    const bytes = encodeRecordBatchSync({ records: varied, baseTimestamp: T0 });
    for (const at of [BATCH.ATTRIBUTES + 1, BATCH.RECORDS_COUNT + 3, bytes.length - 1, 80]) {
      const damaged = Buffer.from(bytes);
      damaged[at] ^= 0x10;
      await expect(decodeRecordBatch(damaged)).rejects.toMatchObject({ code: 'RECORD_BATCH_CRC', kafkaErrorCode: 2 });
      expect(() => decodeRecordBatchSync(damaged)).toThrow(CorruptRecordError);
    }
  });

  test('a records count that disagrees with the records is RECORD_COUNT_MISMATCH or RECORD_MALFORMED', async () => {
    const bytes = encodeRecordBatchSync({ records: varied, baseTimestamp: T0, compression: CompressionType.Gzip });
    for (const count of [varied.length - 1, varied.length + 1]) {
      const forged = Buffer.from(bytes);
      forged.writeInt32BE(count, BATCH.RECORDS_COUNT);
      forged.writeUInt32BE(crc32c(forged.subarray(BATCH.CRC_START)), BATCH.CRC);
      await expect(decodeRecordBatch(forged)).rejects.toMatchObject({
        name: 'CorruptRecordError',
        code: count < varied.length ? 'RECORD_COUNT_MISMATCH' : 'RECORD_MALFORMED',
        kafkaErrorCode: 87,
      });
    }
  });

  test('a huge forged records count is refused before anything is allocated for it', async () => {
    const forged = encodeRecordBatchSync({ records: varied, baseTimestamp: T0, compression: CompressionType.Lz4 });
    forged.writeInt32BE(2 ** 31 - 1, BATCH.RECORDS_COUNT);
    forged.writeUInt32BE(crc32c(forged.subarray(BATCH.CRC_START)), BATCH.CRC);
    await expect(decodeRecordBatch(forged)).rejects.toMatchObject({ code: 'RECORD_COUNT_MISMATCH' });
  });

  test('corrupt compressed records are a CorruptCompressedDataError', async () => {
    const bytes = encodeRecordBatchSync({ records: varied, compression: CompressionType.Snappy });
    bytes.fill(0xee, BATCH.HEADER_SIZE + 20, BATCH.HEADER_SIZE + 40);
    bytes.writeUInt32BE(crc32c(bytes.subarray(BATCH.CRC_START)), BATCH.CRC);
    await expect(decodeRecordBatch(bytes)).rejects.toMatchObject({ code: 'CORRUPT_COMPRESSED_DATA' });
  });
});

describe('several batches in one buffer', () => {
  test('decodes concatenated batches in order and ignores a trailing partial batch', async () => {
    const one = await encodeRecordBatch({ records: [{ value: b('one') }], baseOffset: 0, compression: CompressionType.Gzip });
    const two = await encodeRecordBatch({ records: [{ value: b('two') }, { value: b('three') }], baseOffset: 1 });
    const three = await encodeRecordBatch({ records: [{ value: b('four') }], baseOffset: 3, compression: CompressionType.Zstd });
    const all = Buffer.concat([one, two, three]);
    const values = (batches: { records: { value: Buffer | null }[] }[]): string[] =>
      batches.flatMap((x) => x.records.map((r) => r.value!.toString()));
    expect(values(await decodeRecordBatches(all))).toEqual(['one', 'two', 'three', 'four']);
    for (const cut of [1, 11, 12, 40, three.length - 1]) {
      const partial = all.subarray(0, one.length + two.length + cut);
      expect(values(await decodeRecordBatches(partial))).toEqual(['one', 'two', 'three']);
    }
    const syncPart = Buffer.concat([one, two, two.subarray(0, 30)]);
    expect(values(decodeRecordBatchesSync(syncPart))).toEqual(['one', 'two', 'three']);
    expect(await decodeRecordBatches(Buffer.alloc(0))).toEqual([]);
  });

  test('decodeRecordBatch reads the first batch of a longer buffer', async () => {
    const one = await encodeRecordBatch({ records: [{ value: b('one') }] });
    const two = await encodeRecordBatch({ records: [{ value: b('two') }] });
    const batch = await decodeRecordBatch(Buffer.concat([one, two]));
    expect(batch.records.map((r) => r.value?.toString())).toEqual(['one']);
  });
});
