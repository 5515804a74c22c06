import { GroupCoordinator, ManualClock, MemoryOffsetsPartitionStore } from '../../../../src/broker/group';
import { ErrorCode } from '../../../../src/protocol/errorCodes';
import { rebalance, SimMember } from './simMember';

jest.setTimeout(15_000); // pure CPU against a manual clock: anything slower is a hang

const TOPICS = new Map([['orders', 4]]);
const config = { initialRebalanceDelayMs: 100, minSessionTimeoutMs: 1000 };

describe('coordinator restart over the same store', () => {
  it('brings back static members: the same instance rejoins without a rebalance, its old id is fenced', async () => {
    const store = new MemoryOffsetsPartitionStore();
    const firstClock = new ManualClock();
    const first = new GroupCoordinator({ store, clock: firstClock, config });
    await first.startup();
    const a = new SimMember(first, 'g', ['orders'], { instanceId: 'host-a' });
    const b = new SimMember(first, 'g', ['orders'], { instanceId: 'host-b' });
    await rebalance([a, b], TOPICS, firstClock);
    first.shutdown();

    const second = new GroupCoordinator({ store, clock: new ManualClock(), config });
    await second.startup();
    const described = second.describeGroups(['g'])[0];
    expect(described.groupState).toBe('Stable');
    expect(described.members.map((m) => m.groupInstanceId).sort()).toEqual(['host-a', 'host-b']);
    // host-b restarts against the restarted coordinator.
    const b2 = new SimMember(second, 'g', ['orders'], { instanceId: 'host-b' });
    const join = await b2.join();
    expect(join).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 1 });
    expect(await b2.sync(TOPICS)).toBe(ErrorCode.NONE);
    expect(b2.owned).toEqual(b.owned);
    const old = second.heartbeat({ groupId: 'g', memberId: b.memberId, generationId: 1, groupInstanceId: 'host-b' });
    expect(old.errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect(second.heartbeat({ groupId: 'g', memberId: a.memberId, generationId: 1, groupInstanceId: 'host-a' }).errorCode).toBe(ErrorCode.NONE);
  });

  it('brings back an Empty group’s generation so the next one continues from it', async () => {
    const store = new MemoryOffsetsPartitionStore();
    const clock = new ManualClock();
    const first = new GroupCoordinator({ store, clock, config });
    await first.startup();
    const a = new SimMember(first, 'g', ['orders']);
    await rebalance([a], TOPICS, clock);
    expect(a.leave()).toBe(ErrorCode.NONE); // generation 2, Empty
    await first.commitOffsets({ groupId: 'g', topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 8 }] }] });
    first.shutdown();

    const secondClock = new ManualClock();
    const second = new GroupCoordinator({ store, clock: secondClock, config });
    await second.startup();
    expect(second.describeGroups(['g'])[0]).toMatchObject({ groupState: 'Empty', protocolType: 'consumer' });
    const c = new SimMember(second, 'g', ['orders']);
    await rebalance([c], TOPICS, secondClock);
    expect(c.generationId).toBe(3);
  });
});
