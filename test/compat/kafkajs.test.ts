import { CompressionTypes, Kafka, logLevel, type Consumer, type EachMessagePayload } from 'kafkajs';
import { registerCompressionCodecs } from '../../src/binder/kafka/codecs';
import { startTestBroker, type TestBroker } from '../support/broker-server';
import { waitFor } from '../support/processes';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
registerCompressionCodecs();

describe('kafkajs 2.2.4 against bindery broker', () => {
  let broker: TestBroker;
  let kafka: Kafka;
  const consumers: Consumer[] = [];

  beforeAll(async () => {
    broker = await startTestBroker();
    kafka = new Kafka({ brokers: [broker.bootstrap], clientId: 'compat', logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 100 } });
  });
  afterAll(async () => {
    for (const c of consumers) await c.disconnect().catch(() => undefined);
    await broker?.stop();
  });

  it('creates, lists and deletes topics with the admin client', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect(await admin.createTopics({ waitForLeaders: true, topics: [{ topic: 'admin-a', numPartitions: 3 }] })).toBe(true);
      expect(await admin.createTopics({ topics: [{ topic: 'admin-a', numPartitions: 3 }] })).toBe(false);
      const meta = await admin.fetchTopicMetadata({ topics: ['admin-a'] });
      expect(meta.topics[0].partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2]);
      await admin.createPartitions({ topicPartitions: [{ topic: 'admin-a', count: 5 }] });
      expect((await admin.fetchTopicMetadata({ topics: ['admin-a'] })).topics[0].partitions).toHaveLength(5);
      expect(await admin.listTopics()).toContain('admin-a');
      await admin.deleteTopics({ topics: ['admin-a'] });
      expect(await admin.listTopics()).not.toContain('admin-a');
    } finally {
      await admin.disconnect();
    }
  });

  it.each([
    ['none', CompressionTypes.None],
    ['gzip', CompressionTypes.GZIP],
    ['snappy', CompressionTypes.Snappy],
    ['lz4', CompressionTypes.LZ4],
    ['zstd', CompressionTypes.ZSTD],
  ])('an idempotent producer with %s compression writes records a consumer reads back', async (name, compression) => {
    const topic = `codec-${name}`;
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const sent = Array.from({ length: 50 }, (_, i) => ({ key: `k${i % 5}`, value: `${name}-value-${i}`, headers: { n: String(i) } }));
    try {
      await producer.send({ topic, compression, acks: -1, messages: sent.slice(0, 25) });
      await producer.send({ topic, compression, acks: -1, messages: sent.slice(25) });
    } finally {
      await producer.disconnect();
    }
    const consumer = kafka.consumer({ groupId: `g-${topic}`, maxWaitTimeInMs: 200 });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const got: string[] = [];
    await consumer.run({ eachMessage: async ({ message }: EachMessagePayload) => void got.push(`${message.key}|${message.value}|${message.headers?.n}`) });
    await waitFor(`50 ${name} records`, () => got.length >= 50);
    await consumer.stop();
    expect(got.sort()).toEqual(sent.map((m) => `${m.key}|${m.value}|${m.headers.n}`).sort());
  });

  it('fetches committed offsets and describes the group', async () => {
    const topic = 'offsets-topic';
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ value: `v${i}` })) });
    await producer.disconnect();
    const groupId = 'offsets-group';
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    let seen = 0;
    await consumer.run({ autoCommitThreshold: 1, eachMessage: async () => void seen++ });
    await waitFor('10 records', () => seen >= 10);
    const admin = kafka.admin();
    await admin.connect();
    try {
      await waitFor('committed offset 10', async () => {
        const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
        return offsets[0]?.partitions[0]?.offset === '10';
      });
      const { groups } = await admin.describeGroups([groupId]);
      expect(groups[0].state).toBe('Stable');
      expect(groups[0].members).toHaveLength(1);
      expect((await admin.listGroups()).groups.map((g) => g.groupId)).toContain(groupId);
      await consumer.disconnect();
      await admin.deleteGroups([groupId]);
      expect((await admin.listGroups()).groups.map((g) => g.groupId)).not.toContain(groupId);
    } finally {
      await admin.disconnect();
    }
  });

  it('rebalances a 3-member group when a member dies and the survivors take over its partitions', async () => {
    const topic = 'rebalance-topic';
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 6 }] });
    await admin.disconnect();
    const groupId = 'rebalance-group';
    const assigned = new Map<string, Set<number>>();
    const received: string[] = [];
    const members: Consumer[] = [];
    for (const name of ['m1', 'm2', 'm3']) {
      const c = kafka.consumer({ groupId, sessionTimeout: 10000, heartbeatInterval: 500, rebalanceTimeout: 10000, maxWaitTimeInMs: 200 });
      consumers.push(c);
      members.push(c);
      c.on(c.events.GROUP_JOIN, (e) => assigned.set(name, new Set(e.payload.memberAssignment[topic] ?? [])));
      await c.connect();
      await c.subscribe({ topics: [topic], fromBeginning: true });
      await c.run({ eachMessage: async ({ message }) => void received.push(String(message.value)) });
    }
    const covered = (names: string[]) => names.every((n) => (assigned.get(n)?.size ?? 0) > 0) && new Set(names.flatMap((n) => [...(assigned.get(n) ?? [])])).size === 6;
    await waitFor('three members sharing six partitions', () => covered(['m1', 'm2', 'm3']));
    // A member that stops without leaving is noticed by its session timeout; one that disconnects leaves at once.
    await members[2].disconnect();
    assigned.delete('m3');
    await waitFor('two members sharing six partitions', () => covered(['m1', 'm2']) && [...assigned.values()].reduce((n, s) => n + s.size, 0) === 6);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: 60 }, (_, i) => ({ key: `key-${i}`, value: `after-${i}` })) });
    await producer.disconnect();
    await waitFor('60 records after the rebalance', () => received.filter((v) => v.startsWith('after-')).length >= 60);
  });
});
