/**
 * The broker's transaction coordinator and read_committed reads, on the engine: Kafka's error
 * codes for bad requests, the abort of a transaction past its timeout, and what a restart keeps
 * (a decided commit completed, aborted transactions still indexed).
 */
import { Broker } from '../../../src/broker/Broker';
import { ManualClock } from '../../../src/broker/group/CoordinatorClock';
import { MemoryFileSystem } from '../../../src/broker/storage/MemoryFileSystem';
import { TransactionState } from '../../../src/broker/txn';
import { ErrorCode } from '../../../src/protocol/errorCodes';
import { encodeRecordBatchSync } from '../../../src/protocol/records/encodeBatch';
import { decodeRecordBatchesSync } from '../../../src/protocol/records/decodeBatch';
import { recordSetBuffer } from '../../../src/protocol/messages/schemaTypes';
import { headers } from './support/batches';
import { AlterConfigOp, ResourceType } from '../../../src/broker/topics/types';
import { waitFor } from '../../support/processes';

const TIMEOUT = 60000;

function txnBatch(producerId: number, producerEpoch: number, baseSequence: number, values: string[], key?: string): Buffer {
  const records = values.map((v) => ({ key: key === undefined ? null : Buffer.from(key), value: Buffer.from(v) }));
  return encodeRecordBatchSync({ records, producerId, producerEpoch, baseSequence, isTransactional: true });
}

async function produceTxn(broker: Broker, transactionalId: string, topic: string, batch: Buffer) {
  const res = await broker.produce({ acks: -1, transactionalId, topics: [{ name: topic, partitions: [{ index: 0, records: batch }] }] });
  return res.responses[0].partitionResponses[0];
}

async function fetchCommitted(broker: Broker, topic: string, fetchOffset = 0) {
  const res = await broker.fetch({ maxWaitMs: 0, minBytes: 1, isolationLevel: 1, topics: [{ topic, partitions: [{ partition: 0, fetchOffset, partitionMaxBytes: 1 << 20 }] }] });
  const p = res.responses[0].partitions[0];
  return { ...p, batches: headers(p.records && recordSetBuffer(p.records)) };
}

async function begin(broker: Broker, transactionalId: string, topic: string, timeoutMs = TIMEOUT) {
  const init = await broker.transactions.initProducerId({ transactionalId, transactionTimeoutMs: timeoutMs });
  expect(init.errorCode).toBe(ErrorCode.NONE);
  const producer = { transactionalId, producerId: init.producerId, producerEpoch: init.producerEpoch };
  const added = await broker.transactions.addPartitions(producer, [{ name: topic, partitions: [0] }]);
  expect(added[0].partitions[0].errorCode).toBe(ErrorCode.NONE);
  return producer;
}

describe('broker transactions', () => {
  let broker: Broker;
  afterEach(async () => broker?.close());

  it('answers bad transactional requests with Kafka error codes', async () => {
    broker = await Broker.open({ fs: new MemoryFileSystem() });
    await broker.createTopics({ topics: [{ name: 'out', numPartitions: 1 }] });
    const txns = broker.transactions;
    expect((await txns.initProducerId({ transactionalId: 'tx', transactionTimeoutMs: 900001 })).errorCode).toBe(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    expect((await txns.initProducerId({ transactionalId: 'tx', transactionTimeoutMs: 0 })).errorCode).toBe(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    expect(await txns.endTxn({ transactionalId: 'nobody', producerId: 5, producerEpoch: 0 }, true)).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);

    const first = await begin(broker, 'tx', 'out');
    const added = await txns.addPartitions(first, [{ name: 'missing', partitions: [0] }, { name: 'out', partitions: [0] }]);
    expect(added.map((t) => [t.topic, t.partitions[0].errorCode])).toEqual([
      ['missing', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
      ['out', ErrorCode.OPERATION_NOT_ATTEMPTED],
    ]);
    expect(broker.topics.get('missing')).toBeUndefined();
    expect((await produceTxn(broker, 'tx', 'out', txnBatch(first.producerId, first.producerEpoch, 0, ['first']))).errorCode).toBe(ErrorCode.NONE);

    // A second instance fences the first: its open transaction aborts, its requests are refused.
    const second = await txns.initProducerId({ transactionalId: 'tx', transactionTimeoutMs: TIMEOUT });
    expect(second.producerId).toBe(first.producerId);
    expect(second.producerEpoch).toBeGreaterThan(first.producerEpoch + 1);
    expect(await txns.endTxn(first, true)).toBe(ErrorCode.PRODUCER_FENCED);
    expect((await produceTxn(broker, 'tx', 'out', txnBatch(first.producerId, first.producerEpoch, 1, ['zombie']))).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    const secondProducer = { transactionalId: 'tx', producerId: second.producerId, producerEpoch: second.producerEpoch };
    expect(await txns.endTxn(secondProducer, true)).toBe(ErrorCode.INVALID_TXN_STATE);
    // A transactional batch to a partition not added to the transaction is refused.
    expect((await produceTxn(broker, 'tx', 'out', txnBatch(second.producerId, second.producerEpoch, 0, ['unadded']))).errorCode).toBe(ErrorCode.INVALID_TXN_STATE);

    const fetched = await fetchCommitted(broker, 'out');
    expect(fetched.abortedTransactions).toEqual([{ producerId: first.producerId, firstOffset: 0 }]);
    expect(fetched.lastStableOffset).toBe(fetched.highWatermark);
  });

  it('bumps the epoch of a producer that re-initialises itself (KIP-360), answering a retried bump alike', async () => {
    broker = await Broker.open({ fs: new MemoryFileSystem() });
    const txns = broker.transactions;
    const first = await txns.initProducerId({ transactionalId: 'tx-360', transactionTimeoutMs: TIMEOUT });
    const ask = (producerEpoch: number) => txns.initProducerId({ transactionalId: 'tx-360', transactionTimeoutMs: TIMEOUT, producerId: first.producerId, producerEpoch });
    const bumped = await ask(first.producerEpoch);
    expect([bumped.errorCode, bumped.producerId, bumped.producerEpoch]).toEqual([ErrorCode.NONE, first.producerId, first.producerEpoch + 1]);
    // The response was lost and the producer asks again with the epoch it had: the same answer, no second bump.
    const retried = await ask(first.producerEpoch);
    expect([retried.errorCode, retried.producerId, retried.producerEpoch]).toEqual([ErrorCode.NONE, first.producerId, first.producerEpoch + 1]);
    expect((await ask(first.producerEpoch + 5)).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
  });

  it('refuses a transactional offset commit from a member of another generation', async () => {
    broker = await Broker.open({ fs: new MemoryFileSystem() });
    const base = { groupId: 'copier', protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }], sessionTimeoutMs: 30000, rebalanceTimeoutMs: 60000 };
    let join = await broker.joinGroup({ ...base, memberId: '', requireKnownMemberId: true });
    if (join.errorCode === ErrorCode.MEMBER_ID_REQUIRED) join = await broker.joinGroup({ ...base, memberId: join.memberId });
    await broker.syncGroup({ groupId: 'copier', generationId: join.generationId, memberId: join.memberId, assignments: [{ memberId: join.memberId, assignment: Buffer.alloc(0) }] });
    await broker.createTopics({ topics: [{ name: 'in', numPartitions: 1 }] });
    const producer = await begin(broker, 'tx-copier', 'in');
    expect(await broker.transactions.addOffsets(producer, 'copier')).toBe(ErrorCode.NONE);
    const commit = (generationId: number) =>
      broker.transactions.txnOffsetCommit({
        ...producer,
        groupId: 'copier',
        generationId,
        memberId: join.memberId,
        groupInstanceId: null,
        topics: [{ name: 'in', partitions: [{ partitionIndex: 0, committedOffset: 3, committedLeaderEpoch: -1, committedMetadata: null }] }],
      });
    expect((await commit(join.generationId + 1)).topics[0].partitions[0].errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect((await commit(join.generationId)).topics[0].partitions[0].errorCode).toBe(ErrorCode.NONE);
    const offset = () => broker.fetchOffsets({ groupId: 'copier', topics: [{ name: 'in', partitionIndexes: [0] }] }).topics[0].partitions[0].committedOffset;
    expect(offset()).toBe(-1);
    expect(await broker.transactions.endTxn(producer, true)).toBe(ErrorCode.NONE);
    expect(offset()).toBe(3);
  });

  it('takes a transactional offset commit without member or generation into a group with members, as Kafka does (kafkajs sends them)', async () => {
    broker = await Broker.open({ fs: new MemoryFileSystem() });
    const base = { groupId: 'copier', protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }], sessionTimeoutMs: 30000, rebalanceTimeoutMs: 60000 };
    let join = await broker.joinGroup({ ...base, memberId: '', requireKnownMemberId: true });
    if (join.errorCode === ErrorCode.MEMBER_ID_REQUIRED) join = await broker.joinGroup({ ...base, memberId: join.memberId });
    await broker.syncGroup({ groupId: 'copier', generationId: join.generationId, memberId: join.memberId, assignments: [{ memberId: join.memberId, assignment: Buffer.alloc(0) }] });
    await broker.createTopics({ topics: [{ name: 'in', numPartitions: 1 }] });
    const producer = await begin(broker, 'tx-copier', 'in');
    expect(await broker.transactions.addOffsets(producer, 'copier')).toBe(ErrorCode.NONE);
    const res = await broker.transactions.txnOffsetCommit({
      ...producer,
      groupId: 'copier',
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      topics: [{ name: 'in', partitions: [{ partitionIndex: 0, committedOffset: 4, committedLeaderEpoch: -1, committedMetadata: null }] }],
    });
    expect(res.topics[0].partitions[0].errorCode).toBe(ErrorCode.NONE);
    // A plain commit without member stays refused while the group has members.
    const plain = await broker.commitOffsets({ groupId: 'copier', generationId: -1, memberId: '', topics: [{ name: 'in', partitions: [{ partitionIndex: 0, committedOffset: 5 }] }] });
    expect(plain.topics[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(await broker.transactions.endTxn(producer, true)).toBe(ErrorCode.NONE);
    expect(broker.fetchOffsets({ groupId: 'copier', topics: [{ name: 'in', partitionIndexes: [0] }] }).topics[0].partitions[0].committedOffset).toBe(4);
  });

  it('keeps the offsets of a transaction open across a restart, visible once it commits', async () => {
    const fs = new MemoryFileSystem();
    broker = await Broker.open({ fs, dataDir: '/data' });
    await broker.createTopics({ topics: [{ name: 'in', numPartitions: 1 }] });
    const producer = await begin(broker, 'tx-restart', 'in');
    expect(await broker.transactions.addOffsets(producer, 'restarted')).toBe(ErrorCode.NONE);
    const sent = await broker.transactions.txnOffsetCommit({
      ...producer,
      groupId: 'restarted',
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      topics: [{ name: 'in', partitions: [{ partitionIndex: 0, committedOffset: 9, committedLeaderEpoch: -1, committedMetadata: null }] }],
    });
    expect(sent.topics[0].partitions[0].errorCode).toBe(ErrorCode.NONE);
    await broker.close();

    broker = await Broker.open({ fs, dataDir: '/data' });
    const offset = () => broker.fetchOffsets({ groupId: 'restarted', topics: [{ name: 'in', partitionIndexes: [0] }] }).topics[0].partitions[0].committedOffset;
    expect(offset()).toBe(-1);
    expect(await broker.transactions.endTxn(producer, true)).toBe(ErrorCode.NONE);
    expect(offset()).toBe(9);
  });

  it('keeps an aborted transaction hidden after compaction merged its segment and the broker restarted', async () => {
    const fs = new MemoryFileSystem();
    broker = await Broker.open({ fs, dataDir: '/data' });
    const configs = [
      { name: 'cleanup.policy', value: 'compact' },
      { name: 'segment.bytes', value: '300' },
      { name: 'min.cleanable.dirty.ratio', value: '0.01' },
    ];
    await broker.createTopics({ topics: [{ name: 'table', numPartitions: 1, configs }] });
    const committed = await begin(broker, 'tx-writer', 'table');
    const txns = broker.transactions;
    let writer = committed;
    let seq = 0;
    const commitOne = async (value: string) => {
      expect((await produceTxn(broker, 'tx-writer', 'table', txnBatch(writer.producerId, writer.producerEpoch, seq++, [value], 'same'))).errorCode).toBe(ErrorCode.NONE);
      expect(await txns.endTxn(writer, true)).toBe(ErrorCode.NONE);
      expect((await txns.addPartitions(writer, [{ name: 'table', partitions: [0] }]))[0].partitions[0].errorCode).toBe(ErrorCode.NONE);
    };
    for (let i = 0; i < 6; i++) await commitOne(`v${i}`);
    const aborted = await begin(broker, 'tx-aborted', 'table');
    await produceTxn(broker, 'tx-aborted', 'table', txnBatch(aborted.producerId, aborted.producerEpoch, 0, ['never'], 'aborted-key'));
    expect(await txns.endTxn(aborted, false)).toBe(ErrorCode.NONE);
    for (let i = 6; i < 12; i++) await commitOne(`v${i}`);
    expect(await txns.endTxn(writer, true)).toBe(ErrorCode.NONE);
    const segmentsBefore = broker.partition('table', 0)!.log.segmentBaseOffsets.length;
    // Larger segments from now on: the cleaner merges the small ones it cleans.
    const grown = await broker.incrementalAlterConfigs({
      resources: [{ resourceType: ResourceType.TOPIC, resourceName: 'table', configs: [{ name: 'segment.bytes', value: '100000', configOperation: AlterConfigOp.SET }] }],
    });
    expect(grown.responses[0].errorCode).toBe(ErrorCode.NONE);
    await broker.runLogCleaner(Date.now() + 60000);
    expect(broker.partition('table', 0)!.log.segmentBaseOffsets.length).toBeLessThan(segmentsBefore);
    await broker.close();

    broker = await Broker.open({ fs, dataDir: '/data' });
    const seen: string[] = [];
    let offset = 0;
    for (let guard = 0; guard < 100; guard++) {
      const res = await broker.fetch({ maxWaitMs: 0, minBytes: 1, isolationLevel: 1, topics: [{ topic: 'table', partitions: [{ partition: 0, fetchOffset: offset, partitionMaxBytes: 1 << 20 }] }] });
      const p = res.responses[0].partitions[0];
      const batches = decodeRecordBatchesSync(recordSetBuffer(p.records!));
      if (batches.length === 0) break;
      const abortedPids = new Set((p.abortedTransactions ?? []).map((a) => a.producerId));
      for (const b of batches) if (!b.isControl && !abortedPids.has(b.producerId)) for (const r of b.records) if (r.offset >= offset) seen.push(r.value!.toString());
      offset = batches[batches.length - 1].baseOffset + batches[batches.length - 1].lastOffsetDelta + 1;
    }
    expect(seen).not.toContain('never');
    expect(seen).toContain('v11');
  });

  it('writes the COMMIT marker after a produce of the transaction still being re-compressed', async () => {
    broker = await Broker.open({ fs: new MemoryFileSystem() });
    await broker.createTopics({ topics: [{ name: 'gz', numPartitions: 1, configs: [{ name: 'compression.type', value: 'gzip' }] }] });
    const producer = await begin(broker, 'tx-gz', 'gz');
    const produced = produceTxn(broker, 'tx-gz', 'gz', txnBatch(producer.producerId, producer.producerEpoch, 0, ['zipped']));
    expect(await broker.transactions.endTxn(producer, true)).toBe(ErrorCode.NONE);
    expect((await produced).errorCode).toBe(ErrorCode.NONE);
    const fetched = await fetchCommitted(broker, 'gz');
    expect(fetched.lastStableOffset).toBe(fetched.highWatermark);
    expect(fetched.batches.map((b) => [b.baseOffset, b.isControl])).toEqual([
      [0, false],
      [1, true],
    ]);
  });

  it('aborts a transaction open past its timeout and fences its producer', async () => {
    const clock = new ManualClock();
    broker = await Broker.open({ fs: new MemoryFileSystem(), clock });
    await broker.createTopics({ topics: [{ name: 'slow', numPartitions: 1 }] });
    const producer = await begin(broker, 'tx-slow', 'slow', 5000);
    expect((await produceTxn(broker, 'tx-slow', 'slow', txnBatch(producer.producerId, producer.producerEpoch, 0, ['late']))).errorCode).toBe(ErrorCode.NONE);
    const latest = async (isolationLevel: number) =>
      (await broker.listOffsets({ isolationLevel, topics: [{ name: 'slow', partitions: [{ partitionIndex: 0, timestamp: -1 }] }] })).topics[0].partitions[0].offset;
    expect([await latest(0), await latest(1)]).toEqual([1, 0]);
    expect(broker.transactions.describe(['tx-slow'])[0]).toMatchObject({ transactionState: 'Ongoing', topics: [{ topic: 'slow', partitions: [0] }] });
    expect(broker.transactions.list(['Ongoing'], []).transactions.map((t) => t.transactionalId)).toEqual(['tx-slow']);

    clock.advance(4000);
    expect(await broker.transactions.abortTimedOutTransactions()).toBe(0);
    expect(broker.transactions.describe(['tx-slow'])[0].transactionState).toBe('Ongoing');
    // The periodic check (transaction.abort.timed.out.transaction.cleanup.interval.ms, 10 s) finds it past its 5 s.
    clock.advance(6000);
    await waitFor('the timed-out transaction aborted', () => broker.transactions.describe(['tx-slow'])[0].transactionState === 'CompleteAbort', 10000);
    expect(broker.transactions.describe(['tx-slow'])[0]).toMatchObject({ transactionState: TransactionState.CompleteAbort.name, producerEpoch: producer.producerEpoch + 1 });
    expect(await broker.transactions.endTxn(producer, true)).toBe(ErrorCode.PRODUCER_FENCED);
    const fetched = await fetchCommitted(broker, 'slow');
    expect(fetched.abortedTransactions).toEqual([{ producerId: producer.producerId, firstOffset: 0 }]);
    expect([await latest(0), await latest(1)]).toEqual([2, 2]);
  });

  it('completes a decided commit at start-up and keeps aborted transactions indexed across a restart', async () => {
    const fs = new MemoryFileSystem();
    broker = await Broker.open({ fs, dataDir: '/data' });
    await broker.createTopics({ topics: [{ name: 'ledger', numPartitions: 1 }] });
    const aborted = await begin(broker, 'tx-a', 'ledger');
    await produceTxn(broker, 'tx-a', 'ledger', txnBatch(aborted.producerId, aborted.producerEpoch, 0, ['a1', 'a2']));
    expect(await broker.transactions.endTxn(aborted, false)).toBe(ErrorCode.NONE);
    const decided = await begin(broker, 'tx-c', 'ledger');
    await produceTxn(broker, 'tx-c', 'ledger', txnBatch(decided.producerId, decided.producerEpoch, 0, ['c1']));
    // The commit was decided (written to __transaction_state) but the broker stops before writing the markers.
    const metadata = broker.transactions.states.get('tx-c')!;
    metadata.transitionTo(TransactionState.PrepareCommit, Date.now());
    await broker.transactions.states.persist(metadata);
    expect((await fetchCommitted(broker, 'ledger')).lastStableOffset).toBe(3);
    await broker.close();

    broker = await Broker.open({ fs, dataDir: '/data' });
    expect(broker.transactions.describe(['tx-c'])[0].transactionState).toBe('CompleteCommit');
    const fetched = await fetchCommitted(broker, 'ledger');
    expect(fetched.lastStableOffset).toBe(fetched.highWatermark);
    expect(fetched.abortedTransactions).toEqual([{ producerId: aborted.producerId, firstOffset: 0 }]);
    expect(fetched.batches.map((b) => [b.baseOffset, b.isControl])).toEqual([
      [0, false],
      [2, true],
      [3, false],
      [4, true],
    ]);
    expect(fs.readFile('/data/ledger-0/00000000000000000000.txnindex')?.length).toBe(34);
  });
});
