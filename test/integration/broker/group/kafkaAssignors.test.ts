/**
 * bindery's client-side assignors and consumer-protocol codec against Apache Kafka's own (the Java
 * client in the Kafka jars, run through java/AssignorCrossCheck.java): range and round-robin must
 * give the very same assignments, sticky the same balance and the same number of partitions kept,
 * and subscriptions/assignments the same bytes.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import {
  decodeAssignment,
  decodeStickyUserData,
  decodeSubscription,
  encodeAssignment,
  encodeStickyUserData,
  encodeSubscription,
  RangeAssignor,
  RoundRobinAssignor,
  StickyAssignor,
  type AssignorMember,
  type GroupAssignment,
  type PartitionAssignor,
} from '../../../../src/protocol/consumer';
import { commandWorks, describeIfPeer } from '../../../support/peers';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkaPaths = require('../../../../scripts/kafka/paths.js') as { classpath(): string; libsAvailable(): boolean };

const available = commandWorks('java', ['-version']) && kafkaPaths.libsAvailable();
const CROSS_CHECK = path.join(__dirname, 'java', 'AssignorCrossCheck.java');

jest.setTimeout(120_000);

interface Scenario {
  members: AssignorMember[];
  partitionsPerTopic: Map<string, number>;
}

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function scenarios(seed: number, count: number, sameSubscription: boolean): Scenario[] {
  const rand = prng(seed);
  return Array.from({ length: count }, () => {
    const topics = Array.from({ length: 1 + Math.floor(rand() * 3) }, (_, i) => `topic${i}`);
    const partitionsPerTopic = new Map(topics.map((t) => [t, 1 + Math.floor(rand() * 9)]));
    const members = Array.from({ length: 1 + Math.floor(rand() * 5) }, (_, i) => {
      const chosen = sameSubscription ? topics : topics.filter(() => rand() < 0.6);
      return { memberId: `member${i}x${Math.floor(rand() * 100)}`, subscription: { topics: chosen.length > 0 ? chosen : [topics[0]] } };
    });
    return { members, partitionsPerTopic };
  });
}

const owned = (m: AssignorMember) => (m.subscription.ownedPartitions ?? []).flatMap((tp) => tp.partitions.map((p) => `${tp.topic}-${p}`));
const previouslyOwned = (m: AssignorMember) =>
  m.subscription.userData ? decodeStickyUserData(m.subscription.userData)!.partitions.flatMap((tp) => tp.partitions.map((p) => `${tp.topic}-${p}`)) : owned(m);

function line(assignor: string, s: Scenario): string {
  const topics = [...s.partitionsPerTopic].map(([t, n]) => `${t}:${n}`).join(',');
  const members = s.members
    .map((m) => {
      const mine = owned(m);
      const gen = m.subscription.generationId ?? -1;
      const userData = m.subscription.userData ? `#${m.subscription.userData.toString('hex')}` : '';
      return `${m.memberId}=${m.subscription.topics.join('+')}${mine.length ? `/${mine.join('+')}` : ''}${gen >= 0 ? `@${gen}` : ''}${userData}`;
    })
    .join(';');
  return `assign|${assignor}|${topics}|${members}`;
}

function format(a: GroupAssignment): string {
  return [...a.keys()]
    .sort()
    .map((id) => `${id}=${[...a.get(id)!].flatMap(([t, ps]) => ps.map((p) => `${t}-${p}`)).sort().join(',')}`)
    .join(';');
}

function runKafka(lines: string[]): string[] {
  const out = execFileSync('java', ['-cp', kafkaPaths.classpath(), CROSS_CHECK], {
    input: lines.join('\n') + '\n',
    encoding: 'utf8',
    timeout: 90_000,
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  return out.split('\n').filter((l) => l.length > 0);
}

const parse = (formatted: string) =>
  new Map(formatted.split(';').map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1).split(',').filter(Boolean)]));

describeIfPeer('Java 17 + Apache Kafka jars', available, "assignors and consumer protocol agree with Apache Kafka's client", () => {
  it('range and round-robin assign exactly as Kafka does', () => {
    const cases: [string, PartitionAssignor, Scenario][] = [];
    for (const s of [...scenarios(1, 40, true), ...scenarios(2, 40, false)]) {
      cases.push(['range', new RangeAssignor(), s], ['roundrobin', new RoundRobinAssignor(), s]);
    }
    const kafka = runKafka(cases.map(([name, , s]) => line(name, s)));
    expect(kafka).toHaveLength(cases.length);
    cases.forEach(([, assignor, s], i) => expect(`${assignor.name}: ${format(assignor.assign(s.members, s.partitionsPerTopic))}`).toBe(`${assignor.name}: ${kafka[i]}`));
  });

  // Kafka's StickyAssignor is eager: it learns the previous assignment from its userData only, so
  // both sides get it there (which also checks that Kafka reads bindery's userData layout).
  it('sticky keeps as many partitions as Kafka’s StickyAssignor, equally balanced', () => {
    const rand = prng(3);
    const cases: Scenario[] = [];
    for (const first of scenarios(4, 40, true)) {
      // A previous generation from a fresh assignment; then some members leave and one may arrive.
      const before = new StickyAssignor().assign(first.members, first.partitionsPerTopic);
      const members: AssignorMember[] = first.members
        .filter(() => rand() < 0.75)
        .map((m) => ({
          memberId: m.memberId,
          subscription: {
            topics: m.subscription.topics,
            userData: encodeStickyUserData({ partitions: [...before.get(m.memberId)!].map(([topic, partitions]) => ({ topic, partitions })), generation: 1 }),
          },
        }));
      if (rand() < 0.5 || members.length === 0) members.push({ memberId: 'newcomer', subscription: { topics: [...first.partitionsPerTopic.keys()] } });
      cases.push({ members, partitionsPerTopic: first.partitionsPerTopic });
    }
    const kafka = runKafka(cases.map((s) => line('sticky', s)));
    cases.forEach((s, i) => {
      const ours = parse(format(new StickyAssignor().assign(s.members, s.partitionsPerTopic)));
      const theirs = parse(kafka[i]);
      const kept = (result: Map<string, string[]>) =>
        s.members.reduce((n, m) => n + previouslyOwned(m).filter((p) => result.get(m.memberId)!.includes(p)).length, 0);
      const counts = (result: Map<string, string[]>) => [...result.values()].map((l) => l.length).sort((a, b) => a - b);
      expect({ kept: kept(ours), counts: counts(ours) }).toEqual({ kept: kept(theirs), counts: counts(theirs) });
    });
  });

  it('writes subscriptions and assignments byte for byte as Kafka does, and reads Kafka’s', () => {
    const [subscriptionHex, assignmentHex] = runKafka([
      'subscription|orders+payments|orders-0+orders-2+payments-1|7|rack-1|cafe',
      'assignment|orders-1+orders-3+payments-0|null',
    ]);
    const subscription = {
      topics: ['orders', 'payments'],
      userData: Buffer.from('cafe', 'hex'),
      ownedPartitions: [{ topic: 'orders', partitions: [0, 2] }, { topic: 'payments', partitions: [1] }],
      generationId: 7,
      rackId: 'rack-1',
    };
    expect(encodeSubscription(subscription).toString('hex')).toBe(subscriptionHex);
    expect(decodeSubscription(Buffer.from(subscriptionHex, 'hex'))).toEqual({ version: 3, ...subscription });
    const assignment = { assignedPartitions: [{ topic: 'orders', partitions: [1, 3] }, { topic: 'payments', partitions: [0] }], userData: null };
    expect(encodeAssignment(assignment).toString('hex')).toBe(assignmentHex);
    expect(decodeAssignment(Buffer.from(assignmentHex, 'hex'))).toEqual({ version: 3, ...assignment });
  });
});
