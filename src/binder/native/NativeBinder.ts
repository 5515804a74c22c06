/**
 * The native binder (the default): the Binder SPI straight over bindery's own broker in the same
 * process — no sockets, no codecs beyond the record batches themselves. Producers accumulate and
 * compress batches and append them with broker.produce; consumers are group members of the
 * broker's coordinator and long-poll broker.fetch.
 *
 *   const binder = new NativeBinder({ dataDir: './data' });   // or {} for an in-memory broker
 */
import type { Broker } from '../../broker/Broker';
import { isInternalTopic } from '../../broker/topics/topicName';
import { ErrorCode } from '../../protocol/errorCodes';
import { assignorByName } from '../../protocol/consumer/assignors';
import { CompressionType } from '../../protocol/records/types';
import type {
  BatchHandler,
  Binder,
  ConsumerBinding,
  ConsumerOptions,
  Destination,
  ProducerBinding,
  ProducerOptions,
  TopicPartition,
  TopicPartitionOffset,
  TransactionalProducer,
  TransactionalProducerOptions,
} from '../Binder';
import { resolveNativeBinderConfig, type NativeBinderConfig, type ResolvedNativeBinderConfig } from './config';
import { NativeBinderClosedError, NativeBrokerError } from './errors';
import { consumerGroupOf } from '../consumer/consumerGroupOf';
import { checkAssignedPartitions, explicitTopics } from '../consumer/explicitAssignments';
import { reportConsumerError } from '../consumer/reportConsumerError';
import { resolveTopics } from '../consumer/resolveTopics';
import type { Logger } from '../../logging';
import { NativeConsumerBinding } from './NativeConsumerBinding';
import { NativeProducerBinding } from './NativeProducerBinding';
import { NativeTransactionalProducer } from './NativeTransactionalProducer';
import { PRODUCER_OPTION_DEFAULTS } from '../producerDefaults';
import { acquireBroker, type BrokerLease } from './sharedBroker';
import { SharedDataDirClientError } from './sharedDataDir/errors';

export class NativeBinder implements Binder {
  readonly name = 'native';
  readonly config: ResolvedNativeBinderConfig;
  private lease: Promise<BrokerLease> | null = null;
  private readonly producers = new Set<ProducerBinding | TransactionalProducer>();
  private readonly consumers = new Set<ConsumerBinding>();
  private closed = false;

  /**
   * `logger` (the application's, when the runtime creates the binder) receives the consumer
   * failures the binder recovers from and the warnings of a broker it opens; a binder given none
   * reports nothing, and a broker it opens logs as the broker does by default.
   */
  constructor(properties: NativeBinderConfig | Record<string, unknown> = {}, private readonly logger?: Logger) {
    this.config = resolveNativeBinderConfig(properties);
  }

  /** The broker this binder uses (opened, or joined when shared, on first use). */
  async broker(): Promise<Broker> {
    const lease = await this.leased();
    if (!lease.broker) throw new SharedDataDirClientError(lease.shared!.dataDir, lease.shared!.announcement.pid);
    return lease.broker;
  }

  /** When another process serves this binder's dataDir: the binder its bindings go through. */
  private async client(): Promise<Binder | null> {
    return (await this.leased()).client;
  }

  private leased(): Promise<BrokerLease> {
    if (this.closed) return Promise.reject(new NativeBinderClosedError());
    if (!this.lease) {
      this.lease = acquireBroker(this.config, this.logger);
      this.lease.catch(() => (this.lease = null));
    }
    return this.lease;
  }

  async endOffsets(partitions: TopicPartition[]): Promise<TopicPartitionOffset[]> {
    const broker = await this.broker();
    return partitions.flatMap((tp) => {
      const p = broker.partition(tp.topic, tp.partition);
      return p ? [{ topic: tp.topic, partition: tp.partition, offset: p.highWatermark }] : [];
    });
  }

  /** The group's committed offsets (the broker's OffsetFetch); partitions without one are left out. */
  async committedOffsets(group: string, partitions: TopicPartition[]): Promise<TopicPartitionOffset[]> {
    const client = await this.client();
    if (client?.committedOffsets) return client.committedOffsets(group, partitions);
    const broker = await this.broker();
    const topics = [...new Set(partitions.map((tp) => tp.topic))].map((name) => ({
      name,
      partitionIndexes: partitions.filter((tp) => tp.topic === name).map((tp) => tp.partition),
    }));
    const fetched = broker.fetchOffsets({ groupId: group, topics }).topics;
    return partitions.flatMap(({ topic, partition }) => {
      const found = fetched.find((t) => t.name === topic)?.partitions.find((p) => p.partitionIndex === partition);
      return found && found.errorCode === ErrorCode.NONE && found.committedOffset >= 0 ? [{ topic, partition, offset: found.committedOffset }] : [];
    });
  }

  async provisionTopic(topic: string, partitions: number): Promise<void> {
    const client = await this.client();
    if (client) return client.provisionTopic(topic, partitions);
    const broker = await this.broker();
    const response = await broker.createTopics({ topics: [{ name: topic, numPartitions: partitions, replicationFactor: -1 }] });
    const result = response.topics[0];
    if (result.errorCode !== ErrorCode.NONE && result.errorCode !== ErrorCode.TOPIC_ALREADY_EXISTS) {
      throw new NativeBrokerError(`Creating topic '${topic}'`, result.errorCode, result.errorMessage);
    }
  }

  async partitionCount(topic: string): Promise<number | undefined> {
    const metadata = await (await this.broker()).metadata({ topics: [{ name: topic }], allowAutoTopicCreation: false });
    const found = metadata.topics.find((t) => t.name === topic);
    return found && found.errorCode === ErrorCode.NONE ? found.partitions.length : undefined;
  }

  async bindProducer(destination: string, options: ProducerOptions = {}): Promise<ProducerBinding> {
    const client = await this.client();
    if (client) return client.bindProducer(destination, options);
    const broker = await this.broker();
    await this.provisionTopic(destination, options.partitionCount ?? this.config.defaultPartitions);
    const idempotent = options.idempotent ?? PRODUCER_OPTION_DEFAULTS.idempotent;
    const producer = await NativeProducerBinding.create(
      broker,
      destination,
      await this.existingPartitionCount(destination),
      {
        compression: options.compression ?? CompressionType.None,
        batchSize: options.batchSize ?? PRODUCER_OPTION_DEFAULTS.batchSize,
        lingerMs: options.lingerMs ?? PRODUCER_OPTION_DEFAULTS.lingerMs,
        idempotent,
        // An idempotent producer needs acks=all, as Kafka's does.
        acks: idempotent ? -1 : (options.acks ?? PRODUCER_OPTION_DEFAULTS.acks),
        attempts: 5,
        retryBackoffMs: 100,
      },
      () => this.producers.delete(producer),
    );
    this.producers.add(producer);
    return producer;
  }

  /** A transactional producer on the broker's transaction coordinator, in this process. */
  async transactionalProducer(transactionalId: string, options: TransactionalProducerOptions = {}): Promise<TransactionalProducer> {
    const client = await this.client();
    if (client?.transactionalProducer) return client.transactionalProducer(transactionalId, options);
    const broker = await this.broker();
    const producer: NativeTransactionalProducer = await NativeTransactionalProducer.create(
      broker,
      transactionalId,
      {
        compression: options.compression ?? CompressionType.None,
        transactionTimeoutMs: options.transactionTimeoutMs ?? PRODUCER_OPTION_DEFAULTS.transactionTimeoutMs,
        partitionsOf: async (topic) => {
          await this.provisionTopic(topic, options.partitionCount ?? this.config.defaultPartitions);
          return this.existingPartitionCount(topic);
        },
      },
      () => this.producers.delete(producer),
    );
    this.producers.add(producer);
    return producer;
  }

  async bindConsumer(destination: Destination, options: ConsumerOptions, handler: BatchHandler): Promise<ConsumerBinding> {
    const client = await this.client();
    if (client) return client.bindConsumer(destination, options, handler);
    const broker = await this.broker();
    const topics = await resolveTopics(explicitTopics(options) ?? destination, options.partitionCount ?? this.config.defaultPartitions, this);
    await checkAssignedPartitions(options, (topic) => this.existingPartitionCount(topic));
    const group = consumerGroupOf(options);
    let binding: NativeConsumerBinding | undefined = undefined;
    binding = await NativeConsumerBinding.create(
      broker,
      options,
      handler,
      {
        group,
        topics,
        assignor: assignorByName(this.config.assignor)!,
        fetchMaxWaitMs: this.config.fetchMaxWaitMs,
        fetchMaxBytesPerPartition: this.config.fetchMaxBytesPerPartition,
        inProcessHeartbeatMs: this.config.inProcessHeartbeatMs,
        pattern:
          destination instanceof RegExp
            ? { regexp: destination, refreshMs: this.config.topicPatternRefreshMs, matching: () => this.matchingTopics(destination) }
            : undefined,
        reportError: (message, error) => reportConsumerError(this.logger, 'native', group.id, message, error),
      },
      () => binding && this.consumers.delete(binding),
    );
    this.consumers.add(binding);
    return binding;
  }

  async close(handlerWaitMs?: number): Promise<void> {
    if (this.closed) return;
    await Promise.allSettled([...this.consumers].map((binding) => binding.stop(handlerWaitMs)));
    await Promise.allSettled([...this.producers].map((binding) => binding.close()));
    this.closed = true;
    const lease = await this.lease?.catch(() => null);
    await lease?.release(handlerWaitMs);
  }

  /** Topics `pattern` matches now, internal ones aside. */
  async matchingTopics(pattern: RegExp): Promise<string[]> {
    const metadata = await (await this.broker()).metadata({ topics: null });
    return metadata.topics
      .map((t) => t.name)
      .filter((name) => !isInternalTopic(name) && pattern.test(name))
      .sort();
  }

  private async existingPartitionCount(topic: string): Promise<number> {
    const metadata = await (await this.broker()).metadata({ topics: [{ name: topic }], allowAutoTopicCreation: false });
    const found = metadata.topics.find((t) => t.name === topic);
    if (!found || found.errorCode !== ErrorCode.NONE) throw new NativeBrokerError(`Looking up topic '${topic}'`, found?.errorCode ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null);
    return found.partitions.length;
  }
}

