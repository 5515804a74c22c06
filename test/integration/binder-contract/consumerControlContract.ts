/**
 * The consumer-control part of the binder contract (Spring for Apache Kafka's seek, ConsumerSeekAware,
 * per-partition pause and idle events), run by binderContractSuite on every binder.
 */
import type { Binder, ConsumerIdleEvent, InboundRecord, OutboundRecord } from '../../../src/binder/Binder';
import {
  InvalidConsumerOptionError,
  PartitionNotAssignedError,
  SeekTimestampInFutureError,
  UnknownAssignedPartitionError,
} from '../../../src/binder/consumer/errors';
import { Collector, gate, text, uniqueTopic } from './contractSupport';

export function consumerControlContract(binder: () => Promise<Binder>, timeoutMs: number): void {
  const group = (label: string) => `${uniqueTopic(label)}.group`;

  async function produce(b: Binder, topic: string, records: OutboundRecord[]): Promise<void> {
    const producer = await b.bindProducer(topic);
    await producer.sendMany(records);
    await producer.close();
  }

  describe('seek, replay and per-partition pause', () => {
    it('seeks a partition to a timestamp, the beginning, an offset and the end', async () => {
      const b = await binder();
      const topic = uniqueTopic('seek-to');
      await b.provisionTopic(topic, 1);
      const t0 = Date.now() - 60000;
      await produce(b, topic, Array.from({ length: 6 }, (_, i) => ({ value: Buffer.from(`r${i}`), timestamp: t0 + i * 1000 })));
      const script = [{ timestamp: t0 + 3500 }, 'beginning', { offset: 2 }, 'end'] as const;
      let seeks = 0;
      const consumer = await Collector.subscribe(b, topic, { group: group('seek-to'), maxBatchRecords: 1 }, async (batch, session, collector) => {
        const last = batch.records[batch.records.length - 1];
        if (last.offset === 5 && seeks < script.length) await session.seekTo(topic, 0, script[seeks++]);
        collector.receive(batch, session);
      });
      await consumer.waitFor(() => seeks === script.length, 'the four seeks');
      await produce(b, topic, [{ value: Buffer.from('r6') }]);
      await consumer.waitFor(() => consumer.records.some((r) => r.offset === 6), 'the record sent after seeking to the end');
      expect(consumer.records.map((r) => r.offset)).toEqual([0, 1, 2, 3, 4, 5, 4, 5, 0, 1, 2, 3, 4, 5, 2, 3, 4, 5, 6]);
    }, timeoutMs);

    it('lets onPartitionsAssigned seek before the first delivery', async () => {
      const b = await binder();
      const topic = uniqueTopic('seek-aware');
      await b.provisionTopic(topic, 1);
      await produce(b, topic, Array.from({ length: 6 }, (_, i) => ({ value: Buffer.from(`a${i}`) })));
      const consumer = await Collector.subscribe(b, topic, {
        group: group('seek-aware'),
        startOffset: 'earliest',
        onPartitionsAssigned: async (partitions, seeker) => {
          for (const tp of partitions) await seeker.seekTo(tp.topic, tp.partition, { offset: 4 });
        },
      });
      await consumer.waitForCount(2);
      expect(consumer.values()).toEqual(['a4', 'a5']);
    }, timeoutMs);

    it('refuses to seek a partition it does not hold, or to a timestamp in the future, naming the partition', async () => {
      const b = await binder();
      const topic = uniqueTopic('seek-refused');
      await b.provisionTopic(topic, 1);
      const consumer = await Collector.subscribe(b, topic, { group: group('seek-refused') });
      const notHeld = await consumer.binding.seekTo(topic, 3, 'beginning').catch((e: unknown) => e);
      expect(notHeld).toBeInstanceOf(PartitionNotAssignedError);
      expect((notHeld as Error).message).toContain(`${topic}-3`);
      const future = Date.now() + 3600000;
      const tooLate = await consumer.binding.seekTo(topic, 0, { timestamp: future }).catch((e: unknown) => e);
      expect(tooLate).toBeInstanceOf(SeekTimestampInFutureError);
      expect((tooLate as Error).message).toContain(`${topic}-0`);
      // Nothing was lost: the binding still delivers what is sent.
      await produce(b, topic, [{ value: Buffer.from('after') }]);
      await consumer.waitForCount(1);
      expect(consumer.values()).toEqual(['after']);
    }, timeoutMs);

    it('pauses one partition while the others go on, and resumes it without losing records', async () => {
      const b = await binder();
      const topic = uniqueTopic('pause-partition');
      await b.provisionTopic(topic, 2);
      const paused = gate();
      const consumer = await Collector.subscribe(b, topic, { group: group('pause-partition') }, async (batch, session, collector) => {
        collector.receive(batch, session);
        await session.commit([{ topic, partition: batch.partition, offset: batch.records[batch.records.length - 1].offset + 1 }]);
        if (batch.partition === 0 && session.pausedPartitions().length === 0 && text(batch.records[0].value) === 'p0-first') {
          session.pausePartition(topic, 0);
          paused.open();
        }
      });
      await produce(b, topic, [{ value: Buffer.from('p0-first'), partition: 0 }]);
      await paused.promise;
      await produce(b, topic, [
        { value: Buffer.from('p0-later'), partition: 0 },
        { value: Buffer.from('p1-later'), partition: 1 },
      ]);
      await consumer.waitFor(() => consumer.values().includes('p1-later'), 'p1-later');
      await produce(b, topic, [{ value: Buffer.from('p1-last'), partition: 1 }]);
      await consumer.waitFor(() => consumer.values().includes('p1-last'), 'p1-last');
      expect(consumer.values()).not.toContain('p0-later');
      const session = consumer.deliveries[consumer.deliveries.length - 1].session;
      expect(session.pausedPartitions()).toEqual([{ topic, partition: 0 }]);
      expect(() => session.pausePartition(topic, 7)).toThrow(PartitionNotAssignedError);
      session.resumePartition(topic, 0);
      await consumer.waitFor(() => consumer.values().includes('p0-later'), 'p0-later after the resume');
      expect(consumer.values().filter((v): v is string => v !== null && v.startsWith('p0'))).toEqual(['p0-first', 'p0-later']);
    }, timeoutMs);

    it('holds explicitly assigned partitions without a rebalance, committing to the group', async () => {
      const b = await binder();
      const topic = uniqueTopic('explicit');
      await b.provisionTopic(topic, 3);
      const groupId = group('explicit');
      await produce(
        b,
        topic,
        [0, 1, 2].flatMap((partition) => [0, 1].map((i) => ({ value: Buffer.from(`p${partition}-${i}`), partition }))),
      );
      const explicit = (partitions: number[], initialOffset?: { offset: number }) => ({
        group: groupId,
        topicPartitions: [{ topic, partitions, initialOffset }],
        onPartitionsRevoked: async () => void revoked++,
      });
      let revoked = 0;
      const unknown = await b.bindConsumer(topic, explicit([1, 3]), async () => undefined).catch((e: unknown) => e);
      expect(unknown).toBeInstanceOf(UnknownAssignedPartitionError);
      expect((unknown as Error).message).toContain(`${topic}-3`);
      const first = await Collector.subscribe(b, topic, explicit([0, 2]));
      const second = await Collector.subscribe(b, topic, explicit([1], { offset: 1 }));
      await first.waitForCount(4);
      await second.waitForCount(1);
      expect(first.values().sort()).toEqual(['p0-0', 'p0-1', 'p2-0', 'p2-1']);
      expect(second.values()).toEqual(['p1-1']);
      expect(revoked).toBe(0);
      await first.stop();
      await second.stop();
      // Without a group: from the end of the partition, as an anonymous binding starts.
      const anonymous = await Collector.subscribe(b, topic, { topicPartitions: [{ topic, partitions: [1] }] });
      // The commits went to the group: a subscriber of that group starts after them.
      await produce(b, topic, [0, 1, 2].map((partition) => ({ value: Buffer.from(`p${partition}-later`), partition })));
      await anonymous.waitForCount(1);
      expect(anonymous.values()).toEqual(['p1-later']);
      await anonymous.stop();
      const subscriber = await Collector.subscribe(b, topic, { group: groupId });
      await subscriber.waitForCount(3);
      expect(subscriber.values().sort()).toEqual(['p0-later', 'p1-later', 'p2-later']);
    }, timeoutMs);

    it('raises an idle event when nothing was delivered for idleEventIntervalMs', async () => {
      const b = await binder();
      const topic = uniqueTopic('idle');
      await b.provisionTopic(topic, 1);
      const events: ConsumerIdleEvent[] = [];
      const idle = gate();
      await expect(b.bindConsumer(topic, { group: group('idle-zero'), idleEventIntervalMs: 0, onIdle: () => undefined }, async () => undefined)).rejects.toThrow(
        InvalidConsumerOptionError,
      );
      const received: InboundRecord[] = [];
      const binding = await b.bindConsumer(
        topic,
        {
          group: group('idle'),
          idleEventIntervalMs: 200,
          onIdle: (event) => {
            events.push(event);
            idle.open();
          },
        },
        async (batch) => void received.push(...batch.records),
      );
      try {
        await idle.promise;
        expect(events[0].idleMs).toBeGreaterThanOrEqual(200);
        expect(events[0].partitions).toEqual([{ topic, partition: 0 }]);
      } finally {
        await binding.stop();
      }
      expect(received).toEqual([]);
    }, timeoutMs);
  });
}
