import { ApiKey } from '../../../protocol/generated/apiKeys';
import { recordSetBuffer } from '../../../protocol/messages/schemaTypes';
import type { ProduceRequestData, ProduceResponseData } from '../../../protocol/generated/types';
import type { BrokerServices } from '../brokerApi';
import { NO_RESPONSE, type ApiHandler } from '../types';
import { big } from './convert';
import { storageErrorForVersion } from './storageError';

/** Produce v4 is the first whose clients handle KAFKA_STORAGE_ERROR (KIP-112). */
const FIRST_VERSION_WITH_STORAGE_ERROR = 4;
/** Produce v12 (same layout as v11) comes from transactions-version-2 producers, which rely on the broker to add partitions to their transaction (KIP-890). */
const FIRST_VERSION_ADDING_PARTITIONS = 12;

/**
 * Produce: appends the record batches as received. With acks=0 the client expects no response,
 * so none is sent (the append still happens, in request order).
 */
export const produceHandler: ApiHandler<BrokerServices, ProduceRequestData, ProduceResponseData> = {
  apiKey: ApiKey.Produce,
  name: 'Produce',
  minVersion: 0,
  maxVersion: 12,
  async handle(request, ctx) {
    const res = await ctx.services.broker.produce({
      transactionalId: request.transactionalId ?? null,
      addPartitionsToTxn: ctx.header.apiVersion >= FIRST_VERSION_ADDING_PARTITIONS,
      acks: request.acks,
      timeoutMs: request.timeoutMs,
      topics: request.topicData.map((t) => ({ name: t.name, partitions: t.partitionData.map((p) => ({ index: p.index, records: p.records && recordSetBuffer(p.records) })) })),
    });
    if (request.acks === 0) return NO_RESPONSE;
    return {
      throttleTimeMs: 0,
      responses: res.responses.map((t) => ({
        name: t.name,
        partitionResponses: t.partitionResponses.map((p) => ({
          index: p.index,
          errorCode: storageErrorForVersion(p.errorCode, ctx.header.apiVersion, FIRST_VERSION_WITH_STORAGE_ERROR),
          baseOffset: big(p.baseOffset),
          logAppendTimeMs: big(p.logAppendTime),
          logStartOffset: big(p.logStartOffset),
          recordErrors: p.recordErrors.map((e) => ({ batchIndex: e.batchIndex, batchIndexErrorMessage: e.batchIndexErrorMessage })),
          errorMessage: p.errorMessage,
        })),
      })),
    };
  },
};
