/**
 * 10,000 auto-created topics under a low descriptor limit (`prlimit --nofile=1024:1024` on the
 * broker), then a restart under the same limit. A broker that keeps every segment file of every
 * partition open runs out of descriptors after a few hundred topics; the broker must keep serving
 * every topic (metadata, produce, fetch offsets) and must start again on the same data.
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
/** Every this many topics, one gets a record produced before the restart and checked after it. */
const SAMPLE_EVERY = 100;
/**
 * Deadlines of the passes over every topic. Creating is the slow one: each auto-created topic is
 * one durable rewrite of the broker's whole metadata file, which grows with the topic count.
 */
const CREATE_DEADLINE_MS = 720000;
const SERVE_DEADLINE_MS = 60000;
const TEST_TIMEOUT_MS = CREATE_DEADLINE_MS + 4 * SERVE_DEADLINE_MS;

const topicName = (i: number) => `many-${String(i).padStart(5, '0')}`;

/** Asks for every topic in chunks over a few connections; counts the topics served with a led partition. */
async function metadataPass(port: number, names: readonly string[], deadline: number): Promise<{ served: number; ms: number; errors: Map<string, number> }> {
  const began = Date.now();
  const chunks: string[][] = [];
  for (let i = 0; i < names.length; i += TOPICS_PER_REQUEST) chunks.push(names.slice(i, i + TOPICS_PER_REQUEST));
  let served = 0;
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
        for (const topic of await connection.metadata(chunk, REQUEST_TIMEOUT_MS)) {
          if (topic.errorCode === 0 && topic.led) served++;
          else count(`error ${topic.errorCode}`, 1);
        }
      } catch (error) {
        count(error instanceof Error ? error.message : String(error), chunk.length);
        connection?.close();
        connection = null;
      }
    }
    connection?.close();
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  return { served, ms: Date.now() - began, errors };
}

function describeErrors(...passes: Array<Map<string, number>>): string {
  const errors = new Map<string, number>();
  for (const pass of passes) for (const [why, n] of pass) errors.set(why, (errors.get(why) ?? 0) + n);
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
    const sample = names.filter((_, i) => i % SAMPLE_EVERY === 0);

    const created = await metadataPass(port, names, Date.now() + CREATE_DEADLINE_MS);
    const servedBefore = await metadataPass(port, names, Date.now() + SERVE_DEADLINE_MS);
    let sampleProduced = 0;
    const producer = kafkaClient(broker.bootstrap, 'fault-topics', 2).producer({ allowAutoTopicCreation: false, retry: { retries: 2 } });
    await producer.connect();
    for (const topic of sample) {
      await producer.send({ topic, acks: -1, timeout: 10000, messages: [{ value: topic }] }).then(
        () => sampleProduced++,
        () => undefined,
      );
    }
    await producer.disconnect();
    let peakRss = broker.peakRssBytes();

    const stopCode = await broker.stop(30000);
    let restartError = 'none';
    let servedAfter = { served: 0, ms: 0, errors: new Map<string, number>() };
    let sampleFound = 0;
    let restartMs = 0;
    try {
      const began = Date.now();
      broker = await start();
      restartMs = Date.now() - began;
      servedAfter = await metadataPass(port, names, Date.now() + SERVE_DEADLINE_MS);
      const admin = kafkaClient(broker.bootstrap, 'fault-topics', 2).admin();
      await admin.connect();
      for (const topic of sample) {
        const ends = await admin.fetchTopicOffsets(topic).catch(() => []);
        if (ends.length === 1 && ends[0].high === '1') sampleFound++;
      }
      await admin.disconnect();
      peakRss = Math.max(peakRss, broker.peakRssBytes());
    } catch (error) {
      restartError = (error instanceof Error ? error.message : String(error)).split('\n').slice(0, 3).join(' / ');
    }
    printSummary('many-topics', {
      topics: TOPICS,
      nofile: NOFILE,
      dataDir: tmpfs ? 'tmpfs' : 'disk',
      created: created.served,
      createMs: created.ms,
      servedBeforeRestart: servedBefore.served,
      sampleProduced: `${sampleProduced}/${sample.length}`,
      stopExit: String(stopCode),
      restartMs,
      servedAfterRestart: servedAfter.served,
      sampleFoundAfterRestart: `${sampleFound}/${sample.length}`,
      brokerPeakRss: mib(peakRss),
      errors: describeErrors(created.errors, servedBefore.errors, servedAfter.errors),
    });
    expect(restartError).toBe('none');
    expect({ created: created.served, servedBefore: servedBefore.served, servedAfter: servedAfter.served }).toEqual({ created: TOPICS, servedBefore: TOPICS, servedAfter: TOPICS });
    expect({ sampleProduced, sampleFound }).toEqual({ sampleProduced: sample.length, sampleFound: sample.length });
    expect(stopCode).toBe(0);
    expect(await broker.stop(30000)).toBe(0);
  }, TEST_TIMEOUT_MS);
});
