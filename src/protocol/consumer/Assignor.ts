/**
 * Client-side partition assignors: the group leader runs one over every member's subscription and
 * sends the result through SyncGroup. The coordinator never looks inside.
 */
import type { TopicPartitions } from './ConsumerProtocol';

export type AssignorName = 'range' | 'roundrobin' | 'sticky';

export interface AssignorSubscription {
  topics: string[];
  userData?: Buffer | null;
  /** What the member owned before this rebalance (consumer protocol v1+). */
  ownedPartitions?: TopicPartitions[];
  /** The generation `ownedPartitions` belongs to (consumer protocol v2+); -1 when unknown. */
  generationId?: number;
}

export interface AssignorMember {
  memberId: string;
  /** Static members sort by instance id, so a restarted static member keeps its place. */
  groupInstanceId?: string | null;
  subscription: AssignorSubscription;
}

/** memberId → topic → partitions (ascending). Every member appears, possibly with an empty map. */
export type GroupAssignment = Map<string, Map<string, number[]>>;

export interface PartitionAssignor {
  readonly name: AssignorName;
  assign(members: AssignorMember[], partitionsPerTopic: Map<string, number>): GroupAssignment;
}

/** Orders members as Kafka's assignors do: by group instance id when present, then by member id. */
/** Every topic some member subscribes to, once each, in name order (the order Kafka's assignors walk). */
export function subscribedTopics(members: AssignorMember[]): string[] {
  return [...new Set(members.flatMap((m) => m.subscription.topics))].sort();
}

export function sortMembers(members: AssignorMember[]): AssignorMember[] {
  const key = (m: AssignorMember): string => m.groupInstanceId ?? '';
  return [...members].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka !== '' && kb !== '') return ka < kb ? -1 : ka > kb ? 1 : cmp(a.memberId, b.memberId);
    if (ka !== '') return -1;
    if (kb !== '') return 1;
    return cmp(a.memberId, b.memberId);
  });
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function emptyAssignment(members: AssignorMember[]): GroupAssignment {
  const out: GroupAssignment = new Map();
  for (const m of members) out.set(m.memberId, new Map());
  return out;
}

export function addPartition(assignment: GroupAssignment, memberId: string, topic: string, partition: number): void {
  const topics = assignment.get(memberId)!;
  const list = topics.get(topic);
  if (list) list.push(partition);
  else topics.set(topic, [partition]);
}

/** Sorts every partition list ascending (assignors build them out of order). */
export function normalize(assignment: GroupAssignment): GroupAssignment {
  for (const topics of assignment.values()) for (const list of topics.values()) list.sort((a, b) => a - b);
  return assignment;
}
