/**
 * Errors and values a user can act on: a thrown non-Error is described by its JSON (logs, DLQ
 * headers), binary header values reach listeners as bytes when asked for, and a session timeout
 * the broker does not allow names the allowed range.
 */
import {
  Bindery,
  Context,
  EnableBinding,
  Header,
  InputDestination,
  OutputDestination,
  Sink,
  StreamListener,
  TestBinder,
  type Binder,
  type BinderyOptions,
  type ConsumerConfig,
  type Logger,
  type RecordContext,
} from '../../../src';
import { createKafkaBinder } from '../../../src/binder/kafka';
import { NativeBinder } from '../../../src/binder/native';
import { RecordingClock, waitFor } from './support';
import { CapturingLogger } from '../../support/capturingLogger';
import { useInProcessBroker } from '../../support/inProcessBroker';


@EnableBinding(Sink)
class ThrowsObject {
  @StreamListener(Sink.INPUT)
  handle(): void {
    throw { code: 1, reason: 'quota' };
  }
}

class Seen {
  raw: unknown;
  text: unknown;
  contextRaw: unknown;
  contextAll: unknown;
}

@EnableBinding(Sink)
class ReadsBytes {
  constructor(private readonly seen: Seen) {}

  @StreamListener(Sink.INPUT)
  handle(_payload: unknown, @Header('signature', { raw: true }) raw: Buffer, @Header('signature') text: string, @Context() context: RecordContext): void {
    this.seen.raw = raw;
    this.seen.text = text;
    this.seen.contextRaw = context.rawHeader('signature');
    this.seen.contextAll = context.rawHeaders.map((h) => h.key);
  }
}

function create(services: BinderyOptions['services'], binder: Binder, consumer: ConsumerConfig, logger: Logger) {
  return Bindery.create({
    services,
    binder,
    clock: new RecordingClock(),
    config: { bindings: { input: { destination: 'work', group: 'g', consumer } } },
    configFile: false,
    env: {},
    logger,
    shutdownOnSignals: false,
  });
}

describe('a thrown value that is not an Error', () => {
  it('is described by its JSON in the log and the dead-letter headers, never as [object Object]', async () => {
    const binder = new TestBinder();
    const logger = new CapturingLogger();
    const app = await create([ThrowsObject], binder, { maxAttempts: 2, enableDlq: true }, logger);
    await app.start();
    try {
      InputDestination.of(binder).send({ n: 1 });
      const dead = await OutputDestination.of(binder).receive(20000, 'error.work.g');
      expect(dead).not.toBeNull();
      expect(dead!.headers['x-exception-message']).toBe('{"code":1,"reason":"quota"}');
      expect(dead!.headers['x-exception-stacktrace']).toContain('{"code":1,"reason":"quota"}');
      await waitFor(() => logger.lines.some((l) => l.includes('sent to error.work.g')));
      expect(logger.lines.filter((l) => l.includes('{"code":1,"reason":"quota"}')).length).toBeGreaterThanOrEqual(2);
      expect(logger.lines.filter((l) => l.includes('[object Object]'))).toEqual([]);
    } finally {
      await app.close();
    }
  });
});

describe.each([
  { name: 'test binder', binder: (): Binder => new TestBinder() },
  { name: 'native binder', binder: (): Binder => new NativeBinder({ shared: false }) },
])('binary header values ($name)', ({ binder: makeBinder }) => {
  it('reach @Header(name, { raw: true }) and the record context as the bytes sent', async () => {
    const binder = makeBinder();
    const seen = new Seen();
    const app = await create([ReadsBytes, { provide: Seen, useValue: seen }], binder, {}, new CapturingLogger());
    await app.start();
    const bytes = Buffer.from([0xff, 0x00, 0x80, 0xc3]);
    try {
      await app.send('work', { n: 1 }, { headers: { signature: bytes } });
      await waitFor(() => seen.raw !== undefined, 20000, 'the listener');
      expect(Buffer.isBuffer(seen.raw)).toBe(true);
      expect(Buffer.compare(seen.raw as Buffer, bytes)).toBe(0);
      expect(Buffer.compare(seen.contextRaw as Buffer, bytes)).toBe(0);
      expect(typeof seen.text).toBe('string');
      expect(seen.contextAll).toEqual(expect.arrayContaining(['signature', 'message-id']));
    } finally {
      await app.close();
      await binder.close();
    }
  });
});

@EnableBinding(Sink)
class Quiet {
  @StreamListener(Sink.INPUT)
  handle(): void {}
}

describe('a session timeout outside what the broker allows', () => {
  const server = useInProcessBroker();

  it.each([
    { name: 'native binder', binder: (): Binder => new NativeBinder({ shared: false }) },
    { name: 'kafka binder on bindery broker', binder: (): Binder => createKafkaBinder({ brokers: [`127.0.0.1:${server.port}`], logLevel: 'nothing' }) },
  ])('fails start at once with an error that names the allowed range ($name)', async ({ binder: makeBinder }) => {
    const binder = makeBinder();
    const app = await create([Quiet], binder, { sessionTimeoutMs: 1000, heartbeatIntervalMs: 300 }, new CapturingLogger());
    try {
      await expect(app.start()).rejects.toThrow(/sessionTimeoutMs 1000 .*between 6000 and 1800000 ms/);
    } finally {
      await app.close();
      await binder.close();
    }
  }, 20000);
});
