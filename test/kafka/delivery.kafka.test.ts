/**
 * The delivery suite on the kafka binder against the Apache Kafka of `npm run test:kafka`. The
 * crash test's child runs the kafka binder against that broker, which outlives every SIGKILL.
 */
import { createKafkaBinder } from '../../src/binder/kafka';
import { deliverySuite } from '../integration/delivery/deliverySuite';
import { describeIfPeer } from '../support/peers';
import { kafkaBrokerAvailable, kafkaBrokers } from './kafkaPeer';

describeIfPeer('Apache Kafka (KAFKA_BROKERS, from npm run test:kafka)', kafkaBrokerAvailable, 'delivery on Apache Kafka', () => {
  deliverySuite({
    name: 'kafka binder on Apache Kafka',
    binder: async () => createKafkaBinder({ brokers: kafkaBrokers, logLevel: 'nothing' }),
    crash: {
      design: 'kafka binder in the child against Apache Kafka started by the test run',
      prepare: async () => ({
        binder: 'kafka',
        binders: { kafka: { brokers: kafkaBrokers!, logLevel: 'nothing' } },
        cleanup: async () => undefined,
      }),
    },
  });
});
