/**
 * The contract every binder passes, written once and run per binder:
 *   binderContractSuite('kafka on Apache Kafka', () => Promise.resolve(createKafkaBinder({ brokers })));
 * The factory returns a fresh binder connected to a fresh or shared broker; the suite uses unique
 * topics and groups per test and closes every binder it created.
 */
import type { Binder, InboundRecord, SendResult } from '../../../src/binder/Binder';
import { partitionForKey } from '../../../src/protocol/murmur2';
import { consumerControlContract } from './consumerControlContract';
import { Collector, DEADLINE_MS, gate, relay, text, uniqueTopic, waitUntil } from './contractSupport';

export type ContractBinderFactory = () => Promise<Binder>;

const TEST_TIMEOUT_MS = 2 * DEADLINE_MS;

export function binderContractSuite(name: string, factory: ContractBinderFactory): void {
  describe(`binder contract: ${name}`, () => {
    const open: Binder[] = [];
    const binder = async (): Promise<Binder> => {
      const created = await factory();
      open.push(created);
      return created;
    };
    const group = (label: string) => `${uniqueTopic(label)}.group`;
    const values = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}-${i}`);

    afterEach(async () => {
      await Promise.allSettled(open.splice(0).map((b) => b.close()));
    });

    consumerControlContract(binder, TEST_TIMEOUT_MS);

    async function produce(b: Binder, topic: string, items: { key?: string; value: string }[]): Promise<SendResult[]> {
      const producer = await b.bindProducer(topic);
      const results = await producer.sendMany(
        items.map((item) => ({ key: item.key === undefined ? null : Buffer.from(item.key), value: Buffer.from(item.value) })),
      );
      await producer.close();
      return results;
    }

    it('delivers what was sent, with the topic, partition and offset the send reported', async () => {
      const b = await binder();
      const topic = uniqueTopic('send');
      await b.provisionTopic(topic, 1);
      const sent = values('v', 5);
      const results = await produce(b, topic, sent.map((value) => ({ key: `k-${value}`, value })));
      const consumer = await Collector.subscribe(b, topic, { group: group('send') });
      await consumer.waitForCount(5);
      expect(consumer.values()).toEqual(sent);
      expect(consumer.records.map((r) => text(r.key))).toEqual(sent.map((v) => `k-${v}`));
      expect(consumer.records.map((r) => ({ topic: r.topic, partition: r.partition, offset: r.offset }))).toEqual(results);
      expect(new Set(results.map((r) => r.offset)).size).toBe(5);
    }, TEST_TIMEOUT_MS);

    it('keeps the order of records per key', async () => {
      const b = await binder();
      const topic = uniqueTopic('order');
      await b.provisionTopic(topic, 4);
      const keys = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];
      const items = Array.from({ length: 100 }, (_, i) => ({ key: keys[i % keys.length], value: `${keys[i % keys.length]}:${i}` }));
      const producer = await b.bindProducer(topic);
      // Separate send() calls, not one request: order must hold across calls too.
      await Promise.all(items.map((item) => producer.send({ key: Buffer.from(item.key), value: Buffer.from(item.value) })));
      await producer.close();
      const consumer = await Collector.subscribe(b, topic, { group: group('order') });
      await consumer.waitForCount(items.length);
      for (const key of keys) {
        const received = consumer.values().filter((v) => v!.startsWith(`${key}:`));
        expect(received).toEqual(items.filter((item) => item.key === key).map((item) => item.value));
      }
    }, TEST_TIMEOUT_MS);

    it('puts a key on the partition Kafka\'s murmur2 partitioner picks', async () => {
      const b = await binder();
      const topic = uniqueTopic('partitioning');
      const partitions = 6;
      await b.provisionTopic(topic, partitions);
      const keys = Array.from({ length: 30 }, (_, i) => `customer-${i * 7919}`);
      const results = await produce(b, topic, keys.map((key) => ({ key, value: key })));
      expect(results.map((r) => r.partition)).toEqual(keys.map((key) => partitionForKey(Buffer.from(key), partitions)));
      const consumer = await Collector.subscribe(b, topic, { group: group('partitioning') });
      await consumer.waitForCount(keys.length);
      const reported = new Map(keys.map((key, i) => [key, results[i]]));
      for (const record of consumer.records) {
        expect(record.partition).toBe(partitionForKey(record.key!, partitions));
        // Offsets reported by send() are where the records landed, on every partition.
        expect({ topic: record.topic, partition: record.partition, offset: record.offset }).toEqual(reported.get(text(record.key)!));
      }
    }, TEST_TIMEOUT_MS);

    it('sends to an explicit partition', async () => {
      const b = await binder();
      const topic = uniqueTopic('explicit');
      await b.provisionTopic(topic, 3);
      const producer = await b.bindProducer(topic);
      const result = await producer.send({ key: Buffer.from('any'), value: Buffer.from('x'), partition: 2 });
      await producer.close();
      expect(result.partition).toBe(2);
    }, TEST_TIMEOUT_MS);

    it('splits partitions between two instances of one group, each record delivered once', async () => {
      const topic = uniqueTopic('shared');
      const groupId = group('shared');
      const first = await binder();
      await first.provisionTopic(topic, 4);
      const a = await Collector.subscribe(first, topic, { group: groupId });
      const b = await Collector.subscribe(await binder(), topic, { group: groupId });
      const balanced = () => {
        const pa = a.latestAssignment();
        const pb = b.latestAssignment();
        return pa.length > 0 && pb.length > 0 && pa.length + pb.length === 4 && pa.every((p) => !pb.includes(p));
      };
      const either = relay([a, b], ['assigned', 'record']);
      await waitUntil(either, 'any', balanced, 'a balanced assignment');
      const sent = values('shared', 40);
      await produce(first, topic, sent.map((value) => ({ key: value, value })));
      await waitUntil(either, 'any', () => a.records.length + b.records.length >= 40, '40 records');
      const received = [...a.values(), ...b.values()];
      expect(received.sort()).toEqual([...sent].sort());
      expect(a.records.length).toBeGreaterThan(0);
      expect(b.records.length).toBeGreaterThan(0);
      const partitionsOf = (c: Collector) => new Set(c.records.map((r) => r.partition));
      for (const p of partitionsOf(a)) expect(partitionsOf(b).has(p)).toBe(false);
    }, TEST_TIMEOUT_MS);

    it('gives every group all records (broadcast)', async () => {
      const b = await binder();
      const topic = uniqueTopic('broadcast');
      await b.provisionTopic(topic, 2);
      const sent = values('all', 20);
      await produce(b, topic, sent.map((value) => ({ key: value, value })));
      const first = await Collector.subscribe(b, topic, { group: group('broadcast-a') });
      const second = await Collector.subscribe(await binder(), topic, { group: group('broadcast-b') });
      await Promise.all([first.waitForCount(20), second.waitForCount(20)]);
      expect(first.values().sort()).toEqual([...sent].sort());
      expect(second.values().sort()).toEqual([...sent].sort());
    }, TEST_TIMEOUT_MS);

    it('runs `concurrency` members that handle partitions at the same time', async () => {
      const b = await binder();
      const topic = uniqueTopic('concurrency');
      await b.provisionTopic(topic, 4);
      let inFlight = 0;
      let maxInFlight = 0;
      const sessions = new Set<unknown>();
      const overlap = new Collector();
      const consumer = await Collector.subscribe(
        b,
        topic,
        { group: group('concurrency'), concurrency: 2 },
        async (batch, session, collector) => {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          sessions.add(session);
          overlap.emit('record');
          // Hold the batch until another member is in its handler too (bounded: rebalances need us back).
          await waitUntil(overlap, 'record', () => maxInFlight >= 2, 'a second member', 3000).catch(() => undefined);
          inFlight--;
          collector.receive(batch, session);
          const last = batch.records[batch.records.length - 1];
          await session.commit([{ topic: batch.topic, partition: batch.partition, offset: last.offset + 1 }]);
        },
      );
      const producer = await b.bindProducer(topic);
      // A few rounds: the first batches may reach one member before the second joined.
      for (let round = 0; round < 10 && maxInFlight < 2; round++) {
        await producer.sendMany([0, 1, 2, 3].map((partition) => ({ value: Buffer.from(`r${round}p${partition}`), partition })));
        await consumer.waitForCount((round + 1) * 4);
      }
      await producer.close();
      expect(maxInFlight).toBe(2);
      expect(sessions.size).toBe(2);
    }, 3 * TEST_TIMEOUT_MS);

    it('delivers batches of one partition in offset order, bounded by maxBatchRecords', async () => {
      const b = await binder();
      const topic = uniqueTopic('batch');
      await b.provisionTopic(topic, 1);
      const sent = values('b', 50);
      await produce(b, topic, sent.map((value) => ({ value })));
      const consumer = await Collector.subscribe(b, topic, { group: group('batch'), maxBatchRecords: 20 });
      await consumer.waitForCount(50);
      expect(consumer.values()).toEqual(sent);
      for (const { batch } of consumer.deliveries) {
        expect(batch.records.length).toBeGreaterThan(0);
        expect(batch.records.length).toBeLessThanOrEqual(20);
        expect(batch.records.every((r) => r.topic === batch.topic && r.partition === batch.partition)).toBe(true);
        batch.records.forEach((r, i) => i > 0 && expect(r.offset).toBe(batch.records[i - 1].offset + 1));
        expect(batch.highWatermark).toBeGreaterThan(batch.records[batch.records.length - 1].offset);
      }
      expect(consumer.deliveries.some(({ batch }) => batch.records.length > 1)).toBe(true);
    }, TEST_TIMEOUT_MS);

    it('carries headers', async () => {
      const b = await binder();
      const topic = uniqueTopic('headers');
      await b.provisionTopic(topic, 1);
      const producer = await b.bindProducer(topic);
      const headers = [
        { key: 'content-type', value: Buffer.from('application/json') },
        { key: 'trace-id', value: Buffer.from([0, 1, 2, 255]) },
      ];
      await producer.send({ key: null, value: Buffer.from('{}'), headers, timestamp: 1700000000123 });
      await producer.close();
      const consumer = await Collector.subscribe(b, topic, { group: group('headers') });
      await consumer.waitForCount(1);
      const [record] = consumer.records;
      expect(record.headers).toEqual(headers);
      expect(record.key).toBeNull();
      expect(record.timestamp).toBe(1700000000123);
    }, TEST_TIMEOUT_MS);

    it('starts a new group at the earliest or the latest record as asked', async () => {
      const b = await binder();
      const topic = uniqueTopic('start');
      await b.provisionTopic(topic, 2);
      await produce(b, topic, values('before', 3).map((value) => ({ key: value, value })));
      const earliest = await Collector.subscribe(b, topic, { group: group('earliest'), startOffset: 'earliest' });
      const latest = await Collector.subscribe(b, topic, { group: group('latest'), startOffset: 'latest' });
      const anonymous = await Collector.subscribe(b, topic, {});
      await produce(b, topic, values('after', 2).map((value) => ({ key: value, value })));
      await Promise.all([earliest.waitForCount(5), latest.waitForCount(2), anonymous.waitForCount(2)]);
      expect(earliest.values().sort()).toEqual([...values('after', 2), ...values('before', 3)].sort());
      expect(latest.values().sort()).toEqual(values('after', 2));
      expect(anonymous.values().sort()).toEqual(values('after', 2));
      expect(anonymous.binding.group).toBeUndefined();
    }, TEST_TIMEOUT_MS);

    it('resumes a restarted group from its committed offset', async () => {
      const topic = uniqueTopic('resume');
      const groupId = group('resume');
      const b = await binder();
      await b.provisionTopic(topic, 1);
      await produce(b, topic, values('first', 5).map((value) => ({ value })));
      // Commit only up to offset 3: records 3 and 4 were received but not acknowledged.
      const before = await Collector.subscribe(b, topic, { group: groupId }, async (batch, session, collector) => {
        collector.receive(batch, session);
        const done = batch.records.filter((r) => r.offset < 3);
        if (done.length > 0) await session.commit([{ topic, partition: 0, offset: done[done.length - 1].offset + 1 }]);
      });
      await before.waitForCount(5);
      await before.stop();
      await produce(b, topic, values('second', 2).map((value) => ({ value })));
      const after = await Collector.subscribe(await binder(), topic, { group: groupId });
      await after.waitForCount(4);
      expect(after.records.map((r) => r.offset)).toEqual([3, 4, 5, 6]);
      expect(after.values()).toEqual(['first-3', 'first-4', 'second-0', 'second-1']);
    }, TEST_TIMEOUT_MS);

    it('redelivers from the offset a handler seeks to (nack)', async () => {
      const b = await binder();
      const topic = uniqueTopic('seek');
      await b.provisionTopic(topic, 1);
      await produce(b, topic, values('s', 4).map((value) => ({ value })));
      let nacked = false;
      const consumer = await Collector.subscribe(b, topic, { group: group('seek') }, async (batch, session, collector) => {
        const accepted: InboundRecord[] = [];
        for (const record of batch.records) {
          if (record.offset === 2 && !nacked) {
            nacked = true;
            session.seek({ topic, partition: 0, offset: 2 });
            break;
          }
          accepted.push(record);
        }
        collector.receive(batch, session, accepted);
      });
      await consumer.waitForCount(4);
      expect(consumer.values()).toEqual(values('s', 4));
      expect(nacked).toBe(true);
    }, TEST_TIMEOUT_MS);

    it('redelivers a handler that throws after seeking from its seek, not from the batch\'s first record', async () => {
      const b = await binder();
      const topic = uniqueTopic('seek-throw');
      await b.provisionTopic(topic, 1);
      await produce(b, topic, values('t', 4).map((value) => ({ value })));
      let failed = false;
      const consumer = await Collector.subscribe(b, topic, { group: group('seek-throw') }, async (batch, session, collector) => {
        const accepted: InboundRecord[] = [];
        try {
          for (const record of batch.records) {
            if (record.offset === 2 && !failed) {
              failed = true;
              session.seek({ topic, partition: 0, offset: 2 });
              throw new Error('failed on offset 2');
            }
            accepted.push(record);
          }
        } finally {
          collector.receive(batch, session, accepted);
        }
      });
      await consumer.waitForCount(4);
      expect(consumer.values()).toEqual(values('t', 4));
      expect(failed).toBe(true);
    }, TEST_TIMEOUT_MS);

    it('pauses and resumes delivery without losing records', async () => {
      const b = await binder();
      const topic = uniqueTopic('pause');
      await b.provisionTopic(topic, 1);
      const consumer = await Collector.subscribe(b, topic, { group: group('pause') });
      consumer.binding.pause();
      expect(consumer.binding.isPaused()).toBe(true);
      await produce(b, topic, values('p', 3).map((value) => ({ value })));
      consumer.binding.resume();
      expect(consumer.binding.isPaused()).toBe(false);
      await consumer.waitForCount(3);
      expect(consumer.values()).toEqual(values('p', 3));
    }, TEST_TIMEOUT_MS);

    it('stops gracefully: waits for the handler and lets pending acks be committed on revocation', async () => {
      const topic = uniqueTopic('shutdown');
      const groupId = group('shutdown');
      const b = await binder();
      await b.provisionTopic(topic, 1);
      await produce(b, topic, values('g', 3).map((value) => ({ value })));
      const events: string[] = [];
      const release = gate();
      let pending: { offset: number } | null = null;
      const consumer = await Collector.subscribe(
        b,
        topic,
        {
          group: groupId,
          onPartitionsRevoked: async (partitions, session) => {
            events.push(`revoked:${partitions.map((p) => p.partition).join(',')}`);
            if (pending) await session.commit([{ topic, partition: 0, offset: pending.offset }]);
          },
        },
        async (batch, session, collector) => {
          collector.receive(batch, session);
          await release.promise;
          // Acknowledged but not committed: the revocation callback commits it.
          pending = { offset: batch.records[batch.records.length - 1].offset + 1 };
          events.push('handler-done');
        },
      );
      await consumer.waitForCount(1);
      const stopped = consumer.stop().then(() => events.push('stopped'));
      events.push('stop-called');
      release.open();
      await stopped;
      expect(events).toEqual(['stop-called', 'handler-done', 'revoked:0', 'stopped']);
      const committedTo = consumer.records[consumer.records.length - 1].offset + 1;
      await produce(b, topic, [{ value: 'later' }]);
      const next = await Collector.subscribe(await binder(), topic, { group: groupId });
      await next.waitFor(() => next.values().includes('later'), 'the record sent after the restart');
      expect(next.records[0].offset).toBe(committedTo);
    }, TEST_TIMEOUT_MS);
  });
}
