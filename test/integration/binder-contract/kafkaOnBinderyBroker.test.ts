/** The kafka binder (kafkajs over the wire) passes the contract suite against bindery's broker. */
import { Broker } from '../../../src/broker/Broker';
import { MemoryFileSystem } from '../../../src/broker/storage';
import { startWireServer, type WireServer } from '../../../src/broker/server/WireServer';
import { createKafkaBinder } from '../../../src/binder/kafka';
import { binderContractSuite } from './binderContractSuite';

describe('kafka binder on bindery broker', () => {
  let broker: Broker;
  let server: WireServer;
  beforeAll(async () => {
    // What `bindery broker --memory` runs, with groups forming at once as on the test Apache Kafka.
    broker = await Broker.open({ fs: new MemoryFileSystem(), groupConfig: { initialRebalanceDelayMs: 0 } });
    server = await startWireServer(broker, {
      host: '127.0.0.1',
      port: 0,
      nodeId: broker.config.nodeId,
      clusterId: broker.clusterId,
    });
    broker.setAdvertisedListener(server.host, server.port);
  });
  afterAll(async () => {
    await server?.close();
    await broker?.close();
  });

  binderContractSuite('kafka binder on bindery broker', async () =>
    createKafkaBinder({ brokers: [`127.0.0.1:${server.port}`], logLevel: 'nothing' }),
  );
});
