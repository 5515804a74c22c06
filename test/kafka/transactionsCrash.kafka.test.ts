/** The transactions crash test on the kafka binder against Apache Kafka, which outlives every SIGKILL of the copier. */
import { createKafkaBinder, type KafkaBinderConfig } from '../../src/binder/kafka';
import { transactionalCrashScenario } from '../integration/transactions/crashScenario';
import { describeIfPeer } from '../support/peers';
import { kafkaBrokerAvailable, kafkaBrokers } from './kafkaPeer';

describeIfPeer('Apache Kafka (KAFKA_BROKERS, from npm run test:kafka)', kafkaBrokerAvailable, 'the transactions crash test on the kafka binder', () => {
  transactionalCrashScenario({
    design: 'kafka binder in the child against Apache Kafka, which outlives the copier',
    prepare: () => ({ binder: 'kafka', binders: { kafka: { brokers: kafkaBrokers, logLevel: 'nothing' } }, cleanup: () => undefined }),
    readerBinder: (binders) => createKafkaBinder(binders.kafka as KafkaBinderConfig),
  });
});
