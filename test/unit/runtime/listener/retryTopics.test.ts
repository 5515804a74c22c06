import { PlainInboundRecord, type ConsumerSession, type InboundRecord } from '../../../../src/binder/Binder';
import { DueTimeHolds } from '../../../../src/runtime/listener/dueTimeHolds';
import { forwardedRecord, previousAttempts, retryTopicNames } from '../../../../src/runtime/listener/retryTopics';
import { waitFor } from '../../../integration/framework/support';

const text = (record: { headers?: { key: string; value: Buffer | null }[] }, name: string) =>
  record.headers?.filter((h) => h.key === name).map((h) => h.value?.toString());

/** A session that records which partitions are paused, and which it still holds. */
function fakeSession(): ConsumerSession & { paused: Set<number>; active: Set<number> } {
  const paused = new Set<number>();
  const active = new Set<number>([0, 1]);
  return {
    paused,
    active,
    commit: async () => undefined,
    seek: () => undefined,
    seekTo: async () => undefined,
    heartbeat: async () => undefined,
    isActive: (_topic, partition) => active.has(partition),
    pausePartition: (_topic, partition) => void paused.add(partition),
    resumePartition: (_topic, partition) => void paused.delete(partition),
    pausedPartitions: () => [...paused].map((partition) => ({ topic: 't', partition })),
  };
}

describe('retry topics', () => {
  it('names a topic per delay, or per index when delays repeat (as Spring does)', () => {
    expect(retryTopicNames('orders', [1000, 2000, 4000])).toEqual(['orders-retry-1000', 'orders-retry-2000', 'orders-retry-4000']);
    expect(retryTopicNames('orders', [1000, 1000])).toEqual(['orders-retry-0', 'orders-retry-1']);
    expect(retryTopicNames('orders', [1000, 2000, 2000])).toEqual(['orders-retry-0', 'orders-retry-1', 'orders-retry-2']);
  });

  it('keeps the original coordinates from the first forward and replaces attempts, due time and exception', () => {
    const main: InboundRecord = new PlainInboundRecord('orders', 2, 41, 1700, Buffer.from('k'), Buffer.from('{}'), [{ key: 'message-id', value: Buffer.from('m-1') }]);
    const first = forwardedRecord(main, new Error('one'), 1, 5000);
    expect(first.partition).toBe(2);
    expect(text(first, 'x-original-topic')).toEqual(['orders']);
    expect(text(first, 'x-original-offset')).toEqual(['41']);
    expect(text(first, 'x-original-timestamp')).toEqual(['1700']);
    expect(text(first, 'x-retry-due')).toEqual(['5000']);
    expect(text(first, 'message-id')).toEqual(['m-1']);
    const onRetryTopic: InboundRecord = { ...main, topic: 'orders-retry-1000', partition: 2, offset: 7, timestamp: 9000, headers: first.headers! };
    expect(previousAttempts(onRetryTopic)).toBe(1);
    const second = forwardedRecord(onRetryTopic, new Error('two'), 2);
    expect(text(second, 'x-original-topic')).toEqual(['orders']);
    expect(text(second, 'x-original-offset')).toEqual(['41']);
    expect(text(second, 'x-original-timestamp')).toEqual(['1700']);
    expect(text(second, 'x-attempts')).toEqual(['2']);
    expect(text(second, 'x-exception-message')).toEqual(['two']);
    expect(text(second, 'x-retry-due')).toEqual([]);
  });

  it('a hold pauses only its partition, until its own due time', async () => {
    const session = fakeSession();
    let now = Date.now();
    const holds = new DueTimeHolds({ now: () => now, sleep: async () => undefined });
    holds.hold('t', 0, now + 30, session);
    holds.hold('t', 1, now + 3_600_000, session);
    expect([...session.paused].sort()).toEqual([0, 1]);
    now += 30;
    await waitFor(() => !session.paused.has(0));
    expect([...session.paused]).toEqual([1]);
    holds.close();
  });

  it('a partition that went to another member meanwhile is not resumed by this one', async () => {
    const session = fakeSession();
    const resumed: number[] = [];
    session.resumePartition = (_topic, partition) => void resumed.push(partition);
    const holds = new DueTimeHolds({ now: () => Date.now(), sleep: async () => undefined });
    holds.hold('t', 0, Date.now() + 10, session);
    holds.hold('t', 1, Date.now() + 20, session);
    session.active.delete(0);
    // Partition 1 is resumed after partition 0's due time passed.
    await waitFor(() => resumed.includes(1));
    expect(resumed).toEqual([1]);
    holds.close();
  });
});
