/**
 * The 'test' binder: an in-memory broker in the process, for unit tests of services with no
 * broker at all. Pair it with InputDestination / OutputDestination.
 */
import type {
  BatchHandler,
  Binder,
  ConsumerBinding,
  ConsumerOptions,
  Destination,
  OutboundRecord,
  ProducerBinding,
  ProducerOptions,
  SendResult,
} from '../Binder';
import { TestBroker } from './TestBroker';
import { TestConsumer } from './TestConsumer';
import { CONSUMER_OPTION_DEFAULTS } from '../consumerDefaults';

export interface TestBinderOptions {
  /** Partitions of topics created implicitly. Default 1. */
  defaultPartitions?: number;
  /** Share one in-memory broker between binders (like two processes on one cluster). */
  broker?: TestBroker;
}

let anonymousGroups = 0;

export class TestBinder implements Binder {
  readonly name = 'test';
  readonly broker: TestBroker;
  private readonly consumers = new Set<TestConsumer>();
  private readonly producers = new Set<ProducerBinding>();
  private closed = false;

  constructor(options: TestBinderOptions = {}) {
    this.broker = options.broker ?? new TestBroker(options.defaultPartitions ?? 1);
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
    const broker = this.broker;
    const producers = this.producers;
    const producer: ProducerBinding = {
      destination,
      async send(record: OutboundRecord): Promise<SendResult> {
        return broker.append(destination, record, true);
      },
      async sendMany(records: OutboundRecord[]): Promise<SendResult[]> {
        return records.map((r) => broker.append(destination, r, true));
      },
      async flush(): Promise<void> {},
      async close(): Promise<void> {
        producers.delete(producer);
      },
    };
    this.producers.add(producer);
    return producer;
  }

  async bindConsumer(destination: Destination, options: ConsumerOptions, handler: BatchHandler): Promise<ConsumerBinding> {
    this.assertOpen();
    if (typeof destination === 'string') this.broker.provision(destination, options.partitionCount);
    if (Array.isArray(destination)) for (const t of destination) this.broker.provision(t, options.partitionCount);
    const anonymous = options.group === undefined;
    const group = options.group ?? `anonymous.${++anonymousGroups}`;
    const members: TestConsumer[] = [];
    for (let i = 0; i < Math.max(1, options.concurrency ?? CONSUMER_OPTION_DEFAULTS.concurrency); i++) {
      const member = new TestConsumer(this.broker, destination, group, anonymous, options, handler);
      members.push(member);
      this.consumers.add(member);
      await member.start();
    }
    const consumers = this.consumers;
    return {
      group: options.group,
      pause: () => members.forEach((m) => m.pause()),
      resume: () => members.forEach((m) => m.resume()),
      isPaused: () => members.every((m) => m.isPaused()),
      stop: async (handlerWaitMs?: number) => {
        await Promise.all(members.map((m) => m.stop(handlerWaitMs)));
        members.forEach((m) => consumers.delete(m));
      },
    };
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

  private assertOpen(): void {
    if (this.closed) throw new Error('The test binder is closed');
  }
}
