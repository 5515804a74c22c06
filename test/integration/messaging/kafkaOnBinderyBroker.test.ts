/**
 * Request-reply, MessageSender and several binders in one app on the kafka binder against
 * bindery's broker over the wire; and a Spring-style requester speaking kafkajs directly.
 */
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Bindery, KafkaListener, Payload, silentLogger } from '../../../src';
import { Broker } from '../../../src/broker/Broker';
import { MemoryFileSystem } from '../../../src/broker/storage';
import { brokerApi } from '../../../src/broker/server/brokerAdapter';
import { startWireServer, type WireServer } from '../../../src/broker/server/WireServer';
import { createKafkaBinder } from '../../../src/binder/kafka';
import { messagingSuite } from './messagingSuite';
import { springStyleRequest } from './springStyleRequester';

describe('kafka binder on bindery broker', () => {
  let broker: Broker;
  let server: WireServer;
  beforeAll(async () => {
    broker = await Broker.open({ fs: new MemoryFileSystem(), groupConfig: { initialRebalanceDelayMs: 0 } });
    server = await startWireServer(brokerApi(broker), { host: '127.0.0.1', port: 0, nodeId: broker.config.nodeId, clusterId: broker.clusterId });
    broker.setAdvertisedListener(server.host, server.port);
  });
  afterAll(async () => {
    await server?.close();
    await broker?.close();
  });

  messagingSuite('the kafka binder on bindery broker', async () => createKafkaBinder({ brokers: [`127.0.0.1:${server.port}`], logLevel: 'nothing' }));

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
