/** Fetch and ListOffsets, field for field as Kafka's requests and responses. */
import type { RecordSet } from '../../protocol/messages/schemaTypes';
import type { ReadLease } from '../storage/BufferPool';

export interface FetchPartitionRequest {
  partition: number;
  fetchOffset: number;
  /** Soft cap for this partition (the first batch of the response is always whole). */
  partitionMaxBytes: number;
  logStartOffset?: number;
  currentLeaderEpoch?: number;
}

export interface FetchTopicRequest {
  /** Topic name; or `topicId` (Fetch v13+). */
  topic?: string;
  topicId?: string;
  partitions: FetchPartitionRequest[];
}

export interface FetchRequest {
  /** -1 for consumers. */
  replicaId?: number;
  /** Longest wait for minBytes to accumulate. */
  maxWaitMs: number;
  minBytes: number;
  /** Cap of the whole response; default fetch.max.bytes. */
  maxBytes?: number;
  /** 0 read_uncommitted, 1 read_committed (identical here: no transactions). */
  isolationLevel?: number;
  topics: FetchTopicRequest[];
  /**
   * Holds the pooled buffers the response's records are read into; the caller releases it once
   * it no longer reads them (the wire server: when the response has been written). Without
   * one, the records are plain buffers the caller may keep.
   */
  lease?: ReadLease;
}

export interface FetchPartitionResponse {
  partitionIndex: number;
  errorCode: number;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  abortedTransactions: { producerId: number; firstOffset: number }[] | null;
  preferredReadReplica: number;
  /**
   * Whole stored batches, untouched (empty when none are there yet); null with an error. Several
   * buffers, in order, when read in pieces or from several tail blocks; each holds whole batches.
   */
  records: RecordSet | null;
}

export interface FetchTopicResponse {
  topic: string;
  topicId: string;
  partitions: FetchPartitionResponse[];
}

export interface FetchResponse {
  throttleTimeMs: number;
  errorCode: number;
  sessionId: number;
  responses: FetchTopicResponse[];
}

/** ListOffsets special timestamps. */
export const OffsetSpec = { LATEST: -1, EARLIEST: -2, MAX_TIMESTAMP: -3, EARLIEST_LOCAL: -4, LATEST_TIERED: -5 } as const;

export interface ListOffsetsRequest {
  replicaId?: number;
  isolationLevel?: number;
  topics: { name: string; partitions: { partitionIndex: number; timestamp: number; currentLeaderEpoch?: number }[] }[];
}

export interface ListOffsetsPartitionResponse {
  partitionIndex: number;
  errorCode: number;
  errorMessage: string | null;
  timestamp: number;
  offset: number;
  leaderEpoch: number;
}

export interface ListOffsetsResponse {
  throttleTimeMs: number;
  topics: { name: string; partitions: ListOffsetsPartitionResponse[] }[];
}

export interface DeleteRecordsRequest {
  topics: { name: string; partitions: { partitionIndex: number; offset: number }[] }[];
  timeoutMs?: number;
}

export interface DeleteRecordsResponse {
  throttleTimeMs: number;
  topics: { name: string; partitions: { partitionIndex: number; lowWatermark: number; errorCode: number; errorMessage: string | null }[] }[];
}
