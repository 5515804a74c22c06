import { ApiKey } from '../../../protocol/generated/apiKeys';
import type { OffsetCommitRequestData, OffsetCommitResponseData } from '../../../protocol/generated/types';
import type { BrokerServices } from '../brokerApi';
import type { ApiHandler } from '../types';
import { num } from './convert';

/** OffsetCommit: by a group member (generation check) or, with generation -1, a simple commit. */
export const offsetCommitHandler: ApiHandler<BrokerServices, OffsetCommitRequestData, OffsetCommitResponseData> = {
  apiKey: ApiKey.OffsetCommit,
  name: 'OffsetCommit',
  minVersion: 0,
  maxVersion: 9,
  async handle(request, ctx) {
    const res = await ctx.services.broker.commitOffsets({
      groupId: request.groupId,
      generationId: request.generationIdOrMemberEpoch ?? -1,
      memberId: request.memberId ?? '',
      groupInstanceId: request.groupInstanceId ?? null,
      retentionTimeMs: num(request.retentionTimeMs),
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          committedOffset: num(p.committedOffset),
          committedLeaderEpoch: p.committedLeaderEpoch ?? -1,
          committedMetadata: p.committedMetadata,
        })),
      })),
    });
    return { throttleTimeMs: 0, topics: res.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ ...p })) })) };
  },
};
