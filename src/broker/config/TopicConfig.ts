/**
 * One topic's effective configuration: its own overrides over the broker's topic defaults (set
 * for this broker at run time, for every broker at run time, at start-up) over Kafka's defaults,
 * plus the conversions the log and the produce path need.
 */
import type { LogConfig } from '../log/types';
import { logConfigOf } from '../log/config';
import { CompressionType, TimestampType } from '../../protocol/records/types';
import { GZIP_DEFAULT_LEVEL } from '../../protocol/compression';
import { TOPIC_CONFIG_DEFS, longValue, type TopicCompressionType } from './topicConfigDefs';

/** Kafka's DescribeConfigs config sources, most specific first. */
export type ConfigSource = 'topic' | 'dynamicBroker' | 'dynamicDefaultBroker' | 'staticBroker' | 'default';

/** A setting of one value at one source, under the name it has there (topic or broker config name). */
export interface ConfigSynonym {
  name: string;
  value: string;
  source: ConfigSource;
}

export interface TopicConfigEntry {
  name: string;
  value: string;
  source: ConfigSource;
  /** As Kafka reports them: the topic override, then the broker config's settings, most specific first. */
  synonyms: ConfigSynonym[];
}

/** The broker's topic defaults by topic config name, per source (Kafka's dynamic and static broker configs). */
export interface BrokerTopicDefaults {
  /** Set at run time for this broker (IncrementalAlterConfigs on broker resource "<node id>"). */
  readonly dynamicBroker: Readonly<Record<string, string>>;
  /** Set at run time for every broker (broker resource ""). */
  readonly dynamicDefaultBroker: Readonly<Record<string, string>>;
  /** Given at start-up (`bindery broker --config`, BrokerConfig.topicDefaults). */
  readonly staticBroker: Readonly<Record<string, string>>;
}

export function staticTopicDefaults(staticBroker: Readonly<Record<string, string>>): BrokerTopicDefaults {
  return { dynamicBroker: {}, dynamicDefaultBroker: {}, staticBroker };
}

const BROKER_LAYERS = ['dynamicBroker', 'dynamicDefaultBroker', 'staticBroker'] as const;

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
  private hot: {
    target: CompressionType | null;
    targetLevel: number | undefined;
    timestampType: TimestampType;
    before: number;
    after: number;
    segmentBytes: number;
  } | null = null;

  constructor(
    /** Overrides set on the topic (persisted with it). */
    readonly overrides: Readonly<Record<string, string>>,
    readonly brokerDefaults: BrokerTopicDefaults,
  ) {}

  get(name: string): string {
    let v = this.resolved.get(name);
    if (v === undefined) {
      v = this.overrides[name] ?? BROKER_LAYERS.map((l) => this.brokerDefaults[l][name]).find((x) => x !== undefined) ?? TOPIC_CONFIG_DEFS[name]?.default ?? '';
      this.resolved.set(name, v);
    }
    return v;
  }

  /** Compression level for the broker's re-compression: compression.gzip.level / compression.zstd.level (lz4's one level needs none). */
  private targetLevel(target: CompressionType | null): number | undefined {
    if (target === CompressionType.Gzip) {
      const level = Number(this.get('compression.gzip.level'));
      return level === -1 ? GZIP_DEFAULT_LEVEL : level;
    }
    if (target === CompressionType.Zstd) return Number(this.get('compression.zstd.level'));
    return undefined;
  }

  /** What every produce consults, parsed once. */
  private get produceSettings() {
    if (!this.hot) {
      const target = CODECS[this.get('compression.type') as TopicCompressionType] ?? null;
      this.hot = {
        target,
        targetLevel: this.targetLevel(target),
        timestampType: this.get('message.timestamp.type') === 'LogAppendTime' ? TimestampType.LogAppendTime : TimestampType.CreateTime,
        before: longValue(this.get('message.timestamp.before.max.ms')),
        after: longValue(this.get('message.timestamp.after.max.ms')),
        segmentBytes: Number(this.get('segment.bytes')),
      };
    }
    return this.hot;
  }

  get minInsyncReplicas(): number {
    return Number(this.get('min.insync.replicas'));
  }

  get segmentBytes(): number {
    return this.produceSettings.segmentBytes;
  }

  /**
   * Every config with its source and synonyms as Kafka's DescribeConfigs reports them: the topic's
   * override, then its broker config (log.retention.ms, ...) per broker source, then that broker
   * config's default, unless Kafka gives it none (retention.ms: only log.retention.hours has one).
   */
  entries(): TopicConfigEntry[] {
    return Object.entries(TOPIC_CONFIG_DEFS).map(([name, def]) => {
      const synonyms: ConfigSynonym[] = [];
      if (name in this.overrides) synonyms.push({ name, value: this.overrides[name], source: 'topic' });
      for (const layer of BROKER_LAYERS) {
        const value = this.brokerDefaults[layer][name];
        if (value !== undefined) synonyms.push({ name: def.broker ?? name, value, source: layer });
      }
      if (def.broker && !def.noBrokerDefault) synonyms.push({ name: def.broker, value: def.default, source: 'default' });
      return { name, value: this.get(name), source: synonyms[0]?.source ?? 'default', synonyms };
    });
  }

  withOverrides(overrides: Record<string, string>): TopicConfig {
    return new TopicConfig(overrides, this.brokerDefaults);
  }

  withBrokerDefaults(defaults: BrokerTopicDefaults): TopicConfig {
    return new TopicConfig(this.overrides, defaults);
  }

  /** The codec the broker re-compresses to, or null when it keeps the producer's ('producer'). */
  get targetCompression(): CompressionType | null {
    return this.produceSettings.target;
  }

  /** The level re-compression to targetCompression uses (undefined: the codec's only or default level). */
  get targetCompressionLevel(): number | undefined {
    return this.produceSettings.targetLevel;
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
    return logConfigOf((name) => this.get(name));
  }
}
