import { Broker } from '../../../src/broker/Broker';
import { MemoryFileSystem } from '../../../src/broker/storage/MemoryFileSystem';
import { ErrorCode } from '../../../src/protocol/errorCodes';
import { makeBatch, produceOne, readAll } from './support/batches';

/** Deterministic pseudo-random numbers (mulberry32), so a failure reproduces. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Sent {
  bytes: Buffer;
  baseOffset: number;
}

/**
 * One idempotent producer: sends `batches` batches of `perBatch` records in sequence to one
 * partition. Each send may "lose its response" (the producer retries the same bytes) and the
 * producer sometimes re-sends one of its last five acknowledged batches.
 */
async function runProducer(broker: Broker, topic: string, partition: number, batches: number, perBatch: number, random: () => number) {
  const { producerId, producerEpoch } = await broker.initProducerId({});
  const acked: Sent[] = [];
  let sequence = 0;
  for (let i = 0; i < batches; i++) {
    const original = makeBatch({ count: perBatch, producerId, producerEpoch, baseSequence: sequence, keyPrefix: `p${producerId}-` });
    let first: number | null = null;
    for (let attempt = 0; attempt < 4; attempt++) {
      const res = await produceOne(broker, topic, partition, Buffer.from(original), -1);
      expect(res.errorCode).toBe(ErrorCode.NONE);
      if (first === null) first = res.baseOffset;
      else expect(res.baseOffset).toBe(first);
      if (random() > 0.3) break; // otherwise: response lost, retry
    }
    acked.push({ bytes: original, baseOffset: first! });
    sequence += perBatch;
    if (random() < 0.25) {
      const old = acked[Math.max(0, acked.length - 1 - Math.floor(random() * 5))];
      const dup = await produceOne(broker, topic, partition, Buffer.from(old.bytes), -1);
      expect([dup.errorCode, dup.baseOffset]).toEqual([ErrorCode.NONE, old.baseOffset]);
    }
    if (random() < 0.5) await new Promise<void>((resolve) => setImmediate(resolve)); // interleave producers
  }
  return { producerId, records: sequence };
}

describe('idempotent producers', () => {
  let broker: Broker;
  beforeEach(async () => {
    broker = await Broker.open({ fs: new MemoryFileSystem(), dataDir: '/data' });
    await broker.createTopics({ topics: [{ name: 'payments', numPartitions: 2 }] });
  });
  afterEach(async () => {
    await broker.close();
  });

  it('several producers with retries and duplicate sends leave no duplicates and no gaps', async () => {
    const producers = await Promise.all(Array.from({ length: 6 }, (_, i) => runProducer(broker, 'payments', i % 2, 40, 1 + (i % 3), rng(i + 1))));
    for (const partition of [0, 1]) {
      const batches = await readAll(broker, 'payments', partition);
      const mine = producers.filter((_, i) => i % 2 === partition);
      // Offsets are dense: every record of the log is accounted for exactly once.
      let expectedOffset = 0;
      for (const b of batches) {
        expect(b.baseOffset).toBe(expectedOffset);
        expectedOffset = b.lastOffset + 1;
      }
      expect(expectedOffset).toBe(mine.reduce((n, p) => n + p.records, 0));
      for (const p of mine) {
        const own = batches.filter((b) => b.producerId === p.producerId);
        let next = 0;
        for (const b of own) {
          expect(b.baseSequence).toBe(next);
          next = b.baseSequence + b.recordsCount;
        }
        expect(next).toBe(p.records);
      }
    }
  });

  it('refuses a sequence gap, an unknown producer mid-sequence and a fenced epoch', async () => {
    const { producerId } = await broker.initProducerId({});
    expect((await produceOne(broker, 'payments', 0, makeBatch({ count: 2, producerId, producerEpoch: 0, baseSequence: 0 }))).errorCode).toBe(ErrorCode.NONE);
    const gap = await produceOne(broker, 'payments', 0, makeBatch({ producerId, producerEpoch: 0, baseSequence: 5 }));
    expect(gap.errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(gap.errorMessage).toMatch(/expected/);
    const unknown = await produceOne(broker, 'payments', 1, makeBatch({ producerId, producerEpoch: 0, baseSequence: 7 }));
    expect(unknown.errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);

    const bumped = await broker.initProducerId({ producerId, producerEpoch: 0 });
    expect([bumped.producerId, bumped.producerEpoch]).toEqual([producerId, 1]);
    expect((await produceOne(broker, 'payments', 0, makeBatch({ producerId, producerEpoch: 1, baseSequence: 0 }))).errorCode).toBe(ErrorCode.NONE);
    const fenced = await produceOne(broker, 'payments', 0, makeBatch({ producerId, producerEpoch: 0, baseSequence: 2 }));
    expect(fenced.errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect((await readAll(broker, 'payments', 0)).map((b) => [b.producerEpoch, b.baseSequence])).toEqual([
      [0, 0],
      [1, 0],
    ]);
  });

  it('does not deduplicate batches of non-idempotent producers', async () => {
    const batch = makeBatch({ count: 1 });
    const a = await produceOne(broker, 'payments', 0, Buffer.from(batch));
    const b = await produceOne(broker, 'payments', 0, Buffer.from(batch));
    expect([a.baseOffset, b.baseOffset]).toEqual([0, 1]);
  });
});
