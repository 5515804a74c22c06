/**
 * A kafka-binder member that gives a partition up in a rebalance forgets where it was: when the
 * partition comes back after other members processed and committed more of it, it resumes from the
 * group's committed offset, as Kafka's consumers do, and delivers nothing the group committed again.
 */
import { randomUUID } from 'node:crypto';
import type { Admin } from 'kafkajs';
import { createKafkaBinder, type KafkaBinder } from '../../../src/binder/kafka';
import type { ConsumerSession } from '../../../src/binder/Binder';
import { Collector } from '../binder-contract/contractSupport';
import { CapturingLogger } from '../../support/capturingLogger';
import { useInProcessBroker } from '../../support/inProcessBroker';
import { waitFor } from '../../support/processes';

const DEADLINE_MS = 20000;
const TEST_TIMEOUT_MS = 4 * DEADLINE_MS;

describe('kafka binder: seeks of a partition the member gave up', () => {
  const broker = useInProcessBroker();
  const binders: KafkaBinder[] = [];
  const logger = new CapturingLogger();
  // kafkajs' round-robin assignor orders members by id, which starts with the client id.
  const binder = (clientId: string): KafkaBinder => {
    const created = createKafkaBinder({ brokers: [`127.0.0.1:${broker.port}`], clientId, logLevel: 'nothing' }, logger);
    binders.push(created);
    return created;
  };
  afterEach(async () => {
    await Promise.allSettled(binders.splice(0).map((b) => b.close(1000)));
  });

  async function groupState(admin: Admin, group: string): Promise<string> {
    const { groups } = await admin.describeGroups([group]);
    return groups[0]?.state ?? 'Dead';
  }

  async function committed(admin: Admin, group: string, topic: string): Promise<number> {
    const [found] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return Number(found?.partitions.find((p) => p.partition === 0)?.offset ?? -1);
  }

  /**
   * What X's handler does with record 3 once the group rebalances; each leaves a seek behind,
   * handed to kafkajs after the group moved the partition: back to record 3, or on to record 4 when
   * a heartbeat in the handler ends the batch after it. Resolves to the offset X committed.
   */
  type Outcome = (session: ConsumerSession, topic: string) => Promise<number>;
  const outcomes: [string, Outcome][] = [
    [
      'fails',
      () => Promise.reject(new Error('handler failed while the group rebalanced')),
    ],
    [
      'seeks back to its record',
      async (session, topic) => {
        session.seek({ topic, partition: 0, offset: 3 });
        return 3;
      },
    ],
    [
      'heartbeats, so that the batch ends early,',
      async (session, topic) => {
        await session.heartbeat();
        await session.commit([{ topic, partition: 0, offset: 4 }]);
        return 4;
      },
    ],
  ];

  it.each(outcomes)('resumes a returning partition from the committed offset when its handler %s while the group rebalances', async (_, outcome) => {
    const topic = `stale-seek.${randomUUID().slice(0, 8)}`;
    const group = `stale-seek-${randomUUID().slice(0, 8)}`;
    const first = binder('stale-seek-x');
    await first.provisionTopic(topic, 1);
    const admin = await first.adminClient();
    const producer = await first.bindProducer(topic);
    await producer.sendMany(Array.from({ length: 10 }, (_, i) => ({ value: Buffer.from(`r${i}`), partition: 0 })));
    // kafkajs heartbeats after a batch once the interval passed since its last heartbeat: at 1 ms,
    // X learns of the rebalance right after its handler returns, before it fetches again.
    const options = { group, maxBatchRecords: 1, heartbeatIntervalMs: 1 };

    // X handles records 0-2; on record 3 it waits until a second member makes the group rebalance.
    let interrupted = false;
    let committedByX = 3;
    const x = await Collector.subscribe(first, topic, options, async (batch, session, collector) => {
      const [record] = batch.records;
      if (record.offset === 3 && !interrupted) {
        await waitFor('the group to rebalance', async () => (await groupState(admin, group)) !== 'Stable', DEADLINE_MS);
        interrupted = true;
        committedByX = await outcome(session, topic);
        return;
      }
      collector.receive(batch, session);
      await session.commit([{ topic, partition: 0, offset: record.offset + 1 }]);
    });
    await x.waitFor(() => x.records.length === 3, 'X to handle records 0-2', DEADLINE_MS);

    // Y (first in member-id order) takes the partition over from X's commit and commits through record 9.
    const y = await Collector.subscribe(binder('stale-seek-a'), topic, options);
    await y.waitFor(() => y.records.some((r) => r.offset === 9), 'Y to handle record 9', DEADLINE_MS);
    await waitFor('Y to commit record 9', async () => (await committed(admin, group, topic)) === 10, DEADLINE_MS);
    expect(interrupted).toBe(true);

    // Y leaves: the partition returns to X, which must go on from offset 10.
    const handledBeforeReturn = x.records.length;
    await y.binding.stop();
    await producer.sendMany([10, 11].map((i) => ({ value: Buffer.from(`r${i}`), partition: 0 })));
    await producer.close();
    await x.waitFor(() => x.records.some((r) => r.offset === 11), 'X to handle record 11', DEADLINE_MS);
    const afterReturn = x.records.slice(handledBeforeReturn).map((r) => r.offset);
    expect(afterReturn).toEqual([10, 11]);
    expect(y.records.map((r) => r.offset)).toEqual([3, 4, 5, 6, 7, 8, 9].filter((offset) => offset >= committedByX));
  }, TEST_TIMEOUT_MS);
});
