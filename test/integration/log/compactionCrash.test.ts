/**
 * Compaction is crash-safe: a child appends keyed records while the cleaner rewrites and swaps
 * segments in the background, and is SIGKILLed at random moments. After every restart the log is
 * readable, every stored record is the one written at its offset, and for every key the latest
 * acknowledged value (or a newer one) is still there.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LogDirectory } from '../../../src/broker/log/LogDirectory';
import { decodeRecords, verifyBatchCrcs, type DecodedRecord } from '../../support/log-children/batches';
import { COMPACT_CRASH_CONFIG, RECORDS_PER_BATCH, compactValue, keyOf } from '../../support/log-children/compactor';
import { killRunningChildren, prng, runUntilKilled, type KillPlan } from '../../support/log-children/childRunner';
import { silentLogger } from '../../../src/logging';

const CHILD = path.resolve(__dirname, '../../../dist/test/support/log-children/compactor.js');
const CYCLES = 15;

let dataDir: string;
beforeAll(() => {
  if (!fs.existsSync(CHILD)) throw new Error(`${CHILD} is missing: build first with \`npx tsc -p .\` (npm test does)`);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-compact-crash-'));
});
afterAll(() => {
  killRunningChildren();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

async function readAll(): Promise<DecodedRecord[]> {
  const dir = new LogDirectory(dataDir, { logger: silentLogger });
  const log = dir.openLog('compact', 0, COMPACT_CRASH_CONFIG);
  const out: DecodedRecord[] = [];
  let at = log.logStartOffset;
  while (at < log.logEndOffset) {
    const r = log.read(at, 1 << 20);
    if (r.records.length === 0) break;
    verifyBatchCrcs(r.records);
    out.push(...(await decodeRecords(r.records)));
    at = r.nextOffset;
  }
  dir.close();
  return out;
}

it(`keeps the latest value of every key across ${CYCLES} SIGKILLs during compaction`, async () => {
  const random = prng(7);
  const written = new Map<number, { key: string; value: string }>();
  const latestAcked = new Map<string, number>();
  let cleanings = 0;
  let ackedEnd = 0;
  for (let cycle = 0; cycle < CYCLES; cycle++) {
    const plan: KillPlan =
      random() < 0.3 ? { afterLines: 1 + Math.floor(random() * 4), prefix: 'cleaned' } : { afterLines: 20 + Math.floor(random() * 200), prefix: 'ack' };
    const run = await runUntilKilled(CHILD, [dataDir, String(cycle)], plan);
    const ready = run.lines.find((l) => l[0] === 'ready');
    expect(ready).toBeDefined();
    expect(Number(ready![1])).toBeGreaterThanOrEqual(ackedEnd); // no acknowledged offset reused
    let next = Number(ready![1]);
    for (const line of run.lines) {
      if (line[0] === 'cleaned') cleanings++;
      if (line[0] !== 'ack') continue;
      const [c, seq, first] = line.slice(1).map(Number);
      expect(first).toBe(next);
      for (let i = 0; i < RECORDS_PER_BATCH; i++) {
        written.set(first + i, { key: keyOf(seq, i), value: compactValue(c, seq, i) });
        latestAcked.set(keyOf(seq, i), first + i);
      }
      next = first + RECORDS_PER_BATCH;
      ackedEnd = next;
    }
  }
  expect(cleanings).toBeGreaterThan(CYCLES);

  const records = await readAll();
  expect(records.length).toBeLessThan(written.size); // compaction did remove superseded records
  const newest = new Map<string, DecodedRecord>();
  let previous = -1;
  for (const r of records) {
    expect(r.offset).toBeGreaterThan(previous);
    previous = r.offset;
    const acked = written.get(r.offset);
    if (acked) expect({ key: r.key, value: r.value }).toEqual(acked);
    else {
      // written but not acknowledged before the kill: still the record its writer made for that slot
      const [c, seq, i] = (r.value ?? '').split(':').map(Number);
      expect(r.key).toBe(keyOf(seq, i));
      expect(r.value).toBe(compactValue(c, seq, i));
    }
    newest.set(r.key!, r);
  }
  for (const [key, offset] of latestAcked) {
    const kept = newest.get(key);
    expect(kept).toBeDefined();
    expect(kept!.offset).toBeGreaterThanOrEqual(offset);
    if (kept!.offset === offset) expect(kept!.value).toBe(written.get(offset)!.value);
  }
  const leftovers = fs.readdirSync(path.join(dataDir, 'compact-0')).filter((n) => /cleaned|swap|deleted/.test(n));
  expect(leftovers).toEqual([]);
}, 120_000);
