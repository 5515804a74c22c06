import { ApiKey } from '../../../protocol/generated/apiKeys';
import type { LeaveGroupRequestData, LeaveGroupResponseData } from '../../../protocol/generated/types';
import type { BrokerServices } from '../brokerApi';
import type { ApiHandler } from '../types';

/** LeaveGroup: one member (v0–2) or a batch of members by id or instance id (v3+). */
export const leaveGroupHandler: ApiHandler<BrokerServices, LeaveGroupRequestData, LeaveGroupResponseData> = {
  apiKey: ApiKey.LeaveGroup,
  name: 'LeaveGroup',
  minVersion: 0,
  maxVersion: 5,
  async handle(request, ctx) {
    const batched = ctx.header.apiVersion >= 3;
    const members = batched
      ? (request.members ?? []).map((m) => ({ memberId: m.memberId ?? '', groupInstanceId: m.groupInstanceId ?? null, reason: m.reason ?? null }))
      : [{ memberId: request.memberId ?? '', groupInstanceId: null, reason: null }];
    const res = await ctx.services.broker.leaveGroup({ groupId: request.groupId, members });
    const single = res.members[0]?.errorCode ?? 0;
    return {
      throttleTimeMs: 0,
      errorCode: res.errorCode !== 0 || batched ? res.errorCode : single,
      members: res.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode: m.errorCode })),
    };
  },
};
