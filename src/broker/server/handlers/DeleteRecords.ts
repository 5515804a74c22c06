import { ApiKey } from '../../../protocol/generated/apiKeys';
import type { DeleteRecordsRequestData, DeleteRecordsResponseData } from '../../../protocol/generated/types';
import type { BrokerServices } from '../brokerApi';
import type { ApiHandler } from '../types';
import { big, num } from './convert';

/** DeleteRecords: advances the log start offset (offset -1 = the high watermark). */
export const deleteRecordsHandler: ApiHandler<BrokerServices, DeleteRecordsRequestData, DeleteRecordsResponseData> = {
  apiKey: ApiKey.DeleteRecords,
  name: 'DeleteRecords',
  minVersion: 0,
  maxVersion: 2,
  async handle(request, ctx) {
    const res = await ctx.services.broker.deleteRecords({
      timeoutMs: request.timeoutMs,
      topics: request.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, offset: num(p.offset) })) })),
    });
    return {
      throttleTimeMs: 0,
      topics: res.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, lowWatermark: big(p.lowWatermark), errorCode: p.errorCode })),
      })),
    };
  },
};
