/**
 * `bindery broker` under a low descriptor limit, through the Kafka wire protocol: kafkajs
 * auto-creates hundreds of topics (several descriptors' worth each) and acknowledged records are
 * consumed after a restart under the same limit. Segment files hold a descriptor only while
 * recently used, so the broker's sockets keep working and the restart does not run out of them.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { describeIfPeer } from '../../support/peers';
import { prlimitAvailable } from '../../support/manyTopics';
import { background, killAll, waitFor, type Background } from '../../support/processes';
import { cliBuilt } from '../../support/broker-server';

const TOPICS = 400;
const FD_LIMIT = 128;
const CLI = path.join(__dirname, '..', '..', '..', 'bin', 'bindery.js');
const topic = (i: number) => `wire-many-${i}`;

let dataDir: string;
beforeAll(() => {
  if (!cliBuilt()) throw new Error('dist/ is missing: build first with `npx tsc -p .` (npm test does)');
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-fd-wire-'));
});
afterAll(async () => {
  await killAll();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function startLimitedBroker(): Promise<{ broker: Background; port: number }> {
  const broker = background('prlimit', [`--nofile=${FD_LIMIT}:${FD_LIMIT}`, process.execPath, CLI, 'broker', '--data-dir', dataDir, '--port', '0']);
  let port = 0;
  await waitFor('the broker to listen', () => {
    if (broker.stderr().length > 0 && /Error/.test(broker.stderr())) throw new Error(`broker failed:\n${broker.stderr()}`);
    const m = broker.lines.map((l) => /listening on [^:]+:(\d+)/.exec(l)).find((x) => x);
    if (m) port = Number(m[1]);
    return port > 0;
  }, 60_000);
  return { broker, port };
}

describeIfPeer('prlimit', prlimitAvailable(), `bindery broker limited to ${FD_LIMIT} descriptors`, () => {
  it(`auto-creates ${TOPICS} topics through kafkajs, restarts and serves them`, async () => {
    const first = await startLimitedBroker();
    const kafka1 = new Kafka({ brokers: [`127.0.0.1:${first.port}`], clientId: 'fd-limit', logLevel: logLevel.NOTHING, retry: { retries: 3 } });
    const producer = kafka1.producer({ allowAutoTopicCreation: true });
    await producer.connect();
    let acknowledged = 0;
    for (let from = 0; from < TOPICS; from += 100) {
      const topicMessages = Array.from({ length: Math.min(100, TOPICS - from) }, (_, k) => ({ topic: topic(from + k), messages: [{ value: `v${from + k}` }] }));
      const res = await producer.sendBatch({ topicMessages, acks: -1 });
      acknowledged += res.filter((r) => r.errorCode === 0).length;
    }
    await producer.disconnect();
    expect(acknowledged).toBe(TOPICS);
    expect(await first.broker.stop('SIGTERM')).toBe(0);
    expect(first.broker.stderr()).not.toMatch(/EMFILE|too many open files/i);

    const second = await startLimitedBroker();
    const kafka2 = new Kafka({ brokers: [`127.0.0.1:${second.port}`], clientId: 'fd-limit', logLevel: logLevel.NOTHING, retry: { retries: 3 } });
    const admin = kafka2.admin();
    await admin.connect();
    const seen = new Map<string, string>();
    const consumer = kafka2.consumer({ groupId: 'fd-limit-readers', maxWaitTimeInMs: 100 });
    try {
      expect((await admin.listTopics()).filter((t) => t.startsWith('wire-many-'))).toHaveLength(TOPICS);
      await consumer.connect();
      await consumer.subscribe({ topics: [/^wire-many-/], fromBeginning: true });
      await consumer.run({ eachMessage: async ({ topic: t, message }) => void seen.set(t, String(message.value)) });
      await waitFor(`records of all ${TOPICS} topics`, () => seen.size === TOPICS, 120_000);
    } finally {
      await consumer.disconnect();
      await admin.disconnect();
    }
    for (let i = 0; i < TOPICS; i++) expect(seen.get(topic(i))).toBe(`v${i}`);
    expect(await second.broker.stop('SIGTERM')).toBe(0);
    expect(second.broker.stderr()).not.toMatch(/EMFILE|too many open files/i);
  }, 300_000);
});
