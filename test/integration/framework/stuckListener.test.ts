/**
 * A listener that never settles: handlerTimeoutMs turns it into a failed attempt (retry, then the
 * DLQ); without it the partition is reported stuck in the log and in app.health(); close() gives
 * up on it after shutdownTimeoutMs once and leaves nothing running (the process exits by itself).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  Bindery,
  EnableBinding,
  InputDestination,
  OutputDestination,
  Sink,
  StreamListener,
  TestBinder,
  type ConsumerConfig,
  type Logger,
} from '../../../src';
import { RecordingClock, waitFor } from './support';

class Behaviour {
  readonly entered: number[] = [];
  readonly finished: number[] = [];
  hangOn = new Set<number>();
  release: () => void = () => undefined;
}

@EnableBinding(Sink)
class MaybeHanging {
  constructor(private readonly behaviour: Behaviour) {}

  @StreamListener(Sink.INPUT)
  async handle(payload: { n: number }): Promise<void> {
    this.behaviour.entered.push(payload.n);
    if (this.behaviour.hangOn.has(payload.n)) await new Promise<void>((resolve) => (this.behaviour.release = resolve));
    this.behaviour.finished.push(payload.n);
  }
}

class CapturingLogger implements Logger {
  readonly lines: string[] = [];
  info(message: string): void {
    this.lines.push(`INFO ${message}`);
  }
  warn(message: string): void {
    this.lines.push(`WARN ${message}`);
  }
  error(message: string): void {
    this.lines.push(`ERROR ${message}`);
  }
}

async function start(consumer: ConsumerConfig, behaviour: Behaviour, logger: Logger) {
  const binder = new TestBinder();
  const app = await Bindery.create({
    services: [MaybeHanging, { provide: Behaviour, useValue: behaviour }],
    binder,
    clock: new RecordingClock(),
    config: { bindings: { input: { destination: 'work', group: 'g', consumer } } },
    configFile: false,
    env: {},
    logger,
    shutdownOnSignals: false,
  });
  await app.start();
  return { app, binder };
}

describe('a listener that never settles', () => {
  const apps: Bindery[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.close()));
  });

  it('fails the attempt after handlerTimeoutMs, retries it, dead-letters it and moves on', async () => {
    const behaviour = new Behaviour();
    behaviour.hangOn.add(1);
    const logger = new CapturingLogger();
    const { app, binder } = await start({ handlerTimeoutMs: 100, maxAttempts: 2, enableDlq: true }, behaviour, logger);
    apps.push(app);
    InputDestination.of(binder).send({ n: 1 });
    InputDestination.of(binder).send({ n: 2 });
    const dead = await OutputDestination.of(binder).receive(20000, 'error.work.g');
    expect(dead).not.toBeNull();
    expect(dead!.payload()).toEqual({ n: 1 });
    expect(dead!.headers['x-attempts']).toBe('2');
    expect(dead!.headers['x-exception-message']).toMatch(/did not settle within handlerTimeoutMs \(100 ms\)/);
    await waitFor(() => behaviour.finished.includes(2), 20000, 'the next record');
    expect(behaviour.entered).toEqual([1, 1, 2]);
    await waitFor(() => binder.broker.committedOffset('g', 'work', 0) === 2, 20000, 'both committed');
  });

  it('is off by default: a slow handler is waited for and its record processed', async () => {
    const behaviour = new Behaviour();
    behaviour.hangOn.add(1);
    const { app, binder } = await start({ sessionTimeoutMs: 60000 }, behaviour, new CapturingLogger());
    apps.push(app);
    InputDestination.of(binder).send({ n: 1 });
    await waitFor(() => behaviour.entered.length === 1);
    behaviour.release();
    await waitFor(() => binder.broker.committedOffset('g', 'work', 0) === 1, 20000, 'the record committed');
    expect(behaviour.finished).toEqual([1]);
  });

  it('warns once in the log and reports the partition stuck in app.health() past the session timeout', async () => {
    const behaviour = new Behaviour();
    behaviour.hangOn.add(1);
    const logger = new CapturingLogger();
    const { app, binder } = await start({ sessionTimeoutMs: 200 }, behaviour, logger);
    apps.push(app);
    expect(app.health().listeners[0].stuckPartitions).toEqual([]);
    InputDestination.of(binder).send({ n: 1 });
    await waitFor(() => (app.health().listeners[0].stuckPartitions ?? []).length === 1, 20000, 'a stuck partition in health');
    const health = app.health().listeners[0];
    expect(health.stuckPartitions![0]).toMatchObject({ topic: 'work', partition: 0, offset: 0 });
    expect(health.stuckPartitions![0].runningMs).toBeGreaterThan(200);
    expect(health.warnings).toEqual([expect.stringMatching(/work-0@0 .*longer than the session timeout \(200 ms\)/)]);
    await waitFor(() => logger.lines.some((l) => l.includes('longer than the session timeout')), 20000, 'the warning in the log');
    behaviour.release();
    await waitFor(() => binder.broker.committedOffset('g', 'work', 0) === 1, 20000, 'the record committed');
    await waitFor(() => app.health().listeners[0].stuckPartitions!.length === 0, 20000, 'the partition no longer stuck');
    expect(app.health().listeners[0].warnings).toEqual([]);
    expect(logger.lines.filter((l) => l.includes('longer than the session timeout'))).toHaveLength(1);
  });
});

const child = path.resolve(__dirname, '../../../dist/test/integration/framework/stuckChild.js');

// kafka: the kafka binder against bindery's broker inside the child.
describe.each(['test', 'native', 'kafka'])('close() with a handler that never settles (%s binder)', (binder) => {
  it('returns after shutdownTimeoutMs (not twice that) and the process exits by itself', async () => {
    expect(fs.existsSync(child)).toBe(true); // built by `npm test`'s pretest (locally: npx tsc -p .)
    const shutdownTimeoutMs = 1500;
    const proc = spawn(process.execPath, [child, binder, String(shutdownTimeoutMs)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    proc.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    proc.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const killer = setTimeout(() => proc.kill('SIGKILL'), 30000);
    try {
      const code = await new Promise<number | null>((resolve) => proc.on('close', (exitCode) => resolve(exitCode)));
      expect({ code, output }).toMatchObject({ code: 0 });
      const closedIn = Number(/closed in (\d+) ms/.exec(output)?.[1]);
      expect(closedIn).toBeGreaterThanOrEqual(shutdownTimeoutMs - 50);
      expect(closedIn).toBeLessThan(2 * shutdownTimeoutMs);
    } finally {
      clearTimeout(killer);
      proc.kill('SIGKILL');
    }
  }, 40000);
});
