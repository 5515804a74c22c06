import { ApiKey } from '../../../protocol/generated/apiKeys';
import type { SyncGroupRequestData, SyncGroupResponseData } from '../../../protocol/generated/types';
import type { BrokerServices } from '../brokerApi';
import type { ApiHandler } from '../types';

/** SyncGroup: the leader hands in assignments; every member gets its own back. */
export const syncGroupHandler: ApiHandler<BrokerServices, SyncGroupRequestData, SyncGroupResponseData> = {
  apiKey: ApiKey.SyncGroup,
  name: 'SyncGroup',
  minVersion: 0,
  maxVersion: 5,
  async handle(request, ctx) {
    const res = await ctx.services.broker.syncGroup(request);
    return { throttleTimeMs: 0, errorCode: res.errorCode, protocolType: res.protocolType, protocolName: res.protocolName, assignment: res.assignment };
  },
};
