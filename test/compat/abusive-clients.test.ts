import { Kafka, logLevel, type Producer } from 'kafkajs';
import { ApiKey, encodeRequestFrame } from '../../src/protocol';
import { neverReadingFetcher, sampleRss, silentConnection, timed, tricklingSender, unfinishedFrame, type AbusiveConnection } from '../support/abusive-clients';
import { startTestBroker, type TestBroker } from '../support/broker-server';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const MiB = 1024 * 1024;

/** Keeps a well-behaved producer busy until `done` holds (or the deadline passes); returns its latencies. */
async function sendUntil(producer: Producer, topic: string, done: () => boolean, deadlineMs: number): Promise<number[]> {
  const latencies: number[] = [];
  const end = Date.now() + deadlineMs;
  while (!done() && Date.now() < end) {
    await timed(latencies, () => producer.send({ topic, messages: [{ value: `m${latencies.length}` }] }));
  }
  return latencies;
}

const closedFlag = (c: AbusiveConnection) => {
  const state = { closed: false };
  void c.closed.then(() => (state.closed = true));
  return state;
};

const worst = (latencies: number[]) => Math.round(latencies.reduce((a, b) => Math.max(a, b), 0));

describe('bindery broker against clients that hold on to its memory and connections', () => {
  jest.setTimeout(180000);
  let broker: TestBroker;
  let kafka: Kafka;
  const abusers: AbusiveConnection[] = [];
  afterEach(async () => {
    for (const a of abusers.splice(0)) a.destroy();
    await broker?.stop();
  });
  const start = async (args: string[]) => {
    broker = await startTestBroker({ args });
    kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 10 } });
  };

  it('throttles, then closes, a client that pipelines 100 large fetches and never reads, while others are served', async () => {
    await start(['--max-response-bytes-per-connection', String(4 * MiB), '--connections-max-idle-ms', '3000']);
    const producer = kafka.producer();
    await producer.connect();
    const value = Buffer.alloc(64 * 1024, 7);
    for (let i = 0; i < 12; i++) await producer.send({ topic: 'bulk', messages: Array.from({ length: 8 }, () => ({ value })) });

    const rss = sampleRss(broker.pid as number);
    const abuser = await neverReadingFetcher({ port: broker.port, topic: 'bulk', requests: 100, maxBytes: 8 * MiB });
    abusers.push(abuser);
    const state = closedFlag(abuser);
    // Another consumer reads the same 6 MiB meanwhile.
    const consumer = kafka.consumer({ groupId: 'reads-bulk' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'bulk', fromBeginning: true });
    let consumed = 0;
    await consumer.run({ eachMessage: async () => void consumed++ });
    const latencies = await sendUntil(producer, 'healthy', () => state.closed && consumed === 96, 60000);
    const peakKiB = rss.stop();
    await consumer.disconnect();
    await producer.disconnect();
    process.stdout.write(
      `never-reading fetcher: closed=${state.closed} consumed=${consumed}/96 healthy sends=${latencies.length} worst=${worst(latencies)}ms ` +
        `broker rss start=${Math.round(rss.startKiB / 1024)}MiB peak=${Math.round(peakKiB / 1024)}MiB\n`,
    );
    expect(state.closed).toBe(true);
    expect(consumed).toBe(96);
    // Unbounded, the broker would read 100 responses of 6 MiB (600 MiB) for a client that takes none.
    expect(peakKiB - rss.startKiB).toBeLessThan(160 * 1024);
  });

  it('holds at most queued.max.request.bytes of unfinished frames and closes senders that do not finish them', async () => {
    await start(['--queued-max-request-bytes', String(128 * MiB), '--request-frame-timeout-ms', '3000']);
    const admin = kafka.admin();
    await admin.connect();
    const rss = sampleRss(broker.pid as number);
    const states = [];
    for (let i = 0; i < 5; i++) {
      const a = await unfinishedFrame({ port: broker.port, declaredBytes: 99 * MiB, sendBytes: 98 * MiB });
      abusers.push(a);
      states.push(closedFlag(a));
    }
    const end = Date.now() + 60000;
    while (!states.every((s) => s.closed) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    const peakKiB = rss.stop();
    // The broker reads requests again once the senders are gone.
    const topics = await admin.listTopics();
    await admin.disconnect();
    process.stdout.write(`unfinished frames: closed=${states.filter((s) => s.closed).length}/5 broker rss start=${Math.round(rss.startKiB / 1024)}MiB peak=${Math.round(peakKiB / 1024)}MiB\n`);
    expect(states.filter((s) => s.closed)).toHaveLength(5);
    expect(Array.isArray(topics)).toBe(true);
    // Unbounded, five frames of 98 MiB (490 MiB) would be held.
    expect(peakKiB - rss.startKiB).toBeLessThan(320 * 1024);
  });

  it('closes a sender that trickles a request a byte at a time, and an idle connection, while a producer keeps working', async () => {
    await start(['--request-frame-timeout-ms', '1000', '--connections-max-idle-ms', '1500']);
    const producer = kafka.producer();
    await producer.connect();
    const frame = encodeRequestFrame({ apiKey: ApiKey.Metadata, apiVersion: 1, correlationId: 1, clientId: 'slow' }, { topics: null });
    const slow = await tricklingSender({ port: broker.port, frame, intervalMs: 200 });
    abusers.push(slow);
    const idle = await silentConnection({ port: broker.port });
    abusers.push(idle);
    const slowState = closedFlag(slow);
    const idleState = closedFlag(idle);
    const latencies = await sendUntil(producer, 'healthy', () => slowState.closed && idleState.closed, 30000);
    await producer.disconnect();
    process.stdout.write(`slow sender: closed=${slowState.closed} after ${slow.sent()}/${frame.length} bytes; idle closed=${idleState.closed}; healthy sends=${latencies.length} worst=${worst(latencies)}ms\n`);
    expect(slowState.closed).toBe(true);
    expect(slow.sent()).toBeLessThan(frame.length);
    expect(idleState.closed).toBe(true);
  });
});
