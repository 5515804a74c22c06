/** The native producer as a user sees it: what lands in the log, in which batches, with which codec. */
import { Broker } from '../../../../src/broker/Broker';
import { MemoryFileSystem } from '../../../../src/broker/storage/MemoryFileSystem';
import { NativeBinder, NativeBinderClosedError } from '../../../../src/binder/native';
import { ErrorCode } from '../../../../src/protocol/errorCodes';
import { recordSetBuffer } from '../../../../src/protocol/messages/schemaTypes';
import { decodeRecordBatches } from '../../../../src/protocol/records/decodeBatch';
import { CompressionType, type RecordBatch } from '../../../../src/protocol/records/types';

describe('native producer', () => {
  let broker: Broker;
  let binder: NativeBinder;

  beforeEach(async () => {
    broker = await Broker.open({ fs: new MemoryFileSystem() });
    binder = new NativeBinder({ broker });
  });
  afterEach(async () => {
    await binder.close();
    await broker.close();
  });

  async function stored(topic: string, partition = 0): Promise<RecordBatch[]> {
    const response = await broker.fetch({ maxWaitMs: 0, minBytes: 1, topics: [{ topic, partitions: [{ partition, fetchOffset: 0, partitionMaxBytes: 1 << 20 }] }] });
    return decodeRecordBatches(recordSetBuffer(response.responses[0].partitions[0].records ?? Buffer.alloc(0)));
  }

  it.each([
    ['none', CompressionType.None],
    ['gzip', CompressionType.Gzip],
    ['snappy', CompressionType.Snappy],
    ['lz4', CompressionType.Lz4],
    ['zstd', CompressionType.Zstd],
  ])('stores batches compressed with %s', async (_name, compression) => {
    const producer = await binder.bindProducer('compressed', { compression });
    const values = Array.from({ length: 20 }, (_, i) => `{"order":${i},"note":"the same words again and again"}`);
    const results = await producer.sendMany(values.map((v) => ({ value: Buffer.from(v) })));
    expect(results.map((r) => r.offset)).toEqual(values.map((_, i) => i));
    const batches = await stored('compressed');
    expect(batches.every((b) => b.compression === compression)).toBe(true);
    expect(batches.flatMap((b) => b.records.map((r) => r.value!.toString()))).toEqual(values);
  });

  it('batches what is sent in the same tick with lingerMs 0, and as an idempotent producer', async () => {
    const producer = await binder.bindProducer('same-tick');
    await producer.sendMany(Array.from({ length: 10 }, (_, i) => ({ value: Buffer.from(`v${i}`) })));
    await producer.send({ value: Buffer.from('later') });
    const batches = await stored('same-tick');
    expect(batches.map((b) => b.records.length)).toEqual([10, 1]);
    expect(batches[0].producerId).toBeGreaterThanOrEqual(0);
    expect(batches.map((b) => b.baseSequence)).toEqual([0, 10]);
  });

  it('rejects only a record that cannot be encoded; the others of its batch are stored', async () => {
    const producer = await binder.bindProducer('one-bad-record');
    const sends = [
      producer.send({ value: Buffer.from('a') }),
      producer.send({ value: Buffer.from('bad'), timestamp: 1.5 }),
      producer.send({ value: Buffer.from('b') }),
    ];
    const [a, bad, b] = await Promise.allSettled(sends);
    expect(bad.status).toBe('rejected');
    expect((bad as PromiseRejectedResult).reason).toBeInstanceOf(RangeError);
    expect([a.status, b.status]).toEqual(['fulfilled', 'fulfilled']);
    const batches = await stored('one-bad-record');
    expect(batches.flatMap((batch) => batch.records.map((r) => r.value!.toString()))).toEqual(['a', 'b']);
  });

  it('a record that cannot be encoded as the first of a batch leaves no empty batch behind', async () => {
    const producer = await binder.bindProducer('bad-first');
    await expect(producer.send({ value: Buffer.from('bad'), timestamp: Number.NaN })).rejects.toThrow(RangeError);
    await producer.flush();
    await producer.send({ value: Buffer.from('ok') });
    const batches = await stored('bad-first');
    expect(batches.map((batch) => batch.records.length)).toEqual([1]);
  });

  it('waits up to lingerMs for more records before closing a batch', async () => {
    const producer = await binder.bindProducer('linger', { lingerMs: 1000 });
    const first = producer.send({ value: Buffer.from('a') });
    await new Promise((resolve) => setImmediate(resolve));
    const second = producer.send({ value: Buffer.from('b') });
    await Promise.all([first, second]);
    expect((await stored('linger')).map((b) => b.records.length)).toEqual([2]);
  });

  it('closes a batch at batchSize', async () => {
    const producer = await binder.bindProducer('small-batches', { batchSize: 200 });
    await producer.sendMany(Array.from({ length: 6 }, () => ({ value: Buffer.alloc(60) })));
    const batches = await stored('small-batches');
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.reduce((n, b) => n + b.records.length, 0)).toBe(6);
  });

  it('keeps records without a key on one partition per batch (sticky partitioning)', async () => {
    const producer = await binder.bindProducer('sticky', { partitionCount: 4 });
    const results = await producer.sendMany(Array.from({ length: 20 }, (_, i) => ({ key: null, value: Buffer.from(`n${i}`) })));
    expect(new Set(results.map((r) => r.partition)).size).toBe(1);
  });

  it('never duplicates a batch whose acknowledgment was lost and that was sent again', async () => {
    let lost = 0;
    const flaky = new Proxy(broker, {
      get(target, prop, receiver) {
        if (prop !== 'produce') return Reflect.get(target, prop, receiver);
        return async (req: Parameters<Broker['produce']>[0]) => {
          const response = await target.produce(req);
          if (lost++ > 0) return response;
          // Appended, but the producer hears a timeout: it must retry with the same sequence.
          const partition = response.responses[0].partitionResponses[0];
          return { ...response, responses: [{ ...response.responses[0], partitionResponses: [{ ...partition, errorCode: ErrorCode.REQUEST_TIMED_OUT, baseOffset: -1 }] }] };
        };
      },
    });
    const retrying = new NativeBinder({ broker: flaky });
    try {
      const producer = await retrying.bindProducer('retried');
      const result = await producer.send({ value: Buffer.from('once') });
      expect(result.offset).toBe(0);
      expect(lost).toBe(2);
      const batches = await stored('retried');
      expect(batches.flatMap((b) => b.records.map((r) => r.value!.toString()))).toEqual(['once']);
    } finally {
      await retrying.close();
    }
  });

  it('flushes everything on close and refuses sends afterwards', async () => {
    const producer = await binder.bindProducer('closing', { lingerMs: 60000 });
    const pending = producer.send({ value: Buffer.from('x') });
    await producer.close();
    await expect(pending).resolves.toMatchObject({ offset: 0 });
    await expect(producer.send({ value: Buffer.from('y') })).rejects.toBeInstanceOf(NativeBinderClosedError);
  });

  it('rejects a partition the topic does not have', async () => {
    const producer = await binder.bindProducer('two', { partitionCount: 2 });
    await expect(producer.send({ value: Buffer.from('x'), partition: 5 })).rejects.toMatchObject({ code: 'NATIVE_BROKER' });
  });
});
