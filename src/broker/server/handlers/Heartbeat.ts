import { ApiKey } from '../../../protocol/generated/apiKeys';
import type { HeartbeatRequestData, HeartbeatResponseData } from '../../../protocol/generated/types';
import type { BrokerServices } from '../brokerApi';
import type { ApiHandler } from '../types';

/** Heartbeat: keeps the member alive; REBALANCE_IN_PROGRESS tells it to rejoin. */
export const heartbeatHandler: ApiHandler<BrokerServices, HeartbeatRequestData, HeartbeatResponseData> = {
  apiKey: ApiKey.Heartbeat,
  name: 'Heartbeat',
  minVersion: 0,
  maxVersion: 4,
  async handle(request, ctx) {
    const res = await ctx.services.broker.heartbeat(request);
    return { throttleTimeMs: 0, errorCode: res.errorCode };
  },
};
