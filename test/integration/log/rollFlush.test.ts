/**
 * Flush on roll on a real disk: the rolled segments are fsynced off the event loop and the
 * recovery point checkpointed, so after a crash a damaged byte in an old segment costs no later record.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LogDirectory } from '../../../src/broker/log/LogDirectory';
import { decodeRecords, makeSimpleBatch } from '../../support/log-children/batches';
import { silentLogger } from '../../../src/logging';
import { warningsInto } from '../../support/capturingLogger';

let root: string;
beforeAll(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-rollflush-'))));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function checkpointed(): number {
  const file = path.join(root, 'recovery-point-offset-checkpoint');
  if (!fs.existsSync(file)) return 0;
  const line = fs.readFileSync(file, 'utf8').split('\n').find((l) => l.startsWith('pay 0 '));
  return line ? Number(line.split(' ')[2]) : 0;
}

it('after a crash, damage in a flushed segment leaves every later record readable and nothing truncated', async () => {
  const dir = new LogDirectory(root, { logger: silentLogger });
  const log = dir.openLog('pay', 0, { segmentBytes: 4096 });
  const positions: Array<{ position: number; first: number }> = [];
  for (let i = 0; i < 60; i++) {
    const r = log.append(await makeSimpleBatch(3, `p${i}`, 60));
    positions.push({ position: r.position, first: r.firstOffset });
  }
  const bases = log.segmentBaseOffsets;
  const activeBase = bases[bases.length - 1];
  const deadline = Date.now() + 10_000;
  while (checkpointed() < activeBase && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  expect(checkpointed()).toBe(activeBase);
  // crash: the directory is never closed; then a byte of the first segment goes bad on disk
  const seg0 = path.join(root, 'pay-0', '00000000000000000000.log');
  const bytes = fs.readFileSync(seg0);
  bytes[positions[2].position + 75] ^= 0x5a;
  fs.writeFileSync(seg0, bytes);
  const warnings: string[] = [];
  const reopened = new LogDirectory(root, { logger: warningsInto(warnings) }).openLog('pay', 0, { segmentBytes: 4096 });
  expect(warnings).toEqual([]);
  expect(reopened.logEndOffset).toBe(180);
  const offsets: number[] = [];
  for (let at = bases[1]; at < reopened.logEndOffset; ) {
    const r = reopened.read(at, 1 << 20);
    offsets.push(...(await decodeRecords(r.records)).map((x) => x.offset));
    at = r.nextOffset;
  }
  expect(offsets).toEqual([...Array(180).keys()].slice(bases[1]));
});
