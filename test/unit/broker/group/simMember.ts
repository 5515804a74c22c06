/**
 * A consumer as a Kafka client would drive the coordinator: JoinGroup (with the MEMBER_ID_REQUIRED
 * round trip), the leader runs an assignor over the members' subscriptions, SyncGroup, heartbeats.
 */
import type { GroupCoordinator, JoinGroupResponse } from '../../../../src/broker/group';
import { ErrorCode } from '../../../../src/protocol/errorCodes';
import {
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
  fromTopicPartitions,
  RangeAssignor,
  toTopicPartitions,
  type PartitionAssignor,
} from '../../../../src/protocol/consumer';

export interface SimMemberOptions {
  instanceId?: string;
  assignor?: PartitionAssignor;
  sessionTimeoutMs?: number;
  rebalanceTimeoutMs?: number;
  clientId?: string;
}

export class SimMember {
  memberId = '';
  generationId = -1;
  assignment = new Map<string, number[]>();
  lastJoin: JoinGroupResponse | null = null;
  readonly assignor: PartitionAssignor;

  constructor(
    private readonly coordinator: GroupCoordinator,
    readonly groupId: string,
    public topics: string[],
    private readonly options: SimMemberOptions = {},
  ) {
    this.assignor = options.assignor ?? new RangeAssignor();
  }

  /** Partitions as "topic-p" strings, sorted. */
  get owned(): string[] {
    return [...this.assignment].flatMap(([t, ps]) => ps.map((p) => `${t}-${p}`)).sort();
  }

  get isLeader(): boolean {
    return this.lastJoin !== null && this.lastJoin.leader === this.memberId;
  }

  join(): Promise<JoinGroupResponse> {
    return this.sendJoin(true);
  }

  private async sendJoin(retryMemberIdRequired: boolean): Promise<JoinGroupResponse> {
    const metadata = encodeSubscription({
      topics: this.topics,
      ownedPartitions: toTopicPartitions(this.assignment),
      generationId: this.generationId,
    });
    const response = await this.coordinator.joinGroup({
      groupId: this.groupId,
      memberId: this.memberId,
      groupInstanceId: this.options.instanceId ?? null,
      protocolType: 'consumer',
      protocols: [{ name: this.assignor.name, metadata }],
      sessionTimeoutMs: this.options.sessionTimeoutMs ?? 10_000,
      rebalanceTimeoutMs: this.options.rebalanceTimeoutMs ?? 20_000,
      clientId: this.options.clientId ?? 'sim',
      clientHost: '/127.0.0.1',
      requireKnownMemberId: true,
    });
    if (response.errorCode === ErrorCode.MEMBER_ID_REQUIRED && retryMemberIdRequired) {
      this.memberId = response.memberId;
      return this.sendJoin(false);
    }
    this.lastJoin = response;
    if (response.errorCode === ErrorCode.NONE) {
      this.memberId = response.memberId;
      this.generationId = response.generationId;
    }
    return response;
  }

  /** SyncGroup; the leader computes everyone's assignment first. Returns the error code. */
  async sync(partitionsPerTopic: Map<string, number>): Promise<number> {
    const join = this.lastJoin!;
    let assignments: { memberId: string; assignment: Buffer }[] = [];
    if (join.leader === this.memberId && !join.skipAssignment) {
      const members = join.members.map((m) => {
        const sub = decodeSubscription(m.metadata);
        return { memberId: m.memberId, groupInstanceId: m.groupInstanceId, subscription: sub };
      });
      const result = this.assignor.assign(members, partitionsPerTopic);
      assignments = [...result].map(([memberId, topics]) => ({
        memberId,
        assignment: encodeAssignment({ assignedPartitions: toTopicPartitions(topics) }),
      }));
    }
    const response = await this.coordinator.syncGroup({
      groupId: this.groupId,
      generationId: this.generationId,
      memberId: this.memberId,
      groupInstanceId: this.options.instanceId ?? null,
      protocolType: 'consumer',
      protocolName: this.assignor.name,
      assignments,
    });
    if (response.errorCode === ErrorCode.NONE) {
      this.assignment = fromTopicPartitions(decodeAssignment(response.assignment).assignedPartitions);
    }
    return response.errorCode;
  }

  heartbeat(): number {
    return this.coordinator.heartbeat({
      groupId: this.groupId,
      generationId: this.generationId,
      memberId: this.memberId,
      groupInstanceId: this.options.instanceId ?? null,
    }).errorCode;
  }

  leave(): number {
    const r = this.coordinator.leaveGroup({
      groupId: this.groupId,
      members: [{ memberId: this.memberId, groupInstanceId: this.options.instanceId ?? null }],
    });
    return r.members[0]?.errorCode ?? r.errorCode;
  }
}

/**
 * Joins every member concurrently, then syncs them all; throws unless everyone got NONE. With a
 * clock, time moves on in 100 ms steps (bounded) until every JoinGroup is answered, as it would
 * while the coordinator waits out its initial rebalance delay.
 */
export async function rebalance(
  members: SimMember[],
  partitionsPerTopic: Map<string, number>,
  clock?: { advance(ms: number): void },
): Promise<void> {
  let answered = 0;
  const joins = Promise.all(members.map((m) => m.join().then((r) => (answered++, r))));
  await settle();
  for (let step = 0; clock && answered < members.length && step < 1000; step++) {
    clock.advance(100);
    await settle();
  }
  const responses = await joins;
  const failed = responses.filter((r) => r.errorCode !== ErrorCode.NONE);
  if (failed.length > 0) throw new Error(`join failed: ${failed.map((r) => r.errorCode).join(',')}`);
  const codes = await Promise.all(members.map((m) => m.sync(partitionsPerTopic)));
  if (codes.some((c) => c !== ErrorCode.NONE)) throw new Error(`sync failed: ${codes.join(',')}`);
}

/** Lets every pending promise continuation run (client round trips, appends through async stores). */
export async function settle(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
}
