import { ApiKey } from '../../../protocol/generated/apiKeys';
import type { ListGroupsRequestData, ListGroupsResponseData } from '../../../protocol/generated/types';
import type { BrokerServices } from '../brokerApi';
import type { ApiHandler } from '../types';

/** ListGroups: every classic group, optionally filtered by state (v4+) and type (v5+). */
export const listGroupsHandler: ApiHandler<BrokerServices, ListGroupsRequestData, ListGroupsResponseData> = {
  apiKey: ApiKey.ListGroups,
  name: 'ListGroups',
  minVersion: 0,
  maxVersion: 5,
  async handle(request, ctx) {
    const states = request.statesFilter ?? [];
    const res = await ctx.services.broker.listGroups(states.length > 0 ? states : null);
    const types = (request.typesFilter ?? []).map((s) => s.toLowerCase());
    const groups = res.groups.filter(() => types.length === 0 || types.includes('classic'));
    return {
      throttleTimeMs: 0,
      errorCode: res.errorCode,
      groups: groups.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, groupState: g.groupState, groupType: 'classic' })),
    };
  },
};
