import { ApiKey } from '../../../protocol/generated/apiKeys';
import type { TxnOffsetCommitRequestData, TxnOffsetCommitResponseData } from '../../../protocol/generated/types';
import type { BrokerServices } from '../brokerApi';
import type { ApiHandler } from '../types';
import { num } from './convert';
import { fencedForVersion } from './txnErrors';

/** TxnOffsetCommit v5 comes from transactions-version-2 producers (KIP-890 part 2). */
const FIRST_VERSION_ADDING_OFFSETS = 5;

/**
 * TxnOffsetCommit: a group's offsets, written in the producer's transaction and visible to
 * OffsetFetch only once it commits. v3+ carry the member and generation (KIP-447), which are
 * checked as OffsetCommit checks them. v5 (transactions version 2, same layout as v4) also adds the
 * group's `__consumer_offsets` partition to the transaction, as AddOffsetsToTxn did before.
 */
export const txnOffsetCommitHandler: ApiHandler<BrokerServices, TxnOffsetCommitRequestData, TxnOffsetCommitResponseData> = {
  apiKey: ApiKey.TxnOffsetCommit,
  name: 'TxnOffsetCommit',
  minVersion: 0,
  maxVersion: 5,
  async handle(request, ctx) {
    const version = ctx.header.apiVersion;
    const res = await ctx.services.broker.transactions.txnOffsetCommit({
      transactionalId: request.transactionalId,
      producerId: num(request.producerId),
      producerEpoch: request.producerEpoch,
      groupId: request.groupId,
      generationId: request.generationId ?? -1,
      memberId: request.memberId ?? '',
      groupInstanceId: request.groupInstanceId ?? null,
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          committedOffset: num(p.committedOffset),
          committedLeaderEpoch: p.committedLeaderEpoch ?? -1,
          committedMetadata: p.committedMetadata,
        })),
      })),
    }, version >= FIRST_VERSION_ADDING_OFFSETS);
    return {
      throttleTimeMs: 0,
      topics: res.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: fencedForVersion(p.errorCode, version, 3) })),
      })),
    };
  },
};
