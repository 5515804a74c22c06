/** DescribeGroups, ListGroups and DeleteGroups. */
import { ErrorCode } from '../../protocol/errorCodes';
import type { CoordinatorContext } from './CoordinatorContext';
import { GroupState, parseGroupState } from './GroupState';
import type { DeleteGroupResult, DescribedGroup, ListGroupsResponse } from './types';

export class GroupAdmin {
  constructor(private readonly ctx: CoordinatorContext) {}

  describe(groupIds: string[]): DescribedGroup[] {
    return groupIds.map((groupId) => {
      const group = this.ctx.groups.get(groupId);
      if (!group) {
        // Kafka answers an unknown group as a Dead one, without an error.
        return { errorCode: ErrorCode.NONE, groupId, groupState: GroupState.Dead, protocolType: '', protocolData: '', members: [] };
      }
      const stable = group.is(GroupState.Stable);
      return {
        errorCode: ErrorCode.NONE,
        groupId,
        groupState: group.state,
        protocolType: group.protocolType ?? '',
        protocolData: stable ? (group.protocolName ?? '') : '',
        members: [...group.members.values()].map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          memberMetadata: stable ? m.metadata(group.protocolName) : Buffer.alloc(0),
          memberAssignment: stable ? m.assignment : Buffer.alloc(0),
        })),
      };
    });
  }

  /** `statesFilter` (ListGroups v4+): state names, any case; empty or absent = every group. */
  list(statesFilter?: string[] | null): ListGroupsResponse {
    const wanted = new Set((statesFilter ?? []).map(parseGroupState).filter((s): s is GroupState => s !== undefined));
    const filtering = (statesFilter ?? []).length > 0;
    const groups = [...this.ctx.groups.values()]
      .filter((g) => !g.is(GroupState.Dead) && (!filtering || wanted.has(g.state)))
      .map((g) => ({ groupId: g.groupId, protocolType: g.protocolType ?? '', groupState: g.state }))
      .sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
    return { errorCode: ErrorCode.NONE, groups };
  }

  /** Deletes Empty groups with their offsets (tombstones in the log); groups with members are refused. */
  async delete(groupIds: string[]): Promise<DeleteGroupResult[]> {
    const results: DeleteGroupResult[] = [];
    for (const groupId of groupIds) results.push({ groupId, errorCode: await this.deleteOne(groupId) });
    return results;
  }

  private async deleteOne(groupId: string): Promise<number> {
    if (groupId === '') return ErrorCode.INVALID_GROUP_ID;
    const group = this.ctx.groups.get(groupId);
    if (!group || group.is(GroupState.Dead)) return ErrorCode.GROUP_ID_NOT_FOUND;
    if (!group.is(GroupState.Empty) || group.pendingMembers.size > 0) return ErrorCode.NON_EMPTY_GROUP;
    const offsets = this.ctx.offsets.all(groupId);
    try {
      await this.ctx.groupStore.deleteGroup(groupId, this.ctx.offsets.tombstones(groupId, offsets));
    } catch {
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    }
    this.ctx.offsets.forget(groupId, offsets);
    if (group.is(GroupState.Empty)) {
      group.transitionTo(GroupState.Dead, this.ctx.clock.now());
      if (this.ctx.groups.get(groupId) === group) this.ctx.groups.delete(groupId);
    }
    return ErrorCode.NONE;
  }
}
