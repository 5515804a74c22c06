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
import type { BatchHandler, ConsumerSession, InboundBatch, InboundRecord, TopicPartition, TopicPartitionOffset } from '../Binder';
import { revokePartitions } from '../revocation';
import { waitAtMost } from '../waitAtMost';
import { decodeFetched } from './decodeFetched';
import { NativeBrokerError } from './errors';
import type { GroupMembership } from './GroupMembership';
import { delay, Wakeup } from './Wakeup';

export interface MemberSettings {
  anonymous: boolean;
  startOffset: 'earliest' | 'latest';
  /** Where partitions without a committed offset start, captured when the binding was made ('latest'). */
  startPositions: Map<string, number>;
  /** Commits of an anonymous group: kept by the binding only, so a rebalance among its members resumes there. */
  localOffsets: Map<string, number>;
  maxBatchRecords: number;
  fetchMaxWaitMs: number;
  fetchMaxBytesPerPartition: number;
  heartbeatMs: number;
  /** Fetch with isolation level read_committed (up to the last stable offset, aborted transactions dropped). */
  readCommitted: boolean;
  onPartitionsRevoked?: (partitions: TopicPartition[], session: ConsumerSession) => Promise<void>;
  onPartitionsAssigned?: (partitions: TopicPartition[]) => void;
  isPaused(): boolean;
  reportError(message: string, error: unknown): void;
}

export const tpKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;
const REDELIVERY_BACKOFF_MS = 200;
const READ_UNCOMMITTED = 0;

export class ConsumerMember {
  private assigned = new Map<string, TopicPartition>();
  private readonly positions = new Map<string, number>();
  private readonly seeks = new Map<string, number>();
  private delivering: string | null = null;
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
  /** The last key isActive built: listeners ask per record, mostly about one partition in a row. */
  private lastActive = { topic: '', partition: -1, key: '' };

  readonly session: ConsumerSession = {
    commit: (offsets) => {
      if (!this.settings.anonymous) return this.membership.commit(offsets);
      for (const { topic, partition, offset } of offsets) this.settings.localOffsets.set(tpKey(topic, partition), offset);
      return Promise.resolve();
    },
    seek: (target) => this.seek(target),
    heartbeat: async () => void this.beat(),
    isActive: (topic, partition) => !this.stopping && !this.needsJoin && this.assigned.has(this.activeKey(topic, partition)),
  };

  private activeKey(topic: string, partition: number): string {
    const last = this.lastActive;
    if (last.partition !== partition || last.topic !== topic) this.lastActive = { topic, partition, key: tpKey(topic, partition) };
    return this.lastActive.key;
  }

  constructor(
    private readonly broker: Broker,
    readonly membership: GroupMembership,
    private readonly handler: BatchHandler,
    private readonly settings: MemberSettings,
  ) {}

  /** Starts the loop; resolves once the member has its first assignment. */
  start(): Promise<void> {
    const joined = new Promise<void>((resolve, reject) => (this.firstJoin = { resolve, reject }));
    this.loop = this.run();
    this.heartbeatTimer = setInterval(() => this.beat(), this.settings.heartbeatMs);
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
    await this.revoke([...this.assigned.values()]);
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
    const key = tpKey(topic, partition);
    if (!this.assigned.has(key)) return;
    if (this.delivering === key) this.seeks.set(key, offset);
    else this.positions.set(key, offset);
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      const mark = this.wakeup.mark();
      try {
        if (this.needsJoin) {
          await this.rejoin();
          continue;
        }
        const targets = this.settings.isPaused() ? [] : [...this.assigned.keys()];
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
    await this.revoke([...this.assigned.values()]);
    this.assigned = new Map();
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
        const key = tpKey(tp.topic, tp.partition);
        const offset = committed.get(key) ?? -1;
        this.positions.set(key, offset >= 0 ? offset : (this.settings.startPositions.get(key) ?? (await this.reset(tp))));
      }
    } catch (error) {
      // Without positions the partitions cannot be consumed: join again after the backoff.
      this.needsJoin = true;
      throw error;
    }
    this.assigned = new Map(partitions.map((tp) => [tpKey(tp.topic, tp.partition), tp]));
    this.settings.onPartitionsAssigned?.(partitions);
    this.joinedOnce = true;
    this.firstJoin.resolve();
  }

  private revoke(partitions: TopicPartition[]): Promise<void> {
    return revokePartitions(partitions, this.assigned, tpKey, this.session, this.settings);
  }

  /** Where a partition starts without a usable position: the earliest or latest offset, per startOffset. */
  private async reset(tp: TopicPartition): Promise<number> {
    const timestamp = this.settings.startOffset === 'latest' ? OffsetSpec.LATEST : OffsetSpec.EARLIEST;
    const response = await this.broker.listOffsets({ isolationLevel: this.isolationLevel, topics: [{ name: tp.topic, partitions: [{ partitionIndex: tp.partition, timestamp }] }] });
    const found = response.topics[0].partitions[0];
    if (found.errorCode !== ErrorCode.NONE) throw new NativeBrokerError(`Looking up the start of ${tp.topic}-${tp.partition}`, found.errorCode, found.errorMessage);
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

  private canDeliver(key: string): boolean {
    return !this.stopping && !this.needsJoin && !this.settings.isPaused() && this.assigned.has(key) && !this.seeks.has(key);
  }

  private async deliverAll(response: FetchResponse): Promise<void> {
    for (const t of response.responses) {
      for (const p of t.partitions) {
        const key = tpKey(t.topic, p.partitionIndex);
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
        // Fully delivered: continue after the last batch read, control batches included.
        if (await this.deliver(tp, key, decoded.records, p.highWatermark)) this.positions.set(key, decoded.nextOffset);
      }
    }
  }

  /** Hands records to the handler in chunks of maxBatchRecords; true when all were delivered. */
  private async deliver(tp: TopicPartition, key: string, records: InboundRecord[], highWatermark: number): Promise<boolean> {
    const size = this.settings.maxBatchRecords;
    let complete = true;
    for (let start = 0; start < records.length; start += size) {
      if (!this.canDeliver(key)) {
        complete = false;
        break;
      }
      // Mostly the whole fetch fits one chunk: no copy of the array then.
      const chunk = start === 0 && records.length <= size ? records : records.slice(start, start + size);
      const batch: InboundBatch = { topic: tp.topic, partition: tp.partition, records: chunk, highWatermark };
      this.delivering = key;
      try {
        await this.handler(batch, this.session);
      } catch (error) {
        // From where the handler sought (the record that failed), else from the chunk's first record.
        if (!this.seeks.has(key)) this.seeks.set(key, chunk[0].offset);
        this.settings.reportError(`handler failed on ${tp.topic}-${tp.partition}; delivering again from ${this.seeks.get(key)}`, error);
        await delay(REDELIVERY_BACKOFF_MS, this.stopped, 0);
      } finally {
        this.delivering = null;
      }
      const target = this.seeks.get(key);
      this.seeks.delete(key);
      if (!this.assigned.has(key)) return false;
      if (target !== undefined) {
        this.positions.set(key, target);
        return false;
      }
      this.positions.set(key, chunk[chunk.length - 1].offset + 1);
    }
    return complete;
  }
}
