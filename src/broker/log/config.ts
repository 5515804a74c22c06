import type { LogConfig } from './types';

/** Apache Kafka's topic-level defaults. */
export const DEFAULT_LOG_CONFIG: Readonly<LogConfig> = Object.freeze({
  segmentBytes: 1024 * 1024 * 1024,
  segmentMs: 7 * 24 * 3600 * 1000,
  indexIntervalBytes: 4096,
  segmentIndexBytes: 10 * 1024 * 1024,
  retentionMs: 7 * 24 * 3600 * 1000,
  retentionBytes: -1,
  cleanupPolicy: 'delete',
  deleteRetentionMs: 24 * 3600 * 1000,
  maxMessageBytes: 1048588,
});

export function logConfig(overrides: Partial<LogConfig> = {}): LogConfig {
  return { ...DEFAULT_LOG_CONFIG, ...overrides };
}

/** Where warnings go (torn tails, rebuilt indexes); console.warn unless a broker injects its logger. */
export interface LogLogger {
  warn(message: string): void;
}

export const consoleLogger: LogLogger = {
  warn: (message) => console.warn(message),
};
