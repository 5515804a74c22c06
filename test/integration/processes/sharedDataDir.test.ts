/**
 * Two processes name the same dataDir: the first holds it and serves the log, the second becomes
 * its client instead of failing with DataDirLockedError, and records sent by one are consumed by
 * the other.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ANNOUNCEMENT_FILE } from '../../../src/binder/native/sharedDataDir/announcement';
import { assertBuilt, logProblems, outOfOrderDeliveries, PeerReports, readTopic, startPeer, stopPeers, waitFor, type Peer } from './peers';

function servingPid(dataDir: string): number | null {
  try {
    return (JSON.parse(fs.readFileSync(path.join(dataDir, ANNOUNCEMENT_FILE), 'utf8')) as { pid: number }).pid;
  } catch {
    return null;
  }
}

const RECORDS = 100;
const KEYS = 10;
const PARTITIONS = 3;

describe('processes sharing a native dataDir', () => {
  const peers: Peer[] = [];
  let dataDir: string;

  beforeAll(() => assertBuilt());

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-shared-'));
  });

  afterEach(async () => {
    await stopPeers(peers.splice(0), false);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it(`a second process on the same dataDir consumes the ${RECORDS} records the first one sends`, async () => {
    const reports = new PeerReports();
    const common = { dataDir, topic: 'orders', group: 'billing', partitions: PARTITIONS, sessionTimeoutMs: 6000 };
    const sender = startPeer({ ...common, name: 'sender', consume: false, produce: { from: 0, to: RECORDS, keys: KEYS, chunk: 10 } }, reports, peers);
    expect(await sender.ready).toMatchObject({ serving: true });
    const receiver = startPeer({ ...common, name: 'receiver', consume: true }, reports, peers);
    expect(await receiver.ready).toMatchObject({ serving: false });

    await waitFor('the sender to finish', () => sender.produced, 30000);
    expect(reports.failedSends).toEqual([]);
    expect(reports.acked.size).toBe(RECORDS);
    await waitFor(`the receiver to consume ${RECORDS} records`, () => [...reports.acked].every((id) => reports.consumed.has(id)), 30000);
    expect(reports.consumedBy.size).toBe(1);
    expect(outOfOrderDeliveries(reports, KEYS)).toEqual([]);

    await stopPeers(peers, true);
    expect(peers.map((p) => p.child.exitCode)).toEqual([0, 0]);
    const log = await readTopic(dataDir, 'orders', PARTITIONS);
    expect(log).toHaveLength(RECORDS);
    expect(logProblems(log, KEYS)).toEqual([]);
    expect(reports.failures).toEqual([]);
  });

  it('when the serving process exits, the client takes the log over and a new process reaches it there', async () => {
    const reports = new PeerReports();
    const common = { dataDir, topic: 'orders', group: 'billing', partitions: PARTITIONS, sessionTimeoutMs: 6000 };
    const first = startPeer({ ...common, name: 'first', consume: false, produce: { from: 0, to: RECORDS, keys: KEYS, chunk: 10 } }, reports, peers);
    const firstPid = (await first.ready).pid;
    const receiver = startPeer({ ...common, name: 'receiver', consume: true }, reports, peers);
    const receiverPid = (await receiver.ready).pid;
    await waitFor('the first sender to finish', () => first.produced, 30000);

    await stopPeers([first], true);
    expect(first.child.exitCode).toBe(0);
    await waitFor(`the receiver to serve the dataDir (serving: ${servingPid(dataDir)}, first ${firstPid})`, () => servingPid(dataDir) === receiverPid, 30000);
    const second = startPeer({ ...common, name: 'second', consume: false, produce: { from: 0, to: RECORDS, keys: KEYS, chunk: 10 } }, reports, peers);
    expect(await second.ready).toMatchObject({ serving: false });
    await waitFor('the second sender to finish', () => second.produced, 30000);

    expect(reports.failedSends).toEqual([]);
    expect(reports.acked.size).toBe(2 * RECORDS);
    await waitFor(() => `the receiver to consume both senders' records: ${reports.progress()}`, () => [...reports.acked].every((id) => reports.consumed.has(id)), 30000);
    expect(outOfOrderDeliveries(reports, KEYS)).toEqual([]);
    await stopPeers(peers, true);
    const log = await readTopic(dataDir, 'orders', PARTITIONS);
    expect(log).toHaveLength(2 * RECORDS);
    expect(logProblems(log, KEYS)).toEqual([]);
    expect(reports.failures).toEqual([]);
  });
});
