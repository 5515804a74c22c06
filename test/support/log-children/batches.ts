/**
 * Test batches built and decoded by kafkajs's own RecordBatch v2 codec, independent of the
 * code under test. Used by the log tests and the crash-test child process.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const Long = require('kafkajs/src/utils/long');
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0');
const RecordEncoder = require('kafkajs/src/protocol/recordBatch/record/v0');
const RecordBatchDecoder = require('kafkajs/src/protocol/recordBatch/v0/decoder');
const Decoder = require('kafkajs/src/protocol/decoder');
const kafkajsCrc32C = require('kafkajs/src/protocol/recordBatch/crc32C') as (buf: Buffer) => number;
/* eslint-enable @typescript-eslint/no-require-imports */

export interface TestRecord {
  key?: string | Buffer | null;
  value: string | Buffer | null;
  timestamp?: number;
}

export interface BatchOptions {
  /** Base timestamp; record timestamps default to it. */
  timestamp?: number;
  /** Codec id (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd). */
  compression?: number;
  baseOffset?: number;
  /** Extra offset gaps per record (to build batches that already carry compacted offsets). */
  offsetDeltas?: number[];
}

const asBuffer = (v: string | Buffer | null | undefined): Buffer | null =>
  v === null || v === undefined ? null : Buffer.isBuffer(v) ? v : Buffer.from(v);

/** One RecordBatch v2 (magic 2, CRC-32C) holding `records`. */
export async function makeBatch(records: TestRecord[], options: BatchOptions = {}): Promise<Buffer> {
  const base = options.timestamp ?? 1_700_000_000_000;
  const timestamps = records.map((r) => r.timestamp ?? base);
  const first = Math.min(...timestamps);
  const deltas = options.offsetDeltas ?? records.map((_, i) => i);
  const encoded = records.map((r, i) =>
    RecordEncoder({
      offsetDelta: deltas[i],
      timestampDelta: timestamps[i] - first,
      key: asBuffer(r.key),
      value: asBuffer(r.value),
    }),
  );
  const encoder = await RecordBatch({
    compression: options.compression ?? 0,
    firstOffset: Long.fromNumber(options.baseOffset ?? 0),
    firstTimestamp: first,
    maxTimestamp: Math.max(...timestamps),
    lastOffsetDelta: deltas[deltas.length - 1],
    records: encoded,
  });
  return Buffer.from(encoder.buffer);
}

/** `count` records `prefix-i` with keys `k-i`, each `valueBytes` long. */
export async function makeSimpleBatch(count: number, prefix = 'v', valueBytes = 0, options: BatchOptions = {}): Promise<Buffer> {
  const records = Array.from({ length: count }, (_, i) => {
    const text = `${prefix}-${i}`;
    return { key: `k-${i}`, value: valueBytes > text.length ? text.padEnd(valueBytes, '.') : text };
  });
  return makeBatch(records, options);
}

export interface DecodedRecord {
  offset: number;
  timestamp: number;
  key: string | null;
  value: string | null;
}

/** Every record of concatenated batches, via kafkajs's decoder. */
export async function decodeRecords(data: Buffer): Promise<DecodedRecord[]> {
  const out: DecodedRecord[] = [];
  const decoder = new Decoder(data);
  while (decoder.canReadBytes(12)) {
    const batch = await RecordBatchDecoder(decoder);
    for (const r of batch.records) {
      out.push({
        offset: Number(r.offset),
        timestamp: Number(r.timestamp),
        key: r.key === null ? null : r.key.toString(),
        value: r.value === null ? null : r.value.toString(),
      });
    }
  }
  return out;
}

/** Checks every batch's CRC-32C with kafkajs's implementation; returns the batch count, throws on a mismatch. */
export function verifyBatchCrcs(data: Buffer): number {
  let at = 0;
  let count = 0;
  while (at + 12 <= data.length) {
    const size = data.readInt32BE(at + 8) + 12;
    const stored = data.readUInt32BE(at + 17);
    const actual = kafkajsCrc32C(data.subarray(at + 21, at + size)) >>> 0;
    if (stored !== actual) throw new Error(`batch ${count} at byte ${at}: stored CRC ${stored}, computed ${actual}`);
    at += size;
    count++;
  }
  if (at !== data.length) throw new Error(`${data.length - at} bytes after the last whole batch`);
  return count;
}
