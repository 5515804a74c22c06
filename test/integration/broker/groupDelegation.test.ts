import { Broker } from '../../../src/broker/Broker';
import { MemoryFileSystem } from '../../../src/broker/storage/MemoryFileSystem';
import { ErrorCode } from '../../../src/protocol/errorCodes';
import { coordinatorPartitionFor } from '../../../src/protocol/coordinator';

describe('Broker consumer-group operations (delegated to the coordinator)', () => {
  it('joins, syncs and commits; committed offsets live in __consumer_offsets and survive a restart', async () => {
    const where = { fs: new MemoryFileSystem(), dataDir: '/data', groupConfig: { initialRebalanceDelayMs: 0 } };
    const broker = await Broker.open(where);
    try {
      const found = broker.findCoordinator({ keys: ['billing'] });
      expect(found.coordinators[0]).toMatchObject({ key: 'billing', nodeId: 0, host: '127.0.0.1', port: 9092, errorCode: 0 });
      expect(broker.findCoordinator({ keyType: 1, keys: ['tx'] }).coordinators[0]).toMatchObject({ key: 'tx', nodeId: 0, port: 9092, errorCode: ErrorCode.NONE });

      const base = { groupId: 'billing', protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }], sessionTimeoutMs: 30000, rebalanceTimeoutMs: 60000 };
      let join = await broker.joinGroup({ ...base, memberId: '', requireKnownMemberId: true });
      if (join.errorCode === ErrorCode.MEMBER_ID_REQUIRED) join = await broker.joinGroup({ ...base, memberId: join.memberId });
      expect(join.errorCode).toBe(ErrorCode.NONE);
      const sync = await broker.syncGroup({ groupId: 'billing', generationId: join.generationId, memberId: join.memberId, assignments: [{ memberId: join.memberId, assignment: Buffer.from('a') }] });
      expect(sync.errorCode).toBe(ErrorCode.NONE);
      expect(broker.heartbeat({ groupId: 'billing', generationId: join.generationId, memberId: join.memberId }).errorCode).toBe(ErrorCode.NONE);

      const commit = await broker.commitOffsets({
        groupId: 'billing',
        generationId: join.generationId,
        memberId: join.memberId,
        topics: [{ name: 'invoices', partitions: [{ partitionIndex: 0, committedOffset: 42 }] }],
      });
      expect(commit.topics[0].partitions[0].errorCode).toBe(ErrorCode.NONE);
      const offsetsPartition = broker.partition('__consumer_offsets', coordinatorPartitionFor('billing', 50))!;
      expect(offsetsPartition.logEndOffset).toBeGreaterThan(0);
      expect(broker.listGroups().groups.map((g) => g.groupId)).toContain('billing');
      expect(broker.describeGroups(['billing'])[0].members).toHaveLength(1);
      expect(broker.leaveGroup({ groupId: 'billing', members: [{ memberId: join.memberId }] }).errorCode).toBe(ErrorCode.NONE);
    } finally {
      await broker.close();
    }

    const again = await Broker.open(where);
    try {
      const fetched = again.fetchOffsets({ groupId: 'billing', topics: [{ name: 'invoices', partitionIndexes: [0] }] });
      expect(fetched.errorCode).toBe(ErrorCode.NONE);
      expect(fetched.topics[0].partitions[0].committedOffset).toBe(42);
      expect((await again.deleteGroups(['billing']))[0].errorCode).toBe(ErrorCode.NONE);
    } finally {
      await again.close();
    }
  });
});
