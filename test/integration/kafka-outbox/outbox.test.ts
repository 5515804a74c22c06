/**
 * The kafka binder's durable outbox against a cluster that is not there yet: the binder points at
 * a closed 127.0.0.1 port, sends are stored, then `bindery broker` starts on that port and the
 * stored records reach it once each, in per-key order.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Broker } from '../../../src/broker/Broker';
import { MemoryFileSystem } from '../../../src/broker/storage';
import { startWireServer, type WireServer } from '../../../src/broker/server/WireServer';
import { createKafkaBinder, type KafkaBinder } from '../../../src/binder/kafka';
import type { KafkaProducerBinding } from '../../../src/binder/kafka/KafkaProducerBinding';
import type { SendResult } from '../../../src/binder/Binder';
import { Collector, text, uniqueTopic } from '../binder-contract/contractSupport';

const RECORDS = 300;
const KEYS = 7;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function binderAt(port: number): KafkaBinder {
  return createKafkaBinder({
    brokers: [`127.0.0.1:${port}`],
    logLevel: 'nothing',
    connectionTimeoutMs: 300,
    retry: { retries: 1, initialRetryTime: 50, maxRetryTime: 200 },
  });
}

describe('kafka binder outbox (producer.outbox)', () => {
  let dataDir: string;
  let port: number;
  let broker: Broker | undefined;
  let server: WireServer | undefined;
  const binders: KafkaBinder[] = [];

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-outbox-'));
    port = await freePort();
  });
  afterEach(async () => {
    for (const binder of binders.splice(0)) await binder.close();
    await server?.close();
    await broker?.close();
    server = undefined;
    broker = undefined;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function startBrokerOnPort(): Promise<void> {
    broker = await Broker.open({ fs: new MemoryFileSystem(), groupConfig: { initialRebalanceDelayMs: 0 } });
    server = await startWireServer(broker, { host: '127.0.0.1', port, nodeId: broker.config.nodeId, clusterId: broker.clusterId });
    broker.setAdvertisedListener(server.host, server.port);
  }

  function track(binder: KafkaBinder): KafkaBinder {
    binders.push(binder);
    return binder;
  }

  async function sendKeyed(binding: KafkaProducerBinding, from: number, to: number): Promise<SendResult[]> {
    const sends: Promise<SendResult>[] = [];
    for (let i = from; i < to; i++) sends.push(binding.send({ key: Buffer.from(`key-${i % KEYS}`), value: Buffer.from(`${i % KEYS}:${i}`) }));
    return Promise.all(sends);
  }

  async function expectExactlyOnceInKeyOrder(topic: string, count: number): Promise<void> {
    const consumer = await Collector.subscribe(track(binderAt(port)), topic, { group: `${topic}.check`, partitionCount: 3 });
    await consumer.waitForCount(count);
    const values = consumer.values().map((v) => text(Buffer.from(v!))!);
    expect(values.length).toBe(count);
    expect(new Set(values).size).toBe(count);
    const lastPerKey = new Map<string, number>();
    for (const value of values) {
      const [key, index] = value.split(':');
      expect(Number(index)).toBeGreaterThan(lastPerKey.get(key) ?? -1);
      lastPerKey.set(key, Number(index));
    }
    await consumer.stop();
  }

  it('binds and stores while the cluster is unreachable, then forwards every record once, in per-key order, when it starts', async () => {
    const topic = uniqueTopic('outbox');
    const producer = track(binderAt(port));
    const binding = (await producer.bindProducer(topic, { partitionCount: 3, outbox: { dataDir } })) as KafkaProducerBinding;
    const results = await sendKeyed(binding, 0, RECORDS);
    expect(results.every((r) => r.outcome === 'stored' && r.offset === -1)).toBe(true);
    expect(binding.outboxStatus).toMatchObject({ depth: RECORDS, unreachable: true });
    expect(fs.readdirSync(path.join(dataDir, topic, `${topic}-0`)).some((f) => f.endsWith('.log'))).toBe(true);

    await startBrokerOnPort();
    // sent while the forwarder works: stored behind their keys' records, or delivered after them
    const during = await sendKeyed(binding, RECORDS, 2 * RECORDS);
    await binding.outboxDrained();
    expect(binding.outboxStatus?.depth).toBe(0);
    expect(during.every((r) => r.outcome === 'stored' || r.outcome === 'delivered')).toBe(true);
    const after = await sendKeyed(binding, 2 * RECORDS, 2 * RECORDS + 20);
    expect(after.every((r) => r.outcome === 'delivered' && r.offset >= 0)).toBe(true);
    await expectExactlyOnceInKeyOrder(topic, 2 * RECORDS + 20);
  }, 60000);

  it('keeps stored records across a restart of the sending binder and forwards them from the new one', async () => {
    const topic = uniqueTopic('outbox-restart');
    const first = binderAt(port);
    const binding = (await first.bindProducer(topic, { partitionCount: 3, outbox: { dataDir } })) as KafkaProducerBinding;
    await sendKeyed(binding, 0, RECORDS);
    await first.close();

    await startBrokerOnPort();
    const second = track(binderAt(port));
    const reopened = (await second.bindProducer(topic, { partitionCount: 3, outbox: { dataDir } })) as KafkaProducerBinding;
    await reopened.outboxDrained();
    await expectExactlyOnceInKeyOrder(topic, RECORDS);
  }, 60000);

  it('rejects, without storing, a send the cluster refuses for another reason than reachability', async () => {
    await startBrokerOnPort();
    const topic = uniqueTopic('outbox-too-large');
    const binding = (await track(binderAt(port)).bindProducer(topic, { outbox: { dataDir } })) as KafkaProducerBinding;
    await expect(binding.send({ key: null, value: Buffer.alloc(2 * 1024 * 1024, 1) })).rejects.toThrow(/larger than the max message size/);
    expect(binding.outboxStatus?.depth).toBe(0);
    expect((await binding.send({ key: null, value: Buffer.from('small') })).outcome).toBe('delivered');
  }, 60000);

  it('fails binding with an error naming the outbox path when the directory cannot be made', async () => {
    const blocker = path.join(dataDir, 'a-file');
    fs.writeFileSync(blocker, 'not a directory');
    const producer = track(binderAt(port));
    await expect(producer.bindProducer('contract.outbox.unwritable', { outbox: { dataDir: blocker } })).rejects.toThrow(
      new RegExp(`outbox directory ${blocker.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}.* is not writable`),
    );
  });

  it('after a crash between the cluster acknowledging a forward and the checkpoint, the restarted outbox does not send those records again', async () => {
    const topic = uniqueTopic('outbox-window');
    const bind = async () => {
      const binder = binderAt(port);
      const binding = (await binder.bindProducer(topic, { partitionCount: 3, outbox: { dataDir } })) as KafkaProducerBinding;
      return { binder, binding };
    };
    // first forward: the outbox records where to read back from
    let session = await bind();
    await sendKeyed(session.binding, 0, 100);
    await session.binder.close();
    await startBrokerOnPort();
    session = await bind();
    await session.binding.outboxDrained();
    await session.binder.close();
    // more records stored while the cluster is away
    await server!.close();
    session = await bind();
    expect((await sendKeyed(session.binding, 100, 200)).every((r) => r.outcome === 'stored')).toBe(true);
    await session.binder.close();
    const beforeForward = `${dataDir}.before-forward`;
    fs.cpSync(dataDir, beforeForward, { recursive: true });
    server = await startWireServer(broker!, { host: '127.0.0.1', port, nodeId: broker!.config.nodeId, clusterId: broker!.clusterId });
    session = await bind();
    await session.binding.outboxDrained();
    await session.binder.close();
    // the files as a process left them that died after the cluster took those records, before its checkpoint
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.renameSync(beforeForward, dataDir);

    session = await bind();
    binders.push(session.binder);
    expect(session.binding.outboxStatus?.depth).toBe(100);
    await session.binding.outboxDrained();
    await expectExactlyOnceInKeyOrder(topic, 200);
  }, 60000);
});
