/**
 * The kafka binder (kafkajs): registers itself under 'kafka' when loaded. Config `binders.kafka`:
 * brokers, clientId, ssl, sasl, … (see config.ts).
 */
import { registerBinder } from '../registry';
import type { Logger } from '../../logging';
import { KafkaBinder } from './KafkaBinder';
import type { KafkaBinderConfig } from './config';

export { KafkaBinder } from './KafkaBinder';
export { resolveKafkaBinderConfig, DEFAULT_BROKER, type KafkaBinderConfig } from './config';
export { KafkaConnectionError, KafkaBinderError, KafkaBinderClosedError } from './errors';
export { KafkaTopicNotVisibleError } from './topicLeaders';

/** `logger` receives kafkajs' warnings and errors (binders.kafka.logLevel) as plain lines. */
export function createKafkaBinder(config: KafkaBinderConfig = {}, logger?: Logger): KafkaBinder {
  return new KafkaBinder(config, logger);
}

registerBinder('kafka', ({ properties, logger }) => createKafkaBinder(properties as KafkaBinderConfig, logger));
