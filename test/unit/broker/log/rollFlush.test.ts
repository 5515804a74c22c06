/**
 * Kafka flushes a segment when it rolls and advances the recovery point (off the append path),
 * so after a crash only the active segment is re-validated; damage in an older segment never
 * makes recovery delete the segments after it.
 */
import { MemoryFileSystem } from '../../../../src/broker/storage/MemoryFileSystem';
import { LogDirectory } from '../../../../src/broker/log/LogDirectory';
import type { Log } from '../../../../src/broker/log/Log';
import { decodeRecords, makeSimpleBatch } from '../../../support/log-children/batches';
import { silentLogger } from '../../../../src/logging';
import { warningsInto } from '../../../support/capturingLogger';

const ROOT = '/data';
const CONFIG = { segmentBytes: 1000 };
const SEG0 = `${ROOT}/events-0/00000000000000000000.log`;

async function offsetsIn(log: Log, from: number): Promise<number[]> {
  const out: number[] = [];
  let at = from;
  while (at < log.logEndOffset) {
    const r = log.read(at, 1 << 20);
    if (r.records.length === 0) break;
    out.push(...(await decodeRecords(r.records)).map((x) => x.offset).filter((o) => o >= from));
    at = r.nextOffset;
  }
  return out;
}

/** Polls `condition` until it holds or the deadline passes; returns whether it held. */
async function eventually(condition: () => boolean, deadlineMs = 2000): Promise<boolean> {
  const until = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > until) return false;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return true;
}

function checkpointedRecoveryPoint(fs: MemoryFileSystem): number {
  const text = fs.readFile(`${ROOT}/recovery-point-offset-checkpoint`)?.toString('utf8') ?? '';
  const line = text.split('\n').find((l) => l.startsWith('events 0 '));
  return line ? Number(line.split(' ')[2]) : 0;
}

function flipByte(fs: MemoryFileSystem, file: string, at: number): void {
  const h = fs.open(file);
  h.writeAt(Buffer.from([h.read(at, 1)[0] ^ 0xff]), at);
  h.close();
}

/** A log of several segments in a LogDirectory on `fs`, left without a clean shutdown. */
async function writeSegments(fs: MemoryFileSystem): Promise<{ log: Log; positions: number[] }> {
  const dir = new LogDirectory(ROOT, { fs, logger: silentLogger });
  const log = dir.openLog('events', 0, CONFIG);
  const positions: number[] = [];
  for (let i = 0; i < 30; i++) positions.push(log.append(await makeSimpleBatch(2, `e${i}`, 60)).position);
  expect(log.segmentCount).toBeGreaterThan(3);
  return { log, positions };
}

describe('flush on roll', () => {
  it('flushes rolled segments after the append and checkpoints the recovery point, so a crash re-validates only the active segment', async () => {
    const fs = new MemoryFileSystem();
    const { log, positions } = await writeSegments(fs);
    const activeBase = log.segmentBaseOffsets[log.segmentCount - 1];
    await eventually(() => checkpointedRecoveryPoint(fs) >= activeBase);
    expect(log.recoveryPoint).toBeGreaterThanOrEqual(activeBase);
    expect(checkpointedRecoveryPoint(fs)).toBe(activeBase);
    // crash (no close), then bytes of an old, flushed segment are damaged on disk
    flipByte(fs, SEG0, positions[1] + 70);
    const warnings: string[] = [];
    const reopened = new LogDirectory(ROOT, { fs, logger: warningsInto(warnings) }).openLog('events', 0, CONFIG);
    expect(reopened.logEndOffset).toBe(60);
    expect(await offsetsIn(reopened, log.segmentBaseOffsets[1])).toEqual([...Array(60).keys()].slice(log.segmentBaseOffsets[1]));
    // the damaged batch is served as it lies on disk (a client checking CRCs rejects it)
    expect(reopened.read(2, 1).records).toEqual(fs.readFile(SEG0)!.subarray(positions[1], positions[2]));
    expect(warnings).toEqual([]);
  });

  it('with a recovery point left behind, a corrupt batch in a closed segment is reported and kept; later segments survive', async () => {
    const fs = new MemoryFileSystem();
    const { log, positions } = await writeSegments(fs);
    fs.remove(`${ROOT}/recovery-point-offset-checkpoint`);
    flipByte(fs, SEG0, positions[1] + 70);
    const warnings: string[] = [];
    const reopened = new LogDirectory(ROOT, { fs, logger: warningsInto(warnings) }).openLog('events', 0, CONFIG);
    expect(reopened.segmentBaseOffsets).toEqual(log.segmentBaseOffsets);
    expect(reopened.logEndOffset).toBe(60);
    expect(await offsetsIn(reopened, log.segmentBaseOffsets[1])).toEqual([...Array(60).keys()].slice(log.segmentBaseOffsets[1]));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(SEG0);
    expect(warnings[0]).toContain(`byte ${positions[1]}`);
    expect(warnings[0]).toMatch(/CRC-32C mismatch/);
  });
});
