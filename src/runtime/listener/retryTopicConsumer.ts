/**
 * The consumer of a listener's retry topics: creates them (and the dead-letter topic) with the
 * main topic's partition count, binds one consumer in the group `<group>-retry` to all of them,
 * and holds a partition whose head record is not due yet.
 */
import type { Binder, BatchHandler, ConsumerBinding, ConsumerOptions, ConsumerSession, InboundRecord } from '../../binder/Binder';
import type { Clock } from '../clock';
import type { ConsumerDefinition } from '../model';
import { DueTimeHolds } from './dueTimeHolds';
import type { RetryTopicRoutes } from './recovery';
import { dueTime } from './retryTopics';

export class RetryTopicConsumer {
  private binding: ConsumerBinding | undefined;
  private readonly holds: DueTimeHolds;
  /** Partition count of each retry and dead-letter topic, once created at start. */
  private readonly created: Promise<Map<string, number>>;
  private topicsCreated!: (counts: Map<string, number>) => void;
  private topicsFailed!: (error: unknown) => void;

  constructor(
    readonly routes: RetryTopicRoutes,
    private readonly definition: ConsumerDefinition,
    private readonly binder: Binder,
    private readonly clock: Clock,
  ) {
    this.holds = new DueTimeHolds(clock);
    // A forward made while start() creates the topics waits for them, so none is created with another partition count.
    this.created = new Promise((resolve, reject) => {
      this.topicsCreated = resolve;
      this.topicsFailed = reject;
    });
    this.created.catch(() => undefined);
  }

  /** The retry and dead-letter topics with their partition counts, once created. */
  topics(): Promise<Map<string, number>> {
    return this.created;
  }

  /** `handler` gets the retry topics' batches with the binding that delivered them (undefined while binding). */
  async start(options: ConsumerOptions, handler: (batch: Parameters<BatchHandler>[0], session: ConsumerSession, binding: ConsumerBinding | undefined) => Promise<void>): Promise<void> {
    try {
      this.topicsCreated(await this.createTopics());
    } catch (error) {
      this.topicsFailed(error);
      throw error;
    }
    const group = `${this.definition.group ?? this.definition.name}-retry`;
    const retryOptions: ConsumerOptions = { ...options, group, startOffset: 'earliest', partitionCount: undefined, topicPartitions: undefined };
    this.binding = await this.binder.bindConsumer(this.routes.allRetryTopics(), retryOptions, (batch, session) => handler(batch, session, this.binding));
  }

  private async createTopics(): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const main of this.routes.mainTopics()) {
      const partitions = (await this.binder.partitionCount?.(main)) ?? this.definition.consumer.partitionCount ?? 1;
      for (const topic of [...this.routes.retryTopicsOf(main), this.routes.deadLetterTopic(main)]) {
        await this.binder.provisionTopic(topic, partitions);
        counts.set(topic, partitions);
      }
    }
    return counts;
  }

  /** A retry topic's record not due yet: handed back, its partition held until it is. True when held. */
  holdUntilDue(record: InboundRecord, session: ConsumerSession): boolean {
    if (!this.routes.isRetryTopic(record.topic)) return false;
    const due = dueTime(record);
    if (due === undefined || due <= this.clock.now()) return false;
    session.seek({ topic: record.topic, partition: record.partition, offset: record.offset });
    this.holds.hold(record.topic, record.partition, due, session);
    return true;
  }

  pause(): void {
    this.binding?.pause();
  }

  /** Held partitions stay paused until their head is due. */
  resume(): void {
    this.binding?.resume();
  }

  async stop(timeoutMs: number): Promise<void> {
    this.holds.close();
    await this.binding?.stop(timeoutMs);
  }
}
