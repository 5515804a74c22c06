/**
 * Fetch: whole stored batches per partition from the requested offset, within the partition
 * and response byte limits (the first batch of the response is always whole, KIP-74), served
 * from the in-memory tail when the consumer is caught up. When fewer than minBytes are there,
 * the fetch waits in the purgatory until appends bring them or maxWaitMs passes.
 */
import { ErrorCode } from '../../protocol/errorCodes';
import { BrokerRequestError, toErrorResult } from '../BrokerRequestError';
import type { Partition } from '../partition/Partition';
import type { TopicManager } from '../topics/TopicManager';
import type { Topic } from '../topics/Topic';
import { FetchPurgatory } from './FetchPurgatory';
import { abortedTransactions, batchesBelow, READ_COMMITTED } from './readCommitted';
import type { FetchPartitionResponse, FetchRequest, FetchResponse, FetchTopicResponse } from './types';

interface Pass {
  response: FetchResponse;
  bytes: number;
  /** Partitions read without error: what a delayed fetch waits on. */
  readable: Partition[];
  anyError: boolean;
}

export class FetchHandler {
  readonly purgatory = new FetchPurgatory();

  constructor(
    private readonly topics: TopicManager,
    private readonly fetchMaxBytes: number,
    /** Bytes read from the log files per partition, at most (BrokerConfig.fetchLogReadMaxBytes). */
    private readonly logReadMaxBytes = Infinity,
  ) {}

  async fetch(req: FetchRequest): Promise<FetchResponse> {
    const first = this.readOnce(req);
    const minBytes = Math.max(1, req.minBytes);
    if (req.maxWaitMs <= 0 || first.bytes >= minBytes || first.anyError || first.readable.length === 0) return first.response;
    // The first pass's records are dropped unread: its buffers can go back to the pool now.
    req.lease?.release();
    await this.purgatory.wait(first.readable, minBytes, req.maxWaitMs, first.bytes);
    return this.readOnce(req).response;
  }

  private readOnce(req: FetchRequest): Pass {
    let budget = Math.min(req.maxBytes ?? this.fetchMaxBytes, this.fetchMaxBytes);
    let bytes = 0;
    let anyError = false;
    const readable: Partition[] = [];
    const committed = req.isolationLevel === READ_COMMITTED;
    const responses: FetchTopicResponse[] = req.topics.map((t) => {
      let topic: Topic | undefined;
      let topicError: ReturnType<typeof toErrorResult> | null = null;
      try {
        topic = this.resolveTopic(t.topic, t.topicId);
      } catch (err) {
        topicError = toErrorResult(err);
      }
      const partitions = t.partitions.map((p): FetchPartitionResponse => {
        const partition = topic?.partitions[p.partition];
        if (!partition) {
          anyError = true;
          return errorPartition(p.partition, topicError?.errorCode ?? (t.topicId && !t.topic ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
        }
        const base = {
          partitionIndex: p.partition,
          highWatermark: partition.highWatermark,
          lastStableOffset: partition.lastStableOffset,
          logStartOffset: partition.logStartOffset,
          abortedTransactions: null,
          preferredReadReplica: -1,
        };
        if (p.fetchOffset < partition.logStartOffset || p.fetchOffset > partition.logEndOffset) {
          anyError = true;
          return { ...base, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, records: null };
        }
        readable.push(partition);
        // read_committed stops at the last stable offset; a consumer there waits like one at the log end.
        const upperBound = committed ? base.lastStableOffset : partition.logEndOffset;
        if (p.fetchOffset >= upperBound) return { ...base, errorCode: ErrorCode.NONE, records: EMPTY, ...(committed && { abortedTransactions: [] }) };
        try {
          const limit = Math.min(p.partitionMaxBytes, budget);
          const read = partition.read(p.fetchOffset, limit, bytes === 0, req.lease, this.logReadMaxBytes);
          const chunks = committed && upperBound < partition.logEndOffset ? batchesBelow(read.chunks, upperBound) : read.chunks;
          const readBytes = chunks === read.chunks ? read.bytes : chunks.reduce((n, c) => n + c.length, 0);
          bytes += readBytes;
          budget -= readBytes;
          const records = chunks.length === 1 ? chunks[0] : chunks.length === 0 ? EMPTY : chunks;
          const aborted = committed ? abortedTransactions(partition, p.fetchOffset, upperBound) : null;
          return { ...base, errorCode: ErrorCode.NONE, records, abortedTransactions: aborted };
        } catch (err) {
          anyError = true;
          return { ...base, errorCode: toErrorResult(err).errorCode, records: null };
        }
      });
      return { topic: topic?.name ?? t.topic ?? '', topicId: topic?.topicId ?? t.topicId ?? ZERO_UUID, partitions };
    });
    return { response: { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses }, bytes, readable, anyError };
  }

  private resolveTopic(name: string | undefined, topicId: string | undefined): Topic {
    if (name) return this.topics.getOrAutoCreate(name);
    if (topicId) {
      const topic = this.topics.byId(topicId);
      if (!topic) throw new BrokerRequestError(ErrorCode.UNKNOWN_TOPIC_ID, `No topic has id ${topicId}`);
      return topic;
    }
    throw new BrokerRequestError(ErrorCode.INVALID_REQUEST, 'A fetch topic needs a name or a topic id');
  }
}

const EMPTY = Buffer.alloc(0);

export const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

function errorPartition(partitionIndex: number, errorCode: number): FetchPartitionResponse {
  return { partitionIndex, errorCode, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, abortedTransactions: null, preferredReadReplica: -1, records: null };
}
