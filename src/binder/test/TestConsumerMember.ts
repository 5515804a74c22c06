/**
 * One group member of the test binder: delivers each assigned partition's records in offset
 * order, one batch per partition at a time, and honours commit / seek / pause / revoke.
 */
import type { BatchHandler, ConsumerSession, Destination, TopicPartition, TopicPartitionOffset } from '../Binder';
import { AssignedPartitions } from '../consumer/AssignedPartitions';
import { deliverInChunks, type ChunkDelivery } from '../consumer/deliverInChunks';
import { announceAssignment, idleWatchOf, type MemberSettings } from '../consumer/MemberSettings';
import type { IdleWatch } from '../consumer/IdleWatch';
import { offsetOf, seekAssigned, type PartitionOffsets } from '../consumer/seekAssigned';
import { revokePartitions } from '../consumer/revokePartitions';
import { SeekRequests } from '../consumer/SeekRequests';
import { topicPartitionKey } from '../consumer/topicPartitionKey';
import { waitAtMost } from '../waitAtMost';
import type { GroupMember, TestBroker } from './TestBroker';

/** How long a member whose handler failed waits before delivering again, unless the broker changes first. */
const REDELIVERY_WAIT_MS = 1000;

export class TestConsumerMember implements GroupMember, ChunkDelivery, PartitionOffsets {
  private readonly assigned = new AssignedPartitions();
  private readonly positions = new Map<string, number>();
  readonly seeks = new SeekRequests();
  private stopping = false;
  private stopped: Promise<void> | undefined;
  private loop: Promise<void> | undefined;
  private knownTopics = '';
  /** onPartitionsAssigned runs: its seeks apply before anything of the assignment is delivered. */
  private announcing = false;
  readonly session: ConsumerSession;
  readonly maxBatchRecords: number;
  readonly idle: IdleWatch | null;

  constructor(
    private readonly broker: TestBroker,
    private readonly destination: Destination,
    readonly group: string,
    private readonly settings: MemberSettings,
    readonly handler: BatchHandler,
    /** Explicit assignment: these partitions, outside the group's rebalances. */
    private readonly fixedAssignment: TopicPartition[] | null = null,
  ) {
    this.maxBatchRecords = settings.maxBatchRecords;
    this.idle = idleWatchOf(settings, () => this.assigned.list());
    this.session = {
      commit: async (offsets: TopicPartitionOffset[]) => {
        if (this.settings.anonymous) return;
        for (const o of offsets) this.broker.commit(this.group, o.topic, o.partition, o.offset);
      },
      seek: ({ topic, partition, offset }: TopicPartitionOffset) => {
        const key = topicPartitionKey(topic, partition);
        if (this.seeks.delivering === key) this.seeks.set(key, offset);
        else this.positions.set(key, offset);
      },
      heartbeat: async () => undefined,
      isActive: (topic: string, partition: number) => !this.stopping && this.assigned.has(topic, partition),
      seekTo: (topic, partition, position) =>
        seekAssigned(this.assigned, this, topic, partition, position, (key, offset) => {
          this.session.seek({ topic, partition, offset });
          this.broker.changed.notify();
        }),
      pausePartition: (topic, partition) => this.assigned.setPaused(topic, partition, true),
      resumePartition: (topic, partition) => {
        this.assigned.setPaused(topic, partition, false);
        this.broker.changed.notify();
      },
      pausedPartitions: () => this.assigned.pausedList(),
    };
  }

  readonly topics = (): string[] => {
    const names = this.broker.topicNames();
    if (this.destination instanceof RegExp) return names.filter((n) => (this.destination as RegExp).test(n));
    const wanted = Array.isArray(this.destination) ? this.destination : [this.destination];
    return names.filter((n) => wanted.includes(n));
  };

  async assignmentChanged(assignment: TopicPartition[]): Promise<void> {
    const kept = new Set(assignment.map((tp) => topicPartitionKey(tp.topic, tp.partition)));
    const revoked = this.assigned.list().filter((tp) => !kept.has(topicPartitionKey(tp.topic, tp.partition)));
    await revokePartitions(revoked, this.assigned, this.session, this.settings);
    for (const tp of revoked) this.positions.delete(topicPartitionKey(tp.topic, tp.partition));
    this.assigned.replace(assignment);
    for (const tp of assignment) {
      const key = topicPartitionKey(tp.topic, tp.partition);
      if (this.positions.has(key)) continue;
      const initial = this.settings.initialOffsets.get(key);
      this.positions.set(key, initial === undefined ? this.startPosition(tp) : await offsetOf(tp.topic, tp.partition, initial, this));
    }
    if (assignment.length > 0) {
      this.announcing = true;
      try {
        await announceAssignment(this.settings, assignment, this.session);
      } finally {
        this.announcing = false;
      }
    }
    this.broker.changed.notify();
  }

  private startPosition(tp: TopicPartition): number {
    const committed = this.settings.anonymous ? undefined : this.broker.committedOffset(this.group, tp.topic, tp.partition);
    if (committed !== undefined) return committed;
    return this.settings.startOffset === 'latest' ? this.broker.endOffset(tp.topic, tp.partition) : 0;
  }

  async start(): Promise<void> {
    this.knownTopics = this.topics().join(',');
    if (this.fixedAssignment) await this.assignmentChanged(this.fixedAssignment);
    else await this.broker.join(this.group, this);
    this.loop = this.run();
    this.idle?.start();
  }

  /** Wakes the loop after the binding's pause state changed. */
  wake(): void {
    this.broker.changed.notify();
  }

  /** Stops delivering, waits for the handler (at most `handlerWaitMs` when given), leaves the group. */
  stop(handlerWaitMs?: number): Promise<void> {
    this.stopped ??= (async () => {
      this.stopping = true;
      this.idle?.stop();
      this.broker.changed.notify();
      if (this.loop) await waitAtMost(this.loop, handlerWaitMs);
      if (this.fixedAssignment) await this.assignmentChanged([]);
      else await this.broker.leave(this.group, this);
    })();
    return this.stopped;
  }

  canDeliver(key: string): boolean {
    return !this.stopping && !this.announcing && !this.settings.isPaused() && this.assigned.hasKey(key) && !this.assigned.isPausedKey(key);
  }

  handled(topic: string, partition: number, nextOffset: number): void {
    const key = topicPartitionKey(topic, partition);
    if (this.assigned.hasKey(key)) this.positions.set(key, nextOffset);
  }

  /** A failing handler gets its records again after a pause, so it cannot spin. */
  async afterFailure(): Promise<void> {
    await this.broker.changed.wait(REDELIVERY_WAIT_MS);
  }

  reportError(message: string, error: unknown): void {
    this.settings.reportError(message, error);
  }

  async earliest(): Promise<number> {
    return 0;
  }

  async latest(topic: string, partition: number): Promise<number> {
    return this.broker.endOffset(topic, partition);
  }

  async forTimestamp(topic: string, partition: number, timestamp: number): Promise<number | null> {
    return this.broker.offsetForTimestamp(topic, partition, timestamp);
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      const topics = this.topics().join(',');
      if (topics !== this.knownTopics && !this.fixedAssignment) {
        this.knownTopics = topics;
        await this.broker.rebalance(this.group);
      }
      let delivered = false;
      for (const tp of this.assigned.list()) {
        const key = topicPartitionKey(tp.topic, tp.partition);
        if (!this.canDeliver(key)) continue;
        const position = this.positions.get(key) ?? 0;
        const records = this.broker.read(tp.topic, tp.partition, position, this.maxBatchRecords);
        if (records.length === 0) continue;
        delivered = true;
        const next = await deliverInChunks(tp.topic, tp.partition, key, records, this.broker.endOffset(tp.topic, tp.partition), this);
        if (next !== undefined && this.assigned.hasKey(key)) this.positions.set(key, next);
      }
      if (!delivered && !this.stopping) await this.broker.changed.wait();
    }
  }
}
