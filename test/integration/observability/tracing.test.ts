/** Tracing on the native binder and on the kafka binder against bindery's broker (scenarios in tracingScenarios.ts). */
import type { BinderyConfig } from '../../../src';
import { Broker } from '../../../src/broker/Broker';
import { MemoryFileSystem } from '../../../src/broker/storage';
import { startWireServer, type WireServer } from '../../../src/broker/server/WireServer';
import { tracingScenarios } from './tracingScenarios';

describe('tracing on the native binder', () => tracingScenarios(() => ({ binder: 'native', binders: { native: { shared: false } } })));

describe('tracing on the kafka binder against bindery broker', () => {
  let broker: Broker;
  let server: WireServer;
  beforeAll(async () => {
    broker = await Broker.open({ fs: new MemoryFileSystem(), groupConfig: { initialRebalanceDelayMs: 0 } });
    server = await startWireServer(broker, { host: '127.0.0.1', port: 0, nodeId: broker.config.nodeId, clusterId: broker.clusterId });
    broker.setAdvertisedListener(server.host, server.port);
  });
  afterAll(async () => {
    await server?.close();
    await broker?.close();
  });

  tracingScenarios((): BinderyConfig => ({ binder: 'kafka', binders: { kafka: { brokers: `127.0.0.1:${server.port}`, logLevel: 'nothing' } } }));
});
