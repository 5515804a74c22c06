/** RedisIdempotencyStore over a real Redis: atomic claims, owner-only release, done marks and transactions. */
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { RedisIdempotencyStore } from '../../../src';
import { describeIfPeer } from '../../support/peers';

const redisUrl = process.env.BINDERY_REDIS_URL;

describeIfPeer('Redis (BINDERY_REDIS_URL)', Boolean(redisUrl), 'Redis idempotency store', () => {
  const prefix = `test:${randomUUID()}:`;
  let a: RedisIdempotencyStore;
  let b: RedisIdempotencyStore;
  let client: Redis;

  beforeAll(() => {
    a = new RedisIdempotencyStore({ url: redisUrl, prefix });
    b = new RedisIdempotencyStore({ url: redisUrl, prefix });
    client = new Redis(redisUrl!);
  });

  afterAll(async () => {
    // Close even when Redis went away mid-run: a client left reconnecting keeps jest alive.
    try {
      const keys = await client.keys(`${prefix}*`);
      if (keys.length > 0) await client.del(...keys);
    } finally {
      await Promise.all([a.close(), b.close()]);
      client.disconnect();
    }
  });

  it('lets exactly one of many concurrent claims from two stores win', async () => {
    const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).claim('race', 60000)));
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('releases only a claim that is still its own', async () => {
    expect(await a.claim('lease', 50)).toBe(true);
    // a's lease runs out; b claims the key; a's late release must not free b's claim.
    const deadline = Date.now() + 10000;
    while (!(await b.claim('lease', 60000))) {
      if (Date.now() > deadline) throw new Error('the 50 ms lease never expired');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await a.release('lease');
    expect(await a.claim('lease', 60000)).toBe(false);
    await b.release('lease');
    expect(await a.claim('lease', 60000)).toBe(true);
  });

  it('keeps a done key for its ttl and tells done from merely claimed', async () => {
    expect(await a.claim('done-key', 60000)).toBe(true);
    expect(await b.isDone('done-key')).toBe(false);
    await a.markDone('done-key', 120000);
    expect(await b.isDone('done-key')).toBe(true);
    await a.release('done-key');
    expect(await b.claim('done-key', 60000)).toBe(false);
    const ttl = await client.pttl(`${prefix}done-key`);
    expect(ttl).toBeGreaterThan(60000);
  });

  it('writes effects and the done mark in one transaction', async () => {
    expect(await a.claim('tx', 60000)).toBe(true);
    await a.doneWith('tx', 60000, (t) => t.rpush(`${prefix}effects`, 'one'));
    expect(await client.lrange(`${prefix}effects`, 0, -1)).toEqual(['one']);
    expect(await b.isDone('tx')).toBe(true);
  });
  it('renews only a claim that is still its own', async () => {
    expect(await a.claim('renew', 200)).toBe(true);
    expect(await a.renew('renew', 120000)).toBe(true);
    expect(await client.pttl(`${prefix}renew`)).toBeGreaterThan(60000);
    expect(await b.renew('renew', 120000)).toBe(false);
    await a.markDone('renew', 60000);
    expect(await a.renew('renew', 120000)).toBe(false);
  });
});
