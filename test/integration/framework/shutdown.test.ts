import { Bindery, EnableBinding, InputDestination, Sink, StreamListener, TestBinder, silentLogger } from '../../../src';
import { waitFor } from './support';

class Gate {
  entered = 0;
  finished = 0;
  release: () => void = () => undefined;
  mode: 'wait' | 'fail' | 'hang' = 'wait';
}

@EnableBinding(Sink)
class Slow {
  constructor(private readonly gate: Gate) {}
  @StreamListener(Sink.INPUT)
  async handle(): Promise<void> {
    this.gate.entered++;
    if (this.gate.mode === 'fail') throw new Error('always failing');
    if (this.gate.mode === 'hang') return new Promise(() => undefined);
    await new Promise<void>((resolve) => (this.gate.release = resolve));
    this.gate.finished++;
  }
}

async function start(gate: Gate, consumer = {}, shutdownTimeoutMs = 30000) {
  const binder = new TestBinder();
  const app = await Bindery.create({
    services: [Slow, { provide: Gate, useValue: gate }],
    config: { binder: 'test', shutdownTimeoutMs, bindings: { input: { destination: 'work', group: 'g', consumer } } },
    binder,
    configFile: false,
    env: {},
    logger: silentLogger,
    shutdownOnSignals: false,
  });
  await app.start();
  return { app, binder };
}

describe('graceful shutdown', () => {
  it('lets the handler in flight finish, commits it, and then stops', async () => {
    const gate = new Gate();
    const { app, binder } = await start(gate);
    InputDestination.of(binder).send({ n: 1 });
    InputDestination.of(binder).send({ n: 2 });
    await waitFor(() => gate.entered === 1);
    let closed = false;
    const closing = app.close().then(() => (closed = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);
    gate.release();
    await closing;
    expect(gate.finished).toBe(1);
    expect(gate.entered).toBe(1);
    expect(binder.broker.committedOffset('g', 'work', 0)).toBe(1);
    await expect(app.send('work', {})).rejects.toThrow("Cannot send to 'work': the application is closed.");
  });

  it('cuts a long backoff short and leaves the failing record uncommitted', async () => {
    const gate = new Gate();
    gate.mode = 'fail';
    const { app, binder } = await start(gate, { backOffInitialInterval: 600000, backOffMaxInterval: 600000 });
    InputDestination.of(binder).send({ n: 1 });
    await waitFor(() => gate.entered === 1);
    await app.close();
    expect(binder.broker.committedOffset('g', 'work', 0)).toBeUndefined();
  });

  it('gives up on a handler that never finishes after shutdownTimeoutMs', async () => {
    const gate = new Gate();
    gate.mode = 'hang';
    const { app, binder } = await start(gate, {}, 200);
    InputDestination.of(binder).send({ n: 1 });
    await waitFor(() => gate.entered === 1);
    await app.close();
    expect(app.running).toBe(false);
  });
});
