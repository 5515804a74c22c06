/**
 * The outbox as an application sees it: a directory that cannot be written fails `app.start()`
 * naming the path (not the first send), and the records waiting show in `app.health()` and in the
 * `bindery_outbox_records` metric. The cluster is a closed 127.0.0.1 port: nothing is delivered.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Bindery, EnableBinding, silentLogger, Source, type BinderyConfig } from '../../../src';
import { describeIfPeer } from '../../support/peers';
import { canMountTmpfs, mountTmpfs, type Tmpfs } from '../../faults/support/tmpfs';

@EnableBinding(Source)
class Orders {
  constructor(readonly source: Source) {}
}

function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function app(dataDir: string, producer: NonNullable<NonNullable<BinderyConfig['bindings']>[string]['producer']> = {}): Promise<Bindery> {
  const config: BinderyConfig = {
    binder: 'kafka',
    binders: { kafka: { brokers: `127.0.0.1:${await closedPort()}`, logLevel: 'nothing', connectionTimeoutMs: 200, retry: { retries: 1, initialRetryTime: 50, maxRetryTime: 200 } } },
    bindings: { output: { destination: 'orders', producer: { outbox: { dataDir }, ...producer } } },
  };
  return Bindery.create({ services: [Orders], config, logger: silentLogger, configFile: false, env: {}, shutdownOnSignals: false, metrics: true });
}

describe('kafka binder outbox in an application', () => {
  let dir: string;
  const apps: Bindery[] = [];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-outbox-app-'));
  });
  afterEach(async () => {
    for (const a of apps.splice(0)) await a.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('fails start-up, naming the path, when the outbox directory cannot be written', async () => {
    const blocked = path.join(dir, 'a-file');
    fs.writeFileSync(blocked, 'not a directory');
    const application = await app(blocked);
    apps.push(application);
    const outboxDir = path.join(blocked, 'orders');
    await expect(application.start()).rejects.toThrow(`The kafka binder's outbox directory ${outboxDir} is not writable`);
  });

  it('shows the records waiting in app.health() and in the bindery_outbox_records gauge', async () => {
    const application = await app(dir);
    apps.push(application);
    await application.start();
    const orders = application.get(Orders);
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await orders.source.output.send({ id: `order-${i}` }, { key: 'customer-7' }));
    expect(results.map((r) => r.outcome)).toEqual(['stored', 'stored', 'stored']);
    expect(application.health().outboxes).toEqual([expect.objectContaining({ destination: 'orders', depth: 3, unreachable: true })]);
    const scraped = await application.metrics!.registry.metrics();
    expect(scraped).toMatch(/^bindery_outbox_records\{destination="orders"\} 3$/m);
  });

  // A send outside a transaction to a transactional binding runs in a transaction of its own,
  // which needs the cluster: it cannot wait in the outbox.
  it('refuses an outbox on a binding whose sends run in transactions, naming the binding and the way out', async () => {
    await expect(app(dir, { transactionIdPrefix: 'orders-' })).rejects.toThrow(
      "Binding 'output' (destination 'orders') has producer.outbox and producer.transactionIdPrefix",
    );
  });

  it('keeps the outbox of a transactional binding that allows non-transactional sends', async () => {
    const application = await app(dir, { transactionIdPrefix: 'orders-', allowNonTransactional: true });
    apps.push(application);
    await application.start();
    const result = await application.get(Orders).source.output.send({ id: 'order-1' }, { key: 'customer-7' });
    expect(result.outcome).toBe('stored');
  });
});

// Root writes to any directory whatever its mode: a read-only filesystem is what it cannot write.
describeIfPeer('root (a read-only tmpfs mount)', canMountTmpfs(), 'kafka binder outbox on a read-only filesystem', () => {
  let tmpfs: Tmpfs | undefined;
  let application: Bindery | undefined;
  afterEach(async () => {
    await application?.close();
    tmpfs?.unmount();
  });

  it('fails start-up naming the existing outbox directory it cannot write', async () => {
    tmpfs = mountTmpfs(1, 'bindery-outbox-ro-');
    const outboxDir = path.join(tmpfs.dir, 'orders');
    fs.mkdirSync(outboxDir);
    execFileSync('mount', ['-o', 'remount,ro', tmpfs.dir], { stdio: 'pipe', timeout: 10000 });
    application = await app(tmpfs.dir);
    await expect(application.start()).rejects.toThrow(new RegExp(`outbox directory ${outboxDir} is not writable \\(.*EROFS`));
  });
});
