import { GroupCoordinator, ManualClock, MemoryOffsetsPartitionStore, type GroupCoordinatorConfig } from '../../../../src/broker/group';
import { ErrorCode } from '../../../../src/protocol/errorCodes';
import { decodeSubscription, encodeSubscription, RoundRobinAssignor, StickyAssignor } from '../../../../src/protocol/consumer';
import { rebalance, settle, SimMember } from './simMember';

jest.setTimeout(15_000); // pure CPU against a manual clock: anything slower is a hang

const TOPICS = new Map([['orders', 6], ['payments', 3]]);

async function started(config: Partial<GroupCoordinatorConfig> = {}) {
  const clock = new ManualClock();
  const store = new MemoryOffsetsPartitionStore();
  const coordinator = new GroupCoordinator({ store, clock, config: { initialRebalanceDelayMs: 100, minSessionTimeoutMs: 1000, ...config } });
  await coordinator.startup();
  return { clock, store, coordinator };
}

function allPartitions(): string[] {
  return [...TOPICS].flatMap(([t, n]) => Array.from({ length: n }, (_, p) => `${t}-${p}`)).sort();
}

describe('group coordinator rebalancing', () => {
  it('forms one generation of three members after the initial delay, with disjoint complete assignments', async () => {
    const { clock, coordinator } = await started();
    const members = ['a', 'b', 'c'].map(() => new SimMember(coordinator, 'g', ['orders', 'payments']));
    await rebalance(members, TOPICS, clock);
    expect(new Set(members.map((m) => m.generationId))).toEqual(new Set([1]));
    const leaders = members.filter((m) => m.isLeader);
    expect(leaders).toHaveLength(1);
    expect(leaders[0].lastJoin!.members.map((m) => m.memberId).sort()).toEqual(members.map((m) => m.memberId).sort());
    for (const m of members.filter((x) => !x.isLeader)) expect(m.lastJoin!.members).toEqual([]);
    const all = members.flatMap((m) => m.owned);
    expect(all.sort()).toEqual(allPartitions());
    for (const m of members) expect(m.owned.length).toBe(3);
    expect(coordinator.describeGroups(['g'])[0]).toMatchObject({ groupState: 'Stable', protocolType: 'consumer', protocolData: 'range' });
  });

  it('answers a first JoinGroup with MEMBER_ID_REQUIRED and the id to rejoin with', async () => {
    const { coordinator } = await started({ initialRebalanceDelayMs: 0 });
    const request = {
      groupId: 'g', memberId: '', protocolType: 'consumer', sessionTimeoutMs: 5000, clientId: 'app',
      protocols: [{ name: 'range', metadata: encodeSubscription({ topics: ['orders'] }) }], requireKnownMemberId: true,
    };
    const first = await coordinator.joinGroup(request);
    expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    expect(first.memberId).toMatch(/^app-/);
    const second = await coordinator.joinGroup({ ...request, memberId: first.memberId });
    expect(second).toMatchObject({ errorCode: ErrorCode.NONE, memberId: first.memberId, leader: first.memberId, generationId: 1 });
    expect(decodeSubscription(second.members[0].metadata).topics).toEqual(['orders']);
  });

  it('waits one more delay when a member arrives during the initial delay', async () => {
    const { clock, coordinator } = await started();
    const a = new SimMember(coordinator, 'g', ['orders']);
    const b = new SimMember(coordinator, 'g', ['orders']);
    let done = false;
    const joinA = a.join().then((r) => ((done = true), r));
    await settle();
    clock.advance(80);
    const joinB = b.join();
    await settle();
    clock.advance(20);
    await settle();
    expect(done).toBe(false);
    clock.advance(100);
    const [ra, rb] = await Promise.all([joinA, joinB]);
    expect(ra.generationId).toBe(1);
    expect(rb.generationId).toBe(1);
  });

  it('evicts a member that stops heartbeating after its session timeout and moves its partitions', async () => {
    const { clock, coordinator } = await started();
    const [a, b, c] = ['a', 'b', 'c'].map(() => new SimMember(coordinator, 'g', ['orders', 'payments'], { sessionTimeoutMs: 10_000 }));
    await rebalance([a, b, c], TOPICS, clock);
    const orphaned = c.owned;
    // a and b heartbeat every 3 s; c has gone silent.
    let codes: number[] = [];
    for (let t = 0; t < 4; t++) {
      clock.advance(3000);
      codes = [a.heartbeat(), b.heartbeat()];
      if (codes.some((x) => x !== ErrorCode.NONE)) break;
    }
    expect(codes).toEqual([ErrorCode.REBALANCE_IN_PROGRESS, ErrorCode.REBALANCE_IN_PROGRESS]);
    await rebalance([a, b], TOPICS);
    expect(a.generationId).toBe(2);
    expect([...a.owned, ...b.owned].sort()).toEqual(allPartitions());
    expect([...a.owned, ...b.owned]).toEqual(expect.arrayContaining(orphaned));
    expect(c.heartbeat()).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('starts a rebalance as soon as a member leaves', async () => {
    const { clock, coordinator } = await started();
    const [a, b] = ['a', 'b'].map(() => new SimMember(coordinator, 'g', ['orders']));
    await rebalance([a, b], TOPICS, clock);
    expect(b.leave()).toBe(ErrorCode.NONE);
    expect(a.heartbeat()).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    await rebalance([a], TOPICS);
    expect(a.owned).toEqual(['orders-0', 'orders-1', 'orders-2', 'orders-3', 'orders-4', 'orders-5']);
  });

  it('removes members that do not rejoin within the rebalance timeout', async () => {
    const { clock, coordinator } = await started();
    const [a, b] = ['a', 'b'].map(() => new SimMember(coordinator, 'g', ['orders'], { sessionTimeoutMs: 30_000, rebalanceTimeoutMs: 5000 }));
    await rebalance([a, b], TOPICS, clock);
    a.topics = ['orders', 'payments']; // a changed its subscription: new generation needed
    const joinA = a.join();
    await settle();
    expect(b.heartbeat()).toBe(ErrorCode.REBALANCE_IN_PROGRESS); // b is alive but never rejoins
    clock.advance(5000);
    const ra = await joinA;
    expect(ra).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 2, leader: a.memberId });
    expect(ra.members.map((m) => m.memberId)).toEqual([a.memberId]);
    expect(b.heartbeat()).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('makes followers’ SyncGroup wait for the leader’s assignment', async () => {
    const { clock, coordinator } = await started();
    const [a, b] = ['a', 'b'].map(() => new SimMember(coordinator, 'g', ['orders']));
    const joins = Promise.all([a.join(), b.join()]);
    await settle();
    clock.advance(200); // the initial delay, extended once because b arrived during it
    await joins;
    const [leader, follower] = a.isLeader ? [a, b] : [b, a];
    let followerDone = false;
    const followerSync = follower.sync(TOPICS).then((code) => ((followerDone = true), code));
    await settle();
    expect(followerDone).toBe(false);
    expect(await leader.sync(TOPICS)).toBe(ErrorCode.NONE);
    expect(await followerSync).toBe(ErrorCode.NONE);
    expect(follower.owned).toHaveLength(3);
  });

  it('rejects stale generations and unknown members', async () => {
    const { clock, coordinator } = await started();
    const a = new SimMember(coordinator, 'g', ['orders']);
    await rebalance([a], TOPICS, clock);
    expect(coordinator.heartbeat({ groupId: 'g', memberId: a.memberId, generationId: 0 }).errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(coordinator.heartbeat({ groupId: 'g', memberId: 'ghost', generationId: 1 }).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(coordinator.heartbeat({ groupId: 'nope', memberId: a.memberId, generationId: 1 }).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const sync = await coordinator.syncGroup({ groupId: 'g', memberId: a.memberId, generationId: 7, assignments: [] });
    expect(sync.errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    const join = await coordinator.joinGroup({
      groupId: 'g', memberId: 'ghost', protocolType: 'consumer', sessionTimeoutMs: 5000,
      protocols: [{ name: 'range', metadata: Buffer.alloc(0) }],
    });
    expect(join.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('rejects bad session timeouts, empty group ids and protocols no member shares', async () => {
    const { clock, coordinator } = await started();
    const base = { groupId: 'g', memberId: '', protocolType: 'consumer', sessionTimeoutMs: 5000, protocols: [{ name: 'range', metadata: Buffer.alloc(0) }] };
    expect((await coordinator.joinGroup({ ...base, sessionTimeoutMs: 10 })).errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
    expect((await coordinator.joinGroup({ ...base, groupId: '' })).errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
    const first = coordinator.joinGroup(base);
    const other = await coordinator.joinGroup({ ...base, protocols: [{ name: 'roundrobin', metadata: Buffer.alloc(0) }] });
    expect(other.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const otherType = await coordinator.joinGroup({ ...base, protocolType: 'connect' });
    expect(otherType.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    clock.advance(100);
    expect((await first).errorCode).toBe(ErrorCode.NONE);
  });

  it('selects the protocol every member supports with the most first-choice votes', async () => {
    const { clock, coordinator } = await started();
    const rr = new RoundRobinAssignor();
    const sticky = new StickyAssignor();
    const join = (names: string[]) =>
      coordinator.joinGroup({
        groupId: 'g', memberId: '', protocolType: 'consumer', sessionTimeoutMs: 5000,
        protocols: names.map((name) => ({ name, metadata: encodeSubscription({ topics: ['orders'] }) })),
      });
    const joins = Promise.all([join(['range', rr.name, sticky.name]), join([rr.name, 'range']), join([rr.name, sticky.name, 'range'])]);
    clock.advance(200); // the initial delay, extended once because more members arrived during it
    const responses = await joins;
    expect(responses.map((r) => r.protocolName)).toEqual(['roundrobin', 'roundrobin', 'roundrobin']);
  });

  it('answers heartbeats and SyncGroup during a rebalance with REBALANCE_IN_PROGRESS', async () => {
    const { clock, coordinator } = await started();
    const [a, b] = ['a', 'b'].map(() => new SimMember(coordinator, 'g', ['orders']));
    await rebalance([a, b], TOPICS, clock);
    const c = new SimMember(coordinator, 'g', ['orders']);
    const joinC = c.join();
    await settle();
    expect(a.heartbeat()).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(await b.sync(TOPICS)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const joins = Promise.all([a.join(), b.join(), joinC]);
    const results = await joins;
    expect(results.map((r) => r.generationId)).toEqual([2, 2, 2]);
  });
});
