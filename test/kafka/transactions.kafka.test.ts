import { createKafkaBinder } from '../../src/binder/kafka';
import { transactionsSuite } from '../integration/binder-contract/transactionsSuite';
import { transactionScenarios } from '../integration/transactions/transactionScenarios';
import { describeIfPeer } from '../support/peers';
import { kafkaBrokerAvailable, kafkaBrokers } from './kafkaPeer';

describeIfPeer('Apache Kafka (KAFKA_BROKERS, from npm run test:kafka)', kafkaBrokerAvailable, 'transactions on the kafka binder', () => {
  transactionsSuite('kafka binder against Apache Kafka', async () => createKafkaBinder({ brokers: kafkaBrokers, logLevel: 'nothing' }));
  describe('the framework on the kafka binder against Apache Kafka', () =>
    transactionScenarios(() => ({ binder: 'kafka', binders: { kafka: { brokers: kafkaBrokers, logLevel: 'nothing' } } })));
});
