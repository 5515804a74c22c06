/**
 * The kafka binder's settings as config validates them (KafkaBinderConfig in config.ts says what
 * each means). Apart from the binder so that validating config does not load kafkajs.
 */
import { setting, type ObjectSchema } from '../settings';

export const KAFKA_BINDER_SETTINGS: ObjectSchema = setting.object({
  brokers: setting.stringList,
  clientId: setting.string,
  ssl: setting.oneOf({ type: 'boolean' }, { type: 'freeObject' }),
  sasl: setting.freeObject,
  connectionTimeoutMs: setting.integer(1),
  requestTimeoutMs: setting.integer(1),
  retry: setting.object({ retries: setting.integer(0), initialRetryTime: setting.integer(1), maxRetryTime: setting.integer(1) }),
  replicationFactor: setting.integer(-1),
  topicConfig: setting.freeObject,
  logLevel: setting.enumOf(['nothing', 'error', 'warn', 'info', 'debug']),
});
