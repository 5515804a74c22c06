/**
 * The engine at scale (many-topics.test.ts is the same over the wire): a broker process limited
 * to 1,024 descriptors auto-creates 10,000 topics with one record each, closes, restarts on the same data directory and serves every one,
 * within 1 GiB of resident memory in each run. Idle partitions hold little memory (tail cache
 * blocks start small), a topic's creation appends one journal line instead of rewriting the
 * metadata, and close and open skip the work idle logs do not need (fsyncs, snapshots, recovery).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeIfPeer } from '../support/peers';
import { describePhase, manyTopicsCreateAndRestart, prlimitAvailable } from '../support/manyTopics';

const TOPICS = 10_000;
const FD_LIMIT = 1024;
const MAX_RSS_BYTES = 1024 * 1024 * 1024;
/** A bound for a hung child, not a performance target: a phase takes a minute or two on a shared machine. */
const PHASE_TIMEOUT_MS = 600_000;

let dataDir: string;
beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-many-topics-'));
});
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describeIfPeer('prlimit', prlimitAvailable(), `a broker limited to ${FD_LIMIT} descriptors with ${TOPICS} topics`, () => {
  it(`auto-creates ${TOPICS} topics, restarts and serves every one, each run within 1 GiB`, async () => {
    const { create, serve } = await manyTopicsCreateAndRestart(dataDir, TOPICS, FD_LIMIT, PHASE_TIMEOUT_MS);
    // eslint-disable-next-line no-console
    console.log(`${describePhase(create)}\n${describePhase(serve)}`);
    expect({ ok: create.ok, failed: create.failed, firstError: create.firstError }).toEqual({ ok: TOPICS, failed: 0, firstError: null });
    expect({ ok: serve.ok, failed: serve.failed, firstError: serve.firstError }).toEqual({ ok: TOPICS, failed: 0, firstError: null });
    expect(create.peakRssBytes).toBeLessThan(MAX_RSS_BYTES);
    expect(serve.peakRssBytes).toBeLessThan(MAX_RSS_BYTES);
    expect(`${create.stderr}${serve.stderr}`).not.toMatch(/EMFILE|too many open files/i);
  }, 2 * PHASE_TIMEOUT_MS + 10_000);
});
