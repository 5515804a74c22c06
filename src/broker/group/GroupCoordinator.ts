/**
 * The classic consumer-group coordinator of one broker, owning every partition of `__consumer_offsets`
 * (a single-node cluster coordinates every group). The broker's API handlers call these methods with
 * decoded requests; JoinGroup and SyncGroup resolve when the rebalance lets them (delayed responses).
 *
 *   const coordinator = new GroupCoordinator({ store, clock, config });
 *   await coordinator.startup();        // reloads groups and offsets from the store
 *   coordinator.partitionFor(groupId);  // FindCoordinator: which __consumer_offsets partition
 */
import { defaultLogger, type Logger } from '../../logging';
import { BinderyError } from '../../protocol/primitives';
import { coordinatorPartitionFor } from '../../protocol/coordinator';
import { ErrorCode } from '../../protocol/errorCodes';
import { SystemClock, type CoordinatorClock, type TimerHandle } from './CoordinatorClock';
import { DEFAULT_GROUP_COORDINATOR_CONFIG, type GroupCoordinatorConfig } from './config';
import type { CoordinatorContext } from './CoordinatorContext';
import { joinError, syncError } from './CoordinatorContext';
import { GroupAdmin } from './GroupAdmin';
import { loadCoordinatorState, type LoadSummary } from './offsetsTopic/loadCoordinatorState';
import type { GroupMetadata } from './GroupMetadata';
import { GroupStore } from './offsetsTopic/GroupStore';
import { JoinGroupHandler } from './JoinGroupHandler';
import { MembershipHandler } from './MembershipHandler';
import type { OffsetsPartitionStore } from './offsetsTopic/OffsetsPartitionStore';
import { OffsetsCleanup } from './OffsetsCleanup';
import { GroupOffsetsHandler } from './GroupOffsetsHandler';
import { OffsetsStore, type CommittedOffset } from './offsetsTopic/OffsetsStore';
import { Rebalancer } from './Rebalancer';
import type * as T from './types';

export class CoordinatorLifecycleError extends BinderyError {
  constructor(message: string) {
    super('COORDINATOR_LIFECYCLE', message);
  }
}

export interface GroupCoordinatorOptions {
  store: OffsetsPartitionStore;
  clock?: CoordinatorClock;
  config?: Partial<GroupCoordinatorConfig>;
  /** Where failures the coordinator recovers from are reported; default: stderr at BINDERY_LOG_LEVEL. */
  logger?: Logger;
}

export class GroupCoordinator {
  readonly config: GroupCoordinatorConfig;
  private readonly ctx: CoordinatorContext;
  private readonly store: OffsetsPartitionStore;
  private readonly rebalancer: Rebalancer;
  private readonly joins: JoinGroupHandler;
  private readonly membership: MembershipHandler;
  private readonly offsetsHandler: GroupOffsetsHandler;
  private readonly admin: GroupAdmin;
  private readonly cleanup: OffsetsCleanup;
  private state: 'created' | 'loading' | 'running' | 'stopped' = 'created';
  private retentionTimer: TimerHandle | null = null;
  private retentionRunning = false;

  constructor(options: GroupCoordinatorOptions) {
    this.config = { ...DEFAULT_GROUP_COORDINATOR_CONFIG, ...options.config };
    this.store = options.store;
    const partitionFor = (groupId: string): number => this.partitionFor(groupId);
    this.ctx = {
      config: this.config,
      clock: options.clock ?? new SystemClock(),
      groups: new Map<string, GroupMetadata>(),
      groupStore: new GroupStore(options.store, partitionFor),
      logger: options.logger ?? defaultLogger(),
      offsets: new OffsetsStore(options.store, partitionFor),
    };
    this.rebalancer = new Rebalancer(this.ctx);
    this.joins = new JoinGroupHandler(this.ctx, this.rebalancer);
    this.membership = new MembershipHandler(this.ctx, this.rebalancer);
    this.offsetsHandler = new GroupOffsetsHandler(this.ctx, this.rebalancer);
    this.admin = new GroupAdmin(this.ctx);
    this.cleanup = new OffsetsCleanup(this.ctx);
  }

  /** Index of the `__consumer_offsets` partition holding this group. */
  partitionFor(groupId: string): number {
    return coordinatorPartitionFor(groupId, this.config.offsetsTopicPartitions);
  }

  /** Loads groups and offsets from the store, then starts the offset-retention check. */
  async startup(): Promise<LoadSummary> {
    if (this.state !== 'created') throw new CoordinatorLifecycleError(`the group coordinator was already started (it is ${this.state}); create a new one to start again`);
    this.state = 'loading';
    const summary = await loadCoordinatorState(this.ctx, this.rebalancer, this.store);
    this.state = 'running';
    this.scheduleRetentionCheck();
    return summary;
  }

  /** Stops timers and answers waiting JoinGroup/SyncGroup calls with NOT_COORDINATOR so clients look elsewhere. */
  shutdown(): void {
    this.state = 'stopped';
    this.retentionTimer?.cancel();
    for (const group of this.ctx.groups.values()) {
      group.joinTimer?.handle.cancel();
      group.pendingSyncTimer?.cancel();
      for (const handle of group.pendingMembers.values()) handle.cancel();
      for (const m of group.members.values()) {
        m.cancelHeartbeat();
        m.invokeJoin(joinError(m.memberId, ErrorCode.NOT_COORDINATOR));
        m.invokeSync(syncError(ErrorCode.NOT_COORDINATOR));
      }
    }
    this.ctx.groups.clear();
  }

  /** NONE when requests can be served, else the error a handler should answer with. */
  private availability(): number {
    if (this.state === 'running') return ErrorCode.NONE;
    if (this.state === 'loading') return ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
    return ErrorCode.NOT_COORDINATOR;
  }

  joinGroup(req: T.JoinGroupRequest): Promise<T.JoinGroupResponse> {
    const unavailable = this.availability();
    if (unavailable !== ErrorCode.NONE) return Promise.resolve(joinError(req.memberId, unavailable));
    return this.joins.join(req);
  }

  syncGroup(req: T.SyncGroupRequest): Promise<T.SyncGroupResponse> {
    const unavailable = this.availability();
    if (unavailable !== ErrorCode.NONE) return Promise.resolve(syncError(unavailable));
    return this.membership.sync(req);
  }

  heartbeat(req: T.HeartbeatRequest): T.HeartbeatResponse {
    const unavailable = this.availability();
    return unavailable !== ErrorCode.NONE ? { errorCode: unavailable } : this.membership.heartbeat(req);
  }

  leaveGroup(req: T.LeaveGroupRequest): T.LeaveGroupResponse {
    const unavailable = this.availability();
    return unavailable !== ErrorCode.NONE ? { errorCode: unavailable, members: [] } : this.membership.leave(req);
  }

  async commitOffsets(req: T.OffsetCommitRequest): Promise<T.OffsetCommitResponse> {
    const unavailable = this.availability();
    if (unavailable !== ErrorCode.NONE) {
      return { topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: unavailable })) })) };
    }
    return this.offsetsHandler.commit(req);
  }

  /** TxnOffsetCommit: the error a transactional commit by this member gets (NONE when it may commit). */
  validateTxnOffsetCommit(groupId: string, generationId: number, memberId: string, groupInstanceId: string | null): number {
    const unavailable = this.availability();
    return unavailable !== ErrorCode.NONE ? unavailable : this.offsetsHandler.validateTxnCommit(groupId, generationId, memberId, groupInstanceId);
  }

  /** The offsets of a committed transaction become visible (the transaction coordinator wrote them). */
  applyTxnOffsets(groupId: string, offsets: CommittedOffset[]): void {
    this.offsetsHandler.applyTxnOffsets(groupId, offsets);
  }

  fetchOffsets(req: T.OffsetFetchRequest): T.OffsetFetchResponse {
    const unavailable = this.availability();
    return unavailable !== ErrorCode.NONE ? { errorCode: unavailable, topics: [] } : this.offsetsHandler.fetch(req);
  }

  describeGroups(groupIds: string[]): T.DescribedGroup[] {
    const unavailable = this.availability();
    if (unavailable !== ErrorCode.NONE) {
      return groupIds.map((groupId) => ({ errorCode: unavailable, groupId, groupState: '', protocolType: '', protocolData: '', members: [] }));
    }
    return this.admin.describe(groupIds);
  }

  listGroups(statesFilter?: string[] | null): T.ListGroupsResponse {
    const unavailable = this.availability();
    return unavailable !== ErrorCode.NONE ? { errorCode: unavailable, groups: [] } : this.admin.list(statesFilter);
  }

  async deleteGroups(groupIds: string[]): Promise<T.DeleteGroupResult[]> {
    const unavailable = this.availability();
    if (unavailable !== ErrorCode.NONE) return groupIds.map((groupId) => ({ groupId, errorCode: unavailable }));
    return this.admin.delete(groupIds);
  }

  /** OffsetDelete: removes offsets of an Empty group, or of topics a consumer group no longer subscribes to. */
  async deleteOffsets(req: T.OffsetDeleteRequest): Promise<T.OffsetDeleteResponse> {
    const unavailable = this.availability();
    if (unavailable !== ErrorCode.NONE) return { errorCode: unavailable, topics: [] };
    return this.cleanup.deleteOffsets(req);
  }

  /** Runs the offset-retention check now (it also runs every offsetsRetentionCheckIntervalMs). */
  expireOffsets(): Promise<number> {
    return this.cleanup.expireOffsets();
  }

  private scheduleRetentionCheck(): void {
    this.retentionTimer = this.ctx.clock.schedule(this.config.offsetsRetentionCheckIntervalMs, () => {
      if (this.state !== 'running') return;
      this.scheduleRetentionCheck();
      // One check at a time: a slow store makes the next tick skip rather than pile up.
      if (this.retentionRunning) return;
      this.retentionRunning = true;
      void this.expireOffsets()
        .catch(() => 0)
        .finally(() => (this.retentionRunning = false));
    });
  }
}
