/**
 * Child process for the host-signal test: an application whose host (NestJS, Fastify, …) has its own
 * SIGTERM handler. argv[2] = 'both': bindery's handlers stay on beside the host's; 'host': bindery's
 * are off and the host calls app.close() itself. Re-raising the signal is reported, not done, so the
 * test sees whether bindery would have.
 */
import { Bindery, EnableBinding, InputDestination, Sink, StreamListener, TestBinder } from '../../../src';

@EnableBinding(Sink)
class Worker {
  @StreamListener(Sink.INPUT)
  handle(value: { n: number }): void {
    console.log(`handled ${value.n}`);
  }
}

async function main(): Promise<void> {
  const mode = process.argv[2];
  const keepAlive = setInterval(() => undefined, 1 << 30);
  const kill = process.kill.bind(process);
  process.kill = ((pid: number, signal?: string | number) => {
    if (pid === process.pid) {
      console.log(`re-raised ${String(signal)}`);
      return true;
    }
    return kill(pid, signal);
  }) as typeof process.kill;

  const binder = new TestBinder();
  const app: Bindery = await Bindery.create({
    services: [Worker],
    binder,
    config: { bindings: { input: { destination: 'jobs', group: 'workers' } } },
    configFile: false,
    env: {},
    shutdownOnSignals: mode !== 'host',
    // Runs after bindery's close and before it would re-raise: the end of bindery's signal handling.
    onSignalShutdown: (signal) => {
      console.log(`bindery closed on ${signal}`);
      setImmediate(() => clearInterval(keepAlive));
    },
  });
  process.on('SIGTERM', () => {
    console.log('host handler');
    void app.close().then(() => {
      console.log(`host closed; running=${app.running} committed=${binder.broker.committedOffset('workers', 'jobs', 0)}`);
      if (mode === 'host') clearInterval(keepAlive);
    });
  });
  await app.start();
  InputDestination.of(binder).send({ n: 1 });
  console.log('ready');
}

void main();
