import { ApiKey } from '../../../protocol/generated/apiKeys';
import { ErrorCode } from '../../../protocol/errorCodes';
import type { FindCoordinatorRequestData, FindCoordinatorResponseData } from '../../../protocol/generated/types';
import type { BrokerServices } from '../brokerApi';
import type { ApiHandler } from '../types';

const GROUP_KEY = 0;

/**
 * FindCoordinator: this single broker coordinates every group. Transactions are not supported,
 * so transaction coordinators are reported unavailable. v4+ batches keys (coordinatorKeys).
 */
export const findCoordinatorHandler: ApiHandler<BrokerServices, FindCoordinatorRequestData, FindCoordinatorResponseData> = {
  apiKey: ApiKey.FindCoordinator,
  name: 'FindCoordinator',
  minVersion: 0,
  maxVersion: 6,
  handle(request, ctx) {
    const { nodeId, advertisedHost: host, advertisedPort: port } = ctx.services;
    const keyType = request.keyType ?? GROUP_KEY;
    const ok = keyType === GROUP_KEY;
    const errorCode = ok ? 0 : ErrorCode.COORDINATOR_NOT_AVAILABLE;
    const errorMessage = ok ? null : 'transactions are not supported by this broker';
    if (ctx.header.apiVersion >= 4) {
      return {
        throttleTimeMs: 0,
        coordinators: (request.coordinatorKeys ?? []).map((key) => ({ key, nodeId: ok ? nodeId : -1, host: ok ? host : '', port: ok ? port : -1, errorCode, errorMessage })),
      };
    }
    return { throttleTimeMs: 0, errorCode, errorMessage, nodeId: ok ? nodeId : -1, host: ok ? host : '', port: ok ? port : -1 };
  },
};
