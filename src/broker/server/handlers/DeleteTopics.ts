import { ApiKey } from '../../../protocol/generated/apiKeys';
import type { DeleteTopicsRequestData, DeleteTopicsResponseData } from '../../../protocol/generated/types';
import type { BrokerServices } from '../brokerApi';
import type { ApiHandler } from '../types';

const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

/** DeleteTopics: by name (v0–5 topicNames, v6 topics[].name) or by id (v6 topics[].topicId). */
export const deleteTopicsHandler: ApiHandler<BrokerServices, DeleteTopicsRequestData, DeleteTopicsResponseData> = {
  apiKey: ApiKey.DeleteTopics,
  name: 'DeleteTopics',
  minVersion: 0,
  maxVersion: 6,
  async handle(request, ctx) {
    const broker = ctx.services.broker;
    const names: string[] = [...(request.topicNames ?? [])];
    const unknownIds: string[] = [];
    for (const t of request.topics ?? []) {
      if (t.name) names.push(t.name);
      else if (t.topicId && t.topicId !== ZERO_UUID) {
        const name = broker.topicNameById(t.topicId);
        if (name) names.push(name);
        else unknownIds.push(t.topicId);
      }
    }
    const res = await broker.deleteTopics({ topicNames: names, timeoutMs: request.timeoutMs });
    return {
      throttleTimeMs: 0,
      responses: [
        ...res.responses.map((r) => ({ name: r.name, topicId: r.topicId ?? ZERO_UUID, errorCode: r.errorCode, errorMessage: r.errorMessage })),
        ...unknownIds.map((id) => ({ name: null, topicId: id, errorCode: 100, errorMessage: `no topic has id ${id}` })),
      ],
    };
  },
};
