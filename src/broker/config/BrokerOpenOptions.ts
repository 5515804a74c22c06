/** How to open a Broker. */
import type { FileSystem } from '../storage/FileSystem';
import type { CoordinatorClock, GroupCoordinatorConfig } from '../group';
import type { LogCompactor } from '../partition/LogMaintenance';
import type { Logger } from '../../logging';
import type { BrokerConfig } from './BrokerConfig';

export interface BrokerOpenOptions {
  /** Directory of the partition logs and metadata; on disk unless `fs` is given. */
  dataDir?: string;
  /** Filesystem to use (MemoryFileSystem for tests and ephemeral brokers). */
  fs?: FileSystem;
  config?: Partial<BrokerConfig>;
  /** Scheduled every log.cleaner.backoff.ms over compacted partitions; default the log's own compactor, null = none. */
  logCleaner?: LogCompactor | null;
  /** Group coordinator settings (session timeouts, initial rebalance delay, offsets retention). */
  groupConfig?: Partial<Omit<GroupCoordinatorConfig, 'offsetsTopicPartitions'>>;
  /** CoordinatorClock of the group coordinator (tests inject a ManualClock). */
  clock?: CoordinatorClock;
  /** Where the broker reports what it recovers from (failed produces, storage errors, torn tails); default: stderr at BINDERY_LOG_LEVEL. */
  logger?: Logger;
  /** Called after a partition log was flushed (fsync), with how long that took in seconds (the broker's metrics). */
  onLogFlushed?: (seconds: number) => void;
}
