/**
 * Idempotent consumption through a Redis outage: the test's own redis-server is killed while a
 * listener works through a backlog and started again (empty, as Redis without persistence comes
 * back). No record that was processed and committed before the outage runs again.
 */
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { Bindery, EnableBinding, RedisIdempotencyStore, Sink, StreamListener, type Logger } from '../../../src';
import { NativeBinder } from '../../../src/binder/native';
import { describeIfPeer } from '../../support/peers';
import { RedisServer, redisServerInstalled } from '../../support/redisServer';
import { eventually, uniqueName } from './deliverySupport';

const RECORDS = 2000;
const OUTAGE_AT = 300;

class Effects {
  readonly counts = new Map<number, number>();
  /** Called with the payload before its effect counts; the test hooks the outage in here. */
  before: (n: number) => Promise<void> = async () => undefined;
}

@EnableBinding(Sink)
class EffectListener {
  constructor(private readonly effects: Effects) {}

  @StreamListener(Sink.INPUT)
  async handle(payload: { n: number }): Promise<void> {
    await this.effects.before(payload.n);
    this.effects.counts.set(payload.n, (this.effects.counts.get(payload.n) ?? 0) + 1);
  }
}

/** Counts the store operations Redis refused. */
class CountingRedisStore extends RedisIdempotencyStore {
  failures = 0;
  override async claim(key: string, leaseMs: number): Promise<boolean> {
    return this.counted(super.claim(key, leaseMs));
  }
  override async markDone(key: string, ttlMs?: number): Promise<void> {
    return this.counted(super.markDone(key, ttlMs));
  }
  private async counted<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (error) {
      this.failures++;
      throw error;
    }
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

describeIfPeer('redis-server', redisServerInstalled, 'idempotent consumption through a Redis outage', () => {
  let redis: RedisServer;
  const closing: Array<() => Promise<void>> = [];

  beforeEach(async () => {
    redis = await RedisServer.start();
  });

  afterEach(async () => {
    for (const close of closing.splice(0).reverse()) await close().catch(() => undefined);
    await redis.stop();
  });

  it('reports an outage and the recovery once each, through the logger and app.health(), not as unhandled errors', async () => {
    const printed = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    closing.push(async () => printed.mockRestore());
    const logger = new CapturingLogger();
    const store = new RedisIdempotencyStore({ url: redis.url, prefix: `health:${randomUUID()}:`, logger });
    closing.push(() => store.close());
    const binder = new NativeBinder({ shared: false });
    closing.push(() => binder.close());
    const app = await Bindery.create({
      services: [EffectListener, { provide: Effects, useValue: new Effects() }],
      binder,
      config: { bindings: { input: { destination: uniqueName('redis-health'), group: 'g', consumer: { idempotent: true } } } },
      configFile: false,
      env: {},
      logger,
      shutdownOnSignals: false,
      idempotencyStore: store,
    });
    closing.push(() => app.close());
    await app.start();
    const storeHealth = () => app.health().listeners[0].idempotencyStore;
    await eventually(async () => (await store.isDone('nothing')) === false, 'the store to answer');
    expect(storeHealth()?.available).toBe(true);

    await redis.stop();
    await eventually(() => storeHealth()?.available === false, 'health to show the store unavailable', 30000);
    // ioredis keeps reconnecting (and failing) while the server is down; let it fail a few times.
    const failedSince = storeHealth()!.since;
    await expect(store.isDone('during-outage')).rejects.toThrow();
    expect(storeHealth()).toMatchObject({ available: false, since: failedSince });
    expect(storeHealth()!.lastError).toMatch(/ECONNREFUSED|Connection is closed|max retries/i);

    await redis.restart();
    await eventually(() => storeHealth()?.available === true, 'health to show the store available again', 30000);
    const outage = logger.lines.filter((l) => l.includes('is unavailable'));
    const recovery = logger.lines.filter((l) => l.includes('is available again'));
    expect(outage).toHaveLength(1);
    expect(outage[0]).toMatch(/^WARN Redis idempotency store \(127\.0\.0\.1:\d+\) is unavailable/);
    expect(recovery).toHaveLength(1);
    expect(printed.mock.calls.filter((args) => String(args[0]).includes('Unhandled error event'))).toEqual([]);
  }, 120000);

  it('recognises a claim whose reply was lost as its own when it claims the key again', async () => {
    const client = new Redis(redis.url);
    closing.push(async () => client.disconnect());
    const send = client.sendCommand.bind(client);
    let loseNextReply = false;
    // The command reaches Redis and runs; only its answer never comes back (a connection cut at the wrong moment).
    client.sendCommand = ((command: Parameters<typeof send>[0], stream?: Parameters<typeof send>[1]) => {
      const reply = send(command, stream) as Promise<unknown>;
      if (!loseNextReply) return reply;
      loseNextReply = false;
      return reply.then(() => {
        throw new Error('connection lost before the reply (injected)');
      });
    }) as typeof client.sendCommand;
    const prefix = `lost-reply:${randomUUID()}:`;
    const store = new RedisIdempotencyStore({ client, prefix, logger: new CapturingLogger() });
    const other = new RedisIdempotencyStore({ url: redis.url, prefix, logger: new CapturingLogger() });
    closing.push(() => other.close());
    loseNextReply = true;
    await expect(store.claim('key', 60000)).rejects.toThrow('injected');
    expect(await store.claim('key', 60000)).toBe(true);
    expect(await other.claim('key', 60000)).toBe(false);
    await store.markDone('key', 60000);
    expect(await other.isDone('key')).toBe(true);
  });

  it('runs no committed record twice when Redis goes away mid-chunk and comes back empty', async () => {
    const binder = new NativeBinder({ shared: false });
    closing.push(() => binder.close());
    const topic = uniqueName('redis-outage');
    await binder.provisionTopic(topic, 1);
    const producer = await binder.bindProducer(topic);
    await producer.sendMany(Array.from({ length: RECORDS }, (_, n) => ({ key: null, value: Buffer.from(JSON.stringify({ n })), partition: 0 })));
    await producer.close();

    const store = new CountingRedisStore({ url: redis.url, prefix: `outage:${randomUUID()}:` });
    closing.push(() => store.close());
    const effects = new Effects();
    let outageOver = false;
    effects.before = async (n) => {
      // The server dies while this record is processed: its done mark (and what follows) fails.
      if (n === OUTAGE_AT && redis.running && !outageOver) await redis.stop();
    };
    const logger = new CapturingLogger();
    const app = await Bindery.create({
      services: [EffectListener, { provide: Effects, useValue: effects }],
      binder,
      config: { bindings: { input: { destination: topic, group: 'g', consumer: { idempotent: true, maxAttempts: 1 } } } },
      configFile: false,
      env: {},
      logger,
      shutdownOnSignals: false,
      idempotencyStore: store,
    });
    closing.push(() => app.close());
    await app.start();
    await eventually(() => !redis.running && store.failures > 0, 'the store to fail during the outage', 30000);
    outageOver = true;
    await redis.restart();
    await eventually(() => effects.counts.size === RECORDS, `all ${RECORDS} records processed`, 60000);
    const twice = [...effects.counts].filter(([, c]) => c > 1).map(([n]) => n);
    expect(twice).toEqual([]);
    // The record whose done mark failed was this consumer's own claim: settled at once, not waited out.
    expect(logger.lines.filter((l) => l.includes('held by another consumer'))).toEqual([]);
  }, 120000);
});
