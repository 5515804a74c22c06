/**
 * 10,000 auto-created topics under a low descriptor limit (`prlimit --nofile=1024:1024` on the
 * broker), then a restart under the same limit. A broker that keeps every segment file of every
 * partition open runs out of descriptors after a few hundred topics; the broker must keep serving
 * every topic (metadata, produce, fetch) and must start again on the same data with every record.
 * As root the data directory is a tmpfs of its own: the scenario is about descriptors, and each
 * created topic is a durable (fsynced) rewrite of the broker's metadata file, slow on a shared disk.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandWorks, describeIfPeer } from '../support/peers';
import { freePort, killAllBrokers, startBroker, type BrokerProcess } from './support/brokerProcess';
import { kafkaClient } from './support/readBack';
import { mib, printSummary } from './support/summary';
import { canMountTmpfs, mountTmpfs, type Tmpfs } from './support/tmpfs';
import { WireConnection } from './support/wire';

const TOPICS = 10000;
const NOFILE = 1024;
const TOPICS_PER_REQUEST = 50;
const CONNECTIONS = 2;
/** A Metadata request creating its topics waits behind the other connection's creations. */
const REQUEST_TIMEOUT_MS = 120000;
const TMPFS_MIB = 1024;
/** Topics per producer (kept small: kafkajs asks for the metadata of every topic it has sent to). */
const TOPICS_PER_PRODUCER = 500;
const TOPICS_PER_SEND = 100;
/**
 * Deadlines of the passes over every topic. Creating is the slow one: each auto-created topic is
 * one durable rewrite of the broker's whole metadata file, which grows with the topic count.
 */
const CREATE_DEADLINE_MS = 420000;
const PASS_DEADLINE_MS = 120000;
const TEST_TIMEOUT_MS = CREATE_DEADLINE_MS + 4 * PASS_DEADLINE_MS;

const topicName = (i: number) => `many-${String(i).padStart(5, '0')}`;

interface Pass {
  /** Topics that passed the check. */
  ok: number;
  ms: number;
  errors: Map<string, number>;
}

/**
 * Asks about every topic, `TOPICS_PER_REQUEST` at a time over a few raw connections; `check`
 * returns the topics of its chunk that passed and why others did not.
 */
async function eachChunk(port: number, names: readonly string[], deadline: number, check: (connection: WireConnection, chunk: string[]) => Promise<{ ok: number; failures: string[] }>): Promise<Pass> {
  const began = Date.now();
  const chunks: string[][] = [];
  for (let i = 0; i < names.length; i += TOPICS_PER_REQUEST) chunks.push(names.slice(i, i + TOPICS_PER_REQUEST));
  let ok = 0;
  const errors = new Map<string, number>();
  const count = (why: string, n: number) => errors.set(why, (errors.get(why) ?? 0) + n);
  const worker = async () => {
    let connection: WireConnection | null = null;
    for (let chunk = chunks.shift(); chunk; chunk = chunks.shift()) {
      if (Date.now() > deadline) {
        count('not asked before the deadline', chunk.length);
        continue;
      }
      try {
        connection ??= await WireConnection.open('127.0.0.1', port);
        const result = await check(connection, chunk);
        ok += result.ok;
        for (const why of result.failures) count(why, 1);
      } catch (error) {
        count(error instanceof Error ? error.message : String(error), chunk.length);
        connection?.close();
        connection = null;
      }
    }
    connection?.close();
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  return { ok, ms: Date.now() - began, errors };
}

/** Metadata v1 for every topic (auto-creating it): served = no error and a partition with a leader. */
function createPass(port: number, names: readonly string[], deadline: number): Promise<Pass> {
  return eachChunk(port, names, deadline, async (connection, chunk) => {
    const topics = await connection.metadata(chunk, REQUEST_TIMEOUT_MS);
    const served = topics.filter((t) => t.errorCode === 0 && t.led);
    return { ok: served.length, failures: topics.filter((t) => !(t.errorCode === 0 && t.led)).map((t) => `metadata error ${t.errorCode}`) };
  });
}

/** Fetch v4 of every topic from offset 0: read = no error and its one record (the topic's name) returned. */
function readPass(port: number, names: readonly string[], deadline: number): Promise<Pass> {
  return eachChunk(port, names, deadline, async (connection, chunk) => {
    const partitions = await connection.fetchFromStart(chunk, 4096, REQUEST_TIMEOUT_MS);
    const read = partitions.filter((p) => p.errorCode === 0 && p.highWatermark === 1 && p.records.includes(Buffer.from(p.topic)));
    const failures = partitions
      .filter((p) => !read.includes(p))
      .map((p) => (p.errorCode !== 0 ? `fetch error ${p.errorCode}` : p.highWatermark !== 1 ? `high watermark ${p.highWatermark}` : 'record missing'));
    return { ok: read.length, failures };
  });
}

/** One record (the topic's name) to every topic through kafkajs, acks=all: the topics acknowledged. */
async function writePass(bootstrap: string, names: readonly string[], deadline: number): Promise<Pass> {
  const began = Date.now();
  let ok = 0;
  const errors = new Map<string, number>();
  const count = (why: string, n: number) => errors.set(why, (errors.get(why) ?? 0) + n);
  for (let i = 0; i < names.length; i += TOPICS_PER_PRODUCER) {
    if (Date.now() > deadline) {
      count('not sent before the deadline', Math.min(TOPICS_PER_PRODUCER, names.length - i));
      continue;
    }
    const producer = kafkaClient(bootstrap, 'fault-topics', 1).producer({ allowAutoTopicCreation: false, retry: { retries: 1 } });
    await producer.connect();
    for (let j = i; j < Math.min(i + TOPICS_PER_PRODUCER, names.length); j += TOPICS_PER_SEND) {
      const chunk = names.slice(j, Math.min(j + TOPICS_PER_SEND, i + TOPICS_PER_PRODUCER));
      await producer.sendBatch({ acks: -1, timeout: 30000, topicMessages: chunk.map((topic) => ({ topic, messages: [{ value: topic }] })) }).then(
        () => (ok += chunk.length),
        (error: unknown) => count(`send failed: ${error instanceof Error ? error.message : String(error)}`, chunk.length),
      );
    }
    await producer.disconnect();
  }
  return { ok, ms: Date.now() - began, errors };
}

function describeErrors(...passes: Pass[]): string {
  const errors = new Map<string, number>();
  for (const pass of passes) for (const [why, n] of pass.errors) errors.set(why, (errors.get(why) ?? 0) + n);
  return errors.size === 0 ? 'none' : [...errors].map(([why, n]) => `${n}×${why.replace(/\s+/g, '_')}`).join(',');
}

describeIfPeer('prlimit (util-linux)', commandWorks('prlimit', ['--version']), 'fault: 10,000 auto-created topics under a descriptor limit', () => {
  let tmpfs: Tmpfs | undefined;
  let scratch: string | undefined;
  let broker: BrokerProcess | undefined;

  afterAll(async () => {
    await killAllBrokers();
    tmpfs?.unmount();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }, 60000);

  it(`serves ${TOPICS} topics with ${NOFILE} descriptors, and starts again on them`, async () => {
    if (canMountTmpfs()) tmpfs = mountTmpfs(TMPFS_MIB, 'bindery-fault-topics-');
    else scratch = mkdtempSync(join(tmpdir(), 'bindery-fault-topics-'));
    const dataDir = join(tmpfs?.dir ?? scratch!, 'data');
    mkdirSync(dataDir);
    const port = await freePort();
    const start = () => startBroker({ dataDir, port, nofile: NOFILE, startTimeoutMs: 120000 });
    broker = await start();
    const names = Array.from({ length: TOPICS }, (_, i) => topicName(i));

    const created = await createPass(port, names, Date.now() + CREATE_DEADLINE_MS);
    // A topic holds descriptors once its files are written: every one gets a record.
    const written = await writePass(broker.bootstrap, names, Date.now() + PASS_DEADLINE_MS);
    const readBefore = await readPass(port, names, Date.now() + PASS_DEADLINE_MS);
    let peakRss = broker.peakRssBytes();

    const stopCode = await broker.stop(30000);
    let restartError = 'none';
    let readAfter: Pass = { ok: 0, ms: 0, errors: new Map() };
    let restartMs = 0;
    try {
      const began = Date.now();
      broker = await start();
      restartMs = Date.now() - began;
      readAfter = await readPass(port, names, Date.now() + PASS_DEADLINE_MS);
      peakRss = Math.max(peakRss, broker.peakRssBytes());
    } catch (error) {
      restartError = (error instanceof Error ? error.message : String(error)).split('\n').slice(0, 3).join(' / ');
    }
    printSummary('many-topics', {
      topics: TOPICS,
      nofile: NOFILE,
      dataDir: tmpfs ? 'tmpfs' : 'disk',
      created: created.ok,
      createMs: created.ms,
      acknowledged: written.ok,
      writeMs: written.ms,
      foundBeforeRestart: readBefore.ok,
      stopExit: String(stopCode),
      restartMs,
      restartError: restartError.replace(/\s+/g, '_'),
      foundAfterRestart: readAfter.ok,
      lost: written.ok - readAfter.ok,
      brokerPeakRss: mib(peakRss),
      errors: describeErrors(created, written, readBefore, readAfter),
    });
    expect(restartError).toBe('none');
    expect({ created: created.ok, acknowledged: written.ok, foundBeforeRestart: readBefore.ok, foundAfterRestart: readAfter.ok }).toEqual({
      created: TOPICS,
      acknowledged: TOPICS,
      foundBeforeRestart: TOPICS,
      foundAfterRestart: TOPICS,
    });
    expect(stopCode).toBe(0);
    expect(await broker.stop(30000)).toBe(0);
  }, TEST_TIMEOUT_MS);
});
