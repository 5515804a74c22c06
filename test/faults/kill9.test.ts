/**
 * kill -9 of `bindery broker` while an idempotent producer writes and a consumer group reads, ten
 * times. The clients (kafkajs, in this process) ride out every crash by reconnecting to the
 * restarted broker on the same address. At the end every acknowledged record is in the log
 * exactly once at its acknowledged offset, and the group has consumed every one of them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordMetadata } from 'kafkajs';
import { freePort, killAllBrokers, startBroker, type BrokerProcess } from './support/brokerProcess';
import { kafkaClient, readTopic, reconcile, type Acknowledged } from './support/readBack';
import { mib, printSummary, waitUntil } from './support/summary';

const CYCLES = 10;
const TOPIC = 'kill9';
const PARTITIONS = 3;
const RECORDS_PER_SEND = 50;
/** Records acknowledged and consumed between two kills. */
const ACKED_PER_CYCLE = 1500;
const CYCLE_DEADLINE_MS = 60000;

describe('fault: kill -9 of the broker under an idempotent producer and a consumer group', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bindery-fault-kill9-'));
  let broker: BrokerProcess | undefined;
  let stopClients: (() => Promise<void>) | undefined;

  afterAll(async () => {
    await stopClients?.().catch(() => undefined);
    await killAllBrokers();
    rmSync(dataDir, { recursive: true, force: true });
  }, 60000);

  it(`loses and duplicates no acknowledged record over ${CYCLES} crashes`, async () => {
    const port = await freePort();
    const start = () => startBroker({ dataDir, port, args: ['--partitions', String(PARTITIONS)] });
    broker = await start();
    let peakRss = 0;
    const kafka = kafkaClient(broker.bootstrap, 'fault-kill9', 30);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }], waitForLeaders: true });
    await admin.disconnect();

    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1000 } });
    await producer.connect();
    const consumer = kafka.consumer({ groupId: 'fault-kill9', sessionTimeout: 10000, heartbeatInterval: 1000, maxWaitTimeInMs: 200 });
    await consumer.connect();
    await consumer.subscribe({ topics: [TOPIC], fromBeginning: true });
    const consumed = new Set<string>();
    await consumer.run({ eachMessage: async ({ message }) => void consumed.add(String(message.value)) });

    const acknowledged: Acknowledged[] = [];
    let failedSends = 0;
    let sequence = 0;
    let producing = true;
    const producerLoop = (async () => {
      while (producing) {
        const values = Array.from({ length: RECORDS_PER_SEND }, () => `kill9-${sequence++}`);
        const partition = sequence % PARTITIONS;
        try {
          const [meta]: RecordMetadata[] = await producer.send({ topic: TOPIC, acks: -1, messages: values.map((value) => ({ partition, value })) });
          const base = Number(meta.baseOffset);
          values.forEach((value, i) => acknowledged.push({ partition, offset: base + i, value }));
        } catch {
          // Not acknowledged: whether it is in the log does not matter to the count.
          failedSends++;
        }
      }
    })();
    stopClients = async () => {
      producing = false;
      await producerLoop;
      await producer.disconnect().catch(() => undefined);
      await consumer.disconnect().catch(() => undefined);
    };

    const allConsumed = () => acknowledged.every((a) => consumed.has(a.value));
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const target = acknowledged.length + ACKED_PER_CYCLE;
      const consumedBefore = consumed.size;
      await waitUntil(`cycle ${cycle}: ${ACKED_PER_CYCLE} more records acknowledged and more consumed`, () => acknowledged.length >= target && consumed.size > consumedBefore, CYCLE_DEADLINE_MS);
      peakRss = Math.max(peakRss, broker.peakRssBytes());
      await broker.kill9();
      broker = await start();
    }
    await waitUntil('records acknowledged after the last restart', () => acknowledged.length >= CYCLES * ACKED_PER_CYCLE + ACKED_PER_CYCLE, CYCLE_DEADLINE_MS);
    producing = false;
    await producerLoop;
    await waitUntil('the group consuming every acknowledged record', allConsumed, CYCLE_DEADLINE_MS, 200);
    await stopClients();
    stopClients = undefined;

    const stored = await readTopic(broker.bootstrap, TOPIC, 60000);
    peakRss = Math.max(peakRss, broker.peakRssBytes());
    const counts = reconcile(acknowledged, stored.records);
    const notConsumed = acknowledged.filter((a) => !consumed.has(a.value)).length;
    printSummary('kill9', {
      cycles: CYCLES,
      acknowledged: counts.acknowledged,
      found: counts.found,
      lost: counts.lost,
      duplicated: counts.duplicated,
      misplaced: counts.misplaced,
      consumedByGroup: acknowledged.length - notConsumed,
      failedSends,
      storedRecords: stored.records.length,
      brokerPeakRss: mib(peakRss),
    });
    expect(stored.complete).toBe(true);
    expect(counts).toEqual({ acknowledged: acknowledged.length, found: acknowledged.length, lost: 0, duplicated: 0, misplaced: 0 });
    expect(notConsumed).toBe(0);
    expect(await broker.stop()).toBe(0);
  }, 300000);
});
