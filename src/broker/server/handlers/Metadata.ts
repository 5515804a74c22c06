import { ApiKey } from '../../../protocol/generated/apiKeys';
import type { MetadataRequestData, MetadataResponseData } from '../../../protocol/generated/types';
import type { BrokerServices } from '../brokerApi';
import type { ApiHandler } from '../types';

const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

/**
 * Metadata: brokers (this one, at the address clients reached), topics and partitions. An absent
 * topic list (v1+) or an empty one in v0 means every topic; unknown topics are auto-created when
 * the request allows it (v4+, always before) and the broker is configured to.
 */
export const metadataHandler: ApiHandler<BrokerServices, MetadataRequestData, MetadataResponseData> = {
  apiKey: ApiKey.Metadata,
  name: 'Metadata',
  minVersion: 0,
  maxVersion: 12,
  async handle(request, ctx) {
    const { broker, advertisedHost, advertisedPort, nodeId } = ctx.services;
    const version = ctx.header.apiVersion;
    const all = request.topics === null || (version === 0 && request.topics.length === 0);
    const byId = new Map<string, string>();
    const names: { name: string }[] = [];
    for (const t of request.topics ?? []) {
      if (t.name) names.push({ name: t.name });
      else if (t.topicId && t.topicId !== ZERO_UUID) {
        const name = broker.topicNameById(t.topicId);
        if (name) names.push({ name });
        byId.set(t.topicId, name ?? '');
      }
    }
    const res = await broker.metadata({ topics: all ? null : names, allowAutoTopicCreation: version < 4 ? true : request.allowAutoTopicCreation !== false });
    const topics: MetadataResponseData['topics'] = res.topics.map((t) => ({
      errorCode: t.errorCode,
      name: t.name,
      topicId: t.topicId || ZERO_UUID,
      isInternal: t.isInternal,
      partitions: t.partitions.map((p) => ({ ...p })),
      topicAuthorizedOperations: -2147483648,
    }));
    for (const [id, name] of byId) if (!name) topics.push({ errorCode: 100, name: null, topicId: id, isInternal: false, partitions: [] });
    return {
      throttleTimeMs: 0,
      brokers: [{ nodeId, host: advertisedHost, port: advertisedPort, rack: null }],
      clusterId: res.clusterId ?? ctx.services.clusterId,
      controllerId: nodeId,
      topics,
      clusterAuthorizedOperations: -2147483648,
    };
  },
};
