/**
 * Background work over every partition: retention (log.retention.check.interval.ms), the log
 * directory's offset checkpoints (recovery points, log start offsets) every
 * log.flush.offset.checkpoint.interval.ms (written only when they changed), producer-state snapshots of partitions appended to since the
 * last one, and offering compacted logs to a log cleaner (log.cleaner.backoff.ms). flush.ms itself
 * is enforced by each log's flush policy. Timers are unref'd and cleared on stop.
 */
import type { PartitionLog } from '../log/types';
import type { Log } from '../log/Log';
import { LogCleaner, type CleanerTransactions } from '../log/LogCleaner';
import type { LogDirectory } from '../log/LogDirectory';
import type { BrokerConfig } from '../config/BrokerConfig';
import type { TopicManager } from '../topics/TopicManager';
import type { Logger } from '../../logging';
import { describeFsError } from '../log/errors';

/**
 * What the broker calls on each compacted log (cleanup.policy contains compact) every
 * log.cleaner.backoff.ms, with the partition's transactions: by default the LogCleaner;
 * `Broker.open({ logCleaner })` replaces it.
 */
export interface LogCompactor {
  clean(log: PartitionLog, nowMs: number, txns?: CleanerTransactions): void | Promise<void>;
}

/** Kafka's log cleaner over the broker's logs (every one is a `Log` from its LogDirectory). */
export function defaultLogCompactor(logger: Logger): LogCompactor {
  const cleaner = new LogCleaner({ logger });
  return { clean: async (log, nowMs, txns) => void (await cleaner.clean(log as Log, nowMs, txns)) };
}

export class LogMaintenance {
  private readonly timers: NodeJS.Timeout[] = [];
  private cleaning = false;

  constructor(
    private readonly logDir: LogDirectory,
    private readonly topics: TopicManager,
    private readonly config: BrokerConfig,
    private readonly cleaner: LogCompactor | null,
    private readonly logger: Logger,
  ) {}

  start(): void {
    const every = (ms: number, fn: () => void): void => {
      const t = setInterval(fn, Math.max(1, ms));
      t.unref();
      this.timers.push(t);
    };
    every(this.config.logRetentionCheckIntervalMs, () => this.applyRetention(Date.now()));
    every(this.config.logFlushOffsetCheckpointIntervalMs, () => this.checkpoint());
    every(this.config.producerStateSnapshotIntervalMs, () => this.snapshotProducerState());
    if (this.cleaner) every(this.config.logCleanerBackoffMs, () => void this.runCleaner(Date.now()));
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers.length = 0;
  }

  /** Deletes segments past retention on every partition; returns how many went. */
  applyRetention(nowMs: number): number {
    let deleted = 0;
    for (const p of this.topics.partitions()) {
      try {
        const n = p.log.applyRetention(nowMs);
        if (n > 0) p.logBoundsChanged();
        deleted += n;
      } catch (err) {
        this.logger.warn(`retention of ${p.topic}-${p.index} failed: ${describeFsError(err)}`);
      }
    }
    if (deleted > 0) this.checkpoint();
    return deleted;
  }

  /** Offers every compacted partition to the cleaner, one run at a time. */
  async runCleaner(nowMs: number): Promise<void> {
    if (!this.cleaner || this.cleaning) return;
    this.cleaning = true;
    try {
      for (const topic of this.topics.all()) {
        if (!topic.config.isCompacted) continue;
        for (const p of topic.partitions) {
          try {
            await this.cleaner.clean(p.log, nowMs, p.txns);
            p.logCompacted();
          } catch (err) {
            this.logger.warn(`cleaning ${p.topic}-${p.index} failed: ${describeFsError(err)}`);
          }
        }
      }
    } finally {
      this.cleaning = false;
    }
  }

  /** Expires producers idle past producer.id.expiration.ms and snapshots changed partitions. */
  snapshotProducerState(nowMs = Date.now()): void {
    for (const p of this.topics.partitions()) {
      try {
        p.snapshotIfChanged(nowMs - this.config.producerIdExpirationMs);
      } catch (err) {
        this.logger.warn(`producer state snapshot of ${p.topic}-${p.index} failed: ${describeFsError(err)}`);
      }
    }
  }

  checkpoint(): void {
    try {
      this.logDir.checkpoint();
    } catch (err) {
      this.logger.warn(`writing offset checkpoints failed: ${describeFsError(err)}`);
    }
  }
}
