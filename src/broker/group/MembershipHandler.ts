/** SyncGroup, Heartbeat and LeaveGroup (Kafka's classic handlers). */
import { ErrorCode } from '../../protocol/errorCodes';
import type { CoordinatorContext } from './CoordinatorContext';
import { syncError } from './CoordinatorContext';
import type { GroupMetadata } from './GroupMetadata';
import { GroupState } from './GroupState';
import type { Rebalancer } from './Rebalancer';
import type {
  HeartbeatRequest,
  HeartbeatResponse,
  LeaveGroupRequest,
  LeaveGroupResponse,
  LeavingMember,
  SyncGroupRequest,
  SyncGroupResponse,
} from './types';

/** Unknown member, fenced static member: the checks every member request starts with. */
export function validateMember(group: GroupMetadata, memberId: string, groupInstanceId: string | null | undefined): number {
  if (groupInstanceId && group.isStaticMemberFenced(groupInstanceId, memberId)) return ErrorCode.FENCED_INSTANCE_ID;
  if (!group.has(memberId)) return ErrorCode.UNKNOWN_MEMBER_ID;
  return ErrorCode.NONE;
}

export class MembershipHandler {
  constructor(
    private readonly ctx: CoordinatorContext,
    private readonly rebalancer: Rebalancer,
  ) {}

  sync(req: SyncGroupRequest): Promise<SyncGroupResponse> {
    const group = this.ctx.groups.get(req.groupId);
    if (!group) return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    if (group.is(GroupState.Dead)) return Promise.resolve(syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
    const invalid = validateMember(group, req.memberId, req.groupInstanceId);
    if (invalid !== ErrorCode.NONE) return Promise.resolve(syncError(invalid));
    if (req.generationId !== group.generationId) return Promise.resolve(syncError(ErrorCode.ILLEGAL_GENERATION));
    if ((req.protocolType && req.protocolType !== group.protocolType) || (req.protocolName && req.protocolName !== group.protocolName)) {
      return Promise.resolve(syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    }
    const member = group.get(req.memberId)!;
    switch (group.state) {
      case GroupState.Empty:
        return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
      case GroupState.PreparingRebalance:
        return Promise.resolve(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      case GroupState.CompletingRebalance: {
        group.pendingSyncMembers.delete(member.memberId);
        // A repeated SyncGroup replaces the earlier one, which is told to rejoin.
        member.invokeSync(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
        const response = new Promise<SyncGroupResponse>((resolve) => (member.awaitingSync = resolve));
        if (group.isLeader(member.memberId)) {
          const assignments = new Map(req.assignments.map((a) => [a.memberId, a.assignment]));
          void this.rebalancer.completeSync(group, assignments);
        }
        return response;
      }
      case GroupState.Stable:
        group.pendingSyncMembers.delete(member.memberId);
        this.rebalancer.scheduleHeartbeat(group, member);
        return Promise.resolve({
          errorCode: ErrorCode.NONE,
          protocolType: group.protocolType,
          protocolName: group.protocolName,
          assignment: member.assignment,
        });
      default:
        return Promise.resolve(syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
    }
  }

  heartbeat(req: HeartbeatRequest): HeartbeatResponse {
    const group = this.ctx.groups.get(req.groupId);
    if (!group) return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
    if (group.is(GroupState.Dead)) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE };
    const invalid = validateMember(group, req.memberId, req.groupInstanceId);
    if (invalid !== ErrorCode.NONE) return { errorCode: invalid };
    if (group.is(GroupState.Empty)) return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
    if (req.generationId !== group.generationId) return { errorCode: ErrorCode.ILLEGAL_GENERATION };
    this.rebalancer.scheduleHeartbeat(group, group.get(req.memberId)!);
    return { errorCode: group.is(GroupState.PreparingRebalance) ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE };
  }

  leave(req: LeaveGroupRequest): LeaveGroupResponse {
    const group = this.ctx.groups.get(req.groupId);
    const echo = (m: LeavingMember, errorCode: number) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId ?? null, errorCode });
    if (!group) return { errorCode: ErrorCode.NONE, members: req.members.map((m) => echo(m, ErrorCode.UNKNOWN_MEMBER_ID)) };
    if (group.is(GroupState.Dead)) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] };
    return { errorCode: ErrorCode.NONE, members: req.members.map((m) => echo(m, this.leaveOne(group, m))) };
  }

  private leaveOne(group: GroupMetadata, leaving: LeavingMember): number {
    const instanceId = leaving.groupInstanceId ?? null;
    let memberId = leaving.memberId;
    if (instanceId !== null) {
      const current = group.staticMemberId(instanceId);
      if (current === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
      if (memberId !== '' && memberId !== current) return ErrorCode.FENCED_INSTANCE_ID;
      memberId = current;
    }
    if (this.rebalancer.removePendingMember(group, memberId)) {
      if (group.is(GroupState.PreparingRebalance)) this.rebalancer.tryCompleteJoin(group);
      return ErrorCode.NONE;
    }
    const member = group.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    this.rebalancer.removeMemberAndUpdateGroup(group, member);
    return ErrorCode.NONE;
  }
}
