/**
 * The kafka binder (kafkajs): registers itself under 'kafka' when loaded. Config `binders.kafka`:
 * brokers, clientId, ssl, sasl, … (see config.ts).
 */
import { registerBinder } from '../registry';
import { KafkaBinder } from './KafkaBinder';
import type { KafkaBinderConfig } from './config';

export { KafkaBinder } from './KafkaBinder';
export { resolveKafkaBinderConfig, DEFAULT_BROKER, type KafkaBinderConfig } from './config';
export { KafkaConnectionError, KafkaBinderError, KafkaBinderClosedError } from './errors';

export function createKafkaBinder(config: KafkaBinderConfig = {}): KafkaBinder {
  return new KafkaBinder(config);
}

registerBinder('kafka', ({ properties }) => createKafkaBinder(properties as KafkaBinderConfig));
