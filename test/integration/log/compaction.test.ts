import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LogDirectory } from '../../../src/broker/log/LogDirectory';
import { LogCleaner } from '../../../src/broker/log/LogCleaner';
import { decodeRecords, makeBatch } from '../../support/log-children/batches';
import { silentLogger } from '../../../src/logging';

let root: string;
beforeAll(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-compact-'))));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

it('compacts a disk log in the background while appends continue, and the result survives a restart', async () => {
  const t0 = 1_700_000_000_000;
  const config = { cleanupPolicy: 'compact' as const, segmentBytes: 8192 };
  const quiet = { logger: silentLogger };
  const dir = new LogDirectory(root, quiet);
  const log = dir.openLog('__consumer_offsets', 3, config);
  for (let round = 0; round < 100; round++) {
    const records = Array.from({ length: 8 }, (_, k) => ({ key: `group-${k}`, value: `commit-${round}`, timestamp: t0 + round }));
    log.append(await makeBatch(records));
  }
  log.roll();
  const cleaner = new LogCleaner({ ...quiet, stepBytes: 1024 });
  cleaner.start(() => [log], 1);
  const live: number[] = [];
  const recordsBelow800 = async () => (await decodeRecords(log.read(log.logStartOffset, 1 << 20, 800).records)).length;
  const deadline = Date.now() + 30_000;
  for (let i = 0; i < 100_000 && Date.now() < deadline; i++) {
    live.push(log.append(await makeBatch([{ key: 'live', value: `live-${i}`, timestamp: t0 + 1000 + i }])).firstOffset);
    await new Promise((r) => setImmediate(r));
    if (live.length >= 20 && (await recordsBelow800()) === 8) break;
  }
  await cleaner.stop();
  expect(live).toEqual(live.map((_, i) => 800 + i));
  dir.close();

  const again = new LogDirectory(root, quiet);
  const reopened = again.openLog('__consumer_offsets', 3, config);
  const records = await decodeRecords(reopened.read(reopened.logStartOffset, 1 << 20).records);
  const older = records.filter((r) => r.offset < 800);
  expect(older.map((r) => `${r.offset}:${r.key}=${r.value}`)).toEqual(
    Array.from({ length: 8 }, (_, k) => `${792 + k}:group-${k}=commit-99`),
  );
  expect(fs.readdirSync(path.join(root, '__consumer_offsets-3')).filter((n) => /cleaned|swap|deleted/.test(n))).toEqual([]);
  again.close();
});

it('keeps the log start of a disk log whose leading segments compaction emptied, through checkpoints and a restart', async () => {
  const t0 = 1_700_000_000_000;
  const config = { cleanupPolicy: 'compact' as const, segmentBytes: 1024 };
  const quiet = { logger: silentLogger };
  const dir = new LogDirectory(root, quiet);
  const log = dir.openLog('profiles', 0, config);
  for (let round = 0; round < 40; round++) {
    log.append(await makeBatch(Array.from({ length: 4 }, (_, k) => ({ key: `user-${k}`, value: `v${round}`, timestamp: t0 + round }))));
  }
  log.roll();
  expect(log.segmentCount).toBeGreaterThan(3);
  const result = await new LogCleaner(quiet).clean(log);
  expect(result.aborted).toBe(false);
  // a consumer whose committed offset lies in the compacted range continues at the latest values
  const fromCommitted = async (offset: number) => {
    const read = log.read(offset, 1 << 20);
    return (await decodeRecords(read.records)).filter((r) => r.offset >= offset).map((r) => `${r.offset}:${r.key}=${r.value}`);
  };
  const latest = Array.from({ length: 4 }, (_, k) => `${156 + k}:user-${k}=v39`);
  expect(log.logStartOffset).toBe(0);
  expect(await fromCommitted(5)).toEqual(latest);
  dir.close();

  const again = new LogDirectory(root, quiet);
  const reopened = again.openLog('profiles', 0, config);
  expect(reopened.logStartOffset).toBe(0);
  expect(reopened.logEndOffset).toBe(160);
  const read = reopened.read(5, 1 << 20);
  expect((await decodeRecords(read.records)).map((r) => `${r.offset}:${r.key}=${r.value}`)).toEqual(latest);
  again.close();
});
