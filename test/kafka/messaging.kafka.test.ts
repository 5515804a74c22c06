/**
 * Request-reply, MessageSender and several binders in one app on the kafka binder against the
 * Apache Kafka of `npm run test:kafka`, and a Spring-style requester (raw kafkajs) answered by a
 * bindery listener.
 */
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Bindery, KafkaListener, Payload, silentLogger } from '../../src';
import { createKafkaBinder } from '../../src/binder/kafka';
import { messagingSuite } from '../integration/messaging/messagingSuite';
import { springStyleRequest } from '../integration/messaging/springStyleRequester';
import { describeIfPeer } from '../support/peers';
import { kafkaBrokerAvailable, kafkaBrokers } from './kafkaPeer';

describeIfPeer('Apache Kafka (KAFKA_BROKERS, from npm run test:kafka)', kafkaBrokerAvailable, 'request-reply on Apache Kafka', () => {
  messagingSuite('the kafka binder on Apache Kafka', async () => createKafkaBinder({ brokers: kafkaBrokers, logLevel: 'nothing' }));

  it('a kafkajs requester that sets only the three kafka_* headers gets its reply from a bindery listener', async () => {
    const topic = `spring-rpc-${randomBytes(4).toString('hex')}`;
    class Pricer {
      @KafkaListener({ id: 'pricer', topics: topic, groupId: `pricer-${topic}` })
      price(@Payload() item: { sku: string }): { sku: string; cents: number } {
        return { sku: item.sku, cents: 1299 };
      }
    }
    const app = await Bindery.create({
      services: [Pricer],
      config: { binder: 'kafka', binders: { kafka: { brokers: kafkaBrokers!, logLevel: 'nothing' } } },
      configFile: false,
      env: {},
      logger: silentLogger,
      shutdownOnSignals: false,
    });
    await app.start();
    try {
      const kafka = new Kafka({ brokers: kafkaBrokers!.split(','), logLevel: logLevel.NOTHING });
      const reply = await springStyleRequest(kafka, topic, JSON.stringify({ sku: 'A-1' }));
      expect(JSON.parse(reply.value)).toEqual({ sku: 'A-1', cents: 1299 });
      expect(reply.correlationId).toEqual(reply.sentCorrelationId);
      expect(reply.partition).toBe(1);
    } finally {
      await app.close();
    }
  });
});
