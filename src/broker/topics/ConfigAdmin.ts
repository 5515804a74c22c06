/** DescribeConfigs, AlterConfigs and IncrementalAlterConfigs for topics and the broker. */
import { ErrorCode } from '../../protocol/errorCodes';
import { BrokerRequestError, toErrorResult } from '../config/BrokerError';
import { brokerConfigEntries, type BrokerConfig } from '../config/BrokerConfig';
import { TOPIC_CONFIG_DEFS, validateTopicConfig } from '../config/topicConfigDefs';
import type { TopicManager } from './TopicManager';
import {
  AlterConfigOp,
  ConfigSourceCode,
  ResourceType,
  type AlterConfigsRequest,
  type AlterConfigsResponse,
  type DescribeConfigsEntry,
  type DescribeConfigsRequest,
  type DescribeConfigsResponse,
  type IncrementalAlterConfigsRequest,
} from './types';

export class ConfigAdmin {
  constructor(
    private readonly topics: TopicManager,
    private readonly config: BrokerConfig,
  ) {}

  topicEntries(name: string, keys?: string[] | null): DescribeConfigsEntry[] {
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
        configSource: e.source === 'topic' ? ConfigSourceCode.DYNAMIC_TOPIC_CONFIG : e.source === 'broker' ? ConfigSourceCode.STATIC_BROKER_CONFIG : ConfigSourceCode.DEFAULT_CONFIG,
        isSensitive: false,
      }));
  }

  describeConfigs(req: DescribeConfigsRequest): DescribeConfigsResponse {
    return {
      results: req.resources.map((r) => {
        const base = { resourceType: r.resourceType, resourceName: r.resourceName };
        try {
          let configs: DescribeConfigsEntry[];
          if (r.resourceType === ResourceType.TOPIC) configs = this.topicEntries(r.resourceName, r.configurationKeys);
          else if (r.resourceType === ResourceType.BROKER) configs = this.brokerEntries(r.resourceName, r.configurationKeys);
          else throw new BrokerRequestError(ErrorCode.INVALID_REQUEST, `Unsupported config resource type ${r.resourceType}: use 2 (topic) or 4 (broker)`);
          return { ...base, errorCode: ErrorCode.NONE, errorMessage: null, configs };
        } catch (err) {
          const { errorCode, errorMessage } = toErrorResult(err);
          return { ...base, errorCode, errorMessage, configs: [] };
        }
      }),
    };
  }

  private brokerEntries(name: string, keys?: string[] | null): DescribeConfigsEntry[] {
    if (name !== '' && name !== String(this.config.nodeId)) {
      throw new BrokerRequestError(ErrorCode.INVALID_REQUEST, `Unknown broker ${name}: this node is ${this.config.nodeId}`);
    }
    return Object.entries(brokerConfigEntries(this.config))
      .filter(([k]) => !keys || keys.includes(k))
      .map(([k, v]) => ({ name: k, value: v, readOnly: true, isDefault: false, configSource: ConfigSourceCode.STATIC_BROKER_CONFIG, isSensitive: false }));
  }

  /** Legacy AlterConfigs: the given set replaces every override of the resource. */
  alterConfigs(req: AlterConfigsRequest): AlterConfigsResponse {
    return this.each(req.resources, req.validateOnly ?? false, (r) => {
      const next: Record<string, string> = {};
      for (const c of r.configs) next[c.name] = validateTopicConfig(c.name, c.value);
      return next;
    });
  }

  incrementalAlterConfigs(req: IncrementalAlterConfigsRequest): AlterConfigsResponse {
    return this.each(req.resources, req.validateOnly ?? false, (r, current) => {
      const next: Record<string, string> = { ...current };
      for (const c of r.configs) {
        if (!(c.name in TOPIC_CONFIG_DEFS)) validateTopicConfig(c.name, c.value);
        switch (c.configOperation) {
          case AlterConfigOp.SET:
            next[c.name] = validateTopicConfig(c.name, c.value);
            break;
          case AlterConfigOp.DELETE:
            delete next[c.name];
            break;
          case AlterConfigOp.APPEND:
          case AlterConfigOp.SUBTRACT: {
            if (c.name !== 'cleanup.policy') throw new BrokerRequestError(ErrorCode.INVALID_CONFIG, `${c.name} is not a list config: APPEND/SUBTRACT apply to cleanup.policy only`);
            const items = new Set((next[c.name] ?? this.topics.get(r.resourceName)?.config.get(c.name) ?? '').split(',').filter(Boolean));
            for (const v of (c.value ?? '').split(',').filter(Boolean)) {
              if (c.configOperation === AlterConfigOp.APPEND) items.add(v.trim());
              else items.delete(v.trim());
            }
            next[c.name] = validateTopicConfig(c.name, [...items].join(','));
            break;
          }
          default:
            throw new BrokerRequestError(ErrorCode.INVALID_REQUEST, `Unknown config operation ${c.configOperation}`);
        }
      }
      return next;
    });
  }

  private each<R extends { resourceType: number; resourceName: string }>(
    resources: R[],
    validateOnly: boolean,
    compute: (r: R, current: Record<string, string>) => Record<string, string>,
  ): AlterConfigsResponse {
    return {
      responses: resources.map((r) => {
        const base = { resourceType: r.resourceType, resourceName: r.resourceName };
        try {
          if (r.resourceType === ResourceType.BROKER) {
            throw new BrokerRequestError(ErrorCode.INVALID_REQUEST, 'Broker configs are static: set them in the broker config and restart');
          }
          if (r.resourceType !== ResourceType.TOPIC) throw new BrokerRequestError(ErrorCode.INVALID_REQUEST, `Unsupported config resource type ${r.resourceType}`);
          const topic = this.topics.get(r.resourceName);
          if (!topic) throw new BrokerRequestError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${r.resourceName} does not exist`);
          const next = compute(r, { ...topic.config.overrides });
          if (!validateOnly) this.topics.setOverrides(r.resourceName, next);
          return { ...base, errorCode: ErrorCode.NONE, errorMessage: null };
        } catch (err) {
          const { errorCode, errorMessage } = toErrorResult(err);
          return { ...base, errorCode, errorMessage };
        }
      }),
    };
  }
}
