import { ApiKey } from '../../../protocol/generated/apiKeys';
import type { DescribeProducersRequestData, DescribeProducersResponseData } from '../../../protocol/generated/types';
import type { BrokerServices } from '../brokerApi';
import type { ApiHandler } from '../types';

/**
 * DescribeProducers: asked by Kafka's admin tools. Partitions answer with no active producers
 * listed (their producer state and open transactions are not reported here yet; DescribeTransactions is).
 */
export const describeProducersHandler: ApiHandler<BrokerServices, DescribeProducersRequestData, DescribeProducersResponseData> = {
  apiKey: ApiKey.DescribeProducers,
  name: 'DescribeProducers',
  minVersion: 0,
  maxVersion: 0,
  handle(request) {
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, errorCode: 0, errorMessage: null, activeProducers: [] })),
      })),
    };
  },
};
