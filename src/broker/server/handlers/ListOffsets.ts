import { ApiKey } from '../../../protocol/generated/apiKeys';
import type { ListOffsetsRequestData, ListOffsetsResponseData } from '../../../protocol/generated/types';
import type { BrokerServices } from '../brokerApi';
import type { ApiHandler } from '../types';
import { big, num } from './convert';

/** ListOffsets: offsets by timestamp (-1 latest, -2 earliest, -3 max timestamp). v0 answers in oldStyleOffsets. */
export const listOffsetsHandler: ApiHandler<BrokerServices, ListOffsetsRequestData, ListOffsetsResponseData> = {
  apiKey: ApiKey.ListOffsets,
  name: 'ListOffsets',
  minVersion: 0,
  maxVersion: 9,
  async handle(request, ctx) {
    const res = await ctx.services.broker.listOffsets({
      replicaId: request.replicaId,
      isolationLevel: request.isolationLevel ?? 0,
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, timestamp: num(p.timestamp), currentLeaderEpoch: p.currentLeaderEpoch })),
      })),
    });
    const v0 = ctx.header.apiVersion === 0;
    return {
      throttleTimeMs: 0,
      topics: res.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          errorCode: p.errorCode,
          oldStyleOffsets: v0 && p.errorCode === 0 ? [big(p.offset)] : [],
          timestamp: big(p.timestamp),
          offset: big(p.offset),
          leaderEpoch: p.leaderEpoch,
        })),
      })),
    };
  },
};
