/**
 * The management server of a running application: health probes, the bindings endpoint that
 * pauses, stops and restarts a listener, and what it answers to bad input.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Bindery, KafkaListener, ManagementPortInUseError, managementHandler, Payload, silentLogger, type BinderyConfig } from '../../../src';
import { waitFor } from '../framework/support';
import { request } from '../../support/prometheus';

class Orders {
  readonly billed: string[] = [];
  readonly audited: string[] = [];

  @KafkaListener({ id: 'billing', topics: 'orders', groupId: 'billing' })
  bill(@Payload() order: { id: string }): void {
    this.billed.push(order.id);
  }

  /** The witness: a second group on the same topic shows a record was there to be delivered. */
  @KafkaListener({ id: 'audit', topics: 'orders', groupId: 'audit' })
  audit(@Payload() order: { id: string }): void {
    this.audited.push(order.id);
  }
}

const binderConfigs: Array<[string, BinderyConfig]> = [
  ['test', { binder: 'test' }],
  ['native', { binder: 'native', binders: { native: { shared: false } } }],
];

async function createApp(config: BinderyConfig): Promise<Bindery> {
  return Bindery.create({ services: [Orders], configFile: false, env: {}, logger: silentLogger, shutdownOnSignals: false, config });
}

const json = (body: string): unknown => JSON.parse(body);

describe.each(binderConfigs)('management endpoints on the %s binder', (binderName, binderConfig) => {
  let app: Bindery;
  let port: number;
  let orders: Orders;

  beforeEach(async () => {
    app = await createApp({ ...binderConfig, management: { port: 0 } });
    await app.start();
    port = app.managementAddress!.port;
    orders = app.get(Orders);
  });

  afterEach(() => app.close());

  it('answers the probes with 200 and per-component detail while running', async () => {
    const ready = await request(port, 'GET', '/health/readiness');
    expect(ready.status).toBe(200);
    expect(json(ready.body)).toEqual({
      status: 'UP',
      components: {
        application: { status: 'UP', details: { state: 'running' } },
        // The in-process binders have no broker to reach: UP, nothing checked.
        binder: { status: 'UP', details: { binder: binderName } },
        bindings: { status: 'UP', details: { billing: 'running', audit: 'running' } },
      },
    });
    const live = await request(port, 'GET', '/health/liveness');
    expect(live.status).toBe(200);
    expect(json(live.body)).toMatchObject({ status: 'UP', components: { eventLoop: { status: 'UP', details: { thresholdMs: 5000 } } } });
    const all = await request(port, 'GET', '/health');
    expect(all.status).toBe(200);
    expect(Object.keys((json(all.body) as { components: object }).components).sort()).toEqual(['application', 'binder', 'bindings', 'eventLoop']);
  });

  it('lists the bindings and their state', async () => {
    const list = await request(port, 'GET', '/bindings');
    expect(list.status).toBe(200);
    expect(json(list.body)).toEqual([
      { name: 'billing', destination: 'orders', group: 'billing', state: 'running', autoStartup: true },
      { name: 'audit', destination: 'orders', group: 'audit', state: 'running', autoStartup: true },
    ]);
    const one = await request(port, 'GET', '/bindings/billing');
    expect(json(one.body)).toMatchObject({ name: 'billing', state: 'running' });
  });

  it('PAUSED holds deliveries back and RESUMED delivers them', async () => {
    const paused = await request(port, 'POST', '/bindings/billing', JSON.stringify({ state: 'PAUSED' }));
    expect(paused.status).toBe(200);
    expect(json(paused.body)).toMatchObject({ name: 'billing', state: 'paused' });

    await app.send('orders', { id: 'o1' });
    await waitFor(() => orders.audited.includes('o1'), 20000, 'the audit listener received o1');
    expect(orders.billed).toEqual([]);

    const resumed = await request(port, 'POST', '/bindings/billing', JSON.stringify({ state: 'RESUMED' }));
    expect(json(resumed.body)).toMatchObject({ state: 'running' });
    await waitFor(() => orders.billed.includes('o1'), 20000, 'billing received o1 after RESUMED');
    expect(orders.billed).toEqual(['o1']);
  });

  it('STOPPED leaves the group and makes readiness 503; STARTED resumes from the committed offset, losing nothing', async () => {
    await app.send('orders', { id: 'before' });
    await waitFor(() => orders.billed.includes('before'), 20000, 'billing received the first order');

    const stopped = await request(port, 'POST', '/bindings/billing', JSON.stringify({ state: 'STOPPED' }));
    expect(stopped.status).toBe(200);
    expect(json(stopped.body)).toMatchObject({ name: 'billing', state: 'stopped' });
    const notReady = await request(port, 'GET', '/health/readiness');
    expect(notReady.status).toBe(503);
    expect(json(notReady.body)).toMatchObject({ status: 'DOWN', components: { bindings: { status: 'DOWN', details: { billing: 'stopped' } } } });

    for (const id of ['s1', 's2', 's3']) await app.send('orders', { id });
    await waitFor(() => orders.audited.includes('s3'), 20000, 'the audit listener received s3');
    expect(orders.billed).toEqual(['before']);

    const started = await request(port, 'POST', '/bindings/billing', JSON.stringify({ state: 'STARTED' }));
    expect(started.status).toBe(200);
    expect(json(started.body)).toMatchObject({ state: 'running' });
    await waitFor(() => orders.billed.length >= 4, 20000, 'billing caught up after STARTED');
    expect(orders.billed).toEqual(['before', 's1', 's2', 's3']);
    expect((await request(port, 'GET', '/health/readiness')).status).toBe(200);
  });

  it('answers an unknown binding with 404 naming the bindings, and a bad state with 400 naming the accepted ones', async () => {
    const unknown = await request(port, 'POST', '/bindings/biling', JSON.stringify({ state: 'PAUSED' }));
    expect(unknown.status).toBe(404);
    expect(json(unknown.body)).toEqual({ error: "No consumer binding named 'biling'.", bindings: ['billing', 'audit'] });

    const bad = await request(port, 'POST', '/bindings/billing', JSON.stringify({ state: 'SLEEPING' }));
    expect(bad.status).toBe(400);
    expect(json(bad.body)).toMatchObject({ accepted: ['STOPPED', 'STARTED', 'PAUSED', 'RESUMED'] });
    expect((json(bad.body) as { error: string }).error).toContain('STOPPED, STARTED, PAUSED, RESUMED');

    const notJson = await request(port, 'POST', '/bindings/billing', 'pause please');
    expect(notJson.status).toBe(400);
    expect(app.bindings().find((b) => b.name === 'billing')?.state).toBe('running');
  });
});

describe('management server start-up', () => {
  it('fails start() with an error naming the port when the port is in use', async () => {
    const blocker = http.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as AddressInfo).port;
    const app = await createApp({ binder: 'test', management: { port: taken } });
    try {
      const error = await app.start().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ManagementPortInUseError);
      expect((error as Error).message).toContain(`127.0.0.1:${taken}`);
      expect(app.health().state).toBe('closed');
    } finally {
      await app.close();
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('reports liveness DOWN (503) after the event loop was blocked past the threshold', async () => {
    const app = await createApp({ binder: 'test', management: { port: 0, livenessThresholdMs: 1000 } });
    await app.start();
    try {
      const port = app.managementAddress!.port;
      expect((await request(port, 'GET', '/health/liveness')).status).toBe(200);
      const until = Date.now() + 1500;
      while (Date.now() < until); // a handler stuck in synchronous work
      const live = await request(port, 'GET', '/health/liveness');
      expect(live.status).toBe(503);
      expect(json(live.body)).toMatchObject({ status: 'DOWN', components: { eventLoop: { status: 'DOWN', details: { thresholdMs: 1000 } } } });
    } finally {
      await app.close();
    }
  });

  it('serves the same routes from an application\'s own http server', async () => {
    const app = await createApp({ binder: 'test' });
    await app.start();
    const handler = managementHandler(app);
    const own = http.createServer((req, res) => {
      if (req.url?.startsWith('/ops/')) {
        req.url = req.url.slice('/ops'.length);
        return handler(req, res);
      }
      res.writeHead(200).end('app');
    });
    await new Promise<void>((resolve) => own.listen(0, '127.0.0.1', resolve));
    const port = (own.address() as AddressInfo).port;
    try {
      expect((await request(port, 'GET', '/ops/health/readiness')).status).toBe(200);
      // Metrics were not turned on for this application.
      expect((await request(port, 'GET', '/ops/metrics')).status).toBe(404);
      expect((await request(port, 'GET', '/')).body).toBe('app');
    } finally {
      handler.close();
      await new Promise((resolve) => own.close(resolve));
      await app.close();
    }
  });
});
