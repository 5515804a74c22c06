/** The error-handling suite (retry topics, batch failures, error handler, interceptors) on the kafka binder against Apache Kafka. */
import { createKafkaBinder } from '../../src/binder/kafka';
import { errorHandlingSuite } from '../integration/delivery/errorHandlingSuite';
import { describeIfPeer } from '../support/peers';
import { kafkaBrokerAvailable, kafkaBrokers } from './kafkaPeer';

describeIfPeer('Apache Kafka (KAFKA_BROKERS, from npm run test:kafka)', kafkaBrokerAvailable, 'error handling on Apache Kafka', () => {
  errorHandlingSuite({ name: 'kafka binder on Apache Kafka', binder: async () => createKafkaBinder({ brokers: kafkaBrokers, logLevel: 'nothing' }) });
});
