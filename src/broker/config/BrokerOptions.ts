/** How to open a Broker, and the FindCoordinator shapes of its facade. */
import type { FileSystem } from '../storage/FileSystem';
import type { Clock, GroupCoordinatorConfig } from '../group';
import type { LogCleaner } from '../partition/LogMaintenance';
import type { Logger } from '../../logging';
import type { BrokerConfig } from './BrokerConfig';

export interface BrokerOpenOptions {
  /** Directory of the partition logs and metadata; on disk unless `fs` is given. */
  dataDir?: string;
  /** Filesystem to use (MemoryFileSystem for tests and ephemeral brokers). */
  fs?: FileSystem;
  config?: Partial<BrokerConfig>;
  /** Scheduled every log.cleaner.backoff.ms over compacted partitions; default the log's own compactor, null = none. */
  logCleaner?: LogCleaner | null;
  /** Group coordinator settings (session timeouts, initial rebalance delay, offsets retention). */
  groupConfig?: Partial<Omit<GroupCoordinatorConfig, 'offsetsTopicPartitions'>>;
  /** Clock of the group coordinator (tests inject a ManualClock). */
  clock?: Clock;
  /** Where the broker reports what it recovers from (failed produces, storage errors, torn tails); default: stderr at BINDERY_LOG_LEVEL. */
  logger?: Logger;
}

/** FindCoordinator, v4+ shape (one entry per key; older versions use the first). */
export interface FindCoordinatorRequest {
  /** 0 = consumer group, 1 = transaction. */
  keyType?: number;
  keys: string[];
}

export interface FindCoordinatorResponse {
  coordinators: { key: string; nodeId: number; host: string; port: number; errorCode: number; errorMessage: string | null }[];
}
