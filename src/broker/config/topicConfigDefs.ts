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
  | { type: 'int'; min: number; max?: number; alsoAllowed?: number }
  | { type: 'double'; min: number; max: number }
  | { type: 'boolean' }
  | { type: 'enum'; values: readonly string[] }
  | { type: 'list' };

interface ConfigDef {
  default: string;
  kind: Kind;
  /**
   * The broker config that sets this topic config's default (Kafka's ServerTopicConfigSynonyms),
   * reported as its synonym by DescribeConfigs and changeable at run time on the broker resource.
   * `noBrokerDefault`: that broker config has no default of its own in Kafka (its value comes from a
   * coarser unit, e.g. log.retention.hours), so Kafka reports no DEFAULT_CONFIG synonym.
   */
  broker?: string;
  noBrokerDefault?: true;
}

export const COMPRESSION_TYPES = ['producer', 'uncompressed', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type TopicCompressionType = (typeof COMPRESSION_TYPES)[number];

const long = (def: string, min: number, broker?: string): ConfigDef => ({ default: def, kind: { type: 'long', min }, ...(broker ? { broker } : {}) });
const int = (def: string, min: number, broker?: string): ConfigDef => ({ default: def, kind: { type: 'int', min }, ...(broker ? { broker } : {}) });
const bool = (def: string, broker?: string): ConfigDef => ({ default: def, kind: { type: 'boolean' }, ...(broker ? { broker } : {}) });

/** Kafka 4.x's topic configs (keys Kafka 4 dropped, message.downconversion.enable and message.timestamp.difference.max.ms, are gone). */
export const TOPIC_CONFIG_DEFS: Record<string, ConfigDef> = {
  'cleanup.policy': { default: 'delete', kind: { type: 'enum', values: ['delete', 'compact', 'compact,delete'] }, broker: 'log.cleanup.policy' },
  'compression.gzip.level': { default: '-1', kind: { type: 'int', min: 1, max: 9, alsoAllowed: -1 }, broker: 'compression.gzip.level' },
  'compression.lz4.level': { default: '9', kind: { type: 'int', min: 1, max: 17 }, broker: 'compression.lz4.level' },
  'compression.type': { default: 'producer', kind: { type: 'enum', values: COMPRESSION_TYPES }, broker: 'compression.type' },
  'compression.zstd.level': { default: '3', kind: { type: 'int', min: -131072, max: 22 }, broker: 'compression.zstd.level' },
  'delete.retention.ms': long('86400000', 0, 'log.cleaner.delete.retention.ms'),
  'file.delete.delay.ms': long('60000', 0, 'log.segment.delete.delay.ms'),
  'flush.messages': long(LONG_MAX, 1, 'log.flush.interval.messages'),
  'flush.ms': { ...long(LONG_MAX, 0, 'log.flush.interval.ms'), noBrokerDefault: true },
  'follower.replication.throttled.replicas': { default: '', kind: { type: 'list' } },
  'index.interval.bytes': int('4096', 0, 'log.index.interval.bytes'),
  'leader.replication.throttled.replicas': { default: '', kind: { type: 'list' } },
  'local.retention.bytes': long('-2', -2, 'log.local.retention.bytes'),
  'local.retention.ms': long('-2', -2, 'log.local.retention.ms'),
  'max.compaction.lag.ms': long(LONG_MAX, 1, 'log.cleaner.max.compaction.lag.ms'),
  'max.message.bytes': int('1048588', 0, 'message.max.bytes'),
  'message.timestamp.after.max.ms': long(LONG_MAX, 0, 'log.message.timestamp.after.max.ms'),
  'message.timestamp.before.max.ms': long(LONG_MAX, 0, 'log.message.timestamp.before.max.ms'),
  'message.timestamp.type': { default: 'CreateTime', kind: { type: 'enum', values: ['CreateTime', 'LogAppendTime'] }, broker: 'log.message.timestamp.type' },
  'min.cleanable.dirty.ratio': { default: '0.5', kind: { type: 'double', min: 0, max: 1 }, broker: 'log.cleaner.min.cleanable.ratio' },
  'min.compaction.lag.ms': long('0', 0, 'log.cleaner.min.compaction.lag.ms'),
  'min.insync.replicas': int('1', 1, 'min.insync.replicas'),
  preallocate: bool('false', 'log.preallocate'),
  'remote.log.copy.disable': bool('false'),
  'remote.log.delete.on.disable': bool('false'),
  'remote.storage.enable': bool('false'),
  'retention.bytes': long('-1', -1, 'log.retention.bytes'),
  'retention.ms': { ...long('604800000', -1, 'log.retention.ms'), noBrokerDefault: true },
  'segment.bytes': int('1073741824', 14, 'log.segment.bytes'),
  'segment.index.bytes': int('10485760', 4, 'log.index.size.max.bytes'),
  'segment.jitter.ms': { ...long('0', 0, 'log.roll.jitter.ms'), noBrokerDefault: true },
  'segment.ms': { ...long('604800000', 1, 'log.roll.ms'), noBrokerDefault: true },
  'unclean.leader.election.enable': bool('false', 'unclean.leader.election.enable'),
};

/** Kafka's DescribeConfigs config types (ConfigEntry.ConfigType ids). */
export const CONFIG_TYPE = { BOOLEAN: 1, STRING: 2, INT: 3, LONG: 5, DOUBLE: 6, LIST: 7 } as const;

export function topicConfigType(name: string): number {
  const kind = TOPIC_CONFIG_DEFS[name]?.kind.type;
  if (kind === 'long') return CONFIG_TYPE.LONG;
  if (kind === 'int') return CONFIG_TYPE.INT;
  if (kind === 'double') return CONFIG_TYPE.DOUBLE;
  if (kind === 'boolean') return CONFIG_TYPE.BOOLEAN;
  return name === 'cleanup.policy' || kind === 'list' ? CONFIG_TYPE.LIST : CONFIG_TYPE.STRING;
}

/** Broker config name → the topic config it sets the default of (log.retention.ms → retention.ms). */
export const TOPIC_CONFIG_BY_BROKER_NAME: ReadonlyMap<string, string> = new Map(
  Object.entries(TOPIC_CONFIG_DEFS).flatMap(([name, def]) => (def.broker ? [[def.broker, name] as [string, string]] : [])),
);

/** Kafka refuses remote storage on a broker without a remote storage manager; bindery has none. */
const TIERED_STORAGE_DISABLED = 'Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage.';

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
      if (kind.type === 'int' && kind.alsoAllowed === n) return v;
      const range = kind.type === 'int' && kind.max !== undefined ? `[${kind.min},...,${kind.max}]${kind.alsoAllowed !== undefined ? ` or ${kind.alsoAllowed}` : ''}` : null;
      if (n < kind.min) throw invalid(name, value, range ? `value must be in ${range}` : `value must be at least ${kind.min}`);
      if (kind.type === 'int' && n > (kind.max ?? INT32_MAX)) throw invalid(name, value, range ? `value must be in ${range}` : `value must be at most ${INT32_MAX}`);
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
      if (name === 'remote.storage.enable' && lower === 'true') throw new BrokerRequestError(ErrorCode.INVALID_CONFIG, TIERED_STORAGE_DISABLED);
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
