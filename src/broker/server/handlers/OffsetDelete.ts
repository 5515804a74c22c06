import { ApiKey } from '../../../protocol/generated/apiKeys';
import type { OffsetDeleteRequestData, OffsetDeleteResponseData } from '../../../protocol/generated/types';
import type { BrokerServices } from '../brokerApi';
import type { ApiHandler } from '../types';

/** OffsetDelete: drops committed offsets of an empty group, or of topics its consumers no longer subscribe to. */
export const offsetDeleteHandler: ApiHandler<BrokerServices, OffsetDeleteRequestData, OffsetDeleteResponseData> = {
  apiKey: ApiKey.OffsetDelete,
  name: 'OffsetDelete',
  minVersion: 0,
  maxVersion: 0,
  async handle(request, ctx) {
    const res = await ctx.services.broker.deleteOffsets(request);
    return {
      errorCode: res.errorCode,
      throttleTimeMs: 0,
      topics: res.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: p.errorCode })) })),
    };
  },
};
