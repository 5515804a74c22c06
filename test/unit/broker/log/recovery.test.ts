import { MemoryFileSystem } from '../../../../src/broker/storage/MemoryFileSystem';
import { Log } from '../../../../src/broker/log/Log';
import type { LogConfig } from '../../../../src/broker/log/types';
import { decodeRecords, makeSimpleBatch } from '../../../support/log-children/batches';
import { warningsInto } from '../../../support/capturingLogger';

const DIR = '/data/events-3';
const SEG0 = `${DIR}/00000000000000000000`;

function open(fs: MemoryFileSystem, config: Partial<LogConfig> = {}, recoveryPoint = 0) {
  const warnings: string[] = [];
  const now = () => 1_700_000_000_000;
  const log = Log.open(DIR, config, { fs, recoveryPoint, now, logger: warningsInto(warnings) });
  return { log, warnings };
}

async function offsets(log: Log): Promise<number[]> {
  const out: number[] = [];
  let at = log.logStartOffset;
  while (at < log.logEndOffset) {
    const r = log.read(at, 1 << 30);
    if (r.records.length === 0) break;
    out.push(...(await decodeRecords(r.records)).map((x) => x.offset));
    at = r.nextOffset;
  }
  return out;
}

/** A log with `batches` batches of 2 records, closed without a clean shutdown (files left as they are). */
async function crashedLog(batches: number, config: Partial<LogConfig> = {}) {
  const fs = new MemoryFileSystem();
  const { log } = open(fs, config);
  const positions: number[] = [];
  for (let i = 0; i < batches; i++) positions.push(log.append(await makeSimpleBatch(2, `c${i}`, 50)).position);
  return { fs, positions };
}

function patch(fs: MemoryFileSystem, file: string, at: number, mutate: (b: number) => number) {
  const h = fs.open(file);
  const byte = h.read(at, 1);
  h.writeAt(Buffer.from([mutate(byte[0])]), at);
  h.close();
}

describe('Log recovery', () => {
  it('keeps every batch of a cleanly written log', async () => {
    const { fs } = await crashedLog(5);
    const { log, warnings } = open(fs);
    expect(warnings).toEqual([]);
    expect(await offsets(log)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('truncates a torn tail (a partial batch) and warns with the file and offset', async () => {
    const { fs } = await crashedLog(4);
    const h = fs.open(`${SEG0}.log`);
    h.truncate(h.size() - 7);
    h.close();
    const { log, warnings } = open(fs);
    expect(log.logEndOffset).toBe(6);
    expect(await offsets(log)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`${SEG0}.log`);
    expect(warnings[0]).toContain('offset 6');
    expect(log.append(await makeSimpleBatch(1)).firstOffset).toBe(6);
  });

  it('truncates from the first batch whose bytes were flipped, even with good batches after it', async () => {
    const { fs, positions } = await crashedLog(5);
    patch(fs, `${SEG0}.log`, positions[2] + 70, (b) => b ^ 0xff);
    const { log, warnings } = open(fs);
    expect(await offsets(log)).toEqual([0, 1, 2, 3]);
    expect(warnings.join('\n')).toMatch(/CRC-32C mismatch .* at byte \d+/);
    expect(warnings[0]).toContain(`byte ${positions[2]}`);
  });

  it('truncates at a batch whose length field was garbled', async () => {
    const { fs, positions } = await crashedLog(3);
    patch(fs, `${SEG0}.log`, positions[1] + 8, () => 0x7f);
    const { log, warnings } = open(fs);
    expect(await offsets(log)).toEqual([0, 1]);
    expect(warnings).toHaveLength(1);
  });

  it('keeps the segments after a closed segment with damage; a closed segment is cut only where its headers stop chaining', async () => {
    const { fs, positions } = await crashedLog(6, { segmentBytes: 400 });
    const before = open(fs, { segmentBytes: 400 }).log;
    const bases = before.segmentBaseOffsets;
    expect(bases.length).toBeGreaterThan(2);
    before.close();
    patch(fs, `${SEG0}.log`, positions[0] + 80, (b) => b ^ 1);
    const flipped = open(fs, { segmentBytes: 400 });
    expect(flipped.log.segmentBaseOffsets).toEqual(bases);
    expect(await offsets(flipped.log)).toEqual([...Array(12).keys()]);
    expect(flipped.warnings.join('\n')).toMatch(/CRC-32C mismatch .* at byte 0; the segment is closed, so it is kept/);
    flipped.log.close();
    patch(fs, `${SEG0}.log`, positions[1] + 8, () => 0x7f);
    const garbled = open(fs, { segmentBytes: 400 });
    expect(garbled.log.segmentBaseOffsets).toEqual(bases);
    expect(await offsets(garbled.log)).toEqual([0, 1, ...[...Array(12).keys()].slice(bases[1])]);
    expect(garbled.warnings.some((w) => w.includes('cut there'))).toBe(true);
  });

  it('rebuilds a missing or corrupt index of a segment below the recovery point', async () => {
    const fs = new MemoryFileSystem();
    const { log } = open(fs, { segmentBytes: 600, indexIntervalBytes: 100 });
    for (let i = 0; i < 10; i++) log.append(await makeSimpleBatch(2, `i${i}`, 50));
    log.close();
    const expected = [...Array(20).keys()];
    fs.remove(`${SEG0}.timeindex`);
    const noTimeIndex = open(fs, { segmentBytes: 600, indexIntervalBytes: 100 }, 20);
    expect(noTimeIndex.warnings.some((w) => w.includes('rebuilding'))).toBe(true);
    expect(noTimeIndex.log.offsetForTimestamp(1_700_000_000_000)).toEqual({ offset: 0, timestamp: 1_700_000_000_000 });
    noTimeIndex.log.close();
    expect(fs.readFile(`${SEG0}.timeindex`)!.length).toBeGreaterThan(0);
    fs.remove(`${SEG0}.index`);
    const reopened = open(fs, { segmentBytes: 600, indexIntervalBytes: 100 }, 20);
    expect(await offsets(reopened.log)).toEqual(expected);
    expect(reopened.log.read(13, 1).records.length).toBeGreaterThan(0);
    reopened.log.close();
    const idx = fs.open(`${SEG0}.index`);
    idx.writeAt(Buffer.from([0, 0, 0x7f, 0, 0, 0x7f, 0, 0]), 0);
    idx.close();
    const again = open(fs, { segmentBytes: 600, indexIntervalBytes: 100 }, 20);
    expect(again.warnings.some((w) => w.includes('.index') && w.includes('rebuilding'))).toBe(true);
    expect(await offsets(again.log)).toEqual(expected);
  });

  it('deletes leftovers of interrupted work (.cleaned, .deleted)', async () => {
    const { fs } = await crashedLog(2);
    fs.open(`${DIR}/00000000000000000005.log.cleaned`).close();
    fs.open(`${DIR}/00000000000000000000.log.deleted`).close();
    const { log } = open(fs);
    expect(fs.list(DIR).filter((n) => n.endsWith('.cleaned') || n.endsWith('.deleted'))).toEqual([]);
    expect(await offsets(log)).toEqual([0, 1, 2, 3]);
  });

  it('finishes an interrupted swap: the .swap segment replaces the segments it covers', async () => {
    const fs = new MemoryFileSystem();
    const { log } = open(fs, { segmentBytes: 300 });
    for (let i = 0; i < 4; i++) log.append(await makeSimpleBatch(2, `s${i}`, 80));
    log.close();
    expect(log.segmentBaseOffsets).toEqual([0, 2, 4, 6]);
    // compaction output for segments 0 and 2: batch 2..3 only (as if 0..1 were superseded)
    const cleaned = fs.readFile(`${DIR}/00000000000000000002.log`)!;
    const swap = fs.open(`${SEG0}.log.swap`);
    swap.append(cleaned);
    swap.close();
    fs.rename(`${SEG0}.log`, `${SEG0}.log.deleted`);
    const { log: reopened, warnings } = open(fs, { segmentBytes: 300 });
    expect(warnings.some((w) => w.includes('swap'))).toBe(true);
    expect(reopened.segmentBaseOffsets).toEqual([0, 4, 6]);
    expect(await offsets(reopened)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(fs.list(DIR).filter((n) => /swap|deleted/.test(n))).toEqual([]);
  });
});
