/**
 * Two processes name the same dataDir: the first holds it and serves the log, the second becomes
 * its client instead of failing with DataDirLockedError, and records sent by one are consumed by
 * the other.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { assertBuilt, logProblems, outOfOrderDeliveries, PeerReports, readTopic, startPeer, stopPeers, waitFor, type Peer } from './peers';

const RECORDS = 100;
const KEYS = 10;
const PARTITIONS = 3;

describe('processes sharing a native dataDir', () => {
  const peers: Peer[] = [];
  let dataDir: string;

  beforeAll(() => {
    assertBuilt();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-shared-'));
  });

  afterAll(async () => {
    await stopPeers(peers, false);
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
});
