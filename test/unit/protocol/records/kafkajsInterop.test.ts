/**
 * Interop with kafkajs' own RecordBatch encoder and decoder (its internals, the code its producer
 * and consumer run). kafkajs ships gzip; the other codecs are registered in its CompressionCodecs
 * with bindery's compress/decompress, exactly as a kafkajs user plugs codecs in.
 */
import { compress, decompress } from '../../../../src/protocol/compression';
import { ByteReader, ByteWriter } from '../../../../src/protocol/primitives';
import {
  CompressionType,
  decodeRecordBatch,
  encodeRecordBatch,
  readRecordEntry,
  writeRecordEntry,
  type RecordBatchInput,
  type RecordInput,
} from '../../../../src/protocol/records';

/* eslint-disable @typescript-eslint/no-require-imports */
interface KafkajsEncoder {
  buffer: Buffer;
}
type KafkajsCodec = () => { compress(encoder: KafkajsEncoder): Promise<Buffer>; decompress(buffer: Buffer): Promise<Buffer> };
const kafkajs = require('kafkajs') as { CompressionCodecs: Record<number, KafkajsCodec>; CompressionTypes: Record<string, number> };
const { RecordBatch: kafkajsRecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as {
  RecordBatch(args: Record<string, unknown>): Promise<KafkajsEncoder>;
};
const kafkajsRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as (args: Record<string, unknown>) => KafkajsEncoder;
const kafkajsDecodeBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder') as (decoder: unknown) => Promise<KafkajsDecodedBatch>;
const KafkajsDecoder = require('kafkajs/src/protocol/decoder') as new (buf: Buffer) => unknown;
const Long = require('kafkajs/src/utils/long') as { fromNumber(n: number): unknown };
/* eslint-enable @typescript-eslint/no-require-imports */

interface KafkajsDecodedBatch {
  firstOffset: string;
  firstTimestamp: string;
  maxTimestamp: string;
  producerId: string;
  producerEpoch: number;
  firstSequence: number;
  inTransaction: boolean;
  records: { offset: string; timestamp: string; key: Buffer | null; value: Buffer | null; headers: Record<string, Buffer | Buffer[]> }[];
}

function registerBinderyCodec(type: CompressionType): void {
  kafkajs.CompressionCodecs[type] = () => ({
    compress: (encoder) => compress(type, encoder.buffer),
    decompress: (buffer) => decompress(type, buffer),
  });
}
registerBinderyCodec(CompressionType.Snappy);
registerBinderyCodec(CompressionType.Lz4);
registerBinderyCodec(CompressionType.Zstd);

const T0 = 1700000000000;
const records: RecordInput[] = [];
for (let i = 0; i < 40; i++) {
  records.push({
    key: i % 7 === 0 ? null : Buffer.from(`key-${i}`),
    value: i % 11 === 5 ? null : Buffer.from(JSON.stringify({ i, text: 'lorem ipsum '.repeat(i % 5) })),
    timestamp: T0 + i * 3,
    headers: i % 3 === 0 ? [] : [{ key: 'content-type', value: Buffer.from('application/json') }, { key: `h${i}`, value: Buffer.from(String(i)) }],
  });
}

/** The same records as kafkajs' encoder takes them. */
function kafkajsRecords(): KafkajsEncoder[] {
  return records.map((r, i) =>
    kafkajsRecord({
      offsetDelta: i,
      timestampDelta: r.timestamp! - T0,
      key: r.key,
      value: r.value,
      headers: Object.fromEntries((r.headers ?? []).map((h) => [h.key, h.value])),
    }),
  );
}

// kafkajs' encoder defaults: leader epoch 0, producer epoch 0, first sequence 0, producer id -1.
function binderyInput(compression: CompressionType): RecordBatchInput {
  return {
    records,
    compression,
    baseOffset: 1000,
    baseTimestamp: T0,
    partitionLeaderEpoch: 0,
    producerId: -1,
    producerEpoch: 0,
    baseSequence: 0,
  };
}

async function kafkajsBatch(compression: CompressionType): Promise<Buffer> {
  const encoder = await kafkajsRecordBatch({
    compression,
    firstOffset: Long.fromNumber(1000),
    firstTimestamp: T0,
    maxTimestamp: T0 + 39 * 3,
    lastOffsetDelta: records.length - 1,
    records: kafkajsRecords(),
  });
  return encoder.buffer;
}

const codecs: [string, CompressionType][] = [
  ['none', CompressionType.None],
  ['gzip (kafkajs built-in)', CompressionType.Gzip],
  ['snappy', CompressionType.Snappy],
  ['lz4', CompressionType.Lz4],
  ['zstd', CompressionType.Zstd],
];

describe.each(codecs)('kafkajs interop, %s', (_name, compression) => {
  test('a batch written by kafkajs decodes with bindery', async () => {
    const batch = await decodeRecordBatch(await kafkajsBatch(compression));
    expect(batch).toMatchObject({ baseOffset: 1000, baseTimestamp: T0, maxTimestamp: T0 + 117, compression, lastOffsetDelta: 39 });
    expect(batch.records).toHaveLength(records.length);
    batch.records.forEach((r, i) => {
      expect(r.offset).toBe(1000 + i);
      expect(r.timestamp).toBe(records[i].timestamp);
      expect(r.key).toEqual(records[i].key);
      expect(r.value).toEqual(records[i].value);
      expect(r.headers).toEqual(records[i].headers);
    });
  });

  test('a batch written by bindery decodes with kafkajs', async () => {
    const ours = await encodeRecordBatch(binderyInput(compression));
    const theirs = await kafkajsDecodeBatch(new KafkajsDecoder(ours));
    expect(theirs).toMatchObject({
      firstOffset: '1000',
      firstTimestamp: String(T0),
      maxTimestamp: String(T0 + 117),
      producerId: '-1',
      producerEpoch: 0,
      firstSequence: 0,
      inTransaction: false,
    });
    expect(theirs.records).toHaveLength(records.length);
    theirs.records.forEach((r, i) => {
      expect(r.offset).toBe(String(1000 + i));
      expect(r.timestamp).toBe(String(records[i].timestamp));
      expect(r.key).toEqual(records[i].key);
      expect(r.value).toEqual(records[i].value);
      expect(r.headers).toEqual(Object.fromEntries((records[i].headers ?? []).map((h) => [h.key, h.value])));
    });
  });

  test('with the same header fields, both encoders write the same bytes', async () => {
    const ours = await encodeRecordBatch(binderyInput(compression));
    const theirs = await kafkajsBatch(compression);
    expect(ours.toString('hex')).toBe(theirs.toString('hex'));
  });
});

describe('single records', () => {
  test('writeRecordEntry writes what kafkajs writes for a record, and readRecordEntry reads it back', () => {
    const w = new ByteWriter();
    const expected: Buffer[] = [];
    records.forEach((r, i) => {
      const entry = { attributes: 0, timestampDelta: r.timestamp! - T0 - 50, offsetDelta: i * 1000, key: r.key ?? null, value: r.value, headers: r.headers ?? [] };
      writeRecordEntry(w, entry);
      expected.push(
        kafkajsRecord({
          offsetDelta: entry.offsetDelta,
          timestampDelta: entry.timestampDelta,
          key: entry.key,
          value: entry.value,
          headers: Object.fromEntries(entry.headers.map((h) => [h.key, h.value])),
        }).buffer,
      );
    });
    expect(w.toBuffer().toString('hex')).toBe(Buffer.concat(expected).toString('hex'));
    const r = new ByteReader(w.toBuffer());
    records.forEach((rec, i) => {
      const e = readRecordEntry(r);
      expect(e).toMatchObject({ offsetDelta: i * 1000, timestampDelta: rec.timestamp! - T0 - 50, key: rec.key ?? null, value: rec.value });
    });
    expect(r.remaining).toBe(0);
  });
});
