/**
 * Crash safety on a real disk: a child process appends continuously and is SIGKILLed at random
 * moments (sometimes during its own startup recovery). After every restart the log must be an
 * exact prefix of what was appended: every acknowledged batch present, no gap, no unreadable
 * batch, and offsets continuing without reuse.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LogDirectory } from '../../../src/broker/log/LogDirectory';
import { decodeRecords, verifyBatchCrcs } from '../../support/log-children/batches';
import { CRASH_LOG_CONFIG, recordValue, recordsInBatch } from '../../support/log-children/appender';
import { killRunningChildren, prng, runUntilKilled, type KillPlan } from '../../support/log-children/childRunner';
import { silentLogger } from '../../../src/logging';

const CHILD = path.resolve(__dirname, '../../../dist/test/support/log-children/appender.js');
const CYCLES = 50;
const CYCLE_DEADLINE_MS = 20_000;
/** Typically 10-30 s on a shared 2-core machine; the margin is for CI running every suite at once. */
const TEST_TIMEOUT_MS = 120_000;

interface Ack {
  cycle: number;
  seq: number;
  first: number;
  last: number;
}

let dataDir: string;

beforeAll(() => {
  if (!fs.existsSync(CHILD)) throw new Error(`${CHILD} is missing: build first with \`npx tsc -p .\` (npm test does)`);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-crash-'));
});

afterAll(() => {
  killRunningChildren();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

async function runCycle(cycle: number, plan: KillPlan): Promise<{ ready: number | null; acks: Ack[] }> {
  const run = await runUntilKilled(CHILD, [dataDir, String(cycle)], plan, CYCLE_DEADLINE_MS);
  const ready = run.lines.find((l) => l[0] === 'ready');
  const acks = run.lines
    .filter((l) => l[0] === 'ack')
    .map((l) => {
      const [c, seq, first, last] = l.slice(1).map(Number);
      return { cycle: c, seq, first, last };
    });
  return { ready: ready ? Number(ready[1]) : null, acks };
}

async function readAll(): Promise<Array<{ offset: number; value: string | null }>> {
  const dir = new LogDirectory(dataDir, { logger: silentLogger });
  const log = dir.openLog('crash', 0, CRASH_LOG_CONFIG);
  const out: Array<{ offset: number; value: string | null }> = [];
  let at = log.logStartOffset;
  while (at < log.logEndOffset) {
    const r = log.read(at, 1 << 20);
    if (r.records.length === 0) throw new Error(`nothing readable at offset ${at} below the log end ${log.logEndOffset}`);
    verifyBatchCrcs(r.records); // every stored batch intact, checked by an independent CRC-32C
    out.push(...(await decodeRecords(r.records)));
    at = r.nextOffset;
  }
  return out;
}

it(`keeps an exact prefix of the appends across ${CYCLES} SIGKILLs`, async () => {
  const random = prng(20261126);
  const acks: Ack[] = [];
  const starts: number[] = [];
  let acknowledgedEnd = 0;
  for (let cycle = 0; cycle < CYCLES; cycle++) {
    const plan: KillPlan = random() < 0.25 ? { afterMs: Math.floor(random() * 150) } : { afterLines: 1 + Math.floor(random() * 60), prefix: 'ack' };
    const result = await runCycle(cycle, plan);
    if (result.ready !== null) {
      // every acknowledged batch survived, and offsets continue right after them
      expect(result.ready).toBeGreaterThanOrEqual(acknowledgedEnd);
      starts[cycle] = result.ready;
    }
    let next = result.ready;
    for (const ack of result.acks) {
      expect(ack.first).toBe(next); // offsets continue without gap or reuse within a run
      next = ack.last + 1;
      acknowledgedEnd = next;
    }
    acks.push(...result.acks);
  }
  expect(acks.length).toBeGreaterThan(CYCLES);

  const records = await readAll();
  // no gap: offsets are exactly 0..n-1
  expect(records.map((r) => r.offset)).toEqual(records.map((_, i) => i));
  // exact prefix: within each cycle the batches are seq 0, 1, 2, … with their records in order
  let expectedCycle = -1;
  let expectedSeq = 0;
  let expectedIndex = 0;
  for (const r of records) {
    const [cycle, seq, i] = (r.value ?? '').split(':').map(Number);
    if (cycle !== expectedCycle) {
      expect(cycle).toBeGreaterThan(expectedCycle);
      expect(expectedIndex).toBe(0); // the previous cycle ended on a whole batch
      expect(starts[cycle]).toBe(r.offset); // the cycle started at the log end its recovery reported
      expectedCycle = cycle;
      expectedSeq = 0;
    }
    expect(`${seq}:${i}`).toBe(`${expectedSeq}:${expectedIndex}`);
    expect(r.value).toBe(recordValue(cycle, seq, i));
    expectedIndex++;
    if (expectedIndex === recordsInBatch(seq)) {
      expectedIndex = 0;
      expectedSeq++;
    }
  }
  // every acknowledged batch is in the log at the offsets it was acknowledged with
  const byOffset = new Map(records.map((r) => [r.offset, r.value]));
  for (const ack of acks) {
    for (let o = ack.first; o <= ack.last; o++) expect(byOffset.get(o)).toBe(recordValue(ack.cycle, ack.seq, o - ack.first));
  }
}, TEST_TIMEOUT_MS);
