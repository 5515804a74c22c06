import { ApiKey } from '../../../protocol/generated/apiKeys';
import type { OffsetForLeaderEpochRequestData, OffsetForLeaderEpochResponseData } from '../../../protocol/generated/types';
import type { BrokerServices } from '../brokerApi';
import type { ApiHandler } from '../types';
import { big } from './convert';

const LATEST = -1;

/**
 * OffsetForLeaderEpoch: clients validate their position after a leader change. A single broker
 * never truncates, so every epoch ends at the current log end offset, reported under the
 * partition's current leader epoch.
 */
export const offsetForLeaderEpochHandler: ApiHandler<BrokerServices, OffsetForLeaderEpochRequestData, OffsetForLeaderEpochResponseData> = {
  apiKey: ApiKey.OffsetForLeaderEpoch,
  name: 'OffsetForLeaderEpoch',
  minVersion: 0,
  maxVersion: 4,
  async handle(request, ctx) {
    const res = await ctx.services.broker.listOffsets({
      topics: request.topics.map((t) => ({ name: t.topic, partitions: t.partitions.map((p) => ({ partitionIndex: p.partition, timestamp: LATEST })) })),
    });
    return {
      throttleTimeMs: 0,
      topics: res.topics.map((t) => ({
        topic: t.name,
        partitions: t.partitions.map((p) => ({
          errorCode: p.errorCode,
          partition: p.partitionIndex,
          leaderEpoch: p.errorCode === 0 ? Math.max(p.leaderEpoch, 0) : -1,
          endOffset: p.errorCode === 0 ? big(p.offset) : -1n,
        })),
      })),
    };
  },
};
