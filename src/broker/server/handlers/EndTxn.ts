import { ApiKey } from '../../../protocol/generated/apiKeys';
import type { EndTxnRequestData, EndTxnResponseData } from '../../../protocol/generated/types';
import type { BrokerServices } from '../brokerApi';
import type { ApiHandler } from '../types';
import { num } from './convert';
import { fencedForVersion } from './txnErrors';

/**
 * EndTxn: commits or aborts the producer's open transaction; answered once the markers are in
 * every partition of it. v5 (transactions version 2) is not served: clients use v0–v4.
 */
export const endTxnHandler: ApiHandler<BrokerServices, EndTxnRequestData, EndTxnResponseData> = {
  apiKey: ApiKey.EndTxn,
  name: 'EndTxn',
  minVersion: 0,
  maxVersion: 4,
  async handle(request, ctx) {
    const errorCode = await ctx.services.broker.transactions.endTxn(
      { transactionalId: request.transactionalId, producerId: num(request.producerId), producerEpoch: request.producerEpoch },
      request.committed,
    );
    return { throttleTimeMs: 0, errorCode: fencedForVersion(errorCode, ctx.header.apiVersion, 2) };
  },
};
