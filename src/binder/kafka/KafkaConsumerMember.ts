/**
 * One group member of a kafka consumer binding: a kafkajs consumer run with eachBatch, manual
 * commits and no redelivery of its own. The runtime's listener container owns acks and retries,
 * so a handler error never reaches kafkajs (whose retry would multiply attempts): the binder seeks
 * the partition back to the first record it did not finish and delivers it again on the next poll.
 */
import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import { PlainInboundRecord, type BatchHandler, type ConsumerSession, type InboundRecord, type TopicPartition, type TopicPartitionOffset } from '../Binder';
import { AssignedPartitions } from '../consumer/AssignedPartitions';
import { deliverInChunks, type ChunkDelivery } from '../consumer/deliverInChunks';
import { announceAssignment, idleWatchOf, type MemberSettings } from '../consumer/MemberSettings';
import type { IdleWatch } from '../consumer/IdleWatch';
import { seekAssigned, type PartitionOffsets } from '../consumer/seekAssigned';
import { revokePartitions } from '../consumer/revokePartitions';
import { SeekRequests } from '../consumer/SeekRequests';
import { topicPartitionKey } from '../consumer/topicPartitionKey';
import { waitAtMost } from '../waitAtMost';
import { isCoordinatorLoss } from './errors';
import type { FixedAssignment } from './FixedAssignment';
import { fromKafkajsHeaders } from './headers';
import { KafkajsSeeks, resumePositions } from './KafkajsSeeks';

export interface KafkaMemberSettings extends MemberSettings {
  /**
   * Where partitions start: those without a committed offset at bind time ('latest' bindings), or
   * every partition of an explicit assignment.
   */
  startPositions: TopicPartitionOffset[];
  /** Explicit assignment: the member holds these partitions alone and commits to the named group. */
  fixed?: FixedAssignment;
  /** Bound on the first join of the group. */
  joinTimeoutMs: number;
  /** ListOffsets on the cluster, for seekTo. */
  offsets: PartitionOffsets;
  /** The group's committed offsets (OffsetFetch): where a partition this member gets back resumes. */
  committedOffsets(partitions: TopicPartition[]): Promise<TopicPartitionOffset[]>;
}

export class KafkaConsumerMember {
  /** Partitions this member holds and has not been told to give up. */
  private readonly assigned = new AssignedPartitions();
  private readonly seeks = new SeekRequests();
  /** Seeks handed to kafkajs and not applied yet: stale once their partition moved away. */
  private readonly kafkajsSeeks = new KafkajsSeeks();
  private inFlight = new Set<Promise<void>>();
  private stopping = false;
  private batchHeartbeat: (() => Promise<void>) | null = null;
  /** A heartbeat of the batch in flight answered that the group rebalances: the batch ends at the next chunk. */
  private rebalanceSeen = false;
  private joinedOnce = false;
  private restartNeeded = false;
  private restarting: Promise<void> | null = null;
  private readonly firstJoin: Promise<void>;
  private signalJoined!: () => void;
  private failJoin!: (error: unknown) => void;
  /**
   * A new assignment being prepared (stale seeks replaced, then the runtime's onPartitionsAssigned):
   * its seeks apply before anything is delivered.
   */
  private preparing: Promise<void> | null = null;
  private readonly idle: IdleWatch | null;
  /** Explicit assignment: the offsets this member committed, where a rejoin of its private group resumes. */
  private readonly committed = new Map<string, number>();

  readonly session: ConsumerSession = {
    commit: (offsets) => this.commit(offsets),
    seek: (target) => this.seek(target),
    heartbeat: () => this.heartbeat(),
    isActive: (topic, partition) => !this.stopping && this.assigned.has(topic, partition),
    seekTo: (topic, partition, position) =>
      seekAssigned(this.assigned, this.settings.offsets, topic, partition, position, (key, offset) => this.moveTo(key, topic, partition, offset)),
    pausePartition: (topic, partition) => {
      this.assigned.setPaused(topic, partition, true);
      this.consumer.pause([{ topic, partitions: [partition] }]);
    },
    resumePartition: (topic, partition) => {
      this.assigned.setPaused(topic, partition, false);
      if (!this.settings.isPaused()) this.consumer.resume([{ topic, partitions: [partition] }]);
    },
    pausedPartitions: () => this.assigned.pausedList(),
  };

  constructor(
    readonly consumer: Consumer,
    private readonly handler: BatchHandler,
    private readonly settings: KafkaMemberSettings,
  ) {
    this.firstJoin = new Promise((resolve, reject) => {
      this.signalJoined = resolve;
      this.failJoin = reject;
    });
    // Nothing may wait on it (the join can fail after start() gave up): never an unhandled rejection.
    this.firstJoin.catch(() => undefined);
    this.idle = idleWatchOf(settings, () => this.assigned.list());
    const { GROUP_JOIN, REBALANCING, CRASH } = consumer.events;
    consumer.on(REBALANCING, () => this.revoke(this.assigned.list()));
    consumer.on(GROUP_JOIN, ({ payload }) => this.onJoin(payload.memberAssignment));
    consumer.on(CRASH, ({ payload }) => {
      // kafkajs restarts after retriable failures (e.g. a coordinator still loading); report the rest.
      if (this.stopping || payload.restart) return;
      // Before the first join the failure is the caller's (bindConsumer rejects with it), as on the native binder.
      if (!this.joinedOnce) this.failJoin(payload.error);
      else settings.reportError('consumer stopped after an error', payload.error);
    });
  }

  /** Topics of the current assignment (pause/resume act on them). */
  assignedTopics(): string[] {
    return this.assigned.topics();
  }

  /** Runs the consumer and resolves once it joined the group (kafkajs retries a failed first join). */
  async start(): Promise<void> {
    await this.run();
    this.idle?.start();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the consumer did not join its group within ${this.settings.joinTimeoutMs} ms`)),
        this.settings.joinTimeoutMs,
      );
    });
    try {
      await Promise.race([this.firstJoin, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private run(): Promise<void> {
    return this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.track(this.onBatch(payload)),
    });
  }

  /**
   * kafkajs keeps committing to the coordinator it found at join time, even after that broker
   * died, until the member rejoins; a stop and run makes it look the coordinator up again.
   * Uncommitted records are delivered again after the rejoin.
   */
  private restart(): void {
    if (this.restarting || this.stopping) return;
    this.restartNeeded = false;
    this.restarting = (async () => {
      try {
        await this.consumer.stop();
        this.assigned.replace([]);
        this.seeks.clear();
        this.kafkajsSeeks.clear();
        if (!this.stopping) await this.run();
      } catch (error) {
        this.settings.reportError('rejoining after the group coordinator was lost failed', error);
      } finally {
        this.restarting = null;
      }
    })();
  }

  /**
   * Stops delivering, waits for the handler (at most `handlerWaitMs` when given), lets the runtime
   * commit, then leaves the group. kafkajs' disconnect waits for the batch in flight, so it is
   * bounded the same way: a handler that never settles must not keep the connections open.
   */
  async stop(handlerWaitMs?: number): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.idle?.stop();
    const deadline = handlerWaitMs === undefined ? undefined : Date.now() + handlerWaitMs;
    const left = (): number | undefined => (deadline === undefined ? undefined : Math.max(0, deadline - Date.now()));
    if (this.restarting) await waitAtMost(this.restarting, left());
    let settled = true;
    while (settled && this.inFlight.size > 0) settled = await waitAtMost(Promise.allSettled([...this.inFlight]), left());
    const held = this.assigned.list();
    await this.revoke(held);
    const disconnecting = this.consumer.disconnect();
    // Given up on: its connections go when kafkajs is done with the batch; the caller moves on.
    if (!(await waitAtMost(disconnecting, settled ? undefined : 0))) disconnecting.catch(() => undefined);
  }

  private track(work: Promise<void>): Promise<void> {
    this.inFlight.add(work);
    return work.finally(() => this.inFlight.delete(work));
  }

  private onJoin(memberAssignment: Record<string, number[]>): void {
    const next: TopicPartition[] = [];
    for (const [topic, partitions] of Object.entries(memberAssignment)) {
      for (const partition of partitions) next.push({ topic, partition });
    }
    const lost = this.assigned.replace(next);
    if (lost.length > 0) void this.revoke(lost);
    this.seeks.retain((k) => this.assigned.hasKey(k));
    const returned = this.kafkajsSeeks.assign(next);
    if (!this.joinedOnce || this.settings.fixed) {
      // Applied before the first fetch: kafkajs would look 'latest' up only then, after records
      // sent since bindConsumer resolved. The private group of an explicit assignment holds no
      // offsets, so each join of it starts from where this member committed, else from the start.
      for (const { topic, partition, offset } of this.settings.startPositions) {
        const at = this.committed.get(topicPartitionKey(topic, partition)) ?? offset;
        if (this.assigned.has(topic, partition)) this.seekKafkajs(topic, partition, at);
      }
    }
    if (!this.joinedOnce) {
      this.joinedOnce = true;
      this.signalJoined();
    }
    // Partitions paused one by one stay paused in kafkajs only while assigned: pause them again.
    const paused = this.assigned.pausedList();
    if (paused.length > 0) this.consumer.pause(paused.map(({ topic, partition }) => ({ topic, partitions: [partition] })));
    if (returned.length > 0 || this.settings.onPartitionsAssigned) {
      const preparing = this.prepare(returned, next).finally(() => {
        if (this.preparing === preparing) this.preparing = null;
      });
      this.preparing = preparing;
    }
  }

  private async prepare(returned: TopicPartition[], next: TopicPartition[]): Promise<void> {
    if (returned.length > 0) await this.resumeFromCommitted(returned);
    await announceAssignment(this.settings, next, this.session);
  }

  /**
   * Partitions this member gets back while a seek it issued when it held them before is still
   * outstanding in kafkajs: that seek is replaced by where the group left them.
   */
  private async resumeFromCommitted(returned: TopicPartition[]): Promise<void> {
    try {
      for (const { topic, partition, offset } of await resumePositions(returned, this.settings)) {
        if (this.assigned.has(topic, partition)) this.seekKafkajs(topic, partition, offset);
      }
    } catch (error) {
      this.settings.reportError('looking up the committed offsets of partitions assigned again failed; they continue where this member left them', error);
    }
  }

  /** Every seek handed to kafkajs goes through here, so that a stale one can be recognised. */
  private seekKafkajs(topic: string, partition: number, offset: number | string): void {
    this.kafkajsSeeks.issued(topicPartitionKey(topic, partition));
    this.consumer.seek({ topic, partition, offset: String(offset) });
  }

  private revoke(partitions: TopicPartition[]): Promise<void> {
    return revokePartitions(partitions, this.assigned, this.session, this.settings);
  }

  private async commit(offsets: TopicPartitionOffset[]): Promise<void> {
    const fixed = this.settings.fixed;
    if (fixed) {
      await fixed.commit(offsets);
      for (const { topic, partition, offset } of offsets) this.committed.set(topicPartitionKey(topic, partition), offset);
      return;
    }
    if (this.settings.anonymous || offsets.length === 0) return;
    try {
      await this.consumer.commitOffsets(
        offsets.map(({ topic, partition, offset }) => ({ topic, partition, offset: String(offset) })),
      );
    } catch (error) {
      if (isCoordinatorLoss(error)) {
        // Restarting from inside a batch would wait for that batch: defer to its end.
        if (this.batchHeartbeat) this.restartNeeded = true;
        else this.restart();
      }
      throw error;
    }
  }

  /**
   * A seekTo: during the partition's delivery it applies when the handler returns; else at once,
   * and a batch already fetched from the old position is not delivered (the seek request ends it).
   */
  private moveTo(key: string, topic: string, partition: number, offset: number): void {
    this.seeks.set(key, offset);
    if (this.seeks.delivering !== key) this.seekKafkajs(topic, partition, offset);
  }

  /** Applied when the batch in flight returns (kafkajs fetches on, it cannot be told mid-batch). */
  private seek({ topic, partition, offset }: TopicPartitionOffset): void {
    if (!this.assigned.has(topic, partition)) return;
    this.seeks.set(topicPartitionKey(topic, partition), offset);
  }

  private async heartbeat(): Promise<void> {
    const beat = this.batchHeartbeat;
    if (!beat) return;
    try {
      await beat();
    } catch (error) {
      // A rebalance is kafkajs' to handle after the batch returns: the rest of the batch is not
      // delivered (its partitions may be moving to another member), so the member rejoins soon.
      if (isRebalanceSignal(error)) {
        this.rebalanceSeen = true;
        return;
      }
      throw error;
    }
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, isRunning, isStale } = payload;
    const { topic, partition } = batch;
    const key = topicPartitionKey(topic, partition);
    if (!isStale()) this.kafkajsSeeks.applied(key);
    if (batch.isEmpty()) return;
    const messages = batch.messages;
    if (this.stopping) return;
    if (this.preparing) await this.preparing;
    if (this.settings.isPaused() || this.assigned.isPausedKey(key)) {
      // Fetched before pause() took effect: not delivered, the position stays at its first record
      // (unless a seek issued since then already moved it).
      if (!isStale()) this.seekKafkajs(topic, partition, messages[0].offset);
      this.consumer.pause([{ topic, partitions: [partition] }]);
      return;
    }
    this.batchHeartbeat = payload.heartbeat;
    this.rebalanceSeen = false;
    const records = messages.map((message) => toInbound(topic, partition, message));
    const target = await deliverInChunks(topic, partition, key, records, Number(batch.highWatermark), this.batchDelivery(payload));
    this.batchHeartbeat = null;
    if (this.restartNeeded) setImmediate(() => this.restart());
    // A seek kafkajs holds for the partition was issued after this batch was fetched: it stands.
    if (target !== undefined && this.assigned.hasKey(key) && isRunning() && !isStale()) this.seekKafkajs(topic, partition, target);
  }

  /** What one kafkajs eachBatch call lets the delivery loop ask and do. */
  private batchDelivery(payload: EachBatchPayload): ChunkDelivery {
    const { isRunning, isStale, resolveOffset } = payload;
    return {
      handler: this.handler,
      session: this.session,
      seeks: this.seeks,
      maxBatchRecords: this.settings.maxBatchRecords,
      idle: this.idle,
      canDeliver: (key) => isRunning() && !isStale() && !this.stopping && !this.rebalanceSeen && this.assigned.hasKey(key) && !this.assigned.isPausedKey(key),
      handled: (_topic, _partition, nextOffset) => resolveOffset(String(nextOffset - 1)),
      // kafkajs fetches the partition again from the seek: a failing handler waits in the runtime's backoff.
      afterFailure: () => Promise.resolve(),
      reportError: this.settings.reportError,
    };
  }
}

function isRebalanceSignal(error: unknown): boolean {
  const type = (error as { type?: string }).type;
  return type === 'REBALANCE_IN_PROGRESS' || type === 'NOT_COORDINATOR_FOR_GROUP' || type === 'ILLEGAL_GENERATION' || type === 'UNKNOWN_MEMBER_ID';
}

function toInbound(topic: string, partition: number, message: KafkaMessage): InboundRecord {
  return new PlainInboundRecord(
    topic,
    partition,
    Number(message.offset),
    Number(message.timestamp),
    message.key ?? null,
    message.value ?? null,
    fromKafkajsHeaders(message.headers),
  );
}
