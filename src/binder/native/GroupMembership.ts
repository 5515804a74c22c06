/**
 * One member's side of Kafka's classic group protocol against the in-process coordinator:
 * JoinGroup (with the MEMBER_ID_REQUIRED round trip), the leader's assignment with the configured
 * assignor over every member's subscription, SyncGroup, heartbeats, commits and leaving. It holds
 * the member id and generation; what to do with partitions is NativeConsumerMember's business.
 */
import type { Broker } from '../../broker/Broker';
import type { JoinGroupResponse, SyncGroupAssignment } from '../../broker/group/types';
import { ErrorCode } from '../../protocol/errorCodes';
import type { PartitionAssignor } from '../../protocol/consumer/Assignor';
import { assignorByName } from '../../protocol/consumer/assignors';
import {
  CONSUMER_PROTOCOL_TYPE,
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
  toTopicPartitions,
} from '../../protocol/consumer/ConsumerProtocol';
import type { TopicPartition, TopicPartitionOffset } from '../Binder';
import { NativeBrokerError } from './errors';

export interface MembershipSettings {
  groupId: string;
  clientId: string;
  topics: string[];
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  assignor: PartitionAssignor;
  /** Explicit assignment: these partitions, without joining the group (commits go to it outside any generation). */
  fixedAssignment?: TopicPartition[];
}

/** `work`'s result, or null once the member stops waiting for it. */
export type UntilStopped = <T>(work: Promise<T>) => Promise<T | null>;

/** What a heartbeat tells the member: carry on, or rejoin (a rebalance started or the member was dropped). */
export type HeartbeatOutcome = 'stable' | 'rejoin';

const COORDINATOR_BUSY = new Set<number>([ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, ErrorCode.COORDINATOR_NOT_AVAILABLE, ErrorCode.NOT_COORDINATOR]);
const RETRY_BACKOFF_MS = 50;

const byTopic = (partitions: TopicPartition[]): Map<string, number[]> => {
  const out = new Map<string, number[]>();
  for (const { topic, partition } of partitions) out.set(topic, [...(out.get(topic) ?? []), partition]);
  return out;
};

export class GroupMembership {
  memberId = '';
  generationId = -1;
  /** Partitions of the last completed generation (sent as ownedPartitions for the sticky assignor). */
  private owned: TopicPartition[] = [];
  /** Topics this member subscribes to (a pattern binding changes them as topics come and go). */
  topics: string[];

  constructor(
    private readonly broker: Broker,
    readonly settings: MembershipSettings,
  ) {
    this.topics = settings.topics;
  }

  /**
   * Joins (or rejoins) the group and returns this member's partitions of the new generation, or
   * null when `untilStopped` gives up on a request (the binding is stopping).
   */
  async join(untilStopped: UntilStopped): Promise<TopicPartition[] | null> {
    const s = this.settings;
    if (s.fixedAssignment) return (this.owned = s.fixedAssignment);
    const deadline = Date.now() + s.rebalanceTimeoutMs + s.sessionTimeoutMs;
    let lastError: number = ErrorCode.NONE;
    for (;;) {
      if (Date.now() > deadline) throw new NativeBrokerError(`Joining group '${s.groupId}'`, lastError, 'no generation formed within the rebalance and session timeouts');
      const joined = await untilStopped(this.sendJoin());
      if (joined === null) return null;
      lastError = joined.errorCode;
      if (joined.errorCode !== ErrorCode.NONE) {
        await this.onJoinError(joined.errorCode, joined.memberId, 'Joining');
        continue;
      }
      this.memberId = joined.memberId;
      this.generationId = joined.generationId;
      const assignments = joined.leader === joined.memberId ? await this.assign(joined) : [];
      const synced = await untilStopped(
        this.broker.syncGroup({
          groupId: s.groupId,
          generationId: joined.generationId,
          memberId: joined.memberId,
          protocolType: CONSUMER_PROTOCOL_TYPE,
          protocolName: joined.protocolName,
          assignments,
        }),
      );
      if (synced === null) return null;
      lastError = synced.errorCode;
      if (synced.errorCode !== ErrorCode.NONE) {
        await this.onJoinError(synced.errorCode, this.memberId, 'Syncing');
        continue;
      }
      const assigned = decodeAssignment(synced.assignment).assignedPartitions;
      this.owned = assigned.flatMap(({ topic, partitions }) => partitions.map((partition) => ({ topic, partition })));
      return this.owned;
    }
  }

  /** Sends one heartbeat (a synchronous call in process). */
  heartbeat(): HeartbeatOutcome {
    if (this.settings.fixedAssignment) return 'stable';
    if (this.memberId === '' || this.generationId < 0) return 'rejoin';
    const { errorCode } = this.broker.heartbeat({ groupId: this.settings.groupId, generationId: this.generationId, memberId: this.memberId });
    switch (errorCode) {
      case ErrorCode.NONE:
        return 'stable';
      case ErrorCode.UNKNOWN_MEMBER_ID:
      case ErrorCode.FENCED_INSTANCE_ID:
        this.reset(true);
        return 'rejoin';
      case ErrorCode.ILLEGAL_GENERATION:
        this.reset(false);
        return 'rejoin';
      case ErrorCode.REBALANCE_IN_PROGRESS:
        return 'rejoin';
      default:
        // Coordinator momentarily unavailable: the next beat tries again.
        return 'stable';
    }
  }

  /** Commits for this member's generation; rejects when the broker refuses any partition. */
  async commit(offsets: TopicPartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    const topics = new Map<string, { partitionIndex: number; committedOffset: number }[]>();
    for (const { topic, partition, offset } of offsets) {
      const list = topics.get(topic) ?? [];
      list.push({ partitionIndex: partition, committedOffset: offset });
      topics.set(topic, list);
    }
    const response = await this.broker.commitOffsets({
      groupId: this.settings.groupId,
      generationId: this.generationId,
      memberId: this.memberId,
      topics: [...topics].map(([name, partitions]) => ({ name, partitions })),
    });
    for (const t of response.topics) {
      for (const p of t.partitions) {
        if (p.errorCode !== ErrorCode.NONE) {
          throw new NativeBrokerError(
            `Committing offset of ${t.name}-${p.partitionIndex} for group '${this.settings.groupId}'`,
            p.errorCode,
            'the group rebalanced; the records after the last successful commit will be delivered again',
          );
        }
      }
    }
  }

  /** Committed offsets of these partitions (-1 where none). */
  committed(partitions: TopicPartition[]): Map<string, number> {
    const response = this.broker.fetchOffsets({
      groupId: this.settings.groupId,
      topics: [...byTopic(partitions)].map(([name, partitionIndexes]) => ({ name, partitionIndexes })),
    });
    const out = new Map<string, number>();
    for (const t of response.topics) for (const p of t.partitions) out.set(`${t.name}\u0000${p.partitionIndex}`, p.errorCode === ErrorCode.NONE ? p.committedOffset : -1);
    return out;
  }

  leave(): void {
    if (this.memberId === '') return;
    this.broker.leaveGroup({ groupId: this.settings.groupId, members: [{ memberId: this.memberId, reason: 'the consumer binding stopped' }] });
    this.reset(true);
  }

  private sendJoin(): Promise<JoinGroupResponse> {
    const s = this.settings;
    const metadata = encodeSubscription({
      topics: this.topics,
      ownedPartitions: toTopicPartitions(byTopic(this.owned)),
      generationId: this.generationId,
    });
    return this.broker.joinGroup({
      groupId: s.groupId,
      memberId: this.memberId,
      protocolType: CONSUMER_PROTOCOL_TYPE,
      protocols: [{ name: s.assignor.name, metadata }],
      sessionTimeoutMs: s.sessionTimeoutMs,
      rebalanceTimeoutMs: s.rebalanceTimeoutMs,
      clientId: s.clientId,
      clientHost: 'in-process',
      requireKnownMemberId: true,
    });
  }

  private async onJoinError(errorCode: number, memberId: string, phase: string): Promise<void> {
    if (errorCode === ErrorCode.MEMBER_ID_REQUIRED) this.memberId = memberId;
    else if (errorCode === ErrorCode.UNKNOWN_MEMBER_ID) this.reset(true);
    else if (errorCode === ErrorCode.ILLEGAL_GENERATION) this.reset(false);
    else if (errorCode === ErrorCode.REBALANCE_IN_PROGRESS) return;
    else if (COORDINATOR_BUSY.has(errorCode) && !this.broker.isClosed) await new Promise((resolve) => setTimeout(resolve, RETRY_BACKOFF_MS));
    else throw new NativeBrokerError(`${phase} group '${this.settings.groupId}'`, errorCode, this.advice(errorCode));
  }

  /** What the user can do about a refused join, where there is something to say. */
  private advice(errorCode: number): string | null {
    if (errorCode !== ErrorCode.INVALID_SESSION_TIMEOUT) return null;
    const { minSessionTimeoutMs: min, maxSessionTimeoutMs: max } = this.broker.groups.config;
    return (
      `sessionTimeoutMs ${this.settings.sessionTimeoutMs} is outside what the broker allows: set the binding's consumer.sessionTimeoutMs ` +
      `between ${min} and ${max} ms (the broker's group.min.session.timeout.ms and group.max.session.timeout.ms)`
    );
  }

  /** The leader's part: every member's subscription through the assignor. */
  private async assign(joined: JoinGroupResponse): Promise<SyncGroupAssignment[]> {
    const members = joined.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, subscription: decodeSubscription(m.metadata) }));
    const topics = [...new Set(members.flatMap((m) => m.subscription.topics))];
    const metadata = await this.broker.metadata({ topics: topics.map((name) => ({ name })), allowAutoTopicCreation: false });
    const partitionsPerTopic = new Map<string, number>();
    for (const t of metadata.topics) if (t.errorCode === ErrorCode.NONE) partitionsPerTopic.set(t.name, t.partitions.length);
    const assignor = (joined.protocolName && assignorByName(joined.protocolName)) || this.settings.assignor;
    const result = assignor.assign(members, partitionsPerTopic);
    return [...result].map(([memberId, partitions]) => ({
      memberId,
      assignment: encodeAssignment({ assignedPartitions: toTopicPartitions(partitions) }),
    }));
  }

  private reset(forgetMemberId: boolean): void {
    if (forgetMemberId) this.memberId = '';
    this.generationId = -1;
  }
}

