/** One member of a classic group: what it supports, what it was given, and what it is waiting for. */
import { BinderyError } from '../../protocol/primitives';
import type { TimerHandle } from './CoordinatorClock';
import type { JoinGroupProtocol, JoinGroupResponse, SyncGroupResponse } from './types';

/** Raised only if a member without a common protocol got in: JoinGroup's INCONSISTENT_GROUP_PROTOCOL check should prevent it. */
export class NoCommonProtocolError extends BinderyError {
  constructor(memberId: string, candidates: Set<string>) {
    super(
      'NO_COMMON_PROTOCOL',
      `member ${memberId} supports none of the group's protocols (${[...candidates].join(', ') || 'none'}); this is a coordinator bug, please report it`,
    );
  }
}

export class MemberMetadata {
  assignment: Buffer = Buffer.alloc(0);
  /** Set while a JoinGroup from this member waits for the rebalance to finish. */
  awaitingJoin: ((response: JoinGroupResponse) => void) | null = null;
  /** Set while a SyncGroup from this member waits for the leader's assignment. */
  awaitingSync: ((response: SyncGroupResponse) => void) | null = null;
  /** A member that has not yet received its first JoinGroup response (it gets a longer grace period). */
  isNew = false;
  heartbeatTimer: TimerHandle | null = null;

  constructor(
    public memberId: string,
    readonly groupInstanceId: string | null,
    public clientId: string,
    public clientHost: string,
    public rebalanceTimeoutMs: number,
    public sessionTimeoutMs: number,
    public protocolType: string,
    public protocols: JoinGroupProtocol[],
  ) {}

  get isStatic(): boolean {
    return this.groupInstanceId !== null;
  }

  get isAwaitingJoin(): boolean {
    return this.awaitingJoin !== null;
  }

  get isAwaitingSync(): boolean {
    return this.awaitingSync !== null;
  }

  /** The member's metadata for `protocol`; empty when it does not support it. */
  metadata(protocol: string | null): Buffer {
    return this.protocols.find((p) => p.name === protocol)?.metadata ?? Buffer.alloc(0);
  }

  /** Same protocols, same order, same metadata bytes: rejoining with this changes nothing. */
  matches(protocols: JoinGroupProtocol[]): boolean {
    return (
      protocols.length === this.protocols.length &&
      protocols.every((p, i) => p.name === this.protocols[i].name && p.metadata.equals(this.protocols[i].metadata))
    );
  }

  /** The member's most preferred protocol among `candidates`. */
  vote(candidates: Set<string>): string {
    const choice = this.protocols.find((p) => candidates.has(p.name));
    if (!choice) throw new NoCommonProtocolError(this.memberId, candidates);
    return choice.name;
  }

  invokeJoin(response: JoinGroupResponse): boolean {
    const callback = this.awaitingJoin;
    this.awaitingJoin = null;
    if (callback) callback(response);
    return callback !== null;
  }

  invokeSync(response: SyncGroupResponse): boolean {
    const callback = this.awaitingSync;
    this.awaitingSync = null;
    if (callback) callback(response);
    return callback !== null;
  }

  cancelHeartbeat(): void {
    this.heartbeatTimer?.cancel();
    this.heartbeatTimer = null;
  }
}
