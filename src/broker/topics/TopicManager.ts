/**
 * Topics on this node: create (validated names and configs), delete, add partitions, auto-create,
 * and reopening every partition log on start from the persisted metadata.
 */
import { randomUUID } from 'node:crypto';
import type { LogConfig, PartitionLog } from '../log/types';
import type { Logger } from '../../logging';
import { describeFsError } from '../log/errors';
import type { FileSystem } from '../storage/FileSystem';
import { ErrorCode } from '../../protocol/errorCodes';
import { BrokerRequestError } from '../BrokerRequestError';
import type { BrokerConfig } from '../config/BrokerConfig';
import { TopicConfig, type BrokerTopicDefaults } from '../config/TopicConfig';
import { parseTopicConfigs, TOPIC_CONFIG_BY_BROKER_NAME } from '../config/topicConfigDefs';
import { Partition } from '../partition/Partition';
import type { MetadataStore, TopicRecord } from './MetadataStore';
import { Topic } from './Topic';
import { CONSUMER_OFFSETS_TOPIC, TRANSACTION_STATE_TOPIC, collisionKey, isInternalTopic, validateTopicName } from './topicName';

/** Where partition logs come from (the broker's LogDirectory). */
export interface LogProvider {
  openLog(topic: string, partition: number, config: LogConfig): PartitionLog;
  /** Closes and removes a partition's log and its checkpoint entries. */
  deleteLog(topic: string, partition: number): void;
}

export interface NewTopic {
  name: string;
  numPartitions?: number;
  replicationFactor?: number;
  configs?: Record<string, string | null>;
}

export class TopicManager {
  private readonly topics = new Map<string, Topic>();
  /** Topic names by their collision key ('.' and '_' alike), so a create checks one entry, not every topic. */
  private readonly collisionKeys = new Map<string, string>();
  private closed = false;
  /** Called when partitions appear (create, add partitions, load) and before they go (delete). */
  onPartitionAdded: (p: Partition) => void = () => {};
  onPartitionRemoved: (p: Partition) => void = () => {};

  constructor(
    private readonly fs: FileSystem,
    private readonly config: BrokerConfig,
    private readonly store: MetadataStore,
    private readonly logs: LogProvider,
    private readonly logger: Logger,
  ) {}

  /** The topic defaults of every source: dynamic broker configs (persisted) over the start-up ones. */
  get brokerTopicDefaults(): BrokerTopicDefaults {
    const dynamic = this.store.doc.brokerConfigs ?? {};
    const asTopicNames = (brokerConfigs: Record<string, string> | undefined) =>
      Object.fromEntries(Object.entries(brokerConfigs ?? {}).flatMap(([k, v]) => (TOPIC_CONFIG_BY_BROKER_NAME.has(k) ? [[TOPIC_CONFIG_BY_BROKER_NAME.get(k)!, v]] : [])));
    return {
      dynamicBroker: asTopicNames(dynamic[String(this.config.nodeId)]),
      dynamicDefaultBroker: asTopicNames(dynamic['']),
      staticBroker: this.config.topicDefaults,
    };
  }

  /**
   * Replaces the dynamic broker configs of one broker resource ('' = every broker; already
   * validated), persists them and applies the new topic defaults to every topic and its logs.
   */
  setBrokerConfigs(resourceName: string, configs: Record<string, string>): void {
    const all = (this.store.doc.brokerConfigs ??= {});
    if (Object.keys(configs).length === 0) delete all[resourceName];
    else all[resourceName] = configs;
    this.store.save();
    const defaults = this.brokerTopicDefaults;
    for (const topic of this.topics.values()) {
      topic.config = topic.config.withBrokerDefaults(defaults);
      const logConfig = topic.config.toLogConfig();
      for (const p of topic.partitions) p.log.updateConfig(logConfig);
    }
  }

  /** Reopens every persisted topic's partitions. */
  load(): void {
    const defaults = this.brokerTopicDefaults;
    for (const record of this.store.doc.topics) {
      const config = new TopicConfig(record.configs, defaults);
      const topic = new Topic(record.name, record.topicId, config, []);
      this.topics.set(record.name, topic);
      this.collisionKeys.set(collisionKey(record.name), record.name);
      for (let p = 0; p < record.partitions; p++) this.addPartition(topic);
    }
  }

  /** Creates __consumer_offsets (compacted) when it does not exist yet. */
  /** `__transaction_state`, made (as Kafka does) when a transactional id is first coordinated. */
  ensureTransactionStateTopic(): Topic {
    return (
      this.topics.get(TRANSACTION_STATE_TOPIC) ??
      this.create(
        {
          name: TRANSACTION_STATE_TOPIC,
          numPartitions: this.config.transactionStateLogNumPartitions,
          configs: { 'cleanup.policy': 'compact', 'compression.type': 'producer', 'segment.bytes': String(this.config.transactionStateLogSegmentBytes) },
        },
        false,
        true,
      )
    );
  }

  ensureInternalTopics(): void {
    if (this.topics.has(CONSUMER_OFFSETS_TOPIC)) return;
    this.create(
      {
        name: CONSUMER_OFFSETS_TOPIC,
        numPartitions: this.config.offsetsTopicNumPartitions,
        configs: { 'cleanup.policy': 'compact', 'compression.type': 'producer', 'segment.bytes': String(this.config.offsetsTopicSegmentBytes) },
      },
      false,
      true,
    );
  }

  get(name: string): Topic | undefined {
    return this.topics.get(name);
  }

  byId(topicId: string): Topic | undefined {
    for (const t of this.topics.values()) if (t.topicId === topicId) return t;
    return undefined;
  }

  all(): Topic[] {
    return [...this.topics.values()];
  }

  partitions(): Partition[] {
    return this.all().flatMap((t) => t.partitions);
  }

  /** The partition object (log, producer state, append/read), or undefined. */
  partition(name: string, index: number): Partition | undefined {
    return this.topics.get(name)?.partitions[index];
  }

  /** The topic, created with broker defaults when auto-creation is on; throws Kafka's error otherwise. */
  getOrAutoCreate(name: string, allowAutoCreate = true): Topic {
    if (this.closed) throw new BrokerRequestError(ErrorCode.NOT_LEADER_OR_FOLLOWER, 'The broker is shutting down: retry against a running broker');
    const existing = this.topics.get(name);
    if (existing) return existing;
    validateTopicName(name);
    if (!allowAutoCreate || !this.config.autoCreateTopicsEnable) {
      throw new BrokerRequestError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${name} does not exist (auto.create.topics.enable is off): create it first`);
    }
    return this.create({ name });
  }

  /** Validates and (unless validateOnly) creates a topic. */
  create(req: NewTopic, validateOnly = false, internal = false): Topic {
    if (this.closed) throw new BrokerRequestError(ErrorCode.NOT_CONTROLLER, 'The broker is shutting down: topics cannot be created');
    validateTopicName(req.name);
    if (this.topics.has(req.name)) throw new BrokerRequestError(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic ${req.name} already exists`);
    if (!internal && isInternalTopic(req.name)) {
      throw new BrokerRequestError(ErrorCode.INVALID_TOPIC_EXCEPTION, `${req.name} is an internal topic, created by the broker`);
    }
    const key = collisionKey(req.name);
    const collides = this.collisionKeys.get(key);
    if (collides !== undefined) {
      throw new BrokerRequestError(ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic ${req.name} collides with existing topic ${collides}: '.' and '_' are interchangeable in topic names`);
    }
    const numPartitions = req.numPartitions === undefined || req.numPartitions === -1 ? this.config.numPartitions : req.numPartitions;
    if (!Number.isInteger(numPartitions) || numPartitions < 1) {
      throw new BrokerRequestError(ErrorCode.INVALID_PARTITIONS, `Number of partitions must be at least 1, got ${numPartitions}`);
    }
    const rf = req.replicationFactor ?? -1;
    if (rf !== -1 && rf !== 1) {
      throw new BrokerRequestError(
        ErrorCode.INVALID_REPLICATION_FACTOR,
        rf < 1 ? `Replication factor must be at least 1, got ${rf}` : `Replication factor ${rf} is larger than the number of available brokers: 1`,
      );
    }
    const overrides = parseTopicConfigs(req.configs);
    const config = new TopicConfig(overrides, this.brokerTopicDefaults);
    if (validateOnly) return new Topic(req.name, '', config, []);
    const topic = new Topic(req.name, randomUUID(), config, []);
    // The topic exists once its partitions are open and the metadata says so: a failure on the
    // way (a full disk) leaves neither a topic without partitions nor a record without a topic.
    try {
      for (let p = 0; p < numPartitions; p++) this.openPartition(topic);
    } catch (err) {
      this.dropPartitions(topic);
      throw err;
    }
    const record: TopicRecord = { name: topic.name, topicId: topic.topicId, partitions: numPartitions, configs: overrides };
    try {
      this.store.putTopic(record);
    } catch (err) {
      this.dropPartitions(topic);
      throw err;
    }
    this.topics.set(req.name, topic);
    this.collisionKeys.set(key, req.name);
    for (const p of topic.partitions) this.onPartitionAdded(p);
    return topic;
  }

  /** Removes the partitions of a topic whose creation failed (their logs hold nothing yet). */
  private dropPartitions(topic: Topic): void {
    for (const p of topic.partitions.splice(0)) {
      try {
        p.delete();
        this.logs.deleteLog(topic.name, p.index);
      } catch (err) {
        this.logger.warn(`removing partition ${p.index} of topic ${topic.name}, whose creation failed, failed too: ${describeFsError(err)}`);
      }
    }
  }

  /**
   * Deletes the partitions' files first, then the metadata record: on a full disk the files are
   * what frees the space the metadata write needs.
   */
  delete(name: string): Topic {
    const topic = this.topics.get(name);
    if (!topic) throw new BrokerRequestError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${name} does not exist`);
    if (!this.config.deleteTopicEnable) throw new BrokerRequestError(ErrorCode.TOPIC_DELETION_DISABLED, 'Topic deletion is disabled (delete.topic.enable=false)');
    if (topic.isInternal) throw new BrokerRequestError(ErrorCode.INVALID_TOPIC_EXCEPTION, `${name} is an internal topic and cannot be deleted`);
    for (const p of topic.partitions) {
      this.onPartitionRemoved(p);
      p.delete();
      this.logs.deleteLog(topic.name, p.index);
    }
    this.topics.delete(name);
    this.collisionKeys.delete(collisionKey(name));
    this.store.removeTopic(name);
    return topic;
  }

  /** CreatePartitions: grows a topic to `count` partitions. */
  setPartitionCount(name: string, count: number, validateOnly = false): void {
    const topic = this.topics.get(name);
    if (!topic) throw new BrokerRequestError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${name} does not exist`);
    const current = topic.partitions.length;
    if (!Number.isInteger(count) || count <= current) {
      throw new BrokerRequestError(ErrorCode.INVALID_PARTITIONS, `Topic ${name} has ${current} partitions; the new count must be larger, got ${count}`);
    }
    if (topic.isInternal) throw new BrokerRequestError(ErrorCode.INVALID_REQUEST, `The partition count of ${name} is fixed`);
    if (validateOnly) return;
    this.store.putTopic({ ...this.record(name), partitions: count });
    while (topic.partitions.length < count) this.addPartition(topic);
  }

  /** Replaces a topic's config overrides (already validated) and applies them to its logs. */
  setOverrides(name: string, overrides: Record<string, string>): void {
    const topic = this.topics.get(name);
    if (!topic) throw new BrokerRequestError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${name} does not exist`);
    topic.config = topic.config.withOverrides(overrides);
    this.store.putTopic({ ...this.record(name), configs: overrides });
    const logConfig = topic.config.toLogConfig();
    for (const p of topic.partitions) p.log.updateConfig(logConfig);
  }

  /** Snapshots every partition's producer state and stops its listeners; the logs close with their directory. */
  close(): void {
    this.closed = true;
    for (const p of this.partitions()) {
      try {
        p.close();
      } catch (err) {
        // a missing snapshot only means a longer replay of the log on the next start
        this.logger.warn(`writing the producer state snapshot of ${p.topic}-${p.index} failed while closing: ${describeFsError(err)}`);
      }
    }
  }

  private record(name: string): TopicRecord {
    const record = this.store.doc.topics.find((t) => t.name === name);
    if (!record) throw new Error(`metadata for topic ${name} is missing`);
    return record;
  }

  private addPartition(topic: Topic): Partition {
    const partition = this.openPartition(topic);
    this.onPartitionAdded(partition);
    return partition;
  }

  private openPartition(topic: Topic): Partition {
    const index = topic.partitions.length;
    const log = this.logs.openLog(topic.name, index, topic.config.toLogConfig());
    const partition = new Partition(topic.name, index, log, this.fs, this.config.tailCacheBytesPerPartition);
    topic.partitions.push(partition);
    return partition;
  }
}
