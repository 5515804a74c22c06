import { longValue, TOPIC_CONFIG_DEFS } from '../config/topicConfigDefs';
import type { CleanupPolicy, LogConfig } from './types';

/** A log's settings from topic configs by Kafka name (a topic's effective values, or the declared defaults). */
export function logConfigOf(topicConfig: (name: string) => string): LogConfig {
  const flushMessages = longValue(topicConfig('flush.messages'));
  const flushMs = longValue(topicConfig('flush.ms'));
  return {
    segmentBytes: Number(topicConfig('segment.bytes')),
    segmentMs: longValue(topicConfig('segment.ms')),
    indexIntervalBytes: Number(topicConfig('index.interval.bytes')),
    segmentIndexBytes: Number(topicConfig('segment.index.bytes')),
    retentionMs: longValue(topicConfig('retention.ms')),
    retentionBytes: longValue(topicConfig('retention.bytes')),
    cleanupPolicy: topicConfig('cleanup.policy') as CleanupPolicy,
    deleteRetentionMs: longValue(topicConfig('delete.retention.ms')),
    maxMessageBytes: Number(topicConfig('max.message.bytes')),
    flushMessages: Number.isFinite(flushMessages) ? flushMessages : undefined,
    flushMs: Number.isFinite(flushMs) ? flushMs : undefined,
  };
}

/** Apache Kafka's topic-level defaults, as declared in TOPIC_CONFIG_DEFS. */
export const DEFAULT_LOG_CONFIG: Readonly<LogConfig> = Object.freeze(logConfigOf((name) => TOPIC_CONFIG_DEFS[name].default));

export function logConfig(overrides: Partial<LogConfig> = {}): LogConfig {
  return { ...DEFAULT_LOG_CONFIG, ...overrides };
}
