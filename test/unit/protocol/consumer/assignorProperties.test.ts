/**
 * Invariants every assignor must keep, over many seeded random groups: each subscribed partition goes
 * to exactly one member that subscribes to its topic; sticky is balanced and keeps valid claims.
 */
import {
  RangeAssignor,
  RoundRobinAssignor,
  StickyAssignor,
  type AssignorMember,
  type GroupAssignment,
  type PartitionAssignor,
} from '../../../../src/protocol/consumer';

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomGroup(rand: () => number, sameSubscription: boolean) {
  const topics = Array.from({ length: 1 + Math.floor(rand() * 4) }, (_, i) => `topic-${i}`);
  const partitionsPerTopic = new Map(topics.map((t) => [t, 1 + Math.floor(rand() * 12)]));
  const members: AssignorMember[] = Array.from({ length: 1 + Math.floor(rand() * 7) }, (_, i) => {
    const subscribed = sameSubscription ? topics : topics.filter(() => rand() < 0.6);
    return { memberId: `m-${i}-${Math.floor(rand() * 1000)}`, subscription: { topics: subscribed.length ? subscribed : [topics[0]] } };
  });
  return { members, partitionsPerTopic };
}

function owners(a: GroupAssignment): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [memberId, topics] of a) {
    for (const [t, ps] of topics) for (const p of ps) out.set(`${t}-${p}`, [...(out.get(`${t}-${p}`) ?? []), memberId]);
  }
  return out;
}

function checkCompleteAndValid(members: AssignorMember[], ppt: Map<string, number>, a: GroupAssignment): void {
  const byId = new Map(members.map((m) => [m.memberId, m]));
  const subscribedTopics = new Set(members.flatMap((m) => m.subscription.topics));
  const o = owners(a);
  for (const t of subscribedTopics) {
    for (let p = 0; p < ppt.get(t)!; p++) {
      const who = o.get(`${t}-${p}`) ?? [];
      expect(who).toHaveLength(1);
      expect(byId.get(who[0])!.subscription.topics).toContain(t);
    }
  }
  expect([...o.keys()].every((k) => subscribedTopics.has(k.slice(0, k.lastIndexOf('-'))))).toBe(true);
  expect(new Set(a.keys())).toEqual(new Set(members.map((m) => m.memberId)));
}

const count = (a: GroupAssignment, m: string) => [...a.get(m)!.values()].reduce((n, ps) => n + ps.length, 0);

describe.each<[string, () => PartitionAssignor]>([
  ['range', () => new RangeAssignor()],
  ['roundrobin', () => new RoundRobinAssignor()],
  ['sticky', () => new StickyAssignor()],
])('%s assignor over random groups', (_name, make) => {
  it('assigns every subscribed partition exactly once, to a subscriber', () => {
    const rand = prng(42);
    for (let i = 0; i < 200; i++) {
      const { members, partitionsPerTopic } = randomGroup(rand, i % 2 === 0);
      checkCompleteAndValid(members, partitionsPerTopic, make().assign(members, partitionsPerTopic));
    }
  });
});

describe('sticky assignor over random generations', () => {
  it('stays balanced and keeps every partition whose owner is still entitled to it', () => {
    const rand = prng(7);
    for (let round = 0; round < 100; round++) {
      const { members, partitionsPerTopic } = randomGroup(rand, true);
      const first = new StickyAssignor().assign(members, partitionsPerTopic);
      // Some members leave, some arrive; survivors report what they owned.
      const survivors = members.filter(() => rand() < 0.7);
      const arrivals = Array.from({ length: Math.floor(rand() * 3) }, (_, i) => ({
        memberId: `new-${round}-${i}`,
        subscription: { topics: [...partitionsPerTopic.keys()] },
      }));
      const next: AssignorMember[] = [
        ...survivors.map((m) => ({
          memberId: m.memberId,
          subscription: { topics: m.subscription.topics, ownedPartitions: [...first.get(m.memberId)!].map(([topic, partitions]) => ({ topic, partitions })), generationId: 1 },
        })),
        ...arrivals,
      ];
      if (next.length === 0) continue;
      const second = new StickyAssignor().assign(next, partitionsPerTopic);
      checkCompleteAndValid(next, partitionsPerTopic, second);
      const counts = next.map((m) => count(second, m.memberId));
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      // Stickiness: a survivor keeps min(what it had, what it ends with) of its old partitions.
      for (const m of survivors) {
        const before = owners(new Map([[m.memberId, first.get(m.memberId)!]]));
        const after = owners(new Map([[m.memberId, second.get(m.memberId)!]]));
        const kept = [...before.keys()].filter((k) => after.has(k)).length;
        expect(kept).toBe(Math.min(before.size, after.size));
      }
    }
  });
});

describe('sticky assignor balance with unequal subscriptions', () => {
  it('leaves no partition that could move to a subscribed member with two fewer partitions', () => {
    const rand = prng(99);
    for (let round = 0; round < 200; round++) {
      const { members, partitionsPerTopic } = randomGroup(rand, false);
      const a = new StickyAssignor().assign(members, partitionsPerTopic);
      for (const holder of members) {
        for (const [topic] of a.get(holder.memberId)!) {
          for (const other of members) {
            if (!other.subscription.topics.includes(topic)) continue;
            expect(count(a, other.memberId)).toBeGreaterThanOrEqual(count(a, holder.memberId) - 1);
          }
        }
      }
    }
  });
});
