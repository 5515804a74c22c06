/**
 * One classic group's bookkeeping (Kafka's GroupMetadata): members, static-member ids, members that
 * were handed an id but have not joined yet, the leader, the generation and the selected protocol.
 * The rebalance logic that drives it lives in Rebalancer.ts.
 */
import { CONSUMER_PROTOCOL_TYPE, decodeSubscription } from '../../protocol/consumer';
import type { TimerHandle } from './CoordinatorClock';
import { canTransition, GroupState, IllegalGroupStateTransitionError } from './GroupState';
import type { MemberMetadata } from './MemberMetadata';
import type { JoinGroupProtocol, JoinGroupResponseMember } from './types';

export class GroupMetadata {
  state: GroupState;
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  currentStateTimestamp: number;
  readonly members = new Map<string, MemberMetadata>();
  /** group.instance.id → current member id. */
  readonly staticMembers = new Map<string, string>();
  /** Ids handed out with MEMBER_ID_REQUIRED, with the timer that forgets them. */
  readonly pendingMembers = new Map<string, TimerHandle>();
  /** Members of the current generation that have not sent SyncGroup yet. */
  readonly pendingSyncMembers = new Set<string>();
  /** A member joined during the initial delay: wait one more delay period. */
  newMemberAdded = false;
  /** The timer completing the current join phase, and whether it is the initial delay. */
  joinTimer: { handle: TimerHandle; initial: boolean } | null = null;
  pendingSyncTimer: TimerHandle | null = null;

  constructor(
    readonly groupId: string,
    nowMs: number,
    initialState: GroupState = GroupState.Empty,
  ) {
    this.state = initialState;
    this.currentStateTimestamp = nowMs;
  }

  is(state: GroupState): boolean {
    return this.state === state;
  }

  transitionTo(next: GroupState, nowMs: number): void {
    if (!canTransition(this.state, next)) throw new IllegalGroupStateTransitionError(this.groupId, this.state, next);
    this.state = next;
    this.currentStateTimestamp = nowMs;
  }

  has(memberId: string): boolean {
    return this.members.has(memberId);
  }

  get(memberId: string): MemberMetadata | undefined {
    return this.members.get(memberId);
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  add(member: MemberMetadata): void {
    if (this.members.size === 0) this.protocolType = member.protocolType;
    this.members.set(member.memberId, member);
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, member.memberId);
    if (this.leaderId === null) this.leaderId = member.memberId;
  }

  remove(memberId: string): MemberMetadata | undefined {
    const member = this.members.get(memberId);
    if (!member) return undefined;
    member.cancelHeartbeat();
    this.members.delete(memberId);
    this.pendingSyncMembers.delete(memberId);
    if (member.groupInstanceId !== null && this.staticMembers.get(member.groupInstanceId) === memberId) {
      this.staticMembers.delete(member.groupInstanceId);
    }
    if (this.leaderId === memberId) this.leaderId = this.members.keys().next().value ?? null;
    return member;
  }

  /** Gives a static member a new member id; the old id is fenced from then on. */
  replaceStaticMember(instanceId: string, oldMemberId: string, newMemberId: string): MemberMetadata {
    const member = this.members.get(oldMemberId)!;
    this.members.delete(oldMemberId);
    member.memberId = newMemberId;
    this.members.set(newMemberId, member);
    this.staticMembers.set(instanceId, newMemberId);
    if (this.leaderId === oldMemberId) this.leaderId = newMemberId;
    if (this.pendingSyncMembers.delete(oldMemberId)) this.pendingSyncMembers.add(newMemberId);
    return member;
  }

  staticMemberId(instanceId: string | null | undefined): string | undefined {
    return instanceId ? this.staticMembers.get(instanceId) : undefined;
  }

  /** The instance id is registered under a different member id: the caller is an old incarnation. */
  isStaticMemberFenced(instanceId: string | null | undefined, memberId: string): boolean {
    const current = this.staticMemberId(instanceId);
    return current !== undefined && current !== memberId;
  }

  /** Protocols every member supports. */
  candidateProtocols(): Set<string> {
    const all = [...this.members.values()];
    if (all.length === 0) return new Set();
    const [first, ...rest] = all;
    return new Set(first.protocols.map((p) => p.name).filter((name) => rest.every((m) => m.protocols.some((p) => p.name === name))));
  }

  /** Whether a member with these protocols may join: same protocol type, and at least one protocol in common. */
  supportsProtocols(protocolType: string, protocols: JoinGroupProtocol[]): boolean {
    if (this.members.size === 0) return protocolType.length > 0 && protocols.length > 0;
    const candidates = this.candidateProtocols();
    return protocolType === this.protocolType && protocols.some((p) => candidates.has(p.name));
  }

  /** Each member votes for its favourite common protocol; most votes wins, ties by the first candidate listed. */
  selectProtocol(): string {
    const candidates = this.candidateProtocols();
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      const choice = m.vote(candidates);
      votes.set(choice, (votes.get(choice) ?? 0) + 1);
    }
    let best: string | null = null;
    for (const [name, count] of votes) if (best === null || count > votes.get(best)!) best = name;
    return best!;
  }

  awaitingJoinCount(): number {
    let n = 0;
    for (const m of this.members.values()) if (m.isAwaitingJoin) n++;
    return n;
  }

  hasAllMembersJoined(): boolean {
    return this.members.size === this.awaitingJoinCount() && this.pendingMembers.size === 0;
  }

  notYetRejoinedMembers(): MemberMetadata[] {
    return [...this.members.values()].filter((m) => !m.isAwaitingJoin);
  }

  /** If the leader has not rejoined, hands leadership to a member that has; false when none has. */
  electJoinedLeader(): boolean {
    const leader = this.leaderId === null ? undefined : this.members.get(this.leaderId);
    if (leader?.isAwaitingJoin) return true;
    const joined = [...this.members.values()].find((m) => m.isAwaitingJoin);
    this.leaderId = joined?.memberId ?? null;
    return joined !== undefined;
  }

  /** The longest rebalance timeout any member asked for: how long a join phase may last. */
  rebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }

  currentMemberMetadata(): JoinGroupResponseMember[] {
    return [...this.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      metadata: m.metadata(this.protocolName),
    }));
  }

  /** Starts the next generation: CompletingRebalance with a chosen protocol, or Empty when nobody is left. */
  initNextGeneration(nowMs: number): void {
    this.generationId++;
    if (this.members.size > 0) {
      this.protocolName = this.selectProtocol();
      this.transitionTo(GroupState.CompletingRebalance, nowMs);
    } else {
      this.protocolName = null;
      this.transitionTo(GroupState.Empty, nowMs);
    }
  }

  /**
   * Topics the members of a consumer group subscribe to (from their consumer-protocol metadata for the
   * selected protocol); null for other protocol types or when some metadata cannot be read.
   */
  subscribedTopics(): Set<string> | null {
    if (this.protocolType !== CONSUMER_PROTOCOL_TYPE || this.protocolName === null) return null;
    const topics = new Set<string>();
    try {
      for (const m of this.members.values()) for (const t of decodeSubscription(m.metadata(this.protocolName)).topics) topics.add(t);
    } catch {
      return null;
    }
    return topics;
  }

  canRebalance(): boolean {
    return this.is(GroupState.Stable) || this.is(GroupState.CompletingRebalance) || this.is(GroupState.Empty);
  }
}
