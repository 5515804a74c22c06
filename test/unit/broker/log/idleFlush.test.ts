import { LogDirectory } from '../../../../src/broker/log/LogDirectory';
import { Partition, PRODUCER_STATE_FILE } from '../../../../src/broker/partition/Partition';
import { MemoryFileSystem } from '../../../../src/broker/storage/MemoryFileSystem';
import { CountingFileSystem } from '../../../support/countingFileSystem';
import { makeSimpleBatch } from '../../../support/log-children/batches';
import { silentLogger } from '../../../../src/logging';

const quiet = silentLogger;
const LOGS = 20;

/** A directory with LOGS partitions of one batch each, opened over a counting file system. */
async function directoryWithOneBatchEach(): Promise<{ fs: CountingFileSystem; dir: LogDirectory }> {
  const fs = new CountingFileSystem(new MemoryFileSystem());
  const dir = new LogDirectory('/kafka-logs', { fs, logger: quiet });
  for (let i = 0; i < LOGS; i++) dir.openLog(`t${i}`, 0).append(await makeSimpleBatch(1));
  return { fs, dir };
}

describe('flushing and closing logs that received nothing since their last flush', () => {
  it('a flush of logs with nothing new fsyncs no file', async () => {
    const { fs, dir } = await directoryWithOneBatchEach();
    dir.flush();
    expect(fs.fileSyncs).toBeGreaterThanOrEqual(LOGS);
    fs.reset();
    dir.flush();
    expect(fs.fileSyncs).toBe(0);
  });

  it('closing the directory fsyncs each written log once, and a reopened untouched one not at all', async () => {
    const { fs, dir } = await directoryWithOneBatchEach();
    dir.close();
    // the log file and its two indexes, once
    expect(fs.fileSyncs).toBeLessThanOrEqual(3 * LOGS);
    fs.reset();
    const again = new LogDirectory('/kafka-logs', { fs, logger: quiet });
    for (let i = 0; i < LOGS; i++) expect(again.openLog(`t${i}`, 0).logEndOffset).toBe(1);
    again.close();
    expect(fs.fileSyncs).toBe(0);
  });
});

describe('opening a log flushed up to its end', () => {
  it('does not re-validate the active segment: it reads the batches after the last index entry, not the whole file', async () => {
    const fs = new CountingFileSystem(new MemoryFileSystem());
    const dir = new LogDirectory('/kafka-logs', { fs, logger: quiet });
    const log = dir.openLog('busy', 0, { indexIntervalBytes: 1024 });
    for (let i = 0; i < 200; i++) log.append(await makeSimpleBatch(1));
    const logBytes = log.sizeInBytes;
    dir.close();
    fs.reset();
    const again = new LogDirectory('/kafka-logs', { fs, logger: quiet });
    expect(again.openLog('busy', 0, { indexIntervalBytes: 1024 }).logEndOffset).toBe(200);
    expect(fs.bytesRead.size).toBeGreaterThan(0);
    const logRead = [...fs.bytesRead].filter(([p]) => p.endsWith('.log')).reduce((n, [, b]) => n + b, 0);
    expect(logRead).toBeLessThan(logBytes / 4);
    again.close();
  });
});

describe('opening many logs', () => {
  it('lists each partition directory once', async () => {
    const { fs, dir } = await directoryWithOneBatchEach();
    dir.close();
    fs.reset();
    const again = new LogDirectory('/kafka-logs', { fs, logger: quiet });
    for (let i = 0; i < LOGS; i++) again.openLog(`t${i}`, 0);
    expect(fs.lists).toBe(LOGS);
    again.close();
  });
});

describe('LogDirectory.flushInBackground', () => {
  it('flushes every written log, so the close that follows fsyncs nothing and checkpoints the log ends', async () => {
    const { fs, dir } = await directoryWithOneBatchEach();
    await dir.flushInBackground(3);
    expect(fs.fileSyncs).toBeGreaterThanOrEqual(LOGS);
    for (let i = 0; i < LOGS; i++) expect(dir.getLog(`t${i}`, 0)?.recoveryPoint).toBe(1);
    fs.reset();
    dir.close();
    expect(fs.fileSyncs).toBe(0);
    const checkpoint = fs.inner.readFile('/kafka-logs/recovery-point-offset-checkpoint')!.toString();
    expect(checkpoint).toContain('t7 0 1');
  });
});

describe('Partition.close', () => {
  it('writes the producer state snapshot only when it changed, and without an fsync', async () => {
    const fs = new CountingFileSystem(new MemoryFileSystem());
    const dir = new LogDirectory('/kafka-logs', { fs, logger: quiet });
    const first = new Partition('t', 0, dir.openLog('t', 0), fs, 1 << 20);
    first.append(await makeSimpleBatch(2));
    fs.reset();
    first.close();
    expect(fs.bytesTo((p) => p.endsWith(PRODUCER_STATE_FILE))).toBeGreaterThan(0);
    expect(fs.durableWholeFileWrites).toBe(0);
    dir.close();

    const dir2 = new LogDirectory('/kafka-logs', { fs, logger: quiet });
    const reopened = new Partition('t', 0, dir2.openLog('t', 0), fs, 1 << 20);
    expect(reopened.logEndOffset).toBe(2);
    fs.reset();
    reopened.close();
    expect(fs.bytesTo((p) => p.endsWith(PRODUCER_STATE_FILE))).toBe(0);
    dir2.close();
  });
});
