/**
 * One group member of a kafka consumer binding: a kafkajs consumer run with eachBatch, manual
 * commits and no redelivery of its own. The runtime's listener container owns acks and retries,
 * so a handler error never reaches kafkajs (whose retry would multiply attempts): the binder seeks
 * the partition back to the first record it did not finish and delivers it again on the next poll.
 */
import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import type {
  BatchHandler,
  ConsumerSession,
  InboundBatch,
  InboundRecord,
  TopicPartition,
  TopicPartitionOffset,
} from '../Binder';
import { revokePartitions } from '../revocation';
import { waitAtMost } from '../waitAtMost';
import { isCoordinatorLoss } from './errors';
import { fromKafkajsHeaders } from './headers';

export interface MemberSettings {
  maxBatchRecords: number;
  anonymous: boolean;
  /** Where to start partitions that had no committed offset at bind time ('latest' bindings). */
  startPositions: TopicPartitionOffset[];
  /** Bound on the first join of the group. */
  joinTimeoutMs: number;
  onPartitionsRevoked?: (partitions: TopicPartition[], session: ConsumerSession) => Promise<void>;
  onPartitionsAssigned?: (partitions: TopicPartition[]) => void;
  isPaused(): boolean;
  reportError(message: string, error: unknown): void;
}

const key = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

export class KafkaConsumerMember {
  /** Partitions this member holds and has not been told to give up. */
  private assigned = new Map<string, TopicPartition>();
  private seeks = new Map<string, number>();
  private inFlight = new Set<Promise<void>>();
  private stopping = false;
  private batchHeartbeat: (() => Promise<void>) | null = null;
  private joinedOnce = false;
  private restartNeeded = false;
  private restarting: Promise<void> | null = null;
  private readonly firstJoin: Promise<void>;
  private signalJoined!: () => void;
  private failJoin!: (error: unknown) => void;

  readonly session: ConsumerSession = {
    commit: (offsets) => this.commit(offsets),
    seek: (target) => this.seek(target),
    heartbeat: () => this.heartbeat(),
    isActive: (topic, partition) => !this.stopping && this.assigned.has(key(topic, partition)),
  };

  constructor(
    readonly consumer: Consumer,
    private readonly handler: BatchHandler,
    private readonly settings: MemberSettings,
  ) {
    this.firstJoin = new Promise((resolve, reject) => {
      this.signalJoined = resolve;
      this.failJoin = reject;
    });
    // Nothing may wait on it (the join can fail after start() gave up): never an unhandled rejection.
    this.firstJoin.catch(() => undefined);
    const { GROUP_JOIN, REBALANCING, CRASH } = consumer.events;
    consumer.on(REBALANCING, () => this.revoke([...this.assigned.values()]));
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
    return [...new Set([...this.assigned.values()].map((tp) => tp.topic))];
  }

  /** Runs the consumer and resolves once it joined the group (kafkajs retries a failed first join). */
  async start(): Promise<void> {
    await this.run();
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
        this.assigned.clear();
        this.seeks.clear();
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
    const deadline = handlerWaitMs === undefined ? undefined : Date.now() + handlerWaitMs;
    const left = (): number | undefined => (deadline === undefined ? undefined : Math.max(0, deadline - Date.now()));
    if (this.restarting) await waitAtMost(this.restarting, left());
    let settled = true;
    while (settled && this.inFlight.size > 0) settled = await waitAtMost(Promise.allSettled([...this.inFlight]), left());
    const held = [...this.assigned.values()];
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
    const next = new Map<string, TopicPartition>();
    for (const [topic, partitions] of Object.entries(memberAssignment)) {
      for (const partition of partitions) next.set(key(topic, partition), { topic, partition });
    }
    const lost = [...this.assigned.entries()].filter(([k]) => !next.has(k)).map(([, tp]) => tp);
    if (lost.length > 0) void this.revoke(lost);
    this.assigned = next;
    for (const k of [...this.seeks.keys()]) if (!next.has(k)) this.seeks.delete(k);
    if (!this.joinedOnce) {
      this.joinedOnce = true;
      // Applied before the first fetch: kafkajs would look 'latest' up only then, after records
      // sent since bindConsumer resolved.
      for (const { topic, partition, offset } of this.settings.startPositions) {
        if (next.has(key(topic, partition))) this.consumer.seek({ topic, partition, offset: String(offset) });
      }
      this.signalJoined();
    }
    this.settings.onPartitionsAssigned?.([...next.values()]);
  }

  private revoke(partitions: TopicPartition[]): Promise<void> {
    return revokePartitions(partitions, this.assigned, key, this.session, this.settings);
  }

  private async commit(offsets: TopicPartitionOffset[]): Promise<void> {
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

  private seek({ topic, partition, offset }: TopicPartitionOffset): void {
    if (!this.assigned.has(key(topic, partition))) return;
    this.seeks.set(key(topic, partition), offset);
  }

  private async heartbeat(): Promise<void> {
    const beat = this.batchHeartbeat;
    if (!beat) return;
    try {
      await beat();
    } catch (error) {
      // A rebalance is kafkajs' to handle after the batch returns; the runtime only learns that
      // its partitions are no longer active.
      if (isRebalanceSignal(error)) return;
      throw error;
    }
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    const { topic, partition } = batch;
    const tp = key(topic, partition);
    if (batch.isEmpty()) return;
    const messages = batch.messages;
    if (this.stopping) return;
    if (this.settings.isPaused()) {
      // Fetched before pause() took effect: not delivered, the position stays at its first record.
      this.consumer.seek({ topic, partition, offset: messages[0].offset });
      this.consumer.pause([{ topic, partitions: [partition] }]);
      return;
    }
    this.batchHeartbeat = heartbeat;
    const highWatermark = Number(batch.highWatermark);
    const size = this.settings.maxBatchRecords;
    for (let start = 0; start < messages.length; start += size) {
      const chunk = messages.slice(start, start + size);
      const active = () => isRunning() && !isStale() && this.session.isActive(topic, partition) && !this.seeks.has(tp);
      if (!active()) {
        if (!this.seeks.has(tp)) this.seeks.set(tp, Number(chunk[0].offset));
        break;
      }
      const inbound: InboundBatch = {
        topic,
        partition,
        highWatermark,
        records: chunk.map((message) => toInbound(topic, partition, message)),
      };
      try {
        await this.handler(inbound, this.session);
      } catch (error) {
        // From where the handler sought (the record that failed), else from the chunk's first record.
        if (!this.seeks.has(tp)) this.seeks.set(tp, Number(chunk[0].offset));
        this.settings.reportError(`handler failed on ${topic}-${partition}; redelivering from ${this.seeks.get(tp)}`, error);
        break;
      }
      if (this.seeks.has(tp)) break;
      resolveOffset(chunk[chunk.length - 1].offset);
    }
    this.batchHeartbeat = null;
    if (this.restartNeeded) setImmediate(() => this.restart());
    const target = this.seeks.get(tp);
    if (target !== undefined) {
      this.seeks.delete(tp);
      if (this.assigned.has(tp) && isRunning()) this.consumer.seek({ topic, partition, offset: String(target) });
    }
  }
}

function isRebalanceSignal(error: unknown): boolean {
  const type = (error as { type?: string }).type;
  return type === 'REBALANCE_IN_PROGRESS' || type === 'NOT_COORDINATOR_FOR_GROUP' || type === 'ILLEGAL_GENERATION' || type === 'UNKNOWN_MEMBER_ID';
}

function toInbound(topic: string, partition: number, message: KafkaMessage): InboundRecord {
  return {
    topic,
    partition,
    offset: Number(message.offset),
    timestamp: Number(message.timestamp),
    key: message.key ?? null,
    value: message.value ?? null,
    headers: fromKafkajsHeaders(message.headers),
  };
}
