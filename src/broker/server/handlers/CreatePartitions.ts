import { ApiKey } from '../../../protocol/generated/apiKeys';
import type { CreatePartitionsRequestData, CreatePartitionsResponseData } from '../../../protocol/generated/types';
import type { BrokerServices } from '../brokerApi';
import type { ApiHandler } from '../types';

/** CreatePartitions: grows a topic to `count` partitions. */
export const createPartitionsHandler: ApiHandler<BrokerServices, CreatePartitionsRequestData, CreatePartitionsResponseData> = {
  apiKey: ApiKey.CreatePartitions,
  name: 'CreatePartitions',
  minVersion: 0,
  maxVersion: 3,
  async handle(request, ctx) {
    const res = await ctx.services.broker.createPartitions(request);
    return { throttleTimeMs: 0, results: res.results.map((r) => ({ name: r.name, errorCode: r.errorCode, errorMessage: r.errorMessage })) };
  },
};
