import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LogDirectory } from '../../../src/broker/log/LogDirectory';
import { LogCleaner } from '../../../src/broker/log/LogCleaner';
import { decodeRecords, makeBatch } from '../../support/log-children/batches';

let root: string;
beforeAll(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-compact-'))));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

it('compacts a disk log in the background while appends continue, and the result survives a restart', async () => {
  const t0 = 1_700_000_000_000;
  const config = { cleanupPolicy: 'compact' as const, segmentBytes: 8192 };
  const quiet = { logger: { warn: () => undefined } };
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
