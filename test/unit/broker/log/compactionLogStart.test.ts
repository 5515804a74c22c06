/**
 * Compaction never moves the log start offset (as in Apache Kafka): a cleaned group left without
 * records stays as an empty segment at the group's base offset, and a read at any offset inside a
 * compacted hole continues at the next surviving batch. Only retention and DeleteRecords move the start.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DiskFileSystem } from '../../../../src/broker/storage/DiskFileSystem';
import { MemoryFileSystem } from '../../../../src/broker/storage/MemoryFileSystem';
import type { FileSystem } from '../../../../src/broker/storage/FileSystem';
import { EARLIEST_TIMESTAMP, Log, type LogOptions } from '../../../../src/broker/log/Log';
import { LogCleaner } from '../../../../src/broker/log/LogCleaner';
import type { LogConfig } from '../../../../src/broker/log/types';
import { decodeRecords, makeBatch, type DecodedRecord } from '../../../support/log-children/batches';
import { silentLogger } from '../../../../src/logging';

const T0 = 1_700_000_000_000;
const COMPACT: Partial<LogConfig> = { cleanupPolicy: 'compact', segmentBytes: 600, deleteRetentionMs: 60_000 };
const quiet = { logger: silentLogger, now: () => T0 + 1000 };

interface Storage {
  fs: FileSystem;
  dir: string;
  cleanup(): void;
}

const storages: Array<[string, () => Storage]> = [
  ['MemoryFileSystem', () => ({ fs: new MemoryFileSystem(), dir: '/data/compacted-0', cleanup: () => undefined })],
  [
    'DiskFileSystem',
    () => {
      const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-compact-start-'));
      return { fs: new DiskFileSystem(), dir: path.join(root, 'compacted-0'), cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
    },
  ],
];

/** Every record from `from` on, following nextOffset the way a consumer does. */
async function readFrom(log: Log, from: number, maxOffset?: number): Promise<DecodedRecord[]> {
  const out: DecodedRecord[] = [];
  let at = from;
  for (let reads = 0; at < log.logEndOffset && reads < 10_000; reads++) {
    const r = log.read(at, 300, maxOffset);
    if (r.records.length === 0) break;
    expect(r.nextOffset).toBeGreaterThan(at);
    out.push(...(await decodeRecords(r.records)).filter((rec) => rec.offset >= at));
    at = r.nextOffset;
  }
  return out;
}

/** Which of `records` compaction keeps: the last record of each key (no tombstones in these tests). */
function latestPerKey(records: DecodedRecord[]): DecodedRecord[] {
  const last = new Map<string | null, number>();
  for (const r of records) last.set(r.key, r.offset);
  return records.filter((r) => r.key === null || last.get(r.key) === r.offset);
}

const show = (records: DecodedRecord[]) => records.map((r) => `${r.offset}:${r.key}=${r.value}@${r.timestamp}`);

describe.each(storages)('compaction keeps the log start offset (%s)', (_name, makeStorage) => {
  let storage: Storage;
  let log: Log;
  const open = (config: Partial<LogConfig> = COMPACT, options: LogOptions = {}) =>
    Log.open(storage.dir, config, { fs: storage.fs, logger: quiet.logger, now: () => T0, ...options });

  beforeEach(() => {
    storage = makeStorage();
  });
  afterEach(() => {
    if (log && !log.isClosed) log.close();
    storage.cleanup();
  });

  /**
   * 12 rounds of updates to k0..k3 (round r has timestamp T0+r), then one keyless record: every
   * segment but the last inactive one ends up with no records after compaction.
   */
  async function compactedLog(): Promise<{ before: DecodedRecord[]; survivors: DecodedRecord[] }> {
    log = open();
    for (let round = 0; round < 12; round++) {
      log.append(await makeBatch(Array.from({ length: 4 }, (_, k) => ({ key: `k${k}`, value: `r${round}-k${k}`, timestamp: T0 + round }))));
    }
    log.append(await makeBatch([{ key: null, value: 'keyless', timestamp: T0 + 20 }]));
    log.roll();
    const before = await readFrom(log, 0);
    expect(before.length).toBe(49);
    const result = await new LogCleaner(quiet).clean(log);
    expect(result.aborted).toBe(false);
    expect(result.recordsRemoved).toBeGreaterThan(0);
    return { before, survivors: latestPerKey(before) };
  }

  it('leaves logStartOffset and the first segment base where they were', async () => {
    const { survivors } = await compactedLog();
    expect(survivors[0].offset).toBeGreaterThan(log.segmentBaseOffsets[1]); // the leading group really had nothing left
    expect(log.logStartOffset).toBe(0);
    expect(log.segmentBaseOffsets[0]).toBe(0);
    expect(show(await readFrom(log, log.logStartOffset))).toEqual(show(survivors));
  });

  it('answers a read at any offset inside a compacted range with the next surviving batch', async () => {
    const { survivors } = await compactedLog();
    for (let offset = 0; offset < log.logEndOffset; offset++) {
      const r = log.read(offset, 1);
      const expected = survivors.filter((s) => s.offset >= offset);
      expect(r.logStartOffset).toBe(0);
      expect(r.records.length).toBeGreaterThan(0);
      const first = (await decodeRecords(r.records)).find((rec) => rec.offset >= offset);
      expect(first && show([first])).toEqual(show([expected[0]]));
      expect(show(await readFrom(log, offset))).toEqual(show(expected));
    }
    expect(log.read(log.logEndOffset, 1000).records.length).toBe(0);
  });

  it('honours the high watermark bound when continuing past a compacted range', async () => {
    const { survivors } = await compactedLog();
    const highWatermark = survivors[survivors.length - 1].offset; // the keyless record, in a batch of its own
    expect(show(await readFrom(log, 0, highWatermark))).toEqual(show(survivors.filter((s) => s.offset < highWatermark)));
    expect(log.read(highWatermark, 1000, highWatermark).records.length).toBe(0);
  });

  it('finds offsets by timestamp in a log whose leading segments were compacted away', async () => {
    const { survivors } = await compactedLog();
    expect(log.offsetForTimestamp(EARLIEST_TIMESTAMP)).toEqual({ offset: 0, timestamp: -1 });
    for (const ts of [T0, T0 + 5, T0 + 11, T0 + 12, T0 + 20]) {
      const expected = survivors.find((s) => s.timestamp >= ts)!;
      expect(log.offsetForTimestamp(ts)).toEqual({ offset: expected.offset, timestamp: expected.timestamp });
    }
    expect(log.offsetForTimestamp(T0 + 21)).toBeNull();
  });

  it('keeps the same log start and readable data across close and reopen', async () => {
    const { survivors } = await compactedLog();
    const bases = log.segmentBaseOffsets;
    const end = log.logEndOffset;
    log.close();
    for (const options of [{}, { recoveryPoint: end, logStartOffset: 0 }, { recoveryPoint: 0 }] as LogOptions[]) {
      log = open(COMPACT, options);
      expect(log.logStartOffset).toBe(0);
      expect(log.logEndOffset).toBe(end);
      expect(log.segmentBaseOffsets).toEqual(bases);
      expect(show(await readFrom(log, 7))).toEqual(show(survivors.filter((s) => s.offset >= 7)));
      expect(log.offsetForTimestamp(T0)?.offset).toBe(survivors[0].offset);
      log.close();
    }
  });

  it('rebuilds the indexes of an empty cleaned segment whose index files are gone', async () => {
    const { survivors } = await compactedLog();
    const end = log.logEndOffset;
    log.close();
    const leading = path.join(storage.dir, '00000000000000000000');
    expect(storage.fs.exists(`${leading}.log`)).toBe(true);
    storage.fs.remove(`${leading}.index`);
    storage.fs.remove(`${leading}.timeindex`);
    log = open(COMPACT, { recoveryPoint: end });
    expect(log.logStartOffset).toBe(0);
    expect(show(await readFrom(log, 0))).toEqual(show(survivors));
    log.append(await makeBatch([{ key: 'k0', value: 'after-restart', timestamp: T0 + 30 }]));
    expect((await readFrom(log, 0)).map((r) => r.value)).toEqual([...survivors.map((s) => s.value), 'after-restart']);
  });

  it('compacts an already compacted log again without moving its start', async () => {
    const { survivors } = await compactedLog();
    log.append(await makeBatch([{ key: 'k1', value: 'newer', timestamp: T0 + 40 }]));
    log.roll();
    const again = await new LogCleaner(quiet).clean(log);
    expect(again.aborted).toBe(false);
    expect(log.logStartOffset).toBe(0);
    const expected = latestPerKey([...survivors, ...(await readFrom(log, log.logEndOffset - 1))]);
    expect(show(await readFrom(log, 0))).toEqual(show(expected));
  });

  it('finishes an interrupted swap of an empty cleaned segment at startup, keeping the log start', async () => {
    log = open();
    for (let round = 0; round < 6; round++) {
      log.append(await makeBatch(Array.from({ length: 4 }, (_, k) => ({ key: `k${k}`, value: `r${round}-k${k}`, timestamp: T0 + round }))));
    }
    log.roll();
    const bases = log.segmentBaseOffsets;
    expect(bases.length).toBeGreaterThan(2);
    const before = await readFrom(log, 0);
    log.close();
    // a crash after the (empty) output of the first segment became `.swap`, before the old files were renamed
    const stem = path.join(storage.dir, '00000000000000000000');
    for (const suffix of ['.log', '.index', '.timeindex']) storage.fs.open(`${stem}${suffix}.swap`).close();
    log = open();
    expect(storage.fs.list(storage.dir).filter((n) => n.endsWith('.swap'))).toEqual([]);
    expect(log.logStartOffset).toBe(0);
    expect(log.segmentBaseOffsets).toEqual(bases);
    expect(show(await readFrom(log, 0))).toEqual(show(before.filter((r) => r.offset >= bases[1])));
  });

  it('truncates to an offset inside a compacted range with the log end at that offset', async () => {
    const { survivors } = await compactedLog();
    const bases = log.segmentBaseOffsets;
    for (const target of [survivors[0].offset - 1, bases[1] + 1]) {
      log.truncateTo(target);
      expect(log.logEndOffset).toBe(target);
      expect(log.logStartOffset).toBe(0);
      expect(log.append(await makeBatch([{ key: 'k9', value: `at-${target}`, timestamp: T0 + 50 }])).firstOffset).toBe(target);
      expect(show(await readFrom(log, 0))).toEqual(show([{ offset: target, key: 'k9', value: `at-${target}`, timestamp: T0 + 50 }]));
      log.truncateTo(target);
    }
  });

  it('lets retention remove empty cleaned segments, which then moves the log start', async () => {
    const { survivors } = await compactedLog();
    const bases = log.segmentBaseOffsets;
    log.updateConfig({ cleanupPolicy: 'compact,delete', retentionBytes: log.sizeInBytes });
    const removed = log.applyRetention(T0 + 1000);
    expect(removed).toBeGreaterThan(0);
    expect(log.logStartOffset).toBe(bases[removed]);
    expect(log.logStartOffset).toBeLessThanOrEqual(survivors[0].offset);
    expect(show(await readFrom(log, log.logStartOffset))).toEqual(show(survivors));
    expect(() => log.read(bases[removed] - 1, 1000)).toThrow(/outside the log/);
  });

  it('applies time retention to empty cleaned segments by the records that follow them', async () => {
    const { survivors } = await compactedLog();
    const bases = log.segmentBaseOffsets;
    const newestInactive = Math.max(...survivors.map((s) => s.timestamp));
    log.updateConfig({ cleanupPolicy: 'compact,delete', retentionMs: 1000 });
    expect(log.applyRetention(newestInactive + 1000)).toBe(0);
    expect(log.logStartOffset).toBe(0);
    expect(log.applyRetention(newestInactive + 1001)).toBe(bases.length - 1);
    expect(log.logStartOffset).toBe(log.logEndOffset);
  });

  it('moves the log start on DeleteRecords into a compacted range, reading on from the next survivor', async () => {
    const { survivors } = await compactedLog();
    const target = survivors[0].offset - 3;
    log.deleteRecordsBefore(target);
    expect(log.logStartOffset).toBe(target);
    expect(show(await readFrom(log, target))).toEqual(show(survivors));
    log.close();
    log = open(COMPACT, { logStartOffset: target });
    expect(log.logStartOffset).toBe(target);
    expect(show(await readFrom(log, target))).toEqual(show(survivors));
  });
});
