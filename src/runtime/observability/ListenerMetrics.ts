/** A consumer binding's series: cells looked up once per partition, then only added to. */
import type { ConsumerOptions, InboundBatch, InboundRecord, TopicPartition, TopicPartitionOffset } from '../../binder/Binder';
import type { Cell, HistogramCell } from './localSeries';
import type { FrameworkSeries } from './metricSeries';
import type { ListenerObserver, ProcessingOutcome } from './observers';

const seconds = (): number => performance.now() / 1000;

interface TopicCells {
  processing: HistogramCell;
  retries: Cell;
  deadLetterSends: Cell;
  deadLetterErrors: Cell;
}

type PartitionLabels = { binding: string; destination: string; group: string; partition: string };

interface PartitionCells {
  labels: PartitionLabels;
  received: Cell;
  outcomes: Partial<Record<ProcessingOutcome, Cell>>;
  lag: Cell;
  highWatermark: number;
  committed: number;
}

export class ListenerMetrics implements ListenerObserver {
  private readonly topics = new Map<string, TopicCells>();
  private readonly partitions = new Map<string, Map<number, PartitionCells>>();
  private readonly assignment = new Set<string>();
  private readonly commit: HistogramCell;
  private readonly rebalances: Cell;
  private readonly assigned: Cell;

  constructor(
    private readonly series: FrameworkSeries,
    private readonly binding: string,
    private readonly group: string,
  ) {
    const labels = { binding, group };
    this.commit = series.commit.child(labels);
    this.rebalances = series.rebalances.child(labels);
    this.assigned = series.assigned.child(labels);
  }

  now = seconds;

  received(batch: InboundBatch): void {
    const p = this.partition(batch.topic, batch.partition);
    p.received.value += batch.records.length;
    p.highWatermark = batch.highWatermark;
    const position = p.committed >= 0 ? p.committed : batch.records[0]?.offset ?? batch.highWatermark;
    p.lag.value = Math.max(0, batch.highWatermark - position);
  }

  processed(record: InboundRecord, outcome: ProcessingOutcome, count = 1): void {
    const p = this.partition(record.topic, record.partition);
    (p.outcomes[outcome] ??= this.series.processed.child({ ...p.labels, outcome })).value += count;
  }

  timed(record: InboundRecord, started: number): void {
    this.topic(record.topic).processing.observe(seconds() - started);
  }

  retried(record: InboundRecord): void {
    this.topic(record.topic).retries.value++;
  }

  deadLetterSent(record: InboundRecord, count: number): void {
    this.topic(record.topic).deadLetterSends.value += count;
  }

  deadLetterFailed(record: InboundRecord): void {
    this.topic(record.topic).deadLetterErrors.value++;
  }

  committed(offsets: TopicPartitionOffset[], started: number): void {
    this.commit.observe(seconds() - started);
    for (const o of offsets) {
      const p = this.partition(o.topic, o.partition);
      p.committed = o.offset;
      if (p.highWatermark >= 0) p.lag.value = Math.max(0, p.highWatermark - o.offset);
    }
  }

  /** The partitions whose lag this binding reports. */
  lagPartitions(): TopicPartition[] {
    const out: TopicPartition[] = [];
    for (const [topic, byPartition] of this.partitions) for (const partition of byPartition.keys()) out.push({ topic, partition });
    return out;
  }

  /** A partition's high watermark learnt between fetches (paused, stopped, idle): the lag from the committed position. */
  endOffset(topic: string, partition: number, highWatermark: number): void {
    const p = this.partitions.get(topic)?.get(partition);
    if (!p || highWatermark < p.highWatermark) return;
    p.highWatermark = highWatermark;
    if (p.committed >= 0) p.lag.value = Math.max(0, highWatermark - p.committed);
  }

  consumerOptions(options: ConsumerOptions): ConsumerOptions {
    const { onPartitionsAssigned, onPartitionsRevoked } = options;
    return {
      ...options,
      onPartitionsAssigned: (partitions, seeker) => {
        this.rebalances.value++;
        for (const tp of partitions) this.assignment.add(`${tp.topic}\u0000${tp.partition}`);
        this.assigned.value = this.assignment.size;
        return onPartitionsAssigned?.(partitions, seeker);
      },
      onPartitionsRevoked: async (partitions, session) => {
        try {
          await onPartitionsRevoked?.(partitions, session);
        } finally {
          this.revoked(partitions);
          this.assigned.value = this.assignment.size;
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

  private topic(topic: string): TopicCells {
    let t = this.topics.get(topic);
    if (t === undefined) {
      const labels = { binding: this.binding, destination: topic, group: this.group };
      t = {
        processing: this.series.processing.child(labels),
        retries: this.series.retries.child(labels),
        deadLetterSends: this.series.deadLetterSends.child(labels),
        deadLetterErrors: this.series.deadLetterErrors.child(labels),
      };
      this.topics.set(topic, t);
    }
    return t;
  }

  private partition(topic: string, partition: number): PartitionCells {
    let byPartition = this.partitions.get(topic);
    if (byPartition === undefined) this.partitions.set(topic, (byPartition = new Map()));
    let p = byPartition.get(partition);
    if (p === undefined) {
      const labels = { binding: this.binding, destination: topic, group: this.group, partition: String(partition) };
      p = { labels, received: this.series.received.child(labels), outcomes: {}, lag: this.series.lag.child(labels), highWatermark: -1, committed: -1 };
      byPartition.set(partition, p);
    }
    return p;
  }
}
