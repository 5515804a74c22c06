/**
 * kafkajs 2.2.4 transactions against bindery broker (in process): what a read_committed consumer
 * sees of committed and aborted transactions, offsets sent in a transaction, and the fencing of a
 * zombie producer that shares its transactional id with a newer one.
 */
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../support/broker-server';
import { waitFor } from '../support/processes';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

describe('kafkajs transactions against bindery broker', () => {
  let broker: TestBroker;
  let kafka: Kafka;
  const clients: (Consumer | Producer)[] = [];
  jest.setTimeout(60000);

  beforeAll(async () => {
    broker = await startTestBroker({ inProcess: true });
    kafka = new Kafka({ brokers: [broker.bootstrap], clientId: 'txn', logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 100 } });
  });
  afterAll(async () => {
    for (const c of clients) await c.disconnect().catch(() => undefined);
    await broker?.stop();
  });

  async function transactionalProducer(transactionalId: string): Promise<Producer> {
    const producer = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1, retry: { retries: 1 } });
    clients.push(producer);
    await producer.connect();
    return producer;
  }

  /** Every value in the topic as a consumer of this isolation level sees it, once `until` has been seen. */
  async function readAll(topic: string, readUncommitted: boolean, until: string): Promise<string[]> {
    const consumer = kafka.consumer({ groupId: `reader-${topic}-${readUncommitted}`, readUncommitted, maxWaitTimeInMs: 100 });
    clients.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen: string[] = [];
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
    await waitFor(`${until} read from ${topic}`, () => seen.includes(until), 30000);
    await consumer.disconnect();
    return seen;
  }

  it('shows a read_committed consumer the committed records and never the aborted ones', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'txn-out', numPartitions: 1 }] });
    await admin.disconnect();
    const producer = await transactionalProducer('tx-basic');
    const committed = await producer.transaction();
    await committed.send({ topic: 'txn-out', messages: [{ value: 'c1' }, { value: 'c2' }] });
    await committed.commit();
    const aborted = await producer.transaction();
    await aborted.send({ topic: 'txn-out', messages: [{ value: 'a1' }, { value: 'a2' }] });
    await aborted.abort();
    const last = await producer.transaction();
    await last.send({ topic: 'txn-out', messages: [{ value: 'c3' }] });
    await last.commit();

    expect(await readAll('txn-out', false, 'c3')).toEqual(['c1', 'c2', 'c3']);
    // The aborted records are in the log: a read_uncommitted consumer gets them.
    expect(await readAll('txn-out', true, 'c3')).toEqual(['c1', 'c2', 'a1', 'a2', 'c3']);
  });

  it('keeps a read_committed consumer behind an open transaction until it commits', async () => {
    const producer = await transactionalProducer('tx-open');
    const open = await producer.transaction();
    await open.send({ topic: 'txn-open', messages: [{ value: 'o1' }] });
    const consumer = kafka.consumer({ groupId: 'reader-open', maxWaitTimeInMs: 100 });
    clients.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic: 'txn-open', fromBeginning: true });
    const seen: string[] = [];
    let fetches = 0;
    consumer.on(consumer.events.FETCH, () => void fetches++);
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
    await waitFor('the consumer fetching', () => fetches >= 3, 30000);
    expect(seen).toEqual([]);
    await open.commit();
    await waitFor('o1 after the commit', () => seen.includes('o1'), 30000);
    await consumer.disconnect();
  });

  it('commits offsets sent in a transaction only when the transaction commits', async () => {
    const admin = kafka.admin();
    await admin.connect();
    const producer = await transactionalProducer('tx-offsets');
    const offsetsOf = async () => (await admin.fetchOffsets({ groupId: 'copier', topics: ['txn-in'] }))[0].partitions[0].offset;
    await admin.createTopics({ topics: [{ topic: 'txn-in', numPartitions: 1 }] });

    const aborted = await producer.transaction();
    await aborted.sendOffsets({ consumerGroupId: 'copier', topics: [{ topic: 'txn-in', partitions: [{ partition: 0, offset: '7' }] }] });
    await aborted.abort();
    expect(await offsetsOf()).toBe('-1');

    const committed = await producer.transaction();
    await committed.send({ topic: 'txn-out', messages: [{ value: 'copied' }] });
    await committed.sendOffsets({ consumerGroupId: 'copier', topics: [{ topic: 'txn-in', partitions: [{ partition: 0, offset: '5' }] }] });
    expect(await offsetsOf()).toBe('-1');
    await committed.commit();
    expect(await offsetsOf()).toBe('5');
    await admin.disconnect();
  });

  it('refuses a transaction timeout above transaction.max.timeout.ms, and the broker serves on', async () => {
    const tooLong = kafka.producer({ transactionalId: 'tx-too-long', transactionTimeout: 900001, idempotent: true, maxInFlightRequests: 1, retry: { retries: 1 } });
    clients.push(tooLong);
    await tooLong.connect();
    await expect(tooLong.transaction()).rejects.toThrow(/timeout/i);
    const producer = await transactionalProducer('tx-after-refusal');
    const txn = await producer.transaction();
    await txn.send({ topic: 'txn-after', messages: [{ value: 'served' }] });
    await txn.commit();
    expect(await readAll('txn-after', false, 'served')).toEqual(['served']);
  });

  it('fences the older of two producers with one transactional id: none of its later writes become visible', async () => {
    const zombie = await transactionalProducer('tx-zombie');
    const zombieTxn = await zombie.transaction();
    await zombieTxn.send({ topic: 'txn-zombie', messages: [{ value: 'zombie-before' }] });

    // kafkajs asks for its transactional producer id when the first transaction begins.
    const successor = await transactionalProducer('tx-zombie');
    const txn = await successor.transaction();
    await expect(zombieTxn.send({ topic: 'txn-zombie', messages: [{ value: 'zombie-after' }] })).rejects.toThrow(/epoch/i);
    await expect(zombieTxn.commit()).rejects.toThrow(/epoch/i);

    await txn.send({ topic: 'txn-zombie', messages: [{ value: 'successor' }] });
    await txn.commit();
    expect(await readAll('txn-zombie', false, 'successor')).toEqual(['successor']);
  });
});
