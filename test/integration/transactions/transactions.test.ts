/** The framework's transactions on the native binder and on the kafka binder against `bindery broker`. */
import { Broker } from '../../../src/broker/Broker';
import { MemoryFileSystem } from '../../../src/broker/storage';
import { brokerApi } from '../../../src/broker/server/brokerAdapter';
import { startWireServer, type WireServer } from '../../../src/broker/server/WireServer';
import { transactionScenarios } from './transactionScenarios';

describe('native binder', () => {
  transactionScenarios(() => ({ binder: 'native' }));
});

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

  transactionScenarios(() => ({ binder: 'kafka', binders: { kafka: { brokers: [`127.0.0.1:${server.port}`], logLevel: 'nothing' } } }));
});
