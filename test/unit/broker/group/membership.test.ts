import { GroupCoordinator, ManualClock, MemoryOffsetsPartitionStore, type GroupCoordinatorConfig } from '../../../../src/broker/group';
import { ErrorCode } from '../../../../src/protocol/errorCodes';
import { encodeSubscription } from '../../../../src/protocol/consumer';
import { rebalance, settle, SimMember } from './simMember';

jest.setTimeout(15_000); // pure CPU against a manual clock: anything slower is a hang

const TOPICS = new Map([['orders', 6]]);

async function started(config: Partial<GroupCoordinatorConfig> = {}) {
  const clock = new ManualClock();
  const coordinator = new GroupCoordinator({
    store: new MemoryOffsetsPartitionStore(),
    clock,
    config: { initialRebalanceDelayMs: 100, minSessionTimeoutMs: 1000, ...config },
  });
  await coordinator.startup();
  return { clock, coordinator };
}

describe('group membership details', () => {
  it('answers a follower that rejoins with unchanged metadata from the current generation, without a rebalance', async () => {
    const { clock, coordinator } = await started();
    const [a, b] = [new SimMember(coordinator, 'g', ['orders']), new SimMember(coordinator, 'g', ['orders'])];
    await rebalance([a, b], TOPICS, clock);
    const follower = a.isLeader ? b : a;
    const leader = a.isLeader ? a : b;
    const again = await coordinator.joinGroup({
      groupId: 'g', memberId: follower.memberId, protocolType: 'consumer', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 20_000,
      protocols: [{ name: 'range', metadata: encodeSubscription({ topics: ['orders'], ownedPartitions: [], generationId: -1 }) }],
    });
    expect(again).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 1, leader: leader.memberId, members: [] });
    expect(leader.heartbeat()).toBe(ErrorCode.NONE);
  });

  it('removes a batch of leaving members in one rebalance', async () => {
    const { clock, coordinator } = await started();
    const ms = [0, 1, 2].map(() => new SimMember(coordinator, 'g', ['orders']));
    await rebalance(ms, TOPICS, clock);
    const response = coordinator.leaveGroup({ groupId: 'g', members: [{ memberId: ms[1].memberId }, { memberId: ms[2].memberId, reason: 'shutdown' }] });
    expect(response.members.map((m) => [m.memberId, m.errorCode])).toEqual([
      [ms[1].memberId, ErrorCode.NONE],
      [ms[2].memberId, ErrorCode.NONE],
    ]);
    await rebalance([ms[0]], TOPICS);
    expect(ms[0].generationId).toBe(2);
    expect(ms[0].owned).toHaveLength(6);
  });

  it('refuses members beyond group.max.size', async () => {
    const { clock, coordinator } = await started({ maxGroupSize: 2 });
    const ms = [0, 1].map(() => new SimMember(coordinator, 'g', ['orders']));
    await rebalance(ms, TOPICS, clock);
    const third = await new SimMember(coordinator, 'g', ['orders']).join();
    expect(third.errorCode).toBe(ErrorCode.GROUP_MAX_SIZE_REACHED);
  });

  it('forgets an id handed out with MEMBER_ID_REQUIRED when the member does not come back within its session timeout', async () => {
    const { clock, coordinator } = await started();
    const request = {
      groupId: 'g', memberId: '', protocolType: 'consumer', sessionTimeoutMs: 5000, requireKnownMemberId: true,
      protocols: [{ name: 'range', metadata: encodeSubscription({ topics: ['orders'] }) }],
    };
    const first = await coordinator.joinGroup(request);
    expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    clock.advance(5000);
    const late = await coordinator.joinGroup({ ...request, memberId: first.memberId });
    expect(late.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('waits for a member that was given an id before completing a rebalance', async () => {
    const { clock, coordinator } = await started();
    const a = new SimMember(coordinator, 'g', ['orders']);
    await rebalance([a], TOPICS, clock);
    const request = {
      groupId: 'g', memberId: '', protocolType: 'consumer', sessionTimeoutMs: 5000, requireKnownMemberId: true,
      protocols: [{ name: 'range', metadata: encodeSubscription({ topics: ['orders'] }) }],
    };
    const first = await coordinator.joinGroup(request);
    let answered = false;
    const rejoinA = a.join().then((r) => ((answered = true), r));
    await settle();
    expect(answered).toBe(false); // the pending member has not joined yet
    const b = await coordinator.joinGroup({ ...request, memberId: first.memberId });
    expect(b.generationId).toBe(2);
    expect((await rejoinA).generationId).toBe(2);
  });

  it('tells a superseded JoinGroup of the same member to retry', async () => {
    const { clock, coordinator } = await started();
    const a = new SimMember(coordinator, 'g', ['orders']);
    const b = new SimMember(coordinator, 'g', ['orders']);
    await rebalance([a, b], TOPICS, clock);
    const firstJoin = a.join();
    await settle();
    const secondJoin = a.join();
    await settle();
    expect((await firstJoin).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const bJoin = b.join();
    expect((await secondJoin).errorCode).toBe(ErrorCode.NONE);
    expect((await bJoin).generationId).toBe(2);
  });
});
