import { MemoryFileSystem } from '../../../../src/broker/storage/MemoryFileSystem';
import { Log } from '../../../../src/broker/log/Log';
import { LogCleaner } from '../../../../src/broker/log/LogCleaner';
import type { LogConfig } from '../../../../src/broker/log/types';
import { decodeRecords, makeBatch, type DecodedRecord } from '../../../support/log-children/batches';
import { silentLogger } from '../../../../src/logging';

const T0 = 1_700_000_000_000;
const DIR = '/data/__consumer_offsets-7';
const COMPACT: Partial<LogConfig> = { cleanupPolicy: 'compact', segmentBytes: 600, deleteRetentionMs: 60_000 };

function openLog(fs = new MemoryFileSystem(), config: Partial<LogConfig> = COMPACT) {
  return Log.open(DIR, config, { fs, logger: silentLogger, now: () => T0 });
}

async function all(log: Log): Promise<DecodedRecord[]> {
  const out: DecodedRecord[] = [];
  let at = log.logStartOffset;
  while (at < log.logEndOffset) {
    const r = log.read(at, 1 << 20);
    if (r.records.length === 0) break;
    out.push(...(await decodeRecords(r.records)));
    at = r.nextOffset;
  }
  return out;
}

/** Appends `rounds` rounds of updates to keys k0..k{keys-1}: value `r<round>-k<key>`. */
async function appendRounds(log: Log, rounds: number, keys: number, from = 0, compression = 0) {
  for (let round = from; round < from + rounds; round++) {
    const records = Array.from({ length: keys }, (_, k) => ({ key: `k${k}`, value: `r${round}-k${k}`, timestamp: T0 + round }));
    log.append(await makeBatch(records, { compression }));
  }
}

const quiet = { logger: silentLogger, now: () => T0 + 1000 };

describe('LogCleaner', () => {
  it('keeps the latest record per key in inactive segments, with the original offsets', async () => {
    const log = openLog();
    await appendRounds(log, 12, 4);
    log.append(await makeBatch([{ key: null, value: 'keyless', timestamp: T0 }]));
    log.roll();
    const before = await all(log);
    const result = await new LogCleaner(quiet).clean(log);
    expect(result.aborted).toBe(false);
    expect(result.recordsRemoved).toBe(44);
    const after = await all(log);
    expect(after.map((r) => `${r.offset}:${r.value}`)).toEqual(
      before.filter((r) => r.offset >= 44).map((r) => `${r.offset}:${r.value}`),
    );
    expect(log.logEndOffset).toBe(49);
    expect(log.append(await makeBatch([{ key: 'k0', value: 'new' }])).firstOffset).toBe(49);
  });

  it('never touches the active segment', async () => {
    const log = openLog();
    await appendRounds(log, 8, 2);
    const activeBase = log.segmentBaseOffsets[log.segmentCount - 1];
    expect(activeBase).toBeGreaterThan(0);
    const activeBefore = (await all(log)).filter((r) => r.offset >= activeBase);
    expect(activeBefore.length).toBeGreaterThan(2);
    expect((await new LogCleaner(quiet).clean(log)).recordsRemoved).toBeGreaterThan(0);
    expect((await all(log)).filter((r) => r.offset >= activeBase)).toEqual(activeBefore);
  });

  it('removes tombstones only once they are older than deleteRetentionMs', async () => {
    const log = openLog();
    await appendRounds(log, 4, 2);
    log.append(await makeBatch([{ key: 'k1', value: null, timestamp: T0 + 10 }]));
    log.roll();
    const horizonNotReached = await new LogCleaner({ ...quiet, now: () => T0 + 30_000 }).clean(log);
    expect(horizonNotReached.aborted).toBe(false);
    expect((await all(log)).map((r) => `${r.key}=${r.value}`)).toEqual(['k0=r3-k0', 'k1=null']);
    await new LogCleaner({ ...quiet, now: () => T0 + 120_000 }).clean(log);
    expect((await all(log)).map((r) => `${r.key}=${r.value}`)).toEqual(['k0=r3-k0']);
  });

  it('rewrites compressed batches with their codec', async () => {
    const log = openLog();
    await appendRounds(log, 6, 3, 0, 1);
    log.roll();
    await new LogCleaner(quiet).clean(log);
    const stored = log.read(log.logStartOffset, 1 << 20).records;
    expect(stored.readInt16BE(21) & 0x07).toBe(1);
    expect((await all(log)).map((r) => r.value)).toEqual(['r5-k0', 'r5-k1', 'r5-k2']);
  });

  it('does nothing under cleanup.policy=delete', async () => {
    const log = openLog(new MemoryFileSystem(), { ...COMPACT, cleanupPolicy: 'delete' });
    await appendRounds(log, 5, 2);
    log.roll();
    expect((await new LogCleaner(quiet).clean(log)).segmentsCleaned).toBe(0);
    expect((await all(log)).length).toBe(10);
  });

  it('runs while appends continue, without blocking them or losing any', async () => {
    const log = openLog(new MemoryFileSystem(), { ...COMPACT, segmentBytes: 2000 });
    await appendRounds(log, 60, 5);
    log.roll();
    const batches = await Promise.all(
      Array.from({ length: 200 }, (_, i) => makeBatch([{ key: `live${i % 3}`, value: `live-${i}`, timestamp: T0 + 100 + i }])),
    );
    let appended = 0;
    let appendsDuringCleaning = 0;
    let cleaning = true;
    const cleaner = new LogCleaner({ ...quiet, stepBytes: 512 });
    const done = cleaner.clean(log).finally(() => (cleaning = false));
    const appendedOffsets: number[] = [];
    while (appended < batches.length) {
      appendedOffsets.push(log.append(batches[appended++]).firstOffset);
      if (cleaning) appendsDuringCleaning++;
      await new Promise((r) => setImmediate(r));
    }
    const result = await done;
    expect(result.aborted).toBe(false);
    expect(result.recordsRemoved).toBeGreaterThan(0);
    expect(appendsDuringCleaning).toBeGreaterThan(5);
    expect(appendedOffsets).toEqual(appendedOffsets.map((_, i) => 300 + i));
    const records = await all(log);
    expect(records.filter((r) => r.offset < 300).map((r) => r.value)).toEqual(['r59-k0', 'r59-k1', 'r59-k2', 'r59-k3', 'r59-k4']);
    expect(records.filter((r) => r.offset >= 300).map((r) => r.value)).toEqual(batches.map((_, i) => `live-${i}`));
  });

  it('drops its work when the log is truncated meanwhile, leaving the log intact', async () => {
    const fs = new MemoryFileSystem();
    const log = openLog(fs, { ...COMPACT, segmentBytes: 2000 });
    await appendRounds(log, 40, 5);
    log.roll();
    const cleaning = new LogCleaner({ ...quiet, stepBytes: 256 }).clean(log);
    await new Promise((r) => setImmediate(r));
    log.truncateTo(150);
    const result = await cleaning;
    expect(result.aborted).toBe(true);
    expect((await all(log)).map((r) => r.offset)).toEqual([...Array(150).keys()]);
    expect(fs.list(DIR).filter((n) => /cleaned|swap|deleted/.test(n))).toEqual([]);
  });

  it('gives up quietly when the log is deleted meanwhile', async () => {
    const fs = new MemoryFileSystem();
    const log = openLog(fs, { ...COMPACT, segmentBytes: 2000 });
    await appendRounds(log, 40, 5);
    log.roll();
    const cleaning = new LogCleaner({ ...quiet, stepBytes: 256 }).clean(log);
    await new Promise((r) => setImmediate(r));
    log.delete();
    expect((await cleaning).aborted).toBe(true);
    expect(fs.exists(DIR)).toBe(false);
  });

  it('leaves a log that reopens to the same content', async () => {
    const fs = new MemoryFileSystem();
    const log = openLog(fs);
    await appendRounds(log, 10, 3);
    log.roll();
    await new LogCleaner(quiet).clean(log);
    const compacted = await all(log);
    log.close();
    const reopened = openLog(fs);
    expect(await all(reopened)).toEqual(compacted);
    expect(fs.list(DIR).filter((n) => /cleaned|swap|deleted/.test(n))).toEqual([]);
  });
});
