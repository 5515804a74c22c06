/**
 * DescribeConfigs, AlterConfigs and IncrementalAlterConfigs for topics, the broker and groups,
 * with Kafka's config sources and synonyms.
 */
import { ErrorCode } from '../../protocol/errorCodes';
import { BrokerRequestError, toErrorResult } from '../BrokerRequestError';
import { brokerConfigEntries, type BrokerConfig } from '../config/BrokerConfig';
import { GROUP_CONFIG_DEFS, groupConfigType, validateGroupConfigs } from '../config/groupConfigDefs';
import type { ConfigSource } from '../config/TopicConfig';
import { CONFIG_TYPE, TOPIC_CONFIG_BY_BROKER_NAME, TOPIC_CONFIG_DEFS, topicConfigType, validateTopicConfig } from '../config/topicConfigDefs';
import type { MetadataStore } from './MetadataStore';
import type { TopicManager } from './TopicManager';
import {
  AlterConfigOp,
  ConfigSourceCode,
  ResourceType,
  type AlterConfigsRequest,
  type AlterConfigsResponse,
  type ConfigKV,
  type DescribeConfigsEntry,
  type DescribeConfigsRequest,
  type DescribeConfigsResponse,
  type IncrementalAlterConfigsRequest,
} from './types';

const SOURCE_CODES: Record<ConfigSource, number> = {
  topic: ConfigSourceCode.DYNAMIC_TOPIC_CONFIG,
  dynamicBroker: ConfigSourceCode.DYNAMIC_BROKER_CONFIG,
  dynamicDefaultBroker: ConfigSourceCode.DYNAMIC_DEFAULT_BROKER_CONFIG,
  staticBroker: ConfigSourceCode.STATIC_BROKER_CONFIG,
  default: ConfigSourceCode.DEFAULT_CONFIG,
};

type AlterOp = ConfigKV & { configOperation: number };
type Resource = { resourceType: number; resourceName: string };

export class ConfigAdmin {
  constructor(
    private readonly topics: TopicManager,
    private readonly config: BrokerConfig,
    private readonly store: MetadataStore,
  ) {}

  topicEntries(name: string, keys?: string[] | null, includeSynonyms = false): DescribeConfigsEntry[] {
    const topic = this.topics.get(name);
    if (!topic) throw new BrokerRequestError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${name} does not exist`);
    return topic.config
      .entries()
      .filter((e) => !keys || keys.includes(e.name))
      .map((e) => ({
        name: e.name,
        value: e.value,
        readOnly: false,
        isDefault: e.source === 'default',
        configSource: SOURCE_CODES[e.source],
        isSensitive: false,
        synonyms: includeSynonyms ? e.synonyms.map((s) => ({ name: s.name, value: s.value, source: SOURCE_CODES[s.source] })) : [],
        configType: topicConfigType(e.name),
      }));
  }

  describeConfigs(req: DescribeConfigsRequest): DescribeConfigsResponse {
    const synonyms = req.includeSynonyms ?? false;
    return {
      results: req.resources.map((r) => {
        const base = { resourceType: r.resourceType, resourceName: r.resourceName };
        try {
          let configs: DescribeConfigsEntry[];
          if (r.resourceType === ResourceType.TOPIC) configs = this.topicEntries(r.resourceName, r.configurationKeys, synonyms);
          else if (r.resourceType === ResourceType.BROKER) configs = this.brokerEntries(r.resourceName, synonyms);
          else if (r.resourceType === ResourceType.GROUP) configs = this.groupEntries(r.resourceName, synonyms);
          else throw new BrokerRequestError(ErrorCode.INVALID_REQUEST, `Unsupported config resource type ${r.resourceType}: use 2 (topic), 4 (broker) or 32 (group)`);
          const keys = r.configurationKeys;
          return { ...base, errorCode: ErrorCode.NONE, errorMessage: null, configs: keys ? configs.filter((c) => keys.includes(c.name)) : configs };
        } catch (err) {
          const { errorCode, errorMessage } = toErrorResult(err);
          return { ...base, errorCode, errorMessage, configs: [] };
        }
      }),
    };
  }

  private checkBrokerName(name: string): void {
    if (name !== '' && name !== String(this.config.nodeId)) {
      throw new BrokerRequestError(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${this.config.nodeId} or empty string, but received ${name}`);
    }
  }

  private dynamicBrokerConfigs(name: string): Record<string, string> {
    return { ...this.store.doc.brokerConfigs?.[name] };
  }

  /**
   * Broker resource "<node id>": the start-up settings (read-only) and every topic default under its
   * broker name with its sources; resource "" (every broker): only what was set for every broker.
   */
  private brokerEntries(name: string, includeSynonyms: boolean): DescribeConfigsEntry[] {
    this.checkBrokerName(name);
    const entry = (key: string, value: string | null, configSource: number, readOnly: boolean, synonyms: DescribeConfigsEntry['synonyms'], configType: number): DescribeConfigsEntry => ({
      name: key,
      value,
      readOnly,
      isDefault: configSource === ConfigSourceCode.DEFAULT_CONFIG,
      configSource,
      isSensitive: false,
      synonyms: includeSynonyms ? synonyms : [],
      configType,
    });
    if (name === '') {
      return Object.entries(this.dynamicBrokerConfigs('')).map(([k, v]) => {
        const source = ConfigSourceCode.DYNAMIC_DEFAULT_BROKER_CONFIG;
        return entry(k, v, source, false, [{ name: k, value: v, source }], topicConfigType(TOPIC_CONFIG_BY_BROKER_NAME.get(k) ?? ''));
      });
    }
    const staticEntries = Object.entries(brokerConfigEntries(this.config)).map(([k, v]) =>
      entry(k, v, ConfigSourceCode.STATIC_BROKER_CONFIG, true, [{ name: k, value: v, source: ConfigSourceCode.STATIC_BROKER_CONFIG }], CONFIG_TYPE.STRING),
    );
    const defaults = this.topics.brokerTopicDefaults;
    const dynamicEntries = Object.entries(TOPIC_CONFIG_DEFS).flatMap(([topicName, def]) => {
      if (!def.broker) return [];
      const synonyms = (['dynamicBroker', 'dynamicDefaultBroker', 'staticBroker'] as const)
        .filter((layer) => defaults[layer][topicName] !== undefined)
        .map((layer) => ({ name: def.broker!, value: defaults[layer][topicName], source: SOURCE_CODES[layer] }));
      if (!def.noBrokerDefault) synonyms.push({ name: def.broker, value: def.default, source: ConfigSourceCode.DEFAULT_CONFIG });
      const top = synonyms[0];
      return [entry(def.broker, top?.value ?? null, top?.source ?? ConfigSourceCode.DEFAULT_CONFIG, false, synonyms, topicConfigType(topicName))];
    });
    return [...staticEntries, ...dynamicEntries];
  }

  private groupEntries(groupId: string, includeSynonyms: boolean): DescribeConfigsEntry[] {
    if (groupId === '') throw new BrokerRequestError(ErrorCode.INVALID_REQUEST, 'A group config resource needs a group id');
    const set = this.store.doc.groupConfigs?.[groupId] ?? {};
    return Object.entries(GROUP_CONFIG_DEFS).map(([name, def]) => {
      const own = set[name];
      const source = own !== undefined ? ConfigSourceCode.GROUP_CONFIG : ConfigSourceCode.DEFAULT_CONFIG;
      return {
        name,
        value: own ?? def.default,
        readOnly: false,
        isDefault: own === undefined,
        configSource: source,
        isSensitive: false,
        synonyms: includeSynonyms && own !== undefined ? [{ name, value: own, source }] : [],
        configType: groupConfigType(name),
      };
    });
  }

  /** Legacy AlterConfigs: the given set replaces every dynamic config of the resource. */
  alterConfigs(req: AlterConfigsRequest): AlterConfigsResponse {
    return this.each(req.resources, req.validateOnly ?? false, (r) => applyOps({}, r.configs.map((c) => ({ ...c, configOperation: AlterConfigOp.SET }))));
  }

  incrementalAlterConfigs(req: IncrementalAlterConfigsRequest): AlterConfigsResponse {
    return this.each(req.resources, req.validateOnly ?? false, (r, current, currentValue) => applyOps(current, r.configs, currentValue));
  }

  /**
   * Runs `compute` (the new dynamic config set from the current one) on each resource, validates the
   * result for the resource's type and applies it unless validateOnly.
   */
  private each<R extends Resource & { configs: ConfigKV[] }>(
    resources: R[],
    validateOnly: boolean,
    compute: (r: R, current: Record<string, string>, currentValue: (name: string) => string) => Record<string, string>,
  ): AlterConfigsResponse {
    return {
      responses: resources.map((r) => {
        const base = { resourceType: r.resourceType, resourceName: r.resourceName };
        try {
          if (r.resourceType === ResourceType.TOPIC) {
            const topic = this.topics.get(r.resourceName);
            if (!topic) throw new BrokerRequestError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${r.resourceName} does not exist`);
            for (const c of r.configs) if (!(c.name in TOPIC_CONFIG_DEFS)) validateTopicConfig(c.name, c.value);
            // Overrides of keys Kafka 4 dropped (kept from older versions) are let go, not refused.
            const current = Object.fromEntries(Object.entries(topic.config.overrides).filter(([k]) => k in TOPIC_CONFIG_DEFS));
            const next = validateTopicOverrides(compute(r, current, (n) => topic.config.get(n)));
            if (!validateOnly) this.topics.setOverrides(r.resourceName, next);
          } else if (r.resourceType === ResourceType.BROKER) {
            this.checkBrokerName(r.resourceName);
            refuseStaticBrokerConfigs(r.configs.map((c) => c.name));
            const current = this.dynamicBrokerConfigs(r.resourceName);
            const next = compute(r, current, (n) => current[n] ?? this.topics.brokerTopicDefaults.staticBroker[TOPIC_CONFIG_BY_BROKER_NAME.get(n)!] ?? '');
            for (const [k, v] of Object.entries(next)) next[k] = validateTopicConfig(TOPIC_CONFIG_BY_BROKER_NAME.get(k)!, v);
            if (!validateOnly) this.topics.setBrokerConfigs(r.resourceName, next);
          } else if (r.resourceType === ResourceType.GROUP) {
            if (r.resourceName === '') throw new BrokerRequestError(ErrorCode.INVALID_REQUEST, 'A group config resource needs a group id');
            validateGroupConfigs(Object.fromEntries(r.configs.filter((c) => !(c.name in GROUP_CONFIG_DEFS)).map((c) => [c.name, c.value ?? ''])));
            const current = { ...this.store.doc.groupConfigs?.[r.resourceName] };
            const next = validateGroupConfigs(compute(r, current, (n) => current[n] ?? GROUP_CONFIG_DEFS[n]?.default ?? ''));
            if (!validateOnly) this.setGroupConfigs(r.resourceName, next);
          } else {
            throw new BrokerRequestError(ErrorCode.INVALID_REQUEST, `Unsupported config resource type ${r.resourceType}: use 2 (topic), 4 (broker) or 32 (group)`);
          }
          return { ...base, errorCode: ErrorCode.NONE, errorMessage: null };
        } catch (err) {
          const { errorCode, errorMessage } = toErrorResult(err);
          return { ...base, errorCode, errorMessage };
        }
      }),
    };
  }

  private setGroupConfigs(groupId: string, configs: Record<string, string>): void {
    const all = (this.store.doc.groupConfigs ??= {});
    if (Object.keys(configs).length === 0) delete all[groupId];
    else all[groupId] = configs;
    this.store.save();
  }
}

/** SET / DELETE / APPEND / SUBTRACT over a resource's dynamic configs; APPEND and SUBTRACT apply to list configs. */
function applyOps(current: Record<string, string>, ops: AlterOp[], currentValue: (name: string) => string = (n) => current[n] ?? ''): Record<string, string> {
  const next: Record<string, string> = { ...current };
  for (const c of ops) {
    switch (c.configOperation) {
      case AlterConfigOp.SET:
        if (c.value === null) throw new BrokerRequestError(ErrorCode.INVALID_CONFIG, `Invalid value null for configuration ${c.name}: a value is required`);
        next[c.name] = c.value;
        break;
      case AlterConfigOp.DELETE:
        delete next[c.name];
        break;
      case AlterConfigOp.APPEND:
      case AlterConfigOp.SUBTRACT: {
        if (c.name !== 'cleanup.policy' && c.name !== 'log.cleanup.policy') {
          throw new BrokerRequestError(ErrorCode.INVALID_CONFIG, `${c.name} is not a list config: APPEND/SUBTRACT apply to cleanup.policy only`);
        }
        const items = new Set((next[c.name] ?? currentValue(c.name)).split(',').map((v) => v.trim()).filter(Boolean));
        for (const v of (c.value ?? '').split(',').map((x) => x.trim()).filter(Boolean)) {
          if (c.configOperation === AlterConfigOp.APPEND) items.add(v);
          else items.delete(v);
        }
        next[c.name] = [...items].join(',');
        break;
      }
      default:
        throw new BrokerRequestError(ErrorCode.INVALID_REQUEST, `Unknown config operation ${c.configOperation}`);
    }
  }
  return next;
}

function validateTopicOverrides(configs: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(configs)) out[name] = validateTopicConfig(name, value);
  return out;
}

/** Only the topic defaults (log.retention.ms, ...) change at run time; Kafka refuses the others, for the whole resource, with this message. */
function refuseStaticBrokerConfigs(names: string[]): void {
  const fixed = [...new Set(names.filter((n) => !TOPIC_CONFIG_BY_BROKER_NAME.has(n)))];
  if (fixed.length > 0) throw new BrokerRequestError(ErrorCode.INVALID_REQUEST, `Cannot update these configs dynamically: Set(${fixed.join(', ')})`);
}
