/**
 * Delivery scenarios that need Redis: two instances of one group sharing a RedisIdempotencyStore
 * never process a key twice while partitions move between them.
 */
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { RedisIdempotencyStore, type Binder } from '../../../src';
import { describeIfPeer } from '../../support/peers';
import { DEADLINE_MS, eventually, Recorder, startApp, uniqueName } from './deliverySupport';

const redisUrl = process.env.BINDERY_REDIS_URL;

interface SuiteContext {
  binder(): Promise<Binder>;
  start(...args: Parameters<typeof startApp>): ReturnType<typeof startApp>;
}

export function redisScenarios(target: { name: string }, suite: SuiteContext): void {
  describeIfPeer('Redis (BINDERY_REDIS_URL)', Boolean(redisUrl), `idempotent consumption with Redis (${target.name})`, () => {
    const prefix = `delivery:${randomUUID()}:`;
    const stores: RedisIdempotencyStore[] = [];
    let redis: Redis;

    beforeAll(() => {
      redis = new Redis(redisUrl!);
    });

    afterAll(async () => {
      await Promise.allSettled(stores.map((s) => s.close()));
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    });

    const store = (): RedisIdempotencyStore => {
      const created = new RedisIdempotencyStore({ url: redisUrl, prefix });
      stores.push(created);
      return created;
    };

    it('two instances sharing the store never process one key twice while a rebalance moves partitions', async () => {
      const b = await suite.binder();
      const topic = uniqueName('two-instances');
      const group = `${topic}.g`;
      const total = 400;
      await b.provisionTopic(topic, 4);
      // One recorder for both instances: each message id must show up exactly once across them.
      const recorder = new Recorder();
      recorder.behavior = () => new Promise((resolve) => setTimeout(resolve, 2));
      const consumer = { idempotent: true, ackMode: 'batch' as const, maxBatchRecords: 50 };
      const first = await suite.start({ binder: b, topic, group, consumer, recorder, options: { idempotencyStore: store() } });
      const sends: Promise<unknown>[] = [];
      for (let i = 0; i < total; i++) sends.push(first.app.send(topic, { n: i }, { key: `key-${i % 20}` }));
      await Promise.all(sends);
      await eventually(() => recorder.invocations.length >= total / 4, 'a quarter of the messages in the first instance');
      // A second member joins (rebalance), then the first leaves (rebalance again).
      const second = await suite.start({ binder: b, topic, group, consumer, recorder, options: { idempotencyStore: store() } });
      await eventually(() => recorder.invocations.length >= total / 2, 'half of the messages');
      await first.app.close();
      await eventually(() => new Set(recorder.invocations.map((i) => i.messageId)).size === total, 'every message', DEADLINE_MS);
      const ids = recorder.invocations.map((i) => i.messageId);
      expect(ids.length).toBe(total);
      expect(new Set(ids).size).toBe(total);
      await second.app.close();
    }, 2 * DEADLINE_MS);
  });
}

