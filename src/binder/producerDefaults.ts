/**
 * Defaults of the producer options the binders apply (ProducerOptions in Binder.ts), declared once;
 * the runtime's binding settings of the same names take their defaults from here too. batchSize and
 * lingerMs batch records on the native binder; the kafka binder leaves batching to kafkajs, which
 * sends what one tick produced in one request.
 */
import { defaultsOf, define, type ConfigDefs } from '../protocol/config/ConfigDef';

export interface ProducerOptionDefaults {
  compression: 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';
  batchSize: number;
  lingerMs: number;
  acks: 0 | 1 | -1;
  idempotent: boolean;
  transactionTimeoutMs: number;
}

/**
 * batchSize: 256 KiB rather than Kafka's 16 KiB: the batch goes to a broker in the same process, with
 * no request or network to bound, and per-batch work (sealing, CRC, append, a fetch and a commit per
 * delivered batch) is then shared by more records. Records still go out at the end of the tick
 * (lingerMs 0), so latency does not change. Well below the topics' default max.message.bytes (1 MiB).
 */
export const PRODUCER_OPTION_DEFS: ConfigDefs<ProducerOptionDefaults> = {
  compression: define.enumOf(['none', 'gzip', 'snappy', 'lz4', 'zstd'], 'none', 'codec of produced batches'),
  batchSize: define.integer(
    256 * 1024,
    1,
    'bytes at which a batch closes (native binder: the broker is in the same process, so a larger batch only spreads per-batch work over more records)',
  ),
  lingerMs: define.integer(0, 0, 'how long an open batch waits for more records, ms (0: records of the same tick still share a batch)'),
  acks: define.enumOf([0, 1, -1], -1, 'acknowledgements a send waits for (-1: all); an idempotent producer always waits for all'),
  idempotent: define.boolean(true, 'idempotent producer: sequence numbers per partition, no duplicates on retry'),
  transactionTimeoutMs: define.integer(
    60000,
    1,
    "transactional producers: the coordinator aborts a transaction left open this long, ms (Kafka's transaction.timeout.ms; at most the broker's transaction.max.timeout.ms)",
  ),
};

export const PRODUCER_OPTION_DEFAULTS: Readonly<ProducerOptionDefaults> = Object.freeze(defaultsOf(PRODUCER_OPTION_DEFS));
