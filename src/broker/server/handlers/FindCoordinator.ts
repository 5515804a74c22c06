import { ApiKey } from '../../../protocol/generated/apiKeys';
import { ErrorCode } from '../../../protocol/errorCodes';
import type { FindCoordinatorRequestData, FindCoordinatorResponseData } from '../../../protocol/generated/types';
import type { BrokerServices } from '../brokerApi';
import type { ApiHandler } from '../types';

const GROUP_KEY = 0;
const TRANSACTION_KEY = 1;

/**
 * FindCoordinator: this single broker coordinates every group (key type 0) and every
 * transactional id (key type 1). v4+ batches keys (coordinatorKeys).
 */
export const findCoordinatorHandler: ApiHandler<BrokerServices, FindCoordinatorRequestData, FindCoordinatorResponseData> = {
  apiKey: ApiKey.FindCoordinator,
  name: 'FindCoordinator',
  minVersion: 0,
  maxVersion: 6,
  handle(request, ctx) {
    const { nodeId, advertisedHost: host, advertisedPort: port } = ctx.services;
    const version = ctx.header.apiVersion;
    const keys = version >= 4 ? (request.coordinatorKeys ?? []) : [request.key ?? ''];
    const keyType = request.keyType ?? GROUP_KEY;
    const known = keyType === GROUP_KEY || keyType === TRANSACTION_KEY;
    const errorCode = known ? ErrorCode.NONE : ErrorCode.INVALID_REQUEST;
    const errorMessage = known ? null : `Unknown coordinator key type ${keyType}: 0 is a group, 1 a transactional id`;
    const node = known ? { nodeId, host, port } : { nodeId: -1, host: '', port: -1 };
    if (version >= 4) return { throttleTimeMs: 0, coordinators: keys.map((key) => ({ key, ...node, errorCode, errorMessage })) };
    return { throttleTimeMs: 0, errorCode, errorMessage, ...node };
  },
};
