/**
 * Consumer control of the listener container as users reach it, written once and run per binder:
 * app.seek, explicit assignment (topicPartitions), ConsumerSeekAware, idle events, and retry
 * topics holding only the partition whose head record is not due.
 */
import 'reflect-metadata';
import {
  Bindery,
  Injectable,
  KafkaListener,
  Payload,
  PartitionNotAssignedError,
  SeekTimestampInFutureError,
  UnknownListenerError,
  Context,
  RecordContext,
  silentLogger,
  type Binder,
  type ConsumerSeekAware,
  type ListenerIdleEvent,
  type ConsumerSeekCallback,
  type TopicPartition,
} from '../../../src';
import type { KafkaBinder } from '../../../src/binder/kafka';
import { DEADLINE_MS, eventually, startApp, uniqueName } from './deliverySupport';

/** A record as the listener forwarded it to a retry topic: attempt 1 done, due at `due`. */
async function sendRetryRecord(b: Binder, topic: string, partition: number, payload: unknown, due: number): Promise<void> {
  const producer = await b.bindProducer(topic);
  const text = (value: string) => Buffer.from(value, 'utf8');
  await producer.send({
    key: text('k'),
    value: text(JSON.stringify(payload)),
    partition,
    headers: [
      { key: 'content-type', value: text('application/json') },
      { key: 'x-attempts', value: text('1') },
      { key: 'x-retry-due', value: text(String(due)) },
    ],
  });
  await producer.close();
}

export interface ConsumerControlTarget {
  name: string;
  /** A fresh binder on the shared broker of the run; the suite closes it. */
  binder(): Promise<Binder>;
  /** Reads the cluster's own view of groups (the kafka binder's admin client), where the binder has one. */
  groups?: GroupInspector;
}

/** A consumer group as an admin client sees it. */
export interface GroupInspector {
  /** Offsets committed by `group` on `topic`'s partitions, by partition. */
  committed(b: Binder, group: string, topic: string): Promise<Record<number, number>>;
  /** Ids of the groups the cluster has. */
  list(b: Binder): Promise<string[]>;
}

/** The kafka binder's groups through its admin client (OffsetFetch, ListGroups). */
export const kafkaGroups: GroupInspector = {
  async committed(b, group, topic) {
    const [found] = await (await (b as KafkaBinder).adminClient()).fetchOffsets({ groupId: group, topics: [topic] });
    return Object.fromEntries(found.partitions.map((p) => [p.partition, Number(p.offset)]));
  },
  async list(b) {
    return (await (await (b as KafkaBinder).adminClient()).listGroups()).groups.map((g) => g.groupId);
  },
};

const TIMEOUT_MS = 2 * DEADLINE_MS;
const n = (payload: unknown): number => (payload as { n: number }).n;

/** What a test's listener classes saw. */
class Seen {
  readonly records: { listener: string; n: number; partition: number }[] = [];
}

/** A ConsumerSeekAware listener of `topic` (a group starting at the latest offset) that rewinds what it is given. */
function rewindingListener(topic: string, group: string, events: string[]): Function {
  @Injectable()
  class RewindingListener implements ConsumerSeekAware {
    @KafkaListener({ id: 'rewinding', topics: topic, groupId: group, properties: { startOffset: 'latest' } })
    handle(@Payload() payload: unknown, @Context() context: RecordContext): void {
      events.push(`record ${n(payload)} of ${context.partition}`);
    }

    async onPartitionsAssigned(assignment: TopicPartition[], seeker: ConsumerSeekCallback): Promise<void> {
      events.push(`assigned ${assignment.map((tp) => tp.partition).sort().join(',')}`);
      for (const tp of assignment) await seeker.seekTo(tp.topic, tp.partition, 'beginning');
    }
  }
  return RewindingListener;
}

/** A listener of `topic` that hears of idle intervals of `intervalMs`. */
function idleListener(topic: string, group: string, intervalMs: number, idle: ListenerIdleEvent[]): Function {
  @Injectable()
  class IdleListener {
    @KafkaListener({ id: 'quiet', topics: topic, groupId: group, idleEventIntervalMs: intervalMs, onIdle: 'whenIdle' })
    handle(): void {}

    whenIdle(event: ListenerIdleEvent): void {
      idle.push(event);
    }
  }
  return IdleListener;
}

/** A @KafkaListener service `id` for `topic` with explicitly assigned partitions. */
function assignedListener(id: string, topic: string, group: string, partitions: number[], initialOffset?: 'beginning' | 'end'): Function {
  @Injectable()
  class AssignedListener {
    constructor(private readonly seen: Seen) {}

    @KafkaListener({ id, groupId: group, topicPartitions: [{ topic, partitions, initialOffset }] })
    handle(@Payload() payload: unknown, @Context() context: RecordContext): void {
      this.seen.records.push({ listener: id, n: n(payload), partition: context.partition });
    }
  }
  return AssignedListener;
}

export function consumerControlSuite(target: ConsumerControlTarget): void {
  describe(`consumer control: ${target.name}`, () => {
    const apps: Bindery[] = [];
    const binders: Binder[] = [];
    const binder = async (): Promise<Binder> => {
      const b = await target.binder();
      binders.push(b);
      return b;
    };
    const producerApp = async (b: Binder): Promise<Bindery> => {
      const app = await Bindery.create({ services: [], binder: b, configFile: false, env: {}, logger: silentLogger, shutdownOnSignals: false });
      apps.push(app);
      return app;
    };

    afterEach(async () => {
      await Promise.allSettled(apps.splice(0).map((a) => a.close()));
      await Promise.allSettled(binders.splice(0).map((b) => b.close()));
    });

    it('app.seek replays from the beginning, an offset of a partition, or a timestamp', async () => {
      const b = await binder();
      const topic = uniqueName('seek');
      await b.provisionTopic(topic, 2);
      const producer = await producerApp(b);
      for (const i of [1, 2, 3]) await producer.send(topic, { n: i }, { partition: 0 });
      await producer.send(topic, { n: 4 }, { partition: 1 });
      const { app, recorder } = await startApp({ binder: b, topic, group: `${topic}.g` });
      apps.push(app);
      const seen = () => recorder.payloads().map(n);
      await eventually(() => seen().length === 4, 'the four records');

      await app.seek('input', 'beginning');
      await eventually(() => seen().length === 8, 'every record again after seeking to the beginning');
      expect(seen().slice(4).sort()).toEqual([1, 2, 3, 4]);

      await app.seek('input', { partition: 0, offset: 2 });
      await eventually(() => seen().length === 9, 'partition 0 from offset 2');
      expect(seen()[8]).toBe(3);

      const before = Date.now();
      await eventually(() => Date.now() > before, 'the clock to move on');
      await producer.send(topic, { n: 5 }, { partition: 1 });
      await eventually(() => seen().length === 10, 'the record sent after the timestamp');
      await app.seek('input', { timestamp: before });
      await eventually(() => seen().length === 11, 'the record at or after the timestamp again');
      expect(seen()[10]).toBe(5);
    }, TIMEOUT_MS);

    it('app.seek names the bindings for an unknown one, and rejects a partition not owned or a future timestamp', async () => {
      const b = await binder();
      const topic = uniqueName('seek-errors');
      await b.provisionTopic(topic, 1);
      const producer = await producerApp(b);
      await producer.send(topic, { n: 1 }, { partition: 0 });
      const { app, recorder } = await startApp({ binder: b, topic, group: `${topic}.g` });
      apps.push(app);
      await eventually(() => recorder.invocations.length === 1, 'the record');

      await expect(app.seek('nope', 'beginning')).rejects.toThrow(UnknownListenerError);
      await expect(app.seek('nope', 'beginning')).rejects.toThrow(/'nope'.*known: input/);
      await expect(app.seek('input', { partition: 5, offset: 0 })).rejects.toThrow(PartitionNotAssignedError);
      await expect(app.seek('input', { timestamp: Date.now() + 3_600_000 })).rejects.toThrow(SeekTimestampInFutureError);
      // Nothing consumed is lost or replayed by a refused seek.
      await producer.send(topic, { n: 2 }, { partition: 0 });
      await eventually(() => recorder.invocations.length === 2, 'the next record');
      expect(recorder.payloads().map(n)).toEqual([1, 2]);
    }, TIMEOUT_MS);

    it('topicPartitions: @KafkaListeners of one group hold the partitions they name without a rebalance, from initialOffset, committing to the group', async () => {
      const b = await binder();
      const topic = uniqueName('assigned');
      const group = `${topic}.g`;
      await b.provisionTopic(topic, 3);
      const producer = await producerApp(b);
      for (const partition of [0, 1, 2]) await producer.send(topic, { n: partition }, { partition });
      const create = (seen: Seen, listeners: Function[]) =>
        Bindery.create({
          services: [...listeners, { provide: Seen, useValue: seen }],
          binder: b, configFile: false, env: {}, logger: silentLogger, shutdownOnSignals: false,
        });
      // Two listeners of the same group: each holds only its own partitions, neither takes the other's.
      const seen = new Seen();
      const app = await create(seen, [assignedListener('assigned', topic, group, [0, 2], 'beginning'), assignedListener('other', topic, group, [1], 'beginning')]);
      apps.push(app);
      await app.start();
      await eventually(() => seen.records.length === 3, 'the records of partitions 0, 1 and 2');
      const partitionsOf = (listener: string) => seen.records.filter((r) => r.listener === listener).map((r) => r.partition).sort();
      expect(partitionsOf('assigned')).toEqual([0, 2]);
      expect(partitionsOf('other')).toEqual([1]);
      await app.close();
      if (target.groups) {
        // The commits are the named group's, and the binder left no group of its own behind.
        expect(await target.groups.committed(b, group, topic)).toEqual({ 0: 1, 1: 1, 2: 1 });
        expect((await target.groups.list(b)).filter((id) => id.startsWith(`${group}.`))).toEqual([]);
      }

      // A later run of the same group without initialOffset starts where the first committed.
      await producer.send(topic, { n: 10 }, { partition: 0 });
      await producer.send(topic, { n: 11 }, { partition: 1 });
      const again = new Seen();
      const next = await create(again, [assignedListener('assigned', topic, group, [0, 2])]);
      apps.push(next);
      await next.start();
      await eventually(() => again.records.length === 1, 'the record sent after the first run');
      expect(again.records).toEqual([{ listener: 'assigned', n: 10, partition: 0 }]);
    }, TIMEOUT_MS);

    it('ConsumerSeekAware: onPartitionsAssigned hears the assignment with a seeker before its records are delivered', async () => {
      const b = await binder();
      const topic = uniqueName('seek-aware');
      await b.provisionTopic(topic, 2);
      const producer = await producerApp(b);
      await producer.send(topic, { n: 1 }, { partition: 0 });
      await producer.send(topic, { n: 2 }, { partition: 1 });
      const events: string[] = [];
      const app = await Bindery.create({
        services: [rewindingListener(topic, `${topic}.g`, events)],
        binder: b, configFile: false, env: {}, logger: silentLogger, shutdownOnSignals: false,
      });
      apps.push(app);
      await app.start();
      // The group starts at the latest offset: only the seek to the beginning delivers the records already there.
      await eventually(() => events.filter((e) => e.startsWith('record')).length === 2, 'both records after the rewind');
      expect(events[0]).toBe('assigned 0,1');
      expect(events.filter((e) => e.startsWith('record')).sort()).toEqual(['record 1 of 0', 'record 2 of 1']);
    }, TIMEOUT_MS);

    it('idleEventIntervalMs: the method named by onIdle hears when the listener received nothing for that long', async () => {
      const b = await binder();
      const topic = uniqueName('idle');
      await b.provisionTopic(topic, 1);
      const idle: ListenerIdleEvent[] = [];
      const app = await Bindery.create({
        services: [idleListener(topic, `${topic}.g`, 200, idle)],
        binder: b, configFile: false, env: {}, logger: silentLogger, shutdownOnSignals: false,
      });
      apps.push(app);
      await app.start();
      await eventually(() => idle.length >= 1, 'an idle event');
      expect(idle[0].listenerId).toBe('quiet');
      expect(idle[0].idleMs).toBeGreaterThanOrEqual(200);
      expect(idle[0].partitions).toEqual([{ topic, partition: 0 }]);
    }, TIMEOUT_MS);

    it('retry topics: a partition whose head is not due waits alone; a due record on another partition is delivered', async () => {
      const b = await binder();
      const topic = uniqueName('due-holds');
      const retryTopic = `${topic}-retry-3600000`;
      await b.provisionTopic(topic, 2);
      await b.provisionTopic(retryTopic, 2);
      // Partition 0's head is due in an hour: it is held when the retry consumer first sees it.
      await sendRetryRecord(b, retryTopic, 0, { n: 1 }, Date.now() + 3_600_000);
      const consumer = { retry: 'topics' as const, maxAttempts: 2, backOffInitialInterval: 3_600_000, backOffMaxInterval: 3_600_000 };
      const { app, recorder } = await startApp({ binder: b, topic, group: `${topic}.g`, consumer });
      apps.push(app);
      const producer = await producerApp(b);
      await producer.send(topic, { n: 0 }, { partition: 0 });
      await eventually(() => recorder.invocations.length === 1, 'the main topic record');

      await sendRetryRecord(b, retryTopic, 1, { n: 2 }, Date.now());
      await eventually(() => recorder.payloads().map(n).includes(2), "partition 1's due record while partition 0's head waits");
      expect(recorder.payloads().map(n)).not.toContain(1);
      // The main topic keeps flowing too.
      await producer.send(topic, { n: 3 }, { partition: 1 });
      await eventually(() => recorder.payloads().map(n).includes(3), 'the next main topic record');
      expect(recorder.payloads().map(n)).not.toContain(1);
    }, TIMEOUT_MS);
  });
}
