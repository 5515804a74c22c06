/**
 * Codec benchmarks, run by the storage suite: per compression codec the compress and decompress
 * throughput (MB of uncompressed data per second) and the ratio on the same JSON-like batch
 * payload, CRC-32C native vs JS, and RecordBatch encode+decode next to kafkajs' own codec.
 * Everything is warmed up before it is timed; each figure is the best of a few timed rounds.
 */
import { compress, decompress } from '../src/protocol/compression';
import { crc32cJs, crc32cNative } from '../src/protocol/crc32c';
import { CompressionType, decodeRecordBatch, encodeRecordBatch, type RecordInput } from '../src/protocol/records';
import type { Reporter } from './report';

const MB = 1e6;
const ROUND_MS = 250;
const ROUNDS = 3;

/** JSON lines like those services send: ~110-byte objects with repeating field names. */
function jsonLikePayload(bytes: number): Buffer {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line = JSON.stringify({
      id: 100000 + i,
      user: `user-${(i * 7919) % 5000}`,
      action: ['view', 'click', 'purchase', 'scroll'][i % 4],
      amount: Math.round(((i * 37) % 10000) / 7) / 10,
      at: new Date(1700000000000 + i * 1013).toISOString(),
    });
    lines.push(line);
    size += line.length + 1;
  }
  return Buffer.from(lines.join('\n')).subarray(0, bytes);
}

function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Best throughput over ROUNDS rounds of at least ROUND_MS each; `op` processes `bytes` per call. */
async function throughput(bytes: number, op: () => unknown): Promise<number> {
  let best = 0;
  for (let round = 0; round < ROUNDS; round++) {
    let calls = 0;
    const start = nowMs();
    let elapsed = 0;
    do {
      await op();
      calls++;
      elapsed = nowMs() - start;
    } while (elapsed < ROUND_MS);
    best = Math.max(best, (calls * bytes) / MB / (elapsed / 1000));
  }
  return best;
}

async function warmUp(op: () => unknown, times = 5): Promise<void> {
  for (let i = 0; i < times; i++) await op();
}

const CODECS: [string, CompressionType][] = [
  ['gzip', CompressionType.Gzip],
  ['snappy', CompressionType.Snappy],
  ['lz4', CompressionType.Lz4],
  ['zstd', CompressionType.Zstd],
];

async function benchCompression(report: Reporter, payload: Buffer): Promise<void> {
  for (const [name, type] of CODECS) {
    const packed = await compress(type, payload);
    await warmUp(() => compress(type, payload));
    await warmUp(() => decompress(type, packed));
    const compressMbPerS = await throughput(payload.length, () => compress(type, payload));
    const decompressMbPerS = await throughput(payload.length, () => decompress(type, packed));
    report(`codec-${name}`, {
      compress_mb_per_s: compressMbPerS,
      decompress_mb_per_s: decompressMbPerS,
      ratio: payload.length / packed.length,
      input_bytes: payload.length,
    });
  }
}

async function benchCrc(report: Reporter, payload: Buffer): Promise<void> {
  const native = crc32cNative;
  await warmUp(() => crc32cJs(payload), 20);
  const jsMbPerS = await throughput(payload.length, () => crc32cJs(payload));
  if (native === null) {
    report('crc32c', { native_mb_per_s: 'unavailable', js_mb_per_s: jsMbPerS });
    return;
  }
  await warmUp(() => native(payload), 20);
  const nativeMbPerS = await throughput(payload.length, () => native(payload));
  report('crc32c', { native_mb_per_s: nativeMbPerS, js_mb_per_s: jsMbPerS, native_vs_js: nativeMbPerS / jsMbPerS });
}

/* eslint-disable @typescript-eslint/no-require-imports */
interface KafkajsEncoder {
  buffer: Buffer;
}
function kafkajsCodec(): { encodeDecode(records: RecordInput[], t0: number): Promise<number> } {
  const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as {
    RecordBatch(args: Record<string, unknown>): Promise<KafkajsEncoder>;
  };
  const Record = require('kafkajs/src/protocol/recordBatch/record/v0') as (args: Record<string, unknown>) => KafkajsEncoder;
  const decodeBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder') as (d: unknown) => Promise<{ records: unknown[] }>;
  const Decoder = require('kafkajs/src/protocol/decoder') as new (b: Buffer) => unknown;
  return {
    async encodeDecode(records, t0) {
      const encoded = await RecordBatch({
        firstTimestamp: t0,
        maxTimestamp: t0,
        lastOffsetDelta: records.length - 1,
        records: records.map((r, i) => Record({ offsetDelta: i, timestampDelta: 0, key: r.key, value: r.value, headers: {} })),
      });
      return (await decodeBatch(new Decoder(encoded.buffer))).records.length;
    },
  };
}
/* eslint-enable @typescript-eslint/no-require-imports */

async function benchRecordBatch(report: Reporter): Promise<void> {
  const t0 = 1700000000000;
  const records: RecordInput[] = [];
  for (let i = 0; i < 1000; i++) {
    records.push({
      key: Buffer.from(`user-${i % 100}`),
      value: Buffer.from(JSON.stringify({ id: i, action: 'view', page: `/products/${i % 37}`, at: t0 + i })),
      timestamp: t0,
    });
  }
  const ours = async (): Promise<number> => (await decodeRecordBatch(await encodeRecordBatch({ records, baseTimestamp: t0 }))).records.length;
  const kafkajs = kafkajsCodec();
  const theirs = (): Promise<number> => kafkajs.encodeDecode(records, t0);
  await warmUp(ours, 50);
  await warmUp(theirs, 50);
  // throughput() counts "bytes"; here each call handles 1000 records, reported in messages per second.
  const oursMsgs = (await throughput(records.length, ours)) * MB;
  const theirsMsgs = (await throughput(records.length, theirs)) * MB;
  report('recordbatch-encode-decode', {
    bindery_msgs_per_s: Math.round(oursMsgs),
    kafkajs_msgs_per_s: Math.round(theirsMsgs),
    bindery_vs_kafkajs: oursMsgs / theirsMsgs,
    records_per_batch: records.length,
  });
}

export async function runCodecBenchmarks(report: Reporter): Promise<void> {
  const payload = jsonLikePayload(1024 * 1024);
  await benchCompression(report, payload);
  await benchCrc(report, payload);
  await benchRecordBatch(report);
}
