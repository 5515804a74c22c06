import { tracingScenarios } from '../integration/observability/tracingScenarios';
import { describeIfPeer } from '../support/peers';
import { kafkaBrokerAvailable, kafkaBrokers } from './kafkaPeer';

describeIfPeer('Apache Kafka (KAFKA_BROKERS, from npm run test:kafka)', kafkaBrokerAvailable, 'tracing on the kafka binder', () => {
  describe('tracing on the kafka binder against Apache Kafka', () =>
    tracingScenarios(() => ({ binder: 'kafka', binders: { kafka: { brokers: kafkaBrokers, logLevel: 'nothing' } } })));
});
