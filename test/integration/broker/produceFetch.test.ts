import { Broker } from '../../../src/broker/Broker';
import { MemoryFileSystem } from '../../../src/broker/storage/MemoryFileSystem';
import { ErrorCode } from '../../../src/protocol/errorCodes';
import { ATTR } from '../../../src/protocol/records/batchHeader';
import { CompressionType } from '../../../src/protocol/records/types';
import { LOG_READ_PIECE_BYTES } from '../../../src/broker/partition/Partition';
import { ReadLease } from '../../../src/broker/storage/BufferPool';
import { recordSetBuffer, type RecordSet } from '../../../src/protocol/messages/schemaTypes';
import { fetchOne, headers, makeBatch, produceOne } from './support/batches';

describe.each([
  ['served from the in-memory tail', 1 << 20],
  ['served from the log files', 0],
])('Broker produce and fetch (%s)', (_label, tailCacheBytesPerPartition) => {
  let broker: Broker;
  beforeEach(async () => {
    broker = await Broker.open({ fs: new MemoryFileSystem(), dataDir: '/data', config: { tailCacheBytesPerPartition } });
  });
  afterEach(async () => {
    await broker.close();
  });

  it('assigns consecutive offsets and returns the stored bytes untouched', async () => {
    const a = makeBatch({ count: 3 });
    const b = makeBatch({ count: 2, compression: CompressionType.Gzip });
    const r1 = await produceOne(broker, 'orders', 0, a);
    const r2 = await produceOne(broker, 'orders', 0, b);
    expect([r1.errorCode, r1.baseOffset, r1.logAppendTime, r2.errorCode, r2.baseOffset]).toEqual([0, 0, -1, 0, 3]);
    expect(r2.recordErrors).toEqual([]);
    expect(r2.errorMessage).toBeNull();
    const f = await fetchOne(broker, 'orders', 0, 0);
    expect(f.errorCode).toBe(ErrorCode.NONE);
    expect([f.highWatermark, f.lastStableOffset, f.logStartOffset]).toEqual([5, 5, 0]);
    expect(headers(f.records).map((h) => [h.baseOffset, h.lastOffset, h.compression])).toEqual([
      [0, 2, CompressionType.None],
      [3, 4, CompressionType.Gzip],
    ]);
    expect(Buffer.compare(f.records!, Buffer.concat([a, b]))).toBe(0);
  });

  it('starts at the batch containing the fetch offset and returns nothing at the log end', async () => {
    for (let i = 0; i < 4; i++) await produceOne(broker, 't', 0, makeBatch({ count: 5 }));
    const mid = await fetchOne(broker, 't', 0, 12);
    expect(headers(mid.records).map((h) => h.baseOffset)).toEqual([10, 15]);
    const end = await fetchOne(broker, 't', 0, 20);
    expect(end.errorCode).toBe(ErrorCode.NONE);
    expect(end.records?.length).toBe(0);
  });

  it('answers offsets outside the log with OFFSET_OUT_OF_RANGE', async () => {
    await produceOne(broker, 't', 0, makeBatch({ count: 2 }));
    expect((await fetchOne(broker, 't', 0, 3)).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    expect((await fetchOne(broker, 't', 0, -1)).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
  });

  it('returns whole batches within the partition limit, and always the first one', async () => {
    const sizes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const b = makeBatch({ count: 10, valueSize: 100 });
      sizes.push(b.length);
      await produceOne(broker, 't', 0, b);
    }
    const two = await fetchOne(broker, 't', 0, 0, { partitionMaxBytes: sizes[0] + sizes[1] + 10 });
    expect(headers(two.records)).toHaveLength(2);
    const tiny = await fetchOne(broker, 't', 0, 0, { partitionMaxBytes: 10 });
    expect(headers(tiny.records)).toHaveLength(1);
    expect(tiny.records!.length).toBe(sizes[0]);
  });

  it('caps the whole response at maxBytes across partitions', async () => {
    await broker.createTopics({ topics: [{ name: 'multi', numPartitions: 3 }] });
    let size = 0;
    for (let p = 0; p < 3; p++) {
      const b = makeBatch({ count: 10, valueSize: 200 });
      size = b.length;
      await produceOne(broker, 'multi', p, b);
    }
    const res = await broker.fetch({
      maxWaitMs: 0,
      minBytes: 1,
      maxBytes: size * 2 + 1,
      topics: [{ topic: 'multi', partitions: [0, 1, 2].map((partition) => ({ partition, fetchOffset: 0, partitionMaxBytes: 1 << 20 })) }],
    });
    const got = res.responses[0].partitions.map((p) => headers(p.records).length);
    expect(got).toEqual([1, 1, 0]);
    expect(res.responses[0].partitions.every((p) => p.errorCode === 0 && p.highWatermark === 10)).toBe(true);
  });

  it('re-compresses only when the topic sets another codec, keeping the producer fields', async () => {
    await broker.createTopics({ topics: [{ name: 'gz', numPartitions: 1, configs: [{ name: 'compression.type', value: 'gzip' }] }] });
    const init = await broker.initProducerId({});
    const r = await produceOne(broker, 'gz', 0, makeBatch({ count: 4, producerId: init.producerId, producerEpoch: init.producerEpoch, baseSequence: 0 }));
    expect(r.errorCode).toBe(0);
    const [stored] = headers((await fetchOne(broker, 'gz', 0, 0)).records);
    expect(stored.compression).toBe(CompressionType.Gzip);
    expect([stored.producerId, stored.baseSequence, stored.recordsCount, stored.lastOffset]).toEqual([init.producerId, 0, 4, 3]);
    // The retried batch, already stored re-compressed, is still recognised as a duplicate.
    const retry = await produceOne(broker, 'gz', 0, makeBatch({ count: 4, producerId: init.producerId, producerEpoch: init.producerEpoch, baseSequence: 0 }));
    expect([retry.errorCode, retry.baseOffset]).toEqual([0, 0]);

    const lz4 = makeBatch({ count: 2, compression: CompressionType.Lz4 });
    await produceOne(broker, 'keep', 0, lz4);
    expect(headers((await fetchOne(broker, 'keep', 0, 0)).records)[0].compression).toBe(CompressionType.Lz4);
  });

  it('keeps arrival order when an earlier append is still being re-compressed', async () => {
    await broker.createTopics({ topics: [{ name: 'order', configs: [{ name: 'compression.type', value: 'gzip' }] }] });
    const slow = produceOne(broker, 'order', 0, makeBatch({ count: 3, valueSize: 5000 }));
    const fast = produceOne(broker, 'order', 0, makeBatch({ count: 2, compression: CompressionType.Gzip }));
    const [a, b] = await Promise.all([slow, fast]);
    expect([a.baseOffset, b.baseOffset]).toEqual([0, 3]);
  });

  it('stamps LogAppendTime when the topic asks for it', async () => {
    await broker.createTopics({ topics: [{ name: 'lat', configs: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }] }] });
    const before = Date.now();
    const r = await produceOne(broker, 'lat', 0, makeBatch({ count: 2, timestamp: 1000 }));
    expect(r.errorCode).toBe(0);
    expect(r.logAppendTime).toBeGreaterThanOrEqual(before);
    const [h] = headers((await fetchOne(broker, 'lat', 0, 0)).records);
    expect(h.attributes & ATTR.TIMESTAMP_TYPE_LOG_APPEND).toBe(ATTR.TIMESTAMP_TYPE_LOG_APPEND);
    expect(h.maxTimestamp).toBe(r.logAppendTime);
  });

  it('accepts acks 0 and -1 like acks 1', async () => {
    expect((await produceOne(broker, 'acks', 0, makeBatch(), 0)).baseOffset).toBe(0);
    expect((await produceOne(broker, 'acks', 0, makeBatch(), -1)).baseOffset).toBe(1);
    await broker.createTopics({ topics: [{ name: 'synced', configs: [{ name: 'flush.messages', value: '1' }] }] });
    expect((await produceOne(broker, 'synced', 0, makeBatch(), -1)).errorCode).toBe(0);
  });

  it('answers acks=-1 with NOT_ENOUGH_REPLICAS when min.insync.replicas exceeds this single node', async () => {
    await broker.createTopics({ topics: [{ name: 'isr2', configs: [{ name: 'min.insync.replicas', value: '2' }] }] });
    const all = await produceOne(broker, 'isr2', 0, makeBatch(), -1);
    expect(all.errorCode).toBe(ErrorCode.NOT_ENOUGH_REPLICAS);
    expect(all.errorMessage).toMatch(/min.insync.replicas/);
    expect((await produceOne(broker, 'isr2', 0, makeBatch(), 1)).errorCode).toBe(ErrorCode.NONE);
  });
});

describe('Broker fetch: fetchLogReadMaxBytes', () => {
  let broker: Broker | undefined;
  afterEach(async () => {
    await broker?.close();
    broker = undefined;
  });
  const open = async (tailCacheBytesPerPartition: number, fetchLogReadMaxBytes: number): Promise<Broker> =>
    (broker = await Broker.open({ fs: new MemoryFileSystem(), dataDir: '/data', config: { tailCacheBytesPerPartition, fetchLogReadMaxBytes } }));
  /** Five batches of ten records; their sizes. */
  const fill = async (b: Broker): Promise<number[]> => {
    const sizes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const batch = makeBatch({ count: 10, valueSize: 100 });
      sizes.push(batch.length);
      await produceOne(b, 't', 0, batch);
    }
    return sizes;
  };

  it('reads at most that many bytes of a partition from the log files; the rest comes in later fetches', async () => {
    const b = await open(0, 3000);
    const sizes = await fill(b);
    expect(sizes[0] + sizes[1]).toBeLessThanOrEqual(3000);
    expect(sizes[0] + sizes[1] + sizes[2]).toBeGreaterThan(3000);
    const first = await fetchOne(b, 't', 0, 0, { partitionMaxBytes: 1 << 20 });
    expect(headers(first.records).map((h) => h.baseOffset)).toEqual([0, 10]);
    const next = await fetchOne(b, 't', 0, 20, { partitionMaxBytes: 1 << 20 });
    expect(headers(next.records).map((h) => h.baseOffset)).toEqual([20, 30]);
  });

  it('still returns a first batch larger than the limit, whole', async () => {
    const b = await open(0, 1);
    const sizes = await fill(b);
    const first = await fetchOne(b, 't', 0, 0, { partitionMaxBytes: 1 << 20 });
    expect(headers(first.records).map((h) => h.baseOffset)).toEqual([0]);
    expect(first.records?.length).toBe(sizes[0]);
  });

  it('does not limit what is served from the in-memory tail', async () => {
    const b = await open(1 << 20, 1);
    await fill(b);
    const all = await fetchOne(b, 't', 0, 0, { partitionMaxBytes: 1 << 20 });
    expect(headers(all.records).map((h) => h.baseOffset)).toEqual([0, 10, 20, 30, 40]);
  });

  it('rejects a limit below one byte, naming the setting', async () => {
    await expect(open(0, 0)).rejects.toThrow(/fetchLogReadMaxBytes must be a positive integer, got 0/);
  });
});

describe('Broker fetch: large reads from the log files', () => {
  const LARGE_BATCHES = { 'max.message.bytes': String(4 << 20) };
  let broker: Broker;
  const stored: Buffer[] = [];
  beforeEach(async () => {
    broker = await Broker.open({ fs: new MemoryFileSystem(), dataDir: '/data', config: { tailCacheBytesPerPartition: 0, topicDefaults: LARGE_BATCHES } });
    stored.length = 0;
    // ≈ 4.4 MiB: forty ≈ 100 KiB batches with one 1.5 MiB batch in the middle.
    for (let i = 0; i < 40; i++) {
      const batch = i === 12 ? makeBatch({ count: 3, valueSize: 512 * 1024 }) : makeBatch({ count: 100, valueSize: 1000 });
      stored.push(batch);
      expect((await produceOne(broker, 't', 0, batch)).errorCode).toBe(ErrorCode.NONE);
    }
  });
  afterEach(async () => {
    await broker.close();
  });

  const pieces = (set: RecordSet | null): Buffer[] => (set === null ? [] : Buffer.isBuffer(set) ? [set] : [...set]);

  it.each([
    ['with a lease (pooled buffers)', true],
    ['without one (plain buffers)', false],
  ])('serves what the client asks for in pieces of whole batches, %s', async (_label, leased) => {
    const lease = leased ? new ReadLease() : undefined;
    const partitionMaxBytes = 3 * 1024 * 1024;
    const res = await broker.fetch({ maxWaitMs: 0, minBytes: 1, lease, topics: [{ topic: 't', partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes }] }] });
    const records = res.responses[0].partitions[0].records;
    const parts = pieces(records);
    expect(parts.length).toBeGreaterThan(2);
    for (const part of parts) {
      // every piece holds whole batches: its headers add up to its length
      expect(headers(part).reduce((n, h) => n + h.sizeInBytes, 0)).toBe(part.length);
      // a piece is at most LOG_READ_PIECE_BYTES unless it is one batch larger than that
      if (part.length > LOG_READ_PIECE_BYTES) expect(headers(part)).toHaveLength(1);
    }
    const joined = recordSetBuffer(records!);
    const got = headers(joined);
    const whole = stored.slice(0, got.length);
    // the produced batches in order, with the offsets the broker gave them
    let offset = 0;
    let at = 0;
    for (const [i, h] of got.entries()) {
      expect(h.baseOffset).toBe(offset);
      offset = h.lastOffset + 1;
      // from the magic byte on (the broker sets the base offset and the leader epoch)
      expect(joined.subarray(at + 16, at + h.sizeInBytes).equals(whole[i].subarray(16))).toBe(true);
      at += h.sizeInBytes;
    }
    expect(at).toBe(joined.length);
    expect(joined.length).toBeLessThanOrEqual(partitionMaxBytes);
    // the next stored batch would not have fitted
    expect(joined.length + stored[whole.length].length).toBeGreaterThan(partitionMaxBytes);
    expect(whole.length).toBeGreaterThan(12); // the 1.5 MiB batch came whole, inside the read
    lease?.release();
  });

  it('still reads at most fetchLogReadMaxBytes of a partition when that is set', async () => {
    await broker.close();
    broker = await Broker.open({ fs: new MemoryFileSystem(), dataDir: '/data', config: { tailCacheBytesPerPartition: 0, fetchLogReadMaxBytes: 250_000, topicDefaults: LARGE_BATCHES } });
    for (const batch of stored) await produceOne(broker, 't', 0, batch);
    const first = await fetchOne(broker, 't', 0, 0, { partitionMaxBytes: 10 << 20 });
    expect(first.records!.length).toBeLessThanOrEqual(250_000);
    expect(first.records!.length + stored[headers(first.records).length].length).toBeGreaterThan(250_000);
  });
});
