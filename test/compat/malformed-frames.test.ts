import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../support/broker-server';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

/** Deterministic pseudo-random numbers (mulberry32) so a failing case can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sized(payload: Buffer, declared = payload.length): Buffer {
  const head = Buffer.alloc(4);
  head.writeInt32BE(declared, 0);
  return Buffer.concat([head, payload]);
}

function header(apiKey: number, version: number, correlationId: number, clientId = 'fuzz'): Buffer {
  const id = Buffer.from(clientId);
  const b = Buffer.alloc(10 + id.length);
  b.writeInt16BE(apiKey, 0);
  b.writeInt16BE(version, 2);
  b.writeInt32BE(correlationId, 4);
  b.writeInt16BE(id.length, 8);
  id.copy(b, 10);
  return b;
}

/** One malformed frame of the given kind. */
function malformed(kind: number, r: () => number, i: number): Buffer {
  const bytes = (n: number) => randomBytes(n);
  switch (kind) {
    case 0: // random bytes with a correct size prefix
      return sized(bytes(1 + Math.floor(r() * 300)));
    case 1: // a huge declared length
      return sized(bytes(16), 0x7fffffff - Math.floor(r() * 1000));
    case 2: // a negative length
      return sized(bytes(8), -1 - Math.floor(r() * 1000));
    case 3: // an unknown api key
      return sized(Buffer.concat([header(200 + Math.floor(r() * 30000), 0, i), bytes(20)]));
    case 4: // a known api at an unknown version
      return sized(Buffer.concat([header(Math.floor(r() * 60), 100 + Math.floor(r() * 1000), i), bytes(20)]));
    case 5: // a known api and version with a truncated or garbage body
      return sized(Buffer.concat([header([0, 1, 2, 3, 8, 9, 11, 14, 19][Math.floor(r() * 9)], Math.floor(r() * 4), i), bytes(Math.floor(r() * 40))]));
    default: // a frame cut off mid-way (the client then goes away)
      return sized(bytes(100)).subarray(0, 4 + Math.floor(r() * 90));
  }
}

/** Sends one frame on a fresh connection and resolves when the broker closes it or answers. */
function probe(port: number, frame: Buffer, timeoutMs: number, hangUp: boolean): Promise<void> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    const finish = () => {
      clearTimeout(timer);
      s.destroy();
      resolve();
    };
    const timer = setTimeout(finish, timeoutMs);
    s.on('connect', () => s.write(frame, () => hangUp && finish()));
    s.on('data', finish);
    s.on('close', finish);
    s.on('error', finish);
  });
}

function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

describe('bindery broker under malformed input', () => {
  let broker: TestBroker;
  beforeAll(async () => (broker = await startTestBroker()));
  afterAll(async () => broker?.stop());

  jest.setTimeout(300000);

  it('survives 10,000 malformed frames on many connections while a well-behaved client keeps working', async () => {
    const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 5 } });
    const producer = kafka.producer();
    await producer.connect();
    const admin = kafka.admin();
    await admin.connect();
    await producer.send({ topic: 'healthy', messages: [{ value: 'before' }] });
    const rssBefore = broker.pid ? rssKiB(broker.pid) : 0;
    const r = rng(20261126);
    const total = 10000;
    const concurrency = 50;
    let sent = 0;
    let healthyWrites = 1;
    while (sent < total) {
      const wave: Promise<void>[] = [];
      for (let k = 0; k < concurrency && sent < total; k++, sent++) wave.push(probe(broker.port, malformed(sent % 7, r, sent), 20000, sent % 7 === 6));
      await Promise.all(wave);
      if (sent % 1000 === 0) {
        // The long-lived connections of the healthy client are untouched by the noise.
        await producer.send({ topic: 'healthy', messages: [{ value: `during-${sent}` }] });
        healthyWrites++;
      }
    }
    const offsets = await admin.fetchTopicOffsets('healthy');
    expect(offsets[0].high).toBe(String(healthyWrites));
    if (broker.pid) {
      // Every bad connection is closed and forgotten: memory returns to the neighbourhood it started in.
      expect(rssKiB(broker.pid) - rssBefore).toBeLessThan(256 * 1024);
    }
    await producer.disconnect();
    await admin.disconnect();
  });
});
