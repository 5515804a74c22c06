import { ApiKey } from '../../../protocol/generated/apiKeys';
import type { DeleteGroupsRequestData, DeleteGroupsResponseData } from '../../../protocol/generated/types';
import type { BrokerServices } from '../brokerApi';
import type { ApiHandler } from '../types';

/** DeleteGroups: removes empty groups and their committed offsets (NON_EMPTY_GROUP otherwise). */
export const deleteGroupsHandler: ApiHandler<BrokerServices, DeleteGroupsRequestData, DeleteGroupsResponseData> = {
  apiKey: ApiKey.DeleteGroups,
  name: 'DeleteGroups',
  minVersion: 0,
  maxVersion: 2,
  async handle(request, ctx) {
    const results = await ctx.services.broker.deleteGroups(request.groupsNames);
    return { throttleTimeMs: 0, results: results.map((r) => ({ groupId: r.groupId, errorCode: r.errorCode })) };
  },
};
