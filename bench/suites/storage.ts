/**
 * Storage benchmarks, side by side in one run on one disk:
 * - storage-append: Log.append (validation + CRC-32C + offset assignment + index upkeep) of
 *   1 KiB records in batches of 16 KiB..1 MiB, no fsync, vs plain fs.writeSync of the same bytes,
 *   and vs writeSync plus a CRC-32C of each batch (the least a log that validates must do).
 * - storage-read: sequential Log.read of 1 MiB fetches vs plain fs.readSync of the same file.
 * Both sides alternate in slices within one run; each line is the run with the median ratio of five.
 * Then the codec benchmarks (bench/codecs.ts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Log } from '../../src/broker/log/Log';
import { encodeRecordBatchSync } from '../../src/protocol/records';
import { crc32c } from '../../src/protocol/crc32c';
import { runCodecBenchmarks } from '../codecs';
import type { Reporter } from '../report';
import { silentLogger } from '../../src/logging';

const RECORD_BYTES = 1024;
const TOTAL_BYTES = 256 * 1024 * 1024;
const ROUNDS = 5;
const BATCH_SIZES = [16 * 1024, 64 * 1024, 256 * 1024, 1024 * 1024];
const FETCH_BYTES = 1024 * 1024;
/** Raw and log take turns every this many bytes, so load from other processes hits both alike. */
const SLICE_BYTES = 8 * 1024 * 1024;

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

/**
 * Appends the same batch to a Log and with plain writeSync to a file, alternating slices of
 * SLICE_BYTES so both sides see the same machine load (the machines are shared); returns MB/s of each.
 */
function appendSideBySide(dir: string, file: string, batch: Buffer): { log: number; raw: number; rawCrc: number } {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(file, { force: true });
  const log = Log.open(dir, {}, { logger: silentLogger });
  const fd = fs.openSync(file, 'w');
  const perSlice = Math.max(1, Math.round(SLICE_BYTES / batch.length));
  const slices = Math.ceil(TOTAL_BYTES / (perSlice * batch.length));
  let logMs = 0;
  let rawMs = 0;
  let rawCrcMs = 0;
  let checksum = 0;
  for (let s = 0; s < slices; s++) {
    let t = nowMs();
    for (let i = 0; i < perSlice; i++) fs.writeSync(fd, batch);
    rawMs += nowMs() - t;
    t = nowMs();
    for (let i = 0; i < perSlice; i++) {
      checksum ^= crc32c(batch.subarray(21));
      fs.writeSync(fd, batch);
    }
    rawCrcMs += nowMs() - t;
    t = nowMs();
    for (let i = 0; i < perSlice; i++) log.append(batch);
    logMs += nowMs() - t;
  }
  fs.closeSync(fd);
  log.close();
  const mb = (slices * perSlice * batch.length) / 1e6;
  if (checksum === 0.5) console.log(checksum); // keeps the CRC from being optimised away
  return { log: mb / (logMs / 1000), raw: mb / (rawMs / 1000), rawCrc: mb / (rawCrcMs / 1000) };
}

/** Sequential 1 MiB fetches through Log.read vs readSync of the raw file, alternating slices. */
function readSideBySide(dir: string, file: string): { log: number; raw: number } {
  const log = Log.open(dir, {}, { logger: silentLogger, recoveryPoint: Infinity });
  const fd = fs.openSync(file, 'r');
  const size = fs.fstatSync(fd).size;
  let offset = log.logStartOffset;
  let pos = 0;
  let logBytes = 0;
  let logMs = 0;
  let rawMs = 0;
  while (pos < size || offset < log.logEndOffset) {
    let t = nowMs();
    for (const end = Math.min(size, pos + SLICE_BYTES); pos < end; ) {
      const buf = Buffer.allocUnsafe(Math.min(FETCH_BYTES, size - pos));
      pos += fs.readSync(fd, buf, 0, buf.length, pos);
    }
    rawMs += nowMs() - t;
    t = nowMs();
    for (let read = 0; read < SLICE_BYTES && offset < log.logEndOffset; ) {
      const r = log.read(offset, FETCH_BYTES);
      read += r.records.length;
      offset = r.nextOffset;
    }
    logMs += nowMs() - t;
  }
  logBytes = log.sizeInBytes;
  fs.closeSync(fd);
  log.close();
  return { log: logBytes / 1e6 / (logMs / 1000), raw: size / 1e6 / (rawMs / 1000) };
}

/** The run whose log/raw ratio is the median. */
function median<T extends { log: number; raw: number }>(runs: T[]): T & { ratio: number } {
  const sorted = runs.map((r) => ({ ...r, ratio: r.log / r.raw })).sort((a, b) => a.ratio - b.ratio);
  return sorted[Math.floor(sorted.length / 2)];
}

export async function run(report: Reporter): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-bench-storage-'));
  const logDir = path.join(root, 'bench-0');
  const rawFile = path.join(root, 'raw.bin');
  try {
    // warm-up: fresh memory and page cache are slow on first touch
    appendSideBySide(logDir, rawFile, makeBatch(1024 * 1024));

    for (const size of BATCH_SIZES) {
      const batch = makeBatch(size);
      const best = median(Array.from({ length: ROUNDS }, () => appendSideBySide(logDir, rawFile, batch)));
      report('storage-append', {
        batch_kib: Math.round(batch.length / 1024),
        record_bytes: RECORD_BYTES,
        total_mib: TOTAL_BYTES / 1024 / 1024,
        mb_per_s: Math.round(best.log),
        raw_mb_per_s: Math.round(best.raw),
        raw_crc_mb_per_s: Math.round(best.rawCrc),
        ratio_to_raw: Number(best.ratio.toFixed(3)),
        ratio_to_raw_crc: Number((best.log / best.rawCrc).toFixed(3)),
      });
    }

    // the last append left a log and a raw file of the same bytes (1 MiB batches)
    readSideBySide(logDir, rawFile);
    const best = median(Array.from({ length: ROUNDS }, () => readSideBySide(logDir, rawFile)));
    report('storage-read', {
      fetch_kib: FETCH_BYTES / 1024,
      total_mib: TOTAL_BYTES / 1024 / 1024,
      mb_per_s: Math.round(best.log),
      raw_mb_per_s: Math.round(best.raw),
      ratio_to_raw: Number(best.ratio.toFixed(3)),
    });
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  await runCodecBenchmarks(report);
}
