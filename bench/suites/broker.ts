/**
 * The broker's data plane, on disk, in one process:
 * - broker-produce: Broker.produce (acks=1) of pre-encoded batches vs raw fs.writeSync of the
 *   same bytes to a file in the same directory, in the same run (raw_ratio = broker ÷ raw).
 * - broker-fetch-wakeup: a fetch waiting in the purgatory, then an append: time from the
 *   produce call to the fetch's answer.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Reporter } from '../report';
import { Broker } from '../../src/broker/Broker';
import { encodeRecordBatchSync } from '../../src/protocol/records/encodeBatch';
import { BATCH } from '../../src/protocol/records/batchHeader';
import { crc32c } from '../../src/protocol/crc32c';

const TARGET_BYTES = 16 * 1024 * 1024;
/** Short alternating runs, best of each side: other processes on a shared machine cost a run, never help it. */
const ROUNDS = 15;

function encodeBatch(records: number, recordBytes: number): Buffer {
  const value = Buffer.alloc(recordBytes, 'x');
  return encodeRecordBatchSync({ records: Array.from({ length: records }, () => ({ key: null, value })) });
}

/** Distinct copies of one batch adding up to about `TARGET_BYTES` (the broker takes ownership of each). */
function batchesFor(records: number, recordBytes: number): Buffer[] {
  const one = encodeBatch(records, recordBytes);
  const n = Math.max(20, Math.floor(TARGET_BYTES / one.length));
  return Array.from({ length: n }, () => Buffer.from(one));
}

/** Sequential fs.writeSync of the batches; with `crc`, each batch's CRC-32C is also checked (what validation costs at least). */
function rawWrite(dir: string, batches: Buffer[], crc = false): number {
  const file = path.join(dir, `raw-${process.hrtime.bigint()}.bin`);
  const fd = fs.openSync(file, 'a');
  const start = process.hrtime.bigint();
  for (const b of batches) {
    if (crc && crc32c(b.subarray(BATCH.CRC_START)) !== b.readUInt32BE(BATCH.CRC)) throw new Error('bad CRC');
    fs.writeSync(fd, b);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  fs.closeSync(fd);
  fs.rmSync(file);
  return seconds;
}

async function brokerWrite(broker: Broker, topic: string, batches: Buffer[]): Promise<number> {
  await broker.createTopics({ topics: [{ name: topic, numPartitions: 1 }] });
  const start = process.hrtime.bigint();
  for (const records of batches) {
    const res = await broker.produce({ acks: 1, topics: [{ name: topic, partitions: [{ index: 0, records }] }] });
    const p = res.responses[0].partitionResponses[0];
    if (p.errorCode !== 0) throw new Error(`produce failed: ${p.errorCode} ${p.errorMessage}`);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await broker.deleteTopics({ topicNames: [topic] });
  return seconds;
}

async function produceSuite(report: Reporter, broker: Broker, dir: string): Promise<void> {
  // Warm up page cache, allocator and JIT on both paths.
  const warm = batchesFor(100, 100);
  rawWrite(dir, warm);
  await brokerWrite(broker, 'warmup', batchesFor(100, 100));
  for (const recordBytes of [100, 1024]) {
    for (const perBatch of [100, 1000]) {
      const forBroker = batchesFor(perBatch, recordBytes);
      const forRaw = forBroker.map((b) => Buffer.from(b));
      const bytes = forBroker.reduce((n, b) => n + b.length, 0);
      const records = forBroker.length * perBatch;
      // Alternate raw and broker runs and keep each one's best.
      let raw = Infinity;
      let rawCrc = Infinity;
      let ours = Infinity;
      for (let round = 0; round < ROUNDS; round++) {
        raw = Math.min(raw, rawWrite(dir, forRaw));
        rawCrc = Math.min(rawCrc, rawWrite(dir, forRaw, true));
        ours = Math.min(ours, await brokerWrite(broker, `bench-${recordBytes}-${perBatch}-${round}`, round === 0 ? forBroker : forBroker.map((b) => Buffer.from(b))));
      }
      report('broker-produce', {
        record_bytes: recordBytes,
        batch_records: perBatch,
        acks: 1,
        records_per_s: Math.round(records / ours),
        mb_per_s: bytes / ours / 1e6,
        raw_mb_per_s: bytes / raw / 1e6,
        raw_crc_mb_per_s: bytes / rawCrc / 1e6,
        raw_ratio: raw / ours,
      });
    }
  }
}

async function wakeupSuite(report: Reporter, broker: Broker): Promise<void> {
  await broker.createTopics({ topics: [{ name: 'wakeup', numPartitions: 1 }] });
  const template = encodeBatch(1, 100);
  const samples: number[] = [];
  let offset = 0;
  for (let i = 0; i < 3000; i++) {
    const waiting = broker.fetch({ maxWaitMs: 10_000, minBytes: 1, topics: [{ topic: 'wakeup', partitions: [{ partition: 0, fetchOffset: offset, partitionMaxBytes: 1 << 20 }] }] });
    await new Promise<void>((resolve) => setImmediate(resolve));
    const start = process.hrtime.bigint();
    void broker.produce({ acks: 1, topics: [{ name: 'wakeup', partitions: [{ index: 0, records: Buffer.from(template) }] }] });
    const res = await waiting;
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (res.responses[0].partitions[0].records?.length === 0) throw new Error('woken fetch returned no records');
    if (i >= 200) samples.push(ms);
    offset++;
  }
  samples.sort((a, b) => a - b);
  const pct = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
  report('broker-fetch-wakeup', { samples: samples.length, p50_ms: pct(0.5), p99_ms: pct(0.99), max_ms: samples[samples.length - 1] });
}

export async function run(report: Reporter): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-bench-broker-'));
  const broker = await Broker.open({ dataDir: path.join(dir, 'data') });
  try {
    await produceSuite(report, broker, dir);
    await wakeupSuite(report, broker);
  } finally {
    await broker.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
