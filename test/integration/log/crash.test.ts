/**
 * Crash safety on a real disk: a child process appends continuously and is SIGKILLed at random
 * moments (sometimes during its own startup recovery). After every restart the log must be an
 * exact prefix of what was appended: every acknowledged batch present, no gap, no unreadable
 * batch, and offsets continuing without reuse.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LogDirectory } from '../../../src/broker/log/LogDirectory';
import { decodeRecords, verifyBatchCrcs } from '../../support/log-children/batches';
import { CRASH_LOG_CONFIG, recordValue, recordsInBatch } from '../../support/log-children/appender';

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

interface CycleResult {
  ready: number | null;
  acks: Ack[];
  stderr: string;
}

const running = new Set<ChildProcess>();
let dataDir: string;

beforeAll(() => {
  if (!fs.existsSync(CHILD)) throw new Error(`${CHILD} is missing: build first with \`npx tsc -p .\` (npm test does)`);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-crash-'));
});

afterAll(() => {
  for (const child of running) child.kill('SIGKILL');
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Deterministic pseudo-random numbers so a failure can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 0x100000000;
  };
}

function runCycle(cycle: number, plan: { afterAcks: number } | { afterMs: number }): Promise<CycleResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, dataDir, String(cycle)], { stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    const result: CycleResult = { ready: null, acks: [], stderr: '' };
    let pending = '';
    let killed = false;
    const kill = () => {
      if (!killed) child.kill('SIGKILL');
      killed = true;
    };
    const deadline = setTimeout(() => {
      kill();
      reject(new Error(`cycle ${cycle}: child did not reach its kill point within ${CYCLE_DEADLINE_MS} ms\n${result.stderr}`));
    }, CYCLE_DEADLINE_MS);
    const timer = 'afterMs' in plan ? setTimeout(kill, plan.afterMs) : null;
    child.stderr!.on('data', (d: Buffer) => (result.stderr += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      pending += d.toString();
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        const parts = line.split(' ');
        if (parts[0] === 'ready') result.ready = Number(parts[1]);
        if (parts[0] === 'ack') {
          const [c, seq, first, last] = parts.slice(1).map(Number);
          result.acks.push({ cycle: c, seq, first, last });
          if ('afterAcks' in plan && result.acks.length >= plan.afterAcks) kill();
        }
      }
    });
    child.on('exit', (code, signal) => {
      running.delete(child);
      clearTimeout(deadline);
      if (timer) clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`cycle ${cycle}: child exited by itself (${code})\n${result.stderr}`));
      else resolve(result);
    });
  });
}

async function readAll(): Promise<Array<{ offset: number; value: string | null }>> {
  const dir = new LogDirectory(dataDir, { logger: { warn: () => undefined } });
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
    const plan = random() < 0.25 ? { afterMs: Math.floor(random() * 150) } : { afterAcks: 1 + Math.floor(random() * 60) };
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
