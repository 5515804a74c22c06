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
      // The first instance never gets to commit (its acks are lost), so every partition it gives up
      // comes back to the second from offset 0: only the shared store keeps those from running twice.
      const consumer = { idempotent: true, ackMode: 'manual' as const, maxBatchRecords: 50 };
      const first = await suite.start({ binder: b, topic, group, consumer, options: { idempotencyStore: store() } });
      first.recorder.behavior = () => new Promise((resolve) => setTimeout(resolve, 2));
      const second = new Recorder();
      second.behavior = (_payload, ack) => ack.ack();
      const all = () => [...first.recorder.invocations, ...second.invocations];
      const sends: Promise<unknown>[] = [];
      for (let i = 0; i < total; i++) sends.push(first.app.send(topic, { n: i }, { key: `key-${i % 20}` }));
      await Promise.all(sends);
      await eventually(() => first.recorder.invocations.length >= total / 4, 'a quarter of the messages in the first instance');
      // A second member joins (rebalance), then the first leaves (rebalance again).
      await suite.start({ binder: b, topic, group, consumer, recorder: second, options: { idempotencyStore: store() } });
      await eventually(() => all().length >= total / 2, 'half of the messages');
      await first.app.close();
      await eventually(() => new Set(all().map((i) => i.messageId)).size === total, 'every message');
      const ids = all().map((i) => i.messageId);
      expect(ids.length).toBe(total);
      expect(new Set(ids).size).toBe(total);
      expect(first.recorder.invocations.length).toBeGreaterThan(0);
      expect(second.invocations.length).toBeGreaterThan(0);
    }, 2 * DEADLINE_MS);
  });
}

