/**
 * Storage benchmarks, side by side in one run on one disk:
 * - storage-append: Log.append (validation + CRC-32C + offset assignment + index upkeep) of
 *   1 KiB records in batches of 16 KiB..1 MiB, no fsync, vs plain fs.writeSync of the same bytes.
 * - storage-read: sequential Log.read of 1 MiB fetches vs plain fs.readSync of the same file.
 * Then the codec benchmarks (bench/codecs.ts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Log } from '../../src/broker/log/Log';
import { encodeRecordBatchSync } from '../../src/protocol/records';
import { runCodecBenchmarks } from '../codecs';
import type { Reporter } from '../report';

const RECORD_BYTES = 1024;
const TOTAL_BYTES = 256 * 1024 * 1024;
const ROUNDS = 3;
const BATCH_SIZES = [16 * 1024, 64 * 1024, 256 * 1024, 1024 * 1024];
const FETCH_BYTES = 1024 * 1024;

function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** One RecordBatch of 1 KiB records (random-ish values, so nothing is unrealistically compressible). */
function makeBatch(batchBytes: number): Buffer {
  const count = Math.max(1, Math.floor(batchBytes / (RECORD_BYTES + 16)));
  const value = Buffer.alloc(RECORD_BYTES - 16);
  for (let i = 0; i < value.length; i++) value[i] = (i * 2654435761) >>> 24;
  const records = Array.from({ length: count }, (_, i) => ({ key: Buffer.from(`key-${String(i).padStart(8, '0')}`), value }));
  return encodeRecordBatchSync({ records, baseTimestamp: Date.now() });
}

function appendLog(dir: string, batch: Buffer): number {
  fs.rmSync(dir, { recursive: true, force: true });
  const log = Log.open(dir, {}, { logger: { warn: () => undefined } });
  const n = Math.ceil(TOTAL_BYTES / batch.length);
  const start = nowMs();
  for (let i = 0; i < n; i++) log.append(batch);
  const ms = nowMs() - start;
  log.close();
  return (n * batch.length) / 1e6 / (ms / 1000);
}

function appendRaw(file: string, batch: Buffer): number {
  fs.rmSync(file, { force: true });
  const fd = fs.openSync(file, 'w');
  const n = Math.ceil(TOTAL_BYTES / batch.length);
  const start = nowMs();
  for (let i = 0; i < n; i++) fs.writeSync(fd, batch);
  const ms = nowMs() - start;
  fs.closeSync(fd);
  return (n * batch.length) / 1e6 / (ms / 1000);
}

function readLog(dir: string): number {
  const log = Log.open(dir, {}, { logger: { warn: () => undefined }, recoveryPoint: Infinity });
  let offset = log.logStartOffset;
  let bytes = 0;
  const start = nowMs();
  while (offset < log.logEndOffset) {
    const r = log.read(offset, FETCH_BYTES);
    bytes += r.records.length;
    offset = r.nextOffset;
  }
  const ms = nowMs() - start;
  log.close();
  return bytes / 1e6 / (ms / 1000);
}

function readRaw(file: string): number {
  const fd = fs.openSync(file, 'r');
  const size = fs.fstatSync(fd).size;
  let pos = 0;
  const start = nowMs();
  while (pos < size) {
    const buf = Buffer.allocUnsafe(Math.min(FETCH_BYTES, size - pos));
    pos += fs.readSync(fd, buf, 0, buf.length, pos);
  }
  const ms = nowMs() - start;
  fs.closeSync(fd);
  return size / 1e6 / (ms / 1000);
}

function best(rounds: number, run: () => number): number {
  let top = 0;
  for (let i = 0; i < rounds; i++) top = Math.max(top, run());
  return top;
}

export async function run(report: Reporter): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-bench-storage-'));
  const logDir = path.join(root, 'bench-0');
  const rawFile = path.join(root, 'raw.bin');
  try {
    // warm-up: fresh memory and page cache are slow on first touch
    const warm = makeBatch(1024 * 1024);
    appendRaw(rawFile, warm);
    appendLog(logDir, warm);

    for (const size of BATCH_SIZES) {
      const batch = makeBatch(size);
      let log = 0;
      let raw = 0;
      for (let i = 0; i < ROUNDS; i++) {
        raw = Math.max(raw, appendRaw(rawFile, batch));
        log = Math.max(log, appendLog(logDir, batch));
      }
      report('storage-append', {
        batch_kib: Math.round(batch.length / 1024),
        record_bytes: RECORD_BYTES,
        total_mib: TOTAL_BYTES / 1024 / 1024,
        mb_per_s: Math.round(log),
        raw_mb_per_s: Math.round(raw),
        ratio_to_raw: Number((log / raw).toFixed(3)),
      });
    }

    // the last append left a log and a raw file of the same bytes (1 MiB batches)
    readRaw(rawFile);
    readLog(logDir);
    const raw = best(ROUNDS, () => readRaw(rawFile));
    const log = best(ROUNDS, () => readLog(logDir));
    report('storage-read', {
      fetch_kib: FETCH_BYTES / 1024,
      total_mib: TOTAL_BYTES / 1024 / 1024,
      mb_per_s: Math.round(log),
      raw_mb_per_s: Math.round(raw),
      ratio_to_raw: Number((log / raw).toFixed(3)),
    });
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  await runCodecBenchmarks(report);
}
