/**
 * One group member of the test binder: delivers each assigned partition's records in offset
 * order, one batch per partition at a time, and honours commit / seek / pause / revoke.
 */
import type {
  BatchHandler,
  ConsumerOptions,
  ConsumerSession,
  Destination,
  TopicPartition,
  TopicPartitionOffset,
} from '../Binder';
import { waitAtMost } from '../waitAtMost';
import type { GroupMember, TestBroker } from './TestBroker';
import { CONSUMER_OPTION_DEFAULTS } from '../consumerDefaults';

const key = (topic: string, partition: number): string => `${topic}:${partition}`;

export class TestConsumer implements GroupMember {
  private assignment: TopicPartition[] = [];
  private readonly positions = new Map<string, number>();
  /** Partitions the handler sought during the delivery in progress. */
  private readonly sought = new Set<string>();
  private paused = false;
  private stopping = false;
  private stopped: Promise<void> | undefined;
  private loop: Promise<void> | undefined;
  private knownTopics = '';
  private readonly session: ConsumerSession;

  constructor(
    private readonly broker: TestBroker,
    private readonly destination: Destination,
    readonly group: string,
    private readonly anonymous: boolean,
    private readonly options: ConsumerOptions,
    private readonly handler: BatchHandler,
  ) {
    this.session = {
      commit: async (offsets: TopicPartitionOffset[]) => {
        if (this.anonymous) return;
        for (const o of offsets) this.broker.commit(this.group, o.topic, o.partition, o.offset);
      },
      seek: (target: TopicPartitionOffset) => {
        const k = key(target.topic, target.partition);
        this.positions.set(k, target.offset);
        this.sought.add(k);
      },
      heartbeat: async () => undefined,
      isActive: (topic: string, partition: number) =>
        !this.stopping && this.assignment.some((tp) => tp.topic === topic && tp.partition === partition),
    };
  }

  readonly topics = (): string[] => {
    const names = this.broker.topicNames();
    if (this.destination instanceof RegExp) return names.filter((n) => (this.destination as RegExp).test(n));
    const wanted = Array.isArray(this.destination) ? this.destination : [this.destination];
    return names.filter((n) => wanted.includes(n));
  };

  async assignmentChanged(assignment: TopicPartition[]): Promise<void> {
    const revoked = this.assignment.filter((a) => !assignment.some((b) => b.topic === a.topic && b.partition === a.partition));
    if (revoked.length > 0 && this.options.onPartitionsRevoked) {
      await this.options.onPartitionsRevoked(revoked, this.session);
    }
    for (const tp of revoked) this.positions.delete(key(tp.topic, tp.partition));
    this.assignment = assignment;
    for (const tp of assignment) {
      const k = key(tp.topic, tp.partition);
      if (this.positions.has(k)) continue;
      this.positions.set(k, this.startPosition(tp));
    }
    if (assignment.length > 0) this.options.onPartitionsAssigned?.(assignment);
    this.broker.changed.notify();
  }

  private startPosition(tp: TopicPartition): number {
    const committed = this.anonymous ? undefined : this.broker.committedOffset(this.group, tp.topic, tp.partition);
    if (committed !== undefined) return committed;
    const start = this.options.startOffset ?? (this.anonymous ? 'latest' : 'earliest');
    return start === 'latest' ? this.broker.endOffset(tp.topic, tp.partition) : 0;
  }

  async start(): Promise<void> {
    this.paused = this.options.startPaused === true;
    this.knownTopics = this.topics().join(',');
    await this.broker.join(this.group, this);
    this.loop = this.run();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.broker.changed.notify();
  }

  isPaused(): boolean {
    return this.paused;
  }

  /** Stops delivering, waits for the handler (at most `handlerWaitMs` when given), leaves the group. */
  stop(handlerWaitMs?: number): Promise<void> {
    this.stopped ??= (async () => {
      this.stopping = true;
      this.broker.changed.notify();
      if (this.loop) await waitAtMost(this.loop, handlerWaitMs);
      await this.broker.leave(this.group, this);
    })();
    return this.stopped;
  }

  private async run(): Promise<void> {
    const maxRecords = this.options.maxBatchRecords ?? CONSUMER_OPTION_DEFAULTS.maxBatchRecords;
    while (!this.stopping) {
      const topics = this.topics().join(',');
      if (topics !== this.knownTopics) {
        this.knownTopics = topics;
        await this.broker.rebalance(this.group);
      }
      let delivered = false;
      if (!this.paused) {
        for (const tp of [...this.assignment]) {
          if (this.stopping || this.paused) break;
          const k = key(tp.topic, tp.partition);
          const position = this.positions.get(k) ?? 0;
          const records = this.broker.read(tp.topic, tp.partition, position, maxRecords);
          if (records.length === 0) continue;
          delivered = true;
          this.positions.set(k, position + records.length);
          this.sought.delete(k);
          try {
            await this.handler(
              { topic: tp.topic, partition: tp.partition, records, highWatermark: this.broker.endOffset(tp.topic, tp.partition) },
              this.session,
            );
          } catch (error) {
            // A failing handler gets the records again from where it sought (else from the first),
            // after a pause so it cannot spin.
            const from = this.sought.has(k) ? this.positions.get(k) : position;
            console.error(`test binder: handler failed on ${k}@${position}, redelivering from ${from}:`, error);
            if (!this.sought.has(k)) this.positions.set(k, position);
            await this.broker.changed.wait(1000);
          }
        }
      }
      if (!delivered && !this.stopping) {
        await this.broker.changed.wait();
      }
    }
  }
}
