import { Registry } from 'prom-client';
import { LocalHistogram, LocalValue, registered } from '../../../../src/runtime/observability/localSeries';
import { parsePrometheus, valueOf } from '../../../support/prometheus';

describe('series kept as plain numbers and rendered by a prom-client registry', () => {
  it('renders counters and cumulative histogram buckets as Prometheus text', async () => {
    const registry = new Registry();
    const sent = registered(registry, new LocalValue('demo_sent_total', 'Sent.', 'counter', ['topic'] as const));
    const latency = registered(registry, new LocalHistogram('demo_seconds', 'Latency.', ['topic'] as const, [0.1, 1]));
    sent.child({ topic: 'a' }).value += 3;
    const cell = latency.child({ topic: 'a' });
    for (const v of [0.05, 0.1, 0.5, 2]) cell.observe(v);

    const text = await registry.metrics();
    expect(text).toContain('# TYPE demo_sent_total counter');
    expect(text).toContain('# TYPE demo_seconds histogram');
    const samples = parsePrometheus(text);
    expect(valueOf(samples, 'demo_sent_total', { topic: 'a' })).toBe(3);
    expect(valueOf(samples, 'demo_seconds_bucket', { topic: 'a', le: '0.1' })).toBe(2);
    expect(valueOf(samples, 'demo_seconds_bucket', { topic: 'a', le: '1' })).toBe(3);
    expect(valueOf(samples, 'demo_seconds_bucket', { topic: 'a', le: '+Inf' })).toBe(4);
    expect(valueOf(samples, 'demo_seconds_count', { topic: 'a' })).toBe(4);
    expect(valueOf(samples, 'demo_seconds_sum', { topic: 'a' })).toBeCloseTo(2.65);
  });

  it('shares a series between two users of one registry, and forgets removed children', async () => {
    const registry = new Registry();
    const first = registered(registry, new LocalValue('demo_lag', 'Lag.', 'gauge', ['partition'] as const));
    const second = registered(registry, new LocalValue('demo_lag', 'Lag.', 'gauge', ['partition'] as const));
    expect(second).toBe(first);
    first.child({ partition: '0' }).value = 7;
    second.child({ partition: '1' }).value = 2;
    first.remove({ partition: '1' });
    const samples = parsePrometheus(await registry.metrics());
    expect(samples.filter((s) => s.name === 'demo_lag')).toEqual([{ name: 'demo_lag', labels: { partition: '0' }, value: 7 }]);
  });
});
