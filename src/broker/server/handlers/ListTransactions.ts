import { ApiKey } from '../../../protocol/generated/apiKeys';
import type { ListTransactionsRequestData, ListTransactionsResponseData } from '../../../protocol/generated/types';
import type { BrokerServices } from '../brokerApi';
import type { ApiHandler } from '../types';

const KNOWN_STATES = ['Empty', 'Ongoing', 'PrepareCommit', 'PrepareAbort', 'CompleteCommit', 'CompleteAbort', 'Dead', 'PrepareEpochFence'];

/** ListTransactions: transactions are not supported, so there are never any to list. */
export const listTransactionsHandler: ApiHandler<BrokerServices, ListTransactionsRequestData, ListTransactionsResponseData> = {
  apiKey: ApiKey.ListTransactions,
  name: 'ListTransactions',
  minVersion: 0,
  maxVersion: 1,
  handle(request) {
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      unknownStateFilters: request.stateFilters.filter((s) => !KNOWN_STATES.includes(s)),
      transactionStates: [],
    };
  },
};
