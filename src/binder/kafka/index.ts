/**
 * The kafka binder (kafkajs): registers itself under 'kafka' when loaded. Config `binders.kafka`:
 * brokers, clientId, ssl, sasl, … (see config.ts).
 */
import { registerBinder, type BinderLogger } from '../registry';
import { KafkaBinder } from './KafkaBinder';
import type { KafkaBinderConfig } from './config';

export { KafkaBinder } from './KafkaBinder';
export { resolveKafkaBinderConfig, DEFAULT_BROKER, type KafkaBinderConfig } from './config';
export { KafkaConnectionError, KafkaBinderError, KafkaBinderClosedError } from './errors';
export { KafkaTopicNotVisibleError } from './topicLeaders';

/** `logger` receives kafkajs' warnings and errors (binders.kafka.logLevel) as plain lines. */
export function createKafkaBinder(config: KafkaBinderConfig = {}, logger?: BinderLogger): KafkaBinder {
  return new KafkaBinder(config, logger);
}

registerBinder('kafka', ({ properties, logger }) => createKafkaBinder(properties as KafkaBinderConfig, logger));
