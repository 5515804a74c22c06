/**
 * Topic-level configs the broker accepts, with Kafka's names, defaults and valid ranges.
 * Values travel as strings (as in CreateTopics / AlterConfigs); `validateTopicConfig` parses
 * and checks one, `parseTopicConfigs` a whole set.
 */
import { ErrorCode } from '../../protocol/errorCodes';
import { BrokerRequestError } from './BrokerError';

/** Kafka's Long.MAX_VALUE as the configs use it ("never"), kept as the string it is on the wire. */
export const LONG_MAX = '9223372036854775807';

type Kind =
  | { type: 'long'; min: number }
  | { type: 'int'; min: number }
  | { type: 'double'; min: number; max: number }
  | { type: 'boolean' }
  | { type: 'enum'; values: readonly string[] }
  | { type: 'list' };

interface ConfigDef {
  default: string;
  kind: Kind;
}

export const COMPRESSION_TYPES = ['producer', 'uncompressed', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type TopicCompressionType = (typeof COMPRESSION_TYPES)[number];

const long = (def: string, min: number): ConfigDef => ({ default: def, kind: { type: 'long', min } });
const int = (def: string, min: number): ConfigDef => ({ default: def, kind: { type: 'int', min } });

export const TOPIC_CONFIG_DEFS: Record<string, ConfigDef> = {
  'cleanup.policy': { default: 'delete', kind: { type: 'enum', values: ['delete', 'compact', 'compact,delete'] } },
  'compression.type': { default: 'producer', kind: { type: 'enum', values: COMPRESSION_TYPES } },
  'delete.retention.ms': long('86400000', 0),
  'file.delete.delay.ms': long('60000', 0),
  'flush.messages': long(LONG_MAX, 1),
  'flush.ms': long(LONG_MAX, 0),
  'follower.replication.throttled.replicas': { default: '', kind: { type: 'list' } },
  'index.interval.bytes': int('4096', 0),
  'leader.replication.throttled.replicas': { default: '', kind: { type: 'list' } },
  'max.compaction.lag.ms': long(LONG_MAX, 1),
  'max.message.bytes': int('1048588', 0),
  'message.downconversion.enable': { default: 'true', kind: { type: 'boolean' } },
  'message.timestamp.after.max.ms': long(LONG_MAX, 0),
  'message.timestamp.before.max.ms': long(LONG_MAX, 0),
  'message.timestamp.difference.max.ms': long(LONG_MAX, 0),
  'message.timestamp.type': { default: 'CreateTime', kind: { type: 'enum', values: ['CreateTime', 'LogAppendTime'] } },
  'min.cleanable.dirty.ratio': { default: '0.5', kind: { type: 'double', min: 0, max: 1 } },
  'min.compaction.lag.ms': long('0', 0),
  'min.insync.replicas': int('1', 1),
  preallocate: { default: 'false', kind: { type: 'boolean' } },
  'retention.bytes': long('-1', -1),
  'retention.ms': long('604800000', -1),
  'segment.bytes': int('1073741824', 14),
  'segment.index.bytes': int('10485760', 4),
  'segment.jitter.ms': long('0', 0),
  'segment.ms': long('604800000', 1),
  'unclean.leader.election.enable': { default: 'false', kind: { type: 'boolean' } },
};

const INT32_MAX = 2147483647;

function invalid(name: string, value: string, why: string): BrokerRequestError {
  return new BrokerRequestError(ErrorCode.INVALID_CONFIG, `Invalid value ${JSON.stringify(value)} for configuration ${name}: ${why}`);
}

/** Checks one config and returns its normalized string value; throws INVALID_CONFIG. */
export function validateTopicConfig(name: string, value: string | null): string {
  const def = TOPIC_CONFIG_DEFS[name];
  if (!def) {
    throw new BrokerRequestError(ErrorCode.INVALID_CONFIG, `Unknown topic config name: ${name}. Known names: ${Object.keys(TOPIC_CONFIG_DEFS).join(', ')}`);
  }
  if (value === null) throw invalid(name, 'null', 'a value is required');
  const v = value.trim();
  const kind = def.kind;
  switch (kind.type) {
    case 'long':
    case 'int': {
      if (!/^-?\d+$/.test(v)) throw invalid(name, value, `expected a whole number`);
      if (v === LONG_MAX && kind.type === 'long') return v;
      const n = Number(v);
      if (n < kind.min) throw invalid(name, value, `value must be at least ${kind.min}`);
      if (kind.type === 'int' && n > INT32_MAX) throw invalid(name, value, `value must be at most ${INT32_MAX}`);
      if (kind.type === 'long' && BigInt(v) > BigInt(LONG_MAX)) throw invalid(name, value, `value is not a 64-bit integer`);
      return v;
    }
    case 'double': {
      const n = Number(v);
      if (v === '' || !Number.isFinite(n) || n < kind.min || n > kind.max) throw invalid(name, value, `expected a number in [${kind.min}, ${kind.max}]`);
      return v;
    }
    case 'boolean': {
      const lower = v.toLowerCase();
      if (lower !== 'true' && lower !== 'false') throw invalid(name, value, 'expected true or false');
      return lower;
    }
    case 'enum': {
      const normalized = name === 'cleanup.policy' ? normalizeCleanupPolicy(v) : v;
      if (!kind.values.includes(normalized)) throw invalid(name, value, `expected one of ${kind.values.join(', ')}`);
      return normalized;
    }
    case 'list':
      return v;
  }
}

function normalizeCleanupPolicy(v: string): string {
  const parts = new Set(v.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== ''));
  if (parts.size === 2 && parts.has('compact') && parts.has('delete')) return 'compact,delete';
  return [...parts].join(',');
}

/** Validates a whole set of topic configs (CreateTopics / AlterConfigs); returns normalized values. */
export function parseTopicConfigs(configs: Record<string, string | null> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(configs ?? {})) out[name] = validateTopicConfig(name, value);
  return out;
}

/** A long config as a JS number; Long.MAX ("never") becomes Infinity. */
export function longValue(value: string): number {
  return value === LONG_MAX ? Infinity : Number(value);
}
