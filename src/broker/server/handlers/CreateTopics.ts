import { ApiKey } from '../../../protocol/generated/apiKeys';
import type { CreateTopicsRequestData, CreateTopicsResponseData } from '../../../protocol/generated/types';
import type { BrokerServices } from '../brokerApi';
import type { ApiHandler } from '../types';

/** CreateTopics: replica assignments are accepted only as the single local broker (replication 1). */
export const createTopicsHandler: ApiHandler<BrokerServices, CreateTopicsRequestData, CreateTopicsResponseData> = {
  apiKey: ApiKey.CreateTopics,
  name: 'CreateTopics',
  minVersion: 0,
  maxVersion: 7,
  async handle(request, ctx) {
    const res = await ctx.services.broker.createTopics({
      timeoutMs: request.timeoutMs,
      validateOnly: request.validateOnly ?? false,
      topics: request.topics.map((t) => ({
        name: t.name,
        numPartitions: t.assignments.length > 0 ? t.assignments.length : t.numPartitions,
        replicationFactor: t.assignments.length > 0 ? t.assignments[0].brokerIds.length : t.replicationFactor,
        configs: t.configs.map((c) => ({ name: c.name, value: c.value })),
      })),
    });
    return {
      throttleTimeMs: 0,
      topics: res.topics.map((t) => ({
        name: t.name,
        topicId: t.topicId ?? '00000000-0000-0000-0000-000000000000',
        errorCode: t.errorCode,
        errorMessage: t.errorMessage,
        topicConfigErrorCode: 0,
        numPartitions: t.numPartitions,
        replicationFactor: t.replicationFactor,
        configs: t.configs.map((c) => ({ name: c.name, value: c.value, readOnly: c.readOnly, configSource: c.configSource, isSensitive: c.isSensitive })),
      })),
    };
  },
};
