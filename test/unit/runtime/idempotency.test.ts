import { InMemoryIdempotencyStore } from '../../../src';

describe('in-memory idempotency store', () => {
  it('lets one claim win until the ttl passes', async () => {
    let now = 1000;
    const store = new InMemoryIdempotencyStore(() => now);
    const claims = await Promise.all([store.claim('m1', 500), store.claim('m1', 500), store.claim('m1', 500)]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    now += 499;
    expect(await store.claim('m1', 500)).toBe(false);
    now += 1;
    expect(await store.claim('m1', 500)).toBe(true);
  });

  it('frees a released key but keeps a done one', async () => {
    const store = new InMemoryIdempotencyStore();
    await store.claim('failed', 60000);
    await store.release('failed');
    expect(await store.claim('failed', 60000)).toBe(true);
    await store.claim('ok', 60000);
    await store.markDone('ok');
    await store.release('ok');
    expect(await store.claim('ok', 60000)).toBe(false);
  });
});
