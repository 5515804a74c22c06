/**
 * The classic group state machine (Kafka's GroupState):
 *   Empty → PreparingRebalance → CompletingRebalance → Stable → PreparingRebalance …
 *   PreparingRebalance → Empty when every member is gone; any state → Dead when the group is deleted.
 */
import { BinderyError } from '../../protocol/primitives';

export enum GroupState {
  Empty = 'Empty',
  PreparingRebalance = 'PreparingRebalance',
  CompletingRebalance = 'CompletingRebalance',
  Stable = 'Stable',
  Dead = 'Dead',
}

const VALID_PREVIOUS: Record<GroupState, GroupState[]> = {
  [GroupState.Empty]: [GroupState.PreparingRebalance],
  [GroupState.PreparingRebalance]: [GroupState.Stable, GroupState.CompletingRebalance, GroupState.Empty],
  [GroupState.CompletingRebalance]: [GroupState.PreparingRebalance],
  [GroupState.Stable]: [GroupState.CompletingRebalance],
  [GroupState.Dead]: [GroupState.Stable, GroupState.PreparingRebalance, GroupState.CompletingRebalance, GroupState.Empty, GroupState.Dead],
};

export class IllegalGroupStateTransitionError extends BinderyError {
  constructor(groupId: string, from: GroupState, to: GroupState) {
    super(
      'ILLEGAL_GROUP_STATE_TRANSITION',
      `group ${groupId} cannot move from ${from} to ${to}; this is a coordinator bug, please report it with the steps that led here`,
    );
  }
}

export function canTransition(from: GroupState, to: GroupState): boolean {
  return VALID_PREVIOUS[to].includes(from);
}

/** Parses a ListGroups state filter entry (case-insensitive, as Kafka accepts it). */
export function parseGroupState(name: string): GroupState | undefined {
  return Object.values(GroupState).find((s) => s.toLowerCase() === name.toLowerCase());
}
