import { ApiKey } from '../../../protocol/generated/apiKeys';
import { ErrorCode } from '../../../protocol/errorCodes';
import type { DescribeProducersRequestData, DescribeProducersResponseData, DescribeProducersResponsePartitionResponse } from '../../../protocol/generated/types';
import type { BrokerServices } from '../brokerApi';
import type { ApiHandler } from '../types';
import { big } from './convert';

/**
 * DescribeProducers (`kafka-transactions describe-producers`, `find-hanging`): each partition's
 * producers with their epoch, last sequence and timestamp, and the start offset of their open
 * transaction there (-1 when none).
 */
export const describeProducersHandler: ApiHandler<BrokerServices, DescribeProducersRequestData, DescribeProducersResponseData> = {
  apiKey: ApiKey.DescribeProducers,
  name: 'DescribeProducers',
  minVersion: 0,
  maxVersion: 0,
  handle(request, ctx) {
    const describe = (topic: string, partitionIndex: number): DescribeProducersResponsePartitionResponse => {
      const partition = ctx.services.broker.partition(topic, partitionIndex);
      if (!partition) {
        return { partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `Topic ${topic} has no partition ${partitionIndex}`, activeProducers: [] };
      }
      return {
        partitionIndex,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        activeProducers: partition.producers.entries().map((e) => {
          const last = e.batches[e.batches.length - 1];
          return {
            producerId: big(e.producerId),
            producerEpoch: e.epoch,
            lastSequence: last?.lastSeq ?? -1,
            lastTimestamp: big(last?.maxTimestamp ?? -1),
            coordinatorEpoch: -1,
            currentTxnStartOffset: big(partition.txns.startOffsetOf(e.producerId)),
          };
        }),
      };
    };
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((p) => describe(t.name, p)) })),
    };
  },
};
