import { MemoryFileSystem } from '../../../../src/broker/storage/MemoryFileSystem';
import { Log } from '../../../../src/broker/log/Log';
import { CorruptBatchError, InvalidRecordError, OffsetOutOfRangeError, RecordTooLargeError } from '../../../../src/broker/log/errors';
import { ErrorCode } from '../../../../src/protocol/errorCodes';
import { crc32c } from '../../../../src/protocol/crc32c';
import type { LogConfig } from '../../../../src/broker/log/types';
import { decodeRecords, makeBatch, makeSimpleBatch } from '../../../support/log-children/batches';
import { warningsInto } from '../../../support/capturingLogger';

const DIR = '/data/orders-0';

function openLog(config: Partial<LogConfig> = {}, fs = new MemoryFileSystem(), now = () => 1_700_000_000_000) {
  const warnings: string[] = [];
  const log = Log.open(DIR, config, { fs, logger: warningsInto(warnings), now });
  return { log, fs, warnings };
}

async function values(log: Log, from = log.logStartOffset): Promise<string[]> {
  const out: string[] = [];
  let offset = from;
  while (offset < log.logEndOffset) {
    const r = log.read(offset, 1 << 20);
    if (r.records.length === 0) break;
    for (const rec of await decodeRecords(r.records)) if (rec.offset >= from) out.push(`${rec.offset}:${rec.value}`);
    offset = r.nextOffset;
  }
  return out;
}

describe('Log append and read', () => {
  it('assigns offsets by rewriting baseOffset and stores every other byte unchanged', async () => {
    const { log } = openLog();
    const first = await makeSimpleBatch(3, 'a', 0, { baseOffset: 999 });
    const second = await makeSimpleBatch(2, 'b');
    const original = Buffer.from(second);
    expect(log.append(first)).toMatchObject({ firstOffset: 0, lastOffset: 2, position: 0 });
    const res = log.append(second);
    expect(res).toMatchObject({ firstOffset: 3, lastOffset: 4, position: first.length, logAppendTime: -1 });
    const read = log.read(3, 1 << 20);
    expect(read.records.subarray(8)).toEqual(original.subarray(8));
    expect(read.records.readBigInt64BE(0)).toBe(3n);
    expect(read.nextOffset).toBe(5);
    expect(log.logEndOffset).toBe(5);
    expect(await values(log)).toEqual(['0:a-0', '1:a-1', '2:a-2', '3:b-0', '4:b-1']);
  });

  it('returns whole batches: a read inside a batch starts at its first byte, and one batch even above maxBytes', async () => {
    const { log } = openLog();
    for (let i = 0; i < 4; i++) log.append(await makeSimpleBatch(5, `b${i}`, 200));
    const inside = log.read(7, 1);
    const recs = await decodeRecords(inside.records);
    expect(recs.map((r) => r.offset)).toEqual([5, 6, 7, 8, 9]);
    expect(inside.nextOffset).toBe(10);
    const two = log.read(5, inside.records.length * 2 + 10);
    expect((await decodeRecords(two.records)).length).toBe(10);
    expect(log.read(20, 100).records.length).toBe(0);
    expect(() => log.read(21, 100)).toThrow(OffsetOutOfRangeError);
  });

  it('stops before maxOffset (the high watermark)', async () => {
    const { log } = openLog();
    log.append(await makeSimpleBatch(2));
    log.append(await makeSimpleBatch(2));
    const r = log.read(0, 1 << 20, 2);
    expect(r.nextOffset).toBe(2);
    expect(log.read(2, 1 << 20, 2).records.length).toBe(0);
  });

  it('stamps LogAppendTime with a valid CRC when asked', async () => {
    const { log } = openLog();
    log.append(await makeSimpleBatch(2), { logAppendTimeMs: 1_800_000_000_000 });
    const stored = log.read(0, 1 << 20).records;
    expect(stored.readInt16BE(21) & 0x08).toBe(0x08);
    expect(stored.readBigInt64BE(35)).toBe(1_800_000_000_000n);
    expect(stored.readUInt32BE(17)).toBe(crc32c(stored.subarray(21)));
  });
});

describe('Log append validation', () => {
  async function rejects(mutate: (b: Buffer) => Buffer, type: new (...a: never[]) => Error, code: number, config: Partial<LogConfig> = {}) {
    const { log } = openLog(config);
    log.append(await makeSimpleBatch(2, 'ok'));
    const before = log.read(0, 1 << 20).records;
    const bad = mutate(await makeSimpleBatch(3, 'bad'));
    let caught: unknown;
    try {
      log.append(bad);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(type);
    expect((caught as { errorCode: number }).errorCode).toBe(code);
    expect(log.logEndOffset).toBe(2);
    expect(log.read(0, 1 << 20).records).toEqual(before);
  }

  it('rejects a CRC mismatch', () => rejects((b) => (b[b.length - 1] ^= 1, b), CorruptBatchError, ErrorCode.CORRUPT_MESSAGE));
  it('rejects a magic other than 2', () => rejects((b) => (b[16] = 1, b), CorruptBatchError, ErrorCode.CORRUPT_MESSAGE));
  it('rejects a cut-off batch', () => rejects((b) => b.subarray(0, b.length - 3), CorruptBatchError, ErrorCode.CORRUPT_MESSAGE));
  it('rejects a batch above max.message.bytes', async () => {
    const { log } = openLog({ maxMessageBytes: 500 });
    log.append(await makeSimpleBatch(1, 'small'));
    const err = (() => {
      try {
        return log.append(Buffer.alloc(0));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(InvalidRecordError);
    const big = await makeSimpleBatch(1, 'big', 600);
    expect(() => log.append(big)).toThrow(RecordTooLargeError);
    try {
      log.append(big);
    } catch (e) {
      expect((e as RecordTooLargeError).errorCode).toBe(ErrorCode.MESSAGE_TOO_LARGE);
    }
    expect(log.logEndOffset).toBe(1);
  });
  it('rejects a header whose record count disagrees with lastOffsetDelta', () =>
    rejects((b) => {
      b.writeInt32BE(7, 23);
      b.writeUInt32BE(crc32c(b.subarray(21)), 17);
      return b;
    }, InvalidRecordError, ErrorCode.INVALID_RECORD));
  it('rejects a good batch followed by a bad one without writing either', async () => {
    const good = await makeSimpleBatch(1, 'good');
    await rejects((b) => {
      b[b.length - 1] ^= 1;
      return Buffer.concat([good, b]);
    }, CorruptBatchError, ErrorCode.CORRUPT_MESSAGE);
  });

  it('appendWithOffsets keeps offsets and refuses ones that go backwards', async () => {
    const { log } = openLog();
    log.appendWithOffsets(await makeBatch([{ value: 'x' }, { value: 'y' }], { baseOffset: 10, offsetDeltas: [0, 4] }));
    expect(log.logEndOffset).toBe(15);
    expect((await decodeRecords(log.read(10, 1000).records)).map((r) => r.offset)).toEqual([10, 14]);
    await expect(async () => log.appendWithOffsets(await makeSimpleBatch(1, 'z', 0, { baseOffset: 12 }))).rejects.toThrow(InvalidRecordError);
  });

  it('starts a new segment when offsets jump beyond what a segment can index relative to its base', async () => {
    const { log } = openLog();
    log.append(await makeSimpleBatch(1));
    const far = 2 ** 32;
    log.appendWithOffsets(await makeSimpleBatch(2, 'far', 0, { baseOffset: far }));
    expect(log.segmentBaseOffsets).toEqual([0, far]);
    expect((await decodeRecords(log.read(far, 1000).records)).map((r) => r.offset)).toEqual([far, far + 1]);
    expect(log.append(await makeSimpleBatch(1)).firstOffset).toBe(far + 2);
  });
});

describe('Log segments', () => {
  it('rolls by size, names segments by 20-digit base offset, and reads across them', async () => {
    const { log, fs } = openLog({ segmentBytes: 1000 });
    for (let i = 0; i < 10; i++) log.append(await makeSimpleBatch(2, `s${i}`, 150));
    expect(log.segmentCount).toBeGreaterThan(3);
    const names = fs.list(DIR).filter((n) => n.endsWith('.log'));
    expect(names[0]).toBe('00000000000000000000.log');
    expect(names.map((n) => Number(n.slice(0, 20)))).toEqual(log.segmentBaseOffsets);
    expect((await values(log)).length).toBe(20);
    expect(log.sizeInBytes).toBe(names.reduce((n, f) => n + fs.readFile(`${DIR}/${f}`)!.length, 0));
  });

  it('rolls by age of the first batch timestamp', async () => {
    let now = 1_700_000_000_000;
    const { log } = openLog({ segmentMs: 1000 }, new MemoryFileSystem(), () => now);
    log.append(await makeSimpleBatch(1, 'a', 0, { timestamp: now }));
    now += 500;
    log.append(await makeSimpleBatch(1, 'b', 0, { timestamp: now }));
    expect(log.segmentCount).toBe(1);
    now += 1000;
    log.append(await makeSimpleBatch(1, 'c', 0, { timestamp: now }));
    expect(log.segmentBaseOffsets).toEqual([0, 2]);
  });

  it('writes sparse index entries every indexIntervalBytes and survives a clean reopen', async () => {
    const fs = new MemoryFileSystem();
    const { log } = openLog({ indexIntervalBytes: 300 }, fs);
    for (let i = 0; i < 20; i++) log.append(await makeSimpleBatch(1, `i${i}`, 100));
    const before = await values(log);
    log.close();
    const index = fs.readFile(`${DIR}/00000000000000000000.index`)!;
    expect(index.length).toBeGreaterThan(0);
    expect(index.length % 8).toBe(0);
    const { log: again, warnings } = openLog({ indexIntervalBytes: 300 }, fs);
    expect(warnings).toEqual([]);
    expect(await values(again)).toEqual(before);
    expect(again.append(await makeSimpleBatch(1, 'next')).firstOffset).toBe(20);
  });
});

describe('Log files of a new log', () => {
  const segmentFileNames = (fs: MemoryFileSystem): string[] => fs.list(DIR).filter((n) => /\.(log|index|timeindex)$/.test(n));

  it('are made by the first append, with the directory, so a log never written costs nothing on disk', async () => {
    const { log, fs } = openLog();
    expect(fs.exists(DIR)).toBe(false);
    expect([log.logStartOffset, log.logEndOffset, log.read(0, 1 << 20).records.length]).toEqual([0, 0, 0]);
    log.flush();
    log.append(await makeSimpleBatch(2, 'a'));
    expect(segmentFileNames(fs).sort()).toEqual(['00000000000000000000.index', '00000000000000000000.log', '00000000000000000000.timeindex']);
    expect(await values(log)).toEqual(['0:a-0', '1:a-1']);
  });

  it('reopen before any append as the same empty log, at the log start given', async () => {
    const fs = new MemoryFileSystem();
    Log.open(DIR, {}, { fs, logStartOffset: 40 }).close();
    expect(fs.exists(DIR)).toBe(false);
    const again = Log.open(DIR, {}, { fs, logStartOffset: 40 });
    expect([again.logStartOffset, again.logEndOffset, again.segmentBaseOffsets]).toEqual([40, 40, [40]]);
    again.append(await makeSimpleBatch(1, 'b'));
    again.close();
    const warnings: string[] = [];
    const third = Log.open(DIR, {}, { fs, logger: warningsInto(warnings) });
    expect(warnings).toEqual([]); // its indexes were made with it: nothing to rebuild
    expect([third.logStartOffset, third.logEndOffset]).toEqual([40, 41]);
    expect(await values(third)).toEqual(['40:b-0']);
  });

  it('keeps a rolled, still empty segment on disk, so a reopen finds the same active segment', async () => {
    const { log, fs } = openLog();
    log.append(await makeSimpleBatch(2, 'a'));
    log.roll();
    expect(segmentFileNames(fs).filter((n) => n.startsWith('00000000000000000002'))).toHaveLength(3);
    log.close();
    expect(Log.open(DIR, {}, { fs }).segmentBaseOffsets).toEqual([0, 2]);
  });
});

describe('Log offsetForTimestamp', () => {
  it('finds the first record at or after a timestamp, inside batches', async () => {
    const { log } = openLog({ indexIntervalBytes: 0 });
    const t = 1_700_000_000_000;
    log.append(await makeBatch([{ value: 'a', timestamp: t }, { value: 'b', timestamp: t + 10 }]));
    log.append(await makeBatch([{ value: 'c', timestamp: t + 20 }, { value: 'd', timestamp: t + 30 }]));
    expect(log.offsetForTimestamp(t + 5)).toEqual({ offset: 1, timestamp: t + 10 });
    expect(log.offsetForTimestamp(t + 25)).toEqual({ offset: 3, timestamp: t + 30 });
    expect(log.offsetForTimestamp(t - 1)).toEqual({ offset: 0, timestamp: t });
    expect(log.offsetForTimestamp(t + 31)).toBeNull();
    expect(log.offsetForTimestamp(-1)).toEqual({ offset: 4, timestamp: -1 });
  });

  it('finds records inside compressed batches too', async () => {
    const { log } = openLog();
    const t = 1_700_000_000_000;
    log.append(await makeBatch([{ value: 'a', timestamp: t }, { value: 'b', timestamp: t + 10 }, { value: 'c', timestamp: t + 20 }], { compression: 1 }));
    expect(log.offsetForTimestamp(t + 15)).toEqual({ offset: 2, timestamp: t + 20 });
  });
});

describe('Log truncation and deletion', () => {
  it('truncateTo removes whole batches at or after the offset and offsets continue from there', async () => {
    const { log } = openLog({ segmentBytes: 500 });
    for (let i = 0; i < 8; i++) log.append(await makeSimpleBatch(2, `t${i}`, 100));
    log.truncateTo(7);
    expect(log.logEndOffset).toBe(6);
    expect(log.append(await makeSimpleBatch(1, 'after')).firstOffset).toBe(6);
    expect((await values(log)).at(-1)).toBe('6:after-0');
    expect((await values(log)).length).toBe(7);
  });

  it('deleteRecordsBefore advances the log start and removes whole segments below it', async () => {
    const { log } = openLog({ segmentBytes: 400 });
    for (let i = 0; i < 8; i++) log.append(await makeSimpleBatch(2, `d${i}`, 100));
    const segmentsBefore = log.segmentCount;
    log.deleteRecordsBefore(9);
    expect(log.logStartOffset).toBe(9);
    expect(log.segmentCount).toBeLessThan(segmentsBefore);
    expect(log.segmentBaseOffsets[0]).toBeLessThanOrEqual(9);
    expect(() => log.read(8, 100)).toThrow(OffsetOutOfRangeError);
    expect((await values(log))[0]).toMatch(/^9:d4-1\./);
    expect(() => log.deleteRecordsBefore(100)).toThrow(OffsetOutOfRangeError);
  });
});

describe('Log retention', () => {
  it('deletes whole segments older than retentionMs; an expired active segment is rolled and deleted, as in Kafka', async () => {
    const t = 1_700_000_000_000;
    const { log } = openLog({ segmentBytes: 300, retentionMs: 1000 });
    for (let i = 0; i < 5; i++) log.append(await makeSimpleBatch(1, `r${i}`, 150, { timestamp: t + i * 1000 }));
    expect(log.segmentCount).toBe(5);
    expect(log.applyRetention(t + 3500)).toBe(3);
    expect(log.logStartOffset).toBe(3);
    expect(log.applyRetention(t + 5500)).toBe(2);
    expect([log.segmentCount, log.logStartOffset, log.logEndOffset]).toEqual([1, 5, 5]);
    expect(await values(log)).toEqual([]);
    // the empty active segment left behind is never removed; appends continue at the log end
    expect(log.applyRetention(t + 1e9)).toBe(0);
    log.append(await makeSimpleBatch(1, 'r5', 150, { timestamp: t + 1e9 }));
    expect((await values(log)).map((v) => v.slice(0, 7))).toEqual(['5:r5-0.']);
  });

  it('deletes the oldest segments while the log exceeds retentionBytes', async () => {
    const { log } = openLog({ segmentBytes: 300, retentionBytes: 700 });
    for (let i = 0; i < 6; i++) log.append(await makeSimpleBatch(1, `r${i}`, 150));
    const total = log.sizeInBytes;
    const segmentSize = total / 6;
    // Kafka's rule: delete the oldest while what remains is still at least retention.bytes
    expect(log.applyRetention(1_700_000_000_000)).toBe(Math.floor((total - 700) / segmentSize));
    expect(log.sizeInBytes).toBeGreaterThanOrEqual(700);
    expect(log.sizeInBytes - segmentSize).toBeLessThan(700);
  });

  it('keeps everything under cleanup.policy=compact', async () => {
    const { log } = openLog({ segmentBytes: 300, retentionBytes: 10, cleanupPolicy: 'compact' });
    for (let i = 0; i < 3; i++) log.append(await makeSimpleBatch(1, `r${i}`, 150));
    expect(log.applyRetention(Date.now())).toBe(0);
  });
});

describe('Log flush policy', () => {
  function countingFs() {
    const fs = new MemoryFileSystem();
    let syncs = 0;
    const open = fs.open.bind(fs);
    fs.open = (p: string) => {
      const h = open(p);
      const sync = h.sync.bind(h);
      h.sync = () => {
        if (p.endsWith('.log')) syncs++;
        sync();
      };
      return h;
    };
    return { fs, syncs: () => syncs };
  }

  it('leaves data to the page cache by default', async () => {
    const c = countingFs();
    const { log } = openLog({}, c.fs);
    for (let i = 0; i < 5; i++) log.append(await makeSimpleBatch(3));
    expect(c.syncs()).toBe(0);
    expect(log.recoveryPoint).toBe(0);
  });

  it('fsyncs once flushMessages messages are unflushed, advancing the recovery point', async () => {
    const c = countingFs();
    const { log } = openLog({ flushMessages: 5 }, c.fs);
    log.append(await makeSimpleBatch(3));
    expect(c.syncs()).toBe(0);
    log.append(await makeSimpleBatch(3));
    expect(c.syncs()).toBe(1);
    expect(log.recoveryPoint).toBe(6);
  });

  it('fsyncs within flushMs of the first unflushed append', async () => {
    const c = countingFs();
    const { log } = openLog({ flushMs: 20 }, c.fs, Date.now);
    log.append(await makeSimpleBatch(1));
    const deadline = Date.now() + 10_000;
    while (log.recoveryPoint < 1 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    expect(log.recoveryPoint).toBe(1);
    expect(c.syncs()).toBe(1);
    log.close();
  });
});
