import { metricsScenarios } from '../integration/observability/metricsScenarios';
import { describeIfPeer } from '../support/peers';
import { kafkaBrokerAvailable, kafkaBrokers } from './kafkaPeer';

describeIfPeer('Apache Kafka (KAFKA_BROKERS, from npm run test:kafka)', kafkaBrokerAvailable, 'framework metrics on the kafka binder', () => {
  describe('framework metrics on the kafka binder against Apache Kafka', () =>
    metricsScenarios(() => ({ binder: 'kafka', binders: { kafka: { brokers: kafkaBrokers, logLevel: 'nothing' } } })));
});
