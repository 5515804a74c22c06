/**
 * JoinGroup (Kafka's classic handleJoinGroup): new members get an id (after the MEMBER_ID_REQUIRED
 * round trip for v4+ clients), static members replace their previous incarnation, and joining or
 * changing protocols triggers a rebalance. The returned promise settles when the join phase ends.
 */
import { randomUUID } from 'node:crypto';
import { CONSUMER_PROTOCOL_TYPE, decodeSubscription } from '../../protocol/consumer';
import { ErrorCode } from '../../protocol/errorCodes';
import type { CoordinatorContext } from './CoordinatorContext';
import { joinError } from './CoordinatorContext';
import { GroupMetadata } from './GroupMetadata';
import { GroupState } from './GroupState';
import { MemberMetadata } from './MemberMetadata';
import type { Rebalancer } from './Rebalancer';
import type { JoinGroupRequest, JoinGroupResponse } from './types';

/** For consumer groups: the same topics (owned partitions and generation naturally differ). */
function sameSubscription(protocolType: string | null, before: Buffer, after: Buffer): boolean {
  if (protocolType !== CONSUMER_PROTOCOL_TYPE) return true;
  try {
    const a = decodeSubscription(before).topics.slice().sort();
    const b = decodeSubscription(after).topics.slice().sort();
    return a.length === b.length && a.every((t, i) => t === b[i]);
  } catch {
    return before.equals(after);
  }
}

export class JoinGroupHandler {
  constructor(
    private readonly ctx: CoordinatorContext,
    private readonly rebalancer: Rebalancer,
  ) {}

  join(req: JoinGroupRequest): Promise<JoinGroupResponse> {
    const { config } = this.ctx;
    if (req.groupId === '') return Promise.resolve(joinError(req.memberId, ErrorCode.INVALID_GROUP_ID));
    if (req.sessionTimeoutMs < config.minSessionTimeoutMs || req.sessionTimeoutMs > config.maxSessionTimeoutMs) {
      return Promise.resolve(joinError(req.memberId, ErrorCode.INVALID_SESSION_TIMEOUT));
    }
    const isUnknownMember = req.memberId === '';
    let group = this.ctx.groups.get(req.groupId);
    if (!group) {
      if (!isUnknownMember) return Promise.resolve(joinError(req.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
      group = new GroupMetadata(req.groupId, this.ctx.clock.now());
      this.ctx.groups.set(req.groupId, group);
    }
    const g = group;
    const full =
      !g.has(req.memberId) &&
      !g.pendingMembers.has(req.memberId) &&
      g.staticMemberId(req.groupInstanceId) === undefined &&
      g.members.size + g.pendingMembers.size >= config.maxGroupSize;
    if (full) return Promise.resolve(joinError(req.memberId, ErrorCode.GROUP_MAX_SIZE_REACHED));
    const response = new Promise<JoinGroupResponse>((resolve) => {
      if (isUnknownMember) this.newMemberJoin(g, req, resolve);
      else this.currentMemberJoin(g, req, resolve);
    });
    if (g.is(GroupState.PreparingRebalance)) this.rebalancer.tryCompleteJoin(g);
    return response;
  }

  private newMemberJoin(group: GroupMetadata, req: JoinGroupRequest, resolve: (r: JoinGroupResponse) => void): void {
    if (group.is(GroupState.Dead)) return resolve(joinError('', ErrorCode.COORDINATOR_NOT_AVAILABLE));
    if (!group.supportsProtocols(req.protocolType, req.protocols)) return resolve(joinError('', ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    const newMemberId = `${req.clientId ?? ''}-${randomUUID()}`;
    const instanceId = req.groupInstanceId ?? null;
    if (instanceId !== null) {
      const oldMemberId = group.staticMemberId(instanceId);
      if (oldMemberId !== undefined) return this.replaceStaticMember(group, req, oldMemberId, newMemberId, resolve);
      return this.addMemberAndRebalance(group, req, newMemberId, resolve);
    }
    if (req.requireKnownMemberId) {
      this.rebalancer.addPendingMember(group, newMemberId, req.sessionTimeoutMs);
      return resolve(joinError(newMemberId, ErrorCode.MEMBER_ID_REQUIRED));
    }
    this.addMemberAndRebalance(group, req, newMemberId, resolve);
  }

  private currentMemberJoin(group: GroupMetadata, req: JoinGroupRequest, resolve: (r: JoinGroupResponse) => void): void {
    const memberId = req.memberId;
    if (group.is(GroupState.Dead)) return resolve(joinError(memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE));
    if (!group.supportsProtocols(req.protocolType, req.protocols)) return resolve(joinError(memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    if (group.pendingMembers.has(memberId)) {
      // Only dynamic members go through MEMBER_ID_REQUIRED; a static id here is a confused client.
      if (req.groupInstanceId) return resolve(joinError(memberId, ErrorCode.FENCED_INSTANCE_ID));
      this.rebalancer.removePendingMember(group, memberId);
      return this.addMemberAndRebalance(group, req, memberId, resolve);
    }
    if (group.isStaticMemberFenced(req.groupInstanceId, memberId)) return resolve(joinError(memberId, ErrorCode.FENCED_INSTANCE_ID));
    const member = group.get(memberId);
    if (!member) return resolve(joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    switch (group.state) {
      case GroupState.PreparingRebalance:
        return this.updateMemberAndRebalance(group, member, req, resolve);
      case GroupState.CompletingRebalance:
        // A member that missed its JoinGroup response asks again with the same metadata: resend it.
        if (member.matches(req.protocols)) return resolve(this.currentGenerationResponse(group, member));
        return this.updateMemberAndRebalance(group, member, req, resolve);
      case GroupState.Stable:
      case GroupState.Empty:
        // The leader rejoining (e.g. subscription refresh) or a changed subscription means a new generation.
        if (group.isLeader(memberId) || !member.matches(req.protocols)) return this.updateMemberAndRebalance(group, member, req, resolve);
        return resolve(this.currentGenerationResponse(group, member));
      default:
        return resolve(joinError(memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE));
    }
  }

  private currentGenerationResponse(group: GroupMetadata, member: MemberMetadata, skipAssignment = false): JoinGroupResponse {
    return {
      errorCode: ErrorCode.NONE,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leader: group.leaderId ?? '',
      skipAssignment,
      memberId: member.memberId,
      members: group.isLeader(member.memberId) ? group.currentMemberMetadata() : [],
    };
  }

  private addMemberAndRebalance(group: GroupMetadata, req: JoinGroupRequest, memberId: string, resolve: (r: JoinGroupResponse) => void): void {
    const member = new MemberMetadata(
      memberId,
      req.groupInstanceId ?? null,
      req.clientId ?? '',
      req.clientHost ?? '',
      req.rebalanceTimeoutMs ?? req.sessionTimeoutMs,
      req.sessionTimeoutMs,
      req.protocolType,
      req.protocols,
    );
    member.isNew = true;
    member.awaitingJoin = resolve;
    // Joining during a new group's initial delay extends the wait for more members.
    if (group.is(GroupState.PreparingRebalance) && group.generationId === 0) group.newMemberAdded = true;
    group.add(member);
    this.rebalancer.scheduleHeartbeat(group, member);
    this.rebalancer.maybePrepareRebalance(group);
  }

  private updateMemberAndRebalance(group: GroupMetadata, member: MemberMetadata, req: JoinGroupRequest, resolve: (r: JoinGroupResponse) => void): void {
    member.protocols = req.protocols;
    member.rebalanceTimeoutMs = req.rebalanceTimeoutMs ?? req.sessionTimeoutMs;
    member.sessionTimeoutMs = req.sessionTimeoutMs;
    if (req.clientId !== undefined) member.clientId = req.clientId;
    if (req.clientHost !== undefined) member.clientHost = req.clientHost;
    // A second JoinGroup from the same member supersedes the first, which learns it must retry.
    member.invokeJoin(joinError(member.memberId, ErrorCode.REBALANCE_IN_PROGRESS));
    member.awaitingJoin = resolve;
    this.rebalancer.maybePrepareRebalance(group);
  }

  /**
   * A static member came back under a new member id. The old id is fenced. When the group is Stable
   * and the member's protocols are unchanged, it resumes its assignment without a rebalance.
   */
  private replaceStaticMember(
    group: GroupMetadata,
    req: JoinGroupRequest,
    oldMemberId: string,
    newMemberId: string,
    resolve: (r: JoinGroupResponse) => void,
  ): void {
    const instanceId = req.groupInstanceId!;
    const old = group.get(oldMemberId)!;
    old.invokeJoin(joinError(oldMemberId, ErrorCode.FENCED_INSTANCE_ID));
    old.invokeSync({ errorCode: ErrorCode.FENCED_INSTANCE_ID, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) });
    const previousMetadata = old.metadata(group.protocolName);
    const member = group.replaceStaticMember(instanceId, oldMemberId, newMemberId);
    if (!group.is(GroupState.Stable)) return this.updateMemberAndRebalance(group, member, req, resolve);
    member.protocols = req.protocols;
    // As Kafka: no rebalance while the group would pick the same protocol; beyond Kafka, a consumer whose
    // topics changed also triggers one, so its new subscription is assigned without waiting for the leader.
    const unchanged =
      group.selectProtocol() === group.protocolName &&
      sameSubscription(group.protocolType, previousMetadata, member.metadata(group.protocolName));
    if (!unchanged) return this.updateMemberAndRebalance(group, member, req, resolve);
    member.sessionTimeoutMs = req.sessionTimeoutMs;
    member.rebalanceTimeoutMs = req.rebalanceTimeoutMs ?? req.sessionTimeoutMs;
    // The new incarnation may run elsewhere.
    if (req.clientId !== undefined) member.clientId = req.clientId;
    if (req.clientHost !== undefined) member.clientHost = req.clientHost;
    this.rebalancer.scheduleHeartbeat(group, member);
    const generation = group.generationId;
    this.ctx.groupStore.storeGroup(group).then(
      () => resolve(this.currentGenerationResponse(group, member, group.isLeader(member.memberId))),
      () => {
        // Could not record the new id: undo, so the old incarnation stays the member of record.
        if (group.generationId === generation && group.get(newMemberId) === member) group.replaceStaticMember(instanceId, newMemberId, oldMemberId);
        resolve(joinError('', ErrorCode.COORDINATOR_NOT_AVAILABLE));
      },
    );
  }
}
