import { ApiKey } from '../../../protocol/generated/apiKeys';
import type { AddOffsetsToTxnRequestData, AddOffsetsToTxnResponseData } from '../../../protocol/generated/types';
import type { BrokerServices } from '../brokerApi';
import type { ApiHandler } from '../types';
import { num } from './convert';
import { fencedForVersion } from './txnErrors';

/** AddOffsetsToTxn: the group's `__consumer_offsets` partition joins the transaction (TxnOffsetCommit follows). */
export const addOffsetsToTxnHandler: ApiHandler<BrokerServices, AddOffsetsToTxnRequestData, AddOffsetsToTxnResponseData> = {
  apiKey: ApiKey.AddOffsetsToTxn,
  name: 'AddOffsetsToTxn',
  minVersion: 0,
  maxVersion: 4,
  async handle(request, ctx) {
    const errorCode = await ctx.services.broker.transactions.addOffsets(
      { transactionalId: request.transactionalId, producerId: num(request.producerId), producerEpoch: request.producerEpoch },
      request.groupId,
    );
    return { throttleTimeMs: 0, errorCode: fencedForVersion(errorCode, ctx.header.apiVersion, 2) };
  },
};
