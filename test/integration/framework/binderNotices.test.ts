/**
 * What a binder tells the user at start-up: the in-memory native binder says its topics live in this
 * process only, and how to connect processes; the kafka binder, pointed at a dead port, prints no raw
 * kafkajs JSON, only bindery's own clear error (kafkajs' logs go through bindery's logger).
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Bindery, EnableBinding, Sink, StreamListener, type LogFields, type Logger } from '../../../src';
import { KafkaConnectionError } from '../../../src/binder/kafka';
import { DataDirLockedError } from '../../../src/broker';

@EnableBinding(Sink)
class SinkService {
  @StreamListener(Sink.INPUT)
  handle(): void {}
}

interface Recorded extends Logger {
  lines: Array<{ level: 'info' | 'warn' | 'error'; message: string }>;
}

function recordingLogger(): Recorded {
  const lines: Recorded['lines'] = [];
  return {
    lines,
    debug: () => undefined,
    info: (message: string | LogFields) => lines.push({ level: 'info', message: String(message) }),
    warn: (message: string | LogFields) => lines.push({ level: 'warn', message: String(message) }),
    error: (message: string | LogFields) => lines.push({ level: 'error', message: String(message) }),
    child() {
      return this;
    },
  };
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('native binder notices', () => {
  it('in memory, says at start-up that its topics live in this process only and how to connect processes', async () => {
    const logger = recordingLogger();
    const app = await Bindery.create({ services: [SinkService], configFile: false, env: {}, logger, shutdownOnSignals: false });
    await app.close();
    const notices = logger.lines.filter((l) => l.message.includes('this process only'));
    expect(notices).toHaveLength(1);
    expect(notices[0].level).toBe('info');
    expect(notices[0].message).toContain('bindery broker');
    expect(notices[0].message).toContain('kafka binder');
    expect(notices[0].message).toContain('dataDir');
  });

  it('with a dataDir, says nothing of the kind', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-notice-'));
    const logger = recordingLogger();
    try {
      const app = await Bindery.create({
        services: [SinkService],
        configFile: false,
        env: {},
        logger,
        shutdownOnSignals: false,
        config: { binders: { native: { dataDir: dir } } },
      });
      await app.close();
      expect(logger.lines.filter((l) => l.message.includes('this process only'))).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('DataDirLockedError says how processes share topics', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-locked-'));
    // The lock of a live process on this host: the test's parent.
    fs.writeFileSync(path.join(dir, '.lock'), `${process.ppid}\n${os.hostname()}\n`);
    try {
      const app = await Bindery.create({
        services: [SinkService],
        configFile: false,
        env: {},
        logger: recordingLogger(),
        shutdownOnSignals: false,
        config: { binders: { native: { dataDir: dir } } },
      });
      const error = await app.start().then(
        () => app.close().then(() => null),
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DataDirLockedError);
      expect((error as Error).message).toContain(`in use by process ${process.ppid}`);
      expect((error as Error).message).toContain(`bindery broker --data-dir ${dir}`);
      expect((error as Error).message).toContain('kafka binder');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('kafka binder pointed at a dead port', () => {
  const consoleMethods = ['log', 'info', 'warn', 'error', 'debug'] as const;
  let spies: jest.SpyInstance[] = [];
  beforeEach(() => (spies = consoleMethods.map((m) => jest.spyOn(console, m).mockImplementation(() => undefined))));
  afterEach(() => spies.forEach((s) => s.mockRestore()));

  it('prints no raw kafkajs JSON: kafkajs logs go through bindery’s logger, and the error is bindery’s', async () => {
    const address = `127.0.0.1:${await closedPort()}`;
    const logger = recordingLogger();
    const app = await Bindery.create({
      services: [SinkService],
      configFile: false,
      env: {},
      logger,
      shutdownOnSignals: false,
      config: { binder: 'kafka', binders: { kafka: { brokers: [address], connectionTimeoutMs: 500, retry: { retries: 2, initialRetryTime: 50, maxRetryTime: 200 } } } },
    });
    const failure = await app.start().then(
      () => null,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(KafkaConnectionError);
    const printed = spies.flatMap((s) => s.mock.calls.map((args: unknown[]) => args.map(String).join(' ')));
    expect(printed).toEqual([]);
    // The failed connection attempts are the error the user gets, not lines before it.
    expect(logger.lines.filter((l) => l.level !== 'info')).toEqual([]);
  });
});
