import {
  assignorByName,
  encodeStickyUserData,
  RangeAssignor,
  RoundRobinAssignor,
  StickyAssignor,
  type AssignorMember,
  type GroupAssignment,
} from '../../../../src/protocol/consumer';

const members = (ids: string[], topics: string[]): AssignorMember[] =>
  ids.map((memberId) => ({ memberId, subscription: { topics } }));

const flat = (a: GroupAssignment, memberId: string): string[] =>
  [...a.get(memberId)!.entries()].flatMap(([t, ps]) => ps.map((p) => `${t}-${p}`));

function expectCompleteAndDisjoint(a: GroupAssignment, partitionsPerTopic: Map<string, number>): void {
  const all = [...a.keys()].flatMap((m) => flat(a, m));
  const expected = [...partitionsPerTopic].flatMap(([t, n]) => Array.from({ length: n }, (_, p) => `${t}-${p}`));
  expect([...all].sort()).toEqual([...expected].sort());
}

describe('range assignor', () => {
  it('gives each member a contiguous range per topic, extras to the first members', () => {
    const a = new RangeAssignor().assign(members(['c', 'a', 'b'], ['t1', 't2']), new Map([['t1', 7], ['t2', 3]]));
    expect(a.get('a')!.get('t1')).toEqual([0, 1, 2]);
    expect(a.get('b')!.get('t1')).toEqual([3, 4]);
    expect(a.get('c')!.get('t1')).toEqual([5, 6]);
    expect(a.get('a')!.get('t2')).toEqual([0]);
    expect(a.get('b')!.get('t2')).toEqual([1]);
    expect(a.get('c')!.get('t2')).toEqual([2]);
  });

  it('only deals a topic to its subscribers and leaves idle members empty', () => {
    const ms: AssignorMember[] = [
      { memberId: 'a', subscription: { topics: ['t1'] } },
      { memberId: 'b', subscription: { topics: ['t2'] } },
      { memberId: 'c', subscription: { topics: ['t1'] } },
    ];
    const a = new RangeAssignor().assign(ms, new Map([['t1', 2], ['t2', 1]]));
    expect(flat(a, 'a')).toEqual(['t1-0']);
    expect(flat(a, 'b')).toEqual(['t2-0']);
    expect(flat(a, 'c')).toEqual(['t1-1']);
    const idle = new RangeAssignor().assign(members(['a', 'b'], ['t']), new Map([['t', 1]]));
    expect(idle.get('b')!.size).toBe(0);
  });

  it('orders static members by instance id', () => {
    const ms: AssignorMember[] = [
      { memberId: 'a', groupInstanceId: 'z', subscription: { topics: ['t'] } },
      { memberId: 'b', groupInstanceId: 'y', subscription: { topics: ['t'] } },
    ];
    const a = new RangeAssignor().assign(ms, new Map([['t', 2]]));
    expect(flat(a, 'b')).toEqual(['t-0']);
    expect(flat(a, 'a')).toEqual(['t-1']);
  });
});

describe('round-robin assignor', () => {
  it('deals partitions across topics in turn', () => {
    const a = new RoundRobinAssignor().assign(members(['a', 'b'], ['t1', 't2']), new Map([['t1', 3], ['t2', 2]]));
    // order: t1-0 a, t1-1 b, t1-2 a, t2-0 b, t2-1 a
    expect(flat(a, 'a')).toEqual(['t1-0', 't1-2', 't2-1']);
    expect(flat(a, 'b')).toEqual(['t1-1', 't2-0']);
  });

  it('skips members not subscribed to a topic', () => {
    const ms: AssignorMember[] = [
      { memberId: 'a', subscription: { topics: ['t1'] } },
      { memberId: 'b', subscription: { topics: ['t1', 't2'] } },
    ];
    const a = new RoundRobinAssignor().assign(ms, new Map([['t1', 2], ['t2', 2]]));
    expect(flat(a, 'a')).toEqual(['t1-0']);
    expect(flat(a, 'b')).toEqual(['t1-1', 't2-0', 't2-1']);
  });
});

describe('sticky assignor', () => {
  const topics = new Map([['t', 6], ['u', 3]]);

  it('balances a fresh group: counts differ by at most one, every partition once', () => {
    const a = new StickyAssignor().assign(members(['a', 'b', 'c', 'd'], ['t', 'u']), topics);
    expectCompleteAndDisjoint(a, topics);
    const counts = ['a', 'b', 'c', 'd'].map((m) => flat(a, m).length);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
  });

  it('keeps surviving members’ partitions when one leaves and moves only the orphans', () => {
    const first = new StickyAssignor().assign(members(['a', 'b', 'c'], ['t', 'u']), topics);
    const owned = (m: string) => [...first.get(m)!].map(([topic, partitions]) => ({ topic, partitions }));
    const second = new StickyAssignor().assign(
      [
        { memberId: 'a', subscription: { topics: ['t', 'u'], ownedPartitions: owned('a'), generationId: 1 } },
        { memberId: 'c', subscription: { topics: ['t', 'u'], ownedPartitions: owned('c'), generationId: 1 } },
      ],
      topics,
    );
    expectCompleteAndDisjoint(second, topics);
    for (const m of ['a', 'c']) expect(flat(second, m)).toEqual(expect.arrayContaining(flat(first, m)));
    expect(Math.abs(flat(second, 'a').length - flat(second, 'c').length)).toBeLessThanOrEqual(1);
  });

  it('moves as few partitions as possible when a member joins', () => {
    const ownedA = [{ topic: 't', partitions: [0, 1, 2] }, { topic: 'u', partitions: [0, 1] }];
    const ownedB = [{ topic: 't', partitions: [3, 4, 5] }, { topic: 'u', partitions: [2] }];
    const a = new StickyAssignor().assign(
      [
        { memberId: 'a', subscription: { topics: ['t', 'u'], ownedPartitions: ownedA } },
        { memberId: 'b', subscription: { topics: ['t', 'u'], ownedPartitions: ownedB } },
        { memberId: 'n', subscription: { topics: ['t', 'u'] } },
      ],
      topics,
    );
    expectCompleteAndDisjoint(a, topics);
    expect(flat(a, 'n')).toHaveLength(3);
    // 9 partitions, 3 each: a gives up 2, b gives up 1 — nothing else moves.
    const keptA = flat(a, 'a').filter((p) => ['t-0', 't-1', 't-2', 'u-0', 'u-1'].includes(p));
    const keptB = flat(a, 'b').filter((p) => ['t-3', 't-4', 't-5', 'u-2'].includes(p));
    expect(keptA).toHaveLength(3);
    expect(keptB).toHaveLength(3);
  });

  it('reads the previous assignment from StickyAssignor userData and prefers the newer generation', () => {
    const a = new StickyAssignor().assign(
      [
        { memberId: 'a', subscription: { topics: ['t'], userData: encodeStickyUserData({ partitions: [{ topic: 't', partitions: [0, 1, 2] }], generation: 4 }) } },
        { memberId: 'b', subscription: { topics: ['t'], userData: encodeStickyUserData({ partitions: [{ topic: 't', partitions: [2, 3, 4, 5] }], generation: 3 }) } },
      ],
      new Map([['t', 6]]),
    );
    expect(flat(a, 'a')).toEqual(['t-0', 't-1', 't-2']);
    expect(flat(a, 'b')).toEqual(['t-3', 't-4', 't-5']);
  });

  it('ignores owned partitions of topics that vanished or are no longer subscribed', () => {
    const a = new StickyAssignor().assign(
      [
        { memberId: 'a', subscription: { topics: ['t'], ownedPartitions: [{ topic: 'gone', partitions: [0] }, { topic: 't', partitions: [9] }] } },
        { memberId: 'b', subscription: { topics: ['t'] } },
      ],
      new Map([['t', 2]]),
    );
    expectCompleteAndDisjoint(a, new Map([['t', 2]]));
    expect(flat(a, 'a')).toHaveLength(1);
  });

  it('balances unequal subscriptions as far as subscriptions allow', () => {
    const ms: AssignorMember[] = [
      { memberId: 'a', subscription: { topics: ['t'], ownedPartitions: [{ topic: 't', partitions: [0, 1, 2, 3] }] } },
      { memberId: 'b', subscription: { topics: ['t', 'u'] } },
      { memberId: 'c', subscription: { topics: ['u'] } },
    ];
    const a = new StickyAssignor().assign(ms, new Map([['t', 4], ['u', 2]]));
    expectCompleteAndDisjoint(a, new Map([['t', 4], ['u', 2]]));
    expect(flat(a, 'a')).toHaveLength(2);
    expect(flat(a, 'b').length + flat(a, 'c').length).toBe(4);
    expect(flat(a, 'c').length).toBeGreaterThanOrEqual(1);
  });
});

describe('assignorByName', () => {
  it('finds the three assignors by the names clients advertise', () => {
    expect(assignorByName('range')?.name).toBe('range');
    expect(assignorByName('roundrobin')?.name).toBe('roundrobin');
    expect(assignorByName('sticky')?.name).toBe('sticky');
    expect(assignorByName('toString')).toBeUndefined();
  });
});

describe('sticky assignor conflicting claims', () => {
  it('drops claims to one partition made in the same generation and assigns it afresh', () => {
    const a = new StickyAssignor().assign(
      [
        { memberId: 'a', subscription: { topics: ['t'], ownedPartitions: [{ topic: 't', partitions: [0, 1] }], generationId: 2 } },
        { memberId: 'b', subscription: { topics: ['t'], ownedPartitions: [{ topic: 't', partitions: [1] }], generationId: 2 } },
        { memberId: 'c', subscription: { topics: ['t'] } },
      ],
      new Map([['t', 3]]),
    );
    // t-1 is contested, so neither claim counts: it is dealt like the unowned t-2, lightest member first
    // (b, then c). Had a's claim won, a would have kept t-1 until balancing moved it to c.
    expect(flat(a, 'a')).toEqual(['t-0']);
    expect(flat(a, 'b')).toEqual(['t-1']);
    expect(flat(a, 'c')).toEqual(['t-2']);
  });
});
