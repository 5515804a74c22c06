import type { Logger } from '../../logging';
import type { CoordinatorClock } from './CoordinatorClock';
import type { GroupCoordinatorConfig } from './config';
import type { GroupMetadata } from './GroupMetadata';
import type { GroupStore } from './offsetsTopic/GroupStore';
import type { OffsetsStore } from './offsetsTopic/OffsetsStore';
import type { JoinGroupResponse, SyncGroupResponse } from './types';

/** What the coordinator's parts share. */
export interface CoordinatorContext {
  readonly config: GroupCoordinatorConfig;
  readonly clock: CoordinatorClock;
  readonly groups: Map<string, GroupMetadata>;
  readonly groupStore: GroupStore;
  readonly offsets: OffsetsStore;
  /** Where failures the coordinator recovers from are reported (a group state it could not write). */
  readonly logger: Logger;
}

export function joinError(memberId: string, errorCode: number): JoinGroupResponse {
  return {
    errorCode,
    generationId: -1,
    protocolType: null,
    protocolName: null,
    leader: '',
    skipAssignment: false,
    memberId,
    members: [],
  };
}

export function syncError(errorCode: number): SyncGroupResponse {
  return { errorCode, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) };
}
