/** The transactional producers of the native binder (in process) and of the kafka binder (kafkajs against `bindery broker`). */
import { Broker } from '../../../src/broker/Broker';
import { MemoryFileSystem } from '../../../src/broker/storage';
import { brokerApi } from '../../../src/broker/server/brokerAdapter';
import { startWireServer, type WireServer } from '../../../src/broker/server/WireServer';
import { createKafkaBinder } from '../../../src/binder/kafka';
import { NativeBinder } from '../../../src/binder/native';
import { transactionsSuite } from './transactionsSuite';

transactionsSuite('native', async () => new NativeBinder());

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

  transactionsSuite('kafka', async () => createKafkaBinder({ brokers: [`127.0.0.1:${server.port}`], logLevel: 'nothing' }));
});
