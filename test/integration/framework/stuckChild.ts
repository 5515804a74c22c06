/**
 * Child process for the stuck-listener test: a handler that never settles, then close(). Prints how
 * long close() took and then leaves the process to end by itself: anything left running keeps it
 * alive, and the test's deadline catches that. Arguments: binder name ('test' | 'native' | 'kafka',
 * the last against bindery's broker in this process), shutdownTimeoutMs.
 */
import { Bindery, EnableBinding, Sink, StreamListener, silentLogger, type BinderyConfig } from '../../../src';
import { Broker } from '../../../src/broker/Broker';
import { startWireServer } from '../../../src/broker/server/WireServer';
import { MemoryFileSystem } from '../../../src/broker/storage';

let entered: () => void = () => undefined;
const handlerEntered = new Promise<void>((resolve) => (entered = resolve));

@EnableBinding(Sink)
class Hanging {
  @StreamListener(Sink.INPUT)
  handle(): Promise<void> {
    entered();
    return new Promise(() => undefined);
  }
}

async function main(): Promise<void> {
  const [binder, timeout] = process.argv.slice(2);
  const config: BinderyConfig = { binder, shutdownTimeoutMs: Number(timeout), bindings: { input: { destination: 'jobs', group: 'workers' } } };
  let afterClose = async (): Promise<void> => undefined;
  if (binder === 'kafka') {
    const broker = await Broker.open({ fs: new MemoryFileSystem(), groupConfig: { initialRebalanceDelayMs: 0 } });
    const server = await startWireServer(broker, { host: '127.0.0.1', port: 0, nodeId: broker.config.nodeId, clusterId: broker.clusterId });
    broker.setAdvertisedListener(server.host, server.port);
    config.binders = { kafka: { brokers: [`127.0.0.1:${server.port}`], logLevel: 'nothing' } };
    afterClose = async () => {
      await server.close();
      await broker.close();
    };
  }
  const app = await Bindery.create({
    services: [Hanging],
    config,
    configFile: false,
    env: {},
    logger: silentLogger,
    shutdownOnSignals: false,
  });
  await app.start();
  await app.send('jobs', { n: 1 });
  await handlerEntered;
  const began = Date.now();
  await app.close();
  console.log(`closed in ${Date.now() - began} ms`);
  await afterClose();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
