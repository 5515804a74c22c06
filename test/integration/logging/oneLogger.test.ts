/**
 * One logger for every room: a pino logger given to Bindery.create receives the broker's warnings
 * (a torn log tail cut at start) and the binder's errors (a delivery that failed and comes again),
 * with nothing on the console.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { Bindery, EnableBinding, InMemoryIdempotencyStore, Payload, Sink, StreamListener, silentLogger, type Logger } from '../../../src';
import { NativeBinder } from '../../../src/binder/native';
import { eventually } from '../delivery/deliverySupport';

interface PinoLine {
  level: number;
  msg: string;
  err?: { message: string };
}

@EnableBinding(Sink)
class Orders {
  readonly seen: string[] = [];
  @StreamListener(Sink.INPUT)
  handle(@Payload() order: { id: string }): void {
    this.seen.push(order.id);
  }
}

/** An idempotency store whose first claim fails, so the binder's first delivery fails and comes again. */
class FailingOnceStore extends InMemoryIdempotencyStore {
  private failed = false;
  override async claim(key: string, leaseMs: number): Promise<boolean> {
    if (!this.failed) {
      this.failed = true;
      throw new Error('idempotency store down');
    }
    return super.claim(key, leaseMs);
  }
}

describe('one logger', () => {
  let dataDir: string;
  let consoleSpies: jest.SpyInstance[];
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-one-logger-'));
    consoleSpies = (['log', 'info', 'warn', 'error'] as const).map((m) => jest.spyOn(console, m).mockImplementation(() => undefined));
  });
  afterEach(() => {
    for (const spy of consoleSpies) spy.mockRestore();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('a pino logger given to Bindery.create receives a broker warning and a binder error', async () => {
    // A log with one record, then a torn write at its tail.
    const writer = new NativeBinder({ dataDir, shared: false }, silentLogger);
    const producer = await writer.bindProducer('orders', {});
    await producer.sendMany([{ value: Buffer.from(JSON.stringify({ id: 'o-1' })) }]);
    await writer.close();
    fs.appendFileSync(path.join(dataDir, 'orders-0', '00000000000000000000.log'), Buffer.alloc(7, 0xff));

    const lines: PinoLine[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as PinoLine);
        done();
      },
    });
    const logger: Logger = pino({ level: 'debug' }, sink);
    const app = await Bindery.create({
      services: [Orders],
      logger,
      idempotencyStore: new FailingOnceStore(),
      configFile: false,
      env: {},
      shutdownOnSignals: false,
      config: {
        binder: 'native',
        binders: { native: { dataDir, shared: false } },
        bindings: { input: { destination: 'orders', group: 'billing', consumer: { idempotent: true } } },
      },
    });
    try {
      await app.start();
      await eventually(() => app.get(Orders).seen.includes('o-1'), 'the record handled after its failed delivery');
      const warnings = lines.filter((l) => l.level === pino.levels.values.warn);
      const errors = lines.filter((l) => l.level === pino.levels.values.error);
      expect(warnings.map((l) => l.msg)).toEqual(expect.arrayContaining([expect.stringMatching(/orders-0\/0+\.log: .*truncating the log there/)]));
      expect(errors.map((l) => l.msg)).toEqual(expect.arrayContaining([expect.stringMatching(/native binder: group billing: .*idempotency store down/)]));
      for (const spy of consoleSpies) expect(spy).not.toHaveBeenCalled();
    } finally {
      await app.close();
    }
  });
});
