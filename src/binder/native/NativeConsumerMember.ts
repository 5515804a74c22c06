/**
 * One group member of a native consumer binding. A loop joins the group when needed (revoking
 * its partitions first), long-polls broker.fetch for its assigned partitions and hands the
 * records to the handler one batch at a time (a member is one consumer, as a Kafka consumer is
 * one thread), so batches of a partition never overlap. Heartbeats run on their own timer, so a
 * handler that retries or backs off for long keeps the membership alive; a heartbeat that reports
 * a rebalance makes the loop rejoin once the handler returns.
 */
import type { Broker } from '../../broker/Broker';
import type { FetchResponse } from '../../broker/fetch/types';
import { OffsetSpec } from '../../broker/fetch/types';
import { READ_COMMITTED } from '../../broker/fetch/readCommitted';
import { ErrorCode } from '../../protocol/errorCodes';
import type { BatchHandler, ConsumerSession, TopicPartition, TopicPartitionOffset } from '../Binder';
import { AssignedPartitions } from '../consumer/AssignedPartitions';
import { deliverInChunks, type ChunkDelivery } from '../consumer/deliverInChunks';
import { announceAssignment, idleWatchOf, type MemberSettings } from '../consumer/MemberSettings';
import type { IdleWatch } from '../consumer/IdleWatch';
import { offsetOf, seekAssigned, type PartitionOffsets } from '../consumer/seekAssigned';
import { revokePartitions } from '../consumer/revokePartitions';
import { SeekRequests } from '../consumer/SeekRequests';
import { topicPartitionKey } from '../consumer/topicPartitionKey';
import { waitAtMost } from '../waitAtMost';
import { decodeFetched } from './decodeFetched';
import { NativeBrokerError } from './errors';
import type { GroupMembership } from './GroupMembership';
import { delay, Wakeup } from './Wakeup';

export interface NativeMemberSettings extends MemberSettings {
  /** Where partitions without a committed offset start, captured when the binding was made ('latest'). */
  startPositions: Map<string, number>;
  /** Commits of an anonymous group: kept by the binding only, so a rebalance among its members resumes there. */
  localOffsets: Map<string, number>;
  fetchMaxWaitMs: number;
  fetchMaxBytesPerPartition: number;
  heartbeatMs: number;
  /** Fetch with isolation level read_committed (up to the last stable offset, aborted transactions dropped). */
  readCommitted: boolean;
}

const REDELIVERY_BACKOFF_MS = 200;
const READ_UNCOMMITTED = 0;

export class NativeConsumerMember implements ChunkDelivery, PartitionOffsets {
  private readonly assigned = new AssignedPartitions();
  private readonly positions = new Map<string, number>();
  readonly seeks = new SeekRequests();
  private needsJoin = true;
  private joining = false;
  private stopping = false;
  private loop: Promise<void> | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private readonly wakeup = new Wakeup();
  /** Notified once, at stop(): ends joins and backoffs early. */
  private readonly stopped = new Wakeup();
  private firstJoin!: { resolve: () => void; reject: (error: Error) => void };
  private joinedOnce = false;

  readonly session: ConsumerSession = {
    commit: (offsets) => {
      if (!this.settings.anonymous) return this.membership.commit(offsets);
      for (const { topic, partition, offset } of offsets) this.settings.localOffsets.set(topicPartitionKey(topic, partition), offset);
      return Promise.resolve();
    },
    seek: (target) => this.seek(target),
    heartbeat: async () => void this.beat(),
    isActive: (topic, partition) => !this.stopping && !this.needsJoin && this.assigned.has(topic, partition),
    seekTo: (topic, partition, position) => seekAssigned(this.assigned, this, topic, partition, position, (key, offset) => this.moveTo(key, offset)),
    pausePartition: (topic, partition) => this.assigned.setPaused(topic, partition, true),
    resumePartition: (topic, partition) => {
      this.assigned.setPaused(topic, partition, false);
      this.wakeup.notify();
    },
    pausedPartitions: () => this.assigned.pausedList(),
    groupMetadata: () =>
      this.settings.anonymous
        ? undefined
        : { groupId: this.membership.settings.groupId, memberId: this.membership.memberId, generationId: this.membership.generationId, groupInstanceId: null },
  };

  readonly maxBatchRecords: number;
  readonly idle: IdleWatch | null;

  constructor(
    private readonly broker: Broker,
    readonly membership: GroupMembership,
    readonly handler: BatchHandler,
    private readonly settings: NativeMemberSettings,
  ) {
    this.maxBatchRecords = settings.maxBatchRecords;
    this.idle = idleWatchOf(settings, () => this.assigned.list());
  }

  /** Starts the loop; resolves once the member has its first assignment. */
  start(): Promise<void> {
    const joined = new Promise<void>((resolve, reject) => (this.firstJoin = { resolve, reject }));
    this.loop = this.run();
    this.heartbeatTimer = setInterval(() => this.beat(), this.settings.heartbeatMs);
    this.idle?.start();
    return joined;
  }

  /** pause(), resume() and rebalances wake the loop out of a long poll. */
  wake(): void {
    this.wakeup.notify();
  }

  /** Subscribes to other topics: the member rejoins, so the group rebalances over them. */
  resubscribe(topics: string[]): void {
    this.membership.topics = topics;
    this.needsJoin = true;
    this.wakeup.notify();
  }

  /**
   * Stops fetching, waits for the handler (at most `handlerWaitMs` when given: a handler that never
   * settles must not hold the heartbeat timer and the group membership forever), revokes (the
   * runtime commits what it acknowledged), leaves.
   */
  async stop(handlerWaitMs?: number): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.wakeup.notify();
    this.stopped.notify();
    if (this.loop) await waitAtMost(this.loop, handlerWaitMs);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.idle?.stop();
    await this.revoke(this.assigned.list());
    this.membership.leave();
    this.firstJoin.resolve();
  }

  private beat(): void {
    if (this.joining || this.needsJoin || this.stopping) return;
    if (this.membership.heartbeat() === 'rejoin') {
      this.needsJoin = true;
      this.wakeup.notify();
    }
  }

  private seek({ topic, partition, offset }: TopicPartitionOffset): void {
    const key = topicPartitionKey(topic, partition);
    if (!this.assigned.hasKey(key)) return;
    if (this.seeks.delivering === key) this.seeks.set(key, offset);
    else this.positions.set(key, offset);
  }

  /**
   * A seekTo: during the partition's delivery it applies when the handler returns; else at once,
   * and a fetch already answered for the old position is not delivered (the seek request ends it).
   */
  private moveTo(key: string, offset: number): void {
    this.seeks.set(key, offset);
    if (this.seeks.delivering === key) return;
    this.positions.set(key, offset);
    this.wakeup.notify();
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      const mark = this.wakeup.mark();
      try {
        if (this.needsJoin) {
          await this.rejoin();
          continue;
        }
        const targets = this.settings.isPaused() ? [] : this.assigned.unpausedKeys();
        if (targets.length === 0) {
          await this.wakeup.wait(mark);
          continue;
        }
        const response = await this.wakeup.race(mark, this.fetch(targets));
        if (response) await this.deliverAll(response);
      } catch (error) {
        if (this.stopping) break;
        if (this.joining) {
          this.joining = false;
          this.needsJoin = true;
        }
        // The first join's failure is the caller's (bindConsumer rejects with it); later ones are retried.
        if (!this.joinedOnce) this.firstJoin.reject(error as Error);
        else this.settings.reportError('consuming failed; trying again', error);
        await delay(REDELIVERY_BACKOFF_MS, this.stopped, 0);
      }
    }
  }

  private async rejoin(): Promise<void> {
    await this.revoke(this.assigned.list());
    this.assigned.replace([]);
    this.positions.clear();
    this.seeks.clear();
    this.needsJoin = false;
    this.joining = true;
    const partitions = await this.membership.join((work) => this.stopped.race(0, work));
    this.joining = false;
    if (partitions === null) return;
    try {
      const committed = this.settings.anonymous || partitions.length === 0 ? this.settings.localOffsets : this.membership.committed(partitions);
      for (const tp of partitions) {
        const key = topicPartitionKey(tp.topic, tp.partition);
        const offset = committed.get(key) ?? -1;
        this.positions.set(key, offset >= 0 ? offset : (this.settings.startPositions.get(key) ?? (await this.reset(tp))));
        const initial = this.settings.initialOffsets.get(key);
        if (initial !== undefined) this.positions.set(key, await offsetOf(tp.topic, tp.partition, initial, this));
      }
    } catch (error) {
      // Without positions the partitions cannot be consumed: join again after the backoff.
      this.needsJoin = true;
      throw error;
    }
    this.assigned.replace(partitions);
    await announceAssignment(this.settings, partitions, this.session);
    this.joinedOnce = true;
    this.firstJoin.resolve();
  }

  private revoke(partitions: TopicPartition[]): Promise<void> {
    return revokePartitions(partitions, this.assigned, this.session, this.settings);
  }

  /** Where a partition starts without a usable position: the earliest or latest offset, per startOffset. */
  private reset(tp: TopicPartition): Promise<number> {
    return this.listOffset(tp.topic, tp.partition, this.settings.startOffset === 'latest' ? OffsetSpec.LATEST : OffsetSpec.EARLIEST);
  }

  earliest(topic: string, partition: number): Promise<number> {
    return this.listOffset(topic, partition, OffsetSpec.EARLIEST);
  }

  latest(topic: string, partition: number): Promise<number> {
    return this.listOffset(topic, partition, OffsetSpec.LATEST);
  }

  async forTimestamp(topic: string, partition: number, timestamp: number): Promise<number | null> {
    const offset = await this.listOffset(topic, partition, timestamp);
    return offset < 0 ? null : offset;
  }

  /** ListOffsets of one partition: a timestamp, or OffsetSpec's earliest or latest. */
  private async listOffset(topic: string, partition: number, timestamp: number): Promise<number> {
    const response = await this.broker.listOffsets({ isolationLevel: this.isolationLevel, topics: [{ name: topic, partitions: [{ partitionIndex: partition, timestamp }] }] });
    const found = response.topics[0].partitions[0];
    if (found.errorCode !== ErrorCode.NONE) throw new NativeBrokerError(`Looking up an offset of ${topic}-${partition}`, found.errorCode, found.errorMessage);
    return found.offset;
  }

  private fetch(keys: string[]): Promise<FetchResponse> {
    const topics = new Map<string, { partition: number; fetchOffset: number; partitionMaxBytes: number }[]>();
    for (const key of keys) {
      const { topic, partition } = this.assigned.get(key)!;
      const list = topics.get(topic) ?? [];
      list.push({ partition, fetchOffset: this.positions.get(key)!, partitionMaxBytes: this.settings.fetchMaxBytesPerPartition });
      topics.set(topic, list);
    }
    return this.broker.fetch({
      isolationLevel: this.isolationLevel,
      maxWaitMs: this.settings.fetchMaxWaitMs,
      minBytes: 1,
      topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })),
    });
  }

  private get isolationLevel(): number {
    return this.settings.readCommitted ? READ_COMMITTED : READ_UNCOMMITTED;
  }

  canDeliver(key: string): boolean {
    return !this.stopping && !this.needsJoin && !this.settings.isPaused() && this.assigned.hasKey(key) && !this.assigned.isPausedKey(key);
  }

  handled(topic: string, partition: number, nextOffset: number): void {
    const key = this.assigned.keyOf(topic, partition);
    if (this.assigned.hasKey(key)) this.positions.set(key, nextOffset);
  }

  afterFailure(): Promise<void> {
    return delay(REDELIVERY_BACKOFF_MS, this.stopped, 0);
  }

  reportError(message: string, error: unknown): void {
    this.settings.reportError(message, error);
  }

  private async deliverAll(response: FetchResponse): Promise<void> {
    for (const t of response.responses) {
      for (const p of t.partitions) {
        const key = topicPartitionKey(t.topic, p.partitionIndex);
        const tp = this.assigned.get(key);
        const position = this.positions.get(key);
        if (!tp || position === undefined || !this.canDeliver(key)) continue;
        if (p.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
          this.positions.set(key, await this.reset(tp));
          continue;
        }
        if (p.errorCode !== ErrorCode.NONE) throw new NativeBrokerError(`Fetching ${t.topic}-${p.partitionIndex}`, p.errorCode, null);
        if (!p.records || p.records.length === 0) continue;
        const decoded = await decodeFetched(t.topic, p.partitionIndex, p.records, position, p.abortedTransactions);
        const next = await deliverInChunks(tp.topic, tp.partition, key, decoded.records, p.highWatermark, this);
        // Fully delivered: continue after the last batch read, control batches included.
        if (this.assigned.hasKey(key)) this.positions.set(key, next ?? decoded.nextOffset);
      }
    }
  }
}
