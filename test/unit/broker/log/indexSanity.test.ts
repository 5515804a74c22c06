/**
 * A wrong index entry never makes a read skip records: the batch found through the index must
 * cover the wanted offset (else the segment is scanned), and an index that fails the sanity
 * check on load (entries past the segment, not increasing, stale entries after the last) is rebuilt.
 */
import { MemoryFileSystem } from '../../../../src/broker/storage/MemoryFileSystem';
import { Log } from '../../../../src/broker/log/Log';
import type { LogConfig } from '../../../../src/broker/log/types';
import { decodeRecords, makeSimpleBatch } from '../../../support/log-children/batches';
import { warningsInto } from '../../../support/capturingLogger';

const DIR = '/data/idx-0';
const SEG0 = `${DIR}/00000000000000000000`;
/** Two segments: the first is closed, its indexes trusted on load (the active one is always rebuilt). */
const CONFIG: Partial<LogConfig> = { indexIntervalBytes: 1000, segmentBytes: 6000 };
const BATCHES = 40;

function open(fs: MemoryFileSystem, recoveryPoint: number) {
  const warnings: string[] = [];
  const log = Log.open(DIR, CONFIG, { fs, recoveryPoint, logger: warningsInto(warnings) });
  return { log, warnings };
}

/** A cleanly closed log of BATCHES two-record batches; returns the batch positions. */
async function closedLog(fs: MemoryFileSystem): Promise<number[]> {
  const { log } = open(fs, 0);
  const positions: number[] = [];
  for (let i = 0; i < BATCHES; i++) positions.push(log.append(await makeSimpleBatch(2, `x${i}`, 60)).position);
  expect(log.segmentCount).toBe(2);
  log.close();
  return positions;
}

function readIndex(fs: MemoryFileSystem): Array<{ rel: number; pos: number }> {
  const bytes = fs.readFile(`${SEG0}.index`)!;
  const out = [];
  for (let at = 0; at < bytes.length; at += 8) out.push({ rel: bytes.readInt32BE(at), pos: bytes.readInt32BE(at + 4) });
  return out;
}

function writeEntry(fs: MemoryFileSystem, i: number, rel: number, pos: number): void {
  const h = fs.open(`${SEG0}.index`);
  const entry = Buffer.alloc(8);
  entry.writeInt32BE(rel, 0);
  entry.writeInt32BE(pos, 4);
  h.writeAt(entry, i * 8);
  h.close();
}

/** The first offset each fresh read (no sequential hint) of `offset` returns. */
async function firstOffsetRead(log: Log, offset: number): Promise<number> {
  const r = log.read(offset, 1);
  const recs = await decodeRecords(r.records);
  return recs.find((x) => x.offset >= offset)?.offset ?? -1;
}

describe('index sanity', () => {
  it('a wrong but increasing entry does not make a read skip: every offset is found where it is', async () => {
    const fs = new MemoryFileSystem();
    const positions = await closedLog(fs);
    const entries = readIndex(fs);
    expect(entries.length).toBeGreaterThan(4);
    // entry 2 now points several batches further on than the batch it names, still below entry 3
    const i = 2;
    const named = positions.indexOf(entries[i].pos);
    const wrongPos = positions.find((p) => p > entries[i].pos && p < entries[i + 1].pos && positions.indexOf(p) > named + 1);
    expect(wrongPos).toBeDefined();
    writeEntry(fs, i, entries[i].rel, wrongPos!);
    const { log, warnings } = open(fs, BATCHES * 2);
    const found: number[] = [];
    for (let offset = 0; offset < BATCHES * 2; offset++) found.push(await firstOffsetRead(log, offset));
    expect(found).toEqual([...Array(BATCHES * 2).keys()]);
    expect(warnings.some((w) => w.includes(`${SEG0}.index`))).toBe(true);
  });

  it('rebuilds on load an index whose entries stop increasing before its end', async () => {
    const fs = new MemoryFileSystem();
    await closedLog(fs);
    const entries = readIndex(fs);
    writeEntry(fs, 1, entries[0].rel, entries[0].pos);
    const { log, warnings } = open(fs, BATCHES * 2);
    expect(warnings.some((w) => w.includes('.index') && w.includes('rebuilding'))).toBe(true);
    log.close();
    expect(readIndex(fs)).toEqual(entries);
  });

  it('rebuilds on load an index whose last entry lies past the end of the segment', async () => {
    const fs = new MemoryFileSystem();
    await closedLog(fs);
    const entries = readIndex(fs);
    const last = entries.length - 1;
    writeEntry(fs, last, BATCHES * 2 + 5, entries[last].pos);
    const { log, warnings } = open(fs, BATCHES * 2);
    expect(warnings.some((w) => w.includes('.index') && w.includes('rebuilding'))).toBe(true);
    const seg1 = log.segmentBaseOffsets[1];
    for (const offset of [seg1 - 3, seg1 - 2, seg1 - 1]) expect(await firstOffsetRead(log, offset)).toBe(offset);
  });
});
