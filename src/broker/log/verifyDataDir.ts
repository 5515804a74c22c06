/**
 * The offline check behind `bindery verify-data-dir`: reads every segment of every partition in a
 * data directory, as a consumer checking CRCs would, and reports each bad batch by file, byte
 * position and offsets, and each index entry that does not point at the batch it names. Reads
 * only: no file is created, changed or removed.
 */
import * as path from 'node:path';
import { BATCH } from '../../protocol/records/batchHeader';
import type { FileHandle, FileSystem } from '../storage/FileSystem';
import { batchProblem } from './batchValidation';
import { LOG_SUFFIX, baseOffsetOf, parsePartitionDir, segmentFiles } from './fileNames';
import { OffsetIndex } from './OffsetIndex';
import { TimeIndex } from './TimeIndex';
import { locationAt } from './segmentScan';

export interface DataDirProblem {
  file: string;
  /** Byte position in `file` (a batch in a .log, an entry in a .index). */
  position: number;
  /** The offsets the bad batch or entry names, when its header could be read. */
  offsets: string | null;
  reason: string;
}

export interface DataDirReport {
  partitions: number;
  segments: number;
  batches: number;
  problems: DataDirProblem[];
}

const CHUNK_BYTES = 1024 * 1024;

/** Scans every `<topic>-<partition>` directory under `dataDir`. */
export function verifyDataDir(fs: FileSystem, dataDir: string): DataDirReport {
  const report: DataDirReport = { partitions: 0, segments: 0, batches: 0, problems: [] };
  for (const name of fs.list(dataDir).sort()) {
    if (parsePartitionDir(name) === null) continue;
    const dir = path.join(dataDir, name);
    const bases = fs
      .list(dir)
      .filter((n) => n.endsWith(LOG_SUFFIX))
      .map(baseOffsetOf)
      .filter((b): b is number => b !== null)
      .sort((a, b) => a - b);
    report.partitions++;
    for (const base of bases) {
      report.segments++;
      verifySegment(fs, dir, base, report);
    }
  }
  return report;
}

interface BatchStart {
  position: number;
  baseOffset: number;
  lastOffset: number;
}

function verifySegment(fs: FileSystem, dir: string, base: number, report: DataDirReport): void {
  const { log: logPath, index: indexPath, timeIndex: timeIndexPath } = segmentFiles(dir, base);
  const file = fs.open(logPath);
  const starts: BatchStart[] = [];
  try {
    scanBatches(file, logPath, base, report, starts);
  } finally {
    file.close();
  }
  const index = fs.readFile(indexPath);
  if (index) checkOffsetIndex(index, indexPath, base, starts, report);
  const timeIndex = fs.readFile(timeIndexPath);
  const lastOffset = starts.length > 0 ? starts[starts.length - 1].lastOffset : base - 1;
  if (timeIndex) checkTimeIndex(timeIndex, timeIndexPath, base, lastOffset, report);
}

/** `.timeindex` entries: timestamps and offsets increasing, every offset inside the segment. */
function checkTimeIndex(bytes: Buffer, path: string, base: number, lastOffset: number, report: DataDirReport): void {
  let prevTs = -Infinity;
  let prevRel = -1;
  for (let at = 0; at + TimeIndex.ENTRY_SIZE <= bytes.length; at += TimeIndex.ENTRY_SIZE) {
    const ts = bytes.readInt32BE(at) * 0x100000000 + bytes.readUInt32BE(at + 4);
    const rel = bytes.readInt32BE(at + 8);
    if (ts === 0 && rel === 0) break; // the zero-filled tail of a preallocated index
    const bad = (reason: string): void => {
      report.problems.push({ file: path, position: at, offsets: String(base + rel), reason: `time index entry (timestamp ${ts}, offset ${base + rel}): ${reason}` });
    };
    if (ts <= prevTs || rel < prevRel) bad('timestamps or offsets do not increase');
    else if (rel < 0 || base + rel > lastOffset) bad(`the offset is outside the segment (${base}..${lastOffset})`);
    prevTs = ts;
    prevRel = rel;
  }
}

/** Walks the batches of one `.log`, reporting each bad one; continues past a bad batch while the lengths still chain. */
function scanBatches(file: FileHandle, logPath: string, base: number, report: DataDirReport, starts: BatchStart[]): void {
  const end = file.size();
  let chunk: Buffer = Buffer.alloc(0);
  let chunkStart = 0;
  const bytesAt = (pos: number, n: number): Buffer => {
    if (pos < chunkStart || pos + n > chunkStart + chunk.length) {
      chunk = file.read(pos, Math.max(n, Math.min(CHUNK_BYTES, end - pos)));
      chunkStart = pos;
    }
    return chunk;
  };
  let pos = 0;
  let expectedMin = base;
  while (pos < end) {
    const bad = (reason: string, offsets: string | null): void => {
      report.problems.push({ file: logPath, position: pos, offsets, reason });
    };
    if (end - pos < BATCH.HEADER_SIZE) {
      bad(`the last ${end - pos} bytes are not a whole batch header`, null);
      return;
    }
    const header = bytesAt(pos, BATCH.HEADER_SIZE);
    const loc = locationAt(header, pos - chunkStart, pos);
    const offsets = loc.magic === 2 ? `${loc.baseOffset}..${loc.lastOffset}` : null;
    if (loc.size < BATCH.HEADER_SIZE || pos + loc.size > end) {
      bad(`batch length ${loc.size} does not fit the ${end - pos} bytes left: nothing after this byte can be read`, offsets);
      return;
    }
    const whole = bytesAt(pos, loc.size);
    const problem = batchProblem(whole, pos - chunkStart, pos - chunkStart + loc.size);
    report.batches++;
    if (problem) bad(problem, offsets);
    else if (loc.baseOffset < expectedMin || loc.lastOffset < loc.baseOffset) bad(`offsets go backwards (expected ${expectedMin} or more)`, offsets);
    if (!problem) {
      starts.push({ position: pos, baseOffset: loc.baseOffset, lastOffset: loc.lastOffset });
      expectedMin = Math.max(expectedMin, loc.lastOffset + 1);
    }
    pos += loc.size;
  }
}

/** Every entry of a `.index` must name a batch start whose offsets cover the entry's offset or follow it. */
function checkOffsetIndex(bytes: Buffer, indexPath: string, base: number, starts: BatchStart[], report: DataDirReport): void {
  let k = 0;
  let prevRel = -1;
  for (let at = 0; at + OffsetIndex.ENTRY_SIZE <= bytes.length; at += OffsetIndex.ENTRY_SIZE) {
    const rel = bytes.readInt32BE(at);
    const pos = bytes.readInt32BE(at + 4);
    if (rel === 0 && pos === 0 && at > 0) break; // the zero-filled tail of a preallocated index
    const bad = (reason: string): void => {
      report.problems.push({ file: indexPath, position: at, offsets: String(base + rel), reason: `index entry (offset ${base + rel}, byte ${pos}): ${reason}` });
    };
    if (rel <= prevRel) bad('offsets do not increase');
    prevRel = rel;
    while (k < starts.length && starts[k].position < pos) k++;
    const start = starts[k];
    if (!start || start.position !== pos) bad('no intact batch starts at that byte');
    else if (start.baseOffset > base + rel) bad(`the batch there starts at offset ${start.baseOffset}, after the entry's offset`);
  }
  if (bytes.length % OffsetIndex.ENTRY_SIZE !== 0) {
    report.problems.push({ file: indexPath, position: bytes.length, offsets: null, reason: `size ${bytes.length} is not a multiple of ${OffsetIndex.ENTRY_SIZE}` });
  }
}
