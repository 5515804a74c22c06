/**
 * A client that never reads its fetch responses. One raw socket pipelines large fetches (each
 * asking for everything of a topic holding tens of MiB) as fast as the broker takes them, and
 * never reads a byte back, while a well-behaved kafkajs producer and consumer group go on with
 * small records on another topic. The broker's resident memory must stay under 1 GiB, the good
 * clients' p99 request latency under 1 s, and the abusive connection must end up closed by the
 * broker or throttled (the broker stops taking its requests: its writes no longer drain).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InstrumentationEvent } from 'kafkajs';
import { freePort, killAllBrokers, startBroker, type BrokerProcess } from './support/brokerProcess';
import { kafkaClient } from './support/readBack';
import { GIB, mib, percentile, printSummary, waitUntil } from './support/summary';
import { fetchV4Frame } from './support/wire';

const BULK_TOPIC = 'bulk';
const BULK_MIB = 32;
const BULK_RECORD_BYTES = 16384;
const STEADY_TOPIC = 'steady';
/** The good producer sends one record this often. */
const STEADY_EVERY_MS = 20;
/** How long the abusive client keeps at it while the good clients are measured. */
const ABUSE_MS = 20000;
/** Small fetches the abusive client pipelines first, in one write (so they arrive in one read). */
const ABUSE_BURST = 100;
/**
 * Requests the abusive client sends at most. After the burst each carries a long client id, so a
 * broker that stops taking them shows it soon: the socket's writes stop draining.
 */
const ABUSE_MAX_REQUESTS = 4000;
const ABUSE_CLIENT_ID = 'a'.repeat(16384);
const FETCH_MAX_BYTES = 64 * 1024 * 1024;
/** Past this the goal is broken: the abusive socket is dropped so the machine is not exhausted. */
const RSS_GOAL = GIB;
/** Past this the broker itself is killed (a safety net for the machine, not a goal). */
const RSS_SAFETY = 2 * GIB;

interface Abuser {
  sent(): number;
  closedByBroker(): boolean;
  /** Whether the socket is waiting for the broker to take what was written (it stopped reading). */
  blocked(): boolean;
  /** Writes one more request: on a connection the broker has closed, the write fails and shows it. */
  probe(): void;
  drop(): void;
}

/** Connects, pauses reading for good, and writes fetch requests until closed, blocked for good, or the cap. */
function startAbuser(port: number): Promise<Abuser> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host: '127.0.0.1', port });
    let sent = 0;
    let closedByBroker = false;
    let dropped = false;
    socket.on('error', () => undefined);
    socket.on('close', () => (closedByBroker = !dropped));
    socket.once('connect', () => {
      socket.pause(); // never read: the responses stay in the kernel, then in the broker
      const burst = Array.from({ length: ABUSE_BURST }, () => fetchV4Frame(++sent, 'never-reads', BULK_TOPIC, 0, FETCH_MAX_BYTES));
      const write = () => {
        while (!socket.destroyed && sent < ABUSE_MAX_REQUESTS) {
          const more = socket.write(fetchV4Frame(++sent, ABUSE_CLIENT_ID, BULK_TOPIC, 0, FETCH_MAX_BYTES));
          if (!more) {
            socket.once('drain', write);
            return;
          }
        }
      };
      if (socket.write(Buffer.concat(burst))) write();
      else socket.once('drain', write);
      resolve({
        sent: () => sent,
        closedByBroker: () => closedByBroker,
        blocked: () => !socket.destroyed && socket.writableLength > 0,
        probe: () => void (!socket.destroyed && socket.write(fetchV4Frame(++sent, ABUSE_CLIENT_ID, BULK_TOPIC, 0, FETCH_MAX_BYTES))),
        drop: () => {
          dropped = true;
          socket.destroy();
        },
      });
    });
    socket.once('error', reject);
  });
}

describe('fault: a client that never reads its fetch responses', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bindery-fault-never-reads-'));
  let broker: BrokerProcess | undefined;
  const cleanups: Array<() => Promise<unknown> | void> = [];

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
    await killAllBrokers();
    rmSync(dataDir, { recursive: true, force: true });
  }, 60000);

  it('keeps the broker under 1 GiB and other clients under 1 s p99, and closes or throttles the abuser', async () => {
    const port = await freePort();
    broker = await startBroker({ dataDir, port });
    const bulkProducer = kafkaClient(broker.bootstrap, 'fault-bulk').producer();
    await bulkProducer.connect();
    const value = Buffer.alloc(BULK_RECORD_BYTES, 'b');
    // Half a MiB per batch: under the broker's max.message.bytes.
    const perSend = (512 * 1024) / BULK_RECORD_BYTES;
    for (let i = 0; i < 2 * BULK_MIB; i++) await bulkProducer.send({ topic: BULK_TOPIC, acks: -1, messages: Array.from({ length: perSend }, () => ({ value })) });
    await bulkProducer.disconnect();

    // The good clients: a producer sending small records at a steady pace, and a group consuming them.
    const good = kafkaClient(broker.bootstrap, 'fault-good', 5);
    const producer = good.producer();
    const consumer = good.consumer({ groupId: 'fault-good', maxWaitTimeInMs: 100 });
    let measuring = false;
    const latencies: number[] = [];
    const onRequest = (event: InstrumentationEvent<{ apiName: string; duration: number; pendingDuration: number }>) => {
      // Fetch long-polls by design; every other request should be answered at once.
      if (measuring && event.payload.apiName !== 'Fetch') latencies.push(event.payload.pendingDuration + event.payload.duration);
    };
    producer.on(producer.events.REQUEST, onRequest);
    consumer.on(consumer.events.REQUEST, onRequest);
    await producer.connect();
    await consumer.connect();
    cleanups.push(() => consumer.disconnect(), () => producer.disconnect());
    await consumer.subscribe({ topics: [STEADY_TOPIC], fromBeginning: true });
    const consumed = new Set<string>();
    await consumer.run({ eachMessage: async ({ message }) => void consumed.add(String(message.value)) });
    const acknowledged: string[] = [];
    const sendLatencies: number[] = [];
    let failedSends = 0;
    let sending = true;
    const steady = (async () => {
      for (let n = 0; sending; n++) {
        const began = Date.now();
        const record = `steady-${n}`;
        await producer.send({ topic: STEADY_TOPIC, acks: -1, messages: [{ value: record }] }).then(
          () => acknowledged.push(record),
          () => failedSends++,
        );
        if (measuring) sendLatencies.push(Date.now() - began);
        await new Promise((resolve) => setTimeout(resolve, STEADY_EVERY_MS));
      }
    })();
    cleanups.push(async () => {
      sending = false;
      await steady;
    });
    await waitUntil('the good consumer receiving records', () => consumed.size >= 20, 30000);

    // The abuse, with the broker's memory sampled throughout.
    let peakRss = broker.rssBytes();
    let goalBroken = false;
    let killedForSafety = false;
    measuring = true;
    const abuser = await startAbuser(port);
    cleanups.push(() => abuser.drop());
    const sampler = setInterval(() => {
      const rss = broker!.rssBytes();
      peakRss = Math.max(peakRss, rss);
      if (rss > RSS_GOAL && !goalBroken) {
        goalBroken = true;
        abuser.drop();
      }
      if (rss > RSS_SAFETY && !killedForSafety) {
        killedForSafety = true;
        void broker!.kill9();
      }
    }, 100);
    cleanups.push(() => clearInterval(sampler));
    const abuseEnds = Date.now() + ABUSE_MS;
    await waitUntil('the abuse window to pass or the abuser to be closed', () => Date.now() >= abuseEnds || abuser.closedByBroker() || goalBroken, ABUSE_MS + 5000, 100);
    // A closed abuser ends the window early; the good clients are still measured for the rest of it.
    await waitUntil('the rest of the abuse window', () => Date.now() >= abuseEnds || goalBroken, ABUSE_MS + 5000, 100);
    if (!abuser.closedByBroker() && !abuser.blocked() && !goalBroken) {
      // A paused socket does not see the broker's FIN: a write does (reset by a closed peer).
      abuser.probe();
      await waitUntil('the probe to show a closed or blocked connection', () => abuser.closedByBroker() || abuser.blocked(), 3000, 50).catch(() => undefined);
    }
    const outcome = abuser.closedByBroker() ? 'closed' : abuser.blocked() ? 'throttled' : goalBroken ? 'dropped-by-test' : 'open';
    const abusiveRequests = abuser.sent();
    abuser.drop();
    clearInterval(sampler);
    peakRss = Math.max(peakRss, broker.peakRssBytes());
    measuring = false;

    sending = false;
    await steady;
    await waitUntil('the good consumer receiving every acknowledged record', () => acknowledged.every((r) => consumed.has(r)), 30000, 100).catch(() => undefined);
    const goodConsumed = acknowledged.filter((r) => consumed.has(r)).length;
    const p99 = percentile(latencies, 99);
    const sendP99 = percentile(sendLatencies, 99);
    printSummary('never-reads', {
      bulk: `${BULK_MIB}MiB`,
      abusiveRequests,
      abusiveOutcome: outcome,
      brokerPeakRss: mib(peakRss),
      goodRequests: latencies.length,
      goodP99: `${p99}ms`,
      goodWorst: `${Math.max(0, ...latencies)}ms`,
      goodSendP99: `${sendP99}ms`,
      goodAcknowledged: acknowledged.length,
      goodConsumed,
      goodFailedSends: failedSends,
    });
    expect(killedForSafety).toBe(false);
    expect(peakRss).toBeLessThan(RSS_GOAL);
    expect(['closed', 'throttled']).toContain(outcome);
    expect(p99).toBeLessThan(1000);
    expect(sendP99).toBeLessThan(1000);
    expect(failedSends).toBe(0);
    expect(goodConsumed).toBe(acknowledged.length);
  }, 180000);
});
