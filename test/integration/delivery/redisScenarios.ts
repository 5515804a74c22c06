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
      // Disconnect even when Redis went away mid-run: a client left reconnecting keeps jest alive.
      try {
        const keys = await redis.keys(`${prefix}*`);
        if (keys.length > 0) await redis.del(...keys);
      } finally {
        redis.disconnect();
      }
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
      await b.provisionTopic(topic, 4);
      // The first instance never gets to commit (its acks are lost), so every partition it gives up
      // comes back to the second from offset 0: only the shared store keeps those from running twice.
      const consumer = { idempotent: true, ackMode: 'manual' as const, maxBatchRecords: 50 };
      const first = await suite.start({ binder: b, topic, group, consumer, options: { idempotencyStore: store() } });
      const second = new Recorder();
      second.behavior = (_payload, ack) => ack.ack();
      const all = () => [...first.recorder.invocations, ...second.invocations];
      const unique = () => new Set(all().map((i) => i.messageId)).size;
      let sender = first.app;
      let sent = 0;
      const sendPhase = async (count: number): Promise<void> => {
        const sends: Promise<unknown>[] = [];
        // 20 keys over 4 partitions: every phase reaches every partition.
        for (let i = 0; i < count; i++, sent++) sends.push(sender.send(topic, { n: sent }, { key: `key-${sent % 20}` }));
        await Promise.all(sends);
      };
      await sendPhase(200);
      await eventually(() => first.recorder.invocations.length === 200, 'the first phase in the first instance');
      // A second member joins: half of the partitions move to it, uncommitted.
      sender = (await suite.start({ binder: b, topic, group, consumer, recorder: second, options: { idempotencyStore: store() } })).app;
      await sendPhase(200);
      await eventually(() => unique() === 400, 'the second phase in both instances');
      // The first leaves: the second gets every partition, again from offset 0.
      await first.app.close();
      await sendPhase(20);
      await eventually(() => unique() === 420, 'the last phase in the second instance');
      const ids = all().map((i) => i.messageId);
      expect(ids.length).toBe(420);
      expect(new Set(ids).size).toBe(420);
      expect(second.invocations.length).toBeGreaterThanOrEqual(20);
    }, 2 * DEADLINE_MS);
  });
}

