import { ApiKey } from '../../../protocol/generated/apiKeys';
import type { FetchRequestData, FetchResponseData } from '../../../protocol/generated/types';
import { ReadLease } from '../../storage/BufferPool';
import type { BrokerServices } from '../brokerApi';
import type { ApiHandler } from '../types';
import { big, num } from './convert';
import { storageErrorForVersion } from './storageError';

/** Fetch v6 is the first whose clients handle KAFKA_STORAGE_ERROR (KIP-112). */
const FIRST_VERSION_WITH_STORAGE_ERROR = 6;

const EMPTY = Buffer.alloc(0);

/**
 * Fetch: long-polls through the broker's purgatory (maxWaitMs/minBytes) and answers with the
 * stored batch bytes, which the codec appends to the response by reference (one writev, no copy)
 * from buffers that are reused once the response has been written.
 * Fetch sessions are not kept: sessionId 0 tells clients to send full fetches. From v13 topics are
 * named by id.
 */
export const fetchHandler: ApiHandler<BrokerServices, FetchRequestData, FetchResponseData> = {
  apiKey: ApiKey.Fetch,
  name: 'Fetch',
  minVersion: 0,
  maxVersion: 17,
  async handle(request, ctx) {
    const byId = ctx.header.apiVersion >= 13;
    // The records are read into pooled buffers, handed back once the socket has written them.
    const lease = new ReadLease();
    ctx.afterResponseWritten(() => lease.release());
    const res = await ctx.services.broker.fetch({
      lease,
      replicaId: request.replicaId ?? -1,
      maxWaitMs: request.maxWaitMs,
      minBytes: request.minBytes,
      maxBytes: request.maxBytes,
      isolationLevel: request.isolationLevel ?? 0,
      topics: request.topics.map((t) => ({
        topic: byId ? undefined : t.topic,
        topicId: byId ? t.topicId : undefined,
        partitions: t.partitions.map((p) => ({
          partition: p.partition,
          fetchOffset: num(p.fetchOffset, 0),
          partitionMaxBytes: p.partitionMaxBytes,
          logStartOffset: num(p.logStartOffset),
          currentLeaderEpoch: p.currentLeaderEpoch,
        })),
      })),
    });
    return {
      throttleTimeMs: 0,
      errorCode: res.errorCode,
      sessionId: 0,
      responses: res.responses.map((t) => ({
        topic: t.topic,
        topicId: t.topicId,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          errorCode: storageErrorForVersion(p.errorCode, ctx.header.apiVersion, FIRST_VERSION_WITH_STORAGE_ERROR),
          highWatermark: big(p.highWatermark),
          lastStableOffset: big(p.lastStableOffset),
          logStartOffset: big(p.logStartOffset),
          abortedTransactions: p.abortedTransactions?.map((a) => ({ producerId: big(a.producerId), firstOffset: big(a.firstOffset) })) ?? null,
          preferredReadReplica: p.preferredReadReplica,
          records: p.records ?? EMPTY,
        })),
      })),
    };
  },
};
