/**
 * Settings of the kafka binder, from config `binders.kafka` (or createKafkaBinder's argument).
 * TLS and SASL are handed to kafkajs unchanged.
 */
import type { ConnectionOptions } from 'node:tls';
import type { SASLOptions, RetryOptions } from 'kafkajs';
import { defaultsOf, define, type ConfigDefs } from '../../protocol/config/ConfigDef';
import type { AssignorName } from '../../protocol/consumer/Assignor';

/** Defaults: KAFKA_BINDER_CONFIG_DEFS below. */
export interface KafkaBinderConfig {
  /** Bootstrap brokers, "host:port"; unset: KAFKA_BROKERS (comma separated), else the declared default. */
  brokers?: string[] | string;
  /** Client id of the binder's connections. */
  clientId?: string;
  /** true, or Node TLS options (ca, cert, key, servername, rejectUnauthorized …). */
  ssl?: boolean | ConnectionOptions;
  /** { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512' | 'aws' | 'oauthbearer', … } as kafkajs takes it. */
  sasl?: SASLOptions;
  /** TCP connect timeout per attempt. */
  connectionTimeoutMs?: number;
  /** Request timeout. */
  requestTimeoutMs?: number;
  /**
   * Bound on retries of connecting and of retriable requests. An idempotent producer's sends are
   * retried without a count limit, backing off within these times.
   */
  retry?: Pick<RetryOptions, 'retries' | 'initialRetryTime' | 'maxRetryTime'>;
  /**
   * Replication factor of topics the binder creates. Default 1: kafkajs speaks CreateTopics v3, which
   * cannot ask for the broker's default.
   */
  replicationFactor?: number;
  /** Extra topic configs for topics the binder creates (e.g. { 'min.insync.replicas': '2' }). */
  topicConfig?: Record<string, string>;
  /**
   * Which kafkajs log entries reach the application's logger: 'nothing' | 'error' | 'warn' | 'info' |
   * 'debug'. Connection failures count as 'debug': the binder reports them as one
   * KafkaConnectionError.
   */
  logLevel?: 'nothing' | 'error' | 'warn' | 'info' | 'debug';
  /**
   * Partition assignor of the binder's consumers, by its Kafka name ('range', 'roundrobin',
   * 'sticky'); unset: kafkajs' own round-robin assignor. Members of one group need a common one.
   */
  assignor?: AssignorName;
}

export interface ResolvedKafkaBinderConfig {
  brokers: string[];
  clientId: string;
  ssl?: boolean | ConnectionOptions;
  sasl?: SASLOptions;
  connectionTimeoutMs: number;
  requestTimeoutMs: number;
  retry: { retries: number; initialRetryTime: number; maxRetryTime: number };
  replicationFactor: number;
  topicConfig: Record<string, string>;
  logLevel: NonNullable<KafkaBinderConfig['logLevel']>;
  assignor?: AssignorName;
}

export const DEFAULT_BROKER = '127.0.0.1:9092';

/**
 * The kafka binder's settings, declared once: `resolveKafkaBinderConfig`, the config schema
 * (settings.ts) and docs/binders.md's table come from here.
 */
export const KAFKA_BINDER_CONFIG_DEFS: ConfigDefs<ResolvedKafkaBinderConfig> = {
  brokers: define.of({ type: 'stringList' }, [DEFAULT_BROKER], 'bootstrap servers (array or comma-separated)', {
    defaultDoc: `\`KAFKA_BROKERS\` or \`${DEFAULT_BROKER}\``,
  }),
  clientId: define.string('bindery', 'client id the binder\'s connections give'),
  ssl: define.optional({ type: 'oneOf', of: [{ type: 'boolean' }, { type: 'freeObject' }] }, '`true` or Node `tls.ConnectionOptions`, passed to kafkajs', 'off'),
  sasl: define.optional({ type: 'freeObject' }, 'kafkajs SASL options (`plain`, `scram-sha-256`, `scram-sha-512`, …)', 'off'),
  connectionTimeoutMs: define.integer(3000, 1, 'TCP connect timeout per attempt, ms'),
  requestTimeoutMs: define.integer(30000, 1, 'request timeout, ms'),
  retry: define.object(
    {
      retries: define.integer(5, 0, 'retries at most'),
      initialRetryTime: define.integer(300, 1, 'first wait before a retry, ms'),
      maxRetryTime: define.integer(30000, 1, 'longest time spent retrying, ms'),
    },
    "bounds on retries of connecting and of retriable requests; an idempotent producer's sends retry without a count limit, backing off within these times",
  ),
  replicationFactor: define.integer(1, -1, 'for topics the binder creates (kafkajs cannot ask for the cluster default)'),
  topicConfig: define.of({ type: 'freeObject' }, {}, "configs for topics the binder creates (e.g. `{ 'min.insync.replicas': '2' }`)"),
  logLevel: define.enumOf(
    ['nothing', 'error', 'warn', 'info', 'debug'],
    'warn',
    "kafkajs entries passed to bindery's `logger`, one plain line each (`nothing`…`debug`); failed connection attempts are not logged one by one but end as one `KafkaConnectionError`",
  ),
  assignor: define.optional(
    { type: 'enum', values: ['range', 'roundrobin', 'sticky'] },
    "partition assignor of the binder's consumers by its Kafka name (`range`, `roundrobin`, `sticky`); a group needs one its members share (native-binder members offer `range` unless told otherwise)",
    "kafkajs' `RoundRobinAssigner`",
  ),
};

const DEFAULTS = defaultsOf(KAFKA_BINDER_CONFIG_DEFS);

function splitBrokers(list: string): string[] {
  return list
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker.length > 0);
}

export function resolveKafkaBinderConfig(
  config: KafkaBinderConfig = {},
  env: NodeJS.ProcessEnv = process.env,
): ResolvedKafkaBinderConfig {
  const configured = typeof config.brokers === 'string' ? splitBrokers(config.brokers) : config.brokers;
  const fromEnv = env.KAFKA_BROKERS ? splitBrokers(env.KAFKA_BROKERS) : [];
  const brokers = configured && configured.length > 0 ? configured : fromEnv.length > 0 ? fromEnv : [...DEFAULTS.brokers];
  return {
    brokers,
    clientId: config.clientId ?? DEFAULTS.clientId,
    ssl: config.ssl,
    sasl: config.sasl,
    connectionTimeoutMs: config.connectionTimeoutMs ?? DEFAULTS.connectionTimeoutMs,
    requestTimeoutMs: config.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
    retry: {
      retries: config.retry?.retries ?? DEFAULTS.retry.retries,
      initialRetryTime: config.retry?.initialRetryTime ?? DEFAULTS.retry.initialRetryTime,
      maxRetryTime: config.retry?.maxRetryTime ?? DEFAULTS.retry.maxRetryTime,
    },
    replicationFactor: config.replicationFactor ?? DEFAULTS.replicationFactor,
    topicConfig: config.topicConfig ?? { ...DEFAULTS.topicConfig },
    logLevel: config.logLevel ?? DEFAULTS.logLevel,
    assignor: config.assignor,
  };
}
