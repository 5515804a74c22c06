/**
 * The kafka binder: the Binder SPI over kafkajs, for Apache Kafka or `bindery broker`.
 * Producers are idempotent with acks=all unless told otherwise; consumers commit only what the
 * runtime commits; topics are created through the admin client.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel as KafkajsLogLevel } from 'kafkajs';
import type { Admin, ITopicConfig } from 'kafkajs';
import type {
  BatchHandler,
  Binder,
  ConsumerBinding,
  ConsumerOptions,
  Destination,
  OutboundRecord,
  ProducerBinding,
  ProducerOptions,
  TopicPartition,
  TopicPartitionOffset,
  TransactionalProducer,
  TransactionalProducerOptions,
} from '../Binder';
import { reportConsumerError } from '../reportError';
import { registerCompressionCodecs } from './codecs';
import { installConsumerStopFix } from './consumerStopFix';
import { resolveKafkaBinderConfig, type KafkaBinderConfig, type ResolvedKafkaBinderConfig } from './config';
import { hasErrorType, KafkaBinderClosedError, KafkaSessionTimeoutError, toBinderError } from './errors';
import { KafkaConsumerBinding, type PauseState } from './KafkaConsumerBinding';
import { KafkaConsumerMember } from './KafkaConsumerMember';
import { KafkaProducerBinding } from './KafkaProducerBinding';
import { KafkaTransactionalProducer } from './KafkaTransactionalProducer';
import { kafkajsLogCreator } from './logging';
import { installRequestQueueTimerFix } from './requestQueueTimerFix';
import type { BinderLogger } from '../registry';
import { CONSUMER_OPTION_DEFAULTS } from '../consumerDefaults';
import { PRODUCER_OPTION_DEFAULTS } from '../producerDefaults';
import { PartitionChoices } from './partitioner';
import { openOutbox } from './outbox/openOutbox';
import { kafkajsAssigner } from './partitionAssigners';

const LOG_LEVELS = {
  nothing: KafkajsLogLevel.NOTHING,
  error: KafkajsLogLevel.ERROR,
  warn: KafkajsLogLevel.WARN,
  info: KafkajsLogLevel.INFO,
  debug: KafkajsLogLevel.DEBUG,
} as const;

export class KafkaBinder implements Binder {
  readonly name = 'kafka';
  readonly config: ResolvedKafkaBinderConfig;
  private readonly kafka: Kafka;
  private admin: Promise<Admin> | null = null;
  /** The admin client readiness checks use: no retries, so a check answers at once. */
  private probe: Admin | null = null;
  private readonly producers = new Set<ProducerBinding | TransactionalProducer>();
  private readonly consumers = new Set<ConsumerBinding>();
  private closed = false;

  /** Without a `logger` (a binder created outside an application) kafkajs logs as it does by default. */
  constructor(config: KafkaBinderConfig = {}, private readonly logger?: BinderLogger) {
    registerCompressionCodecs();
    installConsumerStopFix();
    installRequestQueueTimerFix();
    this.config = resolveKafkaBinderConfig(config);
    const c = this.config;
    this.kafka = new Kafka({
      clientId: c.clientId,
      brokers: c.brokers,
      ssl: c.ssl,
      sasl: c.sasl,
      connectionTimeout: c.connectionTimeoutMs,
      requestTimeout: c.requestTimeoutMs,
      retry: c.retry,
      logLevel: LOG_LEVELS[c.logLevel],
      logCreator: logger ? kafkajsLogCreator(logger) : undefined,
    });
  }

  async provisionTopic(topic: string, partitions: number): Promise<void> {
    const admin = await this.connectedAdmin();
    const existing = await this.attempt(`listing topics`, () => admin.listTopics());
    if (existing.includes(topic)) return;
    const spec: ITopicConfig = {
      topic,
      numPartitions: partitions,
      // CreateTopics v3 (kafkajs' newest) has no "broker default" (-1) replication factor.
      replicationFactor: this.config.replicationFactor > 0 ? this.config.replicationFactor : 1,
      configEntries: Object.entries(this.config.topicConfig).map(([name, value]) => ({ name, value })),
    };
    try {
      await admin.createTopics({ topics: [spec], waitForLeaders: true });
    } catch (error) {
      // Another instance may have created it in between.
      if ((error as { type?: string }).type === 'TOPIC_ALREADY_EXISTS') return;
      const nested = (error as { errors?: { type?: string }[] }).errors;
      if (nested?.every((e) => e.type === 'TOPIC_ALREADY_EXISTS')) return;
      throw toBinderError(`creating topic '${topic}'`, this.config.brokers, error);
    }
  }

  async bindProducer(destination: string, options: ProducerOptions = {}): Promise<ProducerBinding> {
    this.assertOpen();
    // the outbox forwards through the idempotent producer: a retried forward is never written twice
    const idempotent = (options.idempotent ?? PRODUCER_OPTION_DEFAULTS.idempotent) || options.outbox !== undefined;
    const acks = options.acks ?? PRODUCER_OPTION_DEFAULTS.acks;
    const choices = new PartitionChoices();
    const producer = this.kafka.producer({
      idempotent,
      // kafkajs keeps sequence numbers correct only with one request in flight per broker.
      maxInFlightRequests: idempotent ? 1 : undefined,
      createPartitioner: choices.partitioner,
      allowAutoTopicCreation: false,
      retry: this.config.retry,
    });
    const connect = async () => {
      await this.provisionTopic(destination, options.partitionCount ?? 1);
      await this.attempt(`connecting a producer for '${destination}'`, () => producer.connect());
    };
    const cluster = { kafka: this.kafka, admin: () => this.connectedAdmin(), connect, send: (records: OutboundRecord[]) => binding.sendStored(records) };
    const outbox = options.outbox ? await openOutbox(options.outbox.dataDir, destination, cluster, this.config, this.logger) : undefined;
    if (!outbox) await connect();
    const binding: KafkaProducerBinding = new KafkaProducerBinding(
      destination,
      producer,
      choices,
      {
        acks: idempotent ? -1 : acks,
        compression: options.compression,
        lingerMs: options.lingerMs ?? 0,
        toError: (error) => toBinderError(`sending to '${destination}'`, this.config.brokers, error),
        outbox,
      },
      () => this.producers.delete(binding),
    );
    this.producers.add(binding);
    return binding;
  }

  /** A transactional producer: kafkajs's, with `transactionalId` (connecting fences an older producer of the id). */
  async transactionalProducer(transactionalId: string, options: TransactionalProducerOptions = {}): Promise<TransactionalProducer> {
    this.assertOpen();
    const choices = new PartitionChoices();
    const producer = this.kafka.producer({
      transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: options.transactionTimeoutMs ?? PRODUCER_OPTION_DEFAULTS.transactionTimeoutMs,
      createPartitioner: choices.partitioner,
      allowAutoTopicCreation: false,
      retry: transactionalRetry(this.config.retry),
    });
    await this.attempt(`connecting the transactional producer '${transactionalId}'`, async () => {
      await producer.connect();
      // kafkajs registers the transactional id at the first transaction(): done now, so the older
      // producer of the id is fenced when this one is created (an empty transaction ends locally).
      await (await producer.transaction()).abort();
    });
    const transactional: KafkaTransactionalProducer = new KafkaTransactionalProducer(
      transactionalId,
      producer,
      choices,
      {
        compression: options.compression,
        provision: (topic) => this.provisionTopic(topic, options.partitionCount ?? 1),
        toError: (what, error) => toBinderError(what, this.config.brokers, error),
      },
      () => this.producers.delete(transactional),
    );
    this.producers.add(transactional);
    return transactional;
  }

  async bindConsumer(destination: Destination, options: ConsumerOptions, handler: BatchHandler): Promise<ConsumerBinding> {
    this.assertOpen();
    const anonymous = options.group === undefined;
    const groupId = options.group ?? `bindery.anonymous.${randomUUID()}`;
    const startOffset = options.startOffset ?? (anonymous ? 'latest' : 'earliest');
    const topics = await this.resolveTopics(destination, options.partitionCount ?? 1);
    const startPositions = startOffset === 'latest' ? await this.endsOfUncommitted(groupId, topics) : [];
    const rebalanceTimeout = options.rebalanceTimeoutMs ?? CONSUMER_OPTION_DEFAULTS.rebalanceTimeoutMs;
    const state: PauseState = { paused: false };
    const members: KafkaConsumerMember[] = [];
    const concurrency = Math.max(1, options.concurrency ?? CONSUMER_OPTION_DEFAULTS.concurrency);
    for (let i = 0; i < concurrency; i++) {
      const consumer = this.kafka.consumer({
        groupId,
        sessionTimeout: options.sessionTimeoutMs ?? CONSUMER_OPTION_DEFAULTS.sessionTimeoutMs,
        rebalanceTimeout,
        heartbeatInterval: options.heartbeatIntervalMs ?? CONSUMER_OPTION_DEFAULTS.heartbeatIntervalMs,
        maxWaitTimeInMs: 1000,
        readUncommitted: (options.isolationLevel ?? CONSUMER_OPTION_DEFAULTS.isolationLevel) === 'read_uncommitted',
        allowAutoTopicCreation: false,
        retry: this.config.retry,
        partitionAssigners: this.config.assignor ? [kafkajsAssigner(this.config.assignor)] : undefined,
      });
      members.push(
        new KafkaConsumerMember(consumer, handler, {
          maxBatchRecords: options.maxBatchRecords ?? CONSUMER_OPTION_DEFAULTS.maxBatchRecords,
          anonymous,
          startPositions,
          joinTimeoutMs: rebalanceTimeout + this.config.requestTimeoutMs,
          onPartitionsRevoked: options.onPartitionsRevoked,
          onPartitionsAssigned: options.onPartitionsAssigned,
          isPaused: () => state.paused,
          reportError: (message, error) => reportConsumerError(this.logger, 'kafka', groupId, message, error),
        }),
      );
    }
    const subscription = destination instanceof RegExp ? [destination] : topics;
    const fromBeginning = startOffset === 'earliest';
    try {
      await Promise.all(
        members.map(async (member) => {
          await this.attempt(`connecting a consumer of group '${groupId}'`, () => member.consumer.connect());
          await member.consumer.subscribe({ topics: subscription, fromBeginning });
          await member.start();
        }),
      );
    } catch (error) {
      await Promise.allSettled(members.map((member) => member.consumer.disconnect()));
      const what = `binding a consumer of group '${groupId}'`;
      if (hasErrorType(error, 'INVALID_SESSION_TIMEOUT')) throw new KafkaSessionTimeoutError(what, options.sessionTimeoutMs ?? CONSUMER_OPTION_DEFAULTS.sessionTimeoutMs);
      throw toBinderError(what, this.config.brokers, error);
    }
    const binding = new KafkaConsumerBinding(options.group, state, members, topics, async () => {
      this.consumers.delete(binding);
      if (anonymous) await this.deleteGroupQuietly(groupId);
    });
    this.consumers.add(binding);
    return binding;
  }

  async close(handlerWaitMs?: number): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.consumers].map((binding) => binding.stop(handlerWaitMs)));
    await Promise.allSettled([...this.producers].map((binding) => binding.close()));
    await this.probe?.disconnect().catch(() => undefined);
    if (this.admin) {
      const admin = await this.admin.catch(() => null);
      await admin?.disconnect();
    }
  }

  /** One metadata request (DescribeCluster's), with no retries: whether the cluster answers now. */
  async checkConnection(): Promise<void> {
    if (this.closed) throw new KafkaBinderClosedError();
    const probe = (this.probe ??= this.kafka.admin({ retry: { retries: 0 } }));
    try {
      await probe.connect();
      await probe.describeCluster();
    } catch (error) {
      // A fresh client next time: kafkajs keeps a broken connection's state.
      if (this.probe === probe) this.probe = null;
      await probe.disconnect().catch(() => undefined);
      throw toBinderError('checking the connection to the cluster', this.config.brokers, error);
    }
  }

  async endOffsets(partitions: TopicPartition[]): Promise<TopicPartitionOffset[]> {
    const admin = await this.connectedAdmin();
    const wanted = new Set(partitions.map((tp) => `${tp.topic}\u0000${tp.partition}`));
    const out: TopicPartitionOffset[] = [];
    for (const topic of new Set(partitions.map((tp) => tp.topic))) {
      const ends = await this.attempt('fetching topic offsets', () => admin.fetchTopicOffsets(topic));
      for (const e of ends) if (wanted.has(`${topic}\u0000${e.partition}`)) out.push({ topic, partition: e.partition, offset: Number(e.high) });
    }
    return out;
  }

  /** The connected kafkajs admin client, for tools and tests (e.g. offsets of a group). */
  async adminClient(): Promise<Admin> {
    return this.connectedAdmin();
  }

  private async resolveTopics(destination: Destination, partitionCount: number): Promise<string[]> {
    if (destination instanceof RegExp) {
      const admin = await this.connectedAdmin();
      const all = await this.attempt('listing topics', () => admin.listTopics());
      return all.filter((topic) => destination.test(topic));
    }
    const topics = typeof destination === 'string' ? [destination] : destination;
    for (const topic of topics) await this.provisionTopic(topic, partitionCount);
    return topics;
  }

  /**
   * The current end of every partition that has no committed offset for the group. A 'latest'
   * binding starts there, so it sees exactly what is sent after bindConsumer resolves (kafkajs
   * would look the end up at its first fetch, a moment later).
   */
  private async endsOfUncommitted(groupId: string, topics: string[]): Promise<TopicPartitionOffset[]> {
    const admin = await this.connectedAdmin();
    const positions: TopicPartitionOffset[] = [];
    for (const topic of topics) {
      const [committed, ends] = await Promise.all([
        this.attempt('fetching group offsets', () => admin.fetchOffsets({ groupId, topics: [topic] })),
        this.attempt('fetching topic offsets', () => admin.fetchTopicOffsets(topic)),
      ]);
      const uncommitted = new Set(
        (committed[0]?.partitions ?? []).filter((p) => Number(p.offset) < 0).map((p) => p.partition),
      );
      for (const end of ends) {
        if (uncommitted.has(end.partition)) positions.push({ topic, partition: end.partition, offset: Number(end.high) });
      }
    }
    return positions;
  }

  private async deleteGroupQuietly(groupId: string): Promise<void> {
    if (this.closed && !this.admin) return;
    try {
      const admin = await this.connectedAdmin();
      await admin.deleteGroups([groupId]);
    } catch {
      // Only housekeeping: an empty anonymous group expires on its own.
    }
  }

  private connectedAdmin(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin({ retry: this.config.retry });
      this.admin = this.attempt('connecting the admin client', () => admin.connect()).then(() => admin);
      this.admin.catch(() => (this.admin = null));
    }
    return this.admin;
  }

  private async attempt<T>(what: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      throw toBinderError(what, this.config.brokers, error);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new KafkaBinderClosedError();
  }
}

/** Java's producer retries AddPartitionsToTxn after this long (its ADD_PARTITIONS_RETRY_BACKOFF_MS). */
const TRANSACTION_RETRY_BACKOFF_MS = 20;

/**
 * Kafka answers the first AddPartitionsToTxn of a transaction CONCURRENT_TRANSACTIONS while the
 * previous one's markers are still being written: a transactional producer retries it after a short
 * backoff, as Java's does, with as many more retries as keep the total wait of the binder's policy.
 */
function transactionalRetry(retry: { retries: number; initialRetryTime: number; maxRetryTime: number }): typeof retry {
  if (retry.initialRetryTime <= TRANSACTION_RETRY_BACKOFF_MS) return retry;
  const extra = Math.ceil(Math.log2(retry.initialRetryTime / TRANSACTION_RETRY_BACKOFF_MS));
  return { ...retry, initialRetryTime: TRANSACTION_RETRY_BACKOFF_MS, retries: retry.retries + extra };
}
