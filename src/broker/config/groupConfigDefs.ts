/**
 * Group configs (ConfigResource type GROUP, Kafka 4's GroupConfig): per-group settings of the
 * consumer (KIP-848), share and streams group protocols, with Kafka's defaults and the bounds its
 * broker configs (group.consumer.min.session.timeout.ms, ...) put on them. bindery serves the
 * classic group protocol, so these are stored and reported, and take effect with those protocols.
 */
import { ErrorCode } from '../../protocol/errorCodes';
import { BrokerRequestError } from '../BrokerRequestError';
import { CONFIG_TYPE } from './topicConfigDefs';

interface GroupConfigDef {
  default: string;
  /** Whole number in [min, max]; the bound names are the broker configs Kafka's messages cite. */
  range?: { min: number; max: number; minName?: string; maxName: string };
  values?: readonly string[];
}

const ms = (def: number, min: number, max: number, protocol: string, what: string, minName = true): GroupConfigDef => ({
  default: String(def),
  range: { min, max, ...(minName ? { minName: `group.${protocol}.min.${what}` } : {}), maxName: `group.${protocol}.max.${what}` },
});

export const GROUP_CONFIG_DEFS: Record<string, GroupConfigDef> = {
  'consumer.heartbeat.interval.ms': ms(5000, 5000, 15000, 'consumer', 'heartbeat.interval.ms'),
  'consumer.session.timeout.ms': ms(45000, 45000, 60000, 'consumer', 'session.timeout.ms'),
  'share.auto.offset.reset': { default: 'latest' },
  'share.heartbeat.interval.ms': ms(5000, 5000, 15000, 'share', 'heartbeat.interval.ms'),
  'share.isolation.level': { default: 'read_uncommitted', values: ['read_committed', 'read_uncommitted'] },
  'share.record.lock.duration.ms': ms(30000, 15000, 60000, 'share', 'record.lock.duration.ms'),
  'share.session.timeout.ms': ms(45000, 45000, 60000, 'share', 'session.timeout.ms', false),
  'streams.heartbeat.interval.ms': ms(5000, 5000, 15000, 'streams', 'heartbeat.interval.ms'),
  'streams.num.standby.replicas': { default: '0', range: { min: 0, max: 2, maxName: 'group.streams.max.standby.replicas' } },
  'streams.session.timeout.ms': ms(45000, 45000, 60000, 'streams', 'session.timeout.ms'),
};

export function groupConfigType(name: string): number {
  return GROUP_CONFIG_DEFS[name]?.range ? CONFIG_TYPE.INT : CONFIG_TYPE.STRING;
}

const invalid = (message: string) => new BrokerRequestError(ErrorCode.INVALID_CONFIG, message);

/** Checks one group's whole config set (as Kafka's GroupConfig.validate); returns it normalized. */
export function validateGroupConfigs(configs: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(configs)) {
    const def = GROUP_CONFIG_DEFS[name];
    if (!def) throw invalid(`Unknown group config name: ${name}. Known names: ${Object.keys(GROUP_CONFIG_DEFS).join(', ')}`);
    const value = raw.trim();
    if (def.range) {
      if (!/^-?\d+$/.test(value)) throw invalid(`Invalid value ${value} for configuration ${name}: Not a number of type INT`);
      const n = Number(value);
      if (def.range.minName && n < def.range.min) throw invalid(`${name} must be greater than or equal to ${def.range.minName}`);
      if (n < 0) throw invalid(`Invalid value ${value} for configuration ${name}: Value must be at least 0`);
      if (n > def.range.max) throw invalid(`${name} must be less than or equal to ${def.range.maxName}`);
    }
    if (def.values && !def.values.includes(value)) throw invalid(`Invalid value ${value} for configuration ${name}: String must be one of: ${def.values.join(', ')}`);
    if (name === 'share.auto.offset.reset' && !/^(earliest|latest|by_duration:P.+)$/.test(value)) {
      throw invalid(`Invalid value ${value} for configuration ${name}: use earliest, latest or by_duration:<ISO 8601 duration>`);
    }
    out[name] = value;
  }
  const effective = (name: string) => Number(out[name] ?? GROUP_CONFIG_DEFS[name].default);
  for (const protocol of ['consumer', 'share', 'streams']) {
    if (effective(`${protocol}.session.timeout.ms`) <= effective(`${protocol}.heartbeat.interval.ms`)) {
      throw invalid(`${protocol}.session.timeout.ms must be greater than ${protocol}.heartbeat.interval.ms`);
    }
  }
  return out;
}
