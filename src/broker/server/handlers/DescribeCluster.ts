import { ApiKey } from '../../../protocol/generated/apiKeys';
import type { DescribeClusterRequestData, DescribeClusterResponseData } from '../../../protocol/generated/types';
import type { BrokerServices } from '../brokerApi';
import type { ApiHandler } from '../types';

/** DescribeCluster: one broker, which is also the controller. */
export const describeClusterHandler: ApiHandler<BrokerServices, DescribeClusterRequestData, DescribeClusterResponseData> = {
  apiKey: ApiKey.DescribeCluster,
  name: 'DescribeCluster',
  minVersion: 0,
  maxVersion: 1,
  handle(request, ctx) {
    const { nodeId, advertisedHost, advertisedPort, clusterId } = ctx.services;
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: null,
      endpointType: request.endpointType ?? 1,
      clusterId,
      controllerId: nodeId,
      brokers: [{ brokerId: nodeId, host: advertisedHost, port: advertisedPort, rack: null }],
      clusterAuthorizedOperations: -2147483648,
    };
  },
};
