import type { Broker, Cluster, Logger } from 'kafkajs';
import { FixedAssignment, privateGroupId } from '../../../../src/binder/kafka/FixedAssignment';
import { decodeAssignment, fromTopicPartitions } from '../../../../src/protocol/consumer/ConsumerProtocol';

type Commit = Parameters<Broker['offsetCommit']>[0];

/** A coordinator that records OffsetCommit requests and answers each with the next of `answers` (then success). */
function coordinator(answers: Array<Error | null> = []): { broker: Broker; commits: Commit[] } {
  const commits: Commit[] = [];
  const broker = {
    isConnected: () => true,
    offsetCommit: async (request: Commit) => {
      commits.push(request);
      const answer = answers.shift();
      if (answer) throw answer;
      return {};
    },
  } as unknown as Broker;
  return { broker, commits };
}

/** A cluster whose FindCoordinator answers are `coordinators`, in turn. */
function clusterOf(...coordinators: Broker[]): { cluster: Cluster; lookups: string[] } {
  const lookups: string[] = [];
  const cluster = {
    findGroupCoordinator: async ({ groupId }: { groupId: string }) => {
      lookups.push(groupId);
      return coordinators[Math.min(lookups.length - 1, coordinators.length - 1)];
    },
  } as unknown as Cluster;
  return { cluster, lookups };
}

const refusal = (type: string): Error => Object.assign(new Error(type), { type });

/** The assignment's kafkajs assigner, made as kafkajs makes it for a consumer of `cluster`. */
function assignerOf(assignment: FixedAssignment, cluster: Cluster) {
  return assignment.assigner({ cluster, groupId: assignment.privateGroup, logger: {} as Logger });
}

describe('FixedAssignment (explicit assignment on kafkajs)', () => {
  const partitions = [
    { topic: 'orders', partition: 0 },
    { topic: 'orders', partition: 2 },
    { topic: 'refunds', partition: 1 },
  ];

  it('names a private group of the binding group that no other binding shares', () => {
    expect(privateGroupId('billing')).toMatch(/^billing\.assign\.[0-9a-f-]{36}$/);
    expect(privateGroupId(undefined)).toMatch(/^anonymous\.assign\./);
    expect(privateGroupId('billing')).not.toBe(privateGroupId('billing'));
  });

  it('hands the only member of its private group exactly the named partitions', async () => {
    const fixed = new FixedAssignment(partitions, 'billing.assign.x', 'billing');
    const assigner = assignerOf(fixed, clusterOf().cluster);
    const { metadata } = assigner.protocol({ topics: ['orders', 'refunds'] });
    const [only] = await assigner.assign({ members: [{ memberId: 'm-1', memberMetadata: metadata }], topics: ['orders', 'refunds'] });
    expect(only.memberId).toBe('m-1');
    expect(fromTopicPartitions(decodeAssignment(only.memberAssignment).assignedPartitions)).toEqual(
      new Map([
        ['orders', [0, 2]],
        ['refunds', [1]],
      ]),
    );
  });

  it('commits to the named group outside any generation, not to its private group', async () => {
    const { broker, commits } = coordinator();
    const { cluster, lookups } = clusterOf(broker);
    const fixed = new FixedAssignment(partitions, 'billing.assign.x', 'billing');
    assignerOf(fixed, cluster);
    await fixed.commit([
      { topic: 'orders', partition: 0, offset: 5 },
      { topic: 'orders', partition: 2, offset: 7 },
      { topic: 'refunds', partition: 1, offset: 1 },
    ]);
    expect(lookups).toEqual(['billing']);
    expect(commits).toEqual([
      {
        groupId: 'billing',
        groupGenerationId: -1,
        memberId: '',
        topics: [
          { topic: 'orders', partitions: [{ partition: 0, offset: '5' }, { partition: 2, offset: '7' }] },
          { topic: 'refunds', partitions: [{ partition: 1, offset: '1' }] },
        ],
      },
    ]);
  });

  it('looks the coordinator up again when it moved, and commits there', async () => {
    const moved = coordinator([refusal('NOT_COORDINATOR_FOR_GROUP')]);
    const current = coordinator();
    const { cluster, lookups } = clusterOf(moved.broker, current.broker);
    const fixed = new FixedAssignment(partitions, 'billing.assign.x', 'billing');
    assignerOf(fixed, cluster);
    await fixed.commit([{ topic: 'orders', partition: 0, offset: 5 }]);
    expect(lookups).toEqual(['billing', 'billing']);
    expect(current.commits).toHaveLength(1);
  });

  it("passes the group's refusal on (UNKNOWN_MEMBER_ID while subscribed members are active)", async () => {
    const { broker, commits } = coordinator([refusal('UNKNOWN_MEMBER_ID')]);
    const fixed = new FixedAssignment(partitions, 'billing.assign.x', 'billing');
    assignerOf(fixed, clusterOf(broker).cluster);
    await expect(fixed.commit([{ topic: 'orders', partition: 0, offset: 5 }])).rejects.toMatchObject({ type: 'UNKNOWN_MEMBER_ID' });
    expect(commits).toHaveLength(1);
  });

  it('commits nothing for a binding without a group', async () => {
    const { broker, commits } = coordinator();
    const { cluster, lookups } = clusterOf(broker);
    const fixed = new FixedAssignment(partitions, 'anonymous.assign.x', null);
    assignerOf(fixed, cluster);
    await fixed.commit([{ topic: 'orders', partition: 0, offset: 5 }]);
    expect(lookups).toEqual([]);
    expect(commits).toEqual([]);
  });
});
