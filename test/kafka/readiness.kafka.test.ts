/** Readiness of a kafka-binder application while its Apache Kafka is stopped and started again. */
import { startKafka, type KafkaCluster } from '../../scripts/kafka/kafka-node';
import { readinessScenario } from '../integration/observability/readinessScenario';
import { describeIfPeer } from '../support/peers';
import { kafkaJarsAvailable } from './kafkaPeer';

describeIfPeer('Java 17 and the Apache Kafka jars (node scripts/kafka/fetch.js)', kafkaJarsAvailable, 'readiness while Kafka is stopped', () => {
  // A cluster of its own: the shared one (KAFKA_BROKERS) stays up for the other suites.
  let cluster: KafkaCluster | undefined;

  beforeAll(async () => {
    cluster = await startKafka({ size: 1 });
  }, 240000);

  afterAll(async () => {
    await cluster?.stop();
  }, 60000);

  readinessScenario(
    () => ({
      brokers: () => cluster!.brokers,
      stop: () => cluster!.nodes[0].stop(),
      restart: () => cluster!.nodes[0].restart(),
    }),
    60000,
  );
});
