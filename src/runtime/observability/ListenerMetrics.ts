/** A consumer binding's series: children looked up once per partition, then only incremented. */
import type { Counter, Gauge, Histogram } from 'prom-client';
import type { ConsumerOptions, InboundBatch, InboundRecord, TopicPartition, TopicPartitionOffset } from '../../binder/Binder';
import type { FrameworkSeries } from './metricSeries';
import type { ListenerObserver, ProcessingOutcome } from './observers';

const seconds = (): number => performance.now() / 1000;

interface TopicChildren {
  processing: Histogram.Internal<string>;
  retries: Counter.Internal;
  deadLetterSends: Counter.Internal;
  deadLetterErrors: Counter.Internal;
}

interface PartitionChildren {
  labels: Record<string, string>;
  received: Counter.Internal;
  outcomes: Partial<Record<ProcessingOutcome, Counter.Internal>>;
  lag: Gauge.Internal<string>;
  highWatermark: number;
  committed: number;
}

export class ListenerMetrics implements ListenerObserver {
  private readonly topics = new Map<string, TopicChildren>();
  private readonly partitions = new Map<string, Map<number, PartitionChildren>>();
  private readonly assignment = new Set<string>();
  private readonly commit: Histogram.Internal<string>;

  constructor(
    private readonly series: FrameworkSeries,
    private readonly binding: string,
    private readonly group: string,
  ) {
    this.commit = series.commit.labels({ binding, group });
  }

  now = seconds;

  received(batch: InboundBatch): void {
    const p = this.partition(batch.topic, batch.partition);
    p.received.inc(batch.records.length);
    p.highWatermark = batch.highWatermark;
    const position = p.committed >= 0 ? p.committed : batch.records[0]?.offset ?? batch.highWatermark;
    p.lag.set(Math.max(0, batch.highWatermark - position));
  }

  processed(record: InboundRecord, outcome: ProcessingOutcome, count = 1): void {
    const p = this.partition(record.topic, record.partition);
    (p.outcomes[outcome] ??= this.series.processed.labels({ ...p.labels, outcome })).inc(count);
  }

  timed(record: InboundRecord, started: number): void {
    this.topic(record.topic).processing.observe(seconds() - started);
  }

  retried(record: InboundRecord): void {
    this.topic(record.topic).retries.inc();
  }

  deadLetterSent(record: InboundRecord, count: number): void {
    this.topic(record.topic).deadLetterSends.inc(count);
  }

  deadLetterFailed(record: InboundRecord): void {
    this.topic(record.topic).deadLetterErrors.inc();
  }

  committed(offsets: TopicPartitionOffset[], started: number): void {
    this.commit.observe(seconds() - started);
    for (const o of offsets) {
      const p = this.partition(o.topic, o.partition);
      p.committed = o.offset;
      if (p.highWatermark >= 0) p.lag.set(Math.max(0, p.highWatermark - o.offset));
    }
  }

  consumerOptions(options: ConsumerOptions): ConsumerOptions {
    const labels = { binding: this.binding, group: this.group };
    const { onPartitionsAssigned, onPartitionsRevoked } = options;
    return {
      ...options,
      onPartitionsAssigned: (partitions) => {
        this.series.rebalances.inc(labels);
        for (const tp of partitions) this.assignment.add(`${tp.topic}\u0000${tp.partition}`);
        this.series.assigned.set(labels, this.assignment.size);
        onPartitionsAssigned?.(partitions);
      },
      onPartitionsRevoked: async (partitions, session) => {
        try {
          await onPartitionsRevoked?.(partitions, session);
        } finally {
          this.revoked(partitions);
          this.series.assigned.set(labels, this.assignment.size);
        }
      },
    };
  }

  /** A partition that went elsewhere: its lag is no longer this member's to report. */
  private revoked(partitions: TopicPartition[]): void {
    for (const tp of partitions) {
      this.assignment.delete(`${tp.topic}\u0000${tp.partition}`);
      const p = this.partitions.get(tp.topic)?.get(tp.partition);
      if (!p) continue;
      this.series.lag.remove(p.labels);
      this.partitions.get(tp.topic)!.delete(tp.partition);
    }
  }

  private topic(topic: string): TopicChildren {
    let t = this.topics.get(topic);
    if (t === undefined) {
      const labels = { binding: this.binding, destination: topic, group: this.group };
      t = {
        processing: this.series.processing.labels(labels),
        retries: this.series.retries.labels(labels),
        deadLetterSends: this.series.deadLetterSends.labels(labels),
        deadLetterErrors: this.series.deadLetterErrors.labels(labels),
      };
      this.topics.set(topic, t);
    }
    return t;
  }

  private partition(topic: string, partition: number): PartitionChildren {
    let byPartition = this.partitions.get(topic);
    if (byPartition === undefined) this.partitions.set(topic, (byPartition = new Map()));
    let p = byPartition.get(partition);
    if (p === undefined) {
      const labels = { binding: this.binding, destination: topic, group: this.group, partition: String(partition) };
      p = {
        labels,
        received: this.series.received.labels(labels),
        outcomes: {},
        lag: this.series.lag.labels(labels),
        highWatermark: -1,
        committed: -1,
      };
      byPartition.set(partition, p);
    }
    return p;
  }
}
