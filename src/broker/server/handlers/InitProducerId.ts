import { ApiKey } from '../../../protocol/generated/apiKeys';
import type { InitProducerIdRequestData, InitProducerIdResponseData } from '../../../protocol/generated/types';
import type { BrokerServices } from '../brokerApi';
import type { ApiHandler } from '../types';
import { big, num } from './convert';
import { fencedForVersion } from './txnErrors';

/**
 * InitProducerId: a producer id and epoch. With a transactional id the transaction coordinator
 * answers (epoch bump, fencing of the older producer); without, the broker's producer id blocks.
 * v6 (two-phase commit, KIP-939) is not served.
 */
export const initProducerIdHandler: ApiHandler<BrokerServices, InitProducerIdRequestData, InitProducerIdResponseData> = {
  apiKey: ApiKey.InitProducerId,
  name: 'InitProducerId',
  minVersion: 0,
  maxVersion: 5,
  async handle(request, ctx) {
    const broker = ctx.services.broker;
    const asked = { transactionTimeoutMs: request.transactionTimeoutMs, producerId: num(request.producerId), producerEpoch: request.producerEpoch ?? -1 };
    const res =
      request.transactionalId !== null
        ? await broker.transactions.initProducerId({ transactionalId: request.transactionalId, ...asked })
        : await broker.initProducerId({ transactionalId: null, ...asked });
    return {
      throttleTimeMs: 0,
      errorCode: fencedForVersion(res.errorCode, ctx.header.apiVersion, 4),
      producerId: big(res.producerId),
      producerEpoch: res.producerEpoch,
    };
  },
};
