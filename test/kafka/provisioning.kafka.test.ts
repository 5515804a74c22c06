/**
 * Several binders in one process provisioning the same new topic at once on Apache Kafka: a topic
 * just created by one is not yet in another's (or its own) metadata, which must not fail provisioning.
 */
import { randomUUID } from 'node:crypto';
import { createKafkaBinder, type KafkaBinder } from '../../src/binder/kafka';
import { describeIfPeer } from '../support/peers';
import { kafkaBrokerAvailable, kafkaBrokers } from './kafkaPeer';

const BINDERS = 5;
const PARTITIONS = 6;
const ROUNDS = 10;

describeIfPeer('Apache Kafka (KAFKA_BROKERS, from npm run test:kafka)', kafkaBrokerAvailable, 'concurrent provisioning on Apache Kafka', () => {
  const binders: KafkaBinder[] = [];
  afterAll(async () => {
    await Promise.allSettled(binders.map((binder) => binder.close()));
  });

  it(`${BINDERS} binders provisioning the same new topic at once all succeed, each then seeing every partition led (${ROUNDS} topics)`, async () => {
    for (let i = 0; i < BINDERS; i++) binders.push(createKafkaBinder({ brokers: kafkaBrokers, logLevel: 'nothing' }));
    for (let round = 0; round < ROUNDS; round++) {
      const topic = `provisioned-at-once-${randomUUID()}`;
      // Each binder looks at the topic the moment its own provisioning resolves.
      const outcomes = await Promise.allSettled(
        binders.map(async (b) => {
          await b.provisionTopic(topic, PARTITIONS);
          const metadata = await (await b.adminClient()).fetchTopicMetadata({ topics: [topic] });
          return (metadata.topics[0]?.partitions ?? []).map((p) => p.leader);
        }),
      );
      expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
      for (const outcome of outcomes) {
        const leaders = outcome.status === 'fulfilled' ? outcome.value : [];
        expect(leaders).toHaveLength(PARTITIONS);
        expect(leaders.every((leader) => leader >= 0)).toBe(true);
      }
    }
  });
});
