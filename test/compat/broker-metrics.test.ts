/**
 * `bindery broker --metrics-port` scraped while kafkajs produces and consumes: per-API request
 * counts equal what the clients sent (kafkajs reports each request it got an answer to), and the
 * topic, log and group series say what happened.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { ManagementPortInUseError } from '../../src/management';
import { brokerCommand } from '../../src/cli/commands/broker';
import { brokerHandlers } from '../../src/broker/server/handlers';
import { scrape, valueOf, type Sample } from '../support/prometheus';
import { waitFor } from '../support/processes';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

interface Running {
  port: number;
  metricsPort: number;
  stop(): Promise<number>;
}

async function startBroker(args: string[] = []): Promise<Running> {
  let stop!: () => void;
  const until = new Promise<void>((resolve) => (stop = resolve));
  const lines: string[] = [];
  let ready!: () => void;
  const started = new Promise<void>((resolve) => (ready = resolve));
  const done = brokerCommand(['--memory', '--port', '0', '--metrics-port', '0', ...args], {
    out: (line) => {
      lines.push(line);
      if (line.startsWith('metrics on')) ready();
    },
    err: (line) => lines.push(line),
    stdin: process.stdin,
  }, until);
  await Promise.race([started, done.then(() => Promise.reject(new Error(`broker exited: ${lines.join('\n')}`)))]);
  const port = Number(/listening on [^:]+:(\d+)/.exec(lines.join('\n'))?.[1]);
  const metricsPort = Number(/metrics on http:\/\/[^:]+:(\d+)\/metrics/.exec(lines.join('\n'))?.[1]);
  return { port, metricsPort, stop: () => (stop(), done) };
}

const NAMES = new Map(brokerHandlers.map((h) => [h.apiKey, h.name]));

describe('bindery broker --metrics-port', () => {
  let broker: Running;
  beforeAll(async () => {
    broker = await startBroker();
  });
  afterAll(() => broker?.stop());

  it('counts the requests kafkajs sent per API and version, the bytes and records in and out, and the logs and groups', async () => {
    const kafka = new Kafka({ brokers: [`127.0.0.1:${broker.port}`], clientId: 'metrics', logLevel: logLevel.NOTHING });
    /** "apiKey/version" → requests kafkajs got an answer to. */
    const sent = new Map<string, number>();
    const count = (e: { payload: { apiKey: number; apiVersion: number } }): void => {
      const key = `${NAMES.get(e.payload.apiKey)}/${e.payload.apiVersion}`;
      sent.set(key, (sent.get(key) ?? 0) + 1);
    };
    const admin = kafka.admin();
    const producer = kafka.producer();
    const consumer = kafka.consumer({ groupId: 'metrics-readers', maxWaitTimeInMs: 100 });
    admin.on(admin.events.REQUEST, count);
    producer.on(producer.events.REQUEST, count);
    consumer.on(consumer.events.REQUEST, count);

    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'metered', numPartitions: 2 }] });
    await producer.connect();
    for (let i = 0; i < 10; i++) await producer.send({ topic: 'metered', messages: [{ key: `k${i}`, value: `value-${i}` }, { key: `k${i}`, value: 'x' }] });
    const received: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: 'metered', fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void received.push(String(message.value)) });
    await waitFor('the consumer to read 20 records', () => received.length === 20, 30000);

    const live = await scrape(broker.metricsPort);
    expect(valueOf(live, 'kafka_coordinator_group_groupmetadatamanager_numgroups', { state: 'Stable' })).toBe(1);
    expect(valueOf(live, 'bindery_broker_group_members', { group: 'metrics-readers' })).toBe(1);
    expect(valueOf(live, 'kafka_server_socketservermetrics_connection_count')).toBeGreaterThanOrEqual(1);

    await consumer.disconnect();
    await producer.disconnect();
    await admin.disconnect();
    // A long-poll fetch may still be answered after its client left: wait until no request is in flight.
    let samples: Sample[] = [];
    const deadline = Date.now() + 10000;
    do samples = await scrape(broker.metricsPort);
    while (valueOf(samples, 'bindery_broker_requests_in_flight') > 0 && Date.now() < deadline);

    const answered = new Map<string, number>();
    for (const s of samples.filter((x) => x.name === 'kafka_network_requestmetrics_requests_total')) {
      answered.set(`${s.labels.request}/${s.labels.version}`, s.value);
    }
    // Fetch: the one a consumer had parked when it disconnected is answered, but kafkajs no longer listens.
    const fetchKey = [...sent.keys()].find((k) => k.startsWith('Fetch/'))!;
    expect(answered.get(fetchKey)! - sent.get(fetchKey)!).toBeGreaterThanOrEqual(0);
    expect(answered.get(fetchKey)! - sent.get(fetchKey)!).toBeLessThanOrEqual(1);
    sent.delete(fetchKey);
    answered.delete(fetchKey);
    expect(Object.fromEntries([...answered].sort())).toEqual(Object.fromEntries([...sent].sort()));
    expect(sent.get([...sent.keys()].find((k) => k.startsWith('Produce/'))!)).toBe(10);

    expect(valueOf(samples, 'kafka_server_brokertopicmetrics_messagesin_total', { topic: 'metered' })).toBe(20);
    const bytesIn = valueOf(samples, 'kafka_server_brokertopicmetrics_bytesin_total', { topic: 'metered' });
    expect(bytesIn).toBeGreaterThan(20 * 'value-0'.length);
    expect(valueOf(samples, 'kafka_log_log_size', { topic: 'metered' })).toBe(bytesIn);
    expect(valueOf(samples, 'kafka_server_brokertopicmetrics_bytesout_total', { topic: 'metered' })).toBeGreaterThanOrEqual(bytesIn);
    expect(valueOf(samples, 'kafka_log_log_logendoffset', { topic: 'metered' })).toBe(20);
    // The consumer read each record once, in the batches the producer wrote.
    expect(valueOf(samples, 'bindery_broker_topic_messages_out_total', { topic: 'metered' })).toBe(20);
    expect(valueOf(samples, 'kafka_network_requestmetrics_localtime_seconds_count', { request: 'Produce' })).toBe(10);
    expect(valueOf(samples, 'kafka_coordinator_group_groupmetadatamanager_numgroups', { state: 'Empty' })).toBe(1);
  }, 60000);

  it('times each log flush in kafka_log_logflushstats_logflushrateandtime_seconds', async () => {
    // flush.messages=1: every append is followed by an fsync of its partition's log.
    const flushing = await startBroker(['--config', 'flush.messages=1']);
    const kafka = new Kafka({ brokers: [`127.0.0.1:${flushing.port}`], clientId: 'flushes', logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    try {
      const before = valueOf(await scrape(flushing.metricsPort), 'kafka_log_logflushstats_logflushrateandtime_seconds_count');
      await producer.connect();
      for (let i = 0; i < 7; i++) await producer.send({ topic: 'flushed', messages: [{ key: 'k', value: `v${i}` }] });
      const samples = await scrape(flushing.metricsPort);
      expect(valueOf(samples, 'kafka_log_logflushstats_logflushrateandtime_seconds_count') - before).toBe(7);
      expect(valueOf(samples, 'kafka_log_logflushstats_logflushrateandtime_seconds_bucket', { le: '+Inf' }) - before).toBe(7);
      expect(valueOf(samples, 'kafka_log_logflushstats_logflushrateandtime_seconds_sum')).toBeGreaterThanOrEqual(0);
    } finally {
      await producer.disconnect();
      await flushing.stop();
    }
  }, 60000);

  it('stops with an error naming the port when the metrics port is in use', async () => {
    const blocker = http.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as AddressInfo).port;
    try {
      const io = { out: () => undefined, err: () => undefined, stdin: process.stdin };
      const error = await brokerCommand(['--memory', '--port', '0', '--metrics-port', String(taken)], io, new Promise(() => undefined)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ManagementPortInUseError);
      expect((error as Error).message).toBe(`Cannot listen on 127.0.0.1:${taken}: the port is in use. Set --metrics-port to a free port, or 0 for any free port.`);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
