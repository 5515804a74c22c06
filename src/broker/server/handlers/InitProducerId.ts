import { ApiKey } from '../../../protocol/generated/apiKeys';
import type { InitProducerIdRequestData, InitProducerIdResponseData } from '../../../protocol/generated/types';
import type { BrokerServices } from '../brokerApi';
import type { ApiHandler } from '../types';
import { big, num } from './convert';

/** InitProducerId: a producer id and epoch for idempotent producers (transactions are not supported). */
export const initProducerIdHandler: ApiHandler<BrokerServices, InitProducerIdRequestData, InitProducerIdResponseData> = {
  apiKey: ApiKey.InitProducerId,
  name: 'InitProducerId',
  minVersion: 0,
  maxVersion: 5,
  async handle(request, ctx) {
    const res = await ctx.services.broker.initProducerId({
      transactionalId: request.transactionalId,
      transactionTimeoutMs: request.transactionTimeoutMs,
      producerId: num(request.producerId),
      producerEpoch: request.producerEpoch ?? -1,
    });
    return { throttleTimeMs: 0, errorCode: res.errorCode, producerId: big(res.producerId), producerEpoch: res.producerEpoch };
  },
};
