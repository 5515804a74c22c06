/**
 * Topic-level configs the broker accepts, with Kafka's names, defaults and valid ranges.
 * Values travel as strings (as in CreateTopics / AlterConfigs); `validateTopicConfig` parses
 * and checks one, `parseTopicConfigs` a whole set.
 */
import { ErrorCode } from '../../protocol/errorCodes';
import { BrokerRequestError } from '../BrokerRequestError';

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
  /** One line: what the config does (docs/cli.md's table is generated from it). */
  doc: string;
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

const long = (def: string, min: number, broker?: string): Omit<ConfigDef, 'doc'> => ({ default: def, kind: { type: 'long', min }, ...(broker ? { broker } : {}) });
const int = (def: string, min: number, broker?: string): Omit<ConfigDef, 'doc'> => ({ default: def, kind: { type: 'int', min }, ...(broker ? { broker } : {}) });
const bool = (def: string, broker?: string): Omit<ConfigDef, 'doc'> => ({ default: def, kind: { type: 'boolean' }, ...(broker ? { broker } : {}) });

/** Kafka 4.x's topic configs (keys Kafka 4 dropped, message.downconversion.enable and message.timestamp.difference.max.ms, are gone). */
export const TOPIC_CONFIG_DEFS: Record<string, ConfigDef> = {
  'cleanup.policy': { default: 'delete', kind: { type: 'enum', values: ['delete', 'compact', 'compact,delete'] }, broker: 'log.cleanup.policy', doc: 'delete old segments, keep the last record per key (compact), or both' },
  'compression.gzip.level': { default: '-1', kind: { type: 'int', min: 1, max: 9, alsoAllowed: -1 }, broker: 'compression.gzip.level', doc: 'gzip level when the broker re-compresses to gzip' },
  'compression.lz4.level': { default: '9', kind: { type: 'int', min: 1, max: 17 }, broker: 'compression.lz4.level', doc: 'lz4 level (lz4 has one level here)' },
  'compression.type': { default: 'producer', kind: { type: 'enum', values: COMPRESSION_TYPES }, broker: 'compression.type', doc: "codec the broker stores batches in; `producer` keeps the producer's" },
  'compression.zstd.level': { default: '3', kind: { type: 'int', min: -131072, max: 22 }, broker: 'compression.zstd.level', doc: 'zstd level when the broker re-compresses to zstd' },
  'delete.retention.ms': { ...long('86400000', 0, 'log.cleaner.delete.retention.ms'), doc: 'how long delete markers (tombstones) of a compacted topic are kept' },
  'file.delete.delay.ms': { ...long('60000', 0, 'log.segment.delete.delay.ms'), doc: 'wait before a deleted segment file is removed from disk' },
  'flush.messages': { ...long(LONG_MAX, 1, 'log.flush.interval.messages'), doc: 'fsync after this many messages (default: leave it to the OS page cache)' },
  'flush.ms': { ...long(LONG_MAX, 0, 'log.flush.interval.ms'), noBrokerDefault: true, doc: 'fsync when the oldest unflushed message is this old (default: the OS page cache)' },
  'follower.replication.throttled.replicas': { default: '', kind: { type: 'list' }, doc: 'replicas throttled as followers (stored; single node)' },
  'index.interval.bytes': { ...int('4096', 0, 'log.index.interval.bytes'), doc: 'bytes between offset index entries' },
  'leader.replication.throttled.replicas': { default: '', kind: { type: 'list' }, doc: 'replicas throttled as leaders (stored; single node)' },
  'local.retention.bytes': { ...long('-2', -2, 'log.local.retention.bytes'), doc: 'local bytes kept with tiered storage (-2: retention.bytes)' },
  'local.retention.ms': { ...long('-2', -2, 'log.local.retention.ms'), doc: 'local time kept with tiered storage (-2: retention.ms)' },
  'max.compaction.lag.ms': { ...long(LONG_MAX, 1, 'log.cleaner.max.compaction.lag.ms'), doc: 'longest a record stays uncompacted' },
  'max.message.bytes': { ...int('1048588', 0, 'message.max.bytes'), doc: 'largest record batch accepted' },
  'message.timestamp.after.max.ms': { ...long(LONG_MAX, 0, 'log.message.timestamp.after.max.ms'), doc: 'how far in the future a CreateTime timestamp may be' },
  'message.timestamp.before.max.ms': { ...long(LONG_MAX, 0, 'log.message.timestamp.before.max.ms'), doc: 'how far in the past a CreateTime timestamp may be' },
  'message.timestamp.type': { default: 'CreateTime', kind: { type: 'enum', values: ['CreateTime', 'LogAppendTime'] }, broker: 'log.message.timestamp.type', doc: "CreateTime (the producer's) or LogAppendTime (the broker's)" },
  'min.cleanable.dirty.ratio': { default: '0.5', kind: { type: 'double', min: 0, max: 1 }, broker: 'log.cleaner.min.cleanable.ratio', doc: 'share of uncompacted log that makes a partition worth cleaning' },
  'min.compaction.lag.ms': { ...long('0', 0, 'log.cleaner.min.compaction.lag.ms'), doc: 'shortest a record stays uncompacted' },
  'min.insync.replicas': { ...int('1', 1, 'min.insync.replicas'), doc: 'replicas that must have an acks=all write' },
  preallocate: { ...bool('false', 'log.preallocate'), doc: 'preallocate segment files' },
  'remote.log.copy.disable': { ...bool('false'), doc: 'stop copying to tiered storage (stored)' },
  'remote.log.delete.on.disable': { ...bool('false'), doc: 'delete tiered data when tiered storage is disabled (stored)' },
  'remote.storage.enable': { ...bool('false'), doc: 'tiered storage; `true` is refused (no remote storage manager)' },
  'retention.bytes': { ...long('-1', -1, 'log.retention.bytes'), doc: 'bytes kept per partition before old segments go (-1: no limit)' },
  'retention.ms': { ...long('604800000', -1, 'log.retention.ms'), noBrokerDefault: true, doc: 'time a segment is kept after its last record (-1: forever)' },
  'segment.bytes': { ...int('1073741824', 14, 'log.segment.bytes'), doc: 'size at which a segment is rolled' },
  'segment.index.bytes': { ...int('10485760', 4, 'log.index.size.max.bytes'), doc: "size of a segment's offset and time index files" },
  'segment.jitter.ms': { ...long('0', 0, 'log.roll.jitter.ms'), noBrokerDefault: true, doc: 'random jitter subtracted from segment.ms' },
  'segment.ms': { ...long('604800000', 1, 'log.roll.ms'), noBrokerDefault: true, doc: 'age at which a segment is rolled' },
  'unclean.leader.election.enable': { ...bool('false', 'unclean.leader.election.enable'), doc: 'elect an out-of-sync replica (stored; single node)' },
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
