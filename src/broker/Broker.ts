/**
 * The native broker, in process. Each operation mirrors one Kafka request and answers with its
 * response shape (errors as Kafka error codes, never thrown), so the Kafka wire server is a thin
 * codec layer over it and the native binder calls it directly.
 *
 *   const broker = await Broker.open({ dataDir: './data' });          // or { fs: new MemoryFileSystem() }
 *   await broker.produce({ acks: -1, topics: [{ name: 't', partitions: [{ index: 0, records }] }] });
 *   await broker.fetch({ maxWaitMs: 500, minBytes: 1, topics: [{ topic: 't', partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }] }] });
 *   await broker.close();
 */
import path from 'node:path';
import { LogDirectory } from './log/LogDirectory';
import { defaultLogger, type Logger } from '../logging';
import { describeFsError } from './log/errors';
import { DiskFileSystem } from './storage/DiskFileSystem';
import type { FileSystem } from './storage/FileSystem';
import type { BrokerOpenOptions } from './config/BrokerOpenOptions';
import type { FindCoordinatorRequest, FindCoordinatorResponse } from './topics/types';
import { resolveBrokerConfig, type BrokerConfig } from './config/BrokerConfig';
import { MetadataStore } from './topics/MetadataStore';
import { DataDirLock } from './topics/DataDirLock';
import { TopicManager } from './topics/TopicManager';
import { ConfigAdmin } from './topics/ConfigAdmin';
import { TopicAdmin } from './topics/TopicAdmin';
import { LogMaintenance, defaultLogCompactor } from './partition/LogMaintenance';
import type { Partition } from './partition/Partition';
import { ProduceHandler } from './produce/ProduceHandler';
import { recompressBatches } from './produce/recompress';
import { ProducerIdManager, type InitProducerIdRequest, type InitProducerIdResponse } from './produce/ProducerIdManager';
import type { ProducePartitionResponse, ProduceRequest, ProduceResponse } from './produce/types';
import { FetchHandler } from './fetch/FetchHandler';
import { LogOffsetsHandler } from './fetch/LogOffsetsHandler';
import type { DeleteRecordsRequest, DeleteRecordsResponse, FetchRequest, FetchResponse, ListOffsetsRequest, ListOffsetsResponse } from './fetch/types';
import type * as admin from './topics/types';
import { CONSUMER_OFFSETS_TOPIC } from './topics/topicName';
import { LogOffsetsPartitionStore } from './group/offsetsTopic/LogOffsetsPartitionStore';
import { GroupCoordinator } from './group';
import type * as group from './group/types';
import type { BrokerApi } from './server/brokerApi';
import { toErrorResult } from './BrokerRequestError';
import { createTransactionCoordinator, type OpenTxnOffsets, type TransactionCoordinator } from './txn';

export type { BrokerOpenOptions, FindCoordinatorRequest, FindCoordinatorResponse };

/** Open options once the logger is settled (the given one, or the default). */
type WithLogger = BrokerOpenOptions & { logger: Logger };

export class Broker implements BrokerApi {
  private closed = false;
  private closing: Promise<void> | null = null;

  private constructor(
    readonly config: BrokerConfig,
    readonly fs: FileSystem,
    readonly dataDir: string,
    private readonly store: MetadataStore,
    private readonly logDir: LogDirectory,
    /** Topics and their partitions; `topics.partition(name, p)` gives a Partition (append/read). */
    readonly topics: TopicManager,
    private readonly maintenance: LogMaintenance,
    private readonly producerIds: ProducerIdManager,
    private readonly producer: ProduceHandler,
    private readonly fetcher: FetchHandler,
    private readonly offsets: LogOffsetsHandler,
    private readonly configAdmin: ConfigAdmin,
    private readonly topicAdmin: TopicAdmin,
    /** The consumer-group coordinator over `__consumer_offsets`. */
    readonly groups: GroupCoordinator,
    private readonly lock: DataDirLock,
    private readonly logger: Logger,
    /** The transaction coordinator over `__transaction_state`. */
    readonly transactions: TransactionCoordinator,
  ) {}

  static async open(options: BrokerOpenOptions = {}): Promise<Broker> {
    const config = resolveBrokerConfig(options.config);
    const fs = options.fs ?? new DiskFileSystem();
    if (!options.fs && !options.dataDir) throw new RangeError('Broker.open needs a dataDir (or an fs such as MemoryFileSystem)');
    const dataDir = (options.dataDir ?? '/bindery-data').replace(/\/+$/, '');
    fs.mkdirp(dataDir);
    const logger = options.logger ?? defaultLogger();
    const lock = DataDirLock.acquire(fs, dataDir, logger);
    try {
      return await Broker.start({ ...options, logger }, config, fs, dataDir, lock);
    } catch (err) {
      lock.release();
      throw err;
    }
  }

  private static async start(options: WithLogger, config: BrokerConfig, fs: FileSystem, dataDir: string, lock: DataDirLock): Promise<Broker> {
    const store = new MetadataStore(fs, dataDir);
    const logDir = new LogDirectory(dataDir, { fs, logger: options.logger, onLogFlushed: options.onLogFlushed });
    try {
      return await Broker.assemble(options, config, fs, dataDir, lock, store, logDir);
    } catch (err) {
      logDir.close();
      throw err;
    }
  }

  private static async assemble(
    options: WithLogger,
    config: BrokerConfig,
    fs: FileSystem,
    dataDir: string,
    lock: DataDirLock,
    store: MetadataStore,
    logDir: LogDirectory,
  ): Promise<Broker> {
    const logger = options.logger;
    const topics = new TopicManager(fs, config, store, logDir, logger);
    const maintenance = new LogMaintenance(logDir, topics, config, options.logCleaner === undefined ? defaultLogCompactor(logger) : options.logCleaner, logger);
    topics.load();
    topics.ensureInternalTopics();
    const producerIds = new ProducerIdManager(store.doc.producerIds, () => store.save());
    const configAdmin = new ConfigAdmin(topics, config, store);
    const producer = new ProduceHandler(topics, recompressBatches, logger);
    const offsetsTopic = topics.get(CONSUMER_OFFSETS_TOPIC);
    const openTxnOffsets: OpenTxnOffsets[] = [];
    const groups = new GroupCoordinator({
      store: new LogOffsetsPartitionStore({
        topic: CONSUMER_OFFSETS_TOPIC,
        partitionOf: (index) => topics.partition(CONSUMER_OFFSETS_TOPIC, index),
        appendBatch: (index, records) => producer.producePartition(CONSUMER_OFFSETS_TOPIC, index, records, true),
        onOpenTransaction: (producerId, records) => openTxnOffsets.push({ producerId, records }),
      }),
      config: { ...options.groupConfig, offsetsTopicPartitions: offsetsTopic?.partitions.length ?? config.offsetsTopicNumPartitions },
      clock: options.clock,
      logger,
    });
    await groups.startup();
    const transactions = createTransactionCoordinator({ topics, producer, producerIds, groups, config, clock: options.clock, logger, openTxnOffsets });
    await transactions.startup();
    producer.transactions = {
      verify: (p, topic, partition) => transactions.verifyProduce(p, topic, partition),
      addImplicitly: (p, partitions) => transactions.addPartitionsImplicitly(p, partitions),
    };
    const broker = new Broker(
      config,
      fs,
      dataDir,
      store,
      logDir,
      topics,
      maintenance,
      producerIds,
      producer,
      new FetchHandler(topics, config.fetchMaxBytes, config.fetchLogReadMaxBytes),
      new LogOffsetsHandler(topics),
      configAdmin,
      new TopicAdmin(topics, configAdmin, config, store.doc.clusterId),
      groups,
      lock,
      logger,
      transactions,
    );
    maintenance.checkpoint();
    maintenance.start();
    return broker;
  }

  get clusterId(): string {
    return this.store.doc.clusterId;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** The wire server tells the broker where clients reach it (metadata responses). */
  setAdvertisedListener(host: string, port: number): void {
    this.config.host = host;
    this.config.port = port;
  }

  /** A partition (log, producer state, append/read) or undefined; used by the group coordinator for __consumer_offsets. */
  partition(topic: string, index: number): Partition | undefined {
    return this.topics.partition(topic, index);
  }

  // ---- data plane ----

  produce(req: ProduceRequest): Promise<ProduceResponse> {
    return this.producer.produce(req);
  }

  /** Appends to one partition of any topic, internal ones included (coordinator writes). */
  async appendInternal(topic: string, partition: number, records: Buffer): Promise<ProducePartitionResponse> {
    return this.producer.producePartition(topic, partition, records, true);
  }

  fetch(req: FetchRequest): Promise<FetchResponse> {
    return this.fetcher.fetch(req);
  }

  async listOffsets(req: ListOffsetsRequest): Promise<ListOffsetsResponse> {
    return this.offsets.listOffsets(req);
  }

  async deleteRecords(req: DeleteRecordsRequest): Promise<DeleteRecordsResponse> {
    const res = this.offsets.deleteRecords(req);
    this.maintenance.checkpoint();
    return res;
  }

  /**
   * A producer id and epoch. With a transactional id the transaction coordinator answers (epoch
   * bump, fencing of the older producer), as InitProducerId on the wire does.
   */
  async initProducerId(req: InitProducerIdRequest = {}): Promise<InitProducerIdResponse> {
    if (typeof req.transactionalId === 'string') {
      return this.transactions.initProducerId({
        transactionalId: req.transactionalId,
        // Required with a transactional id, as on the wire: none is answered INVALID_TRANSACTION_TIMEOUT.
        transactionTimeoutMs: req.transactionTimeoutMs ?? -1,
        producerId: req.producerId,
        producerEpoch: req.producerEpoch,
      });
    }
    try {
      return this.producerIds.initProducerId(req);
    } catch (err) {
      // Only persisting a new id block can fail here (the metadata file could not be written).
      return { ...toErrorResult(err), producerId: -1, producerEpoch: -1 };
    }
  }

  // ---- metadata and admin ----

  async metadata(req: admin.MetadataRequest = { topics: null }): Promise<admin.MetadataResponse> {
    return this.topicAdmin.metadata(req);
  }

  async createTopics(req: admin.CreateTopicsRequest): Promise<admin.CreateTopicsResponse> {
    return this.topicAdmin.createTopics(req);
  }

  async deleteTopics(req: admin.DeleteTopicsRequest): Promise<admin.DeleteTopicsResponse> {
    return this.topicAdmin.deleteTopics(req);
  }

  async createPartitions(req: admin.CreatePartitionsRequest): Promise<admin.CreatePartitionsResponse> {
    return this.topicAdmin.createPartitions(req);
  }

  async describeConfigs(req: admin.DescribeConfigsRequest): Promise<admin.DescribeConfigsResponse> {
    return this.configAdmin.describeConfigs(req);
  }

  async alterConfigs(req: admin.AlterConfigsRequest): Promise<admin.AlterConfigsResponse> {
    return this.configAdmin.alterConfigs(req);
  }

  async incrementalAlterConfigs(req: admin.IncrementalAlterConfigsRequest): Promise<admin.AlterConfigsResponse> {
    return this.configAdmin.incrementalAlterConfigs(req);
  }

  /**
   * DescribeLogDirs: the one data directory, each partition's bytes on disk and its offset lag
   * (high watermark minus log end: 0 on a single node, as for Kafka's current replicas).
   */
  async describeLogDirs(req: admin.DescribeLogDirsRequest): Promise<admin.LogDirDescription[]> {
    const wanted = req.topics && new Map(req.topics.map((t) => [t.topic, new Set(t.partitions)]));
    const topics = this.topics
      .all()
      .filter((t) => !wanted || wanted.has(t.name))
      .map((t) => ({
        name: t.name,
        partitions: t.partitions
          .filter((p) => !wanted || wanted.get(t.name)!.has(p.index))
          .map((p) => ({ partitionIndex: p.index, partitionSize: p.log.sizeInBytes, offsetLag: Math.max(p.highWatermark - p.log.logEndOffset, 0), isFutureKey: false })),
      }))
      .filter((t) => t.partitions.length > 0);
    const space = this.fs.volumeSpace?.(this.dataDir) ?? { totalBytes: -1, usableBytes: -1 };
    return [{ errorCode: 0, logDir: path.resolve(this.dataDir), topics, ...space }];
  }

  // ---- consumer groups (delegated to the coordinator) ----

  findCoordinator(req: FindCoordinatorRequest): FindCoordinatorResponse {
    return this.topicAdmin.findCoordinator(req);
  }

  joinGroup(req: group.JoinGroupRequest): Promise<group.JoinGroupResponse> {
    return this.groups.joinGroup(req);
  }

  syncGroup(req: group.SyncGroupRequest): Promise<group.SyncGroupResponse> {
    return this.groups.syncGroup(req);
  }

  heartbeat(req: group.HeartbeatRequest): group.HeartbeatResponse {
    return this.groups.heartbeat(req);
  }

  leaveGroup(req: group.LeaveGroupRequest): group.LeaveGroupResponse {
    return this.groups.leaveGroup(req);
  }

  commitOffsets(req: group.OffsetCommitRequest): Promise<group.OffsetCommitResponse> {
    return this.groups.commitOffsets(req);
  }

  fetchOffsets(req: group.OffsetFetchRequest): group.OffsetFetchResponse {
    return this.groups.fetchOffsets(req);
  }

  describeGroups(groupIds: string[]): group.DescribedGroup[] {
    return this.groups.describeGroups(groupIds);
  }

  listGroups(statesFilter?: string[] | null): group.ListGroupsResponse {
    return this.groups.listGroups(statesFilter);
  }

  deleteGroups(groupIds: string[]): Promise<group.DeleteGroupResult[]> {
    return this.groups.deleteGroups(groupIds);
  }

  deleteOffsets(req: group.OffsetDeleteRequest): Promise<group.OffsetDeleteResponse> {
    return this.groups.deleteOffsets(req);
  }

  /** The name of the topic with this id (Fetch v13+, Metadata v10+, DeleteTopics v6). */
  topicNameById(topicId: string): string | undefined {
    return this.topics.byId(topicId)?.name;
  }

  // ---- lifecycle ----

  /** Runs retention now on every partition (what the background timer does); returns deleted segments. */
  applyRetention(nowMs = Date.now()): number {
    return this.maintenance.applyRetention(nowMs);
  }

  /** Runs the log cleaner now over compacted partitions (what its timer does). */
  runLogCleaner(nowMs = Date.now()): Promise<void> {
    return this.maintenance.runCleaner(nowMs);
  }

  /**
   * Answers waiting fetches, snapshots producer state, flushes and closes every log, writes
   * checkpoints, releases the data directory. A write that fails on the way (a full disk) is
   * logged and the rest still happens: every log is closed and the lock released.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        this.maintenance.stop();
        this.groups.shutdown();
        this.transactions.shutdown();
        this.fetcher.purgatory.completeAll();
        // The bulk of the fsyncs, off the event loop; what is appended meanwhile is flushed by close().
        await this.logDir.flushInBackground();
        // Appends waiting on re-compression finish before the logs close.
        await Promise.all(this.topics.partitions().map((p) => p.appendChain ?? Promise.resolve()));
        this.topics.close();
        this.logDir.close();
        try {
          this.store.save();
        } catch (err) {
          this.logger.warn(`writing the broker metadata failed while closing: ${describeFsError(err)}`);
        }
      } finally {
        this.lock.release();
        this.closed = true;
      }
    })();
    return this.closing;
  }
}
