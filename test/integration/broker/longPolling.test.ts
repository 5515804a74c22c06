import { Broker } from '../../../src/broker/Broker';
import { MemoryFileSystem } from '../../../src/broker/storage/MemoryFileSystem';
import { ErrorCode } from '../../../src/protocol/errorCodes';
import { fetchOne, headers, makeBatch, produceOne } from './support/batches';

/** Resolves with 'deadline' if `p` has not settled within `ms` (a guard, not a timing assertion). */
function raceDeadline<T>(p: Promise<T>, ms: number): Promise<T | 'deadline'> {
  let timer: NodeJS.Timeout;
  const deadline = new Promise<'deadline'>((resolve) => {
    timer = setTimeout(() => resolve('deadline'), ms);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

/** Lets every queued promise callback run (no timers involved). */
const drainMicrotasks = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('Broker long polling', () => {
  let broker: Broker;
  beforeEach(async () => {
    broker = await Broker.open({ fs: new MemoryFileSystem(), dataDir: '/data' });
    await broker.createTopics({ topics: [{ name: 'events', numPartitions: 2 }] });
  });
  afterEach(async () => {
    await broker.close();
  });

  it('returns as soon as data arrives, long before maxWaitMs', async () => {
    const waiting = fetchOne(broker, 'events', 0, 0, { maxWaitMs: 600_000, minBytes: 1 });
    let settled = false;
    void waiting.then(() => (settled = true));
    await drainMicrotasks();
    expect(settled).toBe(false);
    await produceOne(broker, 'events', 0, makeBatch({ count: 3 }));
    const res = await raceDeadline(waiting, 20_000);
    expect(res).not.toBe('deadline');
    const p = res as Awaited<typeof waiting>;
    expect(p.errorCode).toBe(ErrorCode.NONE);
    expect(headers(p.records).map((h) => [h.baseOffset, h.recordsCount])).toEqual([[0, 3]]);
    expect(p.highWatermark).toBe(3);
  });

  it('answers at maxWaitMs with no records when nothing arrives', async () => {
    const p = await fetchOne(broker, 'events', 0, 0, { maxWaitMs: 20, minBytes: 1 });
    expect(p.errorCode).toBe(ErrorCode.NONE);
    expect(p.records?.length).toBe(0);
    expect(p.highWatermark).toBe(0);
  });

  it('waits for minBytes to accumulate across the partitions it reads', async () => {
    const size = makeBatch({ count: 1 }).length;
    const waiting = broker.fetch({
      maxWaitMs: 600_000,
      minBytes: size * 2,
      topics: [{ topic: 'events', partitions: [0, 1].map((partition) => ({ partition, fetchOffset: 0, partitionMaxBytes: 1 << 20 })) }],
    });
    let settled = false;
    void waiting.then(() => (settled = true));
    await produceOne(broker, 'events', 0, makeBatch({ count: 1 }));
    await drainMicrotasks();
    expect(settled).toBe(false);
    await produceOne(broker, 'events', 1, makeBatch({ count: 1 }));
    const res = await raceDeadline(waiting, 20_000);
    expect(res).not.toBe('deadline');
    const parts = (res as Awaited<typeof waiting>).responses[0].partitions;
    expect(parts.map((p) => headers(p.records).length)).toEqual([1, 1]);
  });

  it('does not wait when data is already there or when the request has an error', async () => {
    await produceOne(broker, 'events', 0, makeBatch({ count: 2 }));
    const ready = await raceDeadline(fetchOne(broker, 'events', 0, 0, { maxWaitMs: 600_000 }), 20_000);
    expect(ready).not.toBe('deadline');
    const bad = await raceDeadline(fetchOne(broker, 'events', 0, 99, { maxWaitMs: 600_000 }), 20_000);
    expect(bad).not.toBe('deadline');
    expect((bad as { errorCode: number }).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
  });

  it('answers waiting fetches when the broker closes, and refuses requests after', async () => {
    const waiting = fetchOne(broker, 'events', 1, 0, { maxWaitMs: 600_000 });
    await drainMicrotasks();
    await broker.close();
    const res = await raceDeadline(waiting, 20_000);
    expect(res).not.toBe('deadline');
    expect((await produceOne(broker, 'events', 0, makeBatch())).errorCode).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    expect((await fetchOne(broker, 'events', 0, 0)).errorCode).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER);
  });
});
