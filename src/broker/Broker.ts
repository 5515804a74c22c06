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
import { LogDirectory } from './log/LogDirectory';
import { DiskFileSystem } from './storage/DiskFileSystem';
import type { FileSystem } from './storage/FileSystem';
import { resolveBrokerConfig, type BrokerConfig } from './config/BrokerConfig';
import { MetadataStore } from './topics/MetadataStore';
import { TopicManager } from './topics/TopicManager';
import { ConfigAdmin } from './topics/ConfigAdmin';
import { TopicAdmin } from './topics/TopicAdmin';
import { LogMaintenance, type LogCleaner } from './partition/LogMaintenance';
import type { Partition } from './partition/Partition';
import { ProduceHandler } from './produce/ProduceHandler';
import { recompressBatches } from './produce/recompress';
import { ProducerIdManager, type InitProducerIdRequest, type InitProducerIdResponse } from './produce/ProducerIdManager';
import type { ProducePartitionResponse, ProduceRequest, ProduceResponse } from './produce/types';
import { FetchHandler } from './fetch/FetchHandler';
import { OffsetsHandler } from './fetch/OffsetsHandler';
import type { DeleteRecordsRequest, DeleteRecordsResponse, FetchRequest, FetchResponse, ListOffsetsRequest, ListOffsetsResponse } from './fetch/types';
import type * as admin from './topics/types';

export interface BrokerOpenOptions {
  /** Directory of the partition logs and metadata; on disk unless `fs` is given. */
  dataDir?: string;
  /** Filesystem to use (MemoryFileSystem for tests and ephemeral brokers). */
  fs?: FileSystem;
  config?: Partial<BrokerConfig>;
  /** Scheduled every log.cleaner.backoff.ms over compacted partitions. */
  logCleaner?: LogCleaner;
}

export class Broker {
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
    private readonly offsets: OffsetsHandler,
    private readonly configAdmin: ConfigAdmin,
    private readonly topicAdmin: TopicAdmin,
  ) {}

  static async open(options: BrokerOpenOptions = {}): Promise<Broker> {
    const config = resolveBrokerConfig(options.config);
    const fs = options.fs ?? new DiskFileSystem();
    const dataDir = (options.dataDir ?? (options.fs ? '/bindery-data' : './data')).replace(/\/+$/, '');
    if (!options.fs && !options.dataDir) throw new RangeError('Broker.open needs a dataDir (or an fs such as MemoryFileSystem)');
    const store = new MetadataStore(fs, dataDir);
    const logDir = new LogDirectory(dataDir, { fs });
    const topics = new TopicManager(fs, config, store, logDir);
    const maintenance = new LogMaintenance(logDir, topics, config, options.logCleaner ?? null);
    topics.load();
    topics.ensureInternalTopics();
    const producerIds = new ProducerIdManager(store.doc.producerIds, () => store.save());
    const configAdmin = new ConfigAdmin(topics, config);
    const broker = new Broker(
      config,
      fs,
      dataDir,
      store,
      logDir,
      topics,
      maintenance,
      producerIds,
      new ProduceHandler(topics, recompressBatches),
      new FetchHandler(topics, config.fetchMaxBytes),
      new OffsetsHandler(topics),
      configAdmin,
      new TopicAdmin(topics, configAdmin, config, store.doc.clusterId),
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

  async initProducerId(req: InitProducerIdRequest = {}): Promise<InitProducerIdResponse> {
    return this.producerIds.initProducerId(req);
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

  // ---- lifecycle ----

  /** Runs retention now on every partition (what the background timer does); returns deleted segments. */
  applyRetention(nowMs = Date.now()): number {
    return this.maintenance.applyRetention(nowMs);
  }

  /** Runs the log cleaner now over compacted partitions (what its timer does). */
  runLogCleaner(nowMs = Date.now()): Promise<void> {
    return this.maintenance.runCleaner(nowMs);
  }

  /** Answers waiting fetches, snapshots producer state, flushes and closes every log, writes checkpoints. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.maintenance.stop();
      this.fetcher.purgatory.completeAll();
      await Promise.resolve();
      this.topics.close();
      this.logDir.close();
      this.store.save();
      this.closed = true;
    })();
    return this.closing;
  }
}
