import * as path from 'node:path';
import { decompress } from '../../../../src/protocol/compression';
import { crc32c } from '../../../../src/protocol/crc32c';
import { ErrorCode } from '../../../../src/protocol/errorCodes';
import { ByteReader, ByteWriter } from '../../../../src/protocol/primitives';
import {
  BATCH,
  BatchHeaderView,
  CompressionType,
  TimestampType,
  decodeRecordBatch,
  encodeRecordBatch,
  readRecordBody,
  readRecordEntry,
  validateBatch,
  writeRecordBody,
  type RecordBatch,
  type RecordBatchInput,
  type RecordEntry,
} from '../../../../src/protocol/records';
import { describeWithReference, readCapture } from '../../../support/referenceData';

/** Raw record entries of a batch (deltas as stored), read from its possibly compressed payload. */
async function entriesOf(batch: Buffer): Promise<RecordEntry[]> {
  const view = new BatchHeaderView(batch);
  const payload = await decompress(view.compression, batch.subarray(BATCH.HEADER_SIZE));
  const r = new ByteReader(payload);
  const entries: RecordEntry[] = [];
  for (let i = 0; i < view.recordsCount; i++) entries.push(readRecordEntry(r));
  expect(r.remaining).toBe(0);
  return entries;
}

/** Everything the encoder needs to rebuild `decoded`, with record timestamps as stored (not as LogAppendTime reports them). */
function inputFor(decoded: RecordBatch, entries: RecordEntry[]): RecordBatchInput {
  return {
    records: entries.map((e) => ({
      key: e.key,
      value: e.value,
      headers: e.headers,
      timestamp: decoded.baseTimestamp + e.timestampDelta,
      offsetDelta: e.offsetDelta,
    })),
    baseOffset: decoded.baseOffset,
    baseTimestamp: decoded.baseTimestamp,
    maxTimestamp: decoded.maxTimestamp,
    lastOffsetDelta: decoded.lastOffsetDelta,
    compression: decoded.compression,
    timestampType: decoded.timestampType,
    producerId: decoded.producerId,
    producerEpoch: decoded.producerEpoch,
    baseSequence: decoded.baseSequence,
    partitionLeaderEpoch: decoded.partitionLeaderEpoch,
    isTransactional: decoded.isTransactional,
    isControl: decoded.isControl,
  };
}

describeWithReference('RecordBatch v2 against kafkajs captures', (dir) => {
  const fixture = (name: string): Buffer => readCapture(path.join(dir, 'kafkajs-fixtures/recordBatch/fixtures', name));

  test('v0_record.json: a record body with repeated header keys decodes and re-encodes to the same bytes', () => {
    const bytes = fixture('v0_record.json');
    const entry = readRecordBody(new ByteReader(bytes), bytes.length);
    expect(entry.timestampDelta).toBe(0);
    expect(entry.offsetDelta).toBe(0);
    expect(entry.key?.toString()).toBe('key-0');
    expect(entry.value?.toString()).toBe('some-value-0');
    expect(entry.headers.map((h) => [h.key, h.value?.toString()])).toEqual([
      ['header-key-0', 'header-value-0'],
      ['header-key-1', 'header-value-1'],
      ['header-key-1', 'header-value-2'],
    ]);
    const w = new ByteWriter();
    writeRecordBody(w, entry);
    expect(w.toBuffer().toString('hex')).toBe(bytes.toString('hex'));
  });

  test('v0_recordbatch.json: a gzip batch with LogAppendTime decodes with the values kafkajs reports', async () => {
    const bytes = fixture('v0_recordbatch.json');
    const batch = await decodeRecordBatch(bytes);
    expect(batch).toMatchObject({
      baseOffset: 0,
      partitionLeaderEpoch: 0,
      compression: CompressionType.Gzip,
      timestampType: TimestampType.LogAppendTime,
      isTransactional: false,
      isControl: false,
      lastOffsetDelta: 0,
      baseTimestamp: 1597425188775,
      maxTimestamp: 1597425188809,
      producerId: -1,
      producerEpoch: 0,
      baseSequence: 0,
    });
    expect(batch.records).toHaveLength(1);
    // LogAppendTime: the record's timestamp is the batch's maxTimestamp, as Kafka and kafkajs report it.
    expect(batch.records[0]).toMatchObject({ offset: 0, timestamp: 1597425188809, headers: [] });
    expect(batch.records[0].key?.toString()).toBe('key-0');
    expect(batch.records[0].value?.toString()).toBe('value-0-2020-08-14T17:13:08.682Z');
  });

  test('v0_recordbatch.json re-encodes to the same bytes, but for the OS byte of the gzip header', async () => {
    const bytes = fixture('v0_recordbatch.json');
    const decoded = await decodeRecordBatch(bytes);
    const again = await encodeRecordBatch(inputFor(decoded, await entriesOf(bytes)));
    expect(again.length).toBe(bytes.length);
    // The capture was made on macOS, whose zlib writes OS = 19 into the gzip header (RFC 1952
    // byte 9); zlib on Linux writes 3. The deflate stream, the records and every batch field
    // must still be identical, and the CRC differs only because it covers that byte.
    const osByte = BATCH.HEADER_SIZE + 9;
    expect(bytes[osByte]).toBe(19);
    const normalized = Buffer.from(again);
    normalized[osByte] = bytes[osByte];
    expect(normalized.subarray(BATCH.CRC_START).toString('hex')).toBe(bytes.subarray(BATCH.CRC_START).toString('hex'));
    expect(normalized.subarray(0, BATCH.CRC).toString('hex')).toBe(bytes.subarray(0, BATCH.CRC).toString('hex'));
    expect(await decodeRecordBatch(again)).toEqual(decoded);
  });

  // This capture comes from kafkajs before its compression-mask fix (kafkajs #911/#912): the codec
  // id was masked with 3, so zstd (4) became 0 and the batch claims to be uncompressed while its
  // records are a zstd frame. Kafka rejects such a batch with INVALID_RECORD; so must we.
  test('v0_recordbatch_zstd.json: attributes say uncompressed over a zstd payload, rejected as Kafka does', async () => {
    const bytes = fixture('v0_recordbatch_zstd.json');
    const view = new BatchHeaderView(bytes);
    expect(view.compression).toBe(CompressionType.None);
    expect(bytes.readUInt32LE(BATCH.HEADER_SIZE)).toBe(0xfd2fb528); // zstd frame magic
    await expect(decodeRecordBatch(bytes)).rejects.toMatchObject({
      name: 'CorruptRecordError',
      kafkaErrorCode: ErrorCode.INVALID_RECORD,
    });
    expect(() => validateBatch(bytes)).toThrow(expect.objectContaining({ code: 'RECORD_COUNT_MISMATCH' }));
    // The CRC itself is intact: the damage is in what the producer wrote, not in transit.
    expect(() => validateBatch(bytes, 0, { countRecords: false })).not.toThrow();
  });

  test('v0_recordbatch_zstd.json with its codec bits repaired decodes, and re-encodes to the same bytes', async () => {
    const repaired = Buffer.from(fixture('v0_recordbatch_zstd.json'));
    repaired.writeInt16BE(CompressionType.Zstd, BATCH.ATTRIBUTES);
    repaired.writeUInt32BE(crc32c(repaired.subarray(BATCH.CRC_START)), BATCH.CRC);
    const decoded = await decodeRecordBatch(repaired);
    expect(decoded).toMatchObject({
      compression: CompressionType.Zstd,
      timestampType: TimestampType.CreateTime,
      partitionLeaderEpoch: 911,
      producerId: -1,
      producerEpoch: 0,
      baseSequence: 0,
      lastOffsetDelta: 0,
    });
    expect(decoded.records).toHaveLength(1);
    expect(decoded.records[0].key?.toString()).toBe('lorem');
    expect(decoded.records[0].value?.toString()).toMatch(/^Lorem ipsum dolor sit amet/);
    expect(decoded.records[0].timestamp).toBe(decoded.baseTimestamp);
    const again = await encodeRecordBatch(inputFor(decoded, await entriesOf(repaired)));
    expect(again.toString('hex')).toBe(repaired.toString('hex'));
  });
});
