import { ApiKey } from '../../../protocol/generated/apiKeys';
import { ErrorCode } from '../../../protocol/errorCodes';
import type { AddPartitionsToTxnRequestData, AddPartitionsToTxnResponseData } from '../../../protocol/generated/types';
import type { AddPartitionsResult, TxnProducer } from '../../txn';
import type { BrokerServices } from '../brokerApi';
import type { ApiHandler } from '../types';
import { num } from './convert';
import { fencedForVersion } from './txnErrors';

/** v4 batches several transactions and may only verify (KIP-890): the form brokers send each other. */
const FIRST_BATCHED_VERSION = 4;

/**
 * AddPartitionsToTxn: a transactional producer names the partitions it is about to write (v0–v3).
 * v4+ carry several transactions; a VerifyOnly one changes nothing and answers per partition
 * whether it is already in the producer's open transaction (INVALID_TXN_STATE when not).
 */
export const addPartitionsToTxnHandler: ApiHandler<BrokerServices, AddPartitionsToTxnRequestData, AddPartitionsToTxnResponseData> = {
  apiKey: ApiKey.AddPartitionsToTxn,
  name: 'AddPartitionsToTxn',
  minVersion: 0,
  maxVersion: 5,
  async handle(request, ctx) {
    const version = ctx.header.apiVersion;
    const txns = ctx.services.broker.transactions;
    const asResults = (results: AddPartitionsResult[]) =>
      results.map((t) => ({
        name: t.topic,
        resultsByPartition: t.partitions.map((p) => ({ partitionIndex: p.partition, partitionErrorCode: fencedForVersion(p.errorCode, version, 2) })),
      }));
    if (version < FIRST_BATCHED_VERSION) {
      const results = await txns.addPartitions(
        { transactionalId: request.v3AndBelowTransactionalId ?? '', producerId: num(request.v3AndBelowProducerId), producerEpoch: request.v3AndBelowProducerEpoch ?? -1 },
        (request.v3AndBelowTopics ?? []).map((t) => ({ name: t.name, partitions: t.partitions })),
      );
      return { throttleTimeMs: 0, resultsByTopicV3AndBelow: asResults(results) };
    }
    const resultsByTransaction = [];
    for (const t of request.transactions ?? []) {
      const producer: TxnProducer = { transactionalId: t.transactionalId, producerId: num(t.producerId), producerEpoch: t.producerEpoch };
      const topics = t.topics.map((x) => ({ name: x.name, partitions: x.partitions }));
      const results = t.verifyOnly ? txns.verifyPartitions(producer, topics) : await txns.addPartitions(producer, topics);
      resultsByTransaction.push({ transactionalId: t.transactionalId, topicResults: asResults(results) });
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, resultsByTransaction };
  },
};
