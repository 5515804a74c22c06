import { ApiKey } from '../../../protocol/generated/apiKeys';
import type { DescribeTransactionsRequestData, DescribeTransactionsResponseData } from '../../../protocol/generated/types';
import type { BrokerServices } from '../brokerApi';
import type { ApiHandler } from '../types';
import { big } from './convert';

/** DescribeTransactions: each transactional id's state, producer, timeout and open partitions. */
export const describeTransactionsHandler: ApiHandler<BrokerServices, DescribeTransactionsRequestData, DescribeTransactionsResponseData> = {
  apiKey: ApiKey.DescribeTransactions,
  name: 'DescribeTransactions',
  minVersion: 0,
  maxVersion: 0,
  handle(request, ctx) {
    return {
      throttleTimeMs: 0,
      transactionStates: ctx.services.broker.transactions.describe(request.transactionalIds).map((t) => ({
        errorCode: t.errorCode,
        transactionalId: t.transactionalId,
        transactionState: t.transactionState,
        transactionTimeoutMs: t.transactionTimeoutMs,
        transactionStartTimeMs: big(t.transactionStartTimeMs),
        producerId: big(t.producerId),
        producerEpoch: t.producerEpoch,
        topics: t.topics.map((x) => ({ topic: x.topic, partitions: x.partitions })),
      })),
    };
  },
};
