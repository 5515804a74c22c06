/** Readiness of a kafka-binder application whose bindery broker is closed and reopened on the same port. */
import { Broker } from '../../../src/broker/Broker';
import { MemoryFileSystem } from '../../../src/broker/storage';
import { startWireServer, type WireServer } from '../../../src/broker/server/WireServer';
import { Bindery, silentLogger } from '../../../src';
import { request } from '../../support/prometheus';
import { readinessScenario } from './readinessScenario';

describe('readiness with the kafka binder on bindery broker', () => {
  // Kept across the restart, so the broker reopens with its topics and groups.
  const fs = new MemoryFileSystem();
  let broker: Broker | undefined;
  let server: WireServer | undefined;
  let port = 0;

  async function open(): Promise<void> {
    broker = await Broker.open({ fs, groupConfig: { initialRebalanceDelayMs: 0 } });
    server = await startWireServer(broker, { host: '127.0.0.1', port, nodeId: broker.config.nodeId, clusterId: broker.clusterId });
    port = server.port;
    broker.setAdvertisedListener(server.host, server.port);
  }

  async function close(): Promise<void> {
    await server?.close();
    await broker?.close();
    server = undefined;
    broker = undefined;
  }

  beforeAll(open);
  afterAll(close);

  readinessScenario(() => ({ brokers: () => `127.0.0.1:${port}`, stop: close, restart: open }), 15000);
});

describe('readiness of an application whose binder no binding uses', () => {
  it('reports no binder component', async () => {
    const app = await Bindery.create({ services: [], configFile: false, env: {}, logger: silentLogger, shutdownOnSignals: false, config: { binder: 'test', management: { port: 0 } } });
    await app.start();
    try {
      const res = await request(app.managementAddress!.port, 'GET', '/health/readiness');
      expect(res.status).toBe(200);
      expect(Object.keys(JSON.parse(res.body).components)).toEqual(['application', 'bindings']);
    } finally {
      await app.close();
    }
  });
});
