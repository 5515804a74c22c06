import { createKafkaBinder } from '../../src/binder/kafka';
import { transactionalCrashScenario } from '../integration/transactions/crashScenario';
import { describeIfPeer } from '../support/peers';
import { kafkaBrokerAvailable, kafkaBrokers } from './kafkaPeer';

describeIfPeer('Apache Kafka (KAFKA_BROKERS, from npm run test:kafka)', kafkaBrokerAvailable, 'transactions crash test on the kafka binder', () => {
  transactionalCrashScenario({
    design: 'kafka binder in the child against Apache Kafka',
    prepare: () => ({ binder: 'kafka', binders: { kafka: { brokers: kafkaBrokers, logLevel: 'nothing' } }, cleanup: () => undefined }),
    readerBinder: () => createKafkaBinder({ brokers: kafkaBrokers, logLevel: 'nothing' }),
  });
});
