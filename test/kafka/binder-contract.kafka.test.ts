import { createKafkaBinder } from '../../src/binder/kafka';
import { describeIfPeer } from '../support/peers';
import { binderContractSuite } from '../integration/binder-contract/binderContractSuite';
import { kafkaBrokerAvailable, kafkaBrokers } from './kafkaPeer';

describeIfPeer('Apache Kafka (KAFKA_BROKERS, from npm run test:kafka)', kafkaBrokerAvailable, 'kafka binder on Apache Kafka', () => {
  binderContractSuite('kafka binder on Apache Kafka', async () => createKafkaBinder({ brokers: kafkaBrokers, logLevel: 'nothing' }));
});
