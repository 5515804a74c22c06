/**
 * The kafka binder on an in-process `bindery broker`: binders provisioning one topic at once all
 * succeed and see it with leaders the moment their provisioning resolves.
 */
import type { Admin } from 'kafkajs';
import { createKafkaBinder, type KafkaBinder } from '../../../src/binder/kafka';
import { startTestBroker, type TestBroker } from '../../support/broker-server';

const BINDERS = 5;
const PARTITIONS = 3;

async function partitionLeaders(admin: Admin, topic: string): Promise<number[]> {
  const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
  return (metadata.topics[0]?.partitions ?? []).map((p) => p.leader);
}

describe('kafka binder on bindery broker: concurrent provisioning', () => {
  let broker: TestBroker;
  const binders: KafkaBinder[] = [];
  beforeAll(async () => {
    broker = await startTestBroker({ inProcess: true });
  });
  afterEach(async () => {
    await Promise.allSettled(binders.splice(0).map((binder) => binder.close()));
  });
  afterAll(async () => {
    await broker?.stop();
  });

  function binder(): KafkaBinder {
    const created = createKafkaBinder({ brokers: [broker.bootstrap], logLevel: 'nothing' });
    binders.push(created);
    return created;
  }

  it(`${BINDERS} binders provisioning the same topic at once all succeed, each then seeing every partition led`, async () => {
    const topic = 'provisioned-at-once';
    const all = Array.from({ length: BINDERS }, () => binder());
    // Each binder looks at the topic the moment its own provisioning resolves.
    const outcomes = await Promise.allSettled(
      all.map(async (b) => {
        await b.provisionTopic(topic, PARTITIONS);
        return partitionLeaders(await b.adminClient(), topic);
      }),
    );
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    for (const outcome of outcomes) {
      const leaders = outcome.status === 'fulfilled' ? outcome.value : [];
      expect(leaders).toHaveLength(PARTITIONS);
      expect(leaders.every((leader) => leader >= 0)).toBe(true);
    }
  });

  it(`${BINDERS} binders binding producers of the same new topic at once can all send at once`, async () => {
    const topic = 'produced-at-once';
    const all = Array.from({ length: BINDERS }, () => binder());
    const producers = await Promise.all(all.map((b) => b.bindProducer(topic, { partitionCount: PARTITIONS })));
    const results = await Promise.all(producers.map((p, i) => p.send({ key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`) })));
    expect(results.every((r) => r.offset >= 0)).toBe(true);
  });

});
