import { ApiKey } from '../../../protocol/generated/apiKeys';
import type { AddPartitionsToTxnRequestData, AddPartitionsToTxnResponseData } from '../../../protocol/generated/types';
import type { BrokerServices } from '../brokerApi';
import type { ApiHandler } from '../types';
import { num } from './convert';
import { fencedForVersion } from './txnErrors';

/**
 * AddPartitionsToTxn: a transactional producer names the partitions it is about to write. v0–v3
 * are the client versions (v4+ batch transactions for brokers' verification, not served here).
 */
export const addPartitionsToTxnHandler: ApiHandler<BrokerServices, AddPartitionsToTxnRequestData, AddPartitionsToTxnResponseData> = {
  apiKey: ApiKey.AddPartitionsToTxn,
  name: 'AddPartitionsToTxn',
  minVersion: 0,
  maxVersion: 3,
  async handle(request, ctx) {
    const version = ctx.header.apiVersion;
    const results = await ctx.services.broker.transactions.addPartitions(
      { transactionalId: request.v3AndBelowTransactionalId ?? '', producerId: num(request.v3AndBelowProducerId), producerEpoch: request.v3AndBelowProducerEpoch ?? -1 },
      (request.v3AndBelowTopics ?? []).map((t) => ({ name: t.name, partitions: t.partitions })),
    );
    return {
      throttleTimeMs: 0,
      resultsByTopicV3AndBelow: results.map((t) => ({
        name: t.topic,
        resultsByPartition: t.partitions.map((p) => ({ partitionIndex: p.partition, partitionErrorCode: fencedForVersion(p.errorCode, version, 2) })),
      })),
    };
  },
};
