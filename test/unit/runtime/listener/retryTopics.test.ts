import { PlainInboundRecord, type ConsumerBinding, type InboundRecord } from '../../../../src/binder/Binder';
import { DueTimeHolds } from '../../../../src/runtime/listener/dueTimeHolds';
import { forwardedRecord, previousAttempts, retryTopicNames } from '../../../../src/runtime/listener/retryTopics';
import { waitFor } from '../../../integration/framework/support';

const text = (record: { headers?: { key: string; value: Buffer | null }[] }, name: string) =>
  record.headers?.filter((h) => h.key === name).map((h) => h.value?.toString());

function fakeBinding(): ConsumerBinding & { pauses: number; resumes: number } {
  let paused = false;
  return {
    group: 'g',
    pauses: 0,
    resumes: 0,
    pause() {
      paused = true;
      this.pauses++;
    },
    resume() {
      paused = false;
      this.resumes++;
    },
    isPaused: () => paused,
    seekTo: async () => undefined,
    stop: async () => undefined,
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

  it('holds pause the binding once until the earliest due time, then resume it (no polling in between)', async () => {
    const binding = fakeBinding();
    let now = 0;
    const holds = new DueTimeHolds({ now: () => now, sleep: async () => undefined }, () => false);
    holds.attach(binding);
    now = Date.now();
    holds.hold('t', 0, now + 30);
    holds.hold('t', 1, now + 60);
    expect(binding.isPaused()).toBe(true);
    expect(holds.holding()).toBe(true);
    now += 30;
    await waitFor(() => binding.resumes === 1);
    expect(binding.pauses).toBe(2);
    expect(holds.holding()).toBe(false);
    holds.close();
  });

  it('a hold does not resume a binding the application paused', async () => {
    const binding = fakeBinding();
    let applicationPaused = true;
    const holds = new DueTimeHolds({ now: () => Date.now(), sleep: async () => undefined }, () => applicationPaused);
    holds.attach(binding);
    binding.pause();
    holds.hold('t', 0, Date.now() + 10);
    await waitFor(() => !holds.holding());
    expect(binding.isPaused()).toBe(true);
    applicationPaused = false;
    holds.close();
  });
});
