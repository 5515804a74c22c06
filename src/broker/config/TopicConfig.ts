/**
 * One topic's effective configuration: its own overrides over the broker's topic defaults over
 * Kafka's defaults, plus the conversions the log and the produce path need.
 */
import type { LogConfig, CleanupPolicy } from '../log/types';
import { CompressionType, TimestampType } from '../../protocol/records/types';
import { TOPIC_CONFIG_DEFS, longValue, type TopicCompressionType } from './topicConfigDefs';

export type ConfigSource = 'topic' | 'broker' | 'default';

export interface TopicConfigEntry {
  name: string;
  value: string;
  source: ConfigSource;
}

const CODECS: Record<TopicCompressionType, CompressionType | null> = {
  producer: null,
  uncompressed: CompressionType.None,
  gzip: CompressionType.Gzip,
  snappy: CompressionType.Snappy,
  lz4: CompressionType.Lz4,
  zstd: CompressionType.Zstd,
};

export class TopicConfig {
  /** Resolved values, computed once: configs are immutable, alterations make a new TopicConfig. */
  private readonly resolved = new Map<string, string>();
  private hot: { target: CompressionType | null; timestampType: TimestampType; before: number; after: number; segmentBytes: number } | null = null;

  constructor(
    /** Overrides set on the topic (persisted with it). */
    readonly overrides: Readonly<Record<string, string>>,
    private readonly brokerDefaults: Readonly<Record<string, string>>,
  ) {}

  get(name: string): string {
    let v = this.resolved.get(name);
    if (v === undefined) {
      v = this.overrides[name] ?? this.brokerDefaults[name] ?? TOPIC_CONFIG_DEFS[name]?.default ?? '';
      this.resolved.set(name, v);
    }
    return v;
  }

  /** What every produce consults, parsed once. */
  private get produceSettings() {
    this.hot ??= {
      target: CODECS[this.get('compression.type') as TopicCompressionType] ?? null,
      timestampType: this.get('message.timestamp.type') === 'LogAppendTime' ? TimestampType.LogAppendTime : TimestampType.CreateTime,
      before: Math.min(longValue(this.get('message.timestamp.before.max.ms')), longValue(this.get('message.timestamp.difference.max.ms'))),
      after: Math.min(longValue(this.get('message.timestamp.after.max.ms')), longValue(this.get('message.timestamp.difference.max.ms'))),
      segmentBytes: Number(this.get('segment.bytes')),
    };
    return this.hot;
  }

  get minInsyncReplicas(): number {
    return Number(this.get('min.insync.replicas'));
  }

  get segmentBytes(): number {
    return this.produceSettings.segmentBytes;
  }

  entries(): TopicConfigEntry[] {
    return Object.keys(TOPIC_CONFIG_DEFS).map((name) => ({
      name,
      value: this.get(name),
      source: name in this.overrides ? 'topic' : name in this.brokerDefaults ? 'broker' : 'default',
    }));
  }

  withOverrides(overrides: Record<string, string>): TopicConfig {
    return new TopicConfig(overrides, this.brokerDefaults);
  }

  /** The codec the broker re-compresses to, or null when it keeps the producer's ('producer'). */
  get targetCompression(): CompressionType | null {
    return this.produceSettings.target;
  }

  get timestampType(): TimestampType {
    return this.produceSettings.timestampType;
  }

  get maxMessageBytes(): number {
    return Number(this.get('max.message.bytes'));
  }

  /** How far in the past / future a CreateTime timestamp may be (ms, Infinity = unbounded). */
  get timestampBeforeMaxMs(): number {
    return this.produceSettings.before;
  }
  get timestampAfterMaxMs(): number {
    return this.produceSettings.after;
  }

  get isCompacted(): boolean {
    return this.get('cleanup.policy').includes('compact');
  }

  toLogConfig(): LogConfig {
    const flushMessages = longValue(this.get('flush.messages'));
    const flushMs = longValue(this.get('flush.ms'));
    return {
      segmentBytes: Number(this.get('segment.bytes')),
      segmentMs: longValue(this.get('segment.ms')),
      indexIntervalBytes: Number(this.get('index.interval.bytes')),
      segmentIndexBytes: Number(this.get('segment.index.bytes')),
      retentionMs: longValue(this.get('retention.ms')),
      retentionBytes: longValue(this.get('retention.bytes')),
      cleanupPolicy: this.get('cleanup.policy') as CleanupPolicy,
      deleteRetentionMs: longValue(this.get('delete.retention.ms')),
      maxMessageBytes: this.maxMessageBytes,
      flushMessages: Number.isFinite(flushMessages) ? flushMessages : undefined,
      flushMs: Number.isFinite(flushMs) ? flushMs : undefined,
    };
  }
}
