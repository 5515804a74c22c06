import { ApiKey } from '../../../protocol/generated/apiKeys';
import type { DescribeGroupsRequestData, DescribeGroupsResponseData } from '../../../protocol/generated/types';
import type { BrokerServices } from '../brokerApi';
import type { ApiHandler } from '../types';

/** DescribeGroups: state, protocol and members (with metadata and assignment) of each group. */
export const describeGroupsHandler: ApiHandler<BrokerServices, DescribeGroupsRequestData, DescribeGroupsResponseData> = {
  apiKey: ApiKey.DescribeGroups,
  name: 'DescribeGroups',
  minVersion: 0,
  maxVersion: 5,
  async handle(request, ctx) {
    const groups = await ctx.services.broker.describeGroups(request.groups);
    return {
      throttleTimeMs: 0,
      groups: groups.map((g) => ({
        errorCode: g.errorCode,
        groupId: g.groupId,
        groupState: g.groupState,
        protocolType: g.protocolType,
        protocolData: g.protocolData,
        members: g.members.map((m) => ({ ...m })),
        authorizedOperations: -2147483648,
      })),
    };
  },
};
