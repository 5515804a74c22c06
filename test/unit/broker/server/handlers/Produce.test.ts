import type { BrokerApi, BrokerServices } from '../../../../../src/broker/server/brokerApi';
import { produceHandler } from '../../../../../src/broker/server/handlers/Produce';
import type { RequestContext } from '../../../../../src/broker/server/types';
import { ApiKey, decodeRequest, encodeRequest, encodeResponse, concatChunks } from '../../../../../src/protocol';
import { ErrorCode } from '../../../../../src/protocol/errorCodes';

/** Runs the Produce handler at `version` against a broker whose partition append failed with `errorCode`. */
async function produceAnswer(version: number, errorCode: number): Promise<number> {
  const broker = {
    produce: async () => ({
      throttleTimeMs: 0,
      responses: [{ name: 't', partitionResponses: [{ index: 0, errorCode, baseOffset: -1, logAppendTime: -1, logStartOffset: -1, recordErrors: [], errorMessage: 'disk full' }] }],
    }),
  } as unknown as BrokerApi;
  const request = { transactionalId: null, acks: 1, timeoutMs: 100, topicData: [{ name: 't', partitionData: [{ index: 0, records: Buffer.alloc(0) }] }] };
  const decoded = decodeRequest(ApiKey.Produce, version, encodeRequest(ApiKey.Produce, version, request as never));
  const ctx = {
    header: { apiKey: ApiKey.Produce, apiVersion: version, correlationId: 1, clientId: 'unit' },
    connection: { id: 1, remoteAddress: '127.0.0.1:5555' },
    services: { broker } as BrokerServices,
    afterResponseWritten: () => undefined,
  } as RequestContext<BrokerServices>;
  const res = (await produceHandler.handle(decoded, ctx)) as { responses: { partitionResponses: { errorCode: number }[] }[] };
  concatChunks(encodeResponse(ApiKey.Produce, version, 1, res as never));
  return res.responses[0].partitionResponses[0].errorCode;
}

describe('Produce handler', () => {
  it('answers a storage error with KAFKA_STORAGE_ERROR from v4 on, and with the retriable NOT_LEADER_OR_FOLLOWER to older clients that do not know it', async () => {
    expect(await produceAnswer(11, ErrorCode.KAFKA_STORAGE_ERROR)).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
    expect(await produceAnswer(4, ErrorCode.KAFKA_STORAGE_ERROR)).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
    expect(await produceAnswer(3, ErrorCode.KAFKA_STORAGE_ERROR)).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    expect(await produceAnswer(3, ErrorCode.CORRUPT_MESSAGE)).toBe(ErrorCode.CORRUPT_MESSAGE);
  });
});
