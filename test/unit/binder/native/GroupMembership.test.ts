/** The member's side of the group protocol, against the broker's real coordinator in memory. */
import { Broker } from '../../../../src/broker/Broker';
import { MemoryFileSystem } from '../../../../src/broker/storage/MemoryFileSystem';
import { GroupMembership } from '../../../../src/binder/native/GroupMembership';
import { NativeBrokerError } from '../../../../src/binder/native/errors';
import { Wakeup } from '../../../../src/binder/native/Wakeup';
import { assignorByName } from '../../../../src/protocol/consumer/assignors';
import { ErrorCode } from '../../../../src/protocol/errorCodes';
import type { TopicPartition } from '../../../../src/binder/Binder';

/** Waits for every request (the member never stops). */
const never = <T>(work: Promise<T>): Promise<T | null> => work;
const names = (partitions: TopicPartition[] | null) => (partitions ?? []).map((p) => `${p.topic}-${p.partition}`).sort();

describe('GroupMembership', () => {
  let broker: Broker;
  let group = 0;

  beforeEach(async () => {
    broker = await Broker.open({ fs: new MemoryFileSystem(), groupConfig: { initialRebalanceDelayMs: 0 } });
    await broker.createTopics({ topics: [{ name: 'orders', numPartitions: 4 }, { name: 'refunds', numPartitions: 2 }] });
    group++;
  });
  afterEach(() => broker.close());

  const member = (assignor = 'range', topics = ['orders']) =>
    new GroupMembership(broker, {
      groupId: `g${group}`,
      clientId: 'test',
      topics,
      sessionTimeoutMs: 30000,
      rebalanceTimeoutMs: 30000,
      assignor: assignorByName(assignor)!,
    });

  it('joins with the member id the coordinator requires and, as leader, takes every partition', async () => {
    const a = member();
    const partitions = await a.join(never);
    expect(a.memberId).not.toBe('');
    expect(a.generationId).toBe(1);
    expect(names(partitions)).toEqual(['orders-0', 'orders-1', 'orders-2', 'orders-3']);
    expect(a.heartbeat()).toBe('stable');
    const [described] = broker.describeGroups([`g${group}`]);
    expect(described.groupState).toBe('Stable');
    expect(described.members.map((m) => m.memberId)).toEqual([a.memberId]);
  });

  it('forms one generation when members join together, split by the range assignor', async () => {
    const [pa, pb] = await Promise.all([member().join(never), member().join(never)]);
    expect(names(pa).length).toBe(2);
    expect(names(pb).length).toBe(2);
    expect([...names(pa), ...names(pb)].sort()).toEqual(['orders-0', 'orders-1', 'orders-2', 'orders-3']);
  });

  it('learns from its heartbeat that a new member joined, and rejoins into a shared generation', async () => {
    const a = member();
    await a.join(never);
    const b = member();
    const joiningB = b.join(never);
    await new Promise((resolve) => setImmediate(resolve));
    expect(a.heartbeat()).toBe('rejoin');
    const [pa, pb] = await Promise.all([a.join(never), joiningB]);
    expect(a.generationId).toBe(2);
    expect(b.generationId).toBe(2);
    expect(names(pa)).toHaveLength(2);
    expect([...names(pa), ...names(pb)].sort()).toEqual(['orders-0', 'orders-1', 'orders-2', 'orders-3']);
    expect(a.heartbeat()).toBe('stable');
  });

  it('rebalances the others when a member leaves', async () => {
    const a = member();
    const b = member();
    await Promise.all([a.join(never), b.join(never)]);
    b.leave();
    expect(b.memberId).toBe('');
    expect(a.heartbeat()).toBe('rejoin');
    expect(names(await a.join(never))).toHaveLength(4);
  });

  it('keeps partitions where they were with the sticky assignor', async () => {
    const a = member('sticky');
    const b = member('sticky');
    const [before] = await Promise.all([a.join(never), b.join(never)]);
    const c = member('sticky');
    const joiningC = c.join(never);
    await new Promise((resolve) => setImmediate(resolve));
    expect(a.heartbeat()).toBe('rejoin');
    expect(b.heartbeat()).toBe('rejoin');
    const [after, , pc] = await Promise.all([a.join(never), b.join(never), joiningC]);
    expect(names(pc).length).toBeGreaterThan(0);
    expect(names(after).every((p) => names(before).includes(p))).toBe(true);
  });

  it('assigns every subscribed topic', async () => {
    const partitions = await member('range', ['orders', 'refunds']).join(never);
    expect(names(partitions)).toEqual(['orders-0', 'orders-1', 'orders-2', 'orders-3', 'refunds-0', 'refunds-1']);
  });

  it('commits within its generation and reads the commits back', async () => {
    const a = member();
    await a.join(never);
    await a.commit([{ topic: 'orders', partition: 1, offset: 7 }]);
    expect(a.committed([{ topic: 'orders', partition: 1 }, { topic: 'orders', partition: 2 }])).toEqual(
      new Map([
        ['orders\u00001', 7],
        ['orders\u00002', -1],
      ]),
    );
  });

  it('is refused commits and told to rejoin once its session expired', async () => {
    const quick = await Broker.open({ fs: new MemoryFileSystem(), groupConfig: { initialRebalanceDelayMs: 0, minSessionTimeoutMs: 10 } });
    try {
      const settings = { groupId: 'expiring', clientId: 'test', topics: ['t'], sessionTimeoutMs: 50, rebalanceTimeoutMs: 50, assignor: assignorByName('range')! };
      const a = new GroupMembership(quick, settings);
      await a.join(never);
      const deadline = Date.now() + 20000;
      while (quick.describeGroups(['expiring'])[0].members.length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      const refused = a.commit([{ topic: 't', partition: 0, offset: 1 }]);
      await expect(refused).rejects.toBeInstanceOf(NativeBrokerError);
      await expect(refused).rejects.toMatchObject({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID });
      expect(a.heartbeat()).toBe('rejoin');
      expect(a.memberId).toBe('');
    } finally {
      await quick.close();
    }
  });

  it('stops waiting for a generation when stopped', async () => {
    const a = member();
    await a.join(never);
    const stop = new Wakeup();
    const waiting = member().join((work) => stop.race(0, work));
    stop.notify();
    await expect(waiting).resolves.toBeNull();
  });
});
