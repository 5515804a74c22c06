/**
 * A failed append (ENOSPC, EIO) between the `.log` write and the index writes leaves the log as it
 * was: no bytes behind, offsets not reused by the next append, the index writer still closable,
 * and a restart (clean or not) finds every acknowledged record at its offset.
 */
import { MemoryFileSystem } from '../../../../src/broker/storage/MemoryFileSystem';
import { Log } from '../../../../src/broker/log/Log';
import { LogStorageError } from '../../../../src/broker/log/errors';
import { ErrorCode } from '../../../../src/protocol/errorCodes';
import type { LogConfig } from '../../../../src/broker/log/types';
import { decodeRecords, makeSimpleBatch } from '../../../support/log-children/batches';
import { warningsInto } from '../../../support/capturingLogger';

const DIR = '/data/t-0';
/** An index entry for every batch, so the index writer's queue fills and writes within a few hundred appends. */
const CONFIG: Partial<LogConfig> = { indexIntervalBytes: 1 };

function open(fs: MemoryFileSystem, warnings: string[] = []): Log {
  return Log.open(DIR, CONFIG, { fs, logger: warningsInto(warnings) });
}

async function allRecords(log: Log): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const r = log.read(offset, 1 << 20);
    if (r.records.length === 0) break;
    for (const rec of await decodeRecords(r.records)) out.set(rec.offset, rec.value ?? '');
    offset = r.nextOffset;
  }
  return out;
}

/** Appends one-record batches `v<i>` until `count` were acknowledged; returns offset → value of the acknowledged ones. */
async function appendUntil(log: Log, acked: Map<number, string>, count: number, label: string): Promise<number> {
  let failures = 0;
  for (let i = 0; acked.size < count; i++) {
    const value = `${label}${i}`;
    try {
      const res = log.append(await makeSimpleBatch(1, value));
      expect(acked.has(res.firstOffset)).toBe(false);
      acked.set(res.firstOffset, `${value}-0`);
    } catch (err) {
      expect(err).toBeInstanceOf(LogStorageError);
      expect((err as LogStorageError).errorCode).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
      failures++;
      if (failures > 50) throw err;
    }
  }
  return failures;
}

describe('append faults', () => {
  it('an index write failing with ENOSPC after the .log write leaves the log unchanged, and the next appends and close work', async () => {
    const fs = new MemoryFileSystem();
    const log = open(fs);
    const acked = new Map<number, string>();
    await appendUntil(log, acked, 10, 'a');
    const fault = fs.injectFault({ op: 'writeAt', path: '.index', code: 'ENOSPC', times: 3 });
    const sizeBefore = log.sizeInBytes;
    const endBefore = log.logEndOffset;
    let failed = 0;
    for (let i = 0; i < 400 && failed === 0; i++) {
      const size = log.sizeInBytes;
      const end = log.logEndOffset;
      try {
        const res = log.append(await makeSimpleBatch(1, `b${i}`));
        acked.set(res.firstOffset, `b${i}-0`);
      } catch (err) {
        expect(err).toBeInstanceOf(LogStorageError);
        expect((err as Error).message).toContain('ENOSPC');
        failed++;
        expect(log.sizeInBytes).toBe(size);
        expect(log.logEndOffset).toBe(end);
      }
    }
    expect(fault.failures).toBeGreaterThan(0);
    expect(log.logEndOffset).toBeGreaterThan(endBefore);
    expect(log.sizeInBytes).toBeGreaterThan(sizeBefore);
    await appendUntil(log, acked, acked.size + 300, 'c');
    expect(await allRecords(log)).toEqual(acked);
    log.close();
    const warnings: string[] = [];
    const reopened = open(fs, warnings);
    expect(await allRecords(reopened)).toEqual(acked);
    expect(warnings).toEqual([]);
  });

  it('a short .log write on a full disk is cut off again: a restart after a crash finds every acknowledged record at its offset', async () => {
    const fs = new MemoryFileSystem();
    const log = open(fs);
    const acked = new Map<number, string>();
    await appendUntil(log, acked, 5, 'a');
    fs.setCapacity(fs.usedBytes + 700);
    let refused = 0;
    for (let i = 0; i < 30; i++) {
      const size = log.sizeInBytes;
      try {
        const res = log.append(await makeSimpleBatch(1, `b${i}`, 40));
        expect(acked.has(res.firstOffset)).toBe(false);
        acked.set(res.firstOffset, `b${i}-0`.padEnd(40, '.'));
      } catch (err) {
        expect(err).toBeInstanceOf(LogStorageError);
        expect(log.sizeInBytes).toBe(size);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(0);
    const endWhenFull = log.logEndOffset;
    fs.setCapacity(null);
    await appendUntil(log, acked, acked.size + 20, 'c');
    expect(log.logEndOffset).toBe(endWhenFull + 20);
    expect(await allRecords(log)).toEqual(acked);
    // a crash: no close; the reopened log recovers from its start
    const warnings: string[] = [];
    const reopened = open(fs, warnings);
    expect(await allRecords(reopened)).toEqual(acked);
    expect(warnings.filter((w) => /truncat/.test(w))).toEqual([]);
  });

  it('an index writer whose write failed still closes, and its file holds only entries of acknowledged batches', async () => {
    const fs = new MemoryFileSystem();
    const log = open(fs);
    const acked = new Map<number, string>();
    fs.injectFault({ op: 'writeAt', path: /\.(time)?index$/, code: 'EIO', after: 1, times: 1 });
    await appendUntil(log, acked, 400, 'a');
    expect(() => log.close()).not.toThrow();
    const warnings: string[] = [];
    const reopened = open(fs, warnings);
    expect(warnings).toEqual([]);
    expect(await allRecords(reopened)).toEqual(acked);
  });
});
