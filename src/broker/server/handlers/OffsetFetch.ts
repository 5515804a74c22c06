import { ApiKey } from '../../../protocol/generated/apiKeys';
import type { OffsetFetchRequestData, OffsetFetchResponseData } from '../../../protocol/generated/types';
import type { OffsetFetchResponse } from '../../group/types';
import type { BrokerServices } from '../brokerApi';
import type { ApiHandler } from '../types';
import { big } from './convert';

type Topics = { name?: string; partitionIndexes?: number[] }[] | null | undefined;

function toTopics(topics: Topics): { name: string; partitionIndexes: number[] }[] | null {
  if (topics === null || topics === undefined) return null;
  return topics.map((t) => ({ name: t.name ?? '', partitionIndexes: t.partitionIndexes ?? [] }));
}

function partitionsOf(res: OffsetFetchResponse) {
  return res.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => ({
      partitionIndex: p.partitionIndex,
      committedOffset: big(p.committedOffset),
      committedLeaderEpoch: p.committedLeaderEpoch,
      metadata: p.metadata,
      errorCode: p.errorCode,
    })),
  }));
}

/**
 * OffsetFetch: committed offsets of one group (v0–7) or of several groups (v8+). In v0 an empty
 * topic list means none; from v2 a null list means every committed partition.
 */
export const offsetFetchHandler: ApiHandler<BrokerServices, OffsetFetchRequestData, OffsetFetchResponseData> = {
  apiKey: ApiKey.OffsetFetch,
  name: 'OffsetFetch',
  minVersion: 0,
  maxVersion: 9,
  async handle(request, ctx) {
    const broker = ctx.services.broker;
    if (ctx.header.apiVersion >= 8) {
      const groups = await Promise.all(
        (request.groups ?? []).map(async (g) => {
          const res = await broker.fetchOffsets({ groupId: g.groupId ?? '', topics: toTopics(g.topics), requireStable: request.requireStable ?? false });
          return { groupId: g.groupId ?? '', errorCode: res.errorCode, topics: partitionsOf(res) };
        }),
      );
      return { throttleTimeMs: 0, groups };
    }
    const res = await broker.fetchOffsets({ groupId: request.groupId ?? '', topics: toTopics(request.topics), requireStable: request.requireStable ?? false });
    return { throttleTimeMs: 0, errorCode: res.errorCode, topics: partitionsOf(res) };
  },
};
