import { crc32c } from '../../../../src/protocol/crc32c';
import {
  BATCH,
  CompressionType,
  CorruptRecordError,
  InvalidRecordBatchError,
  TimestampType,
  decodeRecordBatchSync,
  encodeRecordBatchSync,
  iterateBatches,
  validateBatch,
} from '../../../../src/protocol/records';

const b = (s: string): Buffer => Buffer.from(s);
const rehash = (buf: Buffer, at = 0): void => {
  const end = at + buf.readInt32BE(at + BATCH.BATCH_LENGTH) + BATCH.LOG_OVERHEAD;
  buf.writeUInt32BE(crc32c(buf.subarray(at + BATCH.CRC_START, end)), at + BATCH.CRC);
};

const plain = encodeRecordBatchSync({
  records: [{ key: b('a'), value: b('1') }, { value: b('2') }, { key: b('c'), value: null, headers: [{ key: 'h', value: b('x') }] }],
  baseOffset: 500,
  baseTimestamp: 1700000000000,
});
const gzip = encodeRecordBatchSync({ records: [{ value: b('g1') }, { value: b('g2') }], baseOffset: 503, compression: CompressionType.Gzip });

describe('validateBatch', () => {
  test('a sound batch reports its size, count, last offset delta and codec', () => {
    const v = validateBatch(plain);
    expect(v).toMatchObject({ sizeInBytes: plain.length, recordsCount: 3, lastOffsetDelta: 2, compression: CompressionType.None });
    expect(v.header.baseOffset).toBe(500);
    const g = validateBatch(gzip);
    expect(g).toMatchObject({ sizeInBytes: gzip.length, recordsCount: 2, compression: CompressionType.Gzip });
  });

  test('validates at a position inside a larger buffer (a log segment)', () => {
    const segment = Buffer.concat([plain, gzip, plain]);
    const second = validateBatch(segment, plain.length);
    expect(second.header.baseOffset).toBe(503);
    expect(second.header.at).toBe(plain.length);
    expect(validateBatch(segment, plain.length + gzip.length).sizeInBytes).toBe(plain.length);
  });

  test('wrong magic: InvalidRecordBatchError RECORD_BATCH_MAGIC (UNSUPPORTED_FOR_MESSAGE_FORMAT for legacy message sets)', () => {
    const bad = Buffer.from(plain);
    bad.writeInt8(1, BATCH.MAGIC);
    expect(() => validateBatch(bad)).toThrow(InvalidRecordBatchError);
    expect(() => validateBatch(bad)).toThrow(expect.objectContaining({ code: 'RECORD_BATCH_MAGIC', position: 0, kafkaErrorCode: 43 }));
    bad.writeInt8(7, BATCH.MAGIC);
    expect(() => validateBatch(bad)).toThrow(expect.objectContaining({ code: 'RECORD_BATCH_MAGIC', kafkaErrorCode: 2 }));
  });

  test('bad CRC: CorruptRecordError RECORD_BATCH_CRC, unless CRC checking is turned off', () => {
    const bad = Buffer.from(plain);
    bad[bad.length - 3] ^= 1;
    expect(() => validateBatch(bad)).toThrow(CorruptRecordError);
    expect(() => validateBatch(bad)).toThrow(expect.objectContaining({ code: 'RECORD_BATCH_CRC' }));
    expect(validateBatch(bad, 0, { verifyCrc: false }).recordsCount).toBe(3);
  });

  test('a length beyond the buffer: RECORD_BATCH_TRUNCATED, also for fewer bytes than the length field', () => {
    for (const keep of [plain.length - 1, BATCH.HEADER_SIZE, 12, 5, 0]) {
      expect(() => validateBatch(plain.subarray(0, keep))).toThrow(
        expect.objectContaining({ name: 'InvalidRecordBatchError', code: 'RECORD_BATCH_TRUNCATED' }),
      );
    }
  });

  test('a batchLength shorter than a v2 header: RECORD_BATCH_TOO_SMALL', () => {
    for (const length of [0, -1, BATCH.HEADER_SIZE - BATCH.LOG_OVERHEAD - 1]) {
      const bad = Buffer.from(plain);
      bad.writeInt32BE(length, BATCH.BATCH_LENGTH);
      expect(() => validateBatch(bad)).toThrow(expect.objectContaining({ code: 'RECORD_BATCH_TOO_SMALL' }));
    }
  });

  test('records count that disagrees with the records of an uncompressed batch: RECORD_COUNT_MISMATCH', () => {
    for (const count of [2, 4, -1]) {
      const bad = Buffer.from(plain);
      bad.writeInt32BE(count, BATCH.RECORDS_COUNT);
      rehash(bad);
      expect(() => validateBatch(bad)).toThrow(expect.objectContaining({ code: 'RECORD_COUNT_MISMATCH', kafkaErrorCode: 87 }));
    }
  });

  test('a record length that runs past the batch end: RECORD_COUNT_MISMATCH', () => {
    const bad = Buffer.from(plain);
    bad[BATCH.HEADER_SIZE] = 0x7e; // first record claims 63 bytes
    rehash(bad);
    expect(() => validateBatch(bad)).toThrow(expect.objectContaining({ code: 'RECORD_COUNT_MISMATCH' }));
    expect(validateBatch(bad, 0, { countRecords: false }).recordsCount).toBe(3);
  });

  test('an undefined codec id: RECORD_BATCH_UNKNOWN_CODEC with UNSUPPORTED_COMPRESSION_TYPE', () => {
    const bad = Buffer.from(gzip);
    bad.writeInt16BE(5, BATCH.ATTRIBUTES);
    rehash(bad);
    expect(() => validateBatch(bad)).toThrow(expect.objectContaining({ code: 'RECORD_BATCH_UNKNOWN_CODEC', kafkaErrorCode: 76 }));
  });

  test('errors name the position of the bad batch', () => {
    const bad = Buffer.from(plain);
    bad.writeInt8(0, BATCH.MAGIC);
    const segment = Buffer.concat([gzip, bad]);
    expect(() => validateBatch(segment, gzip.length)).toThrow(expect.objectContaining({ position: gzip.length }));
    expect(() => validateBatch(segment, gzip.length)).toThrow(new RegExp(`at byte ${gzip.length} has magic 0`));
  });
});

describe('iterateBatches', () => {
  test('yields a header view per complete batch and stops at a partial one', () => {
    const all = Buffer.concat([plain, gzip, plain]);
    const offsets = (buf: Buffer): number[] => [...iterateBatches(buf)].map((h) => h.baseOffset);
    expect(offsets(all)).toEqual([500, 503, 500]);
    expect(offsets(all.subarray(0, all.length - 1))).toEqual([500, 503]);
    expect(offsets(all.subarray(0, plain.length + 11))).toEqual([500]);
    expect(offsets(Buffer.alloc(0))).toEqual([]);
    const views = [...iterateBatches(all)];
    expect(views.map((h) => h.at)).toEqual([0, plain.length, plain.length + gzip.length]);
    expect(views.map((h) => h.sizeInBytes)).toEqual([plain.length, gzip.length, plain.length]);
  });

  test('starts at a given position', () => {
    const all = Buffer.concat([plain, gzip]);
    expect([...iterateBatches(all, plain.length)].map((h) => h.baseOffset)).toEqual([503]);
  });

  test('views are live: rewriting baseOffset in place (offset assignment) keeps the CRC valid', () => {
    const copy = Buffer.from(plain);
    const [view] = iterateBatches(copy);
    view.baseOffset = 9000;
    expect(validateBatch(copy).header.baseOffset).toBe(9000);
  });

  test('framing garbage and foreign magic are typed errors, not silent skips', () => {
    const garbage = Buffer.concat([plain, Buffer.alloc(20, 0)]);
    expect(() => [...iterateBatches(garbage)]).toThrow(expect.objectContaining({ code: 'RECORD_BATCH_TOO_SMALL', position: plain.length }));
    const legacy = Buffer.from(plain);
    legacy.writeInt8(1, BATCH.MAGIC);
    expect(() => [...iterateBatches(legacy)]).toThrow(expect.objectContaining({ code: 'RECORD_BATCH_MAGIC' }));
  });
});

describe('BatchHeaderView in-place edits', () => {
  test('setLogAppendTime stamps the batch, keeps it valid, and every record reports the append time', () => {
    const copy = Buffer.from(gzip);
    const [view] = iterateBatches(copy);
    view.setLogAppendTime(1800000000000);
    expect(validateBatch(copy).header.isLogAppendTime).toBe(true);
    const batch = decodeRecordBatchSync(copy);
    expect(batch.timestampType).toBe(TimestampType.LogAppendTime);
    expect(batch.records.map((r) => r.timestamp)).toEqual([1800000000000, 1800000000000]);
    expect(batch.records.map((r) => r.value?.toString())).toEqual(['g1', 'g2']);
  });

  test('partitionLeaderEpoch is outside the CRC; updateCrc repairs edits inside it', () => {
    const copy = Buffer.from(plain);
    const view = validateBatch(copy).header;
    view.partitionLeaderEpoch = 12;
    expect(validateBatch(copy).header.partitionLeaderEpoch).toBe(12);
    copy.writeInt16BE(7, BATCH.PRODUCER_EPOCH);
    expect(() => validateBatch(copy)).toThrow(expect.objectContaining({ code: 'RECORD_BATCH_CRC' }));
    view.updateCrc();
    expect(validateBatch(copy).header.producerEpoch).toBe(7);
    expect(view.computeCrc()).toBe(view.crc);
  });
});
