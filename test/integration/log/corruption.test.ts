import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LogDirectory } from '../../../src/broker/log/LogDirectory';
import { decodeRecords, makeSimpleBatch } from '../../support/log-children/batches';
import { silentLogger } from '../../../src/logging';
import { warningsInto } from '../../support/capturingLogger';

let root: string;
beforeAll(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-corrupt-'))));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

it('on a real disk, recovery truncates from the first batch with flipped bytes and names the file and offset', async () => {
  const now = () => 1_700_000_000_000;
  const dir = new LogDirectory(root, { now, logger: silentLogger });
  const log = dir.openLog('pay', 1, { segmentBytes: 4096 });
  const positions: Array<{ position: number; first: number }> = [];
  for (let i = 0; i < 40; i++) {
    const res = log.append(await makeSimpleBatch(3, `p${i}`, 60));
    positions.push({ position: res.position, first: res.firstOffset });
  }
  const segments = log.segmentBaseOffsets;
  dir.close();

  // flip bytes inside a batch of the last segment (the tail)
  const lastBase = segments[segments.length - 1];
  const tail = positions.filter((p) => p.first >= lastBase);
  expect(tail.length).toBeGreaterThan(2);
  const victim = tail[Math.floor(tail.length / 2)];
  const file = path.join(root, 'pay-1', `${String(lastBase).padStart(20, '0')}.log`);
  const bytes = fs.readFileSync(file);
  bytes[victim.position + 75] ^= 0x5a;
  bytes[victim.position + 76] ^= 0x5a;
  fs.writeFileSync(file, bytes);
  // a clean shutdown wrote the recovery point at the log end; a crash would have left it behind
  fs.rmSync(path.join(root, 'recovery-point-offset-checkpoint'));

  const warnings: string[] = [];
  const again = new LogDirectory(root, { now, logger: warningsInto(warnings) });
  const reopened = again.openLog('pay', 1, { segmentBytes: 4096 });
  expect(reopened.logEndOffset).toBe(victim.first);
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toContain(file);
  expect(warnings[0]).toContain(`offset ${victim.first}`);
  const r = reopened.read(victim.first - 3, 1 << 20);
  const batchNo = victim.first / 3 - 1;
  expect((await decodeRecords(r.records)).map((x) => x.value?.split('.')[0])).toEqual([`p${batchNo}-0`, `p${batchNo}-1`, `p${batchNo}-2`]);
  expect(reopened.append(await makeSimpleBatch(1, 'new')).firstOffset).toBe(victim.first);
  again.close();
});
