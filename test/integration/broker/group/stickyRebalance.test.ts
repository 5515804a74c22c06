/**
 * Consumers running the sticky assignor against the broker's coordinator: members come and go, the
 * partitions of the members that stay put do not move.
 */
import { Broker } from '../../../../src/broker/Broker';
import { ManualClock } from '../../../../src/broker/group';
import { MemoryFileSystem } from '../../../../src/broker/storage/MemoryFileSystem';
import { ErrorCode } from '../../../../src/protocol/errorCodes';
import { StickyAssignor } from '../../../../src/protocol/consumer';
import { rebalance, SimMember } from '../../../unit/broker/group/simMember';

jest.setTimeout(30_000);

const TOPICS = new Map([['events', 7], ['audit', 2]]);
const ALL = [...TOPICS].flatMap(([t, n]) => Array.from({ length: n }, (_, p) => `${t}-${p}`)).sort();

describe('sticky consumers through the broker coordinator', () => {
  let broker: Broker;
  let clock: ManualClock;

  beforeEach(async () => {
    clock = new ManualClock();
    broker = await Broker.open({ fs: new MemoryFileSystem(), groupConfig: { initialRebalanceDelayMs: 100, minSessionTimeoutMs: 1000 }, clock });
  });

  afterEach(async () => {
    await broker.close();
  });

  const member = () => new SimMember(broker.groups, 'sticky-group', ['events', 'audit'], { assignor: new StickyAssignor(), sessionTimeoutMs: 6000 });

  it('keeps survivors’ partitions when a member is evicted, and balances on a new member', async () => {
    const [a, b, c] = [member(), member(), member()];
    await rebalance([a, b, c], TOPICS, clock);
    expect([...a.owned, ...b.owned, ...c.owned].sort()).toEqual(ALL);
    const counts = [a, b, c].map((m) => m.owned.length);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    const keptA = a.owned;
    const keptB = b.owned;

    // c goes silent; a and b keep heartbeating until the coordinator notices.
    let rebalancing = false;
    for (let i = 0; i < 10 && !rebalancing; i++) {
      clock.advance(2000);
      rebalancing = [a.heartbeat(), b.heartbeat()].every((code) => code === ErrorCode.REBALANCE_IN_PROGRESS);
    }
    expect(rebalancing).toBe(true);
    await rebalance([a, b], TOPICS);
    expect([...a.owned, ...b.owned].sort()).toEqual(ALL);
    expect(a.owned).toEqual(expect.arrayContaining(keptA));
    expect(b.owned).toEqual(expect.arrayContaining(keptB));

    // A newcomer takes partitions only from the members that have more than their share.
    const beforeA = a.owned;
    const beforeB = b.owned;
    const d = member();
    const joinD = d.join();
    const rejoin = rebalance([a, b], TOPICS);
    const dJoin = await joinD;
    expect(dJoin.errorCode).toBe(ErrorCode.NONE);
    await Promise.all([rejoin, d.sync(TOPICS)]);
    expect([...a.owned, ...b.owned, ...d.owned].sort()).toEqual(ALL);
    expect(d.owned.length).toBe(3);
    const moved = [...beforeA.filter((p) => !a.owned.includes(p)), ...beforeB.filter((p) => !b.owned.includes(p))];
    expect(moved.sort()).toEqual(d.owned);
  });

  it('rebalances immediately when a member leaves and gives its partitions to the rest', async () => {
    const [a, b, c] = [member(), member(), member()];
    await rebalance([a, b, c], TOPICS, clock);
    const keptA = a.owned;
    const keptC = c.owned;
    expect(b.leave()).toBe(ErrorCode.NONE);
    expect(a.heartbeat()).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    await rebalance([a, c], TOPICS);
    expect([...a.owned, ...c.owned].sort()).toEqual(ALL);
    expect(a.owned).toEqual(expect.arrayContaining(keptA));
    expect(c.owned).toEqual(expect.arrayContaining(keptC));
    expect(broker.groups.describeGroups(['sticky-group'])[0].members).toHaveLength(2);
  });
});
