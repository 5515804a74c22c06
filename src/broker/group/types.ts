/**
 * Request and response shapes of the group APIs, mirroring Kafka's messages field by field (camelCase)
 * without the wire details: the server's handlers map every API version onto these. `errorCode` values
 * come from src/protocol/errorCodes.ts. Where Kafka's generated request adds nothing to translate
 * (Heartbeat, SyncGroup, OffsetDelete), the engine takes the generated type itself.
 */
import type {
  HeartbeatRequestData,
  OffsetDeleteRequestData,
  SyncGroupRequestData,
  SyncGroupRequestSyncGroupRequestAssignment,
} from '../../protocol/generated/types';

export interface JoinGroupProtocol {
  name: string;
  metadata: Buffer;
}

export interface JoinGroupRequest {
  groupId: string;
  /** '' for a member joining for the first time. */
  memberId: string;
  groupInstanceId?: string | null;
  protocolType: string;
  protocols: JoinGroupProtocol[];
  sessionTimeoutMs: number;
  /** v1+; v0 clients use the session timeout. */
  rebalanceTimeoutMs?: number;
  reason?: string | null;
  clientId?: string;
  clientHost?: string;
  /** v4+: a new dynamic member first gets MEMBER_ID_REQUIRED with its id, and must rejoin with it. */
  requireKnownMemberId?: boolean;
}

export interface JoinGroupResponseMember {
  memberId: string;
  groupInstanceId: string | null;
  metadata: Buffer;
}

export interface JoinGroupResponse {
  errorCode: number;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leader: string;
  /** v9+: the leader keeps the current assignment (a static leader was replaced, nothing changed). */
  skipAssignment: boolean;
  memberId: string;
  /** Every member's metadata for the selected protocol, for the leader only; empty for followers. */
  members: JoinGroupResponseMember[];
}

export type SyncGroupAssignment = SyncGroupRequestSyncGroupRequestAssignment;

/** protocolType / protocolName (v5+) are checked against the group's when given; assignments are empty for followers. */
export type SyncGroupRequest = SyncGroupRequestData;

export interface SyncGroupResponse {
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

export type HeartbeatRequest = HeartbeatRequestData;

export interface HeartbeatResponse {
  errorCode: number;
}

export interface LeavingMember {
  /** '' with a groupInstanceId: leave by instance id. */
  memberId: string;
  groupInstanceId?: string | null;
  reason?: string | null;
}

/** v0-2 carry one memberId; v3+ a batch of members. */
export interface LeaveGroupRequest {
  groupId: string;
  members: LeavingMember[];
}

export interface LeaveGroupResponse {
  errorCode: number;
  members: { memberId: string; groupInstanceId: string | null; errorCode: number }[];
}

export interface DescribedGroupMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  /** The member's metadata for the selected protocol; empty unless the group is Stable. */
  memberMetadata: Buffer;
  memberAssignment: Buffer;
}

export interface DescribedGroup {
  errorCode: number;
  groupId: string;
  groupState: string;
  protocolType: string;
  /** The selected protocol; '' unless the group is Stable. */
  protocolData: string;
  members: DescribedGroupMember[];
}

export interface ListedGroup {
  groupId: string;
  protocolType: string;
  groupState: string;
}

export interface ListGroupsResponse {
  errorCode: number;
  groups: ListedGroup[];
}

export interface DeleteGroupResult {
  groupId: string;
  errorCode: number;
}

export interface OffsetCommitPartition {
  partitionIndex: number;
  committedOffset: number;
  committedLeaderEpoch?: number;
  committedMetadata?: string | null;
}

export interface OffsetCommitRequest {
  groupId: string;
  /** -1 (with memberId '') for a simple commit outside any generation. */
  generationId?: number;
  memberId?: string;
  groupInstanceId?: string | null;
  /** v2-4: how long to keep these offsets; -1 = the broker's retention. */
  retentionTimeMs?: number;
  topics: { name: string; partitions: OffsetCommitPartition[] }[];
}

export interface OffsetCommitResponse {
  topics: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[];
}

export interface OffsetFetchRequest {
  groupId: string;
  /** null = every partition the group has committed. */
  topics: { name: string; partitionIndexes: number[] }[] | null;
  requireStable?: boolean;
}

export interface OffsetFetchPartition {
  partitionIndex: number;
  /** -1 when nothing is committed. */
  committedOffset: number;
  committedLeaderEpoch: number;
  metadata: string | null;
  errorCode: number;
}

export interface OffsetFetchResponse {
  errorCode: number;
  topics: { name: string; partitions: OffsetFetchPartition[] }[];
}

export type OffsetDeleteRequest = OffsetDeleteRequestData;

export interface OffsetDeleteResponse {
  errorCode: number;
  topics: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[];
}
