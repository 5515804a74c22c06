/** The consumer-control suite (app.seek, explicit assignment, ConsumerSeekAware, idle events, per-partition retry-topic holds) on the kafka binder against Apache Kafka. */
import { createKafkaBinder } from '../../src/binder/kafka';
import { consumerControlSuite, kafkaGroups } from '../integration/delivery/consumerControlSuite';
import { describeIfPeer } from '../support/peers';
import { kafkaBrokerAvailable, kafkaBrokers } from './kafkaPeer';

describeIfPeer('Apache Kafka (KAFKA_BROKERS, from npm run test:kafka)', kafkaBrokerAvailable, 'consumer control on Apache Kafka', () => {
  consumerControlSuite({ name: 'kafka binder on Apache Kafka', binder: async () => createKafkaBinder({ brokers: kafkaBrokers, logLevel: 'nothing' }), groups: kafkaGroups });
});
