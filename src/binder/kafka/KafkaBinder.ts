/**
 * The kafka binder: the Binder SPI over kafkajs, for Apache Kafka or `bindery broker`.
 * Producers are idempotent with acks=all unless told otherwise; consumers commit only what the
 * runtime commits; topics are created through the admin client.
 */
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
import { consumerGroupOf } from '../consumer/consumerGroupOf';
import { checkAssignedPartitions, explicitAssignments, explicitTopics, initialOffsetsOf } from '../consumer/explicitAssignments';
import { memberSettingsOf } from '../consumer/MemberSettings';
import { reportConsumerError } from '../consumer/reportConsumerError';
import type { PartitionOffsets } from '../consumer/seekAssigned';
import { resolveTopics } from '../consumer/resolveTopics';
import { registerCompressionCodecs } from './codecs';
import { installConsumerStopFix } from './consumerStopFix';
import { resolveKafkaBinderConfig, type KafkaBinderConfig, type ResolvedKafkaBinderConfig } from './config';
import { hasErrorType, KafkaBinderClosedError, KafkaBinderError, KafkaSessionTimeoutError, toBinderError } from './errors';
import { KafkaConsumerBinding, type PauseState } from './KafkaConsumerBinding';
import { KafkaConsumerMember } from './KafkaConsumerMember';
import { KafkaProducerBinding } from './KafkaProducerBinding';
import { KafkaTransactionalProducer } from './KafkaTransactionalProducer';
import { kafkajsLogCreator } from './logging';
import { installRequestQueueTimerFix } from './requestQueueTimerFix';
import type { Logger } from '../../logging';
import { awaitTopicLeaders } from './topicLeaders';
import { CONSUMER_OPTION_DEFAULTS } from '../consumerDefaults';
import { PRODUCER_OPTION_DEFAULTS } from '../producerDefaults';
import { PartitionChoices } from './partitioner';
import { openOutbox } from './outbox/openOutbox';
import { kafkajsAssigner } from './partitionAssigners';
import { FixedAssignment, privateGroupId } from './FixedAssignment';
import { endsOfUncommitted, fixedStartPositions, type OffsetLookups } from './startPositions';

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

  /**
   * `logger` (the application's, when the runtime creates the binder) receives kafkajs' lines and
   * the consumer failures the binder recovers from. Without one (a binder created outside an
   * application) kafkajs logs as it does by default and the binder reports nothing.
   */
  constructor(config: KafkaBinderConfig = {}, private readonly logger?: Logger) {
    registerCompressionCodecs();
    installConsumerStopFix();
    installRequestQueueTimerFix();
    this.config = resolveKafkaBinderConfig(config);
    this.kafka = this.client(this.config.brokers);
  }

  /** A kafkajs client of the binder's settings, bootstrapping from `brokers`. */
  private client(brokers: string[]): Kafka {
    const c = this.config;
    return new Kafka({
      clientId: c.clientId,
      brokers,
      ssl: c.ssl,
      sasl: c.sasl,
      connectionTimeout: c.connectionTimeoutMs,
      requestTimeout: c.requestTimeoutMs,
      retry: c.retry,
      logLevel: LOG_LEVELS[c.logLevel],
      logCreator: this.logger ? kafkajsLogCreator(this.logger) : undefined,
    });
  }

  /**
   * Creates `topic` unless it exists and resolves once every partition has a leader. A concurrent
   * creator (another binder or process) is no failure: its topic is waited for like one's own.
   */
  async provisionTopic(topic: string, partitions: number): Promise<void> {
    const admin = await this.connectedAdmin();
    const existing = await this.attempt(`listing topics`, () => admin.listTopics());
    if (!existing.includes(topic)) await this.createTopic(admin, topic, partitions);
    const { brokers, requestTimeoutMs, retry } = this.config;
    await this.attempt(`creating topic '${topic}'`, () =>
      // Every broker of a cluster learns of a new topic a moment after the controller: wait for all of them.
      awaitTopicLeaders(admin, topic, { brokers, timeoutMs: requestTimeoutMs, pollMs: retry.initialRetryTime }, (address) => this.client([address]).admin()),
    );
  }

  private async createTopic(admin: Admin, topic: string, partitions: number): Promise<void> {
    const spec: ITopicConfig = {
      topic,
      numPartitions: partitions,
      // CreateTopics v3 (kafkajs' newest) has no "broker default" (-1) replication factor.
      replicationFactor: this.config.replicationFactor > 0 ? this.config.replicationFactor : 1,
      configEntries: Object.entries(this.config.topicConfig).map(([name, value]) => ({ name, value })),
    };
    try {
      // kafkajs' own wait gives up on UNKNOWN_TOPIC_OR_PARTITION, the answer while the topic spreads.
      await admin.createTopics({ topics: [spec], waitForLeaders: false });
    } catch (error) {
      // Another instance may have created it in between.
      if (hasErrorType(error, 'TOPIC_ALREADY_EXISTS')) return;
      const nested = (error as { errors?: { type?: string }[] }).errors;
      if (nested?.every((e) => e.type === 'TOPIC_ALREADY_EXISTS')) return;
      throw toBinderError(`creating topic '${topic}'`, this.config.brokers, error);
    }
  }

  async partitionCount(topic: string): Promise<number | undefined> {
    const admin = await this.connectedAdmin();
    const existing = await this.attempt(`listing topics`, () => admin.listTopics());
    if (!existing.includes(topic)) return undefined;
    const metadata = await this.attempt(`describing topic '${topic}'`, () => admin.fetchTopicMetadata({ topics: [topic] }));
    return metadata.topics[0]?.partitions.length;
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
      // An idempotent send that gave up would leave the producer's sequence numbers out of step with
      // the broker's (kafkajs warns about any limit): it retries with the binder's backoff until the
      // broker answers, while reaching the cluster (connecting, metadata) stays bounded by `retry`.
      retry: idempotent ? { ...this.config.retry, retries: Number.MAX_SAFE_INTEGER } : this.config.retry,
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
    const group = consumerGroupOf(options);
    const groupId = group.id;
    // Explicit assignment: each member alone in a private group, committing to the named one.
    const fixed = explicitAssignments(options, group.members)?.map(
      (partitions) => new FixedAssignment(partitions, privateGroupId(options.group), group.anonymous ? null : groupId),
    );
    const topics = await resolveTopics(explicitTopics(options) ?? destination, options.partitionCount ?? 1, this);
    if (fixed) await checkAssignedPartitions(options, async (topic) => (await this.partitionCount(topic)) ?? 0);
    const lookups: OffsetLookups = { admin: await this.connectedAdmin(), attempt: (what, action) => this.attempt(what, action), offsets: this.partitionOffsets };
    const startPositions = fixed
      ? await fixedStartPositions(lookups, fixed.flatMap((f) => f.partitions), initialOffsetsOf(options), group.startOffset, fixed[0].commitGroup)
      : group.startOffset === 'latest'
        ? await endsOfUncommitted(lookups, groupId, topics)
        : [];
    const rebalanceTimeout = options.rebalanceTimeoutMs ?? CONSUMER_OPTION_DEFAULTS.rebalanceTimeoutMs;
    const state: PauseState = { paused: false };
    const members: KafkaConsumerMember[] = [];
    const reportError = (message: string, error: unknown): void => reportConsumerError(this.logger, 'kafka', groupId, message, error);
    for (let i = 0; i < (fixed?.length ?? group.members); i++) {
      const assignment = fixed?.[i];
      const consumer = this.kafka.consumer({
        groupId: assignment?.privateGroup ?? groupId,
        sessionTimeout: options.sessionTimeoutMs ?? CONSUMER_OPTION_DEFAULTS.sessionTimeoutMs,
        rebalanceTimeout,
        heartbeatInterval: options.heartbeatIntervalMs ?? CONSUMER_OPTION_DEFAULTS.heartbeatIntervalMs,
        maxWaitTimeInMs: 1000,
        readUncommitted: (options.isolationLevel ?? CONSUMER_OPTION_DEFAULTS.isolationLevel) === 'read_uncommitted',
        allowAutoTopicCreation: false,
        retry: this.config.retry,
        partitionAssigners: assignment ? [assignment.assigner] : this.config.assignor ? [kafkajsAssigner(this.config.assignor)] : undefined,
      });
      members.push(
        new KafkaConsumerMember(consumer, handler, {
          ...memberSettingsOf(options, group, () => state.paused, reportError),
          startPositions,
          fixed: assignment,
          joinTimeoutMs: rebalanceTimeout + this.config.requestTimeoutMs,
          offsets: this.partitionOffsets,
          committedOffsets: (partitions) => this.committedOffsets(groupId, partitions),
        }),
      );
    }
    const subscription = destination instanceof RegExp && !fixed ? [destination] : topics;
    const fromBeginning = group.startOffset === 'earliest';
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
      await this.deletePrivateGroups(fixed);
      const what = `binding a consumer of group '${groupId}'`;
      if (hasErrorType(error, 'INVALID_SESSION_TIMEOUT')) throw new KafkaSessionTimeoutError(what, options.sessionTimeoutMs ?? CONSUMER_OPTION_DEFAULTS.sessionTimeoutMs);
      throw toBinderError(what, this.config.brokers, error);
    }
    const binding = new KafkaConsumerBinding(options.group, state, members, topics, async () => {
      this.consumers.delete(binding);
      await this.deletePrivateGroups(fixed);
      if (group.anonymous && !fixed) await this.deleteGroupsQuietly([groupId]);
    });
    this.consumers.add(binding);
    return binding;
  }

  /** Private groups are housekeeping only: each is empty once its member left. */
  private async deletePrivateGroups(fixed: FixedAssignment[] | undefined): Promise<void> {
    if (fixed) await this.deleteGroupsQuietly(fixed.map((assignment) => assignment.privateGroup));
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

  /** The group's committed offsets (OffsetFetch through the admin client); partitions without one are left out. */
  async committedOffsets(group: string, partitions: TopicPartition[]): Promise<TopicPartitionOffset[]> {
    const admin = await this.connectedAdmin();
    const topics = [...new Set(partitions.map((tp) => tp.topic))];
    const fetched = await this.attempt(`fetching the offsets of group '${group}'`, () => admin.fetchOffsets({ groupId: group, topics }));
    return partitions.flatMap(({ topic, partition }) => {
      const offset = Number(fetched.find((t) => t.topic === topic)?.partitions.find((p) => p.partition === partition)?.offset ?? -1);
      return offset >= 0 ? [{ topic, partition, offset }] : [];
    });
  }

  /** The connected kafkajs admin client, for tools and tests (e.g. offsets of a group). */
  async adminClient(): Promise<Admin> {
    return this.connectedAdmin();
  }

  /** ListOffsets through the admin client, for seekTo. */
  private readonly partitionOffsets: PartitionOffsets = {
    earliest: async (topic, partition) => Number((await this.partitionEnds(topic, partition)).low),
    latest: async (topic, partition) => Number((await this.partitionEnds(topic, partition)).high),
    forTimestamp: async (topic, partition, timestamp) => {
      const admin = await this.connectedAdmin();
      // Also the high watermark for none: kafkajs answers the end where Kafka answers -1.
      const found = await this.attempt(`looking up ${topic}-${partition} by timestamp`, () => admin.fetchTopicOffsetsByTimestamp(topic, timestamp));
      const offset = Number(found.find((p) => p.partition === partition)?.offset ?? -1);
      return offset < 0 ? null : offset;
    },
  };

  private async partitionEnds(topic: string, partition: number): Promise<{ low: string; high: string }> {
    const admin = await this.connectedAdmin();
    const ends = await this.attempt(`looking up the offsets of ${topic}-${partition}`, () => admin.fetchTopicOffsets(topic));
    const found = ends.find((p) => p.partition === partition);
    if (!found) throw new KafkaBinderError(`looking up the offsets of ${topic}-${partition}`, new Error(`the topic has no partition ${partition}`));
    return found;
  }

  /** Topics of the cluster `pattern` matches now. */
  async matchingTopics(pattern: RegExp): Promise<string[]> {
    const admin = await this.connectedAdmin();
    const all = await this.attempt('listing topics', () => admin.listTopics());
    return all.filter((topic) => pattern.test(topic));
  }

  private async deleteGroupsQuietly(groupIds: string[]): Promise<void> {
    if (this.closed && !this.admin) return;
    try {
      const admin = await this.connectedAdmin();
      await admin.deleteGroups(groupIds);
    } catch {
      // Only housekeeping: an empty anonymous or private group expires on its own.
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
