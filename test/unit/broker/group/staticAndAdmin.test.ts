import { GroupCoordinator, GroupState, ManualClock, MemoryOffsetsPartitionStore } from '../../../../src/broker/group';
import { canTransition } from '../../../../src/broker/group/GroupState';
import { ErrorCode } from '../../../../src/protocol/errorCodes';
import { rebalance, settle, SimMember } from './simMember';

jest.setTimeout(15_000); // pure CPU against a manual clock: anything slower is a hang

const TOPICS = new Map([['orders', 4]]);

async function started() {
  const clock = new ManualClock();
  const coordinator = new GroupCoordinator({
    store: new MemoryOffsetsPartitionStore(),
    clock,
    config: { initialRebalanceDelayMs: 100, minSessionTimeoutMs: 1000 },
  });
  await coordinator.startup();
  return { clock, coordinator };
}

describe('static membership', () => {
  it('lets a restarted static member take its place without a rebalance, fencing the old incarnation', async () => {
    const { clock, coordinator } = await started();
    const a = new SimMember(coordinator, 'g', ['orders'], { instanceId: 'host-a' });
    const b = new SimMember(coordinator, 'g', ['orders'], { instanceId: 'host-b' });
    await rebalance([a, b], TOPICS, clock);
    const before = b.owned;
    // b restarts: same instance id, no member id, same subscription.
    const b2 = new SimMember(coordinator, 'g', ['orders'], { instanceId: 'host-b' });
    b2.assignment = b.assignment; // the consumer protocol carries what it owned
    b2.generationId = b.generationId;
    const join = await b2.join();
    expect(join.errorCode).toBe(ErrorCode.NONE);
    expect(join.generationId).toBe(1);
    expect(join.memberId).not.toBe(b.memberId);
    expect(await b2.sync(TOPICS)).toBe(ErrorCode.NONE);
    expect(b2.owned).toEqual(before);
    expect(a.heartbeat()).toBe(ErrorCode.NONE); // no rebalance for the others
    expect(b.heartbeat()).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect(b2.heartbeat()).toBe(ErrorCode.NONE);
  });

  it('keeps the old incarnation when the replacement cannot be recorded', async () => {
    const memory = new MemoryOffsetsPartitionStore();
    let failing = false;
    const clock = new ManualClock();
    const coordinator = new GroupCoordinator({
      store: { append: (p, r) => (failing ? Promise.reject(new Error('disk full')) : memory.append(p, r)), readAll: (p) => memory.readAll(p) },
      clock,
      config: { initialRebalanceDelayMs: 100, minSessionTimeoutMs: 1000 },
    });
    await coordinator.startup();
    const a = new SimMember(coordinator, 'g', ['orders'], { instanceId: 'host-a' });
    await rebalance([a], TOPICS, clock);
    failing = true;
    const again = await new SimMember(coordinator, 'g', ['orders'], { instanceId: 'host-a' }).join();
    expect(again.errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE); // retriable: the client tries again
    expect(a.heartbeat()).toBe(ErrorCode.NONE);
  });

  it('rebalances when the returning static member changed its subscription', async () => {
    const { clock, coordinator } = await started();
    const a = new SimMember(coordinator, 'g', ['orders'], { instanceId: 'host-a' });
    const b = new SimMember(coordinator, 'g', ['orders'], { instanceId: 'host-b' });
    await rebalance([a, b], TOPICS, clock);
    const b2 = new SimMember(coordinator, 'g', ['orders', 'payments'], { instanceId: 'host-b' });
    const joinB2 = b2.join();
    await settle();
    expect(a.heartbeat()).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    await rebalance([a], TOPICS);
    expect((await joinB2).generationId).toBe(2);
  });

  it('leaves by instance id and fences a stale member id', async () => {
    const { clock, coordinator } = await started();
    const a = new SimMember(coordinator, 'g', ['orders'], { instanceId: 'host-a' });
    await rebalance([a], TOPICS, clock);
    const stale = coordinator.leaveGroup({ groupId: 'g', members: [{ memberId: 'old-id', groupInstanceId: 'host-a' }] });
    expect(stale.members[0].errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    const left = coordinator.leaveGroup({
      groupId: 'g',
      members: [{ memberId: '', groupInstanceId: 'host-a' }, { memberId: 'nobody' }],
    });
    expect(left.members.map((m) => m.errorCode)).toEqual([ErrorCode.NONE, ErrorCode.UNKNOWN_MEMBER_ID]);
    expect(coordinator.describeGroups(['g'])[0].groupState).toBe('Empty');
  });
});

describe('describe, list and delete groups', () => {
  it('describes a stable group with metadata and assignments, an unknown one as Dead', async () => {
    const { clock, coordinator } = await started();
    const a = new SimMember(coordinator, 'g', ['orders'], { clientId: 'billing' });
    await rebalance([a], TOPICS, clock);
    const [g, unknown] = coordinator.describeGroups(['g', 'missing']);
    expect(g).toMatchObject({ errorCode: ErrorCode.NONE, groupState: 'Stable', protocolType: 'consumer', protocolData: 'range' });
    expect(g.members).toHaveLength(1);
    expect(g.members[0]).toMatchObject({ memberId: a.memberId, clientId: 'billing', clientHost: '/127.0.0.1' });
    expect(g.members[0].memberAssignment.length).toBeGreaterThan(0);
    expect(unknown).toMatchObject({ errorCode: ErrorCode.NONE, groupState: 'Dead', members: [] });
  });

  it('lists groups, filtered by state in any case', async () => {
    const { clock, coordinator } = await started();
    await rebalance([new SimMember(coordinator, 'busy', ['orders'])], TOPICS, clock);
    await coordinator.commitOffsets({ groupId: 'idle', topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 1 }] }] });
    expect(coordinator.listGroups().groups).toEqual([
      { groupId: 'busy', protocolType: 'consumer', groupState: 'Stable' },
      { groupId: 'idle', protocolType: '', groupState: 'Empty' },
    ]);
    expect(coordinator.listGroups(['empty']).groups.map((g) => g.groupId)).toEqual(['idle']);
    expect(coordinator.listGroups(['Stable', 'PreparingRebalance']).groups.map((g) => g.groupId)).toEqual(['busy']);
  });

  it('deletes only empty groups', async () => {
    const { clock, coordinator } = await started();
    const a = new SimMember(coordinator, 'busy', ['orders']);
    await rebalance([a], TOPICS, clock);
    await coordinator.commitOffsets({ groupId: 'idle', topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 1 }] }] });
    const results = await coordinator.deleteGroups(['busy', 'idle', 'never', '']);
    expect(results).toEqual([
      { groupId: 'busy', errorCode: ErrorCode.NON_EMPTY_GROUP },
      { groupId: 'idle', errorCode: ErrorCode.NONE },
      { groupId: 'never', errorCode: ErrorCode.GROUP_ID_NOT_FOUND },
      { groupId: '', errorCode: ErrorCode.INVALID_GROUP_ID },
    ]);
    expect(coordinator.fetchOffsets({ groupId: 'idle', topics: null }).topics).toEqual([]);
    expect((await coordinator.deleteGroups(['idle']))[0].errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
    expect(a.leave()).toBe(ErrorCode.NONE);
    expect((await coordinator.deleteGroups(['busy']))[0].errorCode).toBe(ErrorCode.NONE);
  });
});

describe('group state machine', () => {
  it('allows only Kafka’s transitions', () => {
    expect(canTransition(GroupState.Empty, GroupState.PreparingRebalance)).toBe(true);
    expect(canTransition(GroupState.PreparingRebalance, GroupState.CompletingRebalance)).toBe(true);
    expect(canTransition(GroupState.CompletingRebalance, GroupState.Stable)).toBe(true);
    expect(canTransition(GroupState.Stable, GroupState.PreparingRebalance)).toBe(true);
    expect(canTransition(GroupState.PreparingRebalance, GroupState.Empty)).toBe(true);
    expect(canTransition(GroupState.Empty, GroupState.Stable)).toBe(false);
    expect(canTransition(GroupState.Stable, GroupState.CompletingRebalance)).toBe(false);
    expect(canTransition(GroupState.Dead, GroupState.Empty)).toBe(false);
    expect(canTransition(GroupState.Empty, GroupState.Dead)).toBe(true);
  });

  it('goes back to Empty when the last member leaves mid-rebalance', async () => {
    const { clock, coordinator } = await started();
    const [a, b] = ['a', 'b'].map(() => new SimMember(coordinator, 'g', ['orders']));
    await rebalance([a, b], TOPICS, clock);
    expect(a.leave()).toBe(ErrorCode.NONE);
    expect(coordinator.describeGroups(['g'])[0].groupState).toBe('PreparingRebalance');
    expect(b.leave()).toBe(ErrorCode.NONE);
    expect(coordinator.describeGroups(['g'])[0].groupState).toBe('Empty');
  });

  it('removes members that never send SyncGroup within the rebalance timeout', async () => {
    const { clock, coordinator } = await started();
    const a = new SimMember(coordinator, 'g', ['orders'], { rebalanceTimeoutMs: 3000, sessionTimeoutMs: 30_000 });
    const b = new SimMember(coordinator, 'g', ['orders'], { rebalanceTimeoutMs: 3000, sessionTimeoutMs: 30_000 });
    const joins = Promise.all([a.join(), b.join()]);
    await settle();
    clock.advance(200);
    await joins;
    const leader = a.isLeader ? a : b;
    const silent = a.isLeader ? b : a;
    expect(await leader.sync(TOPICS)).toBe(ErrorCode.NONE);
    clock.advance(3000);
    expect(silent.heartbeat()).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(leader.heartbeat()).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
  });

  it('answers waiting calls with NOT_COORDINATOR on shutdown and refuses requests before startup', async () => {
    const { coordinator } = await started();
    const a = new SimMember(coordinator, 'g', ['orders']);
    const pending = a.join();
    await settle();
    coordinator.shutdown();
    expect((await pending).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    const fresh = new GroupCoordinator({ store: new MemoryOffsetsPartitionStore(), clock: new ManualClock() });
    expect(fresh.heartbeat({ groupId: 'g', memberId: 'm', generationId: 1 }).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
  });
});
