import { InputDestination, OutputDestination, TestBinder, type InboundBatch, type ConsumerSession } from '../../../../src';
import { waitFor } from '../../../integration/framework/support';

const text = (b: Buffer | null) => (b === null ? null : b.toString());

describe('test binder', () => {
  let binder: TestBinder;
  beforeEach(() => {
    binder = new TestBinder();
  });
  afterEach(() => binder.close());

  it('delivers produced records per partition in order, and keeps a key on one partition', async () => {
    await binder.provisionTopic('t', 3);
    const producer = await binder.bindProducer('t');
    const results = [];
    for (let i = 0; i < 9; i++) results.push(await producer.send({ key: Buffer.from(`k${i % 3}`), value: Buffer.from(String(i)) }));
    for (let k = 0; k < 3; k++) {
      const partitions = new Set(results.filter((_, i) => i % 3 === k).map((r) => r.partition));
      expect(partitions.size).toBe(1);
    }
    const seen = new Map<number, string[]>();
    const consumer = await binder.bindConsumer('t', { group: 'g' }, async (batch: InboundBatch, session: ConsumerSession) => {
      for (const r of batch.records) seen.set(r.partition, [...(seen.get(r.partition) ?? []), text(r.value)!]);
      await session.commit([{ topic: batch.topic, partition: batch.partition, offset: batch.records.at(-1)!.offset + 1 }]);
    });
    await waitFor(() => [...seen.values()].flat().length === 9);
    for (const values of seen.values()) expect(values.map(Number)).toEqual([...values.map(Number)].sort((a, b) => a - b));
    await consumer.stop();
    expect([0, 1, 2].map((p) => binder.broker.committedOffset('g', 't', p) ?? 0).reduce((a, b) => a + b)).toBe(9);
  });

  it('resumes a named group from its committed offset and starts anonymous groups at the end', async () => {
    const producer = await binder.bindProducer('t');
    await producer.send({ value: Buffer.from('a') });
    binder.broker.commit('g', 't', 0, 1);
    await producer.send({ value: Buffer.from('b') });
    const named: string[] = [];
    const anonymous: string[] = [];
    const c1 = await binder.bindConsumer('t', { group: 'g' }, async (b) => void named.push(...b.records.map((r) => text(r.value)!)));
    const c2 = await binder.bindConsumer('t', {}, async (b) => void anonymous.push(...b.records.map((r) => text(r.value)!)));
    await producer.send({ value: Buffer.from('c') });
    await waitFor(() => named.length === 2 && anonymous.length === 1);
    expect(named).toEqual(['b', 'c']);
    expect(anonymous).toEqual(['c']);
    await Promise.all([c1.stop(), c2.stop()]);
  });

  it('redelivers from a seek, and holds records while paused', async () => {
    const producer = await binder.bindProducer('t');
    const seen: string[] = [];
    let sought = false;
    const consumer = await binder.bindConsumer('t', { group: 'g', startPaused: true }, async (batch, session) => {
      seen.push(...batch.records.map((r) => text(r.value)!));
      if (!sought) {
        sought = true;
        session.seek({ topic: 't', partition: 0, offset: 0 });
      }
    });
    await producer.send({ value: Buffer.from('x') });
    expect(consumer.isPaused()).toBe(true);
    expect(seen).toEqual([]);
    consumer.resume();
    await waitFor(() => seen.length === 2);
    expect(seen).toEqual(['x', 'x']);
    await consumer.stop();
  });

  it('splits partitions between members of a group and tells a member what it loses', async () => {
    await binder.provisionTopic('t', 2);
    const revoked: number[] = [];
    const first = await binder.bindConsumer(
      't',
      { group: 'g', onPartitionsRevoked: async (partitions) => void revoked.push(...partitions.map((p) => p.partition)) },
      async () => undefined,
    );
    const second = await binder.bindConsumer('t', { group: 'g' }, async () => undefined);
    expect(revoked).toEqual([1]);
    await Promise.all([first.stop(), second.stop()]);
  });

  it('feeds InputDestination messages to consumers and lets OutputDestination read what was produced', async () => {
    const consumer = await binder.bindConsumer('in', { group: 'g' }, async (batch) => {
      const producer = await binder.bindProducer('out');
      for (const r of batch.records) await producer.send({ key: r.key, value: r.value, headers: r.headers });
    });
    const sent = InputDestination.of(binder).send({ hello: 'world' }, { key: 'k', headers: { type: 'greeting' } });
    expect(sent).toEqual({ topic: 'in', partition: 0, offset: 0 });
    const output = OutputDestination.of(binder);
    const message = await output.receive(20000, 'out');
    expect(message?.payload()).toEqual({ hello: 'world' });
    expect(message?.keyText).toBe('k');
    expect(message?.headers).toMatchObject({ type: 'greeting', 'content-type': 'application/json' });
    expect(await output.receive(1, 'out')).toBeNull();
    await consumer.stop();
  });

  it('asks for a destination when the application consumes several topics', async () => {
    const a = await binder.bindConsumer('a', {}, async () => undefined);
    const b = await binder.bindConsumer('b', {}, async () => undefined);
    expect(() => InputDestination.of(binder).send('x')).toThrow('InputDestination.send needs { destination } because the application consumes 2 topics (a, b)');
    await Promise.all([a.stop(), b.stop()]);
  });
});
