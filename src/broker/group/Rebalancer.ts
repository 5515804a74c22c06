/**
 * Drives a group through a rebalance (Kafka's classic coordinator): the join phase and its timers
 * (initial delay for new groups, rebalance timeout otherwise), completing it into a new generation,
 * the sync phase, session-timeout eviction and member removal.
 */
import { ErrorCode } from '../../protocol/errorCodes';
import type { CoordinatorContext } from './CoordinatorContext';
import { joinError, syncError } from './CoordinatorContext';
import type { GroupMetadata } from './GroupMetadata';
import { GroupState } from './GroupState';
import type { MemberMetadata } from './MemberMetadata';

export class Rebalancer {
  constructor(private readonly ctx: CoordinatorContext) {}

  /** (Re)starts a member's liveness deadline: the session timeout, or the longer new-member grace period. */
  scheduleHeartbeat(group: GroupMetadata, member: MemberMetadata): void {
    member.cancelHeartbeat();
    const timeout = member.isNew ? this.ctx.config.newMemberJoinTimeoutMs : member.sessionTimeoutMs;
    member.heartbeatTimer = this.ctx.clock.schedule(timeout, () => this.onHeartbeatExpired(group, member));
  }

  private onHeartbeatExpired(group: GroupMetadata, member: MemberMetadata): void {
    member.heartbeatTimer = null;
    if (group.get(member.memberId) !== member) return;
    // A known member blocked in JoinGroup/SyncGroup is alive; its deadline restarts when the phase ends.
    if (!member.isNew && (member.isAwaitingJoin || member.isAwaitingSync)) return;
    this.removeMemberAndUpdateGroup(group, member);
  }

  /** Remembers an id handed out with MEMBER_ID_REQUIRED until the member joins with it or times out. */
  addPendingMember(group: GroupMetadata, memberId: string, sessionTimeoutMs: number): void {
    group.pendingMembers.get(memberId)?.cancel();
    const handle = this.ctx.clock.schedule(sessionTimeoutMs, () => {
      if (!group.pendingMembers.delete(memberId)) return;
      if (group.is(GroupState.PreparingRebalance)) this.tryCompleteJoin(group);
    });
    group.pendingMembers.set(memberId, handle);
  }

  removePendingMember(group: GroupMetadata, memberId: string): boolean {
    const handle = group.pendingMembers.get(memberId);
    handle?.cancel();
    return group.pendingMembers.delete(memberId);
  }

  maybePrepareRebalance(group: GroupMetadata): void {
    if (group.canRebalance()) this.prepareRebalance(group);
  }

  prepareRebalance(group: GroupMetadata): void {
    // Members waiting for an assignment of the generation being abandoned must rejoin.
    if (group.is(GroupState.CompletingRebalance)) this.resetAndPropagateAssignmentError(group, ErrorCode.REBALANCE_IN_PROGRESS);
    this.cancelPendingSync(group);
    const initial = group.is(GroupState.Empty);
    group.transitionTo(GroupState.PreparingRebalance, this.ctx.clock.now());
    const delay = this.ctx.config.initialRebalanceDelayMs;
    if (initial && delay > 0) {
      group.newMemberAdded = false;
      this.scheduleInitialDelay(group, delay, Math.max(group.rebalanceTimeoutMs() - delay, 0));
    } else {
      this.scheduleJoinTimeout(group);
      this.tryCompleteJoin(group);
    }
  }

  /** A new group waits `delay`, and again while members keep arriving, up to its rebalance timeout. */
  private scheduleInitialDelay(group: GroupMetadata, delayMs: number, remainingMs: number): void {
    this.cancelJoinTimer(group);
    const handle = this.ctx.clock.schedule(delayMs, () => {
      group.joinTimer = null;
      if (group.newMemberAdded && remainingMs > 0) {
        group.newMemberAdded = false;
        const next = Math.min(this.ctx.config.initialRebalanceDelayMs, remainingMs);
        this.scheduleInitialDelay(group, next, Math.max(remainingMs - next, 0));
      } else {
        this.completeJoin(group);
      }
    });
    group.joinTimer = { handle, initial: true };
  }

  private scheduleJoinTimeout(group: GroupMetadata): void {
    this.cancelJoinTimer(group);
    const handle = this.ctx.clock.schedule(group.rebalanceTimeoutMs(), () => {
      group.joinTimer = null;
      this.completeJoin(group);
    });
    group.joinTimer = { handle, initial: false };
  }

  private cancelJoinTimer(group: GroupMetadata): void {
    group.joinTimer?.handle.cancel();
    group.joinTimer = null;
  }

  /** Ends the join phase early once every member has rejoined (never during the initial delay). */
  tryCompleteJoin(group: GroupMetadata): void {
    if (!group.is(GroupState.PreparingRebalance) || group.joinTimer?.initial) return;
    if (group.hasAllMembersJoined()) this.completeJoin(group);
  }

  private completeJoin(group: GroupMetadata): void {
    if (!group.is(GroupState.PreparingRebalance)) return;
    this.cancelJoinTimer(group);
    // Dynamic members that did not rejoin in time are gone; static ones keep their place until their session ends.
    for (const m of group.notYetRejoinedMembers()) if (!m.isStatic) group.remove(m.memberId);
    if (!group.electJoinedLeader() && group.members.size > 0) {
      // Only silent static members remain: wait for them to rejoin or time out.
      this.scheduleJoinTimeout(group);
      return;
    }
    const now = this.ctx.clock.now();
    group.initNextGeneration(now);
    if (group.is(GroupState.Empty)) {
      // Nothing waits on this write; a failure leaves the last stored generation to be loaded on restart.
      void this.ctx.groupStore.storeGroup(group).catch((error: unknown) => this.storeFailed(group, error, 'the group is empty now; a restart loads its previous generation'));
      return;
    }
    const members = group.currentMemberMetadata();
    for (const m of group.members.values()) {
      m.invokeJoin({
        errorCode: ErrorCode.NONE,
        generationId: group.generationId,
        protocolType: group.protocolType,
        protocolName: group.protocolName,
        leader: group.leaderId ?? '',
        skipAssignment: false,
        memberId: m.memberId,
        members: group.isLeader(m.memberId) ? members : [],
      });
      m.isNew = false;
      this.scheduleHeartbeat(group, m);
    }
    this.schedulePendingSync(group);
  }

  /** Members that do not send SyncGroup within the rebalance timeout are removed. */
  private schedulePendingSync(group: GroupMetadata): void {
    this.cancelPendingSync(group);
    for (const id of group.members.keys()) group.pendingSyncMembers.add(id);
    const generation = group.generationId;
    group.pendingSyncTimer = this.ctx.clock.schedule(group.rebalanceTimeoutMs(), () => {
      group.pendingSyncTimer = null;
      if (group.generationId !== generation) return;
      if (!group.is(GroupState.CompletingRebalance) && !group.is(GroupState.Stable)) return;
      for (const id of [...group.pendingSyncMembers]) {
        const member = group.get(id);
        if (member) this.removeMemberAndUpdateGroup(group, member);
      }
    });
  }

  cancelPendingSync(group: GroupMetadata): void {
    group.pendingSyncTimer?.cancel();
    group.pendingSyncTimer = null;
    group.pendingSyncMembers.clear();
  }

  /** Removes a member (left, evicted, fenced out) and rebalances the rest. */
  removeMemberAndUpdateGroup(group: GroupMetadata, member: MemberMetadata): void {
    member.invokeJoin(joinError('', ErrorCode.UNKNOWN_MEMBER_ID));
    member.invokeSync(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    group.remove(member.memberId);
    switch (group.state) {
      case GroupState.Dead:
      case GroupState.Empty:
        return;
      case GroupState.Stable:
      case GroupState.CompletingRebalance:
        this.maybePrepareRebalance(group);
        return;
      case GroupState.PreparingRebalance:
        this.tryCompleteJoin(group);
        return;
    }
  }

  resetAndPropagateAssignmentError(group: GroupMetadata, errorCode: number): void {
    for (const m of group.members.values()) {
      m.assignment = Buffer.alloc(0);
      if (m.invokeSync(syncError(errorCode))) this.scheduleHeartbeat(group, m);
    }
  }

  /** The leader's assignment arrived: persist it, hand it out, and the group is Stable. */
  async completeSync(group: GroupMetadata, assignments: Map<string, Buffer>): Promise<void> {
    const generation = group.generationId;
    for (const id of group.members.keys()) if (!assignments.has(id)) assignments.set(id, Buffer.alloc(0));
    let failed = false;
    try {
      await this.ctx.groupStore.storeGroup(group, assignments);
    } catch (error) {
      failed = true;
      this.storeFailed(group, error, 'its members are told COORDINATOR_NOT_AVAILABLE and rejoin');
    }
    if (!group.is(GroupState.CompletingRebalance) || group.generationId !== generation) return;
    if (failed) {
      this.resetAndPropagateAssignmentError(group, ErrorCode.COORDINATOR_NOT_AVAILABLE);
      this.prepareRebalance(group);
      return;
    }
    for (const m of group.members.values()) {
      m.assignment = assignments.get(m.memberId) ?? Buffer.alloc(0);
      const answered = m.invokeSync({
        errorCode: ErrorCode.NONE,
        protocolType: group.protocolType,
        protocolName: group.protocolName,
        assignment: m.assignment,
      });
      if (answered) this.scheduleHeartbeat(group, m);
    }
    group.transitionTo(GroupState.Stable, this.ctx.clock.now());
  }

  private storeFailed(group: GroupMetadata, error: unknown, consequence: string): void {
    this.ctx.logger.warn({ err: error }, `group ${group.groupId}: generation ${group.generationId} could not be written to __consumer_offsets; ${consequence}`);
  }
}
