/**
 * The kafka binder's durable outbox against Apache Kafka: the broker is stopped for 10 s while
 * 10,000 keyed records are sent, and every record reaches Kafka once, in per-key order. Then a
 * sending process is killed with SIGKILL while records are stored (and again while forwarding),
 * and a restarted process forwards the rest.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startKafka, type KafkaCluster } from '../../scripts/kafka/kafka-node';
import { createKafkaBinder, type KafkaBinder } from '../../src/binder/kafka';
import type { KafkaProducerBinding } from '../../src/binder/kafka/KafkaProducerBinding';
import type { SendResult } from '../../src/binder/Binder';
import { describeIfPeer } from '../support/peers';
import { background, killAll, waitFor, type Background } from '../support/processes';
import { Collector, uniqueTopic } from '../integration/binder-contract/contractSupport';
import { kafkaJarsAvailable } from './kafkaPeer';

const SENDER = path.resolve(__dirname, '../../dist/test/support/outbox-children/sender.js');
const KEYS = 50;

describeIfPeer('Java 17 and the Apache Kafka jars (node scripts/kafka/fetch.js)', kafkaJarsAvailable, 'kafka binder outbox while Apache Kafka is down', () => {
  let cluster: KafkaCluster | undefined;
  const binders: KafkaBinder[] = [];
  const dirs: string[] = [];

  beforeAll(async () => {
    cluster = await startKafka({ size: 1 });
  }, 240000);
  afterAll(async () => {
    await killAll();
    for (const binder of binders) await binder.close();
    await cluster?.stop();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  }, 120000);

  function binder(): KafkaBinder {
    const made = createKafkaBinder({
      brokers: cluster!.brokers,
      logLevel: 'nothing',
      connectionTimeoutMs: 1000,
      requestTimeoutMs: 10000,
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1000 },
    });
    binders.push(made);
    return made;
  }

  function tempDir(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-outbox-kafka-'));
    dirs.push(dir);
    return dir;
  }

  /** Reads the topic from the start until `count` distinct values arrived; returns every value read (duplicates included). */
  async function readAll(topic: string, count: number): Promise<string[]> {
    const consumer = await Collector.subscribe(binder(), topic, { group: `${topic}.check`, partitionCount: 3 });
    await consumer.waitFor(() => new Set(consumer.values()).size >= count, `${count} distinct records (have ${consumer.records.length})`, 120000);
    const values = consumer.values().map((v) => v!);
    await consumer.stop();
    return values;
  }

  /** Values are `<key>:<index>:…`; within a key, first occurrences must come in index order. */
  function outOfOrder(values: string[]): string[] {
    const seen = new Set<string>();
    const last = new Map<string, number>();
    const wrong: string[] = [];
    for (const value of values) {
      if (seen.has(value)) continue;
      seen.add(value);
      const [key, index] = value.split(':');
      if (Number(index) < (last.get(key) ?? -1)) wrong.push(value);
      last.set(key, Number(index));
    }
    return wrong;
  }

  it('delivers 10,000 keyed records sent while Kafka is stopped for 10 s exactly once, in per-key order', async () => {
    const RECORDS = 10000;
    const topic = uniqueTopic('outbox');
    const binding = (await binder().bindProducer(topic, { partitionCount: 3, outbox: { dataDir: tempDir() } })) as KafkaProducerBinding;
    const node = cluster!.nodes[0];
    const results: Promise<SendResult>[] = [];
    const send = (i: number) => results.push(binding.send({ key: Buffer.from(`key-${i % KEYS}`), value: Buffer.from(`${i % KEYS}:${i}:`) }));
    for (let i = 0; i < 1000; i++) send(i);
    await Promise.all(results);

    await node.stop();
    const downSince = Date.now();
    // the outage lasts 10 s; records keep coming in bursts through it
    for (let i = 1000; i < RECORDS; i += 500) {
      for (let j = i; j < i + 500; j++) send(j);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const sentWhileDown = await Promise.all(results);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 10000 - (Date.now() - downSince))));
    const stored = sentWhileDown.filter((r) => r.outcome === 'stored').length;
    expect(stored).toBeGreaterThan(0);
    expect(binding.outboxStatus?.depth).toBeGreaterThan(0);
    await node.restart();

    await binding.outboxDrained();
    const values = await readAll(topic, RECORDS);
    process.stdout.write(`OUTBOX kafka-outage records=${RECORDS} stored=${stored} read=${values.length} distinct=${new Set(values).size}\n`);
    expect(values.length).toBe(RECORDS);
    expect(new Set(values).size).toBe(RECORDS);
    expect(outOfOrder(values)).toEqual([]);
  }, 240000);

  it('forwards what a SIGKILLed sender had stored from a restarted sender, losing nothing and doubling nothing', async () => {
    const RECORDS = 5000;
    const VALUE_BYTES = 1000;
    const topic = uniqueTopic('outbox-kill');
    const dataDir = tempDir();
    const node = cluster!.nodes[0];
    const sender = (count: number): Background =>
      background(process.execPath, [SENDER, cluster!.brokers, dataDir, topic, String(count), String(VALUE_BYTES), String(KEYS)]);
    const line = (child: Background, match: (line: string) => boolean, what: string) =>
      waitFor(`${what} (stderr: ${child.stderr()})`, () => child.lines.some(match), 120000);

    // make the topic while Kafka is up, then stop it: the first sender stores everything
    await binder().provisionTopic(topic, 3);
    await node.stop();
    const first = sender(RECORDS);
    await line(first, (l) => l.startsWith('sent '), 'the first sender storing every record');
    expect(first.lines.find((l) => l.startsWith('sent '))).toBe(`sent ${RECORDS} 0`);
    await first.stop('SIGKILL');

    // the second sender forwards; it is killed as soon as part of the outbox is delivered
    await node.restart();
    const second = sender(0);
    const depths = () => second.lines.filter((l) => l.startsWith('depth ')).map((l) => Number(l.slice(6)));
    await line(second, () => depths().some((d) => d < RECORDS), 'the second sender delivering part of the outbox');
    await second.stop('SIGKILL');
    const depthAtKill = Math.min(...depths());

    const third = sender(0);
    await line(third, (l) => l === 'drained', 'the third sender draining the outbox');
    await third.exited;

    const values = await readAll(topic, RECORDS);
    const duplicates = values.length - new Set(values).size;
    process.stdout.write(
      `OUTBOX sigkill records=${RECORDS} depthAtSecondKill=${depthAtKill} read=${values.length} distinct=${new Set(values).size} duplicates=${duplicates}\n`,
    );
    expect(new Set(values).size).toBe(RECORDS);
    expect(outOfOrder(values)).toEqual([]);
    expect(duplicates).toBe(0);
  }, 300000);
});
