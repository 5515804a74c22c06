/** Child process for the signal test: a running application that is sent SIGTERM. */
import { Bindery, EnableBinding, InputDestination, Sink, StreamListener, TestBinder } from '../../../src';

@EnableBinding(Sink)
class Worker {
  @StreamListener(Sink.INPUT)
  handle(value: { n: number }): void {
    console.log(`handled ${value.n}`);
  }
}

async function main(): Promise<void> {
  const binder = new TestBinder();
  const app = await Bindery.create({
    services: [Worker],
    binder,
    config: { bindings: { input: { destination: 'jobs', group: 'workers' } } },
    configFile: false,
    env: {},
    onSignalShutdown: (signal) => console.log(`closed on ${signal}; running=${app.running} committed=${binder.broker.committedOffset('workers', 'jobs', 0)}`),
  });
  await app.start();
  InputDestination.of(binder).send({ n: 1 });
  // Stay alive until a signal arrives; the application closes itself and re-raises the signal.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  void keepAlive;
  console.log('ready');
}

void main();
