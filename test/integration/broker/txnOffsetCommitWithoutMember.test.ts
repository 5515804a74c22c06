/**
 * TxnOffsetCommit versions 0–2 carry no member id or generation (kafkajs sends v0): Kafka accepts
 * such a transactional commit even while the group has members, since only OffsetCommit is
 * limited to members then. kafkajs' sendOffsets from a running consumer relies on it.
 */
import { Broker } from '../../../src/broker/Broker';
import { MemoryFileSystem } from '../../../src/broker/storage/MemoryFileSystem';
import { ErrorCode } from '../../../src/protocol/errorCodes';

describe('TxnOffsetCommit without member and generation', () => {
  let broker: Broker;
  afterEach(async () => broker?.close());

  it('is accepted while the group has members, and its offsets show once the transaction commits', async () => {
    broker = await Broker.open({ fs: new MemoryFileSystem() });
    await broker.createTopics({ topics: [{ name: 'in', numPartitions: 1 }] });
    const base = { groupId: 'copier', protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }], sessionTimeoutMs: 30000, rebalanceTimeoutMs: 60000 };
    let join = await broker.joinGroup({ ...base, memberId: '', requireKnownMemberId: true });
    if (join.errorCode === ErrorCode.MEMBER_ID_REQUIRED) join = await broker.joinGroup({ ...base, memberId: join.memberId });
    await broker.syncGroup({ groupId: 'copier', generationId: join.generationId, memberId: join.memberId, assignments: [{ memberId: join.memberId, assignment: Buffer.alloc(0) }] });

    const init = await broker.transactions.initProducerId({ transactionalId: 'tx-v0', transactionTimeoutMs: 60000 });
    const producer = { transactionalId: 'tx-v0', producerId: init.producerId, producerEpoch: init.producerEpoch };
    expect(await broker.transactions.addOffsets(producer, 'copier')).toBe(ErrorCode.NONE);
    const sent = await broker.transactions.txnOffsetCommit({
      ...producer,
      groupId: 'copier',
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      topics: [{ name: 'in', partitions: [{ partitionIndex: 0, committedOffset: 7, committedLeaderEpoch: -1, committedMetadata: null }] }],
    });
    expect(sent.topics[0].partitions[0].errorCode).toBe(ErrorCode.NONE);
    expect(await broker.transactions.endTxn(producer, true)).toBe(ErrorCode.NONE);
    expect(broker.fetchOffsets({ groupId: 'copier', topics: [{ name: 'in', partitionIndexes: [0] }] }).topics[0].partitions[0].committedOffset).toBe(7);
  });
});
