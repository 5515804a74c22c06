import type { BrokerApi, BrokerServices } from '../../../../../src/broker/server/brokerApi';
import { fetchHandler } from '../../../../../src/broker/server/handlers/Fetch';
import type { RequestContext } from '../../../../../src/broker/server/types';
import { ApiKey, decodeRequest, encodeRequest, encodeResponse, concatChunks } from '../../../../../src/protocol';
import { ErrorCode } from '../../../../../src/protocol/errorCodes';

/** Runs the Fetch handler at `version` against a broker whose partition read failed with `errorCode`. */
async function fetchAnswer(version: number, errorCode: number): Promise<number> {
  const broker = {
    fetch: async () => ({
      errorCode: 0,
      responses: [{ topic: 't', topicId: undefined, partitions: [{ partitionIndex: 0, errorCode, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, preferredReadReplica: -1, records: null }] }],
    }),
  } as unknown as BrokerApi;
  const request = {
    replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic: 't', topicId: '00000000-0000-0000-0000-000000000000', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20, logStartOffset: -1n, currentLeaderEpoch: -1 }] }],
    forgottenTopicsData: [], rackId: '',
  };
  const decoded = decodeRequest(ApiKey.Fetch, version, encodeRequest(ApiKey.Fetch, version, request as never));
  const ctx = {
    header: { apiKey: ApiKey.Fetch, apiVersion: version, correlationId: 1, clientId: 'unit' },
    connection: { id: 1, remoteAddress: '127.0.0.1:5555' },
    services: { broker } as BrokerServices,
    afterResponseWritten: () => undefined,
  } as RequestContext<BrokerServices>;
  const res = (await fetchHandler.handle(decoded, ctx)) as { responses: { partitions: { errorCode: number }[] }[] };
  concatChunks(encodeResponse(ApiKey.Fetch, version, 1, res as never));
  return res.responses[0].partitions[0].errorCode;
}

describe('Fetch handler', () => {
  it('answers a storage error with KAFKA_STORAGE_ERROR from v6 on, and with the retriable NOT_LEADER_OR_FOLLOWER to older clients that do not know it', async () => {
    expect(await fetchAnswer(11, ErrorCode.KAFKA_STORAGE_ERROR)).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
    expect(await fetchAnswer(6, ErrorCode.KAFKA_STORAGE_ERROR)).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
    expect(await fetchAnswer(5, ErrorCode.KAFKA_STORAGE_ERROR)).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    expect(await fetchAnswer(4, ErrorCode.OFFSET_OUT_OF_RANGE)).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
  });
});
