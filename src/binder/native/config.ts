/**
 * Properties of the native binder (config `binders.native`). With no `dataDir` and no `broker`
 * the binder runs an in-memory broker, shared by every native binder of the process that also
 * names none (so several apps in one process talk to each other with zero setup); its data is
 * gone when the last of them closes. With `dataDir` the log is on disk, shared per directory.
 */
import type { Broker } from '../../broker/Broker';
import { BROKER_CONFIG_DEFS, type BrokerConfig } from '../../broker/config/BrokerConfig';
import { GROUP_COORDINATOR_CONFIG_DEFS } from '../../broker/group/config';
import { defaultsOf, define, type ConfigDefs, type ConfigKey } from '../../protocol/config/ConfigDef';
import type { AssignorName } from '../../protocol/consumer/Assignor';
import { NativeBinderConfigError } from './errors';

/** Defaults: NATIVE_BINDER_CONFIG_DEFS below. */
export interface NativeBinderConfig {
  /** Directory of the durable log. */
  dataDir?: string;
  /** An open broker to use instead (not closed by the binder). */
  broker?: Broker;
  /** false = a private broker even when another binder uses the same dataDir/memory. */
  shared?: boolean;
  /** Partitions of topics the binder creates when a binding names none. */
  defaultPartitions?: number;
  /** Partition assignor of consumer groups: 'range' (Kafka's default), 'roundrobin' or 'sticky'. */
  assignor?: AssignorName;
  /** group.initial.rebalance.delay.ms of a broker the binder opens. */
  groupInitialRebalanceDelayMs?: number;
  /** Longest wait of one fetch for new records, ms. */
  fetchMaxWaitMs?: number;
  /** Bytes per partition per fetch. */
  fetchMaxBytesPerPartition?: number;
  /**
   * Heartbeats are function calls in process: members beat at the lower of this and the binding's
   * heartbeatIntervalMs so a rebalance is noticed quickly.
   */
  inProcessHeartbeatMs?: number;
  /** How often a pattern (RegExp) destination looks for new matching topics, ms. */
  topicPatternRefreshMs?: number;
  /** Settings of a broker the binder opens (Kafka server.properties, camel-cased). */
  brokerConfig?: Partial<BrokerConfig>;
  /** How long a process waits for the process holding a shared dataDir to say where it serves the log, ms. */
  handOffTimeoutMs?: number;
}

export interface ResolvedNativeBinderConfig {
  dataDir: string | undefined;
  broker: Broker | undefined;
  shared: boolean;
  defaultPartitions: number;
  assignor: AssignorName;
  groupInitialRebalanceDelayMs: number;
  fetchMaxWaitMs: number;
  fetchMaxBytesPerPartition: number;
  inProcessHeartbeatMs: number;
  topicPatternRefreshMs: number;
  brokerConfig: Partial<BrokerConfig>;
  handOffTimeoutMs: number;
}

/**
 * The native binder's settings, declared once: `resolveNativeBinderConfig`, the config schema
 * (settings.ts) and docs/binders.md's table come from here. The broker settings it opens a broker
 * with default to the broker's own declarations.
 */
export const NATIVE_BINDER_CONFIG_DEFS: ConfigDefs<ResolvedNativeBinderConfig> = {
  dataDir: define.optional({ type: 'string' }, 'directory of the durable log', 'none (in memory)'),
  broker: define.optional({ type: 'freeObject' }, 'an open `Broker` to use (the binder does not close it)', '—'),
  shared: define.boolean(true, '`false` = a private broker for this binder'),
  defaultPartitions: { ...BROKER_CONFIG_DEFS.numPartitions, doc: 'partitions of topics created when a binding names none' },
  assignor: define.enumOf(['range', 'roundrobin', 'sticky'], 'range', 'partition assignor of consumer groups: `range` (Kafka\'s default), `roundrobin` or `sticky`'),
  groupInitialRebalanceDelayMs: {
    ...GROUP_COORDINATOR_CONFIG_DEFS.initialRebalanceDelayMs,
    doc: '`group.initial.rebalance.delay.ms` of a broker the binder opens (members of one process join together)',
  },
  fetchMaxWaitMs: define.integer(500, 1, 'long-poll wait, ms'),
  fetchMaxBytesPerPartition: define.integer(1024 * 1024, 1024, 'bytes per partition per fetch'),
  inProcessHeartbeatMs: define.integer(
    100,
    1,
    "members beat at the lower of this and the binding's `heartbeatIntervalMs`, so a rebalance is noticed quickly",
  ),
  topicPatternRefreshMs: define.integer(5000, 1, 'how often a pattern (RegExp) destination looks for new matching topics, ms'),
  brokerConfig: define.of({ type: 'freeObject' }, {}, 'broker settings of a broker the binder opens (camel-cased `server.properties` names)'),
  handOffTimeoutMs: define.integer(
    60000,
    1,
    'how long a process waits for the process holding a shared `dataDir` to say where it serves the log (it may be recovering it), ms',
  ),
};

const DEFAULTS = defaultsOf(NATIVE_BINDER_CONFIG_DEFS);
const ASSIGNORS = (NATIVE_BINDER_CONFIG_DEFS.assignor.type as { values: AssignorName[] }).values;

function count(name: keyof typeof NATIVE_BINDER_CONFIG_DEFS, value: unknown): number {
  const def = NATIVE_BINDER_CONFIG_DEFS[name] as ConfigKey<number>;
  const min = (def.type as { min: number }).min;
  if (value === undefined || value === null || value === '') return def.default;
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min) {
    throw new NativeBinderConfigError(`${name} must be an integer ≥ ${min}, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** Accepts the properties as config files and environment variables give them (strings included). */
export function resolveNativeBinderConfig(properties: NativeBinderConfig | Record<string, unknown> = {}): ResolvedNativeBinderConfig {
  const p = properties as Record<string, unknown>;
  if (p.dataDir !== undefined && typeof p.dataDir !== 'string') throw new NativeBinderConfigError(`dataDir must be a path, got ${JSON.stringify(p.dataDir)}`);
  const assignor = (p.assignor ?? DEFAULTS.assignor) as AssignorName;
  if (!ASSIGNORS.includes(assignor)) throw new NativeBinderConfigError(`assignor must be one of ${ASSIGNORS.join(', ')}, got ${JSON.stringify(p.assignor)}`);
  return {
    dataDir: (p.dataDir as string | undefined) || undefined,
    broker: p.broker as Broker | undefined,
    shared: p.shared === undefined ? DEFAULTS.shared : p.shared !== false && p.shared !== 'false',
    defaultPartitions: count('defaultPartitions', p.defaultPartitions),
    assignor,
    groupInitialRebalanceDelayMs: count('groupInitialRebalanceDelayMs', p.groupInitialRebalanceDelayMs),
    fetchMaxWaitMs: count('fetchMaxWaitMs', p.fetchMaxWaitMs),
    fetchMaxBytesPerPartition: count('fetchMaxBytesPerPartition', p.fetchMaxBytesPerPartition),
    inProcessHeartbeatMs: count('inProcessHeartbeatMs', p.inProcessHeartbeatMs),
    topicPatternRefreshMs: count('topicPatternRefreshMs', p.topicPatternRefreshMs),
    brokerConfig: (p.brokerConfig as Partial<BrokerConfig> | undefined) ?? { ...DEFAULTS.brokerConfig },
    handOffTimeoutMs: count('handOffTimeoutMs', p.handOffTimeoutMs),
  };
}
