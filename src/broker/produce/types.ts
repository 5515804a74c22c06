/** Produce and InitProducerId, field for field as Kafka's ProduceRequest / ProduceResponse. */

export interface ProduceRequest {
  /** Set by a transactional producer; its transactional batches go only to partitions added to its open transaction. */
  transactionalId?: string | null;
  /**
   * Produce v12+ (transactions version 2): partitions of transactional batches that are not yet in
   * the producer's transaction are added to it by the broker, instead of being refused.
   */
  addPartitionsToTxn?: boolean;
  /** 0 (no response expected by the client), 1 (leader appended), -1 (all in-sync replicas: here, appended and flushed when the topic flushes on append). */
  acks: number;
  timeoutMs?: number;
  topics: ProduceTopicData[];
}

export interface ProduceTopicData {
  name: string;
  partitions: ProducePartitionData[];
}

export interface ProducePartitionData {
  index: number;
  /**
   * Concatenated RecordBatch v2 bytes. The broker takes ownership: it rewrites offsets in place
   * and keeps the buffer in its in-memory tail; do not reuse it after the call.
   */
  records: Buffer | null;
}

export interface BatchIndexAndErrorMessage {
  batchIndex: number;
  batchIndexErrorMessage: string | null;
}

export interface ProducePartitionResponse {
  index: number;
  errorCode: number;
  /** Offset of the first record appended (or of the original append for a retried duplicate); -1 on error. */
  baseOffset: number;
  /** The LogAppendTime stamped when the topic uses it, else -1. */
  logAppendTime: number;
  logStartOffset: number;
  recordErrors: BatchIndexAndErrorMessage[];
  errorMessage: string | null;
}

export interface ProduceTopicResponse {
  name: string;
  partitionResponses: ProducePartitionResponse[];
}

export interface ProduceResponse {
  responses: ProduceTopicResponse[];
  throttleTimeMs: number;
}
