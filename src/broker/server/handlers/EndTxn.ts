import { ApiKey } from '../../../protocol/generated/apiKeys';
import type { EndTxnRequestData, EndTxnResponseData } from '../../../protocol/generated/types';
import type { BrokerServices } from '../brokerApi';
import type { ApiHandler } from '../types';
import { big, num } from './convert';
import { fencedForVersion } from './txnErrors';

/** EndTxn v5 is sent by transactions-version-2 producers (KIP-890 part 2). */
const FIRST_VERSION_WITH_EPOCH_BUMP = 5;

/**
 * EndTxn: commits or aborts the producer's open transaction; answered once the markers are in
 * every partition of it. From v5 every EndTxn bumps the producer epoch and the response carries
 * the producer id and epoch the producer continues with.
 */
export const endTxnHandler: ApiHandler<BrokerServices, EndTxnRequestData, EndTxnResponseData> = {
  apiKey: ApiKey.EndTxn,
  name: 'EndTxn',
  minVersion: 0,
  maxVersion: 5,
  async handle(request, ctx) {
    const version = ctx.header.apiVersion;
    const res = await ctx.services.broker.transactions.endTransaction(
      { transactionalId: request.transactionalId, producerId: num(request.producerId), producerEpoch: request.producerEpoch },
      request.committed,
      version >= FIRST_VERSION_WITH_EPOCH_BUMP ? 2 : 0,
    );
    return { throttleTimeMs: 0, errorCode: fencedForVersion(res.errorCode, version, 2), producerId: big(res.producerId), producerEpoch: res.producerEpoch };
  },
};
