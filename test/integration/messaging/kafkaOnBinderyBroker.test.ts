/**
 * Request-reply, MessageSender and several binders in one app on the kafka binder against
 * bindery's broker over the wire; and a Spring-style requester speaking kafkajs directly.
 */
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Bindery, KafkaListener, MessageSender, Payload, Requester, silentLogger } from '../../../src';
import { waitFor } from '../framework/support';
import { createKafkaBinder } from '../../../src/binder/kafka';
import { messagingSuite } from './messagingSuite';
import { springStyleRequest } from './springStyleRequester';
import { useInProcessBroker } from '../../support/inProcessBroker';

describe('kafka binder on bindery broker', () => {
  const server = useInProcessBroker();

  messagingSuite('the kafka binder on bindery broker', async () => createKafkaBinder({ brokers: [`127.0.0.1:${server.port}`], logLevel: 'nothing' }));

  it('one app: a work queue on the embedded native broker, events and requests on the kafka binder', async () => {
    const run = randomBytes(4).toString('hex');
    class Shop {
      readonly work: unknown[] = [];
      readonly events: unknown[] = [];
      @KafkaListener({ id: 'work-in', topics: `work-${run}`, groupId: 'workers' })
      onWork(@Payload() job: unknown): void {
        this.work.push(job);
      }
      @KafkaListener({ id: 'events-in', topics: `events-${run}`, groupId: 'auditors' })
      onEvent(@Payload() event: unknown): void {
        this.events.push(event);
      }
      @KafkaListener({ id: 'stock', topics: `stock-${run}`, groupId: 'stock' })
      stock(@Payload() query: { sku: string }): { sku: string; count: number } {
        return { sku: query.sku, count: 3 };
      }
    }
    const app = await Bindery.create({
      services: [Shop],
      config: {
        binder: 'local',
        binders: { local: { type: 'native' }, events: { type: 'kafka', brokers: `127.0.0.1:${server.port}`, logLevel: 'nothing' } },
        bindings: {
          'events-in': { binder: 'events' },
          stock: { binder: 'events' },
          'order-events': { destination: `events-${run}`, binder: 'events' },
          'stock-queries': { destination: `stock-${run}`, binder: 'events' },
        },
      },
      configFile: false,
      env: {},
      logger: silentLogger,
      shutdownOnSignals: false,
    });
    await app.start();
    try {
      expect(app.binder.name).toBe('native');
      expect(app.binderOf('events-in').name).toBe('kafka');
      const sender = app.get(MessageSender);
      await sender.send(`work-${run}`, { job: 1 });
      await sender.send('order-events', { order: 'o-1' });
      await expect(app.get(Requester).request('stock-queries', { sku: 'A-1' })).resolves.toEqual({ sku: 'A-1', count: 3 });
      const shop = app.get(Shop);
      await waitFor(() => shop.work.length === 1 && shop.events.length === 1, 20000, 'one job and one event');
      // The event went through the cluster, not the embedded broker: kafka's own metadata has the topic.
      const admin = new Kafka({ brokers: [`127.0.0.1:${server.port}`], logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      const topics = await admin.listTopics();
      await admin.disconnect();
      expect(topics).toContain(`events-${run}`);
      expect(topics).not.toContain(`work-${run}`);
    } finally {
      await app.close();
    }
  });

  it('a kafkajs requester that sets only kafka_replyTopic, kafka_replyPartition and kafka_correlationId gets its reply', async () => {
    const topic = `spring-rpc-${randomBytes(4).toString('hex')}`;
    class Pricer {
      @KafkaListener({ id: 'pricer', topics: topic, groupId: `pricer-${topic}` })
      price(@Payload() item: { sku: string }): { sku: string; cents: number } {
        return { sku: item.sku, cents: 1299 };
      }
    }
    const app = await Bindery.create({
      services: [Pricer],
      config: { binder: 'kafka', binders: { kafka: { brokers: `127.0.0.1:${server.port}`, logLevel: 'nothing' } }, bindings: { pricer: { consumer: { partitionCount: 2 } } } },
      configFile: false,
      env: {},
      logger: silentLogger,
      shutdownOnSignals: false,
    });
    await app.start();
    try {
      const kafka = new Kafka({ brokers: [`127.0.0.1:${server.port}`], logLevel: logLevel.NOTHING });
      const reply = await springStyleRequest(kafka, topic, JSON.stringify({ sku: 'A-1' }));
      expect(JSON.parse(reply.value)).toEqual({ sku: 'A-1', cents: 1299 });
      expect(reply.correlationId).toEqual(reply.sentCorrelationId);
      expect(reply.partition).toBe(1);
    } finally {
      await app.close();
    }
  });
});
