/**
 * Three processes share one native dataDir and exchange 30,000 keyed records (each produces its
 * 10,000 and all consume the topic in one group); the process serving the log is killed with
 * SIGKILL twice mid-stream, and restarted as a client. A waiting process takes the log over each
 * time. Every acknowledged record must be consumed, in per-key order, and no record may be in the
 * log twice. Children: sharedDataDirPeer.ts, from dist/. It prints one `FAULT …` line of counts.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ANNOUNCEMENT_FILE } from '../../../src/binder/native/sharedDataDir/announcement';
import {
  assertBuilt,
  logProblems,
  outOfOrderDeliveries,
  PeerReports,
  readTopic,
  startPeer,
  stopPeers,
  waitFor,
  type Peer,
} from './peers';
import type { PeerSettings } from './sharedDataDirPeer';
import { printSummary } from '../../faults/support/summary';

const PROCESSES = 3;
const PER_PROCESS = 10000;
const KEYS = 20;
const PARTITIONS = 6;
const CHUNK = 50;
const KILL_AT = [10000, 20000];
const STEP_TIMEOUT_MS = 60000;

function servingPid(dataDir: string): number | null {
  try {
    return (JSON.parse(fs.readFileSync(path.join(dataDir, ANNOUNCEMENT_FILE), 'utf8')) as { pid: number }).pid;
  } catch {
    return null;
  }
}

describe('processes sharing a dataDir survive SIGKILL of the serving process', () => {
  const peers: Peer[] = [];
  let dataDir: string;

  beforeAll(() => {
    assertBuilt();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-shared-kill-'));
  });

  afterAll(async () => {
    await stopPeers(peers, false);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it(`${PROCESSES} processes, ${PROCESSES * PER_PROCESS} keyed records, the serving process killed ${KILL_AT.length} times: every acknowledged record consumed in per-key order, none in the log twice`, async () => {
    const reports = new PeerReports();
    const settingsOf = (name: string, from: number, to: number): PeerSettings => ({
      name,
      dataDir,
      topic: 'exchange',
      group: 'exchange.g',
      partitions: PARTITIONS,
      sessionTimeoutMs: 6000,
      consume: true,
      produce: { from, to, keys: KEYS, chunk: CHUNK },
    });
    const current = new Map<string, Peer>();
    const names = Array.from({ length: PROCESSES }, (_, n) => `p${n}`);
    for (const name of names) {
      const peer = startPeer(settingsOf(name, 0, PER_PROCESS), reports, peers);
      current.set(name, peer);
      await peer.ready;
    }
    const began = Date.now();
    const handOverMs: number[] = [];
    for (const threshold of KILL_AT) {
      await waitFor(`${threshold} acknowledged records`, () => reports.acked.size >= threshold, STEP_TIMEOUT_MS);
      const pid = servingPid(dataDir);
      const victim = [...current.entries()].find(([, p]) => p.child.pid === pid);
      if (!victim) throw new Error(`the serving process ${pid} is not one of the peers`);
      const [name, peer] = victim;
      const killedAt = Date.now();
      peer.child.kill('SIGKILL');
      await peer.exited;
      const live = () => [...current.values()].filter((p) => p !== peer).map((p) => p.child.pid);
      await waitFor('another peer to serve the dataDir', () => live().includes(servingPid(dataDir) ?? -1), STEP_TIMEOUT_MS);
      handOverMs.push(Date.now() - killedAt);
      // Restarted as a client, after what it may have had in flight: at most one chunk, and one
      // whose acknowledgment had not reached the parent yet.
      let ackedTo = 0;
      while (reports.acked.has(`${name}/${ackedTo}`)) ackedTo++;
      const from = Math.ceil(ackedTo / CHUNK) * CHUNK + 2 * CHUNK;
      const restarted = startPeer(settingsOf(name, from, Math.max(from, PER_PROCESS) + (from - ackedTo)), reports, peers);
      current.set(name, restarted);
      expect(await restarted.ready).toMatchObject({ serving: false });
    }
    await waitFor(() => `every process to finish sending: ${reports.progress()}`, () => [...current.values()].every((p) => p.produced), STEP_TIMEOUT_MS * 2);
    await waitFor(() => `every acknowledged record to be consumed: ${reports.progress()}`, () => [...reports.acked].every((id) => reports.consumed.has(id)), STEP_TIMEOUT_MS);
    const elapsedMs = Date.now() - began;

    await stopPeers([...current.values()], true);
    const log = await readTopic(dataDir, 'exchange', PARTITIONS);
    const inLog = new Set(log.map((r) => `${r.name}/${r.i}`));
    const lost = [...reports.acked].filter((id) => !inLog.has(id));
    printSummary('shared-datadir-sigkill', {
      processes: PROCESSES,
      kills: KILL_AT.length,
      acked: reports.acked.size,
      failedSends: reports.failedSends.length,
      consumedDeliveries: reports.consumedCount,
      redelivered: reports.consumedCount - reports.consumed.size,
      logRecords: log.length,
      lost: lost.length,
      handOverMs: handOverMs.join('/'),
      elapsedMs,
    });
    expect(reports.failures).toEqual([]);
    expect(reports.failedSends).toEqual([]);
    expect(reports.acked.size).toBeGreaterThanOrEqual(PROCESSES * PER_PROCESS - KILL_AT.length * 2 * CHUNK);
    expect(lost).toEqual([]);
    expect(logProblems(log, KEYS)).toEqual([]);
    expect(outOfOrderDeliveries(reports, KEYS)).toEqual([]);
  }, 5 * STEP_TIMEOUT_MS);
});
