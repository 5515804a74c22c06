/**
 * Settings of the kafka binder, from config `binders.kafka` (or createKafkaBinder's argument).
 * TLS and SASL are handed to kafkajs unchanged.
 */
import type { ConnectionOptions } from 'node:tls';
import type { SASLOptions, RetryOptions } from 'kafkajs';

export interface KafkaBinderConfig {
  /** Bootstrap brokers, "host:port". Default: KAFKA_BROKERS (comma separated) or 127.0.0.1:9092. */
  brokers?: string[] | string;
  /** Default 'bindery'. */
  clientId?: string;
  /** true, or Node TLS options (ca, cert, key, servername, rejectUnauthorized …). */
  ssl?: boolean | ConnectionOptions;
  /** { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512' | 'aws' | 'oauthbearer', … } as kafkajs takes it. */
  sasl?: SASLOptions;
  /** TCP connect timeout per attempt. Default 3000 ms. */
  connectionTimeoutMs?: number;
  /** Request timeout. Default 30000 ms. */
  requestTimeoutMs?: number;
  /** Bound on retries of connecting and of retriable requests. Default 5 retries, 30 s at most. */
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
   * 'debug'. Default 'warn'. Connection failures count as 'debug': the binder reports them as one
   * KafkaConnectionError.
   */
  logLevel?: 'nothing' | 'error' | 'warn' | 'info' | 'debug';
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
}

export const DEFAULT_BROKER = '127.0.0.1:9092';

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
  const brokers = configured && configured.length > 0 ? configured : fromEnv.length > 0 ? fromEnv : [DEFAULT_BROKER];
  return {
    brokers,
    clientId: config.clientId ?? 'bindery',
    ssl: config.ssl,
    sasl: config.sasl,
    connectionTimeoutMs: config.connectionTimeoutMs ?? 3000,
    requestTimeoutMs: config.requestTimeoutMs ?? 30000,
    retry: {
      retries: config.retry?.retries ?? 5,
      initialRetryTime: config.retry?.initialRetryTime ?? 300,
      maxRetryTime: config.retry?.maxRetryTime ?? 30000,
    },
    replicationFactor: config.replicationFactor ?? 1,
    topicConfig: config.topicConfig ?? {},
    logLevel: config.logLevel ?? 'warn',
  };
}
