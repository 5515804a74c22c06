import { ApiKey } from '../../../protocol/generated/apiKeys';
import type { ListTransactionsRequestData, ListTransactionsResponseData } from '../../../protocol/generated/types';
import type { BrokerServices } from '../brokerApi';
import type { ApiHandler } from '../types';
import { big, num } from './convert';

/** ListTransactions: the transactional ids this node coordinates, filtered by state, producer id and (v1) open duration. */
export const listTransactionsHandler: ApiHandler<BrokerServices, ListTransactionsRequestData, ListTransactionsResponseData> = {
  apiKey: ApiKey.ListTransactions,
  name: 'ListTransactions',
  minVersion: 0,
  maxVersion: 1,
  handle(request, ctx) {
    const { unknownStateFilters, transactions } = ctx.services.broker.transactions.list(
      request.stateFilters,
      request.producerIdFilters.map((p) => num(p)),
      num(request.durationFilter),
    );
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      unknownStateFilters,
      transactionStates: transactions.map((t) => ({ transactionalId: t.transactionalId, producerId: big(t.producerId), transactionState: t.transactionState })),
    };
  },
};
