/**
 * The traced binder hands a record listener's batch over one record per span, holding the
 * container's commits back to the batch's last record, and a batch listener's batch in one span.
 */
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Binder, BatchHandler, ConsumerOptions, ConsumerSession, InboundBatch, InboundRecord, TopicPartitionOffset } from '../../../../src/binder/Binder';
import { PlainInboundRecord } from '../../../../src/binder/consumer/PlainInboundRecord';
import type { ConsumerDefinition } from '../../../../src/runtime/model';
import { tracedBinder } from '../../../../src/runtime/observability/tracedBinder';
import { MessagingTracing } from '../../../../src/runtime/observability/tracing';

const record = (offset: number): InboundRecord => new PlainInboundRecord('t', 0, offset, 0, null, Buffer.from('{}'), []);
const batchOf = (n: number): InboundBatch => ({ topic: 't', partition: 0, highWatermark: n, records: Array.from({ length: n }, (_, i) => record(i)) });

function setUp(batchMode: boolean) {
  const exporter = new InMemorySpanExporter();
  const tracing = MessagingTracing.create({ tracerProvider: new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }) })!;
  let bound: BatchHandler | undefined;
  const inner = {
    name: 'fake',
    bindConsumer: async (_d: unknown, _o: ConsumerOptions, handler: BatchHandler) => {
      bound = handler;
      return { group: 'g', pause() {}, resume() {}, isPaused: () => false, stop: async () => undefined };
    },
  } as unknown as Binder;
  const definition = { name: 'input', group: 'g', consumer: { batchMode } } as unknown as ConsumerDefinition;
  const options = tracing.listener(definition).consumerOptions({ group: 'g' });
  const commits: TopicPartitionOffset[][] = [];
  const seeks: number[] = [];
  const session: ConsumerSession = {
    commit: async (offsets) => void commits.push(offsets),
    seek: (t) => void seeks.push(t.offset),
    heartbeat: async () => undefined,
    isActive: () => true,
    seekTo: async () => undefined,
    pausePartition: () => undefined,
    resumePartition: () => undefined,
    pausedPartitions: () => [],
  };
  return { exporter, tracing, inner, options, commits, seeks, session, handler: () => bound! };
}

describe('tracedBinder', () => {
  it('hands a batch over one record per span and commits once, after the last record', async () => {
    const t = setUp(false);
    const seen: number[][] = [];
    await tracedBinder(t.inner, t.tracing).bindConsumer('t', t.options, async (batch, session) => {
      seen.push(batch.records.map((r) => r.offset));
      // As the container does after each batch it was given.
      await session.commit([{ topic: 't', partition: 0, offset: batch.records[batch.records.length - 1].offset + 1 }]);
    });
    await t.handler()(batchOf(3), t.session);
    expect(seen).toEqual([[0], [1], [2]]);
    expect(t.commits).toEqual([[{ topic: 't', partition: 0, offset: 3 }]]);
    expect(t.exporter.getFinishedSpans().map((s) => s.attributes['messaging.kafka.offset'])).toEqual([0, 1, 2]);
  });

  it('stops handing over after the container sought back, and commits what it held', async () => {
    const t = setUp(false);
    const seen: number[] = [];
    await tracedBinder(t.inner, t.tracing).bindConsumer('t', t.options, async (batch, session) => {
      const offset = batch.records[0].offset;
      seen.push(offset);
      if (offset === 1) return session.seek({ topic: 't', partition: 0, offset: 1 }); // handed back, nothing to commit
      await session.commit([{ topic: 't', partition: 0, offset: offset + 1 }]);
    });
    await t.handler()(batchOf(4), t.session);
    expect(seen).toEqual([0, 1]);
    expect(t.seeks).toEqual([1]);
    expect(t.commits).toEqual([[{ topic: 't', partition: 0, offset: 1 }]]);
  });

  it('commits what it held when the container fails, and fails with it', async () => {
    const t = setUp(false);
    await tracedBinder(t.inner, t.tracing).bindConsumer('t', t.options, async (batch, session) => {
      if (batch.records[0].offset === 2) throw new Error('store unreachable');
      await session.commit([{ topic: 't', partition: 0, offset: batch.records[0].offset + 1 }]);
    });
    await expect(t.handler()(batchOf(3), t.session)).rejects.toThrow('store unreachable');
    expect(t.commits).toEqual([[{ topic: 't', partition: 0, offset: 2 }]]);
  });

  it('gives a batch listener one span for its batch', async () => {
    const t = setUp(true);
    const seen: number[] = [];
    await tracedBinder(t.inner, t.tracing).bindConsumer('t', t.options, async (batch) => void seen.push(batch.records.length));
    await t.handler()(batchOf(3), t.session);
    expect(seen).toEqual([3]);
    const spans = t.exporter.getFinishedSpans();
    expect(spans).toHaveLength(1);
    expect(spans[0].attributes['messaging.batch.message_count']).toBe(3);
  });
});
