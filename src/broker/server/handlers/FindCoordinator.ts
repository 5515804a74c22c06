import { ApiKey } from '../../../protocol/generated/apiKeys';
import { ErrorCode } from '../../../protocol/errorCodes';
import type { FindCoordinatorRequestData, FindCoordinatorResponseData } from '../../../protocol/generated/types';
import type { BrokerServices } from '../brokerApi';
import type { ApiHandler } from '../types';
import { noteTransactionsRefused, refusesAtFindCoordinator, TRANSACTIONS_REFUSED_MESSAGE } from './transactionsRefused';

const GROUP_KEY = 0;

/**
 * FindCoordinator: this single broker coordinates every group. Transactions are not supported:
 * a transaction coordinator lookup is refused here or at InitProducerId, whichever the asking
 * client reports as fatal (see transactionsRefused.ts). v4+ batches keys (coordinatorKeys).
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
    const refused = (request.keyType ?? GROUP_KEY) !== GROUP_KEY && refusesAtFindCoordinator(version);
    if (refused) for (const key of keys) noteTransactionsRefused(ctx, key);
    const errorCode = refused ? ErrorCode.UNSUPPORTED_VERSION : ErrorCode.NONE;
    const errorMessage = refused ? TRANSACTIONS_REFUSED_MESSAGE : null;
    const node = refused ? { nodeId: -1, host: '', port: -1 } : { nodeId, host, port };
    if (version >= 4) return { throttleTimeMs: 0, coordinators: keys.map((key) => ({ key, ...node, errorCode, errorMessage })) };
    return { throttleTimeMs: 0, errorCode, errorMessage, ...node };
  },
};
