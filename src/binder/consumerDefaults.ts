/**
 * Defaults of the consumer options every binder applies (ConsumerOptions in Binder.ts), declared
 * once: the runtime's binding settings of the same names take their defaults from here too.
 */
import { defaultsOf, define, type ConfigDefs } from '../protocol/config/ConfigDef';

export interface ConsumerOptionDefaults {
  concurrency: number;
  maxBatchRecords: number;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  heartbeatIntervalMs: number;
  isolationLevel: 'read_committed' | 'read_uncommitted';
}

export const CONSUMER_OPTION_DEFS: ConfigDefs<ConsumerOptionDefaults> = {
  concurrency: define.integer(1, 1, 'group members this binding runs'),
  maxBatchRecords: define.integer(
    500,
    1,
    "records per delivered batch (Kafka's max.poll.records): bounds what a crash or a lost partition hands back to be processed again",
  ),
  sessionTimeoutMs: define.integer(30000, 1, 'a member not heard from for this long leaves its group (kafkajs default)'),
  rebalanceTimeoutMs: define.integer(60000, 1, 'how long a rebalance waits for members to rejoin (kafkajs default)'),
  heartbeatIntervalMs: define.integer(3000, 1, 'how often a member heartbeats; also while a handler retries or backs off (kafkajs default)'),
  isolationLevel: define.enumOf(
    ['read_committed', 'read_uncommitted'],
    'read_committed',
    "`read_committed`: records of aborted or still open transactions are never delivered (the kafkajs default); `read_uncommitted`: every record up to the high watermark",
  ),
};

export const CONSUMER_OPTION_DEFAULTS: Readonly<ConsumerOptionDefaults> = Object.freeze(defaultsOf(CONSUMER_OPTION_DEFS));
