/**
 * The broker's own metadata, one small JSON file in the data directory written atomically:
 * cluster id, topics (id, partition count, config overrides), the producer-id block, and configs
 * set at run time on the broker and group resources.
 */
import { randomUUID } from 'node:crypto';
import type { FileSystem } from '../storage/FileSystem';
import { BinderyError } from '../../protocol/primitives';
import type { ProducerIdState } from '../produce/ProducerIdManager';

export const METADATA_FILE = 'bindery-metadata.json';

/** The broker's metadata file cannot be read: starting anyway would forget every topic. */
export class MetadataCorruptError extends BinderyError {
  constructor(path: string, why: string) {
    super(
      'BROKER_METADATA_CORRUPT',
      `Broker metadata ${path} is unreadable (${why}): restore it from a backup, or move it away to start with no topics (partition data stays on disk)`,
    );
  }
}

export interface TopicRecord {
  name: string;
  topicId: string;
  partitions: number;
  configs: Record<string, string>;
}

export interface MetadataDocument {
  version: 1;
  clusterId: string;
  producerIds: ProducerIdState;
  topics: TopicRecord[];
  /** Dynamic broker configs by Kafka name, per broker resource name ('' = every broker, else the node id). */
  brokerConfigs?: Record<string, Record<string, string>>;
  /** Group configs (ConfigResource type GROUP) by group id. */
  groupConfigs?: Record<string, Record<string, string>>;
}

export class MetadataStore {
  readonly doc: MetadataDocument;

  constructor(
    private readonly fs: FileSystem,
    private readonly dataDir: string,
  ) {
    fs.mkdirp(dataDir);
    const raw = fs.readFile(this.path);
    if (raw) {
      let parsed: MetadataDocument;
      try {
        parsed = JSON.parse(raw.toString('utf8')) as MetadataDocument;
      } catch (err) {
        throw new MetadataCorruptError(this.path, (err as Error).message);
      }
      if (parsed?.version !== 1 || !Array.isArray(parsed.topics)) throw new MetadataCorruptError(this.path, `unsupported version ${String(parsed?.version)}`);
      this.doc = { ...parsed, producerIds: parsed.producerIds ?? { nextBlockStart: 0, transactional: {} }, topics: parsed.topics ?? [] };
    } else {
      this.doc = { version: 1, clusterId: clusterIdFrom(randomUUID()), producerIds: { nextBlockStart: 0, transactional: {} }, topics: [] };
      this.save();
    }
  }

  private get path(): string {
    return `${this.dataDir}/${METADATA_FILE}`;
  }

  save(): void {
    this.fs.writeFileAtomic(this.path, Buffer.from(JSON.stringify(this.doc, null, 1)));
  }
}

/** Kafka cluster ids are 22-character url-safe base64 of a UUID. */
function clusterIdFrom(uuid: string): string {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex').toString('base64url');
}
