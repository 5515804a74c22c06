/**
 * Whether Apache Kafka is at hand for test/kafka: KAFKA_BROKERS (set by scripts/kafka/with-kafka.js)
 * for the shared broker, the fetched jars plus Java for tests that start their own cluster.
 */
import { commandWorks } from '../support/peers';
import { libsAvailable } from '../../scripts/kafka/paths';

export const kafkaBrokers: string | undefined = process.env.KAFKA_BROKERS;

export const kafkaBrokerAvailable = Boolean(kafkaBrokers);

export const kafkaJarsAvailable = libsAvailable() && commandWorks('java', ['-version']);
