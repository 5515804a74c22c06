import { ApiKey } from '../../../protocol/generated/apiKeys';
import { ErrorCode } from '../../../protocol/errorCodes';
import type { InitProducerIdRequestData, InitProducerIdResponseData } from '../../../protocol/generated/types';
import type { BrokerServices } from '../brokerApi';
import type { ApiHandler } from '../types';
import { big, num } from './convert';
import { noteTransactionsRefused } from './transactionsRefused';

/**
 * InitProducerId: a producer id and epoch for idempotent producers. A transactional id is refused
 * (transactions are not supported) with the code every client treats as fatal here; the
 * response has no message field, so the broker's log says why.
 */
export const initProducerIdHandler: ApiHandler<BrokerServices, InitProducerIdRequestData, InitProducerIdResponseData> = {
  apiKey: ApiKey.InitProducerId,
  name: 'InitProducerId',
  minVersion: 0,
  maxVersion: 5,
  async handle(request, ctx) {
    if (request.transactionalId) {
      noteTransactionsRefused(ctx, request.transactionalId);
      return { throttleTimeMs: 0, errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, producerId: -1n, producerEpoch: -1 };
    }
    const res = await ctx.services.broker.initProducerId({
      transactionalId: null,
      transactionTimeoutMs: request.transactionTimeoutMs,
      producerId: num(request.producerId),
      producerEpoch: request.producerEpoch ?? -1,
    });
    return { throttleTimeMs: 0, errorCode: res.errorCode, producerId: big(res.producerId), producerEpoch: res.producerEpoch };
  },
};
