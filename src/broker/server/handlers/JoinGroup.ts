import { ApiKey } from '../../../protocol/generated/apiKeys';
import type { JoinGroupRequestData, JoinGroupResponseData } from '../../../protocol/generated/types';
import type { BrokerServices } from '../brokerApi';
import type { ApiHandler } from '../types';

/** JoinGroup (classic protocol). From v4 a new member must rejoin with the id it is given (KIP-394). */
export const joinGroupHandler: ApiHandler<BrokerServices, JoinGroupRequestData, JoinGroupResponseData> = {
  apiKey: ApiKey.JoinGroup,
  name: 'JoinGroup',
  minVersion: 0,
  maxVersion: 9,
  async handle(request, ctx) {
    const res = await ctx.services.broker.joinGroup({
      groupId: request.groupId,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId ?? null,
      protocolType: request.protocolType,
      protocols: request.protocols.map((p) => ({ name: p.name, metadata: p.metadata })),
      sessionTimeoutMs: request.sessionTimeoutMs,
      rebalanceTimeoutMs: request.rebalanceTimeoutMs ?? request.sessionTimeoutMs,
      reason: request.reason ?? null,
      clientId: ctx.header.clientId ?? '',
      clientHost: '/' + ctx.connection.remoteAddress.replace(/:\d+$/, ''),
      requireKnownMemberId: ctx.header.apiVersion >= 4,
    });
    return {
      throttleTimeMs: 0,
      errorCode: res.errorCode,
      generationId: res.generationId,
      protocolType: res.protocolType,
      protocolName: res.protocolName ?? (ctx.header.apiVersion >= 7 ? null : ''),
      leader: res.leader,
      skipAssignment: res.skipAssignment,
      memberId: res.memberId,
      members: res.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadata })),
    };
  },
};
