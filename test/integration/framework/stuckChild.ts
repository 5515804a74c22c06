/**
 * Child process for the stuck-listener test: a handler that never settles, then close(). Prints how
 * long close() took and then leaves the process to end by itself: anything left running keeps it
 * alive, and the test's deadline catches that. Arguments: binder name ('test' | 'native'), shutdownTimeoutMs.
 */
import { Bindery, EnableBinding, Sink, StreamListener, silentLogger } from '../../../src';

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
  const app = await Bindery.create({
    services: [Hanging],
    config: { binder, shutdownTimeoutMs: Number(timeout), bindings: { input: { destination: 'jobs', group: 'workers' } } },
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
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
