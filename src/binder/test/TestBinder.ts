/**
 * The 'test' binder: an in-memory broker in the process, for unit tests of services with no
 * broker at all. Pair it with InputDestination / OutputDestination.
 */
import type { BatchHandler, Binder, ConsumerBinding, ConsumerOptions, Destination, ProducerBinding, ProducerOptions, TopicPartition, TopicPartitionOffset } from '../Binder';
import { consumerGroupOf } from '../consumer/consumerGroupOf';
import { checkAssignedPartitions, explicitAssignments, explicitTopics } from '../consumer/explicitAssignments';
import { memberSettingsOf } from '../consumer/MemberSettings';
import { reportConsumerError } from '../consumer/reportConsumerError';
import { resolveTopics } from '../consumer/resolveTopics';
import type { Logger } from '../../logging';
import { TestBinderClosedError } from './errors';
import { TestBroker } from './TestBroker';
import { TestConsumerBinding, type PauseState } from './TestConsumerBinding';
import { TestConsumerMember } from './TestConsumerMember';
import { TestProducerBinding } from './TestProducerBinding';

export interface TestBinderOptions {
  /** Partitions of topics created implicitly. Default 1. */
  defaultPartitions?: number;
  /** Share one in-memory broker between binders (like two processes on one cluster). */
  broker?: TestBroker;
  /** Receives the consumer failures the binder recovers from (the application's logger, when the runtime creates the binder); none: not reported. */
  logger?: Logger;
}

export class TestBinder implements Binder {
  readonly name = 'test';
  readonly broker: TestBroker;
  private readonly consumers = new Set<TestConsumerMember>();
  private readonly producers = new Set<ProducerBinding>();
  private readonly logger: Logger | undefined;
  private closed = false;

  constructor(options: TestBinderOptions = {}) {
    this.broker = options.broker ?? new TestBroker(options.defaultPartitions ?? 1);
    this.logger = options.logger;
  }

  async endOffsets(partitions: TopicPartition[]): Promise<TopicPartitionOffset[]> {
    return partitions.map((tp) => ({ ...tp, offset: this.broker.endOffset(tp.topic, tp.partition) }));
  }

  async provisionTopic(topic: string, partitions: number): Promise<void> {
    this.broker.provision(topic, partitions);
  }

  async partitionCount(topic: string): Promise<number | undefined> {
    return this.broker.partitionCount(topic) || undefined;
  }

  async bindProducer(destination: string, options: ProducerOptions = {}): Promise<ProducerBinding> {
    this.assertOpen();
    this.broker.provision(destination, options.partitionCount);
    const producer: ProducerBinding = new TestProducerBinding(this.broker, destination, () => this.producers.delete(producer));
    this.producers.add(producer);
    return producer;
  }

  async bindConsumer(destination: Destination, options: ConsumerOptions, handler: BatchHandler): Promise<ConsumerBinding> {
    this.assertOpen();
    await resolveTopics(explicitTopics(options) ?? destination, options.partitionCount ?? this.broker.defaultPartitions, this);
    await checkAssignedPartitions(options, async (topic) => this.broker.partitionCount(topic));
    const group = consumerGroupOf(options);
    const state: PauseState = { paused: options.startPaused === true };
    const settings = memberSettingsOf(
      options,
      group,
      () => state.paused,
      (message, error) => reportConsumerError(this.logger, 'test', group.id, message, error),
    );
    const members: TestConsumerMember[] = [];
    const fixed = explicitAssignments(options, group.members);
    for (let i = 0; i < (fixed?.length ?? group.members); i++) {
      const member = new TestConsumerMember(this.broker, destination, group.id, settings, handler, fixed?.[i]);
      members.push(member);
      this.consumers.add(member);
      await member.start();
    }
    return new TestConsumerBinding(options.group, state, members, () => members.forEach((m) => this.consumers.delete(m)));
  }

  /** Topics some consumer of this binder subscribes to. */
  consumedTopics(): string[] {
    const topics = new Set<string>();
    for (const consumer of this.consumers) for (const t of consumer.topics()) topics.add(t);
    return [...topics];
  }

  async close(handlerWaitMs?: number): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.consumers].map((c) => c.stop(handlerWaitMs)));
    this.consumers.clear();
    this.producers.clear();
  }

  /** Topics `pattern` matches now (a member looks again as topics appear). */
  async matchingTopics(pattern: RegExp): Promise<string[]> {
    return this.broker.topicNames().filter((name) => pattern.test(name));
  }

  private assertOpen(): void {
    if (this.closed) throw new TestBinderClosedError();
  }
}
