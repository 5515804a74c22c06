/**
 * Broker failure on a 3-node KRaft cluster: replication factor 3, min.insync.replicas 2, acks=all.
 * The leader of the partition being written is killed with SIGKILL mid-stream; the producer
 * retries, and every record whose send was acknowledged reaches the consumer.
 */
import { startKafka, type KafkaCluster } from '../../scripts/kafka/kafka-node';
import { createKafkaBinder, type KafkaBinder } from '../../src/binder/kafka';
import type { SendResult } from '../../src/binder/Binder';
import type { Admin } from 'kafkajs';
import { describeIfPeer } from '../support/peers';
import { Collector, uniqueTopic } from '../integration/binder-contract/contractSupport';
import { kafkaJarsAvailable } from './kafkaPeer';

const RECORDS = 300;
/** offsets.topic.num.partitions of the test cluster (scripts/kafka/kafka-node.js). */
const OFFSETS_PARTITIONS = 5;

/** Java's String.hashCode, which Kafka uses to place a group on a __consumer_offsets partition. */
function javaStringHash(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(31, hash) + text.charCodeAt(i)) | 0;
  return hash;
}

function offsetsPartitionOf(groupId: string): number {
  const hash = javaStringHash(groupId);
  return (hash === -2147483648 ? 0 : Math.abs(hash)) % OFFSETS_PARTITIONS;
}
const KILL_AFTER = 100;

/** Looks a group up until __consumer_offsets exists with a leader for every partition (bounded). */
async function offsetsTopicWithLeaders(admin: Admin, groupId: string) {
  const deadline = Date.now() + 60000;
  for (;;) {
    // The first coordinator lookup creates the topic; kafkajs' admin does not retry while it loads.
    await admin.fetchOffsets({ groupId, topics: [] }).catch(() => undefined);
    const topics = await admin.fetchTopicMetadata({ topics: ['__consumer_offsets'] }).then((m) => m.topics, () => []);
    const partitions = topics[0]?.partitions ?? [];
    if (partitions.length === OFFSETS_PARTITIONS && partitions.every((p) => p.leader >= 0)) return topics[0];
    if (Date.now() > deadline) throw new Error('__consumer_offsets did not get leaders within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describeIfPeer('Java 17 and the Apache Kafka jars (node scripts/kafka/fetch.js)', kafkaJarsAvailable, 'kafka binder when a partition leader dies', () => {
  let cluster: KafkaCluster | undefined;
  let producerSide: KafkaBinder | undefined;
  let consumerSide: KafkaBinder | undefined;

  beforeAll(async () => {
    cluster = await startKafka({
      size: 3,
      // Fence a dead broker after 3 s instead of 9 s, so leadership moves sooner.
      brokerConfig: { 'broker.session.timeout.ms': 3000, 'broker.heartbeat.interval.ms': 500 },
    });
  }, 240000);

  afterAll(async () => {
    await producerSide?.close();
    await consumerSide?.close();
    await cluster?.stop();
  }, 120000);

  /**
   * The producer gets a long retry budget (sends wait out the leader election). The consumer keeps
   * the default: kafkajs only looks a lost coordinator up again once its fetch loop gave up.
   */
  function binder(retry?: { retries: number; initialRetryTime: number; maxRetryTime: number }): KafkaBinder {
    return createKafkaBinder({
      brokers: cluster!.brokers,
      logLevel: (process.env.BINDERY_TEST_KAFKA_LOG_LEVEL as 'info' | undefined) ?? 'nothing',
      replicationFactor: 3,
      topicConfig: { 'min.insync.replicas': '2' },
      retry,
    });
  }

  it('loses no acknowledged record when the node leading the partition and coordinating the group is killed with SIGKILL', async () => {
    producerSide = binder({ retries: 30, initialRetryTime: 200, maxRetryTime: 3000 });
    consumerSide = binder();
    const topic = uniqueTopic('fault');
    await producerSide.provisionTopic(topic, 2);
    const admin = await producerSide.adminClient();
    const [described] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
    expect(described.partitions.every((p) => p.replicas.length === 3)).toBe(true);
    const leader = described.partitions.find((p) => p.partitionId === 0)!.leader;

    // A group whose coordinator is that same node: one kill then takes the partition leader and
    // the group coordinator, both paths of recovery.
    const offsetsTopic = await offsetsTopicWithLeaders(admin, `${topic}.warmup`);
    const leaderOf = (partition: number) => offsetsTopic.partitions.find((p) => p.partitionId === partition)?.leader;
    const groupId = Array.from({ length: 500 }, (_, i) => `${topic}.group.${i}`).find(
      (candidate) => leaderOf(offsetsPartitionOf(candidate)) === leader,
    );
    expect(groupId).toBeDefined();

    // A shorter session: a member that rejoins after losing its coordinator replaces its old self sooner.
    const consumer = await Collector.subscribe(consumerSide, topic, {
      group: groupId,
      sessionTimeoutMs: 10000,
      heartbeatIntervalMs: 1000,
    });
    const producer = await producerSide.bindProducer(topic);
    const acknowledged = new Set<string>();
    const failed: unknown[] = [];
    let victim: number | undefined;

    // Ten records in flight at a time; the key spreads them over both partitions.
    for (let start = 0; start < RECORDS; start += 10) {
      if (start === KILL_AFTER) {
        victim = leader;
        await cluster!.node(victim).kill();
      }
      const sends = Array.from({ length: 10 }, (_, i) => {
        const value = `record-${start + i}`;
        return producer.send({ key: Buffer.from(`key-${(start + i) % 17}`), value: Buffer.from(value) }).then(
          (result: SendResult) => {
            acknowledged.add(value);
            return result;
          },
          (error: unknown) => failed.push(error),
        );
      });
      await Promise.all(sends);
    }
    await producer.close();

    expect(victim).toBeDefined();
    expect(cluster!.node(victim!).running).toBe(false);
    expect(failed).toEqual([]);
    expect(acknowledged.size).toBe(RECORDS);
    await consumer.waitFor(
      () => [...acknowledged].every((value) => consumer.values().includes(value)),
      `every acknowledged record (have ${consumer.records.length})`,
      120000,
    );
    const received = new Set(consumer.values());
    expect([...acknowledged].filter((value) => !received.has(value))).toEqual([]);
    const [after] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
    expect(after.partitions.find((p) => p.partitionId === 0)!.leader).not.toBe(victim);
  }, 240000);
});
